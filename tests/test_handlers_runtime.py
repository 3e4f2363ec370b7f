"""Running the bot: settings, logging without the token, button data, the console driver."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import pytest

from bot import config, logs
from bot.app.console import Console, ask, plain_text, repl
from bot.chat import buttons
from bot.chat.buttons import Button
from bot.chat.commands import SPECS
from bot.movies.catalog import Catalog
from bot.movies.results import Kind, Ref
from handlers.keyboards import NEXT
from tests.botapi import TOKEN

# -- settings ----------------------------------------------------------------------------------


def test_settings_from_the_environment() -> None:
    settings = config.from_env({
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
        "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        "PORT": "8080",
        "LOG_LEVEL": "debug",
        "STATE_DB": "/var/lib/bot/daily.sqlite3",
    })
    assert settings == config.Settings(TOKEN, "http://127.0.0.1:8081/bot",
                                       "https://bot.example.org/telegram/hook", 8080, "DEBUG",
                                       "/var/lib/bot/daily.sqlite3")
    assert settings.webhook_path == "telegram/hook"
    assert len(settings.webhook_secret) == 64 and TOKEN not in settings.webhook_secret
    assert TOKEN not in repr(settings)


def test_settings_defaults() -> None:
    settings = config.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert (settings.api_url, settings.webhook_url, settings.port, settings.log_level,
            settings.state_db) == (
        "https://api.telegram.org/bot", None, 8443, "INFO", config.DEFAULT_STATE_DB
    )
    assert config.from_env({}, require_token=False).token == ""
    assert (settings.database_url, settings.daily_sync) == (None, config.DEFAULT_DAILY_SYNC)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_database_url_is_read_and_never_shown_with_its_password(scheme: str) -> None:
    url = f"{scheme}://bot:pa55-word-long@db.example.org:5432/movies?sslmode=require"
    settings = config.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url,
                                "STATE_DB": "/var/lib/bot/daily.sqlite3",
                                "DAILY_SYNC_SECONDS": "5"})
    assert (settings.database_url, settings.daily_sync) == (url, 5.0)
    assert settings.database_password == "pa55-word-long"
    assert "pa55-word-long" not in repr(settings)
    assert f"{scheme}://bot:***@db.example.org:5432/movies?sslmode=require" in repr(settings)
    local = config.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": f"{scheme}:///movies"})
    assert local.database_url == f"{scheme}:///movies", "the local server, through its socket"


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "  "}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "123:abc"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN + " extra"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "http"}, "PORT must be"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "70000"}, "PORT must be"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "http://x.org/h"}, "WEBHOOK_URL must"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL must"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "mysql://u:p@h/d"}, "DATABASE_URL must"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "postgres://h:99999/d"}, "not parse"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "DAILY_SYNC_SECONDS": "soon"}, "DAILY_SYNC_SECONDS"),
    ],
)
def test_bad_settings_say_what_is_wrong(env: dict[str, str], error: str) -> None:
    with pytest.raises(config.ConfigError, match=error) as raised:
        config.from_env(env)
    assert TOKEN not in str(raised.value)


# -- logging -----------------------------------------------------------------------------------


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logs.setup("INFO", secrets=[TOKEN, TOKEN.partition(":")[2]], stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_token_never_reaches_the_log(log_stream: io.StringIO) -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getMe"
    logging.getLogger("telegram.ext").info("Set Bot API URL: %s", url)
    logging.getLogger("httpx").warning("HTTP Request: POST %s", url)
    try:
        raise RuntimeError(f"connection to {url} failed")
    except RuntimeError:
        logging.getLogger("bot").exception("Polling failed")
    logging.getLogger("bot").error("secret part alone: %s", TOKEN.partition(":")[2])
    text = log_stream.getvalue()
    assert TOKEN not in text and TOKEN.partition(":")[2] not in text
    assert text.count("[token]") == 4
    assert "RuntimeError" in text


def test_http_clients_log_warnings_only(log_stream: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot.../getMe")
    assert log_stream.getvalue() == ""
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING


# -- button data -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "kind"),
    [(name, kind) for name, spec in SPECS.items() for kind in Kind if spec.accepts(Ref(kind, 0))],
)
def test_button_data_round_trips_under_64_bytes(action: str, kind: Kind) -> None:
    ref = Ref(kind, 999_999_999)
    last = 123 if SPECS[action].paged else 0
    for page, edit in ((0, False), (last, True)):
        data = buttons.encode(action, ref, "5d22c2", page, edit=edit)
        assert len(data.encode()) < 64 and data.isascii()
        assert buttons.decode(data, "5d22c2") == Button(action, ref, page, edit)
        assert buttons.decode(buttons.deep_link_payload(data), "5d22c2") == Button(
            action, ref, page, edit
        )
        assert buttons.decode(data, "abcdef") is None


def test_button_data_format() -> None:
    data = buttons.encode("director", Ref(Kind.DIRECTOR, 123), "5d22c2", 2, edit=True)
    assert data == "5d22c2|dir|d|123|2|e"
    assert buttons.encode("recommend", Ref(Kind.MOVIE, 603), "5d22c2") == "5d22c2|rec|m|603|0"


@pytest.mark.parametrize(
    "data",
    ["", "|||||", "5d22c2|dir|d|123", "5d22c2|xx|d|1|0", "5d22c2|dir|z|1|0", "5d22c2|dir|d|a|0",
     "5d22c2|dir|d|1|0|x", "5d22c2|dir|d|1|-1", "5d22c2|dir|d|1|0|e|e", "é" * 30],
)
def test_malformed_button_data_decodes_to_none(data: str) -> None:
    assert buttons.decode(data, "5d22c2") is None


@pytest.mark.parametrize(
    ("action", "kind"),
    [(name, kind) for name, spec in SPECS.items() for kind in Kind
     if not spec.accepts(Ref(kind, 0))],
)
def test_button_data_whose_kind_does_not_fit_its_action_decodes_to_none(
    action: str, kind: Kind
) -> None:
    """Forged data (``/start 14f156_cty_c_862_0``: a country answer about a collection) is
    refused before any lookup, in both forms."""
    data = "|".join(["5d22c2", buttons.ACTIONS[action], buttons.KINDS[kind], "862", "0"])
    assert buttons.decode(data, "5d22c2") is None
    assert buttons.decode(buttons.deep_link_payload(data), "5d22c2") is None
    with pytest.raises(ValueError):
        buttons.encode(action, Ref(kind, 862), "5d22c2")


@pytest.mark.parametrize("data", ["5d22c2|rt|m|862|1", "5d22c2|dir|d|1|1000", "5d22c2|mv|m|1|3|e"])
def test_a_page_the_answer_cannot_have_decodes_to_none(data: str) -> None:
    assert buttons.decode(data, "5d22c2") is None


def test_encode_refuses_what_it_cannot_carry() -> None:
    with pytest.raises(ValueError):
        buttons.encode("frobnicate", Ref(Kind.MOVIE, 1), "5d22c2")
    with pytest.raises(ValueError):
        buttons.encode("movie", Ref(Kind.MOVIE, -1), "5d22c2")
    with pytest.raises(ValueError):
        buttons.encode("movie", Ref(Kind.MOVIE, 1), "not|hex")


# -- console ---------------------------------------------------------------------------------


def test_plain_text_of_telegram_html() -> None:
    html = '🎬 <b>Tom &amp; Jerry</b>\n<a href="https://x.org/1">TMDB</a> &lt;3'
    assert plain_text(html) == "🎬 Tom & Jerry\nTMDB <https://x.org/1> <3"


def test_ask_answers_one_message_as_plain_text(catalog: Catalog) -> None:
    out = io.StringIO()
    assert ask(catalog, "/runtime Toy Story", out) == 0
    assert out.getvalue() == "🎬 Toy Story: 81 min, 1995.\n"


def test_console_shows_buttons_as_numbered_choices(catalog: Catalog) -> None:
    stdin = io.StringIO("/runtime hamlet\n3\n/director John Ford\n1\n/quit\n")
    out = io.StringIO()
    assert repl(catalog, stdin, out) == 0
    text = out.getvalue()
    assert "Several movies match “hamlet”. Which one?\n\n  [1] Hamlet (1996)\n" in text
    assert "🎬 Hamlet: 155 min, 1948." in text
    assert f"  [1] {NEXT}" in text
    assert "Page 2/2" in text


def test_console_follow_up_question(catalog: Catalog) -> None:
    async def chat() -> list[str]:
        console = Console(catalog)
        await console.start()
        try:
            return [await console.say(line) for line in ("/movie", "Prescription: Murder")]
        finally:
            await console.stop()

    question, card = asyncio.run(chat())
    assert question == "Which movie? For example: Toy Story"
    assert card.startswith("🎬 Prescription: Murder (1968)")
