"""/daily: a movie card posted in a chat every day at the time its admins chose.

``/daily 09:00 Europe/Madrid [genre]`` subscribes, ``/daily`` shows the subscription and the next
post, ``/daily off`` ends it. In groups only admins may change it (``getChatMember``; anonymous
admins count); in channels the command is posted in the channel itself.

Each subscription is one JobQueue job (``daily:<chat id>``) firing at the chat's wall-clock time
(:class:`bot.schedule.DailyTrigger`). The state lives in SQLite (:mod:`bot.subscriptions`),
written before any acknowledgement; :func:`restore` re-creates the jobs at start, sends posts
missed less than :data:`~bot.schedule.CATCH_UP` ago and resumes the day's retries.

A post is recorded as ``sending`` before its request goes out and ``sent`` after, so nothing
(a retry, a restart, a second fire of the job) posts twice on one day. A chat that blocked or
removed the bot, or no longer exists, is unsubscribed; Telegram's flood limits and network
errors that happened before the request reached Telegram are retried later the same day.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from telegram import (
    ChatMember,
    ChatMemberUpdated,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
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

from bot import formatting
from bot.catalog import Catalog, Movie
from bot.context import Context
from bot.formatting import CAPTION_LIMIT, MESSAGE_LIMIT, movie_card, poster_url
from bot.picks import Picker
from bot.schedule import (
    CATCH_UP,
    BadGenre,
    BadTime,
    BadZoneOrGenre,
    DailyTrigger,
    Off,
    Request,
    Show,
    day_end,
    next_run,
    parse_command,
    previous_run,
)
from bot.subscriptions import PostState, Store, Subscription
from handlers import answers
from handlers.queries import clean, split_command

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

RETRY_DELAYS = (30, 120, 600, 1800, 3600)
"""Seconds before each retry after a network error; the last repeats until the day ends."""

MAX_ATTEMPTS = 12

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
    """The daily picks of one Application: the store (opened on first use), the picker, the
    clock (replaceable in tests, so a test can be "at 09:00 in Madrid" without waiting)."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = _utcnow) -> None:
        self.path = path
        self.clock = clock
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.path)
        return self._store

    def subscription(self, chat_id: int) -> Subscription | None:
        """The chat's subscription; looking does not create the database."""
        return self.store.get(chat_id) if self.has_state() else None

    def has_state(self) -> bool:
        """Whether there is anything to restore (a start without a database creates none)."""
        return self._store is not None or self.path.exists()

    def picker(self, catalog: Catalog) -> Picker:
        picker = _PICKERS.get(catalog)
        if picker is None:
            picker = _PICKERS[catalog] = Picker(catalog.movies)
        return picker

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


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
    _name, _target, rest = split_command(message.text)
    parsed = parse_command(clean(rest).split()[:12], daily.picker(catalog).resolve_genre)
    if isinstance(parsed, Show):
        sub = daily.subscription(message.chat.id)
        now = daily.clock()
        run = next_run(now, sub.at, sub.tz) if sub else None
        await message.reply_text(formatting.daily_status(sub, run, now))
        return
    if isinstance(parsed, BadTime | BadZoneOrGenre | BadGenre):
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
    sub = Subscription(chat_id, parsed.at, parsed.zone, parsed.genre)
    daily.store.subscribe(sub)
    schedule(application, sub)
    logger.info("Daily pick: chat %s subscribed at %s %s (%s)", chat_id,
                f"{sub.at:%H:%M}", sub.zone, sub.genre or "any genre")
    pool = daily.picker(catalog).pool_size(sub.genre)
    now = daily.clock()
    run = next_run(now, sub.at, sub.tz)
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
        _daily_job,
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


def _retry_later(application: Application, chat_id: int, day: date, seconds: float) -> None:
    _remove(application, f"{RETRY_PREFIX}{chat_id}")
    _job_queue(application).run_once(
        _retry_job, when=max(seconds, 0.0), data=day, name=f"{RETRY_PREFIX}{chat_id}",
        chat_id=chat_id, job_kwargs={"misfire_grace_time": None},
    )


