"""/daily end to end in-process: the real Application on a recording Bot API, a fake clock.

Nothing sleeps: the clock is the :class:`Daily` service's, and jobs are run with ``job.run``
at the chosen "now" instead of waiting for the scheduler.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from telegram.error import BadRequest, ChatMigrated
from telegram.ext import Job

from bot.app import daily
from bot.app.factory import RETRIES, build_application
from bot.app.offline import LocalBotAPI
from bot.chat import buttons, daily_texts
from bot.config import Settings
from bot.daily.picks import Picker
from bot.daily.store import (
    SCHEMA_VERSION,
    PostState,
    Store,
    StoreError,
    StoreUnavailable,
    Subscription,
)
from bot.daily.stores import SQLiteStore
from bot.movies.catalog import Catalog
from bot.movies.results import Kind
from handlers.replies import Reply, send_to
from tests.botapi import (
    CHANNEL_ID,
    CHAT_NOT_FOUND,
    FORBIDDEN,
    GROUP_ID,
    TOKEN,
    USER_ID,
    BotHarness,
    Call,
    RecordingRequest,
    anonymous_admin_message,
    bot_message,
    callback_query,
    channel_post,
    group_message,
    private_message,
)

MADRID = ZoneInfo("Europe/Madrid")
MONDAY_8_CET = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
"""Monday 2 March 2026, 08:00 in Madrid: an hour before a 09:00 post."""
NINE_CET = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


_PICKERS: dict[int, tuple[Any, Picker]] = {}


def shared_picker(catalog: Catalog) -> Picker:
    """One picker per catalog frame for all the tests' bots: each service would build its own."""
    movies = catalog.movies
    if id(movies) not in _PICKERS:
        _PICKERS[id(movies)] = (movies, Picker(movies))
    return _PICKERS[id(movies)][1]


class DailyBot:
    """A bot with daily picks on a database in ``tmp_path``; ``restart`` keeps the database."""

    def __init__(self, catalog: Catalog, path: Path, now: datetime, rate_limit: bool) -> None:
        self.catalog = catalog
        self.path = path
        self.clock = Clock(now)
        self.rate_limit = rate_limit
        self._start()

    def _start(self) -> None:
        self.request = RecordingRequest()
        settings = Settings(token=TOKEN, state_db=str(self.path))
        app = build_application(settings, self.catalog, request=self.request,
                                rate_limit=self.rate_limit)
        self.harness = BotHarness(app, self.request)
        self.app = app
        self.service = daily.service(app)
        self.service.clock = self.clock
        self.service.picker = shared_picker(self.catalog)
        assert isinstance(self.service.store, SQLiteStore)
        assert self.service.store.sync.path == self.path

    def restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        self.harness.run(self.service.close())
        self.harness.close()

    def send(self, update: dict[str, Any]) -> list[Call]:
        return self.harness.send(update)

    @property
    def store(self) -> Store:
        """The SQLite store the service awaits, called directly (its lock is shared)."""
        assert isinstance(self.service.store, SQLiteStore)
        return self.service.store.sync

    def jobs(self, prefix: str = daily.JOB_PREFIX) -> list[Job]:
        return [j for j in self.app.job_queue.jobs() if j.name.startswith(prefix)]

    def job(self, chat_id: int, prefix: str = daily.JOB_PREFIX) -> Job:
        jobs = self.app.job_queue.get_jobs_by_name(f"{prefix}{chat_id}")
        assert len(jobs) == 1, jobs
        return jobs[0]

    def run(self, job: Job) -> list[Call]:
        before = len(self.request.calls)
        self.harness.run(job.run(self.app))
        return self.request.calls[before:]

    def restore(self) -> int:
        return self.harness.run(self.service.restore())

    def admins(self, *user_ids: int) -> None:
        def member(call: Call) -> dict[str, Any]:
            user_id = call.params["user_id"]
            status = "administrator" if user_id in user_ids else "member"
            user = {"id": user_id, "is_bot": False, "first_name": "U"}
            if status == "member":
                return {"status": status, "user": user}
            return {"status": status, "user": user, "can_be_edited": False,
                    "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True,
                    "can_manage_video_chats": False, "can_restrict_members": True,
                    "can_promote_members": False, "can_change_info": True,
                    "can_invite_users": True, "can_post_stories": False,
                    "can_edit_stories": False, "can_delete_stories": False}

        self.request.results["getChatMember"] = member


@pytest.fixture
def make_bot(
    catalog: Catalog, tmp_path: Path
) -> Iterator[Callable[..., DailyBot]]:
    """Bots on one database: ``make_bot()`` then, to restart, ``bot.restart()``. Without the
    rate limiter unless asked (``rate_limit=True``, as in production)."""
    path = tmp_path / "state" / "daily.sqlite3"
    made: list[DailyBot] = []

    def make(now: datetime = MONDAY_8_CET, *, rate_limit: bool = False) -> DailyBot:
        made.append(DailyBot(catalog, path, now, rate_limit))
        return made[-1]

    yield make
    for b in made:
        b.close()


@pytest.fixture
def dbot(make_bot: Callable[..., DailyBot]) -> DailyBot:
    return make_bot()


def posts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method in ("sendPhoto", "sendMessage")]


def movie_of(call: Call, catalog: Catalog) -> int:
    """The movie a daily post is about, read from its "More like this" button."""
    [[(label, data)]] = call.buttons
    assert label.endswith("More like this")
    button = buttons.decode(data, catalog.version)
    assert button is not None and button.action == "recommend"
    assert button.ref.kind is Kind.MOVIE
    return button.ref.key


