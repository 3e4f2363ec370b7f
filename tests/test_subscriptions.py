"""The SQLite store: subscriptions, the per-day post record, durability settings, migration."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest

from bot.subscriptions import (
    _SCHEMA_V1,
    SCHEMA_VERSION,
    PostState,
    Store,
    StoreError,
    Subscription,
)

DAY = date(2026, 3, 2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "state" / "daily.sqlite3")
    yield s
    s.close()


def test_subscribe_replace_get_and_unsubscribe(store: Store) -> None:
    store.subscribe(Subscription(-100, time(9), "Europe/Madrid"))
    store.subscribe(Subscription(5, time(21, 30), "UTC", "Comedy"))
    store.subscribe(Subscription(-100, time(8, 15), "Asia/Tokyo", "Drama"))
    assert store.get(-100) == Subscription(-100, time(8, 15), "Asia/Tokyo", "Drama")
    assert [s.chat_id for s in store.all()] == [-100, 5]
    assert store.unsubscribe(-100) is True
    assert store.unsubscribe(-100) is False
    assert store.get(-100) is None


def test_written_durably_and_visible_to_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = Store(path)
    store.subscribe(Subscription(1, time(9), "UTC"))
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    other = sqlite3.connect(path)
    assert other.execute("SELECT chat_id, time, tz FROM subscriptions").fetchall() == [
        (1, "09:00", "UTC")
    ]
    other.close()
    store.close()


def test_post_claim_finish_cycle(store: Store) -> None:
    claimed = store.claim(1, DAY, 862)
    assert claimed is not None and claimed.state is PostState.SENDING and claimed.attempts == 1
    assert store.claim(1, DAY, 999) is None, "a post in flight is not claimed twice"
    store.finish(1, DAY, PostState.PENDING)
    again = store.claim(1, DAY, 999)
    assert again is not None and again.movie_id == 862 and again.attempts == 2
    store.finish(1, DAY, PostState.SENT)
    assert store.claim(1, DAY, 999) is None
    assert store.post(1, DAY).state is PostState.SENT
    assert store.claim(1, date(2026, 3, 3), 13) is not None


def test_history_counts_sent_and_maybe_sent_posts(store: Store) -> None:
    for day, movie, state in [
        (date(2026, 1, 1), 10, PostState.SENT),
        (date(2026, 1, 2), 11, PostState.FAILED),
        (date(2026, 1, 3), 12, None),  # left "sending": may have reached the chat
        (date(2026, 1, 4), 13, PostState.PENDING),
        (date(2026, 2, 1), 10, PostState.SENT),
    ]:
        store.claim(7, day, movie)
        if state is not None:
            store.finish(7, day, state)
    assert store.history(7) == {10: date(2026, 2, 1), 12: date(2026, 1, 3)}
    assert store.history(8) == {}


def test_history_survives_unsubscribing(store: Store) -> None:
    store.subscribe(Subscription(3, time(9), "UTC"))
    store.claim(3, DAY, 42)
    store.finish(3, DAY, PostState.SENT)
    store.unsubscribe(3)
    assert store.history(3) == {42: DAY}


def test_move_chat(store: Store) -> None:
    store.subscribe(Subscription(-5, time(9), "UTC", "War"))
    store.claim(-5, DAY, 42)
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
    store.subscribe(Subscription(42, time(7), "UTC", "Comedy"))
    assert store.claim(42, DAY, 1) is not None
    store.close()
    reopened = Store(path)
    assert reopened.get(42) == Subscription(42, time(7), "UTC", "Comedy")
    reopened.close()


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    db.close()
