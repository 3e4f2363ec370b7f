"""``python main.py`` against a faulty Bot API, and a hostile webhook client.

Each test starts the real process against :class:`tests.botapi.BotAPIServer` (127.0.0.1 only)
and injects one kind of fault: a token echoed in lower case, oversized or secret-less webhook
posts, bad URLs, an API that cannot be reached, garbage updates.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from bot import config, logs
from bot.app import updates
from bot.config import Settings
from tests.botapi import (
    TOKEN,
    USER_ID,
    BotAPIServer,
    make_update,
    private_message,
    unused_url,
)
from tests.test_e2e import MAIN, environment, free_port, post, stop

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
    """The error in one line, last; before it nothing (``after_info``: log lines of the start,
    INFO and WARNING, e.g. a new STATE_DB)."""
    *before, last = result.stderr.strip().splitlines()
    assert last.startswith(start), result.stderr
    if after_info:
        assert all(re.match(r"\S+ \S+ (INFO|WARNING) ", line) for line in before), result.stderr
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


# -- item 5: the webhook refuses before it reads ----------------------------------------------


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def raw_post(port: int, length: int, secret: str | None, sent: bytes, wait: float = 5) -> bytes:
    """POST announcing ``length`` bytes, sending only ``sent``; the start of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        head = (f"POST /telegram/updates HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {length}\r\n")
        if secret is not None:
            head += f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
        sock.sendall(head.encode() + b"\r\n" + sent)
        try:
            return sock.recv(200)
        except TimeoutError:
            return b"(no answer)"


def flood(port: int, size: int) -> None:
    """Send a ``size`` byte body without the secret, ignoring the server hanging up."""
    chunk = b"x" * (1 << 20)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"POST /telegram/updates HTTP/1.1\r\nHost: x\r\n"
                         f"Content-Length: {size}\r\n\r\n".encode())
            for _ in range(size // len(chunk)):
                sock.sendall(chunk)
            sock.recv(100)
    except OSError:
        pass


def test_webhook_refuses_before_reading_and_caps_the_body(tmp_path: Path) -> None:
    port = free_port()
    secret = Settings(TOKEN, webhook_url=HOOK).webhook_secret
    with BotAPIServer() as server:
        env = environment(server.base_url, tmp_path) | {"WEBHOOK_URL": HOOK, "PORT": str(port)}
        process = start(env, tmp_path)
        try:
            hook = server.wait_for("setWebhook", timeout=30)
            assert hook.params["secret_token"] == secret
            assert hook.params["allowed_updates"][0] == "message"
            url = f"http://127.0.0.1:{port}/telegram/updates"
            deadline = time.monotonic() + 20
            while post(url, {}, None) != 403:
                assert time.monotonic() < deadline, "the webhook server did not start"
                time.sleep(0.05)
            # 95 MB announced, 64 KB sent: the answer comes before the rest of the body.
            assert raw_post(port, 95_000_000, None, b"x" * 65536).startswith(b"HTTP/1.1 403")
            assert raw_post(port, 95_000_000, "wrong", b"x").startswith(b"HTTP/1.1 403")
            assert raw_post(port, 2_000_000, secret, b"{").startswith(b"HTTP/1.1 413")
            assert raw_post(port, 8, secret, b"not json").startswith(b"HTTP/1.1 400")
            assert raw_post(port, 2, secret, b"[]").startswith(b"HTTP/1.1 400")

            before = rss_kb(process.pid)
            floods = [threading.Thread(target=flood, args=(port, 40 << 20)) for _ in range(4)]
            for thread in floods:
                thread.start()
            for thread in floods:
                thread.join(30)
            assert rss_kb(process.pid) - before < 30_000  # KB; reading the bodies took 160 MB+

            assert post(url, private_message("/runtime Toy Story"), secret) == 200
            assert server.wait_for("sendMessage").text == TOY_STORY
            assert process.poll() is None
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert "Traceback" not in log, log
    assert_no_token(log)


# -- item 6: bad URLs and an unreachable API: one line, no traceback --------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [("TELEGRAM_API_URL", "http://[::1/bot"), ("WEBHOOK_URL", "https://[oops/hook")],
    ids=["api", "hook"],
)
def test_an_unparseable_url_exits_2_with_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    env = environment(unused_url(), tmp_path) | {variable: value}
    result = run(env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert_one_line_error(result, f"error: {variable} must be")


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("TELEGRAM_API_URL", "http://127.0.0.1:99999/bot", "Port out of range"),
        ("TELEGRAM_API_URL", f"http://127.0.0.1:{SECRET}/bot", "Port could not be cast"),
        ("TELEGRAM_API_URL", "http:///bot", "no host"),
        ("TELEGRAM_API_URL", "ftp://127.0.0.1/bot", "http(s) URL such as"),
        ("WEBHOOK_URL", "https:///hook", "no host"),
        ("WEBHOOK_URL", "http://bot.example.org/hook", "https:// URL"),
    ],
)
def test_urls_are_checked_with_the_settings(variable: str, value: str, reason: str) -> None:
    with pytest.raises(config.ConfigError) as raised:
        config.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, variable: value})
    assert str(raised.value).startswith(f"{variable} must be")
    assert reason in str(raised.value)
    assert SECRET not in str(raised.value)