# -- subscribing and posting ----------------------------------------------------------------------


def test_subscribe_then_exactly_one_card_at_the_post_time(dbot: DailyBot, catalog: Catalog) -> None:
    calls = dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    assert [c.method for c in calls] == ["sendMessage"]
    assert calls[0].text == (
        "✅ Daily pick on: every day at <b>09:00</b> Europe/Madrid.\n"
        "First post: Mon 2 Mar at 09:00 (in 1 h).\nStop it with <code>/daily off</code>."
    )
    assert dbot.store.get(USER_ID) == Subscription(USER_ID, time(9), "Europe/Madrid")
    job = dbot.job(USER_ID)
    assert job.job.trigger.get_next_fire_time(None, MONDAY_8_CET) == NINE_CET

    dbot.clock.now = NINE_CET
    sent = dbot.run(job)
    assert [(c.method, c.chat_id) for c in sent] == [("sendPhoto", USER_ID)]
    photo = sent[0]
    movie = catalog.movie_by_id(movie_of(photo, catalog))
    assert movie is not None and movie.poster_path
    assert photo.params["photo"].endswith(movie.poster_path)
    assert photo.text.startswith("☀️ <b>Today's pick</b>\n\n🎬 <b>")
    assert movie.title.split()[0] in photo.text
    assert len(photo.text) <= 1024
    assert dbot.store.post(USER_ID, NINE_CET.date()).state is PostState.SENT

    dbot.clock.now += timedelta(minutes=5)
    assert dbot.run(job) == [], "a second fire the same day posts nothing"

    dbot.clock.now = NINE_CET + timedelta(days=1)
    tomorrow = posts(dbot.run(job))
    assert len(tomorrow) == 1 and movie_of(tomorrow[0], catalog) != movie.id


def test_more_like_this_answers_with_recommend(dbot: DailyBot, catalog: Catalog) -> None:
    dbot.send(private_message("/daily 9:00 Madrid"))
    dbot.clock.now = NINE_CET
    [photo] = dbot.run(dbot.job(USER_ID))
    movie = catalog.movie_by_id(movie_of(photo, catalog))
    assert movie is not None
    [(_label, data)] = photo.buttons[0]
    calls = dbot.send(callback_query(data, message=bot_message(photo=True)))
    answer = [c for c in posts(calls) if c.chat_id == USER_ID]
    assert catalog.recommender is not None, "the bundled catalog ships its recommender"
    assert len(answer) == 1
    assert "If you liked" in answer[0].text
    assert movie.title.split()[0] in answer[0].text


def test_genre_restricts_picks(dbot: DailyBot, catalog: Catalog) -> None:
    calls = dbot.send(private_message("/daily 21:30 Europe/Madrid comedies"))
    assert "<b>21:30</b> Europe/Madrid, Comedy movies" in calls[0].text
    job = dbot.job(USER_ID)
    for day in range(3):
        dbot.clock.now = datetime(2026, 3, 2 + day, 20, 30, tzinfo=UTC)
        [post] = posts(dbot.run(job))
        movie = catalog.movie_by_id(movie_of(post, catalog))
        assert movie is not None and "Comedy" in movie.genres


def test_a_later_time_the_same_day_is_promised_for_when_it_posts(
    dbot: DailyBot, catalog: Catalog
) -> None:
    """09:00 Madrid posted; at 10:00 the chat moves to 21:00: its first post is tomorrow."""
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    dbot.clock.now = NINE_CET
    assert len(posts(dbot.run(dbot.job(USER_ID)))) == 1
    dbot.clock.now = NINE_CET + timedelta(hours=1)
    [reply] = dbot.send(private_message("/daily 21:00 Europe/Madrid"))
    assert "\nFirst post: Tue 3 Mar at 21:00 (in 35 h).\n" in reply.text
    [status] = dbot.send(private_message("/daily"))
    assert "\nNext post: Tue 3 Mar at 21:00 (in 35 h).\n" in status.text
    dbot.clock.now = datetime(2026, 3, 2, 20, tzinfo=UTC)  # 21:00 today
    assert dbot.run(dbot.job(USER_ID)) == []
    dbot.clock.now = datetime(2026, 3, 3, 20, tzinfo=UTC)
    assert len(posts(dbot.run(dbot.job(USER_ID)))) == 1


def test_moving_west_never_posts_twice_within_20_hours(make_bot: Callable[..., DailyBot]) -> None:
    """09:00 Tokyo posted (00:00 UTC); the chat moves to 16:45 Los Angeles, 45 minutes away."""
    b = make_bot(datetime(2026, 3, 1, 23, tzinfo=UTC))
    b.send(private_message("/daily 9:00 Tokyo"))
    b.clock.now = datetime(2026, 3, 2, 0, tzinfo=UTC)
    assert len(posts(b.run(b.job(USER_ID)))) == 1
    [reply] = b.send(private_message("/daily 16:45 America/Los_Angeles"))
    assert "\nFirst post: Tue 3 Mar at 16:45 (in 48 h 45 min).\n" in reply.text
    sent = []
    for hours in (0.75, 24.75, 48.75):  # 16:45 in Los Angeles on 1, 2 and 3 March
        b.clock.now = datetime(2026, 3, 2, 0, tzinfo=UTC) + timedelta(hours=hours)
        sent.append(len(posts(b.run(b.job(USER_ID)))))
    assert sent == [0, 0, 1]


