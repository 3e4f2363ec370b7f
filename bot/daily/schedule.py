"""Daily post times: what people type for a time and a time zone, and when posts fall due.

Pure functions over :mod:`zoneinfo`, no Telegram. A post time is a wall-clock time in an IANA
zone, kept across daylight-saving changes (09:00 Madrid is 08:00 UTC in winter, 07:00 in summer).
A time that does not exist on a spring-forward day runs at that wall-clock time under the old
offset (02:30 CET → 03:30 CEST, as APScheduler does, and shown as 03:30); a time that exists
twice on a fall-back day runs once, at its first occurrence.

:class:`DailyTrigger` fires the JobQueue job at exactly these times. It replaces the
``CronTrigger`` of ``JobQueue.run_daily``, which in APScheduler 3.11 skips the day after a
spring-forward day for times between midnight and the gap (00:30 Europe/Madrid fires on
29 March 2026, then on 31 March) and fires twice on fall-back days for times in the repeated hour.

The posting policy is here too, in one place: :func:`plan` tells the daily job, the retry job and
the restore at start what to do about a chat now (send which day's post, retry it when, or skip
it); :func:`after_failure` what a failed send becomes; :func:`next_post` when the chat's next post
will really go out, which is what ``/daily`` promises.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from rapidfuzz import fuzz, process

from bot.daily.store import Post, PostState, Subscription
from bot.movies.matching import normalize

DEFAULT_ZONE = "UTC"

CATCH_UP = timedelta(hours=1)
"""A post missed while the bot was down is sent at start if its time passed less than this ago."""

MIN_GAP = timedelta(hours=20)
"""The least time between the post times of two posts in one chat. Changing the time or the zone
of a subscription never brings a second post within this (09:00 in Tokyo, then 16:45 in Los
Angeles, is 45 minutes later); the post it holds back is the next day's."""

RETRY_DELAYS = (30, 120, 600, 1800, 3600)
"""Seconds before each retry after a request that never reached Telegram; the last repeats."""

MAX_ATTEMPTS = 12

FLOOD_MARGIN = timedelta(seconds=1)
"""Added to Telegram's ``retry_after`` before sending again."""

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
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "washington": "America/New_York",
    "new york city": "America/New_York",
    "nyc": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "rio de janeiro": "America/Sao_Paulo",
    "barcelona": "Europe/Madrid",
    "munich": "Europe/Berlin",
    "milan": "Europe/Rome",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "osaka": "Asia/Tokyo",
}
"""Common abbreviations, and big cities that are not the city of a zone. People who write "EST"
or "PST" mean the region's clock, daylight saving included, so these map to a city's zone
(tzdata's own ``EST`` and ``MST`` are fixed UTC-5/UTC-7 all year). Every other name, and every
city that names a zone (``Madrid``, ``New York``, ``Tokyo``), comes from tzdata itself."""

FIXED_OFFSETS = {
    "-9:30": "Pacific/Marquesas",
    "+3:30": "Asia/Tehran",
    "+4:30": "Asia/Kabul",
    "+5:30": "Asia/Kolkata",
    "+5:45": "Asia/Kathmandu",
    "+6:30": "Asia/Yangon",
    "+8:45": "Australia/Eucla",
    "+9:30": "Australia/Darwin",
}
"""Offsets that are not whole hours (tzdata has no ``Etc`` zone for them) and that some zone
keeps all year, with that zone: ``UTC+5:30`` is Asia/Kolkata (Sri Lanka's Asia/Colombo keeps the
same clock). Other such offsets are only some places' summer or winter time (Newfoundland's
UTC-3:30, Adelaide's UTC+9:30 and +10:30): people there are asked for their zone instead."""

_MAIN_AREAS = (
    "Europe", "America", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian",
    "Antarctica",
)
_NOT_ZONES = {"factory", "localtime", "posixrules", "posix", "right"}
_OFFSET = re.compile(r"(?:utc|gmt)([+-])(\d{1,2})(?::?(\d{2}))?", re.ASCII)
_OFFSET_NAME = re.compile(r"GMT[+-]?\d+")
_ETC_OFFSET = re.compile(r"Etc/GMT([+-])(\d{1,2})")
_TIME = re.compile(
    r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?:(?P<ampm>[ap])\.?m\.?)?|(?P<hh>\d{2})(?P<mm>\d{2})",
    re.ASCII | re.IGNORECASE,
)
_AMPM = re.compile(r"[ap]\.?m\.?", re.ASCII | re.IGNORECASE)


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


