"""The real bot process: an acknowledged /daily survives SIGKILL, the next start uses it, a burst
of due posts cut by SIGKILL loses none and doubles none, and a STATE_DB that cannot be used stops
the start with one clear line. With DATABASE_URL: the same in PostgreSQL, and two replicas on
one database post each due post once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

from bot.app.offline import LocalBotAPI
from bot.daily.store import PostState, Store, Subscription
from bot.daily.stores import open_store
from tests import pg
from tests.botapi import TOKEN, USER_ID, BotAPIServer, Call, private_message
from tests.pg import PASSWORD
from tests.test_subscriptions import Sync

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


BURST = 150
"""Chats whose posts fall due in the same minute (the bot sends 25 a second)."""

KILL_AT = 30
"""The post during whose request the bot is killed: a couple of seconds into the burst."""


def subscribe_burst(store: Store | Sync, now: datetime) -> tuple[list[int], date]:
    """:data:`BURST` chats whose post time was a minute ago (subscribed ten minutes ago), in a
    zone where that is not near midnight: the bot catches them all up as it starts."""
    zone = "UTC" if 1 <= now.hour <= 22 else "Asia/Tokyo"
    due = (now - timedelta(minutes=1)).astimezone(ZoneInfo(zone))
    chats = list(range(10_001, 10_001 + BURST))
    try:
        for chat_id in chats:
            store.subscribe(Subscription(chat_id, time(due.hour, due.minute), zone),
                            now - timedelta(minutes=10))
    finally:
        store.close()
    return chats, due.date()


def chats_posted(server: BotAPIServer) -> set[int]:
    return {call.chat_id for call in server.api.sent()}


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_burst_of_due_posts_cut_by_sigkill_loses_none_and_doubles_none(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    """150 posts due at once, the bot killed in the middle of one request, then restarted:
    every chat gets its post exactly once. Only a request that may have reached Telegram can
    cost a post; posts waiting for their turn to go out are sent after the restart. On SQLite
    (``STATE_DB``) and on PostgreSQL (``DATABASE_URL``)."""
    db = tmp_path / "daily.sqlite3"
    url = request.getfixturevalue("pg_url") if kind == "postgres" else ""

    def open_db() -> Store | Sync:
        return Sync(open_store("", url)) if url else Store(db)

    def start_bot(server: BotAPIServer) -> subprocess.Popen[str]:
        return pg_start(server, url, tmp_path) if url else start(server, db, tmp_path)

    chats, day = subscribe_burst(open_db(), datetime.now(UTC))
    api = LocalBotAPI(record=False)
    running: list[subprocess.Popen[str]] = []
    killed = threading.Event()

    def post(call: Call) -> dict[str, Any]:
        """Telegram receiving the post; the KILL_AT-th one kills the bot before it is answered."""
        if not killed.is_set() and len(server.api.of("sendPhoto")) >= KILL_AT:
            killed.set()
            running[0].send_signal(signal.SIGKILL)
        return api.message(call)

    with BotAPIServer() as server:
        server.api.results["sendPhoto"] = server.api.results["sendMessage"] = post
        running.append(start_bot(server))
        try:
            assert killed.wait(timeout=60), server.api.methods()
            running[0].wait(timeout=10)
        finally:
            running[0].kill()
            running[0].communicate()
        assert running[0].returncode == -signal.SIGKILL
        before_kill = chats_posted(server)

        second = start_bot(server)
        try:
            deadline = monotonic() + 40
            while monotonic() < deadline and not set(chats) <= chats_posted(server):
                sleep(0.1)
            sleep(0.5)  # a post sent twice would come now
        finally:
            second.terminate()
            _out, log = second.communicate(timeout=20)
        posted = Counter(c.chat_id for c in server.api.sent()
                         if c.method in ("sendPhoto", "sendMessage"))

    lost = [chat for chat in chats if chat not in posted]
    doubled = sorted(chat for chat, n in posted.items() if n > 1)
    assert KILL_AT <= len(before_kill) < BURST
    assert (lost, doubled) == ([], []), (len(lost), len(doubled), log[-2000:])
    store = open_db()
    try:
        states = {chat: post.state for chat in chats if (post := store.post(chat, day))}
    finally:
        store.close()
    sending = {chat for chat, state in states.items() if state is PostState.SENDING}
    assert set(states.values()) == {PostState.SENT, PostState.SENDING} and len(states) == BURST
    assert sending <= before_kill, "left 'sending': only posts whose request was out at the kill"


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


# -- PostgreSQL (DATABASE_URL) ---------------------------------------------------------------------


def pg_start(server: BotAPIServer, url: str, cwd: Path, *,
             sync_seconds: float = 30) -> subprocess.Popen[str]:
    env = environment(cwd / "state" / "daily.sqlite3", server.base_url)
    env.update(DATABASE_URL=url, DAILY_SYNC_SECONDS=str(sync_seconds))
    return subprocess.Popen([sys.executable, str(MAIN)], cwd=cwd, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def pg_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


def test_postgres_subscription_survives_sigkill_and_off_removes_it(
    tmp_path: Path, pg_url: str
) -> None:
    """With DATABASE_URL set: /daily is in PostgreSQL before the bot answers (no SQLite file is
    created), survives SIGKILL, is restored by the next start, and /daily off removes it."""
    committed: list[Any] = []
    checked = threading.Event()
    api = LocalBotAPI(record=False)

    def acknowledge(call: Call) -> dict[str, Any]:
        if "Daily pick on" in (call.text or ""):
            committed.append(pg_rows(pg_url, "SELECT chat_id, time, tz FROM subscriptions"))
            checked.set()
        return api.message(call)

    with BotAPIServer() as server:
        server.api.results["sendMessage"] = acknowledge
        server.push(private_message("/daily 07:30 Europe/Madrid"))
        process = pg_start(server, pg_url, tmp_path)
        try:
            assert checked.wait(timeout=60), server.api.methods()
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            process.kill()
            _out, log = process.communicate()
        assert process.returncode == -signal.SIGKILL
    assert committed == [[(USER_ID, "07:30", "Europe/Madrid")]]
    where = pg_url.replace(":" + PASSWORD, "")
    assert f"Daily pick: subscriptions in PostgreSQL {where}" in log, log
    assert PASSWORD not in log

    with BotAPIServer() as server:
        server.push(private_message("/daily"))
        process = pg_start(server, pg_url, tmp_path)
        try:
            status = server.wait_for("sendMessage", timeout=60)
            assert status.text.startswith(
                "📅 Daily pick every day at <b>07:30</b> Europe/Madrid.\nNext post: ")
            server.push(private_message("/daily off"))
            off = server.wait_for("sendMessage", lambda c: "pick off" in (c.text or ""), timeout=30)
            assert off.text.startswith("Daily pick off.")
        finally:
            process.terminate()
            _out, log = process.communicate(timeout=20)
    assert "Daily pick: restored 1 subscription(s)" in log, log
    assert "Traceback" not in log, log
    assert pg_rows(pg_url, "SELECT chat_id FROM subscriptions") == []
    assert not (tmp_path / "state").exists(), "no SQLite file when DATABASE_URL is set"


REPLICA_BURST = 20


def test_two_replicas_post_each_due_post_once_and_one_takes_over(
    tmp_path: Path, pg_url: str
) -> None:
    """Two processes, one token, one database: the posts due when they start go out exactly
    once; one of them is then killed, and the other posts the next chat's post (subscribed
    behind their backs, as by a third replica) once it re-reads the database."""
    now = datetime.now(UTC)
    zone = "UTC" if 1 <= now.hour <= 22 else "Asia/Tokyo"
    due = (now - timedelta(minutes=1)).astimezone(ZoneInfo(zone))
    chats = list(range(20_001, 20_001 + REPLICA_BURST))
    late_chat = 30_001
    store = Sync(open_store("", pg_url))
    for chat_id in chats:
        store.subscribe(Subscription(chat_id, time(due.hour, due.minute), zone),
                        now - timedelta(minutes=10))

    with BotAPIServer() as server:
        replicas = [pg_start(server, pg_url, tmp_path, sync_seconds=1) for _ in range(2)]
        logs: list[str] = []
        try:
            deadline = monotonic() + 40
            while monotonic() < deadline and not set(chats) <= chats_posted(server):
                sleep(0.1)
            sleep(2)  # both have restored and re-read the database: a double would come now
            first = Counter(c.chat_id for c in server.api.sent())
            assert first == Counter(chats), first

            replicas[0].send_signal(signal.SIGKILL)
            replicas[0].wait(timeout=10)
            store.subscribe(Subscription(late_chat, time(due.hour, due.minute), zone),
                            now - timedelta(minutes=10))
            server.wait_for("sendPhoto", lambda c: c.chat_id == late_chat, timeout=20)
            sleep(1.5)
        finally:
            for process in replicas:
                process.terminate()
            for process in replicas:
                logs.append(process.communicate(timeout=20)[1])
            store.close()
        posted = Counter(c.chat_id for c in server.api.sent())
    assert posted == Counter([*chats, late_chat]), (posted, logs[1][-2000:])
    assert "Traceback" not in logs[1], logs[1]
    states = pg_rows(pg_url, "SELECT state, count(*) FROM posts GROUP BY state")
    assert states == [("sent", REPLICA_BURST + 1)]


@pytest.mark.parametrize("problem", ["malformed", "unreachable", "password", "database"])
def test_a_database_url_that_cannot_be_used_exits_with_2_and_one_line(
    tmp_path: Path, pg_server: pg.Server, problem: str
) -> None:
    url, expected = {
        "malformed": ("mysql://root:" + PASSWORD + "@db/x",
                      "error: DATABASE_URL must be a postgres:// or postgresql:// URL"),
        "unreachable": (pg_server.url("x").replace(str(pg_server.port), str(pg.free_port())),
                        "error: DATABASE_URL postgresql://postgres@127.0.0.1:"),
        "password": (pg_server.url("postgres", password="wrong-" + PASSWORD),
                     "error: DATABASE_URL postgresql://postgres@127.0.0.1:"),
        "database": (pg_server.url("missing"),
                     "error: DATABASE_URL postgresql://postgres@127.0.0.1:"),
    }[problem]
    env = environment(tmp_path / "daily.sqlite3")
    env["DATABASE_URL"] = url
    result = subprocess.run([sys.executable, str(MAIN)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(expected), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert PASSWORD not in result.stderr
    assert not (tmp_path / "daily.sqlite3").exists()
