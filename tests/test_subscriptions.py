"""The stores: subscriptions, the per-day post record, durability settings, migration.

The behaviour tests run against both stores, through the asynchronous interface the service
uses (:class:`Sync` calls it from these synchronous tests); each store's own concerns
(files and PRAGMAs; URLs, servers and credentials) are tested after.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.daily.postgres import PostgresStore
from bot.daily.store import (
    _SCHEMA_V1,
    SCHEMA_VERSION,
    Post,
    PostState,
    Store,
    StoreError,
    StoreUnavailable,
    Subscription,
)
from bot.daily.stores import DailyStore, SQLiteStore, open_store

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class Sync:
    """A :class:`DailyStore` called from synchronous tests, on an event loop of its own;
    ``execute`` runs raw SQL on the store's database (``?`` placeholders)."""

    def __init__(self, store: DailyStore,
                 execute: Callable[..., list[Any]] | None = None) -> None:
        self.async_store = store
        self.execute = execute or (lambda sql, *params: [])
        self.loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.async_store, name)
        return lambda *args, **kwargs: self.loop.run_until_complete(method(*args, **kwargs))

    def close(self) -> None:
        self.loop.run_until_complete(self.async_store.close())
        self.loop.close()


def pg_execute(url: str) -> Callable[..., list[Any]]:
    def execute(sql: str, *params: Any) -> list[Any]:
        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []

    return execute


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sync]:
    if request.param == "sqlite":
        sqlite_store = SQLiteStore(tmp_path / "state" / "daily.sqlite3")
        s = Sync(sqlite_store,
                 lambda sql, *params: sqlite_store.sync._db.execute(sql, params).fetchall())
    else:
        url = request.getfixturevalue("pg_url")
        s = Sync(open_store("", url), pg_execute(url))
    yield s
    s.close()


def test_subscribe_replace_get_and_unsubscribe(store: Sync) -> None:
    store.subscribe(Subscription(-100, time(9), "Europe/Madrid"), NOW)
    store.subscribe(Subscription(5, time(21, 30), "UTC", "Comedy"), NOW)
    later = NOW + timedelta(hours=2)
    stored = store.subscribe(Subscription(-100, time(8, 15), "Asia/Tokyo", "Drama"), later)
    assert store.get(-100) == Subscription(-100, time(8, 15), "Asia/Tokyo", "Drama") == stored
    assert store.get(-100).since == stored.since == later, "since: when the settings changed"
    assert store.get(5).since == NOW
    assert [s.chat_id for s in store.all()] == [-100, 5]
    assert store.unsubscribe(-100) is True
    assert store.unsubscribe(-100) is False
    assert store.get(-100) is None


@pytest.mark.parametrize("kind", ["new", "empty-file", "memory", "existing"])
def test_a_store_with_no_schema_yet_is_created(tmp_path: Path, kind: str) -> None:
    path: Path | str = tmp_path / "daily.sqlite3"
    if kind == "empty-file":
        Path(path).write_bytes(b"")
    elif kind == "memory":
        path = ":memory:"
    elif kind == "existing":
        Store(path).close()
    store = Store(path)
    assert store.created is (kind != "existing")
    store.close()


def test_written_durably_and_visible_to_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    store.subscribe(Subscription(1, time(9), "UTC"), NOW)
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    other = sqlite3.connect(path)
    assert other.execute("SELECT chat_id, time, tz FROM subscriptions").fetchall() == [
        (1, "09:00", "UTC")
    ]
    other.close()
    store.close()


def claim(store: Store | Sync, chat_id: int, day: date, movie_id: int) -> Post | None:
    run = datetime.combine(day, time(8), tzinfo=UTC)
    return store.claim(chat_id, day, movie_id, run_at=run, now=run)


