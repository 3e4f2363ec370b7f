"""The pure formatting functions: escaping, numbers, limits, pagination, cards."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.chat import formatting as f
from bot.movies.results import (
    Choice,
    CollectionInfo,
    CompanyStats,
    CountryCount,
    DirectedMovie,
    DirectorStats,
    Kind,
    LanguageCount,
    Movie,
    MovieRef,
    NoCollection,
    Option,
    Ref,
)

TOY_STORY = Movie(
    id=862, imdb_id="tt0114709", title="Toy Story", year=1995, runtime=81,
    genres=("Animation", "Comedy", "Family"), directors=("John Lasseter",),
    lead_actor="Tom Hanks", collection="Toy Story Collection",
    countries=("United States of America",), companies=("Pixar Animation Studios",),
    original_language="en", budget=30_000_000, revenue=373_554_033, vote_average=7.7,
    vote_count=5415, overview="Led by Woody, Andy's toys live happily in his room.",
    tagline=None, poster_path="/rhIRbceoE9lR4veEXuwCC2wARtG.jpg",
)

NASTY = "<b>Tom & Jerry</b> \"x\" 'y' <script>"


def tags_balanced(html: str) -> bool:
    """Every tag Telegram would parse is closed, and no ``<`` is left unescaped elsewhere."""
    stack = []
    for match in re.finditer(r"<(/?)([a-z]+)[^>]*>", html):
        closing, tag = match.groups()
        if closing:
            if not stack or stack.pop() != tag:
                return False
        else:
            stack.append(tag)
    stripped = re.sub(r"</?(b|i|code|a)( [^>]*)?>", "", html)
    return not stack and "<" not in stripped and ">" not in stripped


@pytest.mark.parametrize(
    ("amount", "text"),
    [(None, "unknown"), (900, "$900"), (850_000, "$850K"), (373_554_033, "$373.6M"),
     (1_200_000_000, "$1.2B"), (2_000_000_000, "$2B"), (30_000_000, "$30M")],
)
def test_money(amount: float | None, text: str) -> None:
    assert f.money(amount) == text


def test_count_and_times() -> None:
    assert f.count(1, "movie") == "1 movie"
    assert f.count(2435, "movie") == "2,435 movies"
    assert f.count(3, "company") == "3 companies"
    assert f.count(2, "day") == "2 days"
    assert f.times(4.25) == "4.2×"  # noqa: RUF001
    assert f.times(None) == "n/a"


def test_escaping() -> None:
    assert f.h(NASTY) == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; \"x\" 'y' &lt;script&gt;"
    assert f.clip("Tom & Jerry & Friends", 14) == "Tom &amp;…"
    assert len(f.clip("&" * 500, 100)) <= 100


def test_truncate_cuts_at_a_word() -> None:
    assert f.truncate("short", 10) == "short"
    assert f.truncate("one two three four", 12) == "one two…"
    assert len(f.truncate("x" * 100, 10)) == 10


def test_runtime_language_country() -> None:
    assert f.runtime(TOY_STORY) == "🎬 <b>Toy Story</b>: 81 min, 1995."
    unknown = dataclasses.replace(TOY_STORY, title=NASTY, runtime=None, year=None)
    assert f.runtime(unknown) == (
        f"🎬 <b>{f.h(NASTY)}</b>: unknown runtime, release year unknown."
    )
    assert f.language(LanguageCount("fr", "French", 2435)) == (
        "🗣 2,435 movies in <b>French</b> (<code>fr</code>)."
    )
    assert f.country(CountryCount("JP", "Japan", 1)) == (
        "🌍 1 movie produced in <b>Japan</b> (<code>JP</code>)."
    )


def test_movie_card_has_every_fact_and_the_links() -> None:
    card = f.movie_card(TOY_STORY)
    assert card == (
        "🎬 <b>Toy Story (1995)</b>\n\n"
        "81 min · Animation, Comedy, Family · ⭐ 7.7 (5,415 votes)\n"
        "Directed by: John Lasseter\n"
        "Starring: Tom Hanks\n"
        "Collection: Toy Story Collection\n"
        "Countries: United States of America\n"
        "Companies: Pixar Animation Studios\n"
        "Budget $30M · Revenue $373.6M\n\n"
        "Led by Woody, Andy's toys live happily in his room.\n\n"
        '<a href="https://www.themoviedb.org/movie/862">TMDB</a> · '
        '<a href="https://www.imdb.com/title/tt0114709">IMDb</a>'
    )


def test_a_bare_movie_card_has_no_empty_sections() -> None:
    bare = Movie(1, None, "X", None, None, (), (), None, None, (), (), None, None, None, 0.0, 0,
                 None, None, None)
    assert f.movie_card(bare) == (
        '🎬 <b>X</b>\n\n<a href="https://www.themoviedb.org/movie/1">TMDB</a>'
    )
    assert f.poster_url(bare) is None and f.thumbnail_url(bare) is None


@pytest.mark.parametrize("limit", [f.CAPTION_LIMIT, f.MESSAGE_LIMIT])
def test_movie_card_fits_its_limit_even_when_everything_is_huge(limit: int) -> None:
    huge = dataclasses.replace(
        TOY_STORY,
        title="&<" * 300, tagline="<&>" * 200, overview=("Tom & Jerry <3 " * 1000),
        directors=tuple("<Director & Co>" * 20 for _ in range(5)),
        lead_actor="&" * 500, collection="<" * 500, countries=("&" * 300,) * 5,
        companies=("<b>" * 100,) * 5,
    )
    card = f.movie_card(huge, limit)
    assert len(card) <= limit
    assert tags_balanced(card)
    assert card.endswith('IMDb</a>')


def test_caption_keeps_facts_and_shortens_the_overview() -> None:
    long_plot = dataclasses.replace(TOY_STORY, overview="word " * 1000)
    caption = f.movie_card(long_plot, f.CAPTION_LIMIT)
    assert len(caption) <= f.CAPTION_LIMIT
    assert "Budget $30M" in caption and "…" in caption


def test_poster_and_inline_description() -> None:
    assert f.poster_url(TOY_STORY) == (
        "https://image.tmdb.org/t/p/w342/rhIRbceoE9lR4veEXuwCC2wARtG.jpg"
    )
    assert f.thumbnail_url(TOY_STORY).startswith("https://image.tmdb.org/t/p/w92/")
    assert f.inline_description(TOY_STORY) == (
        "81 min · Animation, Comedy, Family — Led by Woody, Andy's toys live happily in his room."
    )
    long = dataclasses.replace(TOY_STORY, overview="plot\nline " * 100)
    line = f.inline_description(long)
    assert len(line) <= 120 and "\n" not in line


def test_paginate_never_exceeds_the_limit_nor_splits_a_line() -> None:
    lines = [f"• Movie number {i} &amp; more" for i in range(500)]
    pages = f.paginate("<b>Header</b>\n\n", lines)
    assert len(pages) > 1
    assert all(len(page) <= f.MESSAGE_LIMIT for page in pages)
    assert all(page.startswith("<b>Header</b>\n\n") for page in pages)
    assert pages[0].endswith(f"<i>Page 1/{len(pages)}</i>")
    body = [line for page in pages for line in page.split("\n") if line.startswith("•")]
    assert body == lines
    assert f.paginate("H\n", ["a", "b"]) == ["H\na\nb"]


def test_director_pages() -> None:
    movies = tuple(
        DirectedMovie(MovieRef(i, f"Film & Co {i}", 1950 + i % 50), 1_000_000, 4_200_000)
        for i in range(120)
    )
    stats = DirectorStats(NASTY, movies, 504_000_000, 120, 120, 4.2)
    pages = f.director(stats)
    assert len(pages) == 3
    assert pages[0].startswith(f"🎬 <b>{f.h(NASTY)}</b>: 120 movies\nTotal revenue $504M")
    assert "• Film &amp; Co 0 (1950): budget $1M, revenue $4.2M, return 4.2×" in pages[0]  # noqa: RUF001
    assert all(len(p) <= f.MESSAGE_LIMIT and tags_balanced(p) for p in pages)


def test_collection_company() -> None:
    info = CollectionInfo("Toy Story Collection", (MovieRef(862, "Toy Story", 1995),),
                          373_554_033, 1)
    assert f.collection(info) == [
        "🎞 <b>Toy Story Collection</b>: 1 movie\nTotal revenue $373.6M (373,554,033), known "
        "for the one movie\n\n1. Toy Story (1995)"
    ]
    assert f.collection(NoCollection(MovieRef(194, "Amélie", 2001))) == [
        "🎞 <b>Amélie (2001)</b> does not belong to a collection."
    ]
    company = f.company(CompanyStats("A & B", 2, 0, 0, ()))
    assert company == "🏢 <b>A &amp; B</b>: 2 movies\nRevenue unknown for all 2 movies"


def test_totals_are_exact_beside_rounded_and_top_earners_show_revenue() -> None:
    top = (MovieRef(10193, "Toy Story 3", 2010), MovieRef(127380, "Finding Dory", 2016))
    stats = CompanyStats("Pixar", 52, 11_188_533_734, 18, top, (1_066_969_703, 1_028_570_889))
    assert f.company(stats) == (
        "🏢 <b>Pixar</b>: 52 movies\n"
        "Total revenue $11.2B (11,188,533,734), known for 18 of 52 movies\n\n"
        "Top earners:\n• Toy Story 3 (2010): $1.1B\n• Finding Dory (2016): $1B"
    )
    nothing = DirectorStats("Campbell Scott", (), 0, 0, 0, None)
    assert f.director(nothing)[0].startswith(
        "🎬 <b>Campbell Scott</b>: 0 movies\nRevenue unknown for all 0 movies\n"
        "Return unknown: no movie has both its budget and revenue known"
    )


@pytest.mark.parametrize(
    ("choice", "text"),
    [
        (Choice(Kind.MOVIE, "hamlet", True, (Option(Ref(Kind.MOVIE, 1), "Hamlet (1996)"),)),
         "Several movies match “hamlet”. Which one?"),
        (Choice(Kind.COMPANY, "<Warnr>", False, (Option(Ref(Kind.COMPANY, 1), "Warner"),)),
         "No company found for “&lt;Warnr&gt;”. Did you mean one of these?"),
        (Choice(Kind.COMPANY, "warner", True, (Option(Ref(Kind.COMPANY, 1), "Warner"),)),
         "Several companies match “warner”. Which one?"),
        (Choice(Kind.COUNTRY, "Korea", True, (Option(Ref(Kind.COUNTRY, 1), "South Korea"),)),
         "Several countries match “Korea”. Which one?"),
        (Choice(Kind.DIRECTOR, "zzz", False, ()),
         "No director found for “zzz”. Check the spelling and try again."),
        (Choice(Kind.LANGUAGE, " ", False, (), empty=True), "Please give a language name."),
        (Choice(Kind.DIRECTOR, "🎬🍿", False, (), empty=True),
         "No director found for “🎬🍿”. Check the spelling and try again."),
    ],
)
def test_choice(choice: Choice, text: str) -> None:
    assert f.choice(choice) == text


def test_recommendations() -> None:
    picks = [(MovieRef(863, "Toy Story 2", 1999), "same collection"),
             (MovieRef(1, "A & B", None), "")]
    assert f.recommendations(TOY_STORY, picks) == (
        "🍿 If you liked <b>Toy Story (1995)</b>:\n\n"
        "1. Toy Story 2 (1999) — <i>same collection</i>\n2. A &amp; B"
    )
    assert f.not_enough_data(MovieRef(1, "<X>", 2000)).startswith(
        "🍿 I know too little about <b>&lt;X&gt; (2000)</b>"
    )


def test_chat_texts() -> None:
    assert f.usage("runtime", "<title>", "Toy Story") == (
        "Usage: <code>/runtime &lt;title&gt;</code>\nExample: <code>/runtime Toy Story</code>"
    )
    assert f.ask("movie", "Toy Story") == "Which movie? For example: <i>Toy Story</i>"
    assert f.unknown_command("/<b>") == "I don't know /&lt;b&gt;. /help lists what I can do."
    entries = [("movie", "A card", "Toy Story"), ("help", "Help", "")]
    help_text = f.help_text(entries, 45_350)
    assert help_text.startswith("🎬 I know 45,350 movies. Ask me:\n\n/movie — A card\n")
    assert "<i>/movie Toy Story</i>\n/help — Help\n\n" in help_text
    assert f.welcome("<Ada>", entries, 1).startswith("Hello, &lt;Ada&gt;! 🎬 I know 1 movie.")
    assert f.welcome(None, entries, 1).startswith("Hello! ")
