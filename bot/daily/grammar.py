"""The ``/daily`` command's grammar: ``[time [zone] [genre]]`` or ``off``, parsed into what the
chat asked for (:class:`Request`, :class:`Off`, :class:`Show`) or what was wrong with it
(:class:`BadTime`, :class:`BadZoneOrGenre`, :class:`BadOffset`, :class:`BadGenre`).

Pure functions, no Telegram; zones come from :mod:`bot.daily.zones`, genres from the caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import Literal, Protocol

from bot.daily.zones import DEFAULT_ZONE, offset_zone, resolve_zone, searchable, suggest_zones

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
        if offset_zone(text) == "":
            return BadOffset(text)
    genre = _genre(rest, resolve_genre, strict=True)
    if genre is False:
        text = " ".join(rest)
        meant = resolve_genre(text) if searchable(text) else None
        return BadZoneOrGenre(text, tuple(suggest_zones(" ".join(rest[:2]))),
                              (meant,) if meant else ())
    return Request(at, DEFAULT_ZONE, genre)


def _genre(
    words: Sequence[str], resolve_genre: GenreResolver, *, strict: bool
) -> str | Literal[False] | None:
    """The genre named by ``words``: None for no restriction, False when unknown."""
    text = " ".join(words)
    if not text or text.casefold() in {"any", "all", "*"}:
        return None
    if not searchable(text):
        return False
    return resolve_genre(text, strict=strict) or False
