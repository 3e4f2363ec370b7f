"""Update lanes: inline queries and buttons do not wait behind messages; overload is shed."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from telegram import Update

from bot.app.factory import build_application
from bot.app.lanes import LaneProcessor, lane_of
from bot.config import Settings
from bot.movies.catalog import Catalog
from tests.botapi import (
    TOKEN,
    BotHarness,
    RecordingRequest,
    callback_query,
    inline_query,
    private_message,
    to_update,
)


def update(data: dict) -> Update:
    return to_update(data, None)  # type: ignore[arg-type]


def test_lanes_by_kind() -> None:
    assert lane_of(update(inline_query("toy"))) == "inline"
    assert lane_of(update(callback_query("x"))) == "buttons"
    assert lane_of(update(private_message("/start"))) == "messages"
    assert lane_of(object()) == "messages"


def test_an_inline_query_does_not_wait_behind_messages() -> None:
    """With every message place taken by handlers waiting to send, an inline query used to
    wait for all of them (p50 69 s with 5,000 updates queued)."""
    processor = LaneProcessor(concurrency={"inline": 2, "buttons": 2, "messages": 2})
    done: list[str] = []

    async def go() -> None:
        release = asyncio.Event()

        async def message(i: int) -> None:
            await release.wait()
            done.append(f"message {i}")

        async def answer(kind: str) -> None:
            done.append(kind)

        messages = [asyncio.ensure_future(processor.process_update(
            update(private_message("/runtime Up")), message(i))) for i in range(50)]
        await asyncio.sleep(0)
        await asyncio.wait_for(processor.process_update(update(inline_query("up")),
                                                        answer("inline")), 1)
        await asyncio.wait_for(processor.process_update(update(callback_query("x")),
                                                        answer("button")), 1)
        assert processor.waiting == 48
        release.set()
        await asyncio.gather(*messages)

    asyncio.run(go())
    assert done[:2] == ["inline", "button"]
    assert len(done) == 52


def test_the_inline_queries_of_a_batch_go_before_its_messages() -> None:
    processor = LaneProcessor()
    order: list[str] = []

    async def handle(kind: str) -> None:
        order.append(kind)

    async def go() -> None:
        batch = [private_message("/runtime Up"), inline_query("up"), private_message("Up")]
        await asyncio.gather(*(
            processor.process_update(update(data), handle(lane_of(update(data))))
            for data in batch
        ))

    asyncio.run(go())
    assert order == ["inline", "messages", "messages"]


def test_messages_are_shed_while_replies_could_not_be_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    load = [1.0]
    processor = LaneProcessor(load=lambda: load[0])
    ran: list[str] = []

    async def handle(kind: str) -> None:
        ran.append(kind)

    async def go() -> None:
        with caplog.at_level(logging.INFO, logger="bot.app.lanes"):
            for _ in range(100):
                await processor.process_update(update(private_message("/start")),
                                               handle("message"))
            await processor.process_update(update(inline_query("up")), handle("inline"))
            load[0] = 0.4
            await processor.process_update(update(private_message("/start")),
                                           handle("message"))

    asyncio.run(go())
    assert ran == ["inline", "message"]
    levels = [r.levelname for r in caplog.records]
    assert levels == ["WARNING", "INFO"]  # one per episode, and its end


def test_a_lane_with_too_many_waiting_sheds() -> None:
    processor = LaneProcessor(concurrency={"inline": 1, "buttons": 1, "messages": 1},
                              max_waiting=3)
    ran: list[int] = []

    async def go() -> None:
        gate = asyncio.Event()

        async def handle(i: int) -> None:
            await gate.wait()
            ran.append(i)

        tasks = [asyncio.ensure_future(processor.process_update(update(inline_query("x")),
                                                                handle(i))) for i in range(10)]
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(*tasks)

    asyncio.run(go())
    assert ran == [0, 1, 2, 3]


class StuckReplies(RecordingRequest):
    """sendMessage waits until ``release`` is set (Telegram slow to take replies)."""

    def __init__(self) -> None:
        super().__init__()
        self.release: asyncio.Event | None = None

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            assert self.release is not None
            await self.release.wait()
        return await super().do_request(url, *args, **kwargs)


def test_the_application_answers_inline_while_replies_are_stuck(catalog: Catalog) -> None:
    """40 message handlers wait to send; an inline query behind them is answered at once
    (with 32 updates at a time first come first served, it waited for them)."""
    request = StuckReplies()
    application = build_application(Settings(token=TOKEN, state_db=":memory:"), catalog,
                                    request=request)
    harness = BotHarness(application, request)

    async def go() -> bool:
        request.release = asyncio.Event()
        await application.start()
        for i in range(40):
            await application.update_queue.put(
                to_update(private_message("/runtime Up", user_id=1_000 + i), application.bot))
        await application.update_queue.put(to_update(inline_query("Toy Sto"), application.bot))
        for _ in range(300):
            if request.of("answerInlineQuery"):
                break
            await asyncio.sleep(0.01)
        answered = bool(request.of("answerInlineQuery"))
        request.release.set()
        await application.stop()
        return answered

    try:
        assert harness.run(go())
    finally:
        harness.close()
