"""Inline keyboards: every button the bot shows is made here from callback data
(:mod:`bot.chat.buttons`) and a label.

Answers, inline results and daily posts share :func:`more_like_this`, the one place that knows
the button needs the recommender.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat import buttons, formatting
from bot.movies.catalog import Catalog, Kind, Movie, Option, Ref

BUTTON_LABEL_CHARS = 60
PREV = "‹ Prev"  # noqa: RUF001
NEXT = "Next ›"  # noqa: RUF001
MAX_ALSO_BUTTONS = 4
MORE_LIKE_THIS = "🍿 More like this"


def button(catalog: Catalog, label: str, action: str, ref: Ref, *, page: int = 0,
           edit: bool = False) -> InlineKeyboardButton:
    """A button that answers ``action`` about ``ref``; ``edit`` answers in place."""
    data = buttons.encode(action, ref, catalog.version, page, edit=edit)
    return InlineKeyboardButton(formatting.truncate(label, BUTTON_LABEL_CHARS), callback_data=data)


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """The rows that have buttons, or None when none has."""
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def more_like_this_button(catalog: Catalog, movie: Movie) -> InlineKeyboardButton | None:
    """The button under a movie card: pressing it answers ``/recommend`` for the movie in a new
    message, leaving the card as it is. None when the recommender is not loaded."""
    if not catalog.can_recommend:
        return None
    return button(catalog, MORE_LIKE_THIS, "recommend", Ref(Kind.MOVIE, movie.id))


def more_like_this(catalog: Catalog, movie: Movie) -> InlineKeyboardMarkup | None:
    """A keyboard of just :func:`more_like_this_button` (inline results, daily posts)."""
    only = more_like_this_button(catalog, movie)
    return keyboard([[only]]) if only is not None else None


def also_rows(catalog: Catalog, action: str,
              also: Sequence[Option]) -> list[list[InlineKeyboardButton]]:
    """Same-named entities the user may have meant: pressing one swaps the answer in place."""
    return [
        [button(catalog, f"↪ {option.label}", action, option.ref, edit=True)]
        for option in also[:MAX_ALSO_BUTTONS]
    ]


def choices(catalog: Catalog, action: str,
            options: Sequence[Option]) -> InlineKeyboardMarkup | None:
    """One button per candidate of an ambiguous or unknown name; pressing one answers in place."""
    return keyboard([[button(catalog, o.label, action, o.ref, edit=True)] for o in options])


def pager(catalog: Catalog, action: str, ref: Ref, page: int,
          pages: int) -> list[InlineKeyboardButton]:
    """Prev/Next for page ``page`` of ``pages``: they edit the same message."""
    nav = []
    if pages > 1:
        if page > 0:
            nav.append(button(catalog, PREV, action, ref, page=page - 1, edit=True))
        if page < pages - 1:
            nav.append(button(catalog, NEXT, action, ref, page=page + 1, edit=True))
    return nav
