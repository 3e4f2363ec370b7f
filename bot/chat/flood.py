"""Per-sender flood control: past ``LIMIT`` commands in a window, one warning, then silence.

Pure bookkeeping with an injectable clock; ``handlers/flood.py`` decides which commands count
and what to send.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

LIMIT = 10
WINDOW_SECONDS = 60.0
MAX_SENDERS = 10_000
"""Past this many remembered senders, windows that have ended are forgotten."""


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
    """Counts commands per sender in fixed windows; in memory (a restart forgives everyone).

    Each sender's window starts at their first command; the ``limit + 1``-th command in it is
    told to wait (:attr:`Verdict.WARN`), later ones are dropped until the window ends.
    """

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
        """Count one command of ``sender``; what to do with it."""
        now = self.clock()
        current = self._windows.get(sender)
        if current is None or now - current.start >= self.window:
            if len(self._windows) > MAX_SENDERS:
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
