"""The rate limiter with a fake Bot API call, on virtual time (tests/virtual_time.py): exact
send times, no real waiting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.app import limiter as limiter_module
from bot.app.limiter import (
    BACKOFF,
    GROUP_PER_MINUTE,
    RETRIES,
    Limiter,
    Shed,
    is_server_error,
)
from tests import virtual_time

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

GROUP = -1_001
Result = bool | dict[str, Any] | list[dict[str, Any]]


class FakeAPI:
    """The callback the limiter calls: records ``(time, method, chat_id)``; ``errors`` maps a
    method to exceptions raised by its next calls, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, str, Any]] = []
        self.errors: dict[str, list[BaseException]] = {}

    async def __call__(self, endpoint: str, data: dict[str, Any], **_kwargs: Any) -> Result:
        self.sent.append((asyncio.get_running_loop().time(), endpoint, data.get("chat_id")))
        await asyncio.sleep(0)  # a request takes a turn of the loop
        pending = self.errors.get(endpoint)
        if pending:
            raise pending.pop(0)
        return {"ok": True}

    def times(self, chat_id: Any = None) -> list[float]:
        return [t for t, _m, c in self.sent if chat_id is None or c == chat_id]


def request(limiter: Limiter, api: FakeAPI, endpoint: str = "sendMessage",
            chat_id: Any = None, **rate_limit_args: Any) -> Any:
    data = {"chat_id": chat_id} if chat_id is not None else {}
    return limiter.process_request(api, (endpoint, data), {}, endpoint, data,
                                   rate_limit_args or None)


def run(coro_fn: Callable[[], Any]) -> Any:
    return virtual_time.run(coro_fn())


# -- budgets -------------------------------------------------------------------------------


def test_thirty_messages_a_second_overall() -> None:
    api, limiter = FakeAPI(), Limiter()

    async def go() -> None:
        await asyncio.gather(*(request(limiter, api, chat_id=1000 + i) for i in range(90)))

    run(go)
    times = api.times()
    assert [round(t) for t in times] == [0] * 30 + [1] * 30 + [2] * 30


def test_a_busy_loop_does_not_slow_the_overall_budget() -> None:
    """Turns handed from one waiter to the next took a loop turn each: with handlers keeping
    the loop busy (50 ms a turn here), 12 messages a second went out instead of 30."""
    api, limiter = FakeAPI(), Limiter()

    async def go() -> None:
        loop = asyncio.get_running_loop()
        done = False

        async def busy() -> None:
            while not done:
                loop._clock[0] += 0.05  # type: ignore[attr-defined]  # CPU work, virtually
                await asyncio.sleep(0)

        worker = asyncio.ensure_future(busy())
        await asyncio.gather(*(request(limiter, api, chat_id=1000 + i) for i in range(150)))
        done = True
        await worker

    run(go)
    assert max(api.times()) < 5.2


def test_twenty_messages_a_minute_per_group() -> None:
    api, limiter = FakeAPI(), Limiter()

    async def go() -> None:
        for _ in range(GROUP_PER_MINUTE + 2):
            await request(limiter, api, chat_id=GROUP)
        await request(limiter, api, chat_id=7)

    run(go)
    times = api.times(GROUP)
    assert times[:GROUP_PER_MINUTE] == [0.0] * GROUP_PER_MINUTE
    assert times[GROUP_PER_MINUTE:] == [60.0, 60.0]
    assert api.times(7) == [60.0]  # sent after: the same coroutine; no budget of its own


def test_a_long_queue_in_one_chat_does_not_hold_the_others() -> None:
    """Each chat has one message at a time in line for the overall budget, so the 61st
    request (another chat's) goes in the first seconds, not after the 60 before it."""
    api, limiter = FakeAPI(), Limiter(chat_queue=100)

    async def go() -> None:
        flood = [asyncio.ensure_future(request(limiter, api, chat_id=1)) for _ in range(60)]
        await asyncio.sleep(0)
        other = asyncio.ensure_future(request(limiter, api, chat_id=2))
        await asyncio.gather(*flood, other)

    run(go)
    assert api.times(2)[0] <= 1.0
    assert api.times(1) == sorted(api.times(1))