def test_post_claim_finish_cycle(store: Sync) -> None:
    claimed = claim(store, 1, DAY, 862)
    assert claimed == Post(1, DAY, 862, PostState.SENDING, 1, NOW)
    assert claim(store, 1, DAY, 999) is None, "a post in flight is not claimed twice"
    retry = NOW + timedelta(seconds=30)
    store.finish(1, DAY, PostState.PENDING, now=NOW, retry_at=retry)
    assert store.post(1, DAY) == Post(1, DAY, 862, PostState.PENDING, 1, NOW, retry)
    again = store.claim(1, DAY, 999, run_at=retry, now=retry)
    assert again == Post(1, DAY, 862, PostState.SENDING, 2, NOW), "keeps its movie and time"
    store.finish(1, DAY, PostState.SENT, now=retry)
    assert claim(store, 1, DAY, 999) is None
    assert store.post(1, DAY) == Post(1, DAY, 862, PostState.SENT, 2, NOW)
    assert claim(store, 1, date(2026, 3, 3), 13) is not None
    assert [p.day for p in store.recent(1, DAY)] == [DAY, date(2026, 3, 3)]
    assert [p.day for p in store.recent(1, date(2026, 3, 3))] == [date(2026, 3, 3)]


def test_new_settings_forget_posts_that_never_reached_the_chat(store: Sync) -> None:
    store.subscribe(Subscription(1, time(9), "UTC"), NOW)
    for day, state in [(date(2026, 3, 1), PostState.SENT), (date(2026, 3, 2), PostState.FAILED),
                       (date(2026, 3, 3), PostState.PENDING), (date(2026, 3, 4), None)]:
        claim(store, 1, day, day.day)
        if state is not None:
            store.finish(1, day, state, now=NOW)
    store.subscribe(Subscription(1, time(21), "UTC"), NOW)
    assert [(p.day.day, p.state) for p in store.recent(1, date(2026, 3, 1))] == [
        (1, PostState.SENT), (4, PostState.SENDING)]


def test_history_counts_sent_and_maybe_sent_posts(store: Sync) -> None:
    for day, movie, state in [
        (date(2026, 1, 1), 10, PostState.SENT),
        (date(2026, 1, 2), 11, PostState.FAILED),
        (date(2026, 1, 3), 12, None),  # left "sending": may have reached the chat
        (date(2026, 1, 4), 13, PostState.PENDING),
        (date(2026, 2, 1), 10, PostState.SENT),
    ]:
        claim(store, 7, day, movie)
        if state is not None:
            store.finish(7, day, state, now=NOW)
    assert store.history(7) == {10: date(2026, 2, 1), 12: date(2026, 1, 3)}
    assert store.history(8) == {}


def test_pending_lists_every_chats_pending_posts(store: Sync) -> None:
    claim(store, 1, DAY, 10)
    store.finish(1, DAY, PostState.PENDING, now=NOW, retry_at=NOW)
    run = datetime.combine(DAY, time(8), tzinfo=UTC)
    store.reserve(2, DAY, 20, run_at=run, now=run)
    claim(store, 3, DAY, 30)
    store.reserve(4, date(2026, 2, 1), 40, run_at=run, now=run)
    assert [(p.chat_id, p.movie_id) for p in store.pending(DAY)] == [(1, 10), (2, 20)]


def test_history_survives_unsubscribing(store: Sync) -> None:
    store.subscribe(Subscription(3, time(9), "UTC"), NOW)
    claim(store, 3, DAY, 42)
    store.finish(3, DAY, PostState.SENT, now=NOW)
    store.unsubscribe(3)
    assert store.history(3) == {42: DAY}


def test_move_chat(store: Sync) -> None:
    store.subscribe(Subscription(-5, time(9), "UTC", "War"), NOW)
    claim(store, -5, DAY, 42)
    assert store.move_chat(-5, -1005) is True
    assert store.get(-5) is None
    assert store.get(-1005) == Subscription(-1005, time(9), "UTC", "War")
    assert store.history(-1005) == {42: DAY}
    assert store.move_chat(-5, -1005) is False
    assert store.get(-1005) is not None


def make_v1(path: Path, user_version: int) -> None:
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA_V1)
    db.executemany(
        "INSERT INTO subscriptions VALUES (?, ?, ?, ?)",
        [(-100, "09:00", "Europe/Madrid", "2025-01-01T00:00:00+00:00"),
         (42, "21:30:00", "UTC", "2025-02-01T00:00:00+00:00")],
    )
    db.execute(f"PRAGMA user_version = {user_version}")
    db.commit()
    db.close()


