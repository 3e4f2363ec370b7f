"""Per-user flood control in every chat: past the limit, one "slow down", then silence.

The gates (:class:`bot.chat.flood.FloodGate`) run before every other handler (group -1), so a
message they stop costs no lookup and no reply. What counts is what this bot would answer:

- in groups, commands for this bot, 10 a minute; commands for other bots (``/roll d20``,
  ``/start@OtherBot``) pass untouched, so a busy group with several bots does not get this
  one's warning;
- in groups, also questions in words meant for this bot (a reply to one of its messages, or a
  message starting with its @username): they count with the commands;
- in private chats, every message (commands, titles, stickers...), 20 a minute: each one gets
  an answer, so one user typing fast cannot hold everyone else's answers back.

A user over the limit is logged once per window, when warned; the messages dropped after the
warning are not logged.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot.app.context import Context
from bot.chat import formatting, i18n
from bot.chat.flood import FloodGate, Verdict
from handlers.incoming import (
    NEW_MESSAGES,
    addressed_to_me,
    answered_in_group,
    group_question,
    split_command,
)

logger = logging.getLogger(__name__)

FLOOD_KEY = "flood"
"""``bot_data`` key of the groups' :class:`~bot.chat.flood.FloodGate`."""
PRIVATE_FLOOD_KEY = "flood_private"
"""``bot_data`` key of the private chats' :class:`~bot.chat.flood.FloodGate`."""
PRIVATE_LIMIT = 20
"""Messages a minute in a private chat: more than in a group, where commands are rarer, as a
person may type one title after another."""


async def on_group_command(update: Update, context: Context) -> None:
    """Let the command through, or warn once and stop it, or stop it silently."""
    message = update.effective_message
    command = split_command(message) if message is not None else None
    if message is None or command is None:
        return
    if answered_in_group(command, context.application, context.bot.username):
        await _gate_group_sender(context, message)


async def on_group_question(update: Update, context: Context) -> None:
    """The same for a question in words addressed to this bot in a group."""
    message = update.effective_message
    if message is None:
        return
    if group_question(message, context.bot.id, context.bot.username) is not None:
        await _gate_group_sender(context, message)


async def _gate_group_sender(context: Context, message: Message) -> None:
    """Count ``message`` against its sender (a user, or a chat posting as itself) in groups."""
    sender = message.sender_chat or message.from_user
    if sender is not None:
        await _gate(context.bot_data[FLOOD_KEY], sender.id, message)


async def on_private_message(update: Update, context: Context) -> None:
    """The same for anything sent in a private chat, bar commands for another bot."""
    message = update.effective_message
    if message is None or message.from_user is None:
        return
    command = split_command(message)
    if command is not None and not addressed_to_me(command.target, context.bot.username):
        return
    await _gate(context.bot_data[PRIVATE_FLOOD_KEY], message.from_user.id, message)


async def _gate(gate: FloodGate, sender: int, message: Message) -> None:
    verdict = gate.check(sender)
    if verdict is Verdict.PASS:
        return
    if verdict is Verdict.WARN:
        logger.info("Flood control: %s over %d messages in %.0f s in chat %s; silent until "
                    "the window ends", sender, gate.limit, gate.window, message.chat.id)
        await message.reply_text(i18n.choose(
            message.from_user.language_code if message.from_user else None
        )._(formatting.SLOW_DOWN))
    raise ApplicationHandlerStop


def register(application: Application) -> None:
    application.bot_data.setdefault(FLOOD_KEY, FloodGate())
    application.bot_data.setdefault(PRIVATE_FLOOD_KEY, FloodGate(limit=PRIVATE_LIMIT))
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.GROUPS & NEW_MESSAGES, on_group_command),
        group=-1,
    )
    application.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS & NEW_MESSAGES,
            on_group_question,
        ),
        group=-1,
    )
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & NEW_MESSAGES & ~filters.StatusUpdate.ALL,
            on_private_message,
        ),
        group=-1,
    )