def test_small_genre_warns_that_picks_will_widen(dbot: DailyBot) -> None:
    [reply] = dbot.send(private_message("/daily 8 Tokyo foreign"))
    assert "Only 2 top-rated Foreign movies" in reply.text


def test_each_chat_has_its_own_sequence(dbot: DailyBot, catalog: Catalog) -> None:
    dbot.send(private_message("/daily 9:00 UTC", user_id=1001))
    dbot.send(private_message("/daily 9:00 UTC", user_id=1002))
    seen: dict[int, list[int]] = {1001: [], 1002: []}
    for day in range(5):
        dbot.clock.now = datetime(2026, 3, 2 + day, 9, tzinfo=UTC)
        for chat_id in seen:
            [post] = posts(dbot.run(dbot.job(chat_id)))
            assert post.chat_id == chat_id
            seen[chat_id].append(movie_of(post, catalog))
    assert len(set(seen[1001])) == 5 and len(set(seen[1002])) == 5
    assert seen[1001] != seen[1002]


def test_status_change_and_off(dbot: DailyBot) -> None:
    [reply] = dbot.send(private_message("/daily"))
    assert reply.text.startswith("This chat gets no daily pick yet.")
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    [reply] = dbot.send(private_message("/daily"))
    assert reply.text == (
        "📅 Daily pick every day at <b>09:00</b> Europe/Madrid.\n"
        "Next post: Mon 2 Mar at 09:00 (in 1 h).\n"
        "Change it with <code>/daily 09:00 Europe/Madrid</code>, stop it with "
        "<code>/daily off</code>."
    )
    dbot.send(private_message("/daily 18:45 new york war"))
    assert dbot.store.get(USER_ID) == Subscription(USER_ID, time(18, 45), "America/New_York",
                                                   "War")
    assert len(dbot.jobs()) == 1
    [reply] = dbot.send(private_message("/daily off"))
    assert reply.text.startswith("Daily pick off.")
    assert dbot.store.get(USER_ID) is None and dbot.jobs() == []
    [reply] = dbot.send(private_message("/daily off"))
    assert reply.text.startswith("This chat had no daily pick.")