@pytest.mark.parametrize("user_version", [1, 0], ids=["v1", "v1-unversioned"])
def test_v1_database_is_migrated_with_its_rows(tmp_path: Path, user_version: int) -> None:
    path = tmp_path / "old.sqlite3"
    make_v1(path, user_version)
    store = Store(path)
    assert store.version == SCHEMA_VERSION
    assert store.all() == [
        Subscription(-100, time(9), "Europe/Madrid"),
        Subscription(42, time(21, 30), "UTC"),
    ]
    assert store.get(-100).since == datetime(2025, 1, 1, tzinfo=UTC)
    store.subscribe(Subscription(42, time(7), "UTC", "Comedy"), NOW)
    assert claim(store, 42, DAY, 1) is not None
    store.close()
    reopened = Store(path)
    assert reopened.get(42) == Subscription(42, time(7), "UTC", "Comedy")
    reopened.close()


_SCHEMA_V2 = """
CREATE TABLE subscriptions (
    chat_id INTEGER PRIMARY KEY, time TEXT NOT NULL, tz TEXT NOT NULL, created_at TEXT NOT NULL,
    genre TEXT, updated_at TEXT
);
CREATE TABLE posts (
    chat_id INTEGER NOT NULL, day TEXT NOT NULL, movie_id INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, day)
) WITHOUT ROWID;
CREATE INDEX posts_by_movie ON posts (chat_id, movie_id, day);
INSERT INTO subscriptions VALUES
    (7, '09:00', 'Europe/Madrid', '2026-01-01T00:00:00+00:00', 'War', '2026-02-01T10:00:00+00:00');
INSERT INTO posts VALUES
    (7, '2026-03-01', 862, 'sent', 1, '2026-03-01T08:00:03+00:00'),
    (7, '2026-03-02', 13, 'pending', 1, '2026-03-02T08:00:01+00:00');
PRAGMA user_version = 2;
"""
"""A database as the previous release (schema 2) left it."""


def test_v2_database_is_migrated_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA_V2)
    db.close()
    store = Store(path)
    assert store.version == SCHEMA_VERSION == 4
    sub = store.get(7)
    assert sub == Subscription(7, time(9), "Europe/Madrid", "War")
    assert sub.since == datetime(2026, 2, 1, 10, tzinfo=UTC)
    sent, pending = store.recent(7, date(2026, 3, 1))
    assert sent == Post(7, date(2026, 3, 1), 862, PostState.SENT, 1,
                        datetime(2026, 3, 1, 8, 0, 3, tzinfo=UTC), None)
    assert (pending.state, pending.retry_at) == (PostState.PENDING, None), "retried at once"
    store.finish(7, date(2026, 3, 2), PostState.PENDING, now=NOW, retry_at=NOW)
    assert store.post(7, date(2026, 3, 2)).retry_at == NOW
    store.close()


def test_a_zone_tzdata_no_longer_has_is_served_in_utc(
    store: Sync, caplog: pytest.LogCaptureFixture
) -> None:
    store.subscribe(Subscription(5, time(9), "Europe/Madrid"), NOW)
    store.execute("UPDATE subscriptions SET tz = 'Mars/Olympus' WHERE chat_id = 5")
    with caplog.at_level(logging.WARNING, logger="bot.daily.store"):
        assert store.get(5) == Subscription(5, time(9), "UTC")
        assert [s.zone for s in store.all()] == ["UTC"]
    assert "chat 5 has zone 'Mars/Olympus'" in caplog.text
    assert store.execute("SELECT tz FROM subscriptions")[0][0] == "Mars/Olympus", (
        "the row is kept for a tz database that has the zone again")


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    newer = f"^STATE_DB {re.escape(str(path))} has schema version 5, newer"
    with pytest.raises(StoreError, match=newer):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    db.close()


def test_an_unusable_file_is_one_clear_error(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"this is no database" * 100)
    not_a_database = f"^STATE_DB {re.escape(str(corrupt))} cannot be used: file is not a"
    with pytest.raises(StoreError, match=not_a_database):
        Store(corrupt)
    blocked = tmp_path / "a-file" / "daily.sqlite3"
    blocked.parent.write_text("")
    with pytest.raises(StoreError, match=f"^STATE_DB {re.escape(str(blocked))} cannot be opened: "):
        Store(blocked)


