"""Update processing in lanes: inline queries and buttons never wait behind messages.

python-telegram-bot runs at most N updates at once and queues the rest first come first
served; a handler waiting for the message budget (30 a second) holds its place, so with a
backlog of messages an inline query waited for thousands of them (p50 69 s with 5,000 queued).
Here each kind of update has a lane of its own, with its own concurrency:

- ``inline``: inline queries and chosen results (answered with ``answerInlineQuery``, not
  limited like messages);
- ``buttons``: callback queries;
- ``messages``: everything else.

Under overload an update is shed (not handled, one WARNING per episode) when its lane already
has :data:`MAX_WAITING` updates waiting, or, for a message, when the rate limiter's queue is
full (``load() >= 1``): its reply could not be sent anyway, so the lookup is not worth the CPU
that inline queries and buttons need. An episode ends once the load is under half.

Updates arrive in batches (``getUpdates`` gives up to 100); a message yields once before it is
handled, so the inline queries and buttons of its batch go first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

CONCURRENCY = {"inline": 64, "buttons": 64, "messages": 1_024}
"""Updates handled at once per lane. Messages mostly wait for the rate limiter: more than its
queue holds (:data:`bot.app.limiter.TOTAL_QUEUE`), so it is the limiter that sheds."""
MAX_WAITING = 2_000
"""Updates waiting for a place in one lane; more are shed (a bound on memory)."""
UNLIMITED = 1_000_000
"""python-telegram-bot's own limit, first come first served: high enough never to apply."""


class _Lane:
    __slots__ = ("name", "places", "shed", "waiting")

    def __init__(self, name: str, concurrency: int) -> None:
        self.name = name
        self.places = asyncio.Semaphore(concurrency)
        self.waiting = 0
        self.shed = 0


def lane_of(update: object) -> str:
    if isinstance(update, Update):
        if update.inline_query is not None or update.chosen_inline_result is not None:
            return "inline"
        if update.callback_query is not None:
            return "buttons"
    return "messages"


class LaneProcessor(BaseUpdateProcessor):
    """Lanes per kind of update; ``load()`` is how full the rate limiter's queue is (1.0:
    full, replies would be shed anyway)."""

    def __init__(
        self,
        load: Callable[[], float] = lambda: 0.0,
        concurrency: dict[str, int] | None = None,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        super().__init__(UNLIMITED)
        self.load = load
        self.max_waiting = max_waiting
        self._lanes = {name: _Lane(name, n) for name, n in (concurrency or CONCURRENCY).items()}

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def waiting(self) -> int:
        """Updates waiting for a place, all lanes together."""
        return sum(lane.waiting for lane in self._lanes.values())

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        name = lane_of(update)
        lane = self._lanes[name]
        message = isinstance(update, Update) and update.message is not None
        if lane.waiting >= self.max_waiting or (message and self.load() >= 1.0):
            self._shed(lane, coroutine)
            return
        if lane.shed and lane.waiting < self.max_waiting // 2 and self.load() < 0.5:
            logger.info("Handling %s again: %d were dropped", lane.name, lane.shed)
            lane.shed = 0
        lane.waiting += 1
        try:
            if name == "messages":
                await asyncio.sleep(0)
            await lane.places.acquire()
        finally:
            lane.waiting -= 1
        try:
            await coroutine
        finally:
            lane.places.release()

    def _shed(self, lane: _Lane, coroutine: Awaitable[Any]) -> None:
        if not lane.shed:
            logger.warning("Overloaded: dropping %s updates (%d waiting) until it eases",
                           lane.name, lane.waiting)
        lane.shed += 1
        close = getattr(coroutine, "close", None)
        if close is not None:
            close()  # never started: no "coroutine was never awaited" warning