def _searchable(text: str) -> bool:
    """Whether every word of ``text`` has a letter or digit (``🎬`` or ``—`` has none)."""
    return all(_key(word) for word in text.split())


@cache
def _zones() -> tuple[dict[str, str], dict[str, str]]:
    """(exact IANA name → zone, city or alias → zone) from the system's tz database.

    ``Etc/*`` and ``GMT+0``-style names are no city: offsets are read by :func:`resolve_zone`.
    """
    names = sorted(
        (z for z in zoneinfo.available_timezones() if z.split("/")[0].lower() not in _NOT_ZONES),
        key=lambda z: (z.split("/")[0] not in _MAIN_AREAS, z.count("/"), z),
    )
    exact = {z.casefold(): z for z in names}
    cities: dict[str, str] = {}
    for z in names:
        area, _, city = z.rpartition("/")
        if area != "Etc" and not _OFFSET_NAME.fullmatch(city):
            cities.setdefault(_key(city), z)
    for alias, z in ABBREVIATIONS.items():
        if z in names:
            cities[alias] = z
    return exact, cities


def _offset_zone(text: str) -> str | None:
    """The zone of a UTC offset (``UTC+2`` → ``Etc/GMT-2``, ``UTC+5:30`` → Asia/Kolkata); ""
    for an offset no zone has all year; None if ``text`` is no offset."""
    found = _OFFSET.fullmatch("".join(text.casefold().split()))
    if not found:
        return None
    sign, hours, minutes = found[1], int(found[2]), int(found[3] or 0)
    if minutes:
        return FIXED_OFFSETS.get(f"{sign}{hours}:{minutes:02d}", "")
    if not hours:
        return DEFAULT_ZONE
    exact, _ = _zones()
    return exact.get(f"etc/gmt{'-' if sign == '+' else '+'}{hours}", "")


def resolve_zone(text: str) -> str | None:
    """The IANA zone ``text`` names, or None.

    Accepts UTC offsets (``UTC+2`` → ``Etc/GMT-2``, whose sign tzdata inverts; ``GMT-5``;
    ``UTC+5:30`` by :data:`FIXED_OFFSETS`), the names in :data:`ABBREVIATIONS`, IANA names in
    any case (``europe/madrid``) and the city of any zone (``Madrid``, ``new york``,
    ``sao_paulo``). A word with nothing searchable (``Madrid 🎬``) makes it no zone.
    """
    text = text.strip()
    if not text or len(text) > 64:
        return None
    if (offset := _offset_zone(text)) is not None:
        return offset or None
    if not _searchable(text):
        return None
    exact, cities = _zones()
    key = _key(text)
    zone = ABBREVIATIONS.get(key) or exact.get(text.casefold()) or cities.get(key)
    return zone if zone and zone.casefold() in exact else None


def zone_label(zone: str) -> str:
    """How a zone is shown to people: tzdata's ``Etc/GMT-2`` (sign inverted) is ``UTC+2``."""
    found = _ETC_OFFSET.fullmatch(zone)
    if not found:
        return zone
    hours = int(found[2])
    return f"UTC{'-' if found[1] == '+' else '+'}{hours}" if hours else DEFAULT_ZONE


def suggest_zones(text: str, limit: int = 3) -> list[str]:
    """Zones whose name or city looks like ``text``, for "did you mean" hints."""
    key = _key(text)[:64]
    if not key:
        return []
    _, cities = _zones()
    found = process.extract(key, list(cities), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=75)
    return list(dict.fromkeys(cities[name] for name, _, _ in found))[:limit]


# -- /daily arguments ------------------------------------------------------------------------------


