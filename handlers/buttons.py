"""Presses on inline buttons: candidates, Prev/Next, "More like this", daily posts' buttons.

A button made to edit (candidates, pages) answers in place; any other answers with a new
message in the same chat. Where the bot cannot write (a channel, a message sent via inline
mode), the press opens the private chat with the bot, whose ``/start`` gets the answer.
"""

from __future__ import annotations

from telegram import Chat, Message, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.app.context import Context
from bot.chat import buttons, formatting
from handlers import answers, replies
from handlers.language import translator_for


async def on_button(update: Update, context: Context) -> None:
    """Answer the press, then answer the query (stops the button's spinner).

    The query is answered last, once the reply is shown: if showing it fails, the error
    handler's apology is the query's one answer (Telegram refuses a second).
    """
    query = update.callback_query
    if query is None:
        return
    catalog = context.bot_data.catalog
    t = await translator_for(update, context)
    button = buttons.decode(query.data or "", catalog.version)
    if button is None:
        await query.answer(t._(formatting.EXPIRED))
        return
    message = query.message if isinstance(query.message, Message) else None
    if message is not None and message.chat.type == Chat.CHANNEL:
        message = None
    in_place = button.edit and (message is not None or bool(query.inline_message_id))
    if not in_place and message is None:
        payload = buttons.deep_link_payload(query.data or "")
        await query.answer(url=f"https://t.me/{context.bot.username}?start={payload}")
        return
    reply = answers.answer_button(catalog, button, t)
    if reply is None:
        await query.answer(t._(formatting.EXPIRED))
        return
    if in_place:
        await replies.edit(query, reply)
    elif message is not None:
        await replies.send(message, reply)
    await query.answer()


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button))