def test_a_store_that_fails_gets_could_not_save_and_the_bot_keeps_answering(
    dbot: DailyBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database went away: /daily changes are not acknowledged, other commands answer,
    and once it is back /daily works again."""
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    store = dbot.service.store

    async def lost(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("DATABASE_URL postgresql://bot@db/x: server closed the connection")

    for method in ("subscribe", "unsubscribe", "get", "recent"):
        monkeypatch.setattr(store, method, lost)
    for command in ("/daily 10:00 Europe/Madrid", "/daily off"):
        [reply] = dbot.send(private_message(command))
        assert reply.text == daily_texts.DAILY_NOT_SAVED
    [reply] = dbot.send(private_message("/daily"))
    assert reply.text == daily_texts.DAILY_NOT_READ
    [reply] = dbot.send(private_message("/runtime Toy Story"))
    assert "81 min" in reply.text
    dbot.clock.now = NINE_CET
    assert dbot.run(dbot.job(USER_ID)) == [], "the post waits for the store"
    [retry] = dbot.jobs(daily.RETRY_PREFIX)
    monkeypatch.undo()
    assert dbot.store.get(USER_ID) == Subscription(USER_ID, time(9), "Europe/Madrid")
    assert len(posts(dbot.run(retry))) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/daily 25:00 Europe/Madrid", "“25:00” is not a time."),
        ("/daily tomorrow", "“tomorrow” is not a time."),
        ("/daily 9:00 Mars/Olympus", "“Mars/Olympus” is neither a time zone nor a genre."),
        ("/daily 9:00 Madird", "Did you mean Europe/Madrid"),
        ("/daily 9:00 Europe/Madrid spaghetti", "I don't know the genre “spaghetti”. Genres:"),
        ("/daily <b>bold</b>", "“&lt;b&gt;bold&lt;/b&gt;” is not a time."),
        ("/daily 9:00 <script>x</script>", "“&lt;script&gt;x&lt;/script&gt;” is neither"),
        ("/daily 🎬🎬🎬", "“🎬🎬🎬” is not a time."),
        ("/daily " + "9" * 5000, "is not a time."),
        ("/daily 9:00 " + "x " * 3000, "is neither a time zone nor a genre."),
        ("/daily 9:00 UTC-3:30", "“UTC-3:30” is not an offset any time zone keeps all year."),
        ("/daily 9:00 UTC-3:30", "such as America/St_Johns or Asia/Kolkata"),
        ("/daily 9 Roma", "“Roma” is neither a time zone nor a genre. Did you mean the time zone "
                          "Europe/Rome, or the genre Romance?"),
        ("/daily 9:00 Madrid 🎬", "I don't know the genre “🎬”."),
        ("/daily 9:00 🎬", "“🎬” is neither a time zone nor a genre."),
    ],
)
def test_bad_input_gets_a_clear_message(dbot: DailyBot, text: str, expected: str | None) -> None:
    calls = dbot.send(private_message(text))
    assert [c.method for c in calls] == ["sendMessage"]
    reply = calls[0].text
    assert "Example: <code>" in reply or "e.g. <code>" in reply
    if expected:
        assert expected in reply
    assert len(reply) < 1000
    assert "<script>" not in reply and "<b>bold" not in reply
    assert dbot.store.get(USER_ID) is None and dbot.jobs() == []


def test_control_characters_alone_are_ignored_as_arguments(dbot: DailyBot) -> None:
    [reply] = dbot.send(private_message("/daily 9:00 \x00\x07\x1b"))
    assert reply.text.startswith("✅ Daily pick on: every day at <b>09:00</b> UTC")


@pytest.mark.parametrize(
    ("text", "at", "zone", "shown"),
    [
        ("/daily 9:00 UTC+2", time(9), "Etc/GMT-2", "<b>09:00</b> UTC+2."),
        ("/daily 9:00 GMT+5", time(9), "Etc/GMT-5", "<b>09:00</b> UTC+5."),
        ("/daily 9:00 GMT-5", time(9), "Etc/GMT+5", "<b>09:00</b> UTC-5."),
        ("/daily 9 am Europe/Madrid", time(9), "Europe/Madrid", "<b>09:00</b> Europe/Madrid."),
        ("/daily 9:00 PM", time(21), "UTC", "<b>21:00</b> UTC."),
        ("/daily 9:00 New York City", time(9), "America/New_York",
         "<b>09:00</b> America/New_York."),
        ("/daily 9:00 UTC+5:30", time(9), "Asia/Kolkata", "<b>09:00</b> Asia/Kolkata."),
    ],
)
def test_zones_and_times_as_people_write_them(
    dbot: DailyBot, text: str, at: time, zone: str, shown: str
) -> None:
    [reply] = dbot.send(private_message(text))
    assert reply.text.startswith(f"✅ Daily pick on: every day at {shown}\nFirst post: ")
    assert dbot.store.get(USER_ID) == Subscription(USER_ID, at, zone)
    [status] = dbot.send(private_message("/daily"))
    assert shown in status.text


# -- who may change it -----------------------------------------------------------------------------


def test_only_admins_change_a_group_subscription(dbot: DailyBot) -> None:
    dbot.admins(USER_ID)
    calls = dbot.send(group_message("/daily 09:00 Europe/Madrid", user_id=222))
    assert [(c.method, c.params.get("user_id")) for c in calls] == [
        ("getChatMember", 222), ("sendMessage", None)]
    assert calls[1].text == "Only this chat's admins can change its daily pick."
    assert dbot.store.get(GROUP_ID) is None and dbot.jobs() == []

    calls = dbot.send(group_message("/daily@MovieCatalogBot 09:00 Europe/Madrid"))
    assert calls[0].method == "getChatMember" and calls[0].params["user_id"] == USER_ID
    assert calls[1].text.startswith("✅ Daily pick on")
    assert dbot.store.get(GROUP_ID) is not None and len(dbot.jobs()) == 1

    calls = dbot.send(group_message("/daily off", user_id=222))
    assert calls[-1].text == "Only this chat's admins can change its daily pick."
    assert dbot.store.get(GROUP_ID) is not None

    calls = dbot.send(group_message("/daily", user_id=222))
    assert [c.method for c in calls] == ["sendMessage"], "anyone may look"
    assert calls[0].text.startswith("📅 Daily pick every day at <b>09:00</b>")


def test_group_creator_and_anonymous_admin_may_change(dbot: DailyBot) -> None:
    dbot.request.results["getChatMember"] = lambda call: {
        "status": "creator", "is_anonymous": False,
        "user": {"id": call.params["user_id"], "is_bot": False, "first_name": "Owner"}}
    calls = dbot.send(group_message("/daily 10:00 London", chat_type="group", chat_id=-4242))
    assert calls[-1].text.startswith("✅ Daily pick on")
    del dbot.request.results["getChatMember"]
    calls = dbot.send(anonymous_admin_message("/daily off"))
    assert [c.method for c in calls] == ["sendMessage"]
    assert calls[0].text.startswith("This chat had no daily pick")


def test_messages_sent_as_another_chat_may_not_change(dbot: DailyBot) -> None:
    linked = {"id": -100777, "type": "channel", "title": "Some channel"}
    calls = dbot.send(group_message("/daily 9:00", sender_chat=linked))
    assert calls[-1].text == "Only this chat's admins can change its daily pick."


def test_admin_check_failure_refuses(dbot: DailyBot) -> None:
    dbot.request.fail("getChatMember", 400, "Bad Request: user not found")
    calls = dbot.send(group_message("/daily 9:00"))
    assert calls[-1].text == "Only this chat's admins can change its daily pick."
    assert dbot.store.get(GROUP_ID) is None


def test_channel_posts(dbot: DailyBot, catalog: Catalog) -> None:
    calls = dbot.send(channel_post("/daily 09:00 Europe/Madrid"))
    assert [(c.method, c.chat_id) for c in calls] == [("sendMessage", CHANNEL_ID)]
    assert calls[0].text.startswith("✅ Daily pick on")
    dbot.clock.now = NINE_CET
    [post] = dbot.run(dbot.job(CHANNEL_ID))
    assert (post.method, post.chat_id) == ("sendPhoto", CHANNEL_ID)
    movie_of(post, catalog)
    [reply] = dbot.send(channel_post("/daily off"))
    assert reply.text.startswith("Daily pick off.")


# -- failures --------------------------------------------------------------------------------------


@pytest.mark.parametrize("failure", [FORBIDDEN, CHAT_NOT_FOUND], ids=["blocked", "not-found"])
def test_a_gone_chat_is_unsubscribed_and_logged(
    dbot: DailyBot, failure: tuple[int, str], caplog: pytest.LogCaptureFixture
) -> None:
    dbot.send(group_message("/daily 09:00 Europe/Madrid", chat_id=-1009))
    dbot.send(anonymous_admin_message("/daily 09:00 Europe/Madrid", chat_id=-1009))
    assert dbot.store.get(-1009) is not None
    dbot.request.fail("sendPhoto", *failure, times=0)
    dbot.clock.now = NINE_CET
    with caplog.at_level(logging.WARNING, logger="bot.app.daily"):
        calls = dbot.run(dbot.job(-1009))
    assert [c.method for c in calls] == ["sendPhoto"]
    assert dbot.store.get(-1009) is None
    assert dbot.jobs() == [] and dbot.jobs(daily.RETRY_PREFIX) == []
    assert dbot.store.post(-1009, NINE_CET.date()).state is PostState.FAILED
    assert any("-1009 is gone" in r.getMessage() and "unsubscribed" in r.getMessage()
               for r in caplog.records)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_flood_limit_retried_later_that_day_once(dbot: DailyBot, catalog: Catalog) -> None:
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    dbot.request.fail("sendPhoto", 429, "Too Many Requests: retry after 30", retry_after=30)
    dbot.clock.now = NINE_CET
    assert [c.method for c in dbot.run(dbot.job(USER_ID))] == ["sendPhoto"]
    record = dbot.store.post(USER_ID, NINE_CET.date())
    assert record.state is PostState.PENDING
    assert record.retry_at == NINE_CET + timedelta(seconds=31)
    retry = dbot.job(USER_ID, daily.RETRY_PREFIX)

    dbot.clock.now = NINE_CET + timedelta(seconds=31)
    [post] = dbot.run(retry)
    assert post.method == "sendPhoto" and movie_of(post, catalog) == record.movie_id
    assert dbot.store.post(USER_ID, NINE_CET.date()).state is PostState.SENT
    assert dbot.run(dbot.job(USER_ID)) == []
    assert dbot.run(retry) == []


def raise_in_transport(error: Exception) -> Callable[[Call], Any]:
    """A request that fails in the HTTP client, before any answer from Telegram."""

    def answer(call: Call) -> Any:
        raise error

    return answer


def answer_raw(request: RecordingRequest, method: str, status: int, body: bytes) -> None:
    """Every ``method`` call gets this HTTP answer (a proxy's HTML error page, say)."""
    do_request = request.do_request

    async def raw(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.rsplit("/", 1)[-1] != method:
            return await do_request(url, *args, **kwargs)
        request.calls.append(Call(method))
        return status, body

    request.do_request = raw  # type: ignore[method-assign]


def json_error(status: int, description: str) -> Callable[[DailyBot], None]:
    return lambda b: b.request.fail("sendPhoto", status, description, times=0)


def html_error(status: int) -> Callable[[DailyBot], None]:
    page = f"<html><body><h1>{status}</h1>nginx</body></html>".encode()
    return lambda b: answer_raw(b.request, "sendPhoto", status, page)


@pytest.mark.parametrize(
    "failure",
    [
        lambda b: b.request.results.__setitem__(
            "sendPhoto", raise_in_transport(httpx.ReadTimeout("read timed out"))),
        json_error(502, "Bad Gateway"),
        json_error(500, "Internal Server Error"),
        html_error(502),
        html_error(504),
    ],
    ids=["read-timeout", "502-json", "500-json", "502-html", "504-html"],
)
def test_a_request_that_may_have_arrived_is_never_sent_again(
    dbot: DailyBot, failure: Callable[[DailyBot], None], caplog: pytest.LogCaptureFixture
) -> None:
    """One rule, whatever the body: a 5xx or a timeout may have posted, so it is not resent."""
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    failure(dbot)
    dbot.clock.now = NINE_CET
    with caplog.at_level(logging.WARNING, logger="bot.app.daily"):
        assert [c.method for c in dbot.run(dbot.job(USER_ID))] == ["sendPhoto"]
    assert "outcome unknown" in caplog.text
    assert dbot.store.post(USER_ID, NINE_CET.date()).state is PostState.SENDING
    assert dbot.jobs(daily.RETRY_PREFIX) == []
    assert dbot.run(dbot.job(USER_ID)) == []
    dbot.restart()
    dbot.restore()
    assert dbot.jobs(daily.RETRY_PREFIX) == []


def test_a_connection_that_never_opened_is_retried(dbot: DailyBot) -> None:
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    dbot.request.results["sendPhoto"] = raise_in_transport(httpx.ConnectError("refused"))
    dbot.clock.now = NINE_CET
    dbot.run(dbot.job(USER_ID))
    assert dbot.store.post(USER_ID, NINE_CET.date()).state is PostState.PENDING
    del dbot.request.results["sendPhoto"]
    dbot.clock.now += timedelta(seconds=30)
    assert [c.method for c in dbot.run(dbot.job(USER_ID, daily.RETRY_PREFIX))] == ["sendPhoto"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_flood_limit_through_the_rate_limiter(
    make_bot: Callable[..., DailyBot], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in production: the rate limiter waits out a 429 and retries RETRIES times; if Telegram
    still refuses, the post is pending and retried later by the bot, once."""
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def no_wait(delay: float, result: Any = None) -> Any:
        waits.append(delay)
        return await real_sleep(0, result)

    monkeypatch.setattr(asyncio, "sleep", no_wait)
    b = make_bot(rate_limit=True)
    b.send(private_message("/daily 09:00 Europe/Madrid"))
    b.request.fail("sendPhoto", 429, "Too Many Requests: retry after 5", retry_after=5,
                   times=RETRIES + 1)
    b.clock.now = NINE_CET
    assert [c.method for c in b.run(b.job(USER_ID))] == ["sendPhoto"] * (RETRIES + 1)
    assert waits == [pytest.approx(5.1)] * RETRIES
    record = b.store.post(USER_ID, NINE_CET.date())
    assert (record.state, record.retry_at) == (PostState.PENDING, NINE_CET + timedelta(seconds=6))
    b.clock.now = record.retry_at
    [post] = b.run(b.job(USER_ID, daily.RETRY_PREFIX))
    assert post.method == "sendPhoto" and movie_of(post, catalog) == record.movie_id
    assert b.store.post(USER_ID, NINE_CET.date()).state is PostState.SENT
    assert b.run(b.job(USER_ID)) == []


def test_retries_stop_at_the_end_of_the_local_day(dbot: DailyBot) -> None:
    dbot.send(private_message("/daily 23:59 Europe/Madrid"))
    dbot.request.results["sendPhoto"] = raise_in_transport(httpx.ConnectError("refused"))
    dbot.clock.now = datetime(2026, 3, 2, 22, 59, tzinfo=UTC)
    dbot.run(dbot.job(USER_ID))
    dbot.clock.now += timedelta(seconds=30)
    retry = dbot.job(USER_ID, daily.RETRY_PREFIX)
    dbot.run(retry)
    assert dbot.store.post(USER_ID, dbot.clock.now.date()).state is PostState.FAILED
    assert dbot.jobs(daily.RETRY_PREFIX) == [retry], "no further retry"
    assert dbot.store.get(USER_ID) is not None, "still subscribed for tomorrow"


def test_refused_poster_falls_back_to_a_text_card(dbot: DailyBot, catalog: Catalog) -> None:
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    dbot.request.fail("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified")
    dbot.clock.now = NINE_CET
    calls = dbot.run(dbot.job(USER_ID))
    assert [c.method for c in calls] == ["sendPhoto", "sendMessage"]
    assert calls[1].text.startswith("☀️ <b>Today's pick</b>")
    assert movie_of(calls[1], catalog) == movie_of(calls[0], catalog)
    assert dbot.store.post(USER_ID, NINE_CET.date()).state is PostState.SENT


def test_group_upgraded_to_supergroup_keeps_its_subscription(dbot: DailyBot) -> None:
    dbot.admins(USER_ID)
    dbot.send(group_message("/daily 09:00 Europe/Madrid", chat_id=-42, chat_type="group"))
    dbot.request.results["sendPhoto"] = migrate_from(-42, -100_4242)
    dbot.clock.now = NINE_CET
    calls = dbot.run(dbot.job(-42))
    assert [(c.method, c.chat_id) for c in calls] == [("sendPhoto", -42), ("sendPhoto", -100_4242)]
    assert dbot.store.get(-42) is None and dbot.store.get(-100_4242) is not None
    assert [j.name for j in dbot.jobs()] == ["daily:-1004242"]


def migrate_from(old: int, new: int) -> Callable[[Call], Any]:
    """sendPhoto as Telegram answers it for a group that became a supergroup."""
    api = LocalBotAPI()

    def answer(call: Call) -> Any:
        if call.chat_id == old:
            raise ChatMigrated(new)
        return api.message(call)

    return answer


def test_removed_from_a_group_unsubscribes(dbot: DailyBot) -> None:
    dbot.send(anonymous_admin_message("/daily 09:00 Europe/Madrid"))
    me = {"id": 7_000_000_001, "is_bot": True, "first_name": "Movie Catalog"}
    change = {"update_id": 990001, "my_chat_member": {
        "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Movie Club"},
        "from": {"id": USER_ID, "is_bot": False, "first_name": "Ada"},
        "date": 1_700_000_000,
        "old_chat_member": {"status": "member", "user": me},
        "new_chat_member": {"status": "left", "user": me},
    }}
    dbot.send(change)
    assert dbot.store.get(GROUP_ID) is None and dbot.jobs() == []


# -- restarts --------------------------------------------------------------------------------------


def test_restart_brings_the_job_back(make_bot: Callable[..., DailyBot]) -> None:
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid comedy"))
    first.send(channel_post("/daily 21:00 Tokyo"))
    first.restart()
    assert first.jobs() == []
    assert first.restore() == 2
    assert sorted(j.name for j in first.jobs()) == sorted(
        [f"daily:{USER_ID}", f"daily:{CHANNEL_ID}"])
    trigger = first.job(USER_ID).job.trigger
    assert trigger.get_next_fire_time(None, MONDAY_8_CET) == NINE_CET
    assert first.jobs(daily.RETRY_PREFIX) == [], "nothing was missed"
    assert first.restore() == 2 and len(first.jobs()) == 2, "restoring twice changes nothing"


def test_sync_follows_subscriptions_changed_by_another_process(
    make_bot: Callable[..., DailyBot]
) -> None:
    """What a replica does every DAILY_SYNC_SECONDS on a shared store: jobs for chats that
    subscribed elsewhere, a job for a post due now, none for chats that left."""
    first = make_bot()
    other = Store(first.path)
    try:
        other.subscribe(Subscription(USER_ID, time(9), "Europe/Madrid"), MONDAY_8_CET)
        first.harness.run(first.service.sync())
        assert [j.name for j in first.jobs()] == [f"daily:{USER_ID}"]
        assert first.jobs(daily.RETRY_PREFIX) == []
        first.clock.now = NINE_CET + timedelta(minutes=5)  # its job ran in the dead replica
        first.harness.run(first.service.sync())
        [retry] = first.jobs(daily.RETRY_PREFIX)
        assert len(posts(first.run(retry))) == 1
        retry.schedule_removal()  # as the scheduler does once a one-off job ran
        first.harness.run(first.service.sync())
        assert first.jobs(daily.RETRY_PREFIX) == [], "sent: nothing more to do"
        other.unsubscribe(USER_ID)
        first.harness.run(first.service.sync())
        assert first.jobs() == []
    finally:
        other.close()


def test_restore_runs_when_the_application_starts(make_bot: Callable[..., DailyBot]) -> None:
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid"))
    first.restart()
    first.harness.run(first.app.start())
    for _ in range(100):
        if first.jobs():
            break
        first.harness.run(asyncio.sleep(0.02))
    assert [j.name for j in first.jobs()] == [f"daily:{USER_ID}"]
    first.harness.run(first.app.stop())


@pytest.mark.parametrize("problem", ["newer", "corrupt", "under-a-file"])
def test_a_bad_state_db_stops_the_bot_as_it_is_built(
    catalog: Catalog, tmp_path: Path, problem: str
) -> None:
    path = tmp_path / "daily.sqlite3"
    if problem == "newer":
        Store(path).close()
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.commit()
        db.close()
    elif problem == "corrupt":
        path.write_bytes(b"\x00garbage" * 512)
    else:
        path = tmp_path / "a-file" / "daily.sqlite3"
        path.parent.write_text("")
    with pytest.raises(StoreError, match=f"^STATE_DB {re.escape(str(path))}"):
        build_application(Settings(token=TOKEN, state_db=str(path)), catalog,
                          request=RecordingRequest())


def test_a_start_on_a_new_database_restores_nothing(make_bot: Callable[..., DailyBot]) -> None:
    b = make_bot()
    assert b.path.exists(), "created and checked as the bot is built"
    assert b.restore() == 0


@pytest.mark.parametrize("kind", ["new", "empty-file", "memory"])
def test_a_start_on_a_new_or_empty_state_db_warns_naming_it(
    catalog: Catalog, tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """STATE_DB set wrong (an empty file, ``:memory:``) would silently drop every subscription:
    the start says the store is new, and which one."""
    path = Path(":memory:") if kind == "memory" else tmp_path / "daily.sqlite3"
    if kind == "empty-file":
        path.write_bytes(b"")
    b = DailyBot(catalog, path, MONDAY_8_CET, False)
    try:
        with caplog.at_level(logging.INFO, logger="bot.app.daily"):
            assert b.restore() == 0
    finally:
        b.close()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert str(path) in warning.getMessage()
    assert ("lost whenever the bot stops" if kind == "memory" else "is new") in warning.getMessage()


def test_a_start_on_a_state_db_in_use_does_not_warn(
    make_bot: Callable[..., DailyBot], caplog: pytest.LogCaptureFixture
) -> None:
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid"))
    first.restart()
    with caplog.at_level(logging.INFO, logger="bot.app.daily"):
        assert first.restore() == 1
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_zone_tzdata_dropped_is_served_in_utc(make_bot: Callable[..., DailyBot]) -> None:
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid"))
    first.store._db.execute("UPDATE subscriptions SET tz = 'Europe/Atlantis'")
    first.restart()
    assert first.restore() == 1
    assert first.job(USER_ID).job.trigger.zone.key == "UTC"
    [status] = first.send(private_message("/daily"))
    assert status.text.startswith("📅 Daily pick every day at <b>09:00</b> UTC.\nNext post: ")
    first.clock.now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert len(posts(first.run(first.job(USER_ID)))) == 1


@pytest.mark.parametrize(
    ("late", "expected"),
    [(timedelta(minutes=59), 1), (timedelta(minutes=61), 0)],
    ids=["59-min-late", "61-min-late"],
)
def test_a_post_missed_while_down_is_sent_if_less_than_an_hour_late(
    make_bot: Callable[..., DailyBot], late: timedelta, expected: int
) -> None:
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid"))
    first.clock.now = NINE_CET + late
    first.restart()
    first.restore()
    retries = first.jobs(daily.RETRY_PREFIX)
    assert len(retries) == expected
    sent = [c for job in retries for c in first.run(job)]
    assert len(posts(sent)) == expected
    assert first.run(first.job(USER_ID)) == []


def test_no_catch_up_for_a_post_time_before_the_subscription(
    make_bot: Callable[..., DailyBot]
) -> None:
    """Subscribed at 09:20 for 09:00: the first post is tomorrow, even if the bot restarts."""
    first = make_bot(NINE_CET + timedelta(minutes=20))
    [reply] = first.send(private_message("/daily 09:00 Europe/Madrid"))
    assert "\nFirst post: Tue 3 Mar at 09:00 (in 23 h 40 min).\n" in reply.text
    first.clock.now = NINE_CET + timedelta(minutes=30)
    first.restart()
    first.restore()
    assert first.jobs(daily.RETRY_PREFIX) == []
    assert first.run(first.job(USER_ID)) == []
    first.clock.now = NINE_CET + timedelta(days=1)
    assert len(posts(first.run(first.job(USER_ID)))) == 1


def test_a_post_waiting_its_turn_at_a_crash_is_sent_after_restart(
    make_bot: Callable[..., DailyBot], catalog: Catalog
) -> None:
    """Killed while the post waited for its turn: nothing was out, so the restart sends it."""
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid"))
    first.store.reserve(USER_ID, NINE_CET.date(), 862, run_at=NINE_CET, now=NINE_CET)
    first.clock.now = NINE_CET + timedelta(minutes=10)
    first.restart()
    first.restore()
    [retry] = first.jobs(daily.RETRY_PREFIX)
    [post] = posts(first.run(retry))
    assert post.chat_id == USER_ID and movie_of(post, catalog) == 862, "its movie kept"
    assert first.store.post(USER_ID, NINE_CET.date()).state is PostState.SENT
    assert first.run(first.job(USER_ID)) == []


@pytest.mark.parametrize("meanwhile", ["taken", "unsubscribed", "resubscribed"])
def test_a_post_that_may_no_longer_go_when_its_turn_comes_is_not_sent(
    dbot: DailyBot, meanwhile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the post waited for its turn, another process sent it, or the chat unsubscribed
    or changed its settings: the before_send hook stops the request."""
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    dbot.clock.now = NINE_CET
    other = Store(dbot.path)
    turn = dbot.service.turns.turn

    @contextlib.asynccontextmanager
    async def late_turn() -> AsyncIterator[None]:
        if meanwhile == "taken":
            assert other.take(USER_ID, NINE_CET.date(), now=NINE_CET) is not None
        elif meanwhile == "unsubscribed":
            other.unsubscribe(USER_ID)
        else:
            other.subscribe(Subscription(USER_ID, time(10), "Europe/Madrid"), NINE_CET)
        async with turn():
            yield

    monkeypatch.setattr(dbot.service.turns, "turn", late_turn)
    try:
        assert dbot.run(dbot.job(USER_ID)) == []
    finally:
        other.close()
    record = dbot.store.post(USER_ID, NINE_CET.date())
    assert (record.state if record else None) == {
        "taken": PostState.SENDING, "unsubscribed": PostState.PENDING, "resubscribed": None,
    }[meanwhile]


def test_send_to_hands_before_send_to_a_rate_limiter_or_runs_it_itself() -> None:
    """A limiter gets the hook in ``rate_limit_args`` (it runs it as the request leaves);
    without one the hook runs right before each request: the poster, then the text card."""
    events: list[str] = []

    async def hook() -> None:
        events.append("hook")

    class Bot:
        rate_limiter: object | None = None

        async def send_photo(self, chat_id: int, photo: str, **kwargs: Any) -> None:
            events.append(f"photo {sorted(kwargs.get('rate_limit_args') or {})}")
            raise BadRequest("Wrong file identifier/HTTP URL specified")

        async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> str:
            events.append(f"text {sorted(kwargs.get('rate_limit_args') or {})}")
            return text

    reply = Reply("card", photo="https://example.org/p.jpg", caption="caption")
    bot = Bot()
    assert asyncio.run(send_to(bot, 1, reply, before_send=hook)) == "card"  # type: ignore[arg-type]
    assert events == ["hook", "photo []", "hook", "text []"]
    events.clear()
    bot.rate_limiter = object()
    asyncio.run(send_to(bot, 1, reply, before_send=hook))  # type: ignore[arg-type]
    assert events == ["photo ['before_send']", "text ['before_send']"]


def test_a_post_interrupted_by_a_crash_is_not_sent_again(make_bot: Callable[..., DailyBot]) -> None:
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid"))
    # killed between the claim and the answer:
    first.store.claim(USER_ID, NINE_CET.date(), 862, run_at=NINE_CET, now=NINE_CET)
    first.clock.now = NINE_CET + timedelta(minutes=10)
    first.restart()
    first.restore()
    assert first.jobs(daily.RETRY_PREFIX) == []
    assert first.run(first.job(USER_ID)) == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_pending_retry_is_resumed_after_a_restart(make_bot: Callable[..., DailyBot]) -> None:
    first = make_bot()
    first.send(private_message("/daily 09:00 Europe/Madrid"))
    first.request.fail("sendPhoto", 429, "Too Many Requests: retry after 5", retry_after=5)
    first.clock.now = NINE_CET
    first.run(first.job(USER_ID))
    first.clock.now = NINE_CET + timedelta(hours=3)
    first.restart()
    first.restore()
    [retry] = first.jobs(daily.RETRY_PREFIX)
    assert len(posts(first.run(retry))) == 1


# -- daylight saving -------------------------------------------------------------------------------


def test_the_first_summer_day_posts_at_0900_local(dbot: DailyBot) -> None:
    """The trigger's DST behaviour is tested in ``test_daily_schedule.py``; this is the post."""
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    dbot.clock.now = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST, the first summer day
    assert len(posts(dbot.run(dbot.job(USER_ID)))) == 1
    assert dbot.store.post(USER_ID, datetime(2026, 3, 29).date()).state is PostState.SENT


def test_a_time_skipped_by_dst_is_shown_as_it_will_post(make_bot: Callable[..., DailyBot]) -> None:
    b = make_bot(datetime(2026, 3, 28, 12, tzinfo=UTC))
    [reply] = b.send(private_message("/daily 02:30 Europe/Madrid"))
    assert "First post: Sun 29 Mar at 03:30 (in 13 h 30 min)." in reply.text


def test_without_the_recommender_a_post_has_no_more_like_this_button(
    catalog: Catalog, tmp_path: Path
) -> None:
    bare = copy.copy(catalog)
    bare.recommender = None
    dbot = DailyBot(bare, tmp_path / "daily.sqlite3", MONDAY_8_CET, False)
    try:
        dbot.send(private_message("/daily 09:00 Europe/Madrid"))
        dbot.clock.now = NINE_CET
        sent = dbot.run(dbot.job(USER_ID))
        assert [c.method for c in sent] == ["sendPhoto"]
        assert "reply_markup" not in sent[0].params
    finally:
        dbot.close()
