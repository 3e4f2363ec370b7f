"""What each command answers: the catalog's result, formatted, with its buttons.

Every way of asking (a command, the next message in a private chat, a button, a deep link)
ends here with an action name (``buttons.ACTIONS``), what the user typed or a :class:`Ref`, and
a page; :func:`answer` returns the :class:`Reply` to send. Nothing here touches Telegram's API.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat import buttons, formatting
from bot.chat.buttons import Button
from bot.movies.catalog import (
    Catalog,
    Choice,
    DirectorStats,
    Found,
    Kind,
    Movie,
    Option,
    Ref,
)
from handlers.replies import Reply

Query = str | Ref

BUTTON_LABEL_CHARS = 60
PREV = "‹ Prev"  # noqa: RUF001
NEXT = "Next ›"  # noqa: RUF001
MAX_ALSO_BUTTONS = 4
MORE_LIKE_THIS = "🍿 More like this"


def answer(catalog: Catalog, action: str, query: Query, page: int = 0) -> Reply | None:
    """The reply to ``action`` about ``query``; None when ``query`` is a :class:`Ref` that no
    longer points anywhere (a button from an older catalog)."""
    if action == "recommend" and not catalog.can_recommend:
        return Reply(formatting.NO_RECOMMENDATIONS)
    result = _QUERIES[action](catalog, query)
    if isinstance(result, Choice):
        return None if isinstance(query, Ref) else _choice(catalog, action, result)
    return _BUILDERS[action](catalog, action, result, query, page)


def answer_button(catalog: Catalog, button: Button | None) -> Reply | None:
    """The reply a decoded button (pressed, or its ``/start`` deep link) asks for; None when it
    has expired: made for another catalog (``button`` is None) or pointing at nothing now."""
    if button is None:
        return None
    return answer(catalog, button.action, button.ref, button.page)


# -- keyboards -----------------------------------------------------------------------------------


def _button(catalog: Catalog, label: str, action: str, ref: Ref, *, page: int = 0,
            edit: bool = False) -> InlineKeyboardButton:
    data = buttons.encode(action, ref, catalog.version, page, edit=edit)
    return InlineKeyboardButton(formatting.truncate(label, BUTTON_LABEL_CHARS), callback_data=data)


def more_like_this(catalog: Catalog, movie: Movie) -> InlineKeyboardButton:
    """The button under a movie card (a reply, an inline result, a daily post): pressing it
    answers ``/recommend`` for the movie in a new message, leaving the card as it is."""
    return _button(catalog, MORE_LIKE_THIS, "recommend", Ref(Kind.MOVIE, movie.id))


def _keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _also_rows(catalog: Catalog, action: str, also: Sequence[Option]) -> list[list[Any]]:
    """Same-named entities the user may have meant: pressing one swaps the answer in place."""
    return [
        [_button(catalog, f"↪ {option.label}", action, option.ref, edit=True)]
        for option in also[:MAX_ALSO_BUTTONS]
    ]


def _choice(catalog: Catalog, action: str, result: Choice) -> Reply:
    rows = [[_button(catalog, option.label, action, option.ref, edit=True)]
            for option in result.options]
    return Reply(formatting.choice(result), _keyboard(rows))


def _pages(
    catalog: Catalog, action: str, pages: list[str], ref: Ref, page: int,
    extra_rows: list[list[Any]],
) -> Reply:
    """One page of a long answer, with Prev/Next buttons that edit the same message."""
    page = min(max(page, 0), len(pages) - 1)
    nav = []
    if len(pages) > 1:
        if page > 0:
            nav.append(_button(catalog, PREV, action, ref, page=page - 1, edit=True))
        if page < len(pages) - 1:
            nav.append(_button(catalog, NEXT, action, ref, page=page + 1, edit=True))
    return Reply(pages[page], _keyboard([nav, *extra_rows]))


# -- one builder per action --------------------------------------------------------------------


Builder = Callable[[Catalog, str, Found[Any], Query, int], Reply]


def _movie(catalog: Catalog, action: str, found: Found[Movie], query: Query, page: int) -> Reply:
    movie = found.value
    rows: list[list[Any]] = []
    if catalog.can_recommend:
        rows.append([more_like_this(catalog, movie)])
    rows += _also_rows(catalog, action, found.also)
    poster = formatting.poster_url(movie)
    return Reply(
        formatting.movie_card(movie),
        _keyboard(rows),
        photo=poster,
        caption=formatting.movie_card(movie, formatting.CAPTION_LIMIT) if poster else None,
    )


def _runtime(catalog: Catalog, action: str, found: Found[Movie], query: Query, page: int) -> Reply:
    also = _also_rows(catalog, action, found.also)
    return Reply(formatting.runtime(found.value), _keyboard(also))


def _single(format_value: Callable[[Any], str]) -> Builder:
    """A builder for answers that are one short text (language, country, company)."""

    def build(catalog: Catalog, action: str, found: Found[Any], query: Query, page: int) -> Reply:
        return Reply(format_value(found.value),
                     _keyboard(_also_rows(catalog, action, found.also)))

    return build


def _collection(catalog: Catalog, action: str, found: Found[Any], query: Query,
                page: int) -> Reply:
    pages = formatting.collection(found.value)
    return _pages(catalog, action, pages, found.ref, page, _also_rows(catalog, action, found.also))


def _director(catalog: Catalog, action: str, found: Found[DirectorStats], query: Query,
              page: int) -> Reply:
    pages = formatting.director(found.value)
    return _pages(catalog, action, pages, found.ref, page, _also_rows(catalog, action, found.also))


def _recommend(catalog: Catalog, action: str, found: Found[Any], query: Query,
               page: int) -> Reply:
    """Five movies with their reasons; a button under each opens its card."""
    picks, movie = found.value.picks, found.value.movie
    if not picks:
        return Reply(formatting.not_enough_data(movie.ref),
                     _keyboard(_also_rows(catalog, action, found.also)))
    rows = [[_button(catalog, f"🎬 {ref.label}", "movie", Ref(Kind.MOVIE, ref.id))]
            for ref, _reason in picks]
    rows += _also_rows(catalog, action, found.also)
    return Reply(formatting.recommendations(movie, picks), _keyboard(rows))


_QUERIES: dict[str, Callable[[Catalog, Query], Any]] = {
    "movie": Catalog.movie,
    "runtime": Catalog.movie,
    "language": Catalog.language,
    "country": Catalog.country,
    "company": Catalog.company,
    "collection": Catalog.collection,
    "director": Catalog.director,
    "recommend": Catalog.recommend,
}

_BUILDERS: dict[str, Builder] = {
    "movie": _movie,
    "runtime": _runtime,
    "language": _single(formatting.language),
    "country": _single(formatting.country),
    "company": _single(formatting.company),
    "collection": _collection,
    "director": _director,
    "recommend": _recommend,
}