class GenreResolver(Protocol):
    """Text → catalog genre (or None). ``strict``: only its exact name, an alias or a plural;
    otherwise light typos too."""

    def __call__(self, text: str, *, strict: bool = False) -> str | None: ...


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
    """The words after the time are neither a zone (then a genre) nor a genre alone; ``zones``
    and ``genres`` are what they may have meant."""

    text: str
    zones: tuple[str, ...]
    genres: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BadOffset:
    """A UTC offset no zone keeps all year (``UTC-3:30``, ``UTC+15``)."""

    text: str


@dataclass(frozen=True, slots=True)
class BadGenre:
    zone: str
    text: str


Parsed = Request | Off | Show | BadTime | BadZoneOrGenre | BadOffset | BadGenre

OFF_WORDS = {"off", "stop", "cancel", "unsubscribe", "none", "disable"}
_MAX_ZONE_WORDS = 3


def parse_command(args: Sequence[str], resolve_genre: GenreResolver) -> Parsed:
    """Parse ``/daily`` arguments: ``[time [zone] [genre]]`` or ``off``.

    ``am``/``pm`` may follow the time as a word (``9 am``). The zone may take several words
    (``New York``); the longest run of leading words that names a zone wins and the rest is the
    genre, typos forgiven. Without a zone, the words may be a genre alone (``/daily 21:30
    comedy``, zone :data:`DEFAULT_ZONE`), but only by its exact name, an alias or a plural: a
    misspelt city (``Roma``) is reported, with what it may have meant, rather than read as a
    genre (Romance). ``any`` / ``all`` mean no restriction.
    """
    if not args:
        return Show()
    if len(args) == 1 and args[0].casefold() in OFF_WORDS:
        return Off()
    words = list(args)
    if len(words) > 1 and _AMPM.fullmatch(words[1]):
        words[:2] = [words[0] + words[1]]
    at = parse_time(words[0])
    if at is None:
        return BadTime(words[0])
    rest = words[1:]
    for n in range(min(_MAX_ZONE_WORDS, len(rest)), 0, -1):
        text = " ".join(rest[:n])
        if zone := resolve_zone(text):
            genre = _genre(rest[n:], resolve_genre, strict=False)
            if genre is False:
                return BadGenre(zone, " ".join(rest[n:]))
            return Request(at, zone, genre)
        if _offset_zone(text) == "":
            return BadOffset(text)
    genre = _genre(rest, resolve_genre, strict=True)
    if genre is False:
        text = " ".join(rest)
        meant = resolve_genre(text) if _searchable(text) else None
        return BadZoneOrGenre(text, tuple(suggest_zones(" ".join(rest[:2]))),
                              (meant,) if meant else ())
    return Request(at, DEFAULT_ZONE, genre)


def _genre(
    words: Sequence[str], resolve_genre: GenreResolver, *, strict: bool
) -> str | bool | None:
    """The genre named by ``words``: None for no restriction, False when unknown."""
    text = " ".join(words)
    if not text or text.casefold() in {"any", "all", "*"}:
        return None
    if not _searchable(text):
        return False
    return resolve_genre(text, strict=strict) or False


# -- post times ------------------------------------------------------------------------------------


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


# -- the posting policy ----------------------------------------------------------------------------


class Failure(StrEnum):
    """How a send failed, as far as the post is concerned."""

    GONE = "chat gone"
    """Blocked, removed, deleted: the chat is unsubscribed."""
    REFUSED = "refused"
    """Telegram answered with an error (a 4xx): it did nothing, and would refuse again."""
    FLOOD = "flood limit"
    """429 ``retry_after``: not sent; send again after the wait."""
    NOT_SENT = "not sent"
    """The connection failed before the request was out: safe to send again."""
    MAYBE_DELIVERED = "outcome unknown"
    """Every 5xx, a timeout or a connection lost while waiting for the answer: Telegram may
    have posted it, so it is never sent again (a missing post is better than a double one)."""


class Skipped(StrEnum):
    """Why a post time passes without a post."""

    TOO_SOON = "too soon after the previous post"
    LATE = "missed while the bot was down"
    DAY_OVER = "its day ended before a retry got through"


@dataclass(frozen=True, slots=True)
class Send:
    """Send the post of ``day`` now; ``run`` is when it was due."""

    day: date
    run: datetime


@dataclass(frozen=True, slots=True)
class Retry:
    """The post of ``day`` is pending: send it again at ``at``."""

    day: date
    at: datetime


