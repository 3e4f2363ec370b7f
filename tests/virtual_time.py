"""An event loop on virtual time: ``asyncio.sleep(60)`` returns at once, with the clock 60 s on.

When nothing is ready to run, the loop jumps to its next timer instead of waiting for it, so
timing tests are fast and exact. For code that only sleeps and awaits (no sockets, no threads):
a loop with nothing ready and no timer left would wait forever, and raises instead.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _Selector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    def __init__(self, clock: list[float]) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout is None:
            raise RuntimeError("deadlock: every task waits, and no timer is left")
        self._clock[0] += max(timeout, 0.0)
        return super().select(0)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._clock = [0.0]
        super().__init__(_Selector(self._clock))

    def time(self) -> float:
        return self._clock[0]


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to the end on a fresh virtual-time loop (starting at 0.0)."""
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()