def test_other_methods_do_not_wait_behind_messages() -> None:
    api, limiter = FakeAPI(), Limiter()

    async def go() -> None:
        messages = [asyncio.ensure_future(request(limiter, api, chat_id=1000 + i))
                    for i in range(300)]
        await asyncio.sleep(0)
        for method in ("answerInlineQuery", "answerCallbackQuery", "getMe"):
            await request(limiter, api, method)
        await request(limiter, api, "sendChatAction", chat_id=5)
        await request(limiter, api, "getChatMember", chat_id=GROUP)
        await asyncio.gather(*messages)

    run(go)
    quick = [t for t, method, _c in api.sent if not method.startswith("sendM")]
    assert quick == [0.0] * 5
    assert max(api.times()) >= 9.0


# -- flood limits ----------------------------------------------------------------------------


def test_a_429_for_one_chat_delays_that_chat_only() -> None:
    api, limiter = FakeAPI(), Limiter()
    api.errors["sendMessage"] = [RetryAfter(30)]

    async def go() -> None:
        a = [asyncio.ensure_future(request(limiter, api, chat_id=1)) for _ in range(2)]
        await asyncio.sleep(0)
        b = [asyncio.ensure_future(request(limiter, api, chat_id=2)) for _ in range(3)]
        await asyncio.gather(*a, *b)

    run(go)
    assert api.times(2) == [0.0, 0.0, 0.0]
    assert api.times(1) == [0.0, 30.1, 30.1]  # refused, retried, then the one behind it


def test_429_is_retried_a_bounded_number_of_times(caplog: pytest.LogCaptureFixture) -> None:
    api, limiter = FakeAPI(), Limiter()
    api.errors["sendMessage"] = [RetryAfter(5) for _ in range(RETRIES + 1)]

    async def go() -> None:
        with pytest.raises(RetryAfter):
            await request(limiter, api, chat_id=1)

    run(go)
    assert api.times() == pytest.approx([0, 5.1, 10.2, 15.3])
    assert [r.levelname for r in caplog.records if "giving up" in r.message] == ["WARNING"]


# -- 5xx, timeouts ---------------------------------------------------------------------------


class _Answering(BaseRequest):
    """python-telegram-bot's own request code on a made-up HTTP answer or transport error,
    so the exceptions are the ones it really raises."""

    def __init__(self, answer: tuple[int, bytes] | Exception) -> None:
        self.answer = answer

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, *_args: Any, **_kwargs: Any) -> tuple[int, bytes]:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def raised(answer: tuple[int, bytes] | Exception) -> TelegramError:
    async def post() -> TelegramError:
        try:
            await _Answering(answer).post("http://bot.api/botT/sendMessage", RequestData())
        except TelegramError as exc:
            return exc
        raise AssertionError("no error")

    return asyncio.run(post())


JSON_500 = (500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}')
JSON_502 = (502, b'{"ok":false,"error_code":502,"description":"Bad Gateway"}')
HTML_502 = (502, b"<html><body>502 Bad Gateway</body></html>")


@pytest.mark.parametrize(
    ("answer", "server_error"),
    [
        (JSON_500, True),
        (JSON_502, True),
        (HTML_502, True),
        ((504, b""), True),
        (httpx.ConnectError("refused"), False),
        (httpx.RemoteProtocolError("closed"), False),
        (TimedOut(), False),
        ((400, b'{"ok":false,"error_code":400,"description":"Bad Request: x"}'), False),
        ((200, b"<html>garbage"), False),
    ],
    ids=["500", "502", "502-html", "504-empty", "refused", "cut", "timeout", "400", "200-junk"],
)
def test_a_5xx_is_told_from_a_transport_error(answer: Any, server_error: bool) -> None:
    assert is_server_error(raised(answer)) is server_error


def test_a_5xx_is_resent_with_backoff() -> None:
    api, limiter = FakeAPI(), Limiter()
    api.errors["sendMessage"] = [raised(JSON_500), raised(HTML_502)]

    async def go() -> Any:
        return await request(limiter, api, chat_id=1)

    assert run(go) == {"ok": True}
    assert api.times() == [0.0, BACKOFF[0], BACKOFF[0] + BACKOFF[1]]


