"""The daily-pick state in PostgreSQL (``DATABASE_URL``), for hosts whose disk does not last.

The same tables, states and guarantees as the SQLite store (:mod:`bot.daily.store`): each write
is one transaction, committed before the call returns; a post goes ``pending`` → ``sending`` →
``sent``, and a ``sending`` one is never sent again. Several processes may share the database:
a post is reserved with ``INSERT … ON CONFLICT DO NOTHING`` and taken with ``UPDATE … WHERE
state = 'pending'``, which one process only can win, so two replicas never post a day's pick
twice.

Opening checks the server, the credentials and the database, and creates or migrates the
schema, synchronously (before the bot starts: any problem is one :class:`StoreError` line, the
password masked). Serving goes through psycopg's asynchronous pool, opened on first use in the
event loop; a call that fails for a lost connection is tried again with a short backoff, then
raises :class:`StoreUnavailable`. The schema version is the one row of ``daily_schema``;
migration holds an advisory lock, so replicas starting together migrate once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.daily.store import (
    SCHEMA_VERSION,
    Post,
    PostState,
    StoreError,
    StoreUnavailable,
    Subscription,
    subscription_of,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

CONNECT_TIMEOUT = 10
"""Seconds to reach the server (libpq's ``connect_timeout``) unless the URL sets it."""

POOL_TIMEOUT = 5.0
"""Seconds a call waits for a connection before it counts as failed: a /daily answer waits no
longer than this (and its retries) for a database that went away."""

RETRY_DELAYS = (0.2, 1.0)
"""Seconds before each new try of a call that lost its connection."""

MIGRATION_LOCK = 0x6D6F7669
"""``pg_advisory_xact_lock`` key held while the schema is checked and migrated."""

_V1 = """
CREATE TABLE subscriptions (
    chat_id BIGINT PRIMARY KEY,
    time TEXT NOT NULL,
    tz TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
)
"""

_V2 = (
    "ALTER TABLE subscriptions ADD COLUMN genre TEXT",
    "ALTER TABLE subscriptions ADD COLUMN updated_at TIMESTAMPTZ",
    "UPDATE subscriptions SET updated_at = created_at",
    """CREATE TABLE posts (
        chat_id BIGINT NOT NULL,
        day DATE NOT NULL,
        movie_id INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (chat_id, day)
    )""",
    "CREATE INDEX posts_by_movie ON posts (chat_id, movie_id, day)",
)

_V3 = (
    "ALTER TABLE posts ADD COLUMN run_at TIMESTAMPTZ",
    "ALTER TABLE posts ADD COLUMN retry_at TIMESTAMPTZ",
    "UPDATE posts SET run_at = updated_at",
)

_V4 = (
    "ALTER TABLE subscriptions ADD COLUMN language TEXT",
    """CREATE TABLE chat_settings (
        chat_id BIGINT PRIMARY KEY,
        language TEXT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
    )""",
)
"""The steps mirror the SQLite store's, version for version."""


def conninfo(url: str) -> tuple[str, str]:
    """libpq's connection string for ``url`` (``postgres://`` or ``postgresql://``, its
    ``sslmode`` and other parameters kept) and the URL without its password, for messages."""
    if not url.startswith(("postgres://", "postgresql://")):
        raise StoreError("DATABASE_URL must start with postgres:// or postgresql://")
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"DATABASE_URL is malformed: {one_line(str(exc), url)}") from None
    params.setdefault("connect_timeout", CONNECT_TIMEOUT)
    return make_conninfo("", **params), masked(params)


def masked(params: dict[str, Any]) -> str:
    """``postgresql://user@host:port/db``: where the store is, never its password."""
    user = f"{params['user']}@" if params.get("user") else ""
    host = params.get("host") or ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{host}{port}/{params.get('dbname') or ''}"


def one_line(message: str, url: str) -> str:
    """psycopg's message on one line, with the URL's password (and any URL's) masked."""
    text = _URL_PASSWORD.sub(r"\1***@", " ".join(message.split()))
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    return text.replace(password, "***") if password else text


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


