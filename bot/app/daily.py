"""The daily picks service: the Telegram side of :mod:`bot.daily`.

Each subscription is one JobQueue job (``daily:<chat id>``) firing at the chat's wall-clock time
(:class:`bot.daily.trigger.DailyTrigger`), plus a one-off job (``daily-retry:<chat id>``) when a
post is to be sent again. Both jobs, and :meth:`DailyService.restore` at start, do what
:func:`bot.daily.policy.plan` decides; the service only translates: Telegram's errors into a
:class:`bot.daily.policy.Failure`, decisions into jobs, store writes and log lines.

The state lives in a :class:`bot.daily.stores.DailyStore` (SQLite, or PostgreSQL when
``DATABASE_URL`` is set; the service does not know which), opened and checked before the service
is built (a bad store stops the bot at start). Every store call is awaited and none blocks the
event loop; writes are committed before any acknowledgement. A post due is recorded
``pending`` with its movie, waits for its turn to go out (:class:`Turns`), and is marked
``sending`` by the ``before_send`` hook of :func:`handlers.replies.send_to` right before its
request leaves, then ``sent``. A ``sending`` post is never sent again, so nothing (a retry, a
restart, a second fire of the job) posts twice on one day; and as only a request that is out is
marked, a crash costs at most the posts whose requests were out, never the ones still waiting.

A store several processes share (PostgreSQL) is re-read every ``sync_every`` seconds
(:meth:`DailyService.sync`): each replica then has every chat's job, and as only one process can
take a post, a replica that dies leaves its chats to the others within that time. A store call
that fails while serving (:class:`bot.daily.store.StoreUnavailable`) makes the job try again
after :data:`STORE_RETRY_DELAYS`; nothing is acknowledged that was not stored.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

import httpx
from telegram.error import BadRequest, ChatMigrated, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, Job, JobQueue
from telegram.warnings import PTBDeprecationWarning

from bot.app.context import Context
from bot.chat import i18n
from bot.chat.daily_texts import DAILY_HEADER
from bot.chat.formatting import CAPTION_LIMIT, MESSAGE_LIMIT, movie_card, poster_url
from bot.chat.i18n import EN, Translator
from bot.daily.picks import Picker
from bot.daily.policy import (
    CATCH_UP,
    Failure,
    Retry,
    Send,
    Skip,
    Skipped,
    after_failure,
    horizon,
    next_post,
    plan,
)
from bot.daily.store import Post, PostState, StoreUnavailable, Subscription
from bot.daily.stores import DailyStore
from bot.daily.trigger import DailyTrigger, previous_run
from bot.movies.catalog import Catalog
from bot.movies.results import Movie
from handlers import keyboards
from handlers.replies import Reply, chat_gone, send_to

logger = logging.getLogger(__name__)

DAILY_KEY = "daily"
"""``bot_data`` key of the application's :class:`DailyService`."""

JOB_PREFIX = "daily:"
RETRY_PREFIX = "daily-retry:"
RESTORE_JOB = "daily-restore"
SYNC_JOB = "daily-sync"

STORE_RETRY_DELAYS = (5, 15, 30, 60, 120)
"""Seconds before a chat's job runs again after the store failed it; the last repeats."""

MISFIRE_GRACE = int(CATCH_UP.total_seconds())
"""A job the scheduler could not start on time (busy loop, suspended host) still runs this late."""

POSTS_IN_FLIGHT = 16
"""Posts whose requests may be out at once; the others wait for their turn, unmarked."""

POSTS_PER_SECOND = 25.0
"""How fast posts go out: below the rate limiter's 30 messages a second, so a burst of posts
neither fills the limiter's queue nor holds back the replies to users."""