def test_an_unreachable_api_exits_1_with_one_line(tmp_path: Path) -> None:
    result = run(environment(unused_url(), tmp_path), tmp_path)
    assert result.returncode == 1, result.stderr
    assert_one_line_error(result, "error: cannot reach the Bot API at http://127.0.0.1:",
                          after_info=True)


def test_an_html_get_me_exits_1_with_one_line(tmp_path: Path) -> None:
    with BotAPIServer() as server:
        server.garbage("getMe", times=0)
        result = run(environment(server.base_url, tmp_path), tmp_path)
    assert result.returncode == 1, result.stderr
    assert_one_line_error(result, "error: cannot reach the Bot API at http://127.0.0.1:",
                          after_info=True)
    assert "invalid server response" in result.stderr.lower()


def test_a_refused_set_webhook_exits_1_with_one_line(tmp_path: Path) -> None:
    with BotAPIServer() as server:
        server.api.fail("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host",
                        times=0)
        env = environment(server.base_url, tmp_path) | {"WEBHOOK_URL": HOOK,
                                                         "PORT": str(free_port())}
        result = run(env, tmp_path)
    assert result.returncode == 1, result.stderr
    assert_one_line_error(result, "error: the Bot API refused setWebhook: ", after_info=True)
    assert "bad webhook" in result.stderr.lower()


# -- item 9: a garbage update is skipped, polling goes on -------------------------------------


def test_garbage_updates_are_skipped_and_polling_goes_on(tmp_path: Path) -> None:
    with BotAPIServer(poll_cap=0.5) as server:
        process = start(environment(server.base_url, tmp_path), tmp_path)
        try:
            server.push(private_message("/runtime Toy Story"))
            server.wait_for("sendMessage", timeout=30)
            server.push_raw({"update_id": "abc"})  # alone in its batch: the last one
            server.drained()
            server.push_raw(make_update(message="oops"))  # an id, but no message in it
            server.push(private_message("/runtime Up"))
            server.wait_for("sendMessage", lambda c: "Up" in (c.text or ""), timeout=10)
            assert process.poll() is None
            assert all(c.chat_id == USER_ID for c in server.api.of("sendMessage"))
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert "Traceback" not in log, log
    skipped = [line for line in log.splitlines() if "WARNING bot.app.updates: Skipped" in line]
    assert len(skipped) == 2, log


def test_screen_keeps_good_updates_and_the_id_of_unreadable_ones() -> None:
    good = private_message("/start")
    batch = [good, 42, None, {"update_id": True}, {"update_id": 7, "callback_query": []}]
    assert updates.screen_all(batch) == [good, {"update_id": 7}]


def test_polling_outlives_the_api_going_away_for_a_while(tmp_path: Path) -> None:
    with BotAPIServer(poll_cap=0.5) as server:
        process = start(environment(server.base_url, tmp_path), tmp_path)
        try:
            server.wait_for("getUpdates", timeout=30)
            server.refuse()  # the long poll in flight is cut, the retries are refused
            time.sleep(1.0)
            server.accept()
            server.push(private_message("/runtime Toy Story"))
            assert server.wait_for("sendMessage", timeout=15).text == TOY_STORY
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert "WARNING bot.app.runner: getUpdates failed, retrying" in log, log
    assert_no_token(log)
    assert "Traceback" not in log, log
