"""Parsing /daily arguments and computing post times, checked against APScheduler's trigger."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.schedule import (
    BadGenre,
    BadTime,
    BadZoneOrGenre,
    DailyTrigger,
    Off,
    Request,
    Show,
    describe_delay,
    next_run,
    parse_command,
    parse_time,
    previous_run,
    resolve_zone,
)

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
        ("UTC", "UTC"), ("utc+2", "Etc/GMT-2"), ("UTC-5", "Etc/GMT+5"), ("GMT+0", "GMT+0"),
        ("UTC+5:30", None), ("UTC+15", None), ("Madird", None), ("localtime", None),
        ("Factory", None), ("", None), ("x" * 500, None), ("🎬", None),
    ],
)
def test_resolve_zone(text: str, zone: str | None) -> None:
    assert resolve_zone(text) == zone


def genre(text: str) -> str | None:
    return {"comedy": "Comedy", "science fiction": "Science Fiction"}.get(text.casefold())


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


def test_describe_delay() -> None:
    assert describe_delay(timedelta(hours=5, minutes=12, seconds=30)) == "in 5 h 12 min"
    assert describe_delay(timedelta(hours=2)) == "in 2 h"
    assert describe_delay(timedelta(minutes=3)) == "in 3 min"
    assert describe_delay(timedelta(seconds=20)) == "in under a minute"
