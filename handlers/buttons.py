"""Presses on inline buttons: candidates, Prev/Next, "More like this", daily posts' buttons.

A button made to edit (candidates, pages) answers in place; any other answers with a new
message in the same chat. Where the bot cannot write (a channel, a message sent via inline
mode), the press opens the private chat with the bot, whose ``/start`` gets the answer.
"""

from __future__ import annotations

from telegram import Chat, Message, Update
from telegram.ext import Application, CallbackQueryHandler

from bot import buttons, formatting
from bot.context import Context
from handlers import answers, replies


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    catalog = context.bot_data.catalog
    button = buttons.decode(query.data or "", catalog.version)
    reply = answers.answer(catalog, button.action, button.ref, button.page) if button else None
    if button is None or reply is None:
        await query.answer(formatting.EXPIRED)
        return
    message = query.message if isinstance(query.message, Message) else None
    if message is not None and message.chat.type == Chat.CHANNEL:
        message = None
    if button.edit and (message is not None or query.inline_message_id):
        await query.answer()
        await replies.edit(query, reply)
    elif message is not None:
        await query.answer()
        await replies.send(message, reply)
    else:
        payload = buttons.deep_link_payload(query.data or "")
        await query.answer(url=f"https://t.me/{context.bot.username}?start={payload}")


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button))
