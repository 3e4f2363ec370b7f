"""/daily: a movie card posted in a chat every day at the time its admins chose.

``/daily 09:00 Europe/Madrid [genre]`` subscribes, ``/daily`` shows the subscription and the next
post, ``/daily off`` ends it. In groups only admins may change it (``getChatMember``; anonymous
admins count); in channels the command is posted in the channel itself.

Each subscription is one JobQueue job (``daily:<chat id>``) firing at the chat's wall-clock time
(:class:`bot.daily.trigger.DailyTrigger`), plus a one-off job (``daily-retry:<chat id>``) when a
post is to be sent again. Both jobs, and :func:`restore` at start, do what
:func:`bot.daily.policy.plan` decides; this module only translates: Telegram's errors into a
:class:`bot.daily.policy.Failure`, decisions into jobs, store writes and log lines.

The state lives in SQLite (:mod:`bot.daily.store`), opened and checked when the application
is built (a bad ``STATE_DB`` stops the bot at start) and written before any acknowledgement. A
post is recorded as ``sending`` before its request goes out and ``sent`` after, so nothing (a
retry, a restart, a second fire of the job) posts twice on one day.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import httpx
from telegram import (
    ChatMember,
    ChatMemberUpdated,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ChatMemberHandler,
    CommandHandler,
    Job,
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.app.context import Context
from bot.chat import formatting
from bot.chat.formatting import CAPTION_LIMIT, MESSAGE_LIMIT, movie_card, poster_url
from bot.daily.grammar import (
    BadGenre,
    BadOffset,
    BadTime,
    BadZoneOrGenre,
    Off,
    Request,
    Show,
    parse_command,
)
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
from bot.daily.store import Post, PostState, Store, Subscription
from bot.daily.trigger import DailyTrigger
from bot.movies.catalog import Catalog, Movie
from handlers import keyboards
from handlers.queries import clean, split_command
from handlers.replies import Reply, chat_gone, send_to

logger = logging.getLogger(__name__)

DAILY_KEY = "daily"
"""``bot_data`` key of the application's :class:`Daily`."""

JOB_PREFIX = "daily:"
RETRY_PREFIX = "daily-retry:"
RESTORE_JOB = "daily-restore"

HANDLER_GROUP = 7
"""Group of the listeners for migrations and the bot's own membership: separate from group 0 so
they never take an update from another module's handler."""

MISFIRE_GRACE = int(CATCH_UP.total_seconds())
"""A job the scheduler could not start on time (busy loop, suspended host) still runs this late."""

ADMINS = {ChatMember.ADMINISTRATOR, ChatMember.OWNER}

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


_PICKERS: WeakKeyDictionary[Catalog, Picker] = WeakKeyDictionary()
"""One picker per catalog, shared by the Applications built on it."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Daily:
    """The daily picks of one Application: the store, the picker, the clock (replaceable in
    tests, so a test can be "at 09:00 in Madrid" without waiting).

    The store is opened, checked and migrated here: a ``STATE_DB`` that cannot be used raises
    :class:`bot.daily.store.StoreError` before the bot starts.
    """

    def __init__(self, path: Path, clock: Callable[[], datetime] = _utcnow) -> None:
        self.path = path
        self.clock = clock
        self.store = Store(path)

    def posts(self, chat_id: int, now: datetime) -> list[Post]:
        """The chat's posts that :func:`bot.daily.policy.plan` needs at ``now``."""
        return self.store.recent(chat_id, horizon(now))

    def picker(self, catalog: Catalog) -> Picker:
        picker = _PICKERS.get(catalog)
        if picker is None:
            picker = _PICKERS[catalog] = Picker(catalog.movies)
        return picker

    def close(self) -> None:
        self.store.close()


def service(application: Application) -> Daily:
    return application.bot_data[DAILY_KEY]


def _catalog(application: Application) -> Catalog:
    return application.bot_data["catalog"]


# -- the command -----------------------------------------------------------------------------------


