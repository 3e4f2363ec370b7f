"""The rate limiter of outgoing requests: Telegram's limits, fairly, with bounded memory.

Messages (``send*``, ``edit*``, ``copy*``, ``forward*``, ``stopPoll`` to a ``chat_id``) wait
for their turn:

- per chat, one at a time and in order (a chat's replies never overtake each other);
- about 30 a second overall and 20 a minute per group or channel (Telegram's limits), taken
  first come first served *across chats*: each chat has at most one message waiting for the
  overall budget, so a chat with a long queue cannot hold the others back;
- a 429 ``retry_after`` delays that chat only (its next attempt and the messages behind it);
  the other chats keep flowing.

Everything else (``answerInlineQuery``, ``answerCallbackQuery``, ``getMe``...) goes at once:
Telegram does not limit those like messages, and people wait for them.

Beyond :data:`CHAT_QUEUE` messages waiting for one chat (:data:`GROUP_QUEUE` for a group), or
:data:`TOTAL_QUEUE` overall, new messages are shed at once (:class:`Shed`, a ``RetryAfter``:
not sent, try later), with one WARNING per shedding episode.

Retries: a 429 is retried after its ``retry_after`` (:data:`RETRIES` times); a 5xx answer
(Telegram did not do it) after 0.5, 1 and 2 s (:data:`BACKOFF`), then a WARNING and the error.
A timeout is never resent: the request may have been delivered.

``rate_limit_args={"before_send": hook}``: ``await hook()`` right before each attempt goes out
(after its wait); if it raises, the request is not sent and the error propagates. The hook must
not send to the same chat (that chat's queue waits for the hook).
"""

from __future__ import annotations

import asyncio
import logging
import math
import warnings
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

PER_SECOND = 30
"""Messages a second, all chats together."""
GROUP_PER_MINUTE = 20
"""Messages a minute to one group or channel."""
CHAT_QUEUE = 30
"""Messages waiting for one private chat; more are shed. Above what flood control lets one
user cause in a burst (20 answers and a "slow down", ``handlers/flood.py``)."""
GROUP_QUEUE = 20
"""Messages waiting for one group or channel (a minute of its budget); more are shed."""
TOTAL_QUEUE = 300
"""Messages waiting overall; more are shed. About 10 s of the overall budget: under sustained
overload every reply waits that long (bench_load: p50 35 s with 1,000), and a reply later than
that is worth less than the next one. Daily posts shed this way are retried (``Shed`` is a
``RetryAfter``)."""
RETRIES = 3
"""How many times a request refused with 429 ``retry_after`` is retried after waiting."""
RETRY_MARGIN = 0.1
"""Seconds waited beyond ``retry_after``."""
BACKOFF = (0.5, 1.0, 2.0)
"""Waits before resending a request Telegram answered with a 5xx (one retry per wait)."""

MESSAGE_METHODS = ("send", "edit", "copy", "forward", "stopPoll")
"""Method name prefixes of the requests that count as messages (with a ``chat_id``)."""
NOT_MESSAGES = frozenset({"sendChatAction"})

Hook = Callable[[], Awaitable[None]]
Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class Shed(RetryAfter):
    """A message dropped before sending: too many were waiting. Not sent; try again later."""

    def __init__(self, retry_after: int, why: str) -> None:
        with warnings.catch_warnings():  # RetryAfter reads its own deprecated attribute
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            super().__init__(retry_after)
        self.message = f"Not sent, {why}: retry in {retry_after} s"