# -- PostgreSQL: the database behind DATABASE_URL --------------------------------------------------


def test_postgres_creates_the_schema_once_and_commits_before_returning(pg_url: str) -> None:
    first = Sync(open_store("", pg_url), pg_execute(pg_url))
    assert first.async_store.created is True
    first.subscribe(Subscription(1, time(9), "UTC"), NOW)
    assert pg_execute(pg_url)("SELECT chat_id, time, tz FROM subscriptions") == [
        (1, "09:00", "UTC")], "visible to another connection as soon as the call returns"
    first.close()
    again = Sync(open_store("", pg_url), pg_execute(pg_url))
    assert again.async_store.created is False
    assert again.get(1) == Subscription(1, time(9), "UTC")
    assert pg_execute(pg_url)("SELECT version FROM daily_schema") == [(SCHEMA_VERSION,)]
    again.close()


_PG_SCHEMA_V2 = [
    """CREATE TABLE subscriptions (chat_id BIGINT PRIMARY KEY, time TEXT NOT NULL,
       tz TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, genre TEXT, updated_at TIMESTAMPTZ)""",
    """CREATE TABLE posts (chat_id BIGINT NOT NULL, day DATE NOT NULL, movie_id INTEGER NOT NULL,
       state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
       updated_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (chat_id, day))""",
    "CREATE TABLE daily_schema (version INTEGER NOT NULL)",
    "INSERT INTO daily_schema VALUES (2)",
    """INSERT INTO subscriptions VALUES (7, '09:00', 'Europe/Madrid', '2026-01-01T00:00:00Z',
       'War', '2026-02-01T10:00:00Z')""",
    """INSERT INTO posts VALUES (7, '2026-03-01', 862, 'sent', 1, '2026-03-01T08:00:03Z'),
       (7, '2026-03-02', 13, 'pending', 1, '2026-03-02T08:00:01Z')""",
]


def test_postgres_older_schema_is_migrated_with_its_rows(pg_url: str) -> None:
    execute = pg_execute(pg_url)
    for statement in _PG_SCHEMA_V2:
        execute(statement)
    store = Sync(open_store("", pg_url), execute)
    assert execute("SELECT version FROM daily_schema") == [(SCHEMA_VERSION,)]
    sub = store.get(7)
    assert sub == Subscription(7, time(9), "Europe/Madrid", "War")
    assert sub.since == datetime(2026, 2, 1, 10, tzinfo=UTC)
    sent, pending = store.recent(7, date(2026, 3, 1))
    assert sent == Post(7, date(2026, 3, 1), 862, PostState.SENT, 1,
                        datetime(2026, 3, 1, 8, 0, 3, tzinfo=UTC), None)
    assert (pending.state, pending.retry_at) == (PostState.PENDING, None)
    store.close()


def test_postgres_newer_schema_is_refused_untouched(pg_url: str) -> None:
    execute = pg_execute(pg_url)
    execute("CREATE TABLE daily_schema (version INTEGER NOT NULL)")
    execute("INSERT INTO daily_schema VALUES (%s)" % (SCHEMA_VERSION + 1))
    where = re.escape(pg_url.replace(":s3cret-test-password", ""))
    with pytest.raises(StoreError, match=f"^DATABASE_URL {where} has schema version 5, newer"):
        open_store("", pg_url)
    assert execute("SELECT version FROM daily_schema") == [(SCHEMA_VERSION + 1,)]
    assert execute("SELECT to_regclass('subscriptions')") == [(None,)]


@pytest.mark.parametrize("problem", ["malformed", "unreachable", "password", "database",
                                     "sslmode"])
