"""Per-user flood control in groups: past 10 commands a minute, one "slow down", then silence.

The gate (:class:`bot.chat.flood.FloodGate`) runs before every other handler (group -1). Only the
commands this bot answers count: commands for other bots (``/roll d20``, ``/start@OtherBot``)
pass untouched, so a busy group with several bots does not get this one's warning.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot.app.context import Context
from bot.chat import formatting
from bot.chat.flood import FloodGate, Verdict
from handlers.incoming import NEW_MESSAGES, answered_in_group, split_command

FLOOD_KEY = "flood"
"""``bot_data`` key of the application's :class:`~bot.chat.flood.FloodGate`."""


async def on_group_command(update: Update, context: Context) -> None:
    """Let the command through, or warn once and stop it, or stop it silently."""
    message = update.effective_message
    command = split_command(message) if message is not None else None
    if message is None or command is None:
        return
    if not answered_in_group(command, context.application, context.bot.username):
        return
    sender = message.sender_chat or message.from_user
    if sender is None:
        return
    verdict = context.bot_data[FLOOD_KEY].check(sender.id)
    if verdict is Verdict.PASS:
        return
    if verdict is Verdict.WARN:
        await message.reply_text(formatting.SLOW_DOWN)
    raise ApplicationHandlerStop


def register(application: Application) -> None:
    application.bot_data.setdefault(FLOOD_KEY, FloodGate())
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.GROUPS & NEW_MESSAGES, on_group_command),
        group=-1,
    )
