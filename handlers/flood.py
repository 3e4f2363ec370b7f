"""Per-user flood control in groups: past 10 commands a minute, one "slow down", then silence.

The gate runs before every other handler (group -1). Each user has a one-minute window from
their first command; the 11th command in it gets one polite warning, later ones are dropped
until the window passes. Commands addressed to other bots do not count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot import formatting
from bot.context import Context
from handlers.queries import NEW_MESSAGES, addressed_to_me, split_command

LIMIT = 10
WINDOW_SECONDS = 60.0
FLOOD_KEY = "flood"
"""``bot_data`` key of the application's :class:`FloodGate`."""


class Verdict(Enum):
    PASS = "pass"
    WARN = "warn"
    DROP = "drop"


@dataclass(slots=True)
class _Window:
    start: float
    count: int = 0
    warned: bool = False


class FloodGate:
    """Counts commands per sender in fixed windows; in memory (a restart forgives everyone)."""

    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[int, _Window] = {}

    def check(self, sender: int) -> Verdict:
        now = self.clock()
        current = self._windows.get(sender)
        if current is None or now - current.start >= self.window:
            if len(self._windows) > 10_000:
                self._forget_before(now - self.window)
            current = self._windows[sender] = _Window(now)
        current.count += 1
        if current.count <= self.limit:
            return Verdict.PASS
        if not current.warned:
            current.warned = True
            return Verdict.WARN
        return Verdict.DROP

    def _forget_before(self, cutoff: float) -> None:
        self._windows = {k: w for k, w in self._windows.items() if w.start >= cutoff}


async def on_group_command(update: Update, context: Context) -> None:
    """Let the command through, or warn once and stop it, or stop it silently."""
    message = update.effective_message
    if message is None or not message.text:
        return
    _name, target, _rest = split_command(message.text)
    if not addressed_to_me(target, context.bot.username):
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
