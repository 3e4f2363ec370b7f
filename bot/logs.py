"""Logging, set up once at start: one stream handler, quiet HTTP clients, no secrets.

httpx logs every request URL at INFO, and the Bot API URL holds the bot token; so httpx and
httpcore are raised to WARNING, and a filter on the handler rewrites the token wherever it
appears (messages, arguments, tracebacks) as ``[token]``: in any case (python-telegram-bot
lower-cases the text of ``Bad Request: ...`` errors, URL and all) and URL-encoded (``%3A``).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from urllib.parse import quote

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[token]"


def secret_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for every secret, plain or URL-encoded; longest first."""
    forms = {form for s in secrets if s for form in (s, quote(s, safe=""))}
    if not forms:
        return None
    alternatives = sorted(forms, key=len, reverse=True)
    return re.compile("|".join(re.escape(form) for form in alternatives), re.IGNORECASE)


class RedactFilter(logging.Filter):
    """Replaces each secret in a record's text, including its formatted traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self._pattern = secret_pattern(self.secrets)
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class StartFilter(logging.Filter):
    """Until :func:`started`, leaves out python-telegram-bot's records that carry a traceback.

    A failed start (API unreachable, not JSON, webhook refused) is reported by ``main.py`` in
    one line; PTB logs the same error first, with up to 200 lines of traceback.
    """

    def __init__(self) -> None:
        super().__init__()
        self.starting = False

    def filter(self, record: logging.LogRecord) -> bool:
        return not (self.starting and record.exc_info and record.name.startswith("telegram"))


_start_filter = StartFilter()
_redact = RedactFilter(())


def started() -> None:
    """The bot is taking updates: PTB's tracebacks are logged again."""
    _start_filter.starting = False


def redact(text: str) -> str:
    """``text`` without the secrets given to :func:`setup` (for errors printed, not logged)."""
    return _redact.redact(text)


class DropFilter(logging.Filter):
    """Drops records of exceptions the program reports itself (a rejected token: one line)."""

    def __init__(self, kinds: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (self.kinds and isinstance(error, self.kinds))


def setup(
    level: str = "INFO",
    secrets: Iterable[str] = (),
    stream: object = None,
    reported: tuple[type[BaseException], ...] = (),
    quiet_start: bool = False,
) -> None:
    """Configure the root logger (replacing earlier handlers) for the whole process.

    ``secrets`` are redacted everywhere; records of ``reported`` exceptions are not logged;
    ``quiet_start``: PTB's tracebacks are left out until :func:`started`.
    """
    global _redact
    _redact = RedactFilter(secrets)
    _start_filter.starting = quiet_start
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(DropFilter(reported))
    handler.addFilter(_start_filter)
    handler.addFilter(_redact)
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(max(logging.getLevelName(level), logging.WARNING))
