"""One asynchronous interface over the two stores of the daily picks, and the choice between them.

:class:`DailyStore` is what :class:`bot.app.daily.DailyService` awaits; it never learns which
store it has. :class:`SQLiteStore` (``STATE_DB``, the default) runs the synchronous
:class:`bot.daily.store.Store` in one worker thread of its own, so no SQLite call blocks the event
loop; :class:`bot.daily.postgres.PostgresStore` (``DATABASE_URL``) talks to PostgreSQL through
psycopg's asynchronous pool. Both give the same guarantees (see :mod:`bot.daily.store`): every
write committed durably before the call returns, a post taken (``pending`` → ``sending``) by at
most one caller. Only PostgreSQL may be shared by several processes (:attr:`DailyStore.shared`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from bot.daily.store import Post, PostState, Store, StoreUnavailable, Subscription

T = TypeVar("T")


class DailyStore(Protocol):
    """The daily picks' state, awaited from the event loop (see :class:`bot.daily.store.Store`
    for what each call means)."""

    created: bool
    """The store held no schema when it was opened (a first start, or a wrong database)."""
    shared: bool
    """Several processes may use it at once (each must then re-read the subscriptions)."""
    label: str
    """Which store, for the log: kind and place, never a password."""

    def new_warning(self) -> str:
        """What to tell the operator when the store was :attr:`created`."""
        ...

    async def subscribe(self, sub: Subscription, now: datetime) -> Subscription: ...

    async def unsubscribe(self, chat_id: int) -> bool: ...

    async def get(self, chat_id: int) -> Subscription | None: ...

    async def all(self) -> list[Subscription]: ...

    async def move_chat(self, old: int, new: int) -> bool: ...

    async def language(self, chat_id: int) -> str | None: ...

    async def set_language(self, chat_id: int, language: str | None, now: datetime) -> None: ...

    async def history(self, chat_id: int) -> dict[int, date]: ...

    async def post(self, chat_id: int, day: date) -> Post | None: ...

    async def recent(self, chat_id: int, since: date) -> list[Post]: ...

    async def pending(self, since: date) -> list[Post]: ...

    async def reserve(self, chat_id: int, day: date, movie_id: int, *, run_at: datetime,
                      now: datetime) -> Post | None: ...

    async def take(self, chat_id: int, day: date, *, now: datetime) -> Post | None: ...

    async def claim(self, chat_id: int, day: date, movie_id: int, *, run_at: datetime,
                    now: datetime) -> Post | None: ...

    async def finish(self, chat_id: int, day: date, state: PostState, *, now: datetime,
                     retry_at: datetime | None = None) -> None: ...

    async def close(self) -> None: ...


class SQLiteStore:
    """:class:`bot.daily.store.Store` off the event loop: each call runs in the store's single
    worker thread (one at a time, in the order they were made). ``sync`` is the store itself."""

    shared = False

    def __init__(self, path: Path | str) -> None:
        self.sync = Store(path)
        self.created = self.sync.created
        self.label = "SQLite :memory:" if self.sync.in_memory else f"SQLite {self.sync.path}"
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="daily-sqlite")
        self._closed = False

    def new_warning(self) -> str:
        if self.sync.in_memory:
            return ("STATE_DB is :memory:, subscriptions are lost whenever the bot stops: set "
                    "STATE_DB to a file on a persistent disk (or DATABASE_URL)")
        return (f"STATE_DB {self.sync.path} is new (created, or an empty file), so no "
                "subscription was restored; fine on a first start, otherwise STATE_DB points to "
                "the wrong file or the old one was lost")

    async def _call(self, call: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._worker, call)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"STATE_DB {self.sync.path}: {exc}") from exc

    async def subscribe(self, sub: Subscription, now: datetime) -> Subscription:
        return await self._call(partial(self.sync.subscribe, sub, now))

    async def unsubscribe(self, chat_id: int) -> bool:
        return await self._call(partial(self.sync.unsubscribe, chat_id))

    async def get(self, chat_id: int) -> Subscription | None:
        return await self._call(partial(self.sync.get, chat_id))

    async def all(self) -> list[Subscription]:
        return await self._call(self.sync.all)

    async def move_chat(self, old: int, new: int) -> bool:
        return await self._call(partial(self.sync.move_chat, old, new))

    async def language(self, chat_id: int) -> str | None:
        return await self._call(partial(self.sync.language, chat_id))

    async def set_language(self, chat_id: int, language: str | None, now: datetime) -> None:
        await self._call(partial(self.sync.set_language, chat_id, language, now))

    async def history(self, chat_id: int) -> dict[int, date]:
        return await self._call(partial(self.sync.history, chat_id))

    async def post(self, chat_id: int, day: date) -> Post | None:
        return await self._call(partial(self.sync.post, chat_id, day))

    async def recent(self, chat_id: int, since: date) -> list[Post]:
        return await self._call(partial(self.sync.recent, chat_id, since))

    async def pending(self, since: date) -> list[Post]:
        return await self._call(partial(self.sync.pending, since))

    async def reserve(self, chat_id: int, day: date, movie_id: int, *, run_at: datetime,
                      now: datetime) -> Post | None:
        return await self._call(
            partial(self.sync.reserve, chat_id, day, movie_id, run_at=run_at, now=now))

    async def take(self, chat_id: int, day: date, *, now: datetime) -> Post | None:
        return await self._call(partial(self.sync.take, chat_id, day, now=now))

    async def claim(self, chat_id: int, day: date, movie_id: int, *, run_at: datetime,
                    now: datetime) -> Post | None:
        return await self._call(
            partial(self.sync.claim, chat_id, day, movie_id, run_at=run_at, now=now))

    async def finish(self, chat_id: int, day: date, state: PostState, *, now: datetime,
                     retry_at: datetime | None = None) -> None:
        await self._call(
            partial(self.sync.finish, chat_id, day, state, now=now, retry_at=retry_at))

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._call(self.sync.close)
            self._worker.shutdown(wait=False)


def open_store(state_db: str, database_url: str | None) -> DailyStore:
    """PostgreSQL when ``database_url`` is set, else SQLite at ``state_db``: opened, checked and
    migrated, or :class:`bot.daily.store.StoreError` (one line, no password)."""
    if database_url:
        from bot.daily.postgres import PostgresStore

        return PostgresStore(database_url)
    return SQLiteStore(Path(state_db))
