"""Callback data for inline buttons: short, ASCII, and valid across restarts of the bot.

A button names an action (the command to answer), a :class:`Ref` (a TMDB id or an entity
number, stable for one catalog file), the page to show, and whether pressing it edits the
message it sits under (candidate lists, Prev/Next) or answers with a new message (buttons under
answers and daily posts). The catalog's ``version`` is part of the data, so a button made for
another catalog file decodes to ``None``: "this button has expired, ask again". So does data that
does not fit together (an action with a kind of reference its command never takes, a page of an
answer that has none): anyone can send ``/start <anything>``, so nothing is trusted.

Format: ``{version}|{action}|{kind}|{key}|{page}`` plus ``|e`` when the button edits in place,
e.g. ``5d22c2|dir|d|1234|2|e``, or ``|l`` for a page of the choice that the name of ``ref``
asks (it edits in place too). Telegram allows 64 bytes; these stay under 40, and a
discovery's (whose key packs its filters, up to 36 digits) under 60.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.chat.commands import SPECS
from bot.movies.discovery import MAX_DIGITS
from bot.movies.results import Kind, Ref

MAX_BYTES = 64
SEPARATOR = "|"
DEEP_LINK_SEPARATOR = "_"

ACTIONS = {name: spec.code for name, spec in SPECS.items()}
KINDS = {
    Kind.MOVIE: "m",
    Kind.COLLECTION: "c",
    Kind.COMPANY: "p",
    Kind.DIRECTOR: "d",
    Kind.COUNTRY: "n",
    Kind.LANGUAGE: "l",
    Kind.DISCOVERY: "q",
}
_ACTION_OF = {code: action for action, code in ACTIONS.items()}
_KIND_OF = {code: kind for kind, code in KINDS.items()}
_VERSION = re.compile(r"[0-9A-Za-z]{1,16}")
_NUMBER = re.compile(r"\d{1,12}")
_PACKED = re.compile(rf"\d{{1,{MAX_DIGITS}}}")
"""A discovery's key packs its filters: longer than any entity number."""
MAX_PAGE = 999
"""No answer has that many pages; a larger page number is forged."""


@dataclass(frozen=True, slots=True)
class Button:
    """What a pressed button asks for."""

    action: str
    ref: Ref
    page: int = 0
    edit: bool = False
    listing: bool = False
    """A page of the choice the name of ``ref`` asks, not the answer about ``ref``."""


def encode(
    action: str, ref: Ref, version: str, page: int = 0, *, edit: bool = False,
    listing: bool = False,
) -> str:
    """Callback data for a button that answers ``action`` about ``ref`` (page ``page``).

    ``edit=True`` answers by editing the message the button is under; ``listing=True`` shows
    page ``page`` of the choice that ``ref``'s name asks (always in place).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown button action {action!r}")
    if not _fits(action, ref, page, listing):
        raise ValueError(f"/{action} takes no {ref.kind} page {page}")
    if not _VERSION.fullmatch(version):
        raise ValueError("catalog version must be 1-16 letters or digits")
    if ref.key < 0 or page < 0:
        raise ValueError("button keys and pages are non-negative")
    fields = [version, ACTIONS[action], KINDS[ref.kind], str(ref.key), str(page)]
    if listing:
        fields.append("l")
    elif edit:
        fields.append("e")
    data = SEPARATOR.join(fields)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over Telegram's 64 bytes")
    return data


def decode(data: str, version: str) -> Button | None:
    """The button ``data`` stands for, or None if it is malformed, foreign or expired.

    Accepts the deep-link form of the data too (see :func:`deep_link_payload`).
    """
    if not isinstance(data, str) or len(data) > MAX_BYTES:
        return None
    fields = data.split(SEPARATOR if SEPARATOR in data else DEEP_LINK_SEPARATOR)
    listing = fields[-1:] == ["l"]
    edit = listing or fields[-1:] == ["e"]
    if edit:
        fields.pop()
    if len(fields) != 5:
        return None
    data_version, action_code, kind_code, key, page = fields
    action = _ACTION_OF.get(action_code)
    kind = _KIND_OF.get(kind_code)
    if action is None or kind is None or data_version != version:
        return None
    digits = _PACKED if kind is Kind.DISCOVERY else _NUMBER
    if not (digits.fullmatch(key) and _NUMBER.fullmatch(page)):
        return None
    ref = Ref(kind, int(key))
    if not _fits(action, ref, int(page), listing):
        return None
    return Button(action, ref, int(page), edit, listing)


def _fits(action: str, ref: Ref, page: int, listing: bool = False) -> bool:
    """Whether the command ``action`` answers about ``ref`` and has a page ``page`` (any
    choice may have pages)."""
    spec = SPECS[action]
    paged = spec.paged or listing
    return spec.accepts(ref) and (page == 0 or (paged and page <= MAX_PAGE))


def deep_link_payload(data: str) -> str:
    """Button data as a ``t.me/bot?start=...`` payload (only ``A-Za-z0-9_-`` are allowed there).

    Used where the bot cannot answer in the chat itself (a channel post, an inline message):
    the button opens the private chat, whose ``/start <payload>`` gets the answer.
    """
    return data.replace(SEPARATOR, DEEP_LINK_SEPARATOR)
