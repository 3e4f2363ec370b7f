"""What each command answers: the catalog's result, formatted, with its buttons.

Every way of asking (a command, the next message in a private chat, a button, a deep link)
ends here with an action name (``buttons.ACTIONS``), what the user typed or a :class:`Ref`, and
a page; :func:`answer` returns the :class:`Reply` to send. Nothing here touches Telegram's API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.chat import formatting
from bot.chat.buttons import Button
from bot.movies.catalog import (
    Catalog,
    Choice,
    DirectorStats,
    Found,
    Kind,
    Movie,
    Ref,
)
from handlers import keyboards
from handlers.replies import Reply

Query = str | Ref



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


def _choice(catalog: Catalog, action: str, result: Choice) -> Reply:
    return Reply(formatting.choice(result), keyboards.choices(catalog, action, result.options))


def _pages(
    catalog: Catalog, action: str, pages: list[str], ref: Ref, page: int,
    extra_rows: list[list[Any]],
) -> Reply:
    """One page of a long answer, with Prev/Next buttons that edit the same message."""
    page = min(max(page, 0), len(pages) - 1)
    nav = keyboards.pager(catalog, action, ref, page, len(pages))
    return Reply(pages[page], keyboards.keyboard([nav, *extra_rows]))


# -- one builder per action --------------------------------------------------------------------


Builder = Callable[[Catalog, str, Found[Any], Query, int], Reply]


def _movie(catalog: Catalog, action: str, found: Found[Movie], query: Query, page: int) -> Reply:
    movie = found.value
    similar = keyboards.more_like_this_button(catalog, movie)
    rows: list[list[Any]] = [[similar]] if similar is not None else []
    rows += keyboards.also_rows(catalog, action, found.also)
    poster = formatting.poster_url(movie)
    return Reply(
        formatting.movie_card(movie),
        keyboards.keyboard(rows),
        photo=poster,
        caption=formatting.movie_card(movie, formatting.CAPTION_LIMIT) if poster else None,
    )


def _runtime(catalog: Catalog, action: str, found: Found[Movie], query: Query, page: int) -> Reply:
    also = keyboards.also_rows(catalog, action, found.also)
    return Reply(formatting.runtime(found.value), keyboards.keyboard(also))


def _single(format_value: Callable[[Any], str]) -> Builder:
    """A builder for answers that are one short text (language, country, company)."""

    def build(catalog: Catalog, action: str, found: Found[Any], query: Query, page: int) -> Reply:
        return Reply(format_value(found.value),
                     keyboards.keyboard(keyboards.also_rows(catalog, action, found.also)))

    return build


def _collection(catalog: Catalog, action: str, found: Found[Any], query: Query,
                page: int) -> Reply:
    pages = formatting.collection(found.value)
    also = keyboards.also_rows(catalog, action, found.also)
    return _pages(catalog, action, pages, found.ref, page, also)


def _director(catalog: Catalog, action: str, found: Found[DirectorStats], query: Query,
              page: int) -> Reply:
    pages = formatting.director(found.value)
    also = keyboards.also_rows(catalog, action, found.also)
    return _pages(catalog, action, pages, found.ref, page, also)


def _recommend(catalog: Catalog, action: str, found: Found[Any], query: Query,
               page: int) -> Reply:
    """Five movies with their reasons; a button under each opens its card."""
    picks, movie = found.value.picks, found.value.movie
    if not picks:
        return Reply(formatting.not_enough_data(movie.ref),
                     keyboards.keyboard(keyboards.also_rows(catalog, action, found.also)))
    rows = [[keyboards.button(catalog, f"🎬 {ref.label}", "movie", Ref(Kind.MOVIE, ref.id))]
            for ref, _reason in picks]
    rows += keyboards.also_rows(catalog, action, found.also)
    return Reply(formatting.recommendations(movie, picks), keyboards.keyboard(rows))


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
