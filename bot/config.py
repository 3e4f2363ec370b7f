"""Settings from the environment (and a ``.env`` file when present).

``TELEGRAM_BOT_TOKEN`` (needed to connect), ``TELEGRAM_API_URL`` (a self-hosted Bot API server,
python-telegram-bot's ``base_url`` form: ``http://127.0.0.1:8081/bot``), ``WEBHOOK_URL`` and
``PORT`` (webhook mode instead of long polling), ``LOG_LEVEL``, ``STATE_DB`` (the daily picks'
SQLite file; default ``state/daily.sqlite3``), ``DATABASE_URL`` (PostgreSQL for the daily picks
instead: ``postgres://user:password@host:5432/db?sslmode=require``; wins over ``STATE_DB``),
``DAILY_SYNC_SECONDS`` (how often a process re-reads a shared database; default 30).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from dotenv import load_dotenv

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_PORT = 8443
DEFAULT_DAILY_SYNC = 30.0
DEFAULT_STATE_DB = str(Path(__file__).resolve().parent.parent / "state" / "daily.sqlite3")
TOKEN_PATTERN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,60}")
"""BotFather's form: the bot's numeric id, a colon, then letters, digits, ``_`` or ``-``: 35 of
them today, 30 to 60 accepted so that a change of length at Telegram does not lock the bot out."""


class ConfigError(Exception):
    """The environment cannot run the bot; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How to run: which bot, through which server, polling or webhook."""

    token: str = ""
    api_url: str = DEFAULT_API_URL
    webhook_url: str | None = None
    port: int = DEFAULT_PORT
    log_level: str = "INFO"
    state_db: str = DEFAULT_STATE_DB
    """The daily picks' SQLite file (``:memory:`` for tests and the console)."""
    database_url: str | None = None
    """PostgreSQL for the daily picks; when set, ``state_db`` is not used."""
    daily_sync: float = DEFAULT_DAILY_SYNC
    """Seconds between two reads of the subscriptions a shared database holds."""

    @property
    def database_password(self) -> str:
        """The password in ``database_url`` (kept out of the log), or ''."""
        return urlsplit(self.database_url or "").password or ""

    @property
    def webhook_path(self) -> str:
        """The path Telegram posts updates to, taken from ``WEBHOOK_URL``."""
        return urlsplit(self.webhook_url or "").path.strip("/")

    @property
    def webhook_secret(self) -> str:
        """Telegram echoes this in a header of each webhook call; derived from the token."""
        return hashlib.sha256(b"webhook:" + self.token.encode()).hexdigest()

    def __repr__(self) -> str:
        return (f"Settings(token={'***' if self.token else ''!r}, api_url={self.api_url!r}, "
                f"webhook_url={self.webhook_url!r}, port={self.port}, "
                f"log_level={self.log_level!r}, state_db={self.state_db!r}, "
                f"database_url={masked_url(self.database_url)!r}, "
                f"daily_sync={self.daily_sync})")


def from_env(env: Mapping[str, str], *, require_token: bool = True) -> Settings:
    """Read and check the settings; :class:`ConfigError` says what is wrong (never the token)."""
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if require_token:
        if not token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in the "
                "environment or in .env (or try the bot offline: python main.py --console)"
            )
        if not TOKEN_PATTERN.fullmatch(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is malformed: expected BotFather's form 123456789:AAE..."
            )
    api_url = env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
    check_url("TELEGRAM_API_URL", api_url, ("http", "https"),
              "must be an http(s) URL such as http://127.0.0.1:8081/bot")
    webhook_url = env.get("WEBHOOK_URL", "").strip() or None
    if webhook_url:
        check_url("WEBHOOK_URL", webhook_url, ("https",),
                  "must be an https:// URL (Telegram only calls https)")
    port_text = env.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"PORT must be a TCP port number, not {port_text[:20]!r}")
    level = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level[:20]!r}")
    state_db = env.get("STATE_DB", "").strip() or DEFAULT_STATE_DB
    database_url = env.get("DATABASE_URL", "").strip() or None
    if database_url:
        check_url("DATABASE_URL", database_url, ("postgres", "postgresql"),
                  "must be a postgres:// or postgresql:// URL such as "
                  "postgres://user:password@host:5432/dbname", need_host=False)
    sync_text = env.get("DAILY_SYNC_SECONDS", "").strip() or str(DEFAULT_DAILY_SYNC)
    try:
        daily_sync = float(sync_text)
    except ValueError:
        daily_sync = 0.0
    if not 0.1 <= daily_sync <= 3600:
        raise ConfigError(f"DAILY_SYNC_SECONDS must be a number of seconds from 0.1 to 3600, "
                          f"not {sync_text[:20]!r}")
    return Settings(token, api_url, webhook_url, int(port_text), level, state_db, database_url,
                    daily_sync)


def masked_url(url: str | None) -> str | None:
    """``url`` with its password (if any) as ``***``."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
    except ValueError:
        return "[unparsable URL]"
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return SplitResult(parts.scheme, f"{user}:***@{netloc[2]}", parts.path, parts.query,
                       parts.fragment).geturl()


def check_url(name: str, url: str, schemes: tuple[str, ...], rule: str, *,
              need_host: bool = True) -> None:
    """:class:`ConfigError` unless ``url`` parses, with one of ``schemes``, a host (unless
    not ``need_host``: ``postgresql:///db`` is the local server) and a valid port; the message
    leaves the URL out (a token or password pasted into it must not reach the log)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- parsed lazily: raises ValueError when out of range
    except ValueError as exc:
        reason = str(exc).split(" as ")[0]  # not the text that failed: it may hold a token
        raise ConfigError(f"{name} {rule}: it does not parse ({reason})") from None
    if parts.scheme not in schemes:
        raise ConfigError(f"{name} {rule}")
    if need_host and not parts.hostname:
        raise ConfigError(f"{name} {rule}: it has no host")


def load(*, require_token: bool = True, dotenv: Path | None = Path(".env")) -> Settings:
    """Settings from ``os.environ``, after reading ``dotenv`` (variables already set win)."""
    if dotenv is not None and dotenv.is_file():
        load_dotenv(dotenv, override=False)
    return from_env(os.environ, require_token=require_token)
