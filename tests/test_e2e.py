"""``python main.py`` as a subprocess against a Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.chat import buttons
from bot.config import Settings
from bot.movies.catalog import Catalog
from bot.movies.results import Kind, Ref
from tests.botapi import (
    GROUP_ID,
    TOKEN,
    USER_ID,
    BotAPIServer,
    bot_message,
    callback_query,
    group_message,
    private_message,
)

MAIN = Path(__file__).resolve().parent.parent / "main.py"


def environment(api_url: str, state: Path, token: str = TOKEN) -> dict[str, str]:
    """The bot's environment: the stand-in's URL, and daily picks' state in ``state``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))}
    env.update(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_URL=api_url, WEBHOOK_URL="", PORT="",
               LOG_LEVEL="INFO", PYTHONUNBUFFERED="1", STATE_DB=str(state / "daily.sqlite3"))
    return env


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.terminate()
    try:
        _out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
    return process.returncode, err


def test_bot_process_answers_private_group_and_button(catalog: Catalog, tmp_path: Path) -> None:
    with BotAPIServer() as server:
        private = private_message("/runtime Toy Story")
        group = group_message("/runtime@MovieCatalogBot Toy Story")
        server.push(private)
        server.push(group_message("/runtime@SomeOtherBot Up"))
        server.push(group)
        process = subprocess.Popen(
            [sys.executable, str(MAIN)], cwd=tmp_path, env=environment(server.base_url, tmp_path),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            server.wait_for("getMe", timeout=60)
            commands = server.wait_for("setMyCommands", timeout=30)
            assert [c["command"] for c in commands.params["commands"]][:3] == [
                "start", "movie", "runtime"
            ]
            answer = server.wait_for("sendMessage", lambda c: c.chat_id == USER_ID)
            assert answer.params["text"] == "🎬 <b>Toy Story</b>: 81 min, 1995."
            assert answer.params["parse_mode"] == "HTML"
            in_group = server.wait_for("sendMessage", lambda c: c.chat_id == GROUP_ID)
            assert in_group.params["text"] == "🎬 <b>Toy Story</b>: 81 min, 1995."
            assert in_group.reply_to == group["message"]["message_id"]

            data = buttons.encode("runtime", Ref(Kind.MOVIE, 23383), catalog.version, edit=True)
            server.push(callback_query(data, message=bot_message("Which one?", message_id=64)))
            edited = server.wait_for("editMessageText")
            assert edited.params["message_id"] == 64
            assert edited.params["text"] == "🎬 <b>Hamlet</b>: 155 min, 1948."
            server.wait_for("answerCallbackQuery")
            assert len(server.api.of("sendMessage")) == 2  # the other bot's command: ignored
            # Edits are not asked for: no handler answers them.
            polls = server.api.of("getUpdates")
            assert polls[-1].params["allowed_updates"] == [
                "message", "channel_post", "callback_query", "inline_query", "my_chat_member"
            ]
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert "Serving @MovieCatalogBot" in log
    assert TOKEN not in log and TOKEN.partition(":")[2] not in log
    assert "Traceback" not in log


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "error: TELEGRAM_BOT_TOKEN is not set"),
        ("not-a-token", "error: TELEGRAM_BOT_TOKEN is malformed"),
        ("987654321:AAWrongTokenWrongTokenWrongToken123", "error: Telegram rejected"),
    ],
    ids=["missing", "malformed", "rejected"],
)
def test_a_bad_token_exits_with_2_and_one_clear_line(
    tmp_path: Path, token: str, message: str
) -> None:
    with BotAPIServer() as server:
        result = subprocess.run(
            [sys.executable, str(MAIN)], cwd=tmp_path,
            env=environment(server.base_url, tmp_path, token),
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(message), result.stderr
    assert "Traceback" not in result.stderr
    if token:
        assert token not in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError:
        return 0  # not listening yet


def test_webhook_mode(tmp_path: Path) -> None:
    port = free_port()
    public = "https://bot.example.org/telegram/updates"
    settings = Settings(TOKEN, webhook_url=public)
    with BotAPIServer() as server:
        env = environment(server.base_url, tmp_path) | {"WEBHOOK_URL": public, "PORT": str(port)}
        process = subprocess.Popen(
            [sys.executable, str(MAIN)], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            hook = server.wait_for("setWebhook", timeout=60)
            assert hook.params["url"] == public
            assert hook.params["secret_token"] == settings.webhook_secret
            url = f"http://127.0.0.1:{port}/telegram/updates"
            deadline = time.monotonic() + 20
            while post(url, private_message("/runtime Toy Story"), "wrong") != 403:
                assert time.monotonic() < deadline, "the webhook server did not start"
                time.sleep(0.1)
            assert server.api.of("sendMessage") == []
            assert post(url, private_message("/runtime Toy Story"),
                        settings.webhook_secret) == 200
            answer = server.wait_for("sendMessage")
            assert answer.params["text"] == "🎬 <b>Toy Story</b>: 81 min, 1995."
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert TOKEN not in log
