"""Pending "Which movie?" questions in private chats: bounded, and forgotten after a while.

A command sent without its argument asks for it; the chat's next message is the answer. A
question nobody answers must not live forever, nor may a crowd of new users grow memory
without bound: each question expires after ``ttl`` seconds, and past ``limit`` pending
questions the oldest is dropped. Both cost O(1) amortised per question.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

TTL_SECONDS = 600.0
LIMIT = 10_000


class Prompts:
    """The command whose argument each chat's next message is, by chat id."""

    def __init__(self, ttl: float = TTL_SECONDS, limit: int = LIMIT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.limit = limit
        self.clock = clock
        self._pending: OrderedDict[int, tuple[str, float]] = OrderedDict()

    def ask(self, chat_id: int, action: str) -> None:
        """Remember that ``chat_id`` was asked for ``action``'s argument."""
        now = self.clock()
        self._pending.pop(chat_id, None)
        self._pending[chat_id] = (action, now + self.ttl)
        self._expire(now)
        while len(self._pending) > self.limit:
            self._pending.popitem(last=False)

    def take(self, chat_id: int) -> str | None:
        """The action the chat was asked about, if the question is still open; forgets it."""
        pending = self._pending.pop(chat_id, None)
        if pending is None or pending[1] <= self.clock():
            return None
        return pending[0]

    def forget(self, chat_id: int) -> None:
        self._pending.pop(chat_id, None)

    def __len__(self) -> int:
        self._expire(self.clock())
        return len(self._pending)

    def _expire(self, now: float) -> None:
        """Drop expired questions from the front: they are in order of expiry."""
        while self._pending:
            _chat, (_action, expires) = next(iter(self._pending.items()))
            if expires > now:
                break
            self._pending.popitem(last=False)
