"""Shared fixtures: the catalog (loaded once per session) and a bot driven in-process.

``catalog``: the bundled :class:`Catalog`. ``bot_harness``: a :class:`tests.botapi.BotHarness`
around ``build_application`` with a :class:`tests.botapi.RecordingRequest`, new for each test.
``pg_server``: a throwaway PostgreSQL server for the session (:mod:`tests.pg`; tests that need
it are skipped, saying why, when none can be started); ``pg_url``: a new database on it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app.factory import build_application
from bot.config import Settings
from bot.movies.catalog import Catalog
from tests import pg
from tests.botapi import TOKEN, BotHarness, RecordingRequest


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture
def bot_harness(catalog: Catalog) -> Iterator[BotHarness]:
    request = RecordingRequest()
    settings = Settings(token=TOKEN, state_db=":memory:")
    application = build_application(settings, catalog, request=request)
    harness = BotHarness(application, request)
    yield harness
    harness.close()


@pytest.fixture(autouse=True)
def state_db(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test, and every bot it starts as a subprocess, keeps daily picks in a temp file,
    never in the project's ``state/``."""
    path = str(tmp_path / "daily.sqlite3")
    monkeypatch.setenv("STATE_DB", path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.Server]:
    try:
        server = pg.start()
    except pg.Unavailable as exc:
        pytest.skip(f"no PostgreSQL server could be started: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: pg.Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty database; ``DATABASE_URL`` is left unset (a test sets it where it means
    to)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return pg_server.new_database()