async def _daily_job(context: Context) -> None:
    assert context.job is not None and context.job.chat_id is not None
    await post(context.application, context.job.chat_id)


async def _retry_job(context: Context) -> None:
    assert context.job is not None and context.job.chat_id is not None
    await post(context.application, context.job.chat_id, context.job.data)


def _keyboard(catalog: Catalog, movie: Movie) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[answers.more_like_this(catalog, movie)]])


HEADER = "☀️ <b>Today's pick</b>\n\n"


async def _send(application: Application, chat_id: int, movie: Movie) -> Message:
    """The card, under its poster when Telegram takes the poster, else as text."""
    keyboard = _keyboard(_catalog(application), movie)
    bot = application.bot
    if url := poster_url(movie):
        caption = HEADER + movie_card(movie, CAPTION_LIMIT - len(HEADER))
        try:
            return await bot.send_photo(chat_id, url, caption=caption, reply_markup=keyboard)
        except BadRequest as exc:
            if _chat_gone(exc):
                raise
            logger.info("Daily pick: poster refused in chat %s (%s); sending text", chat_id,
                        exc.message)
    text = HEADER + movie_card(movie, MESSAGE_LIMIT - len(HEADER))
    return await bot.send_message(chat_id, text, reply_markup=keyboard)


def _chat_gone(exc: TelegramError) -> bool:
    """Blocked, removed, deleted: Telegram will refuse this chat from now on."""
    if isinstance(exc, Forbidden):
        return True
    return isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()


def _maybe_delivered(exc: NetworkError) -> bool:
    """Whether Telegram may have acted on a request that failed this way.

    An HTTP error answer from Telegram (no cause) or a transport failure before the request was
    out (:data:`_NOT_SENT`) means no; a timeout or broken connection while waiting for the answer
    means maybe.
    """
    cause = exc.__cause__
    return cause is not None and not isinstance(cause, _NOT_SENT)


def _seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whichever type this python-telegram-bot version gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def post(application: Application, chat_id: int, day: date | None = None) -> PostState | None:
    """Send the chat's pick for ``day`` unless it was sent (or may have been) already.

    Without ``day`` (the daily job), the day is that of the latest post time, skipped if that
    was :data:`CATCH_UP` ago or more. Returns the post's state afterwards, None if no post.
    """
    daily = service(application)
    store = daily.store
    sub = store.get(chat_id)
    if sub is None:
        unschedule(application, chat_id)
        return None
    now = daily.clock().astimezone(UTC)
    zone = sub.tz
    if day is None:
        run = previous_run(now, sub.at, zone)
        if now - run >= CATCH_UP:
            logger.warning("Daily pick: chat %s, post of %s skipped: %s late", chat_id,
                           run.date(), now - run)
            return None
        day = run.date()
    if now >= day_end(day, zone):
        logger.warning("Daily pick: chat %s missed its post of %s", chat_id, day)
        return None
    existing = store.post(chat_id, day)
    if existing is not None and existing.state is not PostState.PENDING:
        return existing.state
    catalog = _catalog(application)
    movie_id = existing.movie_id if existing else None
    if movie_id is None:
        pick = daily.picker(catalog).pick(chat_id, day, store.history(chat_id), sub.genre)
        if pick is None:
            logger.warning("Daily pick: nothing left to show chat %s", chat_id)
            return None
        movie_id = pick.movie_id
    claimed = store.claim(chat_id, day, movie_id)
    if claimed is None:
        return None
    movie = catalog.movie_by_id(claimed.movie_id)
    if movie is None:
        logger.error("Daily pick: movie %s is not in the catalog", claimed.movie_id)
        store.finish(chat_id, day, PostState.FAILED)
        return PostState.FAILED
    try:
        await _send(application, chat_id, movie)
    except ChatMigrated as exc:
        return await _migrated(application, chat_id, exc.new_chat_id, day)
    except TelegramError as exc:
        return _failed(application, sub, day, claimed.attempts, exc)
    store.finish(chat_id, day, PostState.SENT)
    logger.info("Daily pick: sent movie %s to chat %s for %s", movie.id, chat_id, day)
    return PostState.SENT