def test_a_5xx_gives_up_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    api, limiter = FakeAPI(), Limiter()
    api.errors["answerCallbackQuery"] = [raised(JSON_502) for _ in range(len(BACKOFF) + 1)]

    async def go() -> None:
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await request(limiter, api, "answerCallbackQuery")

    run(go)
    assert len(api.sent) == len(BACKOFF) + 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "giving up" in warnings[0].message


@pytest.mark.parametrize(
    "error", [TimedOut(), NetworkError("httpx.ReadError: reset")], ids=["timeout", "transport"]
)
def test_a_timeout_or_lost_connection_is_not_resent(error: NetworkError) -> None:
    """Delivery is unknown: resending could post twice."""
    if type(error) is NetworkError:
        error.__cause__ = httpx.ReadError("reset")
    api, limiter = FakeAPI(), Limiter()
    api.errors["sendMessage"] = [error]

    async def go() -> None:
        with pytest.raises(NetworkError):
            await request(limiter, api, chat_id=1)

    run(go)
    assert len(api.sent) == 1


# -- before_send -----------------------------------------------------------------------------


def test_before_send_runs_right_before_each_attempt() -> None:
    api, limiter = FakeAPI(), Limiter()
    api.errors["sendPhoto"] = [RetryAfter(3)]
    calls: list[tuple[float, int]] = []

    async def hook() -> None:
        calls.append((asyncio.get_running_loop().time(), len(api.sent)))

    async def go() -> None:
        await asyncio.gather(*(request(limiter, api, chat_id=1000 + i) for i in range(30)))
        await request(limiter, api, "sendPhoto", chat_id=5, before_send=hook, other="ignored")

    run(go)
    # After waiting for its slot (the overall budget was spent at 0.0), before each attempt.
    assert calls == [(1.0, 30), (4.1, 31)]
    assert api.times(5) == [1.0, 4.1]


def test_a_failing_before_send_stops_the_request() -> None:
    api, limiter = FakeAPI(), Limiter()

    async def hook() -> None:
        raise OSError("disk full")

    async def go() -> None:
        with pytest.raises(OSError, match="disk full"):
            await request(limiter, api, chat_id=1, before_send=hook)
        await request(limiter, api, chat_id=1)  # the chat is not stuck

    run(go)
    assert len(api.sent) == 1
    assert limiter.queued == 0


# -- overload --------------------------------------------------------------------------------


def test_a_full_chat_queue_sheds_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    api, limiter = FakeAPI(), Limiter(group_queue=5)

    async def go() -> list[Any]:
        return await asyncio.gather(
            *(request(limiter, api, chat_id=GROUP) for _ in range(40)), return_exceptions=True
        )

    results = run(go)
    assert sum(isinstance(r, Shed) for r in results) == 35
    assert all(isinstance(r, RetryAfter) for r in results if not isinstance(r, dict))
    assert len(api.sent) == 5
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_a_full_queue_sheds_with_one_warning_per_episode(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api, limiter = FakeAPI(), Limiter(total_queue=100)

    async def burst() -> list[Any]:
        return await asyncio.gather(
            *(request(limiter, api, chat_id=1000 + i) for i in range(300)),
            return_exceptions=True,
        )

    async def go() -> tuple[list[Any], list[Any]]:
        return await burst(), await burst()

    first, second = run(go)
    for results in (first, second):
        assert sum(isinstance(r, Shed) for r in results) == 200
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2
    assert limiter.queued == 0


def test_memory_is_given_back() -> None:
    """Private chats are forgotten once their queue is empty; groups once their minute's
    budget is whole again."""
    api, limiter = FakeAPI(), Limiter(total_queue=10_000)

    async def go() -> tuple[int, int]:
        await asyncio.gather(*(request(limiter, api, chat_id=1000 + i) for i in range(3_000)))
        await asyncio.gather(*(request(limiter, api, chat_id=-1000 - i) for i in range(300)))
        during = limiter.chats
        await asyncio.sleep(61)
        await request(limiter, api, chat_id=1)
        return during, limiter.chats

    assert run(go) == (300, 0)


def test_defaults_match_telegram() -> None:
    assert limiter_module.PER_SECOND == 30
    assert limiter_module.GROUP_PER_MINUTE == 20
