"""Parsing /daily arguments, computing post times (checked against APScheduler's trigger), and
the posting policy: what is sent when, retried when, and promised."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.chat.daily_texts import delay
from bot.daily.grammar import (
    BadGenre,
    BadOffset,
    BadTime,
    BadZoneOrGenre,
    Off,
    Request,
    Show,
    parse_command,
    parse_time,
)
from bot.daily.policy import (
    MAX_ATTEMPTS,
    Failure,
    Retry,
    Send,
    Skip,
    Skipped,
    after_failure,
    next_post,
    plan,
)
from bot.daily.store import Post, PostState, Subscription
from bot.daily.trigger import DailyTrigger, next_run, previous_run
from bot.daily.zones import FIXED_OFFSETS, resolve_zone, zone_label

MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9)), ("9:00", time(9)), ("9", time(9)), ("0:05", time(0, 5)),
        ("21h30", time(21, 30)), ("21.30", time(21, 30)), ("2130", time(21, 30)),
        ("23:59", time(23, 59)), ("9am", time(9)), ("12am", time(0)), ("12pm", time(12)),
        ("9:30PM", time(21, 30)), ("24:00", None), ("9:60", None), ("9:5", None),
        ("13pm", None), ("", None), ("noon", None), ("9m", None), ("-1", None),
        ("\u0660\u0669:\u0660\u0660", None), ("9" * 40, None), ("<b>9</b>", None),
    ],
)
def test_parse_time(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Madrid", "Europe/Madrid"), ("europe/madrid", "Europe/Madrid"),
        ("Madrid", "Europe/Madrid"), ("MADRID", "Europe/Madrid"), ("London", "Europe/London"),
        ("Tokyo", "Asia/Tokyo"), ("New York", "America/New_York"),
        ("new_york", "America/New_York"), ("são paulo", "America/Sao_Paulo"),
        ("EST", "America/New_York"), ("PST", "America/Los_Angeles"), ("CET", "CET"),
        ("UTC", "UTC"), ("utc+2", "Etc/GMT-2"), ("UTC-5", "Etc/GMT+5"), ("GMT+0", "UTC"),
        ("GMT+5", "Etc/GMT-5"), ("GMT-5", "Etc/GMT+5"), ("gmt +3", "Etc/GMT-3"),
        ("UTC+14", "Etc/GMT-14"), ("Etc/GMT+5", "Etc/GMT+5"),
        ("UTC+5:30", "Asia/Kolkata"), ("UTC+0530", "Asia/Kolkata"),
        ("UTC+5:45", "Asia/Kathmandu"), ("UTC-3:30", None), ("UTC+2:00", "Etc/GMT-2"),
        ("UTC+15", None), ("Madird", None), ("localtime", None),
        ("Factory", None), ("", None), ("x" * 500, None), ("🎬", None), ("Madrid 🎬", None),
        ("New York City", "America/New_York"), ("NYC", "America/New_York"),
    ],
)
def test_resolve_zone(text: str, zone: str | None) -> None:
    assert resolve_zone(text) == zone


@pytest.mark.parametrize(
    ("zone", "label"),
    [("Etc/GMT-2", "UTC+2"), ("Etc/GMT+5", "UTC-5"), ("Etc/GMT-14", "UTC+14"), ("UTC", "UTC"),
     ("Europe/Madrid", "Europe/Madrid"), ("GMT+0", "GMT+0")],
)
def test_zone_label_shows_offsets_with_their_real_sign(zone: str, label: str) -> None:
    assert zone_label(zone) == label


@pytest.mark.parametrize(("offset", "zone"), sorted(FIXED_OFFSETS.items()))
def test_fixed_offsets_are_kept_by_their_zone_all_year(offset: str, zone: str) -> None:
    sign, hours, minutes = offset[0], *map(int, offset[1:].split(":"))
    expected = (1 if sign == "+" else -1) * timedelta(hours=hours, minutes=minutes)
    tz = ZoneInfo(zone)
    assert {tz.utcoffset(datetime(2026, month, 1)) for month in range(1, 13)} == {expected}


def genre(text: str, *, strict: bool = False) -> str | None:
    """A stand-in for ``Picker.resolve_genre``: typos only when not strict."""
    exact = {"comedy": "Comedy", "science fiction": "Science Fiction", "romance": "Romance"}
    typos = {"roma": "Romance", "comdy": "Comedy"}
    key = text.casefold()
    return exact.get(key) or (None if strict else typos.get(key))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", Show()),
        ("off", Off()),
        ("OFF", Off()),
        ("09:00 Europe/Madrid", Request(time(9), "Europe/Madrid", None)),
        ("21:30 Europe/Madrid comedy", Request(time(21, 30), "Europe/Madrid", "Comedy")),
        ("9:00", Request(time(9), "UTC", None)),
        ("21:30 comedy", Request(time(21, 30), "UTC", "Comedy")),
        ("8 new york science fiction", Request(time(8), "America/New_York", "Science Fiction")),
        ("8 Tokyo any", Request(time(8), "Asia/Tokyo", None)),
        ("25:00 Europe/Madrid", BadTime("25:00")),
        ("madrid 9:00", BadTime("madrid")),
        ("9:00 Madird", BadZoneOrGenre("Madird", ("Europe/Madrid", "Atlantic/Madeira"))),
        ("9:00 Europe/Madrid westerns", BadGenre("Europe/Madrid", "westerns")),
        ("off now", BadTime("off")),
        ("9 am Europe/Madrid", Request(time(9), "Europe/Madrid", None)),
        ("9:00 PM", Request(time(21), "UTC", None)),
        ("9:30 p.m. Tokyo comedy", Request(time(21, 30), "Asia/Tokyo", "Comedy")),
        ("13 pm", BadTime("13pm")),
        ("9 Roma", BadZoneOrGenre("Roma", ("Europe/Rome",), ("Romance",))),
        ("9 Madrid comdy", Request(time(9), "Europe/Madrid", "Comedy")),
        ("9 comdy", BadZoneOrGenre("comdy", (), ("Comedy",))),
        ("9:00 Madrid 🎬", BadGenre("Europe/Madrid", "🎬")),
        ("9:00 Madrid comedy 🎬", BadGenre("Europe/Madrid", "comedy 🎬")),
        ("9:00 🎬", BadZoneOrGenre("🎬", ())),
        ("9:00 New York City comedy", Request(time(9), "America/New_York", "Comedy")),
        ("9:00 GMT+5", Request(time(9), "Etc/GMT-5", None)),
        ("9:00 UTC+5:30", Request(time(9), "Asia/Kolkata", None)),
        ("9:00 UTC-3:30 comedy", BadOffset("UTC-3:30")),
        ("9:00 UTC+15", BadOffset("UTC+15")),
    ],
)
def test_parse_command(args: str, expected: object) -> None:
    assert parse_command(args.split(), genre) == expected


def fires(trigger: BaseTrigger, start: datetime, count: int) -> list[datetime]:
    """The fire times a scheduler would get from ``trigger``, as it asks for them."""
    out: list[datetime] = []
    previous, now = None, start
    while len(out) < count:
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None and fire.astimezone(UTC) >= now.astimezone(UTC)
        out.append(fire)
        previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)
    return out


def utc(times: list[datetime]) -> list[datetime]:
    return [t.astimezone(UTC) for t in times]


SPRING = datetime(2026, 3, 27, 12, tzinfo=UTC)
AUTUMN = datetime(2026, 10, 23, 12, tzinfo=UTC)


@pytest.mark.parametrize("start", [SPRING, AUTUMN])
def test_dst_keeps_0900_local(start: datetime) -> None:
    runs = fires(DailyTrigger(time(9), MADRID), start, 5)
    assert [r.astimezone(MADRID).time() for r in runs] == [time(9)] * 5
    first = start.date() + timedelta(days=1)
    assert [r.date() for r in runs] == [first + timedelta(days=i) for i in range(5)]
    offsets = [r.astimezone(UTC).hour for r in runs]
    assert offsets == ([8, 7, 7, 7, 7] if start is SPRING else [7, 8, 8, 8, 8])


@pytest.mark.parametrize("at", [time(9), time(12, 15), time(23, 59), time(4)])
@pytest.mark.parametrize("start", [SPRING, AUTUMN])
def test_trigger_agrees_with_cron_on_ordinary_times(at: time, start: datetime) -> None:
    cron = CronTrigger(hour=at.hour, minute=at.minute, second=0, timezone=MADRID)
    assert utc(fires(DailyTrigger(at, MADRID), start, 8)) == utc(fires(cron, start, 8))


@pytest.mark.parametrize("at", [time(0), time(0, 30), time(1, 59)])
def test_no_day_skipped_after_a_spring_forward_night(at: time) -> None:
    runs = fires(DailyTrigger(at, MADRID), SPRING, 5)
    assert [r.date().isoformat() for r in runs] == [
        "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01"]


def test_a_missing_time_runs_an_hour_later_and_a_repeated_one_once() -> None:
    spring = fires(DailyTrigger(time(2, 30), MADRID), SPRING, 3)
    assert spring[1].astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert (spring[1].hour, spring[1].minute) == (3, 30), "shown as the clock reads then"
    autumn = fires(DailyTrigger(time(2, 30), MADRID), AUTUMN, 3)
    assert [r.date().isoformat() for r in autumn] == ["2026-10-24", "2026-10-25", "2026-10-26"]
    assert autumn[1].astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("at", [time(9), time(0), time(2, 30), time(23, 59)])
@pytest.mark.parametrize("start", [SPRING, AUTUMN])
def test_previous_run_inverts_next_run(at: time, start: datetime) -> None:
    now = start
    for _ in range(6):
        run = next_run(now, at, MADRID)
        assert run.astimezone(UTC) > now.astimezone(UTC)
        assert run - now <= timedelta(days=1, hours=1)
        assert previous_run(run, at, MADRID) == run
        assert previous_run(run - timedelta(seconds=1), at, MADRID).astimezone(UTC) < run
        now = run


def test_delay_in_words() -> None:
    assert delay(timedelta(hours=5, minutes=12, seconds=30)) == "in 5 h 12 min"
    assert delay(timedelta(hours=2)) == "in 2 h"
    assert delay(timedelta(minutes=3)) == "in 3 min"
    assert delay(timedelta(seconds=20)) == "in under a minute"


def test_next_run_shows_a_skipped_time_as_the_clock_reads() -> None:
    run = next_run(datetime(2026, 3, 28, 12, tzinfo=UTC), time(2, 30), MADRID)
    assert (run.day, run.hour, run.minute, run.utcoffset()) == (29, 3, 30, timedelta(hours=2))
    assert previous_run(run, time(2, 30), MADRID) == run


# -- the posting policy ----------------------------------------------------------------------------

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = date(2026, 3, 2)
NINE_MADRID = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def sub(at: time, zone: str, since: datetime) -> Subscription:
    return Subscription(1, at, zone, since=since)


def sent(day: date, run_at: datetime, state: PostState = PostState.SENT, **kw: object) -> Post:
    return Post(1, day, 862, state, 1, run_at, **kw)  # type: ignore[arg-type]


def test_a_new_post_is_sent_at_its_time_and_caught_up_for_less_than_an_hour() -> None:
    s = sub(time(9), "Europe/Madrid", NINE_MADRID - timedelta(days=5))
    assert plan(NINE_MADRID, s, []) == Send(DAY, NINE_MADRID)
    assert plan(NINE_MADRID + timedelta(minutes=59), s, []) == Send(DAY, NINE_MADRID)
    assert plan(NINE_MADRID + timedelta(minutes=60), s, []) == Skip(DAY, Skipped.LATE)
    assert plan(NINE_MADRID, s, [sent(DAY, NINE_MADRID)]) is None, "one post a day"
    for state in (PostState.SENDING, PostState.FAILED):
        assert plan(NINE_MADRID, s, [sent(DAY, NINE_MADRID, state)]) is None


def test_no_catch_up_of_a_post_time_before_the_subscription() -> None:
    s = sub(time(9), "Europe/Madrid", NINE_MADRID + timedelta(minutes=20))
    assert plan(NINE_MADRID + timedelta(minutes=30), s, []) is None
    assert next_post(NINE_MADRID + timedelta(minutes=30), s, []) == datetime(
        2026, 3, 3, 9, tzinfo=MADRID)


def test_a_later_time_the_same_day_waits_for_tomorrow() -> None:
    """09:00 Madrid posted; at 10:00 the chat moves to 21:00: nothing more today."""
    ten = NINE_MADRID + timedelta(hours=1)
    s = sub(time(21), "Europe/Madrid", ten)
    posts = [sent(DAY, NINE_MADRID)]
    first = next_post(ten, s, posts)
    assert first == datetime(2026, 3, 3, 21, tzinfo=MADRID)
    assert plan(datetime(2026, 3, 2, 20, tzinfo=UTC), s, posts) is None
    assert plan(first, s, posts) == Send(first.date(), first.astimezone(UTC))


def test_a_new_zone_never_posts_twice_within_min_gap() -> None:
    """09:00 Tokyo posted (2 March, 00:00 UTC); then 16:45 Los Angeles: its 1 March post, 45
    minutes later, is skipped; its 2 March one too, as that date had its post in Tokyo."""
    tokyo_nine = datetime(2026, 3, 2, 9, tzinfo=TOKYO)
    posts = [sent(DAY, tokyo_nine.astimezone(UTC))]
    la = ZoneInfo("America/Los_Angeles")
    s = sub(time(16, 45), "America/Los_Angeles", tokyo_nine + timedelta(seconds=30))
    first = next_post(tokyo_nine + timedelta(seconds=30), s, posts)
    assert first == datetime(2026, 3, 3, 16, 45, tzinfo=la)
    assert plan(tokyo_nine + timedelta(minutes=45), s, posts) == Skip(date(2026, 3, 1),
                                                                      Skipped.TOO_SOON)
    assert plan(datetime(2026, 3, 2, 16, 45, tzinfo=la), s, posts) is None
    assert isinstance(plan(first, s, posts), Send)


def test_min_gap_counts_from_when_the_last_post_was_due() -> None:
    """A chat moved from 09:00 to 05:00 (20 h after) posts tomorrow; to 04:00, the day after."""
    ten = NINE_MADRID + timedelta(hours=1)
    posts = [sent(DAY, NINE_MADRID)]
    five = next_post(ten, sub(time(5), "Europe/Madrid", ten), posts)
    assert five == datetime(2026, 3, 3, 5, tzinfo=MADRID)
    four = next_post(ten, sub(time(4), "Europe/Madrid", ten), posts)
    assert four == datetime(2026, 3, 4, 4, tzinfo=MADRID)


def test_pending_posts_are_retried_at_their_time_until_the_day_ends() -> None:
    s = sub(time(9), "Europe/Madrid", NINE_MADRID - timedelta(days=5))
    later = NINE_MADRID + timedelta(minutes=10)
    pending = sent(DAY, NINE_MADRID, PostState.PENDING, retry_at=later)
    assert plan(NINE_MADRID + timedelta(minutes=1), s, [pending]) == Retry(DAY, later)
    assert next_post(NINE_MADRID + timedelta(minutes=1), s, [pending]) == later
    assert plan(later, s, [pending]) == Send(DAY, NINE_MADRID)
    assert plan(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), s, [pending]) == Skip(
        DAY, Skipped.DAY_OVER)


@pytest.mark.parametrize(
    ("failure", "attempts", "wait", "expected"),
    [
        (Failure.MAYBE_DELIVERED, 1, timedelta(0), PostState.SENDING),
        (Failure.REFUSED, 1, timedelta(0), PostState.FAILED),
        (Failure.GONE, 1, timedelta(0), PostState.FAILED),
        (Failure.NOT_SENT, 1, timedelta(0), timedelta(seconds=30)),
        (Failure.NOT_SENT, 2, timedelta(0), timedelta(seconds=120)),
        (Failure.NOT_SENT, 9, timedelta(0), timedelta(seconds=3600)),
        (Failure.FLOOD, 1, timedelta(seconds=30), timedelta(seconds=31)),
        (Failure.FLOOD, MAX_ATTEMPTS, timedelta(seconds=30), PostState.FAILED),
        (Failure.FLOOD, 1, timedelta(hours=15), PostState.FAILED),  # past the local midnight
    ],
)
def test_after_failure(
    failure: Failure, attempts: int, wait: timedelta, expected: PostState | timedelta
) -> None:
    s = sub(time(9), "Europe/Madrid", NINE_MADRID - timedelta(days=5))
    post = Post(1, DAY, 862, PostState.SENDING, attempts, NINE_MADRID)
    outcome = after_failure(NINE_MADRID, s, post, failure, wait)
    if isinstance(expected, timedelta):
        assert outcome == Retry(DAY, NINE_MADRID + expected)
    else:
        assert outcome is expected
