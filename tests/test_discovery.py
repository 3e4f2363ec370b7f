"""/discover: filters to ranked movies, the filters written back, paging by packed filters, and
the filter that left nothing named."""

from __future__ import annotations

import pytest

from bot.chat import buttons, formatting
from bot.movies.catalog import Catalog
from bot.movies.discovery import Filters, Sort
from bot.movies.results import Found, Kind, Ref
from tests.botapi import BotHarness, bot_message, callback_query, private_message

NEXT = "Next ›"  # noqa: RUF001
PREV = "‹ Prev"  # noqa: RUF001


def only(calls, method):
    assert [c.method for c in calls] == [method], [c.method for c in calls]
    return calls[0]


def labels(call) -> list[str]:
    return [label for row in call.buttons for label, _data in row]


def test_good_comedies_of_the_90s_are_ranked_by_weighted_rating(catalog: Catalog) -> None:
    filters = Filters(genres=frozenset({"Comedy"}), year_from=1990, year_to=1999,
                      sort=Sort.RATING)
    found = catalog.discover(filters)
    assert isinstance(found, Found)
    result = found.value
    assert result.criteria == ("Comedy", "1990-1999")
    assert len(result.movies) == 100 and result.total > 1000
    top = [m.movie.label for m in result.movies[:10]]
    assert "Forrest Gump (1994)" in top and "Toy Story (1995)" in top
    assert all(m.votes >= 300 for m in result.movies[:10])
    assert all(1990 <= (m.movie.year or 0) <= 1999 for m in result.movies)


def test_a_perfect_score_with_few_votes_does_not_top_the_list(catalog: Catalog) -> None:
    perfect = catalog.movies.filter((catalog.movies["vote_average"] >= 9.5)
                                    & (catalog.movies["vote_count"].is_between(1, 5)))
    assert perfect.height > 0
    found = catalog.discover(Filters(sort=Sort.RATING))
    assert isinstance(found, Found)
    ids = {m.movie.id for m in found.value.movies[:20]}
    assert not ids & set(perfect["id"].to_list())


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(genres=frozenset({"Comedy", "Romance"}), year_from=1980, runtime_max=90,
                language=3, country=7, director=11, company=13, sort=Sort.RATING),
        Filters(year_to=1920, runtime_min=150),
    ],
)
def test_filters_pack_into_a_button_and_back(catalog: Catalog, filters: Filters) -> None:
    number = catalog.filter_codec.pack(filters)
    assert catalog.filter_codec.unpack(number) == filters
    data = buttons.encode("discover", Ref(Kind.DISCOVERY, number), catalog.version, 9, edit=True)
    assert len(data.encode()) <= buttons.MAX_BYTES
    assert buttons.decode(data, catalog.version) == buttons.Button(
        "discover", Ref(Kind.DISCOVERY, number), 9, True)


def test_forged_discovery_keys_are_refused(catalog: Catalog) -> None:
    assert catalog.filter_codec.unpack(catalog.filter_codec.limit) is None
    assert catalog.label(Ref(Kind.DISCOVERY, catalog.filter_codec.limit)) is None
    too_long = f"{catalog.version}|dsc|q|{'9' * 40}|0"
    assert buttons.decode(too_long, catalog.version) is None
    assert buttons.decode(f"{catalog.version}|mv|m|{'1' * 20}|0", catalog.version) is None


def test_discover_pages_carry_their_filters_and_their_movies(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    first = only(bot_harness.send(private_message("/discover best comedy 90s")), "sendMessage")
    assert first.text.startswith("🔎 <i>Comedy · 1990-1999 · sorted by rating</i>")
    assert first.text.endswith("<i>Page 1/10</i>")
    assert labels(first)[0] == NEXT and len(labels(first)) == 11
    assert labels(first)[1].startswith("🎬 ")
    page2 = bot_harness.send(callback_query(first.buttons[0][0][1], message=bot_message()))[0]
    assert page2.method == "editMessageText"
    assert page2.text.startswith("🔎 <i>Comedy · 1990-1999 · sorted by rating</i>")
    assert "11. " in page2.text and page2.text.endswith("<i>Page 2/10</i>")
    assert labels(page2)[:2] == [PREV, NEXT]
    assert set(labels(page2)[2:]).isdisjoint(labels(first)[1:])
    card = bot_harness.send(callback_query(first.buttons[1][0][1], message=bot_message()))
    assert card[0].method == "sendPhoto"


def test_discover_names_the_filter_that_emptied_the_list(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/discover western 1890s japanese")),
                "sendMessage")
    assert call.text == (
        "🔎 No movie matches <i>Western · 1890-1899 · in Japanese · sorted by popularity</i>: "
        "none is left once “1890-1899” applies. Try without it, or widen it."
    )
    assert call.buttons == []


def test_discover_with_words_it_cannot_read_says_what_it_understands(
    bot_harness: BotHarness,
) -> None:
    call = only(bot_harness.send(private_message("/discover qwzxv plorb")), "sendMessage")
    assert call.text.startswith("I could not tell what to look for in “qwzxv plorb”.")
    assert formatting.DISCOVER_HINT in call.text
