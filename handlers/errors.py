"""The error handler: log what went wrong, apologise to the user once, keep serving."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.app.context import Context
from bot.chat import formatting

logger = logging.getLogger(__name__)


def describe(update: object) -> str:
    """Which update failed, without its content (user texts stay out of the logs)."""
    if not isinstance(update, Update):
        return "no update"
    kind = next(
        (field for field in ("message", "edited_message", "callback_query", "inline_query",
                             "channel_post", "chosen_inline_result") if getattr(update, field)),
        "other",
    )
    chat = update.effective_chat
    where = f" in {chat.type} chat {chat.id}" if chat else ""
    return f"update {update.update_id} ({kind}{where})"


async def on_error(update: object, context: Context) -> None:
    error = context.error
    if isinstance(error, Forbidden):
        logger.warning("Telegram refused %s: %s", describe(update), error)
        return
    if isinstance(error, (TimedOut, RetryAfter)) or type(error) is NetworkError:
        logger.warning("Network trouble on %s: %s", describe(update), error)
        return
    logger.error("Error while handling %s", describe(update), exc_info=error)
    if isinstance(update, Update):
        await apologise(update)


async def apologise(update: Update) -> None:
    """One short apology where the user asked; nothing if even that fails."""
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(formatting.APOLOGY)
        elif (
            update.effective_message is not None
            and update.effective_chat is not None
            and update.effective_chat.type != Chat.CHANNEL
            and update.inline_query is None
        ):
            await update.effective_message.reply_text(formatting.APOLOGY)
    except TelegramError as exc:
        logger.warning("Could not apologise for %s: %s", describe(update), exc)


def register(application: Application) -> None:
    application.add_error_handler(on_error)
