"""``python main.py`` against a faulty Bot API, and a hostile webhook client.

Each test starts the real process against :class:`tests.botapi.BotAPIServer` (127.0.0.1 only)
and injects one kind of fault: a token echoed in lower case, oversized or secret-less webhook
posts, bad URLs, an API that cannot be reached, garbage updates.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from bot import logs
from bot.app import updates
from tests.botapi import (
    TOKEN,
    USER_ID,
    BotAPIServer,
    make_update,
    private_message,
    unused_url,
)
from tests.test_e2e import MAIN, environment, stop

SECRET = TOKEN.partition(":")[2]
HOOK = "https://bot.example.org/telegram/updates"
TOY_STORY = "🎬 <b>Toy Story</b>: 81 min, 1995."


def start(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(MAIN)], cwd=cwd, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def run(env: dict[str, str], cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def assert_no_token(log: str) -> None:
    """Neither the token nor its secret half, in any case, plain or URL-encoded."""
    for form in (TOKEN, quote(TOKEN, safe=""), SECRET):
        assert form.lower() not in log.lower(), log


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], start: str, *, after_info: bool = False
) -> None:
    """The error in one line, last; before it nothing (``after_info``: INFO lines only)."""
    *before, last = result.stderr.strip().splitlines()
    assert last.startswith(start), result.stderr
    if after_info:
        assert all(" INFO " in line for line in before), result.stderr
    else:
        assert before == [], result.stderr
    assert "Traceback" not in result.stderr
    assert_no_token(result.stderr)


# -- the fault-injecting stand-in itself ------------------------------------------------------


def call(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_stand_in_hangs_garbles_serves_raw_updates_and_refuses() -> None:
    with BotAPIServer(poll_cap=0) as server:
        url = f"{server.base_url}{TOKEN}"
        server.hang("getMe", 0.3)
        began = time.monotonic()
        assert call(f"{url}/getMe")[0] == 200
        assert time.monotonic() - began >= 0.3
        server.garbage("getMe", status=502)
        assert call(f"{url}/getMe") == (502, b"<html>oops")
        assert call(f"{url}/getMe")[0] == 200
        server.push_raw({"update_id": "abc"})
        assert call(f"{url}/getUpdates")[1] == b'{"ok": true, "result": [{"update_id": "abc"}]}'
        assert call(f"{url}/getUpdates")[1] == b'{"ok": true, "result": []}'  # served once
        server.refuse()
        with pytest.raises(urllib.error.URLError):
            call(f"{url}/getMe")
        server.accept()
        assert call(f"{url}/getMe")[0] == 200
        assert server.api.methods().count("getMe") == 4
    with pytest.raises(urllib.error.URLError):
        call(f"{unused_url()}{TOKEN}/getMe")


# -- item 4: the token, however it is spelled, stays out of the log ---------------------------


def test_token_echoed_in_lower_case_or_url_encoded_is_redacted(tmp_path: Path) -> None:
    with BotAPIServer() as server:
        # PTB capitalizes "Bad Request: ..." descriptions: the rest of the text ends in lower case.
        echo = f"Bad Request: wrong url /bot{TOKEN}/sendMessage, /bot{quote(TOKEN)}/sendMessage"
        server.api.fail("sendMessage", 400, echo)
        server.push(private_message("/runtime Toy Story"))
        process = start(environment(server.base_url, tmp_path), tmp_path)
        try:
            server.wait_for("sendMessage", lambda c: c.text != TOY_STORY, timeout=30)  # apology
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert "Error while handling update" in log and "[token]" in log, log
    assert_no_token(log)


def test_redaction_ignores_case_and_url_encoding() -> None:
    redact = logs.RedactFilter([TOKEN, SECRET]).redact
    text = f"/bot{TOKEN.upper()}/x /bot{quote(TOKEN).lower()}/y {SECRET.swapcase()}"
    assert redact(text) == "/bot[token]/x /bot[token]/y [token]"


# -- item 6: bad URLs and an unreachable API: one line, no traceback --------------------------


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TELEGRAM_API_URL", "http://[::1/bot", "error: TELEGRAM_API_URL"),
        ("TELEGRAM_API_URL", "http://127.0.0.1:99999/bot", "error: TELEGRAM_API_URL"),
        ("TELEGRAM_API_URL", "http:///bot", "error: TELEGRAM_API_URL"),
        ("WEBHOOK_URL", "https://[oops/hook", "error: WEBHOOK_URL"),
        ("WEBHOOK_URL", "https:///hook", "error: WEBHOOK_URL"),
    ],
    ids=["api-ipv6", "api-port", "api-no-host", "hook-ipv6", "hook-no-host"],
)
def test_a_bad_url_exits_2_with_one_line(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    env = environment(unused_url(), tmp_path) | {variable: value}
    result = run(env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert_one_line_error(result, message)


# -- item 9: a garbage update is skipped, polling goes on -------------------------------------


def test_garbage_updates_are_skipped_and_polling_goes_on(tmp_path: Path) -> None:
    with BotAPIServer(poll_cap=0.5) as server:
        process = start(environment(server.base_url, tmp_path), tmp_path)
        try:
            server.push(private_message("/runtime Toy Story"))
            server.wait_for("sendMessage", timeout=30)
            server.push_raw({"update_id": "abc"})  # alone in its batch: the last one
            time.sleep(1.5)
            server.push_raw(make_update(message="oops"))  # an id, but no message in it
            server.push(private_message("/runtime Up"))
            server.wait_for("sendMessage", lambda c: "Up" in (c.text or ""), timeout=10)
            assert process.poll() is None
            assert all(c.chat_id == USER_ID for c in server.api.of("sendMessage"))
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert "Traceback" not in log, log
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert len(warnings) == 2, log


def test_screen_keeps_good_updates_and_the_id_of_unreadable_ones() -> None:
    good = private_message("/start")
    batch = [good, 42, None, {"update_id": True}, {"update_id": 7, "callback_query": []}]
    assert updates.screen_all(batch) == [good, {"update_id": 7}]