def _failed(
    application: Application, sub: Subscription, day: date, attempts: int, exc: TelegramError
) -> PostState:
    """Record a failed send; unsubscribe a chat that is gone; plan a retry where one is safe."""
    store = service(application).store
    chat_id = sub.chat_id
    if _chat_gone(exc):
        store.finish(chat_id, day, PostState.FAILED)
        store.unsubscribe(chat_id)
        unschedule(application, chat_id)
        logger.warning("Daily pick: chat %s is gone (%s); unsubscribed", chat_id, exc.message)
        return PostState.FAILED
    if isinstance(exc, RetryAfter):
        delay = _seconds(exc) + 1
    elif isinstance(exc, NetworkError) and not _maybe_delivered(exc):
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    elif isinstance(exc, NetworkError):
        logger.warning(
            "Daily pick: chat %s, %s: outcome unknown (%s); not sent again, to never post twice",
            chat_id, day, exc,
        )
        return PostState.SENDING
    else:
        store.finish(chat_id, day, PostState.FAILED)
        logger.error("Daily pick: Telegram refused the post in chat %s: %s", chat_id, exc)
        return PostState.FAILED
    now = service(application).clock().astimezone(UTC)
    if attempts >= MAX_ATTEMPTS or now + timedelta(seconds=delay) >= day_end(day, sub.tz):
        store.finish(chat_id, day, PostState.FAILED)
        logger.warning("Daily pick: chat %s, %s: giving up after %d attempts (%s)", chat_id, day,
                       attempts, exc)
        return PostState.FAILED
    store.finish(chat_id, day, PostState.PENDING)
    _retry_later(application, chat_id, day, delay)
    logger.warning("Daily pick: chat %s, %s: %s; retrying in %d s", chat_id, day, exc, delay)
    return PostState.PENDING


async def _migrated(application: Application, old: int, new: int, day: date) -> PostState | None:
    """The group became a supergroup: follow it to its new id and post there."""
    store = service(application).store
    store.finish(old, day, PostState.PENDING)
    move_chat(application, old, new)
    return await post(application, new, day)


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
    """Re-create every stored subscription's job; post what was missed less than
    :data:`CATCH_UP` ago; resume retries of today's posts. Safe to run more than once.
    Returns how many subscriptions are scheduled."""
    daily = service(application)
    if not daily.has_state():
        return 0
    store = daily.store
    now = daily.clock().astimezone(UTC)
    count = 0
    for sub in store.all():
        try:
            zone = ZoneInfo(sub.zone)
        except (ZoneInfoNotFoundError, ValueError):
            logger.error("Daily pick: chat %s has unknown zone %r; not scheduled", sub.chat_id,
                         sub.zone)
            continue
        schedule(application, sub)
        count += 1
        run = previous_run(now, sub.at, zone)
        existing = store.post(sub.chat_id, run.date())
        missed = existing is None and now - run < CATCH_UP
        retry = existing is not None and existing.state is PostState.PENDING
        if missed or retry:
            _retry_later(application, sub.chat_id, run.date(), 0)
    logger.info("Daily pick: restored %d subscription(s)", count)
    return count


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
    if not daily.has_state():
        return
    chat_id = change.chat.id
    if daily.store.unsubscribe(chat_id):
        unschedule(context.application, chat_id)
        logger.info("Daily pick: removed from chat %s; unsubscribed", chat_id)


def register(application: Application) -> None:
    """Add /daily and its listeners; schedule :func:`restore` to run as the JobQueue starts.

    The database is ``settings.state_db`` (``STATE_DB``); it is opened on first use.
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

