"""Inline keyboards: every button the bot shows is made here from callback data
(:mod:`bot.chat.buttons`) and a label.

A :class:`~bot.chat.commands.Link` whose command needs the recommender is left out when the
recommender is not loaded: the one place that knows it.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat import buttons, formatting
from bot.chat.commands import SPECS, Link, more_like_this_link
from bot.chat.i18n import EN, N_, Translator
from bot.movies.catalog import Catalog
from bot.movies.results import Movie, Option, Ref

BUTTON_LABEL_CHARS = 60
PREV = N_("‹ Prev")  # noqa: RUF001
NEXT = N_("Next ›")  # noqa: RUF001
MAX_ALSO_BUTTONS = 4
CHOICES_PER_PAGE = 8

Rows = list[list[InlineKeyboardButton]]


def button(catalog: Catalog, label: str, action: str, ref: Ref, *, page: int = 0,
           edit: bool = False, listing: bool = False) -> InlineKeyboardButton:
    """A button that answers ``action`` about ``ref``; ``edit`` answers in place; ``listing``
    shows page ``page`` of the choice ``ref``'s name asks."""
    data = buttons.encode(action, ref, catalog.version, page, edit=edit, listing=listing)
    return InlineKeyboardButton(formatting.truncate(label, BUTTON_LABEL_CHARS), callback_data=data)


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """The rows that have buttons, or None when none has."""
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def link_rows(catalog: Catalog, links: Sequence[Link]) -> Rows:
    """One row per link that this catalog can answer; each answers in a new message."""
    return [
        [button(catalog, link.label, link.action, link.ref)]
        for link in links
        if catalog.can_recommend or not SPECS[link.action].needs_recommender
    ]


def more_like_this(catalog: Catalog, movie: Movie,
                   t: Translator = EN) -> InlineKeyboardMarkup | None:
    """The "More like this" button alone (inline results, daily posts)."""
    return keyboard(link_rows(catalog, [more_like_this_link(movie, t)]))


def also_rows(catalog: Catalog, action: str, also: Sequence[Option]) -> Rows:
    """Same-named entities the user may have meant: pressing one swaps the answer in place."""
    return [
        [button(catalog, f"↪ {option.label}", action, option.ref, edit=True)]
        for option in also[:MAX_ALSO_BUTTONS]
    ]


def choices(catalog: Catalog, action: str, options: Sequence[Option],
            anchor: Ref | None = None, page: int = 0,
            t: Translator = EN) -> InlineKeyboardMarkup | None:
    """One button per candidate of an ambiguous or unknown name; pressing one answers in place.

    Past ``CHOICES_PER_PAGE`` candidates (and with an ``anchor`` to ask them again by) they come
    in pages, with Prev/Next that edit the message.
    """
    nav: list[InlineKeyboardButton] = []
    if anchor is None or len(options) <= CHOICES_PER_PAGE:
        shown = options
    else:
        pages = -(-len(options) // CHOICES_PER_PAGE)
        page = min(max(page, 0), pages - 1)
        shown = options[page * CHOICES_PER_PAGE : (page + 1) * CHOICES_PER_PAGE]
        if page > 0:
            nav.append(button(catalog, t._(PREV), action, anchor, page=page - 1, listing=True))
        if page < pages - 1:
            left = len(options) - (page + 1) * CHOICES_PER_PAGE
            more = t._("{next} ({n} more)").format(next=t._(NEXT), n=t.number(left))
            nav.append(button(catalog, more, action, anchor, page=page + 1, listing=True))
    rows = [[button(catalog, o.label, action, o.ref, edit=True)] for o in shown]
    return keyboard([*rows, nav])


def pager(catalog: Catalog, action: str, ref: Ref, page: int,
          pages: int, t: Translator = EN) -> list[InlineKeyboardButton]:
    """Prev/Next for page ``page`` of ``pages``: they edit the same message."""
    nav = []
    if pages > 1:
        if page > 0:
            nav.append(button(catalog, t._(PREV), action, ref, page=page - 1, edit=True))
        if page < pages - 1:
            nav.append(button(catalog, t._(NEXT), action, ref, page=page + 1, edit=True))
    return nav
