"""The real bot process: an acknowledged /daily survives SIGKILL, the next start uses it, and a
STATE_DB that cannot be used stops the start with one clear line."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from bot.app.offline import LocalBotAPI
from bot.daily.store import Store, Subscription
from tests.botapi import TOKEN, USER_ID, BotAPIServer, Call, private_message

ROOT = Path(__file__).resolve().parent.parent

MAIN = ROOT / "main.py"


def environment(db: Path, api_url: str = "http://127.0.0.1:9/bot") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api_url, LOG_LEVEL="INFO",
               PYTHONUNBUFFERED="1", STATE_DB=str(db))
    env.pop("PORT", None)
    return env


def start(server: BotAPIServer, db: Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(MAIN)], cwd=cwd,
                            env=environment(db, server.base_url), text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_subscription_survives_sigkill_and_is_restored(tmp_path: Path) -> None:
    db = tmp_path / "state" / "daily.sqlite3"
    committed: list[Any] = []
    checked = threading.Event()
    api = LocalBotAPI(record=False)

    def acknowledge(call: Call) -> dict[str, Any]:
        """The bot's acknowledgement, as it arrives: is the row already on disk? Read by a
        second connection before the answer goes back."""
        if "Daily pick on" in (call.text or ""):
            other = sqlite3.connect(db)
            try:
                committed.append(other.execute(
                    "SELECT chat_id, time, tz FROM subscriptions").fetchall())
            finally:
                other.close()
            checked.set()
        return api.message(call)

    with BotAPIServer() as server:
        server.api.results["sendMessage"] = acknowledge
        server.push(private_message("/daily 09:00 Europe/Madrid"))
        process = start(server, db, tmp_path)
        try:
            assert checked.wait(timeout=60), server.api.methods()
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            process.kill()
            process.communicate()
        assert process.returncode == -signal.SIGKILL
    assert committed == [[(USER_ID, "09:00", "Europe/Madrid")]]

    store = Store(db)
    assert store.get(USER_ID) == Subscription(USER_ID, time(9), "Europe/Madrid")
    store.close()

    with BotAPIServer() as server:
        server.push(private_message("/daily"))
        process = start(server, db, tmp_path)
        try:
            status = server.wait_for("sendMessage", timeout=60)
            assert status.text.startswith(
                "📅 Daily pick every day at <b>09:00</b> Europe/Madrid.\nNext post: ")
        finally:
            process.terminate()
            _out, log = process.communicate(timeout=20)
    assert "Daily pick: restored 1 subscription(s)" in log, log
    assert "Traceback" not in log, log


@pytest.mark.parametrize("problem", ["corrupt", "under-a-file"])
def test_an_unusable_state_db_exits_with_2_and_one_clear_line(
    tmp_path: Path, problem: str
) -> None:
    db = tmp_path / "daily.sqlite3"
    if problem == "corrupt":
        db.write_bytes(b"\x00garbage" * 512)
        expected = f"error: STATE_DB {db} cannot be used: file is not a database\n"
    else:
        db = tmp_path / "a-file" / "daily.sqlite3"
        db.parent.write_text("")
        expected = f"error: STATE_DB {db} cannot be opened: "
    result = subprocess.run([sys.executable, str(MAIN)], cwd=tmp_path, env=environment(db),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(expected), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