def is_server_error(exc: BaseException) -> bool:
    """Whether Telegram answered with an error status PTB has no class for (a 5xx).

    python-telegram-bot raises a bare ``NetworkError`` both for such answers and for transport
    failures; the latter always carry the HTTP library's exception as ``__cause__`` (an answer
    whose body is not JSON carries the parsing ``TelegramError``). ``TimedOut`` is a subclass,
    so it is never taken for an answer.
    """
    return type(exc) is NetworkError and (
        exc.__cause__ is None or isinstance(exc.__cause__, TelegramError)
    )


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type this python-telegram-bot version gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class _Budget:
    """At most ``limit`` sends in any ``period`` seconds: the times of the last ``limit``."""

    __slots__ = ("limit", "period", "sent")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.sent: deque[float] = deque(maxlen=limit)

    def wait(self, now: float) -> float:
        """Seconds until one more send is allowed."""
        if len(self.sent) < self.limit:
            return 0.0
        return max(0.0, self.sent[0] + self.period - now)

    def until(self) -> float:
        """When the budget is whole again (nothing sent within the period)."""
        return self.sent[-1] + self.period if self.sent else 0.0


class _Chat:
    """One chat's queue: a lock taken in arrival order, and a group's budget."""

    __slots__ = ("budget", "lock", "shed", "waiting")

    def __init__(self, group: bool) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0
        self.shed = 0
        self.budget = _Budget(GROUP_PER_MINUTE, 60.0) if group else None


