"""Daily post times: what people type for a time and a time zone, and when posts fall due.

Pure functions over :mod:`zoneinfo`, no Telegram. A post time is a wall-clock time in an IANA
zone, kept across daylight-saving changes (09:00 Madrid is 08:00 UTC in winter, 07:00 in summer).
A time that does not exist on a spring-forward day runs at that wall-clock time under the old
offset (02:30 CET → 03:30 CEST, as APScheduler does); a time that exists twice on a fall-back
day runs once, at its first occurrence.

:class:`DailyTrigger` fires the JobQueue job at exactly these times. It replaces the
``CronTrigger`` of ``JobQueue.run_daily``, which in APScheduler 3.11 skips the day after a
spring-forward day for times between midnight and the gap (00:30 Europe/Madrid fires on
29 March 2026, then on 31 March) and fires twice on fall-back days for times in the repeated hour.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from rapidfuzz import fuzz, process

from bot.matching import normalize

DEFAULT_ZONE = "UTC"

CATCH_UP = timedelta(hours=1)
"""A post missed while the bot was down is sent at start if its time passed less than this ago."""

ABBREVIATIONS = {
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "akst": "America/Anchorage",
    "cest": "CET",
    "bst": "Europe/London",
    "ist": "Asia/Kolkata",
    "msk": "Europe/Moscow",
    "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "hkt": "Asia/Hong_Kong",
    "sgt": "Asia/Singapore",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
    "brt": "America/Sao_Paulo",
    "beijing": "Asia/Shanghai",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "washington": "America/New_York",
    "san francisco": "America/Los_Angeles",
}
"""Common abbreviations, and big cities that are not the city of a zone. People who write "EST"
or "PST" mean the region's clock, daylight saving included, so these map to a city's zone
(tzdata's own ``EST`` and ``MST`` are fixed UTC-5/UTC-7 all year). Every other name, and every
city that names a zone (``Madrid``, ``New York``, ``Tokyo``), comes from tzdata itself."""

_MAIN_AREAS = (
    "Europe", "America", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian",
    "Antarctica",
)
_NOT_ZONES = {"factory", "localtime", "posixrules", "posix", "right"}
_OFFSET = re.compile(r"(?:utc|gmt)([+-])(\d{1,2})(?::?00)?", re.ASCII)
_TIME = re.compile(
    r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?:(?P<ampm>[ap])\.?m\.?)?|(?P<hh>\d{2})(?P<mm>\d{2})",
    re.ASCII | re.IGNORECASE,
)


def parse_time(text: str) -> time | None:
    """``09:00``, ``9:00``, ``9``, ``21h30``, ``21.30``, ``2130``; ``9am``/``9:30 pm`` too."""
    found = _TIME.fullmatch(text.strip())
    if not found:
        return None
    if found["hh"]:
        hour, minute = int(found["hh"]), int(found["mm"])
    else:
        hour, minute = int(found["h"]), int(found["m"] or 0)
    if ampm := found["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _key(text: str) -> str:
    """Compare zone and city names without case, accents, punctuation or extra spaces."""
    return normalize(text)


@cache
def _zones() -> tuple[dict[str, str], dict[str, str]]:
    """(exact IANA name → zone, city or alias → zone) from the system's tz database."""
    names = sorted(
        (z for z in zoneinfo.available_timezones() if z.split("/")[0].lower() not in _NOT_ZONES),
        key=lambda z: (z.split("/")[0] not in _MAIN_AREAS, z.count("/"), z),
    )
    exact = {z.casefold(): z for z in names}
    cities: dict[str, str] = {}
    for z in names:
        cities.setdefault(_key(z.rsplit("/", 1)[-1]), z)
    for alias, z in ABBREVIATIONS.items():
        if z in names:
            cities[alias] = z
    return exact, cities


def resolve_zone(text: str) -> str | None:
    """The IANA zone ``text`` names, or None.

    Accepts the names in :data:`ABBREVIATIONS`, IANA names in any case (``europe/madrid``), the
    city of any zone (``Madrid``, ``new york``, ``sao_paulo``) and whole-hour offsets (``UTC+2``
    → ``Etc/GMT-2``, whose sign tzdata inverts).
    """
    text = text.strip()
    if not text or len(text) > 64:
        return None
    exact, cities = _zones()
    key = _key(text)
    zone = ABBREVIATIONS.get(key) or exact.get(text.casefold()) or cities.get(key)
    if zone:
        return zone if zone.casefold() in exact else None
    if offset := _OFFSET.fullmatch("".join(text.casefold().split())):
        hours = int(offset[2])
        zone = f"Etc/GMT{'-' if offset[1] == '+' else '+'}{hours}" if hours else "UTC"
        return exact.get(zone.casefold())
    return None


def suggest_zones(text: str, limit: int = 3) -> list[str]:
    """Zones whose name or city looks like ``text``, for "did you mean" hints."""
    key = _key(text)[:64]
    if not key:
        return []
    _, cities = _zones()
    found = process.extract(key, list(cities), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=75)
    return list(dict.fromkeys(cities[name] for name, _, _ in found))[:limit]


@dataclass(frozen=True, slots=True)
class Request:
    """A parsed ``/daily`` change: post at ``at`` in ``zone``, restricted to ``genre`` if set."""

    at: time
    zone: str
    genre: str | None


@dataclass(frozen=True, slots=True)
class Off:
    """``/daily off``: end the subscription."""


@dataclass(frozen=True, slots=True)
class Show:
    """``/daily`` alone: show the subscription."""


@dataclass(frozen=True, slots=True)
class BadTime:
    text: str


@dataclass(frozen=True, slots=True)
class BadZoneOrGenre:
    """The words after the time are neither a zone (then a genre) nor a genre alone."""

    text: str
    zones: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BadGenre:
    zone: str
    text: str


Parsed = Request | Off | Show | BadTime | BadZoneOrGenre | BadGenre

OFF_WORDS = {"off", "stop", "cancel", "unsubscribe", "none", "disable"}
_MAX_ZONE_WORDS = 3


def parse_command(args: Sequence[str], resolve_genre: Callable[[str], str | None]) -> Parsed:
    """Parse ``/daily`` arguments: ``[time [zone] [genre]]`` or ``off``.

    The zone may take several words (``New York``); the longest run of leading words that names
    a zone wins and the rest is the genre. Without a zone, the words may be a genre alone
    (``/daily 21:30 comedy``, zone :data:`DEFAULT_ZONE`). ``resolve_genre`` maps text to a genre
    name (or None); ``any`` / ``all`` mean no restriction.
    """
    if not args:
        return Show()
    if len(args) == 1 and args[0].casefold() in OFF_WORDS:
        return Off()
    at = parse_time(args[0])
    if at is None:
        return BadTime(args[0])
    rest = list(args[1:])
    for n in range(min(_MAX_ZONE_WORDS, len(rest)), 0, -1):
        if zone := resolve_zone(" ".join(rest[:n])):
            genre = _genre(rest[n:], resolve_genre)
            if genre is False:
                return BadGenre(zone, " ".join(rest[n:]))
            return Request(at, zone, genre)
    genre = _genre(rest, resolve_genre)
    if genre is False:
        return BadZoneOrGenre(" ".join(rest), tuple(suggest_zones(" ".join(rest[:2]))))
    return Request(at, DEFAULT_ZONE, genre)


def _genre(words: Sequence[str], resolve_genre: Callable[[str], str | None]) -> str | bool | None:
    """The genre named by ``words``: None for no restriction, False when unknown."""
    text = " ".join(words)
    if not text or text.casefold() in {"any", "all", "*"}:
        return None
    return resolve_genre(text) or False


def _at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)


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


class DailyTrigger(BaseTrigger):
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


def describe_delay(delta: timedelta) -> str:
    """``in 5 h 12 min``, ``in 3 min``, ``in under a minute``."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "in under a minute"
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} min")
    return "in " + " ".join(parts)
