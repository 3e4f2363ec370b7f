"""Per-sender flood control: past ``LIMIT`` messages in a window, one warning, then silence.

Pure bookkeeping with an injectable clock; ``handlers/flood.py`` decides which messages count
and what to send. Windows live in an ordered map, oldest start first, so ended windows are
dropped from its front: O(1) amortised per message, however many senders there are.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

LIMIT = 10
WINDOW_SECONDS = 60.0
MAX_SENDERS = 200_000
"""A bound on memory: past this many senders in one window, the oldest windows are forgotten
early (those senders are forgiven) rather than the map growing without end."""


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
    """Counts messages per sender in fixed windows; in memory (a restart forgives everyone).

    Each sender's window starts at their first message; the ``limit + 1``-th message in it is
    told to wait (:attr:`Verdict.WARN`), later ones are dropped until the window ends.
    """

    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_senders: int = MAX_SENDERS,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_senders = max_senders
        self._windows: OrderedDict[int, _Window] = OrderedDict()

    def __len__(self) -> int:
        """How many senders are remembered (windows not yet forgotten)."""
        return len(self._windows)

    def check(self, sender: int) -> Verdict:
        """Count one message of ``sender``; what to do with it."""
        now = self.clock()
        self._forget_before(now - self.window)
        current = self._windows.get(sender)
        if current is None:
            if len(self._windows) >= self.max_senders:
                self._windows.popitem(last=False)
            current = self._windows[sender] = _Window(now)
        current.count += 1
        if current.count <= self.limit:
            return Verdict.PASS
        if not current.warned:
            current.warned = True
            return Verdict.WARN
        return Verdict.DROP

    def _forget_before(self, cutoff: float) -> None:
        """Drop the windows that started at or before ``cutoff`` (they are at the front:
        windows are added in the order they start, and a clock never goes back)."""
        windows = self._windows
        while windows:
            first = next(iter(windows.values()))
            if first.start > cutoff:
                return
            windows.popitem(last=False)
