"""Flood control: the gate's bookkeeping (cost, memory) and the gate in private chats."""

from __future__ import annotations

import logging
import time
import tracemalloc

import pytest

from bot.chat import formatting
from bot.chat.flood import FloodGate, Verdict
from handlers.flood import FLOOD_KEY, PRIVATE_FLOOD_KEY, PRIVATE_LIMIT
from tests.botapi import BotHarness, group_message, private_message, sticker_message


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_many_distinct_senders_cost_linear_time() -> None:
    """Each new sender used to rebuild the whole map past 10,000 senders (quadratic: 50,000
    senders in a minute blocked the loop ~55 s). Ended windows now go from the front."""
    clock = FakeClock()
    gate = FloodGate(clock=clock)
    started = time.perf_counter()
    for sender in range(20_000):
        clock.now += 0.001
        assert gate.check(sender) is Verdict.PASS
    assert time.perf_counter() - started < 1.0


def test_ended_windows_are_forgotten() -> None:
    clock = FakeClock()
    gate = FloodGate(limit=1, window=60, clock=clock)
    for sender in range(100):
        gate.check(sender)
        clock.now += 1
    assert len(gate) == 60  # the last minute's senders
    clock.now += 60
    gate.check(5)
    assert len(gate) == 1


def test_a_renewed_window_is_not_forgotten_early() -> None:
    clock = FakeClock()
    gate = FloodGate(limit=1, window=60, clock=clock)
    gate.check(1)
    clock.now += 30
    gate.check(2)
    clock.now += 31
    assert gate.check(1) is Verdict.PASS  # sender 1's window ended: a new one
    clock.now += 30
    assert gate.check(2) is Verdict.PASS  # sender 2's window ended too
    assert gate.check(1) is Verdict.WARN  # sender 1's new window is still on


def test_fifty_thousand_senders_fit_in_25_mb() -> None:
    clock = FakeClock()
    gate = FloodGate(clock=clock)
    tracemalloc.start()
    try:
        for sender in range(1_000_000_000, 1_000_050_000):
            clock.now += 0.001
            gate.check(sender)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(gate) == 50_000
    assert peak < 25 * 2**20


def test_memory_is_bounded_past_max_senders() -> None:
    clock = FakeClock()
    gate = FloodGate(limit=1, clock=clock, max_senders=100)
    for sender in range(250):
        gate.check(sender)
    assert len(gate) == 100
    assert gate.check(249) is Verdict.WARN  # the newest are remembered


# -- in private chats ----------------------------------------------------------------------


def test_private_chat_flood_gets_one_slow_down_then_silence(
    bot_harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """One user typing 600 commands used to get 600 answers, and hold everyone else's."""
    clock = FakeClock()
    bot_harness.app.bot_data[PRIVATE_FLOOD_KEY] = FloodGate(limit=PRIVATE_LIMIT, clock=clock)
    for _ in range(PRIVATE_LIMIT):
        assert len(bot_harness.send(private_message("/runtime Toy Story"))) == 1
    with caplog.at_level(logging.INFO, logger="handlers.flood"):
        warning = bot_harness.send(private_message("Toy Story"))
        assert [c.text for c in warning] == [formatting.SLOW_DOWN]
        for update in (private_message("/movie Up"), private_message("Up"), sticker_message()):
            assert bot_harness.send(update) == []
    assert len([r for r in caplog.records if "Flood control" in r.message]) == 1
    other = bot_harness.send(private_message("/runtime Toy Story", user_id=222))
    assert len(other) == 1
    group = bot_harness.send(group_message("/runtime Toy Story"))
    assert len(group) == 1, "groups count on their own"
    clock.now += 60
    assert len(bot_harness.send(private_message("/runtime Toy Story"))) == 1


def test_private_commands_for_another_bot_do_not_count(bot_harness: BotHarness) -> None:
    gate = bot_harness.app.bot_data[PRIVATE_FLOOD_KEY] = FloodGate(limit=1, clock=FakeClock())
    for _ in range(3):
        assert bot_harness.send(private_message("/start@OtherBot")) == []
    assert len(gate) == 0
    assert bot_harness.send(private_message("/runtime Toy Story"))
    assert bot_harness.send(private_message("/runtime@MovieCatalogBot Up"))[0].text == (
        formatting.SLOW_DOWN
    )


def test_group_and_private_gates_are_registered(bot_harness: BotHarness) -> None:
    assert isinstance(bot_harness.app.bot_data[FLOOD_KEY], FloodGate)
    assert bot_harness.app.bot_data[PRIVATE_FLOOD_KEY].limit == PRIVATE_LIMIT
