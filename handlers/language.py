"""Which language to answer an update in: see :func:`bot.chat.i18n.choose`."""

from __future__ import annotations

from telegram import Update

from bot.app.context import Context
from bot.chat import i18n
from bot.chat.i18n import Translator


def user_translator(update: Update) -> Translator:
    """The language of the user's Telegram app alone (apologies, flood warnings)."""
    user = update.effective_user
    return i18n.choose(user.language_code if user is not None else None)


async def translator_for(update: Update, context: Context, text: str | None = None) -> Translator:
    """The language of the answer to ``update``: the language a plain-word question ``text``
    is clearly in, else the user's Telegram ``language_code``; English by default."""
    user = update.effective_user
    spoken = i18n.language_of_text(text) if text else None
    return i18n.choose(spoken, user.language_code if user is not None else None)
