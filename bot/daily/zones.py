"""Time zones as people type them: IANA names in any case, cities, common abbreviations and UTC
offsets, resolved to an IANA zone; and how a zone is shown back (``UTC+2``, not tzdata's
sign-inverted ``Etc/GMT-2``).

Pure functions over :mod:`zoneinfo` and the system's tz database, no Telegram.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from rapidfuzz import fuzz, process

from bot.movies.matching import normalize

DEFAULT_ZONE = "UTC"

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


def _key(text: str) -> str:
    """Compare zone and city names without case, accents, punctuation or extra spaces."""
    return normalize(text)


def searchable(text: str) -> bool:
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


def offset_zone(text: str) -> str | None:
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
    if (offset := offset_zone(text)) is not None:
        return offset or None
    if not searchable(text):
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
