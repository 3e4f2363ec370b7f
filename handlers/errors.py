"""The error handler: log what went wrong, apologise to the user once, keep serving.

No apology when it would not help: the user blocked the bot, the network failed (the limiter
already retried what could be), the reply was shed under overload (the limiter logged that
once), or Telegram's answer was not JSON (the reply most likely went out: an apology would
follow an answer).
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.app.context import Context
from bot.app.limiter import Shed
from bot.chat import formatting
from handlers.language import user_translator

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
    if isinstance(error, Shed):
        logger.debug("Reply shed for %s: %s", describe(update), error)
        return
    if isinstance(error, Forbidden):
        logger.warning("Telegram refused %s: %s", describe(update), error)
        return
    if isinstance(error, (TimedOut, RetryAfter)) or type(error) is NetworkError:
        logger.warning("Network trouble on %s: %s", describe(update), error)
        return
    if unreadable_answer(error):
        logger.warning("Telegram's answer on %s was not JSON; the reply was probably sent",
                       describe(update))
        return
    logger.error("Error while handling %s", describe(update), exc_info=error)
    if isinstance(update, Update):
        await apologise(update)


def unreadable_answer(error: BaseException | None) -> bool:
    """A success status with a body that is not JSON: python-telegram-bot raises a bare
    ``TelegramError`` from the ``ValueError`` of parsing it (error statuses raise subclasses)."""
    return type(error) is TelegramError and isinstance(error.__cause__, ValueError)


async def apologise(update: Update) -> None:
    """One short apology where the user asked; nothing if even that fails."""
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(user_translator(update)._(formatting.APOLOGY))
        elif (
            update.effective_message is not None
            and update.effective_chat is not None
            and update.effective_chat.type != Chat.CHANNEL
            and update.inline_query is None
        ):
            await update.effective_message.reply_text(
                user_translator(update)._(formatting.APOLOGY))
    except TelegramError as exc:
        logger.warning("Could not apologise for %s: %s", describe(update), exc)


def register(application: Application) -> None:
    application.add_error_handler(on_error)
