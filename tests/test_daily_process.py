"""The real bot process: an acknowledged /daily survives SIGKILL, and the next start uses it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import time
from pathlib import Path

from bot.subscriptions import Store, Subscription
from tests.botapi import TOKEN, USER_ID, BotAPIServer, private_message

ROOT = Path(__file__).resolve().parent.parent

MAIN = ROOT / "main.py"


def start(server: BotAPIServer, db: Path, cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=server.base_url, LOG_LEVEL="INFO",
               PYTHONUNBUFFERED="1", STATE_DB=str(db))
    env.pop("PORT", None)
    return subprocess.Popen([sys.executable, str(MAIN)], cwd=cwd, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_subscription_survives_sigkill_and_is_restored(tmp_path: Path) -> None:
    db = tmp_path / "state" / "daily.sqlite3"
    with BotAPIServer() as server:
        server.push(private_message("/daily 09:00 Europe/Madrid"))
        process = start(server, db, tmp_path)
        try:
            server.wait_for("sendMessage", lambda c: "Daily pick on" in (c.text or ""),
                            timeout=60)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            process.kill()
            process.communicate()
        assert process.returncode == -signal.SIGKILL

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