_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.WriteError,
    httpx.WriteTimeout,
)
"""Transport failures that happen before Telegram has the whole request: safe to send again."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PostTaken(Exception):
    """Raised by a post's ``before_send`` hook when the post may no longer be sent (another
    process took it, or the chat unsubscribed or changed its settings while it waited): the
    request does not go out."""


class Turns:
    """Turns to send posts: at most ``in_flight`` at once, started ``1 / per_second`` apart,
    so that a burst of posts due together waits here, unmarked, rather than in the rate
    limiter's queue marked ``sending``."""

    def __init__(self, in_flight: int = POSTS_IN_FLIGHT,
                 per_second: float = POSTS_PER_SECOND) -> None:
        self._slots = asyncio.Semaphore(in_flight)
        self._start = asyncio.Lock()
        self._gap = 1 / per_second
        self._next = 0.0

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self._slots:
            async with self._start:
                loop = asyncio.get_running_loop()
                if (wait := self._next - loop.time()) > 0:
                    await asyncio.sleep(wait)
                self._next = loop.time() + self._gap
            yield


class Claim:
    """A post's ``before_send`` hook: marks it ``sending`` in the store as its first request
    goes out (:attr:`post` is then the marked post); later calls (the text card after a refused
    poster, a retry after a 429) change nothing. Raises :class:`PostTaken` if it may not go."""

    def __init__(self, store: DailyStore, chat_id: int, day: date,
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.chat_id = chat_id
        self.day = day
        self.clock = clock
        self.post: Post | None = None

    async def __call__(self) -> None:
        if self.post is not None:
            return
        self.post = await self.store.take(self.chat_id, self.day, now=self.clock())
        if self.post is None:
            raise PostTaken(f"chat {self.chat_id}, {self.day}")


def failure_of(exc: TelegramError) -> Failure:
    """What Telegram's error means for the post (see :class:`bot.daily.policy.Failure`).

    Only a transport failure before the request was out (:data:`_NOT_SENT`) is known not to
    have reached Telegram. Every other network error (an HTTP 5xx, whatever its body; a
    timeout; a connection lost while waiting for the answer) may have been acted on.
    """
    if chat_gone(exc):
        return Failure.GONE
    if isinstance(exc, RetryAfter):
        return Failure.FLOOD
    if isinstance(exc, BadRequest) or not isinstance(exc, NetworkError):
        return Failure.REFUSED
    if isinstance(exc.__cause__, _NOT_SENT):
        return Failure.NOT_SENT
    return Failure.MAYBE_DELIVERED


def wait_of(exc: TelegramError) -> timedelta:
    """How long Telegram asked to wait (``retry_after``, whichever type this
    python-telegram-bot version gives); zero for other errors."""
    if not isinstance(exc, RetryAfter):
        return timedelta(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


class DailyService:
    """The daily picks of one Application: its store, its picker, its clock (replaceable in
    tests, so a test can be "at 09:00 in Madrid" without waiting), and the jobs that post.

    The store comes opened, checked and migrated (:func:`bot.daily.stores.open_store`);
    :meth:`close` closes it. ``sync_every``: seconds between re-reads of a shared store.
    """

    def __init__(self, application: Application, store: DailyStore,
                 clock: Callable[[], datetime] = _utcnow, sync_every: float = 30.0) -> None:
        self.application = application
        self.store = store
        self.clock = clock
        self.sync_every = sync_every
        self.turns = Turns()
        self._scheduled: dict[int, Subscription] = {}
        self._store_failures: dict[int, int] = {}

    @property
    def catalog(self) -> Catalog:
        return self.application.bot_data["catalog"]

    @cached_property
    def picker(self) -> Picker:
        """The pool of movies to pick from, built from the catalog on first use."""
        return Picker(self.catalog.movies)

    async def posts(self, chat_id: int, now: datetime) -> list[Post]:
        """The chat's posts that :func:`bot.daily.policy.plan` needs at ``now``."""
        return await self.store.recent(chat_id, horizon(now))

    async def close(self) -> None:
        await self.store.close()

    # -- subscriptions -----------------------------------------------------------------------------

    async def subscribe(self, sub: Subscription, now: datetime) -> Subscription:
        """Store the chat's new settings (durably, at ``now``) and (re)place its job; returns
        them as stored. A retry of the old settings' post is forgotten with them.
        :class:`bot.daily.store.StoreError` if they could not be stored."""
        stored = await self.store.subscribe(sub, now)
        self.unschedule(sub.chat_id)
        self.schedule(stored)
        logger.info("Daily pick: chat %s subscribed at %s %s (%s)", sub.chat_id,
                    f"{stored.at:%H:%M}", stored.zone, stored.genre or "any genre")
        return stored

    async def unsubscribe(self, chat_id: int) -> bool:
        """End the chat's subscription and its jobs; True if there was one."""
        had = await self.store.unsubscribe(chat_id)
        self.unschedule(chat_id)
        return had

    async def next_post(self, sub: Subscription, now: datetime) -> datetime:
        """When the chat's next post will go out (see :func:`bot.daily.policy.next_post`)."""
        return next_post(now, sub, await self.posts(sub.chat_id, now))

    async def move_chat(self, old: int, new: int) -> None:
        """The group became a supergroup with a new id: its subscription and job follow it."""
        if await self.store.move_chat(old, new):
            self.unschedule(old)
            sub = await self.store.get(new)
            if sub is not None:
                self.schedule(sub)
            logger.info("Daily pick: chat %s is now %s", old, new)

    # -- jobs --------------------------------------------------------------------------------------

    @property
    def job_queue(self) -> JobQueue[Any]:
        if self.application.job_queue is None:
            raise RuntimeError("daily picks need python-telegram-bot[job-queue]")
        return self.application.job_queue

    def _remove(self, name: str) -> None:
        for job in self.job_queue.get_jobs_by_name(name):
            job.schedule_removal()

    def schedule(self, sub: Subscription) -> Job:
        """(Re)place the chat's daily job."""
        self._remove(f"{JOB_PREFIX}{sub.chat_id}")
        self._scheduled[sub.chat_id] = sub
        return self.job_queue.run_custom(
            self._post_job,
            job_kwargs={
                "trigger": DailyTrigger(sub.at, sub.tz),
                "misfire_grace_time": MISFIRE_GRACE,
                "coalesce": True,
            },
            name=f"{JOB_PREFIX}{sub.chat_id}",
            chat_id=sub.chat_id,
        )

    def unschedule(self, chat_id: int) -> None:
        self._scheduled.pop(chat_id, None)
        self._remove(f"{JOB_PREFIX}{chat_id}")
        self._remove(f"{RETRY_PREFIX}{chat_id}")

    def _retry_at(self, chat_id: int, at: datetime, now: datetime) -> None:
        """(Re)place the chat's one-off job that posts at ``at`` (``now`` on the clock)."""
        self._remove(f"{RETRY_PREFIX}{chat_id}")
        self.job_queue.run_once(
            self._post_job, when=max((at - now).total_seconds(), 0.0),
            name=f"{RETRY_PREFIX}{chat_id}", chat_id=chat_id,
            job_kwargs={"misfire_grace_time": None},
        )

    async def _post_job(self, context: Context) -> None:
        """The daily job and the retry job alike: do what is due for the chat now; if the
        store fails, the same again after :data:`STORE_RETRY_DELAYS`."""
        assert context.job is not None and context.job.chat_id is not None
        chat_id = context.job.chat_id
        try:
            await self.post(chat_id)
        except StoreUnavailable as exc:
            failures = self._store_failures[chat_id] = self._store_failures.get(chat_id, 0) + 1
            delay = STORE_RETRY_DELAYS[min(failures, len(STORE_RETRY_DELAYS)) - 1]
            now = self.clock().astimezone(UTC)
            self._retry_at(chat_id, now + timedelta(seconds=delay), now)
            logger.warning("Daily pick: chat %s: the store failed (%s); trying again in %d s",
                           chat_id, exc, delay)
        else:
            self._store_failures.pop(chat_id, None)

    def restore_on_start(self) -> None:
        """Have :meth:`restore` run as the JobQueue starts; with a shared store, :meth:`sync`
        every :attr:`sync_every` seconds after."""
        self.job_queue.run_once(self._restore_job, when=0, name=RESTORE_JOB,
                                job_kwargs={"misfire_grace_time": None})
        if self.store.shared:
            self.job_queue.run_repeating(self._sync_job, interval=self.sync_every,
                                         first=self.sync_every, name=SYNC_JOB)

    async def _restore_job(self, context: Context) -> None:
        try:
            await self.restore()
        except StoreUnavailable as exc:
            retry = STORE_RETRY_DELAYS[0]
            logger.warning("Daily pick: could not restore the subscriptions (%s); trying again "
                           "in %d s", exc, retry)
            self.job_queue.run_once(self._restore_job, when=retry, name=RESTORE_JOB,
                                    job_kwargs={"misfire_grace_time": None})

    async def _sync_job(self, context: Context) -> None:
        try:
            await self.sync()
        except StoreUnavailable as exc:
            logger.warning("Daily pick: could not re-read the subscriptions (%s); trying again "
                           "in %d s", exc, self.sync_every)

    async def sync(self) -> None:
        """Catch up with what other processes changed in a shared store: jobs for chats that
        subscribed or changed their settings there, none for chats that left, and a job for a
        post due now (a replica that died left it pending) or a retry another process planned.
        Quiet: a skipped post time is logged by the process whose job meets it. Two queries,
        plus one per chat with a pending post or a post time in the last
        :data:`~bot.daily.policy.CATCH_UP` (no other chat can have a post to send)."""
        now = self.clock().astimezone(UTC)
        subs = await self.store.all()
        pending = {post.chat_id for post in await self.store.pending(horizon(now))}
        stored = {sub.chat_id for sub in subs}
        for chat_id in [c for c in self._scheduled if c not in stored]:
            self.unschedule(chat_id)
        for sub in subs:
            if self._scheduled.get(sub.chat_id) != sub:
                self.schedule(sub)
            if self.job_queue.get_jobs_by_name(f"{RETRY_PREFIX}{sub.chat_id}"):
                continue
            if (sub.chat_id not in pending
                    and now - previous_run(now, sub.at, sub.tz) >= CATCH_UP):
                continue
            decision = plan(now, sub, await self.posts(sub.chat_id, now))
            if isinstance(decision, Send):
                self._retry_at(sub.chat_id, now, now)
            elif isinstance(decision, Retry):
                self._retry_at(sub.chat_id, decision.at, now)

    async def restore(self) -> int:
        """Re-create every stored subscription's job and do what
        :func:`bot.daily.policy.plan` decides for it now: a post missed while the bot was down
        (less than :data:`~bot.daily.policy.CATCH_UP` ago) or a pending retry gets its job.
        Safe to run more than once. Returns how many subscriptions are scheduled."""
        now = self.clock().astimezone(UTC)
        subs = await self.store.all()
        for sub in subs:
            self.schedule(sub)
            decision = plan(now, sub, await self.posts(sub.chat_id, now))
            if isinstance(decision, Send):
                self._retry_at(sub.chat_id, now, now)  # from a job, not in the start-up
            else:
                await self._follow(sub, decision, now)
        logger.info("Daily pick: restored %d subscription(s)", len(subs))
        if self.store.created:
            self._warn_new()
        return len(subs)

    def _warn_new(self) -> None:
        """Say that the store started empty: silent, a wrong or lost store would only show as
        chats no longer getting their posts."""
        logger.warning("Daily pick: %s", self.store.new_warning())

    # -- posting -----------------------------------------------------------------------------------

    async def post(self, chat_id: int) -> None:
        """Do what :func:`bot.daily.policy.plan` decides for the chat now: send its post, plan
        a retry, or skip the post time."""
        sub = await self.store.get(chat_id)
        if sub is None:
            self.unschedule(chat_id)
            return
        now = self.clock().astimezone(UTC)
        decision = plan(now, sub, await self.posts(chat_id, now))
        if isinstance(decision, Send):
            await self._send_post(sub, decision, now)
        else:
            await self._follow(sub, decision, now)

    async def _follow(self, sub: Subscription, decision: Retry | Skip | None,
                      now: datetime) -> None:
        """Carry out a decision that sends nothing now: schedule the retry, or log a skipped
        post time (and give up its pending post when the day is over)."""
        if isinstance(decision, Retry):
            self._retry_at(sub.chat_id, decision.at, now)
        elif decision is not None:
            if decision.why is Skipped.DAY_OVER:
                await self.store.finish(sub.chat_id, decision.day, PostState.FAILED, now=now)
            log = logger.info if decision.why is Skipped.TOO_SOON else logger.warning
            log("Daily pick: chat %s, no post for %s: %s", sub.chat_id, decision.day,
                decision.why)

    def _reply(self, movie: Movie, t: Translator = EN) -> Reply:
        """The day's card in ``t``'s language: under its poster when there is one, else as
        text."""
        url = poster_url(movie)
        header = t._(DAILY_HEADER) + "\n\n"
        return Reply(
            header + movie_card(movie, MESSAGE_LIMIT - len(header), t),
            keyboards.more_like_this(self.catalog, movie, t),
            photo=url,
            caption=header + movie_card(movie, CAPTION_LIMIT - len(header), t) if url else None,
        )

    async def _send_post(self, sub: Subscription, decision: Send, now: datetime) -> None:
        """Send the day's post: its movie (chosen now, or kept from a failed attempt) recorded
        ``pending`` first, marked ``sending`` as its request goes out after its turn, the
        outcome recorded after."""
        store = self.store
        chat_id, day = sub.chat_id, decision.day
        existing = await store.post(chat_id, day)
        if existing is not None:
            movie_id = existing.movie_id
        else:
            pick = self.picker.pick(chat_id, day, await store.history(chat_id),
                                     sub.genre)
            if pick is None:
                logger.warning("Daily pick: nothing left to show chat %s", chat_id)
                return
            movie_id = pick.movie_id
        reserved = await store.reserve(chat_id, day, movie_id, run_at=decision.run, now=now)
        if reserved is None:
            return
        movie = self.catalog.movie_by_id(reserved.movie_id)
        if movie is None:
            logger.error("Daily pick: movie %s is not in the catalog", reserved.movie_id)
            await store.finish(chat_id, day, PostState.FAILED, now=now)
            return
        # The chat's own language (/lang), else the language it subscribed in.
        t = i18n.choose(await store.language(chat_id), sub.language)
        claim = Claim(store, chat_id, day, self.clock)
        try:
            async with self.turns.turn():
                await send_to(self.application.bot, chat_id, self._reply(movie, t),
                              before_send=claim)
        except PostTaken:
            logger.info("Daily pick: chat %s, %s: taken elsewhere or changed while waiting; "
                        "not sent", chat_id, day)
            return
        except ChatMigrated as exc:
            await self._migrated(chat_id, exc.new_chat_id, day)
            return
        except TelegramError as exc:
            await self._failed(sub, claim.post or reserved, exc)
            return
        await store.finish(chat_id, day, PostState.SENT, now=self.clock())
        logger.info("Daily pick: sent movie %s to chat %s for %s", movie.id, chat_id, day)

    async def _failed(self, sub: Subscription, post: Post, exc: TelegramError) -> None:
        """Record a failed send as :func:`bot.daily.policy.after_failure` decides; unsubscribe a
        chat that is gone."""
        chat_id, day = sub.chat_id, post.day
        failure = failure_of(exc)
        now = self.clock().astimezone(UTC)
        outcome = after_failure(now, sub, post, failure, wait_of(exc))
        if isinstance(outcome, Retry):
            await self.store.finish(chat_id, day, PostState.PENDING, now=now,
                                    retry_at=outcome.at)
            self._retry_at(chat_id, outcome.at, now)
            logger.warning("Daily pick: chat %s, %s: %s (%s); retrying in %d s", chat_id, day,
                           failure, exc, (outcome.at - now).total_seconds())
            return
        if outcome is PostState.FAILED:
            await self.store.finish(chat_id, day, PostState.FAILED, now=now)
        if failure is Failure.GONE:
            await self.unsubscribe(chat_id)
            logger.warning("Daily pick: chat %s is gone (%s); unsubscribed", chat_id,
                           exc.message)
        elif failure is Failure.MAYBE_DELIVERED:
            logger.warning("Daily pick: chat %s, %s: outcome unknown (%s); not sent again, to "
                           "never post twice", chat_id, day, exc)
        else:
            logger.error("Daily pick: chat %s, %s: %s after %d attempt(s): %s; no post that day",
                         chat_id, day, failure, post.attempts, exc)

    async def _migrated(self, old: int, new: int, day: date) -> None:
        """The group became a supergroup: follow it to its new id and post there."""
        await self.store.finish(old, day, PostState.PENDING, now=self.clock())
        await self.move_chat(old, new)
        await self.post(new)


def service(application: Application) -> DailyService:
    """The application's daily picks service."""
    return application.bot_data[DAILY_KEY]
