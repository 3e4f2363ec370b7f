"""When daily posts fall due, and the APScheduler trigger that fires them.

A post time is a wall-clock time in an IANA zone, kept across daylight-saving changes (09:00
Madrid is 08:00 UTC in winter, 07:00 in summer). A time that does not exist on a spring-forward
day runs at that wall-clock time under the old offset (02:30 CET → 03:30 CEST, as APScheduler
does, and shown as 03:30); a time that exists twice on a fall-back day runs once, at its first
occurrence.

:class:`DailyTrigger` fires the JobQueue job at exactly these times. It replaces the
``CronTrigger`` of ``JobQueue.run_daily``, which in APScheduler 3.11 skips the day after a
spring-forward day for times between midnight and the gap (00:30 Europe/Madrid fires on
29 March 2026, then on 31 March) and fires twice on fall-back days for times in the repeated hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``zone``, as the clock there reads when it runs: a time skipped by a
    spring-forward change comes out an hour later (02:30 → 03:30 CEST)."""
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)


def next_run(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first post time strictly after ``now`` (aware), as a local datetime in ``zone``."""
    today = now.astimezone(zone).date()
    for day in (today, today + timedelta(days=1), today + timedelta(days=2)):
        run = _at(day, at, zone)
        if run.astimezone(UTC) > now.astimezone(UTC):
            return run
    raise AssertionError("unreachable: a day always has a post time")


def previous_run(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The last post time at or before ``now``; its local date names that day's post."""
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1), today - timedelta(days=2)):
        run = _at(day, at, zone)
        if run.astimezone(UTC) <= now.astimezone(UTC):
            return run
    raise AssertionError("unreachable: a day always has a post time")


class DailyTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler ships no type hints
    """APScheduler trigger: every day at ``at`` (wall-clock) in ``zone``, by :func:`next_run`."""

    __slots__ = ("at", "zone")

    def __init__(self, at: time, zone: ZoneInfo) -> None:
        self.at = at.replace(tzinfo=None)
        self.zone = zone

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The first post time at or after ``now`` and after ``previous_fire_time``."""
        after = now.astimezone(UTC) - timedelta(microseconds=1)
        if previous_fire_time is not None:
            after = max(after, previous_fire_time.astimezone(UTC))
        return next_run(after, self.at, self.zone)

    def __str__(self) -> str:
        return f"daily at {self.at:%H:%M} {self.zone.key}"

    def __repr__(self) -> str:
        return f"<DailyTrigger ({self})>"


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight after ``day``: a day's post is not retried past it."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