async def on_daily(update: Update, context: Context) -> None:
    """``/daily``, ``/daily off``, ``/daily <time> [zone] [genre]`` in any chat."""
    message = update.effective_message
    if message is None or not message.text:
        return
    application = context.application
    daily = service(application)
    catalog = _catalog(application)
    command = split_command(message)
    rest = command.argument if command is not None else ""
    parsed = parse_command(clean(rest).split()[:12], daily.picker(catalog).resolve_genre)
    if isinstance(parsed, Show):
        sub = daily.store.get(message.chat.id)
        now = daily.clock()
        run = next_post(now, sub, daily.posts(sub.chat_id, now)) if sub else None
        await message.reply_text(formatting.daily_status(sub, run, now))
        return
    if isinstance(parsed, BadTime | BadZoneOrGenre | BadOffset | BadGenre):
        await message.reply_text(formatting.daily_error(parsed, daily.picker(catalog).genres))
        return
    if not await may_change(message, context):
        await message.reply_text(formatting.DAILY_ADMINS_ONLY)
        return
    chat_id = message.chat.id
    if isinstance(parsed, Off):
        had = daily.store.unsubscribe(chat_id)
        unschedule(application, chat_id)
        logger.info("Daily pick: chat %s unsubscribed", chat_id)
        await message.reply_text(formatting.daily_off(had))
        return
    assert isinstance(parsed, Request)
    now = daily.clock()
    sub = daily.store.subscribe(Subscription(chat_id, parsed.at, parsed.zone, parsed.genre), now)
    unschedule(application, chat_id)  # a retry of the old settings' post: forgotten with it
    schedule(application, sub)
    logger.info("Daily pick: chat %s subscribed at %s %s (%s)", chat_id,
                f"{sub.at:%H:%M}", sub.zone, sub.genre or "any genre")
    pool = daily.picker(catalog).pool_size(sub.genre)
    run = next_post(now, sub, daily.posts(chat_id, now))
    await message.reply_text(formatting.daily_confirmation(sub, run, now, pool))


async def may_change(message: Message, context: Context) -> bool:
    """Private chats and channel posts may; in groups, admins (anonymous ones included)."""
    chat = message.chat
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    if message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if message.from_user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, message.from_user.id)
    except TelegramError as exc:
        logger.warning("Daily pick: could not check admin rights in chat %s: %s", chat.id, exc)
        return False
    return member.status in ADMINS


# -- jobs ------------------------------------------------------------------------------------------


def _job_queue(application: Application) -> JobQueue[Any]:
    if application.job_queue is None:
        raise RuntimeError("daily picks need python-telegram-bot[job-queue]")
    return application.job_queue


def _remove(application: Application, name: str) -> None:
    for job in _job_queue(application).get_jobs_by_name(name):
        job.schedule_removal()


def schedule(application: Application, sub: Subscription) -> Job:
    """(Re)place the chat's daily job."""
    _remove(application, f"{JOB_PREFIX}{sub.chat_id}")
    return _job_queue(application).run_custom(
        _post_job,
        job_kwargs={
            "trigger": DailyTrigger(sub.at, sub.tz),
            "misfire_grace_time": MISFIRE_GRACE,
            "coalesce": True,
        },
        name=f"{JOB_PREFIX}{sub.chat_id}",
        chat_id=sub.chat_id,
    )


def unschedule(application: Application, chat_id: int) -> None:
    _remove(application, f"{JOB_PREFIX}{chat_id}")
    _remove(application, f"{RETRY_PREFIX}{chat_id}")


def _retry_at(application: Application, chat_id: int, at: datetime, now: datetime) -> None:
    """(Re)place the chat's one-off job that posts at ``at`` (``now`` on the service's clock)."""
    _remove(application, f"{RETRY_PREFIX}{chat_id}")
    _job_queue(application).run_once(
        _post_job, when=max((at - now).total_seconds(), 0.0), name=f"{RETRY_PREFIX}{chat_id}",
        chat_id=chat_id, job_kwargs={"misfire_grace_time": None},
    )


async def _post_job(context: Context) -> None:
    """The daily job and the retry job alike: do what is due for the chat now."""
    assert context.job is not None and context.job.chat_id is not None
    await post(context.application, context.job.chat_id)


HEADER = "☀️ <b>Today's pick</b>\n\n"