@dataclass(frozen=True, slots=True)
class Skip:
    """No post for ``day``, because of ``why``; a pending one is then given up."""

    day: date
    why: Skipped


Decision = Send | Retry | Skip | None


def horizon(now: datetime) -> date:
    """The oldest day whose post can matter to :func:`plan` or :func:`next_post` at ``now``."""
    return now.astimezone(UTC).date() - timedelta(days=3)


def plan(now: datetime, sub: Subscription, posts: Sequence[Post]) -> Decision:
    """What to do at ``now`` about the chat's latest post time; None when nothing is to be done
    (its post went out, is in flight or was given up, or it came before the subscription).

    ``posts`` are the chat's posts since :func:`horizon`. A pending post is sent again at its
    ``retry_at`` until its local day ends. A new post is sent if the subscription existed at its
    time (``sub.since``), it comes :data:`MIN_GAP` after the previous post, and its time passed
    less than :data:`CATCH_UP` ago (a post missed while the bot was down).
    """
    now = now.astimezone(UTC)
    zone = sub.tz
    run = previous_run(now, sub.at, zone)
    day = run.date()
    post = _of_day(posts, day)
    if post is not None:
        if post.state is not PostState.PENDING:
            return None
        if now >= day_end(day, zone):
            return Skip(day, Skipped.DAY_OVER)
        if post.retry_at is not None and post.retry_at > now:
            return Retry(day, post.retry_at)
        return Send(day, post.run_at or run.astimezone(UTC))
    if sub.since is not None and sub.since > run:
        return None
    if _too_soon(run, posts):
        return Skip(day, Skipped.TOO_SOON)
    if now - run >= CATCH_UP:
        return Skip(day, Skipped.LATE)
    return Send(day, run.astimezone(UTC))


def next_post(now: datetime, sub: Subscription, posts: Sequence[Post]) -> datetime:
    """When the chat's next post will go out, local to its zone: a pending retry, now if one is
    due, else the first post time :func:`plan` will send (no post yet that day, and
    :data:`MIN_GAP` after the previous one)."""
    zone = sub.tz
    decision = plan(now, sub, posts)
    if isinstance(decision, Retry):
        return decision.at.astimezone(zone)
    if isinstance(decision, Send):
        return now.astimezone(zone)
    run = now
    for _ in range(3):  # post times are 23 to 25 hours apart, more than MIN_GAP
        run = next_run(run, sub.at, zone)
        if _of_day(posts, run.date()) is None and not _too_soon(run, posts):
            return run
    raise AssertionError("unreachable: MIN_GAP is shorter than a day")


def after_failure(
    now: datetime, sub: Subscription, post: Post, failure: Failure,
    wait: timedelta = timedelta(0),
) -> PostState | Retry:
    """What ``post`` (its attempt just failed) becomes: a :class:`Retry` for a request that
    never reached Telegram (``NOT_SENT``, after :data:`RETRY_DELAYS`) or that Telegram asked to
    wait for (``FLOOD``, after ``wait``) while the local day lasts and attempts remain;
    ``sending`` (never sent again) if it may have been delivered; else ``failed``."""
    if failure is Failure.MAYBE_DELIVERED:
        return PostState.SENDING
    if failure is Failure.FLOOD:
        delay = wait + FLOOD_MARGIN
    elif failure is Failure.NOT_SENT:
        delay = timedelta(seconds=RETRY_DELAYS[min(post.attempts, len(RETRY_DELAYS)) - 1])
    else:
        return PostState.FAILED
    at = now.astimezone(UTC) + delay
    if post.attempts >= MAX_ATTEMPTS or at >= day_end(post.day, sub.tz):
        return PostState.FAILED
    return Retry(post.day, at)


def _of_day(posts: Sequence[Post], day: date) -> Post | None:
    return next((p for p in posts if p.day == day), None)


def _too_soon(run: datetime, posts: Sequence[Post]) -> bool:
    """Whether a post that may have reached the chat was due less than MIN_GAP before ``run``
    (or after it: the post times of an old zone)."""
    return any(
        p.run_at is not None and run - p.run_at < MIN_GAP
        for p in posts
        if p.state in (PostState.SENT, PostState.SENDING)
    )
