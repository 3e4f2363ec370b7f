"""Which language to answer an update in (:func:`bot.chat.i18n.choose`), and ``/lang``.

A chat's own choice (``/lang es``, ``/lang en``; ``/lang auto`` drops it) is stored with the
daily picks' state (``chat_settings``) and wins over everything; then the language a
plain-word question is clearly in; then the user's Telegram ``language_code``. In groups only
admins may choose. Choices are cached in the process; with a store several processes share,
for :data:`CACHE_SECONDS` at most.
"""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.app.context import Context
from bot.app.daily import DAILY_KEY, service
from bot.chat import formatting, i18n
from bot.chat.commands import LANG, names_of
from bot.chat.i18n import Translator
from bot.daily.store import StoreError
from handlers.incoming import clean, split_command

logger = logging.getLogger(__name__)

CACHE_KEY = "chat_languages"
"""``bot_data`` key of the cached choices: chat id -> (language or None, monotonic time)."""
CACHE_SECONDS = 60.0
CACHE_LIMIT = 100_000
"""Past this many chats the cache starts again (each entry is re-read once)."""
AUTO = "auto"


def _cache(context: Context) -> dict[int, tuple[str | None, float]]:
    cache: dict[int, tuple[str | None, float]] = context.bot_data.setdefault(CACHE_KEY, {})
    return cache


async def chat_language(context: Context, chat_id: int) -> str | None:
    """The language the chat chose, or None (also when the store cannot be read now)."""
    if DAILY_KEY not in context.bot_data:
        return None
    store = service(context.application).store
    cache = _cache(context)
    hit = cache.get(chat_id)
    now = time.monotonic()
    if hit is not None and (not store.shared or now - hit[1] < CACHE_SECONDS):
        return hit[0]
    try:
        language = await store.language(chat_id)
    except StoreError as exc:
        logger.warning("Chat %s: could not read its language (%s)", chat_id, exc)
        return hit[0] if hit is not None else None
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[chat_id] = (language, now)
    return language


def user_translator(update: Update) -> Translator:
    """The language of the user's Telegram app alone (apologies, flood warnings)."""
    user = update.effective_user
    return i18n.choose(user.language_code if user is not None else None)


async def translator_for(update: Update, context: Context, text: str | None = None) -> Translator:
    """The language of the answer to ``update``: the chat's choice, else the language a
    plain-word question ``text`` is clearly in, else the user's Telegram ``language_code``;
    English by default."""
    chat = update.effective_chat
    chosen = await chat_language(context, chat.id) if chat is not None else None
    user = update.effective_user
    spoken = i18n.language_of_text(text) if text else None
    return i18n.choose(chosen, spoken, user.language_code if user is not None else None)


async def on_lang(update: Update, context: Context) -> None:
    """``/lang`` shows the chat's language; ``/lang es|en|auto`` sets it (admins in groups)."""
    from handlers.daily import may_change

    message = update.effective_message
    command = split_command(message) if message is not None else None
    if message is None or command is None:
        return
    t = await translator_for(update, context)
    wanted = clean(command.argument).lower()
    chat_id = message.chat.id
    if not wanted:
        chosen = await chat_language(context, chat_id)
        await message.reply_text(formatting.language_status(chosen, t))
        return
    if wanted not in (*i18n.LANGUAGES, AUTO):
        choices = "|".join((*i18n.LANGUAGES, AUTO))
        await message.reply_text(formatting.usage(command.name, f"<{choices}>", "es", t))
        return
    if not await may_change(message, context):
        await message.reply_text(t._(formatting.LANG_ADMINS_ONLY))
        return
    language = None if wanted == AUTO else wanted
    daily = service(context.application)
    try:
        await daily.store.set_language(chat_id, language, daily.clock())
    except StoreError as exc:
        logger.warning("Chat %s: could not save its language (%s)", chat_id, exc)
        await message.reply_text(t._(formatting.LANG_NOT_SAVED))
        return
    _cache(context)[chat_id] = (language, time.monotonic())
    logger.info("Chat %s: language %s", chat_id, wanted)
    t = await translator_for(update, context)
    await message.reply_text(formatting.language_set(language, t))


def register(application: Application) -> None:
    commands = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    application.add_handler(CommandHandler(names_of(LANG), on_lang, filters=commands))