async def _send(application: Application, chat_id: int, movie: Movie) -> Message:
    """The card, under its poster when Telegram takes the poster, else as text."""
    url = poster_url(movie)
    reply = Reply(
        HEADER + movie_card(movie, MESSAGE_LIMIT - len(HEADER)),
        keyboards.more_like_this(_catalog(application), movie),
        photo=url,
        caption=HEADER + movie_card(movie, CAPTION_LIMIT - len(HEADER)) if url else None,
    )
    return await send_to(application.bot, chat_id, reply)


def _failure(exc: TelegramError) -> Failure:
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


def _wait(exc: TelegramError) -> timedelta:
    """How long Telegram asked to wait (``retry_after``, whichever type this
    python-telegram-bot version gives); zero for other errors."""
    if not isinstance(exc, RetryAfter):
        return timedelta(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


async def post(application: Application, chat_id: int) -> None:
    """Do what :func:`bot.daily.policy.plan` decides for the chat now: send its post, plan a
    retry, or skip the post time."""
    daily = service(application)
    sub = daily.store.get(chat_id)
    if sub is None:
        unschedule(application, chat_id)
        return
    now = daily.clock().astimezone(UTC)
    decision = plan(now, sub, daily.posts(chat_id, now))
    if isinstance(decision, Send):
        await _send_post(application, sub, decision, now)
    else:
        _follow(application, sub, decision, now)


def _follow(application: Application, sub: Subscription, decision: Retry | Skip | None,
            now: datetime) -> None:
    """Carry out a decision that sends nothing now: schedule the retry, or log a skipped post
    time (and give up its pending post when the day is over)."""
    if isinstance(decision, Retry):
        _retry_at(application, sub.chat_id, decision.at, now)
    elif decision is not None:
        if decision.why is Skipped.DAY_OVER:
            service(application).store.finish(sub.chat_id, decision.day, PostState.FAILED,
                                              now=now)
        log = logger.info if decision.why is Skipped.TOO_SOON else logger.warning
        log("Daily pick: chat %s, no post for %s: %s", sub.chat_id, decision.day, decision.why)


async def _send_post(application: Application, sub: Subscription, decision: Send,
                     now: datetime) -> None:
    """Send the day's post: its movie (chosen now, or kept from a failed attempt) claimed in
    the store first, the outcome recorded after."""
    daily = service(application)
    store = daily.store
    chat_id, day = sub.chat_id, decision.day
    catalog = _catalog(application)
    existing = store.post(chat_id, day)
    if existing is not None:
        movie_id = existing.movie_id
    else:
        pick = daily.picker(catalog).pick(chat_id, day, store.history(chat_id), sub.genre)
        if pick is None:
            logger.warning("Daily pick: nothing left to show chat %s", chat_id)
            return
        movie_id = pick.movie_id
    claimed = store.claim(chat_id, day, movie_id, run_at=decision.run, now=now)
    if claimed is None:
        return
    movie = catalog.movie_by_id(claimed.movie_id)
    if movie is None:
        logger.error("Daily pick: movie %s is not in the catalog", claimed.movie_id)
        store.finish(chat_id, day, PostState.FAILED, now=now)
        return
    try:
        await _send(application, chat_id, movie)
    except ChatMigrated as exc:
        await _migrated(application, chat_id, exc.new_chat_id, day)
        return
    except TelegramError as exc:
        _failed(application, sub, claimed, exc)
        return
    store.finish(chat_id, day, PostState.SENT, now=daily.clock())
    logger.info("Daily pick: sent movie %s to chat %s for %s", movie.id, chat_id, day)


def _failed(application: Application, sub: Subscription, post: Post, exc: TelegramError) -> None:
    """Record a failed send as :func:`bot.daily.policy.after_failure` decides; unsubscribe a chat
    that is gone."""
    daily = service(application)
    chat_id, day = sub.chat_id, post.day
    failure = _failure(exc)
    now = daily.clock().astimezone(UTC)
    outcome = after_failure(now, sub, post, failure, _wait(exc))
    if isinstance(outcome, Retry):
        daily.store.finish(chat_id, day, PostState.PENDING, now=now, retry_at=outcome.at)
        _retry_at(application, chat_id, outcome.at, now)
        logger.warning("Daily pick: chat %s, %s: %s (%s); retrying in %d s", chat_id, day,
                       failure, exc, (outcome.at - now).total_seconds())
        return
    if outcome is PostState.FAILED:
        daily.store.finish(chat_id, day, PostState.FAILED, now=now)
    if failure is Failure.GONE:
        daily.store.unsubscribe(chat_id)
        unschedule(application, chat_id)
        logger.warning("Daily pick: chat %s is gone (%s); unsubscribed", chat_id, exc.message)
    elif failure is Failure.MAYBE_DELIVERED:
        logger.warning("Daily pick: chat %s, %s: outcome unknown (%s); not sent again, to never "
                       "post twice", chat_id, day, exc)
    else:
        logger.error("Daily pick: chat %s, %s: %s after %d attempt(s): %s; no post that day",
                     chat_id, day, failure, post.attempts, exc)


async def _migrated(application: Application, old: int, new: int, day: date) -> None:
    """The group became a supergroup: follow it to its new id and post there."""
    daily = service(application)
    daily.store.finish(old, day, PostState.PENDING, now=daily.clock())
    move_chat(application, old, new)
    await post(application, new)


def move_chat(application: Application, old: int, new: int) -> None:
    store = service(application).store
    if store.move_chat(old, new):
        unschedule(application, old)
        sub = store.get(new)
        if sub is not None:
            schedule(application, sub)
        logger.info("Daily pick: chat %s is now %s", old, new)


# -- start -----------------------------------------------------------------------------------------


async def restore(application: Application) -> int:
    """Re-create every stored subscription's job and do what :func:`bot.daily.policy.plan` decides
    for it now: a post missed while the bot was down (less than
    :data:`~bot.daily.policy.CATCH_UP` ago) or a pending retry gets its job. Safe to run more than
    once. Returns how many subscriptions are scheduled."""
    daily = service(application)
    now = daily.clock().astimezone(UTC)
    subs = daily.store.all()
    for sub in subs:
        schedule(application, sub)
        decision = plan(now, sub, daily.posts(sub.chat_id, now))
        if isinstance(decision, Send):
            _retry_at(application, sub.chat_id, now, now)  # from a job, not in the start-up
        else:
            _follow(application, sub, decision, now)
    logger.info("Daily pick: restored %d subscription(s)", len(subs))
    return len(subs)


async def _restore_job(context: Context) -> None:
    await restore(context.application)


# -- membership ------------------------------------------------------------------------------------


async def on_migrate(update: Update, context: Context) -> None:
    """A group upgraded to a supergroup gets a new id; its subscription follows."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        move_chat(context.application, message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        move_chat(context.application, message.migrate_from_chat_id, message.chat.id)


async def on_my_membership(update: Update, context: Context) -> None:
    """The bot was removed from a chat (or blocked in a private one): end its subscription."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.new_chat_member.status not in (ChatMember.LEFT,
                                                                 ChatMember.BANNED):
        return
    daily = service(context.application)
    chat_id = change.chat.id
    if daily.store.unsubscribe(chat_id):
        unschedule(context.application, chat_id)
        logger.info("Daily pick: removed from chat %s; unsubscribed", chat_id)


def register(application: Application) -> None:
    """Add /daily and its listeners; schedule :func:`restore` to run as the JobQueue starts.

    The database is ``settings.state_db`` (``STATE_DB``), opened and checked here: one that
    cannot be used raises :class:`bot.daily.store.StoreError`, before the bot starts.
    """
    job_queue = _job_queue(application)
    application.bot_data[DAILY_KEY] = Daily(Path(application.bot_data.settings.state_db))
    commands = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    application.add_handler(CommandHandler("daily", on_daily, filters=commands))
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate), group=HANDLER_GROUP
    )
    application.add_handler(
        ChatMemberHandler(on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        group=HANDLER_GROUP,
    )
    job_queue.run_once(
        _restore_job, when=0, name=RESTORE_JOB, job_kwargs={"misfire_grace_time": None}
    )