def test_postgres_that_cannot_be_used_is_one_line_without_the_password(
    pg_server: Any, problem: str
) -> None:
    from tests.pg import free_port

    url = {
        "malformed": pg_server.url("x").replace("@", "@@").replace("/x", "?nonsense=1"),
        "unreachable": pg_server.url("x").replace(str(pg_server.port), str(free_port())),
        "password": pg_server.url("postgres", password="wrong-password-123"),
        "database": pg_server.url("no_such_db"),
        "sslmode": pg_server.url("postgres", scheme="postgres") + "?sslmode=require",
    }[problem]
    expected = {
        "malformed": "DATABASE_URL is malformed: ",
        "unreachable": "Connection refused",
        "password": 'password authentication failed for user "postgres"',
        "database": 'database "no_such_db" does not exist',
        "sslmode": "server does not support SSL",
    }[problem]
    with pytest.raises(StoreError) as raised:
        open_store("", url)
    message = str(raised.value)
    assert expected in message
    assert message.startswith("DATABASE_URL ") and "\n" not in message
    assert "s3cret" not in message and "wrong-password" not in message


def test_postgres_postgres_scheme_is_accepted(pg_server: Any, pg_url: str) -> None:
    store = Sync(open_store("", pg_url.replace("postgresql://", "postgres://")),
                 pg_execute(pg_url))
    assert store.all() == []
    store.close()


def test_postgres_a_lost_connection_is_tried_again(pg_url: str) -> None:
    store = Sync(open_store("", pg_url), pg_execute(pg_url))
    store.subscribe(Subscription(1, time(9), "UTC"), NOW)
    store.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                  " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    assert store.get(1) == Subscription(1, time(9), "UTC")
    store.close()


def test_postgres_two_processes_taking_the_same_posts_send_each_once(pg_url: str) -> None:
    """Two stores (two replicas) reserve and take the same 40 posts at the same moment: each
    post is taken by exactly one of them."""
    first, second = open_store("", pg_url), open_store("", pg_url)
    days = [DAY + timedelta(days=n) for n in range(40)]

    async def replica(store: DailyStore, movie_id: int) -> list[date]:
        await store.subscribe(Subscription(1, time(9), "UTC"), NOW)
        taken = []
        for day in days:
            run = datetime.combine(day, time(9), tzinfo=UTC)
            await store.reserve(1, day, movie_id, run_at=run, now=run)
            if await store.take(1, day, now=run) is not None:
                taken.append(day)
        return taken

    async def race() -> tuple[list[date], list[date]]:
        try:
            a, b = await asyncio.gather(replica(first, 10), replica(second, 20))
            return a, b
        finally:
            await first.close()
            await second.close()

    a, b = asyncio.run(race())
    assert sorted(a + b) == days


def test_postgres_down_while_serving_fails_fast_then_recovers(pg_server: Any) -> None:
    """The server stops under a running store: a call fails with StoreUnavailable within the
    pool's timeout (the bot answers "could not save"), and once the server is back the same
    store works again, without a restart."""
    from time import monotonic

    url = pg_server.new_database()
    store = Sync(PostgresStore(url, pool_timeout=1.0))
    store.subscribe(Subscription(1, time(9), "UTC"), NOW)
    pg_server.pg_ctl("-m", "immediate", "stop")
    try:
        started = monotonic()
        with pytest.raises(StoreUnavailable, match=r"^DATABASE_URL postgresql://postgres@"):
            store.subscribe(Subscription(1, time(10), "UTC"), NOW)
        assert monotonic() - started < 5
    finally:
        pg_server.pg_ctl("start")
    for _ in range(50):
        try:
            assert store.get(1) == Subscription(1, time(9), "UTC"), "the failed write left nothing"
            break
        except StoreUnavailable:
            continue
    else:
        pytest.fail("the store did not reconnect")
    store.close()


def test_a_chats_language_and_its_subscriptions_language(store: Sync) -> None:
    """Both stores keep a chat's /lang choice apart from its subscription, and the language a
    subscription was made in; a migrated chat takes both along."""
    assert store.language(5) is None
    store.set_language(5, "es", NOW)
    store.set_language(6, "en", NOW)
    assert (store.language(5), store.language(6)) == ("es", "en")
    store.set_language(5, "en", NOW)
    assert store.language(5) == "en"
    store.set_language(6, None, NOW)
    assert store.language(6) is None
    store.subscribe(Subscription(5, time(9), "Europe/Madrid", language="es"), NOW)
    assert store.get(5).language == "es"
    assert store.move_chat(5, -1005)
    assert store.language(-1005) == "en" and store.language(5) is None
    assert store.get(-1005).language == "es"
