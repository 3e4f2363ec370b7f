"""The SQLite store: subscriptions, the per-day post record, durability settings, migration."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.daily.store import (
    _SCHEMA_V1,
    SCHEMA_VERSION,
    Post,
    PostState,
    Store,
    StoreError,
    Subscription,
)

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "state" / "daily.sqlite3")
    yield s
    s.close()


def test_subscribe_replace_get_and_unsubscribe(store: Store) -> None:
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


def claim(store: Store, chat_id: int, day: date, movie_id: int) -> Post | None:
    run = datetime.combine(day, time(8), tzinfo=UTC)
    return store.claim(chat_id, day, movie_id, run_at=run, now=run)


def test_post_claim_finish_cycle(store: Store) -> None:
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


def test_new_settings_forget_posts_that_never_reached_the_chat(store: Store) -> None:
    store.subscribe(Subscription(1, time(9), "UTC"), NOW)
    for day, state in [(date(2026, 3, 1), PostState.SENT), (date(2026, 3, 2), PostState.FAILED),
                       (date(2026, 3, 3), PostState.PENDING), (date(2026, 3, 4), None)]:
        claim(store, 1, day, day.day)
        if state is not None:
            store.finish(1, day, state, now=NOW)
    store.subscribe(Subscription(1, time(21), "UTC"), NOW)
    assert [(p.day.day, p.state) for p in store.recent(1, date(2026, 3, 1))] == [
        (1, PostState.SENT), (4, PostState.SENDING)]


def test_history_counts_sent_and_maybe_sent_posts(store: Store) -> None:
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


def test_history_survives_unsubscribing(store: Store) -> None:
    store.subscribe(Subscription(3, time(9), "UTC"), NOW)
    claim(store, 3, DAY, 42)
    store.finish(3, DAY, PostState.SENT, now=NOW)
    store.unsubscribe(3)
    assert store.history(3) == {42: DAY}


def test_move_chat(store: Store) -> None:
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
    assert store.version == SCHEMA_VERSION == 3
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
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.subscribe(Subscription(5, time(9), "Europe/Madrid"), NOW)
    store._db.execute("UPDATE subscriptions SET tz = 'Mars/Olympus' WHERE chat_id = 5")
    with caplog.at_level(logging.WARNING, logger="bot.daily.store"):
        assert store.get(5) == Subscription(5, time(9), "UTC")
        assert [s.zone for s in store.all()] == ["UTC"]
    assert "chat 5 has zone 'Mars/Olympus'" in caplog.text
    assert store._db.execute("SELECT tz FROM subscriptions").fetchone()[0] == "Mars/Olympus", (
        "the row is kept for a tz database that has the zone again")


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    newer = f"^STATE_DB {re.escape(str(path))} has schema version 4, newer"
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
