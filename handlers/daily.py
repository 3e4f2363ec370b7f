"""/daily: a movie card posted in a chat every day at the time its admins chose.

``/daily 09:00 Europe/Madrid [genre]`` subscribes, ``/daily`` shows the subscription and the next
post, ``/daily off`` ends it. In groups only admins may change it (``getChatMember``; anonymous
admins count); in channels the command is posted in the channel itself. Two listeners keep the
subscriptions right: a group upgraded to a supergroup takes its subscription along, and a chat
the bot is removed from is unsubscribed.

These handlers only read the update and answer; the application's
:class:`bot.app.daily.DailyService` stores, schedules and posts. A store that fails
(:class:`bot.daily.store.StoreError`) gets "could not save, try again", never an
acknowledgement of what was not stored.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.app.context import Context
from bot.app.daily import service
from bot.chat import daily_texts
from bot.chat.commands import DAILY, names_of
from bot.daily.grammar import (
    BadGenre,
    BadOffset,
    BadTime,
    BadZoneOrGenre,
    Off,
    Request,
    Show,
    parse_command,
)
from bot.daily.store import StoreError, Subscription
from handlers.incoming import clean, split_command
from handlers.language import translator_for

logger = logging.getLogger(__name__)

HANDLER_GROUP = 7
"""Group of the listeners for migrations and the bot's own membership: separate from group 0 so
they never take an update from another module's handler."""

ADMINS = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}


async def on_daily(update: Update, context: Context) -> None:
    """``/daily``, ``/daily off``, ``/daily <time> [zone] [genre]`` in any chat."""
    message = update.effective_message
    if message is None or not message.text:
        return
    daily = service(context.application)
    t = await translator_for(update, context)
    command = split_command(message)
    rest = command.argument if command is not None else ""
    parsed = parse_command(clean(rest).split()[:12], daily.picker.resolve_genre)
    if isinstance(parsed, Show):
        now = daily.clock()
        try:
            sub = await daily.store.get(message.chat.id)
            run = await daily.next_post(sub, now) if sub else None
        except StoreError as exc:
            logger.warning("Daily pick: chat %s: could not read (%s)", message.chat.id, exc)
            await message.reply_text(t._(daily_texts.DAILY_NOT_READ))
            return
        await message.reply_text(daily_texts.daily_status(sub, run, now, t))
        return
    if isinstance(parsed, BadTime | BadZoneOrGenre | BadOffset | BadGenre):
        await message.reply_text(daily_texts.daily_error(parsed, daily.picker.genres, t))
        return
    if not await may_change(message, context):
        await message.reply_text(t._(daily_texts.DAILY_ADMINS_ONLY))
        return
    chat_id = message.chat.id
    try:
        if isinstance(parsed, Off):
            had = await daily.unsubscribe(chat_id)
            logger.info("Daily pick: chat %s unsubscribed", chat_id)
            await message.reply_text(daily_texts.daily_off(had, t))
            return
        assert isinstance(parsed, Request)
        now = daily.clock()
        sub = await daily.subscribe(Subscription(chat_id, parsed.at, parsed.zone, parsed.genre,
                                                 language=t.code), now)
        run = await daily.next_post(sub, now)
    except StoreError as exc:
        logger.warning("Daily pick: chat %s: could not save (%s)", chat_id, exc)
        await message.reply_text(t._(daily_texts.DAILY_NOT_SAVED))
        return
    pool = daily.picker.pool_size(sub.genre)
    await message.reply_text(daily_texts.daily_confirmation(sub, run, now, pool, t))


async def may_change(message: Message, context: Context) -> bool:
    """Private chats and channel posts may; in groups, admins (anonymous ones included)."""
    chat = message.chat
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    if message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if message.from_user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, message.from_user.id)
    except TelegramError as exc:
        logger.warning("Daily pick: could not check admin rights in chat %s: %s", chat.id, exc)
        return False
    return member.status in ADMINS


async def on_migrate(update: Update, context: Context) -> None:
    """A group upgraded to a supergroup gets a new id; its subscription follows."""
    message = update.effective_message
    if message is None:
        return
    daily = service(context.application)
    try:
        if message.migrate_to_chat_id:
            await daily.move_chat(message.chat.id, message.migrate_to_chat_id)
        elif message.migrate_from_chat_id:
            await daily.move_chat(message.migrate_from_chat_id, message.chat.id)
    except StoreError as exc:
        logger.error("Daily pick: chat %s migrated, but its subscription could not follow (%s)",
                     message.chat.id, exc)


async def on_my_membership(update: Update, context: Context) -> None:
    """The bot was removed from a chat (or blocked in a private one): end its subscription."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.new_chat_member.status not in (ChatMember.LEFT,
                                                                 ChatMember.BANNED):
        return
    chat_id = change.chat.id
    try:
        if await service(context.application).unsubscribe(chat_id):
            logger.info("Daily pick: removed from chat %s; unsubscribed", chat_id)
    except StoreError as exc:  # its next post fails as the chat is gone, and unsubscribes it
        logger.warning("Daily pick: removed from chat %s, not unsubscribed yet (%s)", chat_id,
                       exc)


def register(application: Application) -> None:
    """Add /daily and its listeners; the service (``bot_data["daily"]``) is the factory's."""
    commands = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    application.add_handler(CommandHandler(names_of(DAILY), on_daily, filters=commands))
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate), group=HANDLER_GROUP
    )
    application.add_handler(
        ChatMemberHandler(on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        group=HANDLER_GROUP,
    )