class Limiter(BaseRateLimiter[dict[str, Any]]):
    """Telegram's limits per chat and overall; see the module docstring."""

    def __init__(
        self,
        *,
        per_second: int = PER_SECOND,
        chat_queue: int = CHAT_QUEUE,
        group_queue: int = GROUP_QUEUE,
        total_queue: int = TOTAL_QUEUE,
        retries: int = RETRIES,
        backoff: tuple[float, ...] = BACKOFF,
    ) -> None:
        self.chat_queue = chat_queue
        self.group_queue = group_queue
        self.total_queue = total_queue
        self.retries = retries
        self.backoff = backoff
        self._budget = _Budget(per_second, 1.0)
        self._line: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._chats: dict[int | str, _Chat] = {}
        self._idle: OrderedDict[int | str, float] = OrderedDict()
        self._queued = 0
        self._shed = 0

    @property
    def queued(self) -> int:
        """Messages waiting or being sent."""
        return self._queued

    @property
    def chats(self) -> int:
        """Chats remembered (with messages waiting, or a group's budget still in use)."""
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        hook = rate_limit_args.get("before_send") if isinstance(rate_limit_args, dict) else None
        chat_id = data.get("chat_id")
        if chat_id is None or not endpoint.startswith(MESSAGE_METHODS) or (
            endpoint in NOT_MESSAGES
        ):
            return await self._attempts(callback, args, kwargs, endpoint, hook, None, None)
        key = _chat_key(chat_id)
        chat = self._admit(key)
        try:
            async with chat.lock:
                return await self._attempts(callback, args, kwargs, endpoint, hook, key, chat)
        finally:
            self._leave(key, chat)

    # -- queues --

    def _admit(self, key: int | str) -> _Chat:
        """The chat's queue, one more message in it; :class:`Shed` when it is full."""
        loop = asyncio.get_running_loop()
        self._sweep(loop.time())
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat(isinstance(key, str) or key < 0)
        self._idle.pop(key, None)
        if chat.waiting >= (self.chat_queue if chat.budget is None else self.group_queue):
            if not chat.shed:
                logger.warning("Chat %s has %d messages waiting: dropping new ones until they "
                               "are sent", key, chat.waiting)
            chat.shed += 1
            self._park(key, chat, loop.time())
            raise Shed(max(1, math.ceil(chat.waiting * self._interval(chat))),
                       f"{chat.waiting} messages are waiting for this chat")
        if self._queued >= self.total_queue:
            if not self._shed:
                logger.warning("%d messages are waiting to be sent: dropping new ones until "
                               "half of them are out", self._queued)
            self._shed += 1
            self._park(key, chat, loop.time())
            raise Shed(max(1, math.ceil(self._queued / self._budget.limit)),
                       f"{self._queued} messages are waiting")
        chat.waiting += 1
        self._queued += 1
        return chat

    def _leave(self, key: int | str, chat: _Chat) -> None:
        chat.waiting -= 1
        self._queued -= 1
        if self._shed and self._queued <= self.total_queue // 2:
            logger.info("Sending again: %d messages were dropped", self._shed)
            self._shed = 0
        if chat.waiting == 0:
            if chat.shed:
                logger.info("Chat %s: sending again; %d messages were dropped", key, chat.shed)
                chat.shed = 0
            self._park(key, chat, _now())

    def _park(self, key: int | str, chat: _Chat, now: float) -> None:
        """An idle chat is forgotten at once, or once its group's budget is whole again."""
        if chat.waiting:
            return
        until = chat.budget.until() if chat.budget is not None else 0.0
        if until <= now:
            del self._chats[key]
        else:
            self._idle[key] = until
            self._idle.move_to_end(key)

    def _sweep(self, now: float) -> None:
        """Forget idle chats whose budget is whole again, oldest first (O(1) amortised)."""
        idle = self._idle
        while idle:
            key, until = next(iter(idle.items()))
            if until > now:
                return
            del idle[key]
            chat = self._chats.get(key)
            if chat is not None and chat.waiting == 0:
                del self._chats[key]

    def _interval(self, chat: _Chat) -> float:
        if chat.budget is not None:
            return chat.budget.period / chat.budget.limit
        return 1.0 / self._budget.limit

    async def _wait_turn(self, chat: _Chat) -> None:
        """Wait for the chat's budget (a group's), then for the overall one, in arrival order
        across chats."""
        loop = asyncio.get_running_loop()
        if chat.budget is not None and (delay := chat.budget.wait(loop.time())) > 0:
            await asyncio.sleep(delay)
        if self._line or self._budget.wait(loop.time()) > 0:
            turn = loop.create_future()
            self._line.append(turn)
            self._pump()
            try:
                await turn
            except asyncio.CancelledError:
                if not turn.done():
                    self._line.remove(turn)
                raise
        else:
            self._budget.sent.append(loop.time())
        if chat.budget is not None:
            chat.budget.sent.append(loop.time())

    def _on_timer(self) -> None:
        self._timer = None
        self._pump()

    def _pump(self) -> None:
        """Let as many of the line go as the overall budget allows, all at once (one wake-up
        per loop turn for each, not one after another: a busy loop would slow the chain)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._line:
            if (delay := self._budget.wait(now)) > 0:
                if self._timer is None:
                    self._timer = loop.call_later(delay, self._on_timer)
                return
            turn = self._line.popleft()
            if not turn.done():
                self._budget.sent.append(now)
                turn.set_result(None)

    # -- attempts --

    async def _attempts(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        hook: Hook | None,
        key: int | str | None,
        chat: _Chat | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send, and resend after a 429 or a 5xx, a bounded number of times."""
        floods = failures = 0
        where = f" to chat {key}" if key is not None else ""
        while True:
            if chat is not None:
                await self._wait_turn(chat)
            if hook is not None:
                await hook()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if floods >= self.retries:
                    logger.warning("%s%s: still refused (429) after %d retries; giving up",
                                   endpoint, where, floods)
                    raise
                floods += 1
                delay = retry_after_seconds(exc) + RETRY_MARGIN
                logger.info("%s%s: flood limit, retrying in %.1f s", endpoint, where, delay)
            except NetworkError as exc:
                if not is_server_error(exc):
                    raise
                if failures >= len(self.backoff):
                    logger.warning("%s%s: Telegram failed %d times (%s); giving up", endpoint,
                                   where, failures + 1, exc)
                    raise
                delay = self.backoff[failures]
                failures += 1
                logger.info("%s%s: Telegram failed (%s), retrying in %.1f s", endpoint, where,
                            exc, delay)
            await asyncio.sleep(delay)


def _now() -> float:
    """The loop's time; infinity when closed outside a loop (a coroutine collected unfinished),
    so that the chat is simply forgotten."""
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        return math.inf


def _chat_key(chat_id: object) -> int | str:
    """``chat_id`` as one key: an int when it is one, even sent as a string."""
    if isinstance(chat_id, int):
        return chat_id
    try:
        return int(str(chat_id))
    except ValueError:
        return str(chat_id)