class PostgresStore:
    """The subscriptions database on a PostgreSQL server (see the module's docstring)."""

    shared = True

    def __init__(self, url: str, *, pool_timeout: float = POOL_TIMEOUT) -> None:
        self._url = url
        self._pool_timeout = pool_timeout
        self._conninfo, self.where = conninfo(url)
        self.label = f"PostgreSQL {self.where}"
        self.created = False
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as conn:
                self._migrate(conn)
        except psycopg.Error as exc:
            raise StoreError(
                f"DATABASE_URL {self.where} cannot be used: {one_line(str(exc), url)}"
            ) from None
        self._pool: AsyncConnectionPool | None = None
        self._opening = asyncio.Lock()

    def new_warning(self) -> str:
        return (f"DATABASE_URL {self.where} had no daily-pick tables (created now), so no "
                "subscription was restored; fine on a first start, otherwise DATABASE_URL "
                "points to the wrong database")

    # -- schema ---------------------------------------------------------------------------------

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        """Bring the schema to :data:`SCHEMA_VERSION` in one transaction (see the SQLite
        store's ``_migrate``); a newer one is refused untouched."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS daily_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM daily_schema").fetchone()
            version: int = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"DATABASE_URL {self.where} has schema version {version}, newer than this "
                    f"code's {SCHEMA_VERSION}: run a newer version of the bot or use another "
                    "database"
                )
            if version == 0:
                if conn.execute("SELECT to_regclass('subscriptions')").fetchone() == (None,):
                    conn.execute(_V1)
                    self.created = True
                version = 1
            if version == 1:
                for statement in _V2:
                    conn.execute(statement)
                version = 2
            if version == 2:
                for statement in _V3:
                    conn.execute(statement)
                version = 3
            if version == 3:
                for statement in _V4:
                    conn.execute(statement)
                version = 4
            conn.execute("DELETE FROM daily_schema")
            conn.execute("INSERT INTO daily_schema (version) VALUES (%s)", (version,))

    # -- connections ----------------------------------------------------------------------------

    async def _open_pool(self) -> AsyncConnectionPool:
        async with self._opening:
            if self._pool is None:
                pool = AsyncConnectionPool(
                    self._conninfo, min_size=1, max_size=4, open=False, timeout=self._pool_timeout,
                    kwargs={"autocommit": True}, check=AsyncConnectionPool.check_connection,
                    name="daily",
                )
                await pool.open()
                self._pool = pool
            return self._pool

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[psycopg.AsyncCursor[DictRow]]:
        pool = self._pool or await self._open_pool()
        async with pool.connection() as conn, conn.transaction():
            yield conn.cursor(row_factory=dict_row)

    async def _run(self, work: Callable[[psycopg.AsyncCursor[DictRow]], Awaitable[T]]) -> T:
        """``work`` in one transaction; tried again after :data:`RETRY_DELAYS` when the
        connection fails, then :class:`StoreUnavailable` (at once when the pool had no
        connection to give within its timeout: the server is down, and the pool keeps trying to
        reconnect on its own). Every call is safe to repeat: a ``take`` whose commit was lost
        with the connection finds the post taken and sends nothing (a missing post, never a
        double one)."""
        for delay in (*RETRY_DELAYS, None):
            try:
                async with self._transaction() as cur:
                    return await work(cur)
            except (psycopg.OperationalError, PoolTimeout) as exc:
                if delay is None or isinstance(exc, PoolTimeout):
                    raise StoreUnavailable(
                        f"DATABASE_URL {self.where}: {one_line(str(exc), self._url)}"
                    ) from exc
                logger.warning("Daily pick: the database failed (%s); trying again in %.1f s",
                               one_line(str(exc), self._url), delay)
                await asyncio.sleep(delay)
            except psycopg.Error as exc:
                raise StoreUnavailable(
                    f"DATABASE_URL {self.where}: {one_line(str(exc), self._url)}") from exc
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    # -- subscriptions --------------------------------------------------------------------------

    async def subscribe(self, sub: Subscription, now: datetime) -> Subscription:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> None:
            await cur.execute(
                "INSERT INTO subscriptions"
                " (chat_id, time, tz, genre, language, created_at, updated_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET"
                " time = excluded.time, tz = excluded.tz, genre = excluded.genre,"
                " language = excluded.language, updated_at = excluded.updated_at",
                (sub.chat_id, sub.at.strftime("%H:%M"), sub.zone, sub.genre, sub.language, now,
                 now),
            )
            await cur.execute(
                "DELETE FROM posts WHERE chat_id = %s AND state IN (%s, %s)",
                (sub.chat_id, PostState.PENDING, PostState.FAILED),
            )

        await self._run(work)
        return replace(sub, since=now)

    async def unsubscribe(self, chat_id: int) -> bool:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> bool:
            await cur.execute("DELETE FROM subscriptions WHERE chat_id = %s", (chat_id,))
            return cur.rowcount > 0

        return await self._run(work)

    async def get(self, chat_id: int) -> Subscription | None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> Subscription | None:
            await cur.execute("SELECT * FROM subscriptions WHERE chat_id = %s", (chat_id,))
            row = await cur.fetchone()
            return _subscription(row) if row else None

        return await self._run(work)

    async def all(self) -> list[Subscription]:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> list[Subscription]:
            await cur.execute("SELECT * FROM subscriptions ORDER BY chat_id")
            return [_subscription(row) for row in await cur.fetchall()]

        return await self._run(work)

    async def move_chat(self, old: int, new: int) -> bool:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> bool:
            await cur.execute("SELECT 1 FROM subscriptions WHERE chat_id = %s FOR UPDATE",
                              (old,))
            if await cur.fetchone() is None:
                return False
            await cur.execute("DELETE FROM subscriptions WHERE chat_id = %s", (new,))
            await cur.execute("UPDATE subscriptions SET chat_id = %s WHERE chat_id = %s",
                              (new, old))
            await cur.execute(
                "UPDATE posts SET chat_id = %s WHERE chat_id = %s AND day NOT IN"
                " (SELECT day FROM posts WHERE chat_id = %s)", (new, old, new))
            await cur.execute(
                "UPDATE chat_settings SET chat_id = %s WHERE chat_id = %s AND NOT EXISTS"
                " (SELECT 1 FROM chat_settings WHERE chat_id = %s)", (new, old, new))
            return True

        return await self._run(work)

    async def language(self, chat_id: int) -> str | None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> str | None:
            await cur.execute("SELECT language FROM chat_settings WHERE chat_id = %s",
                              (chat_id,))
            row = await cur.fetchone()
            return str(row["language"]) if row else None

        return await self._run(work)

    async def set_language(self, chat_id: int, language: str | None, now: datetime) -> None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> None:
            if language is None:
                await cur.execute("DELETE FROM chat_settings WHERE chat_id = %s", (chat_id,))
                return
            await cur.execute(
                "INSERT INTO chat_settings (chat_id, language, updated_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language,"
                " updated_at = excluded.updated_at",
                (chat_id, language, now),
            )

        await self._run(work)

    # -- posts ----------------------------------------------------------------------------------

    async def history(self, chat_id: int) -> dict[int, date]:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> dict[int, date]:
            await cur.execute(
                "SELECT movie_id, MAX(day) AS day FROM posts WHERE chat_id = %s"
                " AND state IN (%s, %s) GROUP BY movie_id",
                (chat_id, PostState.SENT, PostState.SENDING),
            )
            return {row["movie_id"]: row["day"] for row in await cur.fetchall()}

        return await self._run(work)

    async def post(self, chat_id: int, day: date) -> Post | None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> Post | None:
            return await _select_post(cur, chat_id, day)

        return await self._run(work)

    async def recent(self, chat_id: int, since: date) -> list[Post]:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> list[Post]:
            await cur.execute(
                "SELECT * FROM posts WHERE chat_id = %s AND day >= %s ORDER BY day",
                (chat_id, since),
            )
            return [_post(row) for row in await cur.fetchall()]

        return await self._run(work)

    async def pending(self, since: date) -> list[Post]:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> list[Post]:
            await cur.execute(
                "SELECT * FROM posts WHERE state = %s AND day >= %s ORDER BY chat_id, day",
                (PostState.PENDING, since),
            )
            return [_post(row) for row in await cur.fetchall()]

        return await self._run(work)

    async def reserve(self, chat_id: int, day: date, movie_id: int, *, run_at: datetime,
                      now: datetime) -> Post | None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> Post | None:
            return await _reserve(cur, chat_id, day, movie_id, run_at=run_at, now=now)

        return await self._run(work)

    async def take(self, chat_id: int, day: date, *, now: datetime) -> Post | None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> Post | None:
            await cur.execute("SELECT 1 FROM subscriptions WHERE chat_id = %s", (chat_id,))
            return await _take(cur, chat_id, day, now=now) if await cur.fetchone() else None

        return await self._run(work)

    async def claim(self, chat_id: int, day: date, movie_id: int, *, run_at: datetime,
                    now: datetime) -> Post | None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> Post | None:
            if await _reserve(cur, chat_id, day, movie_id, run_at=run_at, now=now) is None:
                return None
            return await _take(cur, chat_id, day, now=now)

        return await self._run(work)

    async def finish(self, chat_id: int, day: date, state: PostState, *, now: datetime,
                     retry_at: datetime | None = None) -> None:
        async def work(cur: psycopg.AsyncCursor[DictRow]) -> None:
            await cur.execute(
                "UPDATE posts SET state = %s, updated_at = %s, retry_at = %s"
                " WHERE chat_id = %s AND day = %s",
                (state, now, retry_at, chat_id, day),
            )

        await self._run(work)


async def _select_post(cur: psycopg.AsyncCursor[DictRow], chat_id: int, day: date) -> Post | None:
    await cur.execute("SELECT * FROM posts WHERE chat_id = %s AND day = %s", (chat_id, day))
    row = await cur.fetchone()
    return _post(row) if row else None


async def _reserve(
    cur: psycopg.AsyncCursor[DictRow], chat_id: int, day: date, movie_id: int, *,
    run_at: datetime, now: datetime,
) -> Post | None:
    """The day's post ``pending`` (inserted, or found pending), or None. A row another process
    inserts at the same moment wins the conflict, and is then read as it stands."""
    await cur.execute(
        "INSERT INTO posts (chat_id, day, movie_id, state, attempts, updated_at, run_at)"
        " VALUES (%s, %s, %s, %s, 0, %s, %s) ON CONFLICT (chat_id, day) DO NOTHING",
        (chat_id, day, movie_id, PostState.PENDING, now, run_at),
    )
    post = await _select_post(cur, chat_id, day)
    return post if post is not None and post.state is PostState.PENDING else None


async def _take(cur: psycopg.AsyncCursor[DictRow], chat_id: int, day: date, *,
                now: datetime) -> Post | None:
    """``pending`` → ``sending`` in one statement: of processes taking the same post at once,
    one gets the row back, the others (waiting on its row lock, then finding it no longer
    pending) get nothing."""
    await cur.execute(
        "UPDATE posts SET state = %s, attempts = attempts + 1, updated_at = %s, retry_at = NULL"
        " WHERE chat_id = %s AND day = %s AND state = %s RETURNING *",
        (PostState.SENDING, now, chat_id, day, PostState.PENDING),
    )
    row = await cur.fetchone()
    return _post(row) if row else None


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _subscription(row: DictRow) -> Subscription:
    return subscription_of(row["chat_id"], row["time"], row["tz"], row["genre"],
                           _utc(row["updated_at"]), row["language"])


def _post(row: DictRow) -> Post:
    return Post(
        chat_id=row["chat_id"],
        day=row["day"],
        movie_id=row["movie_id"],
        state=PostState(row["state"]),
        attempts=row["attempts"],
        run_at=_utc(row["run_at"]),
        retry_at=_utc(row["retry_at"]),
    )
