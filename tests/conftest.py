"""Shared fixtures: the catalog (loaded once per session) and a bot driven in-process.

``catalog``: the bundled :class:`Catalog`. ``bot_harness``: a :class:`tests.botapi.BotHarness`
around ``build_application`` with a :class:`tests.botapi.RecordingRequest`, new for each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app.factory import build_application
from bot.config import Settings
from bot.movies.catalog import Catalog
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
    return path
