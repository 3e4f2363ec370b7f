"""/start (with deep-link payloads from buttons the bot cannot answer in place), /help, and the
command menu Telegram shows; all three list :data:`bot.chat.commands.COMMANDS`."""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from bot.app.context import Context
from bot.chat import buttons, formatting, i18n
from bot.chat.commands import COMMANDS, HELP, help_entries, names_of
from handlers import answers, replies
from handlers.incoming import NEW_MESSAGES
from handlers.language import translator_for

logger = logging.getLogger(__name__)

INLINE_PAYLOAD = "inline"
"""``/start inline``: sent by the button shown over empty inline results."""


async def on_start(update: Update, context: Context) -> None:
    """Welcome; or, for ``t.me/bot?start=<button>``, the answer that button asks for."""
    message = update.effective_message
    if message is None:
        return
    catalog = context.bot_data.catalog
    t = await translator_for(update, context)
    payload = context.args[0] if context.args else ""
    if payload and payload != INLINE_PAYLOAD:
        reply = answers.answer_button(catalog, buttons.decode(payload, catalog.version), t)
        if reply is None:
            await message.reply_text(t._(formatting.EXPIRED_LINK))
        else:
            await replies.send(message, reply)
        return
    name = update.effective_user.first_name if update.effective_user else None
    await message.reply_text(formatting.welcome(name, help_entries(t), len(catalog), t))


async def on_help(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is not None:
        t = await translator_for(update, context)
        await message.reply_text(
            formatting.help_text(help_entries(t), len(context.bot_data.catalog), t)
        )


async def set_menu(application: Application) -> None:
    """Register the commands with ``setMyCommands``, so Telegram's menu lists them: the
    English menu for every user, then each other language's (its command names and
    descriptions) for users whose Telegram app is in that language."""
    try:
        await application.bot.set_my_commands(
            [BotCommand(c.name, c.description) for c in COMMANDS]
        )
        for language in i18n.LANGUAGES:
            if language == i18n.DEFAULT:
                continue
            t = i18n.translator(language)
            await application.bot.set_my_commands(
                [BotCommand(c.name_in(language), t._(c.description)) for c in COMMANDS],
                language_code=language,
            )
    except TelegramError as exc:
        logger.warning("Could not set the command menu: %s", exc)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", on_start, filters=NEW_MESSAGES))
    application.add_handler(CommandHandler(names_of(HELP), on_help, filters=NEW_MESSAGES))
