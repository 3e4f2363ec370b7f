"""The daily-pick state in SQLite: who is subscribed, and what each chat was posted on which day.

Every write is its own transaction, committed with ``synchronous=FULL`` in WAL mode before the
call returns, so a subscription the bot has acknowledged survives the process being killed.
Times come from the caller (``now``), never from the system clock, so that tests can run "at
09:00 in Madrid".

The ``posts`` table is both the pick history (no movie twice a year) and what keeps a chat from
getting two posts on one day. A post goes ``pending`` (chosen, safe to send: it may wait for its
turn to go out) → ``sending`` (marked right before its request goes out) → ``sent``. A failure
Telegram reports before doing anything puts it back to ``pending`` with the time of its next
attempt (``retry_at``); a post left ``sending`` (the process died mid-request, or the outcome is
unknown) is never sent again: a missing post is better than a double one. Each post keeps the
UTC time it was scheduled for (``run_at``), which spaces posts out when a chat changes its time
or zone (:data:`bot.daily.policy.MIN_GAP`).

The schema version lives in ``PRAGMA user_version``; older databases are migrated in place.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 4

FALLBACK_ZONE = "UTC"
"""The zone a subscription is served in when its stored zone no longer loads (a tzdata update
dropped it, or the host lost its tz database): the row itself is left as it is, so the chat gets
its own zone back once tzdata has it again, and a warning is logged each time the row is read."""

_SCHEMA_V1 = """
CREATE TABLE subscriptions (
    chat_id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    tz TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""
"""The first released schema: a time and zone per chat, no genre, no history. Kept to test the
migration (and to document what it migrates from)."""

_V2_TABLES = """
CREATE TABLE IF NOT EXISTS posts (
    chat_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    movie_id INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, day)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS posts_by_movie ON posts (chat_id, movie_id, day);
"""

_V3_COLUMNS = """
ALTER TABLE posts ADD COLUMN run_at TEXT;
ALTER TABLE posts ADD COLUMN retry_at TEXT;
UPDATE posts SET run_at = updated_at;
"""
"""Version 3: when each post was due and when a pending one is retried. Posts written before
have only the time of their last change, the closest known time to when they went out."""

_V4_LANGUAGES = """
ALTER TABLE subscriptions ADD COLUMN language TEXT;
CREATE TABLE IF NOT EXISTS chat_settings (
    chat_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""
"""Version 4: languages. A subscription keeps the language it was made in (its posts' language
when the chat chose none); ``chat_settings`` holds a chat's own choice (``/lang``), no row
meaning each user's own language."""


class StoreError(RuntimeError):
    """The store cannot be used (``STATE_DB`` unreadable, unwritable, not a database;
    ``DATABASE_URL`` malformed, unreachable, refused; a newer schema); the message is one line
    for the operator."""


class StoreUnavailable(StoreError):
    """A call failed while serving (the connection was lost, the database is locked): nothing
    is known to be stored, and the caller may try again later."""


class PostState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat's daily pick: at ``at`` (wall-clock) in ``zone``, from ``genre`` if set.

    ``since`` is when these settings were stored (UTC; None before): no post time before it is
    ever caught up. It is bookkeeping, left out of comparisons, as is ``language``: the
    language of whoever subscribed (None before version 4), the posts' language unless the
    chat chose one.
    """

    chat_id: int
    at: time
    zone: str
    genre: str | None = None
    since: datetime | None = field(default=None, compare=False)
    language: str | None = field(default=None, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


@dataclass(frozen=True, slots=True)
class Post:
    """One chat's post of one (local) day: the UTC time it was due (``run_at``) and, while
    ``pending``, when it is tried again (``retry_at``; None: as soon as possible)."""

    chat_id: int
    day: date
    movie_id: int
    state: PostState
    attempts: int
    run_at: datetime | None = None
    retry_at: datetime | None = None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Store:
    """The subscriptions database. One connection, shared by the bot's event loop and jobs.

    Opening it creates, checks and migrates the file; any problem is a :class:`StoreError`.
    :attr:`created` tells whether it held no schema at all (a new file, an empty one, or
    ``:memory:``): fine on a first start, but a sign of a wrong or lost ``STATE_DB`` later.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.in_memory = str(path) == ":memory:"
        self.created = False
        self._lock = threading.RLock()
        try:
            if not self.in_memory:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=10.0
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"STATE_DB {self.path} cannot be opened: {exc}") from exc
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except (sqlite3.Error, StoreError) as exc:
            self._db.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"STATE_DB {self.path} cannot be used: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``: all or nothing, durable once the block exits."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- schema ---------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def _migrate(self) -> None:
        """Bring the schema to :data:`SCHEMA_VERSION`, one step per version, in one transaction.

        Version 0 is either a new file or a v1 database written before versions were recorded.
        """
        with self._transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"STATE_DB {self.path} has schema version {version}, newer than this code's "
                    f"{SCHEMA_VERSION}: run a newer version of the bot or use another STATE_DB"
                )
            if version == 0:
                exists = db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'subscriptions'"
                ).fetchone()
                if not exists:
                    _run(db, _SCHEMA_V1)
                    self.created = True
                version = 1
            if version == 1:
                db.execute("ALTER TABLE subscriptions ADD COLUMN genre TEXT")
                db.execute("ALTER TABLE subscriptions ADD COLUMN updated_at TEXT")
                db.execute("UPDATE subscriptions SET updated_at = created_at")
                _run(db, _V2_TABLES)
                version = 2
            if version == 2:
                _run(db, _V3_COLUMNS)
                version = 3
            if version == 3:
                _run(db, _V4_LANGUAGES)
                version = 4
            db.execute(f"PRAGMA user_version = {version}")

    # -- subscriptions --------------------------------------------------------------------------

    def subscribe(self, sub: Subscription, now: datetime) -> Subscription:
        """Create or replace the chat's subscription (durably, before this returns); returns it
        with ``since = now``.

        Posts that never reached the chat (``pending`` or ``failed``) are forgotten: they
        belonged to the old settings, and the new ones decide the next post.
        """
        with self._transaction() as db:
            db.execute(
                "INSERT INTO subscriptions"
                " (chat_id, time, tz, genre, language, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
                " time = excluded.time, tz = excluded.tz, genre = excluded.genre,"
                " language = excluded.language, updated_at = excluded.updated_at",
                (sub.chat_id, sub.at.strftime("%H:%M"), sub.zone, sub.genre, sub.language,
                 _iso(now), _iso(now)),
            )
            db.execute(
                "DELETE FROM posts WHERE chat_id = ? AND state IN (?, ?)",
                (sub.chat_id, PostState.PENDING, PostState.FAILED),
            )
        return replace(sub, since=now)

    def unsubscribe(self, chat_id: int) -> bool:
        """End the subscription; its pick history stays. True if there was one."""
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            return deleted.rowcount > 0

    def get(self, chat_id: int) -> Subscription | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM subscriptions WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        return _subscription(row) if row else None

    def all(self) -> list[Subscription]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM subscriptions ORDER BY chat_id").fetchall()
        return [_subscription(row) for row in rows]

    def move_chat(self, old: int, new: int) -> bool:
        """A group became a supergroup with a new id: move its subscription and history there.
        False (and nothing changed) if ``old`` has no subscription."""
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM subscriptions WHERE chat_id = ?", (old,)).fetchone():
                return False
            db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (new,))
            db.execute("UPDATE subscriptions SET chat_id = ? WHERE chat_id = ?", (new, old))
            db.execute("UPDATE OR IGNORE posts SET chat_id = ? WHERE chat_id = ?", (new, old))
            db.execute("UPDATE OR IGNORE chat_settings SET chat_id = ? WHERE chat_id = ?",
                       (new, old))
            return True

    # -- chat settings --------------------------------------------------------------------------

    def language(self, chat_id: int) -> str | None:
        """The language the chat chose (``/lang``), or None: each user's own."""
        with self._lock:
            row = self._db.execute(
                "SELECT language FROM chat_settings WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        return row[0] if row else None

    def set_language(self, chat_id: int, language: str | None, now: datetime) -> None:
        """Store the chat's language (durably); None goes back to each user's own."""
        with self._transaction() as db:
            if language is None:
                db.execute("DELETE FROM chat_settings WHERE chat_id = ?", (chat_id,))
                return
            db.execute(
                "INSERT INTO chat_settings (chat_id, language, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language,"
                " updated_at = excluded.updated_at",
                (chat_id, language, _iso(now)),
            )

    # -- posts ----------------------------------------------------------------------------------

    def history(self, chat_id: int) -> dict[int, date]:
        """Every movie the chat was (or may have been) shown, with the last day it was."""
        with self._lock:
            rows = self._db.execute(
                "SELECT movie_id, MAX(day) FROM posts WHERE chat_id = ? AND state IN (?, ?)"
                " GROUP BY movie_id",
                (chat_id, PostState.SENT, PostState.SENDING),
            ).fetchall()
        return {movie_id: date.fromisoformat(day) for movie_id, day in rows}

    def post(self, chat_id: int, day: date) -> Post | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM posts WHERE chat_id = ? AND day = ?", (chat_id, day.isoformat())
            ).fetchone()
        return _post(row) if row else None

    def recent(self, chat_id: int, since: date) -> list[Post]:
        """The chat's posts of ``since`` and later days, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM posts WHERE chat_id = ? AND day >= ? ORDER BY day",
                (chat_id, since.isoformat()),
            ).fetchall()
        return [_post(row) for row in rows]

    def pending(self, since: date) -> list[Post]:
        """Every chat's ``pending`` posts of ``since`` and later days."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM posts WHERE state = ? AND day >= ? ORDER BY chat_id, day",
                (PostState.PENDING, since.isoformat()),
            ).fetchall()
        return [_post(row) for row in rows]

    def reserve(
        self, chat_id: int, day: date, movie_id: int, *, run_at: datetime, now: datetime
    ) -> Post | None:
        """Choose the day's post before it waits for its turn to go out: returns it ``pending``
        or None if it must not be sent (already sent, in flight, or given up).

        A new post records ``movie_id`` and the time it was due (``run_at``), with no attempt
        yet; a ``pending`` one (an earlier attempt failed before Telegram did anything) keeps
        its movie and time. Nothing is out yet, so a crash now leaves it safe to send.
        """
        with self._transaction() as db:
            return _reserve(db, chat_id, day, movie_id, run_at=run_at, now=now)

    def take(self, chat_id: int, day: date, *, now: datetime) -> Post | None:
        """Mark the day's ``pending`` post ``sending``, right before its request goes out;
        returns it, or None if it must not be sent: no longer pending (another process took
        it), or the chat unsubscribed or changed its settings while the post waited."""
        with self._transaction() as db:
            subscribed = db.execute(
                "SELECT 1 FROM subscriptions WHERE chat_id = ?", (chat_id,)).fetchone()
            return _take(db, chat_id, day, now=now) if subscribed else None

    def claim(
        self, chat_id: int, day: date, movie_id: int, *, run_at: datetime, now: datetime
    ) -> Post | None:
        """:meth:`reserve` and :meth:`take` at once: the post is ``sending`` (returned) or
        None if it must not be sent."""
        with self._transaction() as db:
            if _reserve(db, chat_id, day, movie_id, run_at=run_at, now=now) is None:
                return None
            return _take(db, chat_id, day, now=now)

    def finish(
        self, chat_id: int, day: date, state: PostState, *, now: datetime,
        retry_at: datetime | None = None,
    ) -> None:
        """Record how the day's attempt ended (``retry_at``: when a ``pending`` post is next
        tried)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE posts SET state = ?, updated_at = ?, retry_at = ?"
                " WHERE chat_id = ? AND day = ?",
                (state, _iso(now), _iso(retry_at) if retry_at else None, chat_id,
                 day.isoformat()),
            )


def _reserve(
    db: sqlite3.Connection, chat_id: int, day: date, movie_id: int, *, run_at: datetime,
    now: datetime,
) -> Post | None:
    row = db.execute(
        "SELECT * FROM posts WHERE chat_id = ? AND day = ?", (chat_id, day.isoformat())
    ).fetchone()
    if row is not None:
        post = _post(row)
        return post if post.state is PostState.PENDING else None
    db.execute(
        "INSERT INTO posts (chat_id, day, movie_id, state, attempts, updated_at, run_at)"
        " VALUES (?, ?, ?, ?, 0, ?, ?)",
        (chat_id, day.isoformat(), movie_id, PostState.PENDING, _iso(now), _iso(run_at)),
    )
    return Post(chat_id, day, movie_id, PostState.PENDING, 0, run_at.astimezone(UTC))


def _take(db: sqlite3.Connection, chat_id: int, day: date, *, now: datetime) -> Post | None:
    changed = db.execute(
        "UPDATE posts SET state = ?, attempts = attempts + 1, updated_at = ?, retry_at = NULL"
        " WHERE chat_id = ? AND day = ? AND state = ?",
        (PostState.SENDING, _iso(now), chat_id, day.isoformat(), PostState.PENDING),
    )
    if changed.rowcount == 0:
        return None
    row = db.execute(
        "SELECT * FROM posts WHERE chat_id = ? AND day = ?", (chat_id, day.isoformat())
    ).fetchone()
    return _post(row)


def _run(db: sqlite3.Connection, script: str) -> None:
    """Each statement of ``script`` inside the current transaction (``executescript`` would
    commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _subscription(row: sqlite3.Row) -> Subscription:
    return subscription_of(row["chat_id"], row["time"], row["tz"], row["genre"],
                           _moment(row["updated_at"]), row["language"])


def subscription_of(chat_id: int, at: str, zone: str, genre: str | None,
                    since: datetime | None, language: str | None = None) -> Subscription:
    """A stored row as a subscription whose zone loads (see :data:`FALLBACK_ZONE`)."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        logger.warning("Daily pick: chat %s has zone %r, unknown to this tz database; serving "
                       "it in %s", chat_id, zone, FALLBACK_ZONE)
        zone = FALLBACK_ZONE
    return Subscription(chat_id=chat_id, at=time.fromisoformat(at), zone=zone, genre=genre,
                        since=since, language=language)


def _post(row: sqlite3.Row) -> Post:
    return Post(
        chat_id=row["chat_id"],
        day=date.fromisoformat(row["day"]),
        movie_id=row["movie_id"],
        state=PostState(row["state"]),
        attempts=row["attempts"],
        run_at=_moment(row["run_at"]),
        retry_at=_moment(row["retry_at"]),
    )
