"""Tests for bot.movies.matching: normalization and forgiving name resolution."""

from __future__ import annotations

import random
import string

import pytest

from bot.movies.matching import (
    ACCEPT_SCORE,
    DOMINANCE_MIN_POPULARITY,
    DOMINANCE_RATIO,
    LOOSE_SCORE,
    MAX_SUGGESTIONS,
    Ambiguous,
    Candidate,
    NameIndex,
    NotFound,
    Resolved,
    normalize,
)
from bot.movies.matching.text import _core, _cores, _normalize_all

# --- small catalogues -------------------------------------------------------------------------

MOVIES: list[tuple[str, float, int | None]] = [
    ("Toy Story", 5415, 1995),  # 0
    ("Toy Story 2", 3914, 1999),  # 1
    ("Toy Story 3", 4710, 2010),  # 2
    ("Troy", 3693, 2004),  # 3
    ("The Story of Us", 90, 1999),  # 4
    ("Hamlet", 118, 1996),  # 5
    ("Hamlet", 95, 1990),  # 6
    ("Hamlet", 48, 1948),  # 7
    ("Hamlet", 35, 2000),  # 8
    ("Hamlet", 0, 2000),  # 9
    ("Hamlet", 22, 2009),  # 10
    ("Hamlet", 14, 1964),  # 11
    ("Hamlet", 7, 1969),  # 12
    ("Hamlet", 3, 1980),  # 13
    ("Titanic", 7770, 1997),  # 14
    ("Titanic", 45, 1996),  # 15
    ("Titanic", 27, 1953),  # 16
    ("Titanic Town", 12, 1998),  # 17
    ("The Dark Knight", 12269, 2008),  # 18
    ("The Dark Knight", 2, 2011),  # 19
    ("The Dark Knight Rises", 9263, 2012),  # 20
    ("Batman", 2145, 1989),  # 21
    ("Batman", 209, 1966),  # 22
    ("Batman Begins", 7511, 2005),  # 23
    ("Blade Runner", 3833, 1982),  # 24
    ("Blade Runner 2049", 6000, 2017),  # 25
    ("1917", 5000, 2019),  # 26
    ("The Immigrant", 20, 1917),  # 27
    ("2001: A Space Odyssey", 3075, 1968),  # 28
    ("Death Race 2000", 190, 1975),  # 29
    ("Death Race", 1190, 2000),  # 30 (deliberately dated 2000, to trip a naive year split)
    ("Harry Potter and the Philosopher's Stone", 7188, 2001),  # 31
    ("Harry Potter and the Chamber of Secrets", 5966, 2002),  # 32
    ("Harry Potter and the Prisoner of Azkaban", 6037, 2004),  # 33
    ("Harry and Tonto", 19, 1974),  # 34
    ("The Matrix", 9079, 1999),  # 35
    ("The Matrix Reloaded", 3500, 2003),  # 36
    ("Up", 7048, 2009),  # 37
    ("Up!", 2, 1976),  # 38
    ("It", 6000, 2017),  # 39
    ("It Follows", 1677, 2014),  # 40
    ("Upside Down", 598, 2012),  # 41
    ("A Beautiful Mind", 3009, 2001),  # 42
    ("Star Wars", 6778, 1977),  # 43
    ("Lone Star", 106, 1996),  # 44
    ("Superstar", 141, 1999),  # 45
    ("Schindler's List", 4436, 1993),  # 46
    ("Amélie", 3403, 2001),  # 47
    ("Амели", 5, 2001),  # 48
    ("千と千尋の神隠し", 3968, 2001),  # 49
    ("Spider-Man", 5398, 2002),  # 50
    ("Se7en", 5915, 1995),  # 51
    ("", 0, None),  # 52: a title with no usable text
    ("???", 0, None),  # 53
]


@pytest.fixture(scope="module")
def movies() -> NameIndex:
    names, votes, years = zip(*MOVIES, strict=True)
    return NameIndex(list(names), list(votes), list(years))


COMPANIES: dict[str, float] = {
    "Pixar Animation Studios": 40,
    "Warner Bros.": 1250,
    "Warner Bros. Pictures": 19,
    "Warner Home Video": 17,
    "Warner Independent Pictures": 9,
    "Time Warner": 3,
    "Walt Disney Pictures": 900,
    "Jim Henson Company, The": 12,
    "Metro-Goldwyn-Mayer (MGM)": 800,
    "Paramount Pictures": 1000,
    "Universal Pictures": 1100,
    "20th Century Fox": 700,
    "Disney Pixar Shorts": 2,
}


@pytest.fixture(scope="module")
def companies() -> NameIndex:
    return NameIndex(list(COMPANIES), list(COMPANIES.values()))


COLLECTIONS = [
    "Harry Potter Collection",
    "Toy Story Collection",
    "The Lord of the Rings Collection",
    "Star Wars Collection",
    "The Matrix Collection",
]

PEOPLE = ["Alfonso Cuarón", "Carlos Cuarón", "Christopher Nolan", "Nolan Lebovitz", "Søren Kragh"]


def only(match: object) -> Resolved:
    assert isinstance(match, Resolved), match
    return match


def choice(match: object) -> Ambiguous:
    assert isinstance(match, Ambiguous), match
    return match


def missing(match: object) -> NotFound:
    assert isinstance(match, NotFound), match
    return match


# --- normalize --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Toy Story!", "toy story"),
        ("Alfonso Cuarón", "alfonso cuaron"),
        ("  WALL·E   ", "wall e"),
        ("Søren Kierkegaard", "soren kierkegaard"),
        ("Æon Flux", "aeon flux"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Đorđe", "dorde"),
        ("Þór", "thor"),
        ("Fast & Furious", "fast and furious"),
        ("Schindler's List", "schindlers list"),
        ("L\u2019Atalante", "latalante"),
        ("\x00\x07Toy\tStory\n", "toy story"),
        ("🎬 Up 🍿", "up"),
        ("Амели", "амели"),
        ("千と千尋の神隠し", "千と千尋の神隠し"),
        ("\uff34\uff4f\uff59\u3000\uff33\uff54\uff4f\uff52\uff59", "toy story"),  # fullwidth
        ("x\u200by", "xy"),
        ("a_b-c/d.e", "a b c d e"),
        ("'; drop table movies; --", "drop table movies"),
        ("🎬🍿", ""),
        (".*", ""),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_is_idempotent() -> None:
    for text in ["Ærø & Co.", "İstanbul", "ﬁ ™", "Amélie", "Schindler's List"]:
        once = normalize(text)
        assert normalize(once) == once


def test_batch_normalization_matches_normalize() -> None:
    texts = [
        "",
        "  ",
        "Toy Story!",
        "a\tb",
        "Ærø & Co.",
        "İstanbul",
        "\x00x\x07",
        "🎬",
        "Rock 'n' Roll",
        "Amélie",
        "Tom & Jerry",
        " trailing ",
    ]
    assert _normalize_all(texts) == [normalize(text) for text in texts]
    with_separator = [*texts, "a\x01b"]
    assert _normalize_all(with_separator) == [normalize(text) for text in with_separator]
    assert _normalize_all([]) == []


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("the matrix", "matrix"),
        ("a beautiful mind", "beautiful mind"),
        ("an american tail", "american tail"),
        ("harry potter collection", "harry potter"),
        ("jim henson company the", "jim henson company"),
        ("the matrix collection the", "matrix"),
        ("the collection", "collection"),
        ("the the", "the"),
        ("a the", "the"),
        ("the", "the"),
        ("thematic", "thematic"),
        ("another a", "another a"),
    ],
)
def test_core_drops_articles_and_collection_but_keeps_a_word(name: str, core: str) -> None:
    assert _core(name) == core
    assert _cores([name, name]) == [core, core]


# --- exact matches and same-name entities -----------------------------------------------------


def test_exact_match_resolves_with_full_score(movies: NameIndex) -> None:
    match = only(movies.resolve("toy story"))
    assert (match.key, match.name, match.year) == (0, "Toy Story", 1995)
    assert match.candidate == Candidate(0, "Toy Story", 1995, 100.0)
    assert match.alternatives == ()
    assert match.query == "toy story"


def test_exact_match_ignores_case_punctuation_and_accents(movies: NameIndex) -> None:
    assert only(movies.resolve("TOY STORY!!!")).key == 0
    assert only(movies.resolve("amelie")).key == 47
    assert only(movies.resolve("schindlers list")).key == 46
    assert only(movies.resolve("spider man")).key == 50


def test_exact_match_wins_over_closer_looking_fuzzy_names(movies: NameIndex) -> None:
    # "Troy" and "Toy Story 2" are fuzzy neighbours, but the exact title takes it alone.
    assert only(movies.resolve("Troy")).key == 3
    assert only(movies.resolve("Toy Story 2")).key == 1


def test_same_name_is_ambiguous_ordered_by_popularity(movies: NameIndex) -> None:
    match = choice(movies.resolve("Hamlet"))
    assert [c.key for c in match.candidates] == [5, 6, 7, 8, 10, 11, 12, 13]
    assert all(c.name == "Hamlet" and c.score == 100.0 for c in match.candidates)


def test_same_name_ties_on_popularity_are_ordered_by_year() -> None:
    index = NameIndex(["Hamlet", "Hamlet", "Hamlet"], [0, 0, 5], [2009, 1948, 1990])
    assert [c.year for c in choice(index.resolve("hamlet")).candidates] == [1990, 1948, 2009]


def test_limit_caps_candidates(movies: NameIndex) -> None:
    assert len(choice(movies.resolve("Hamlet", limit=3)).candidates) == 3
    assert len(choice(movies.resolve("Hamlet", limit=20)).candidates) == 9


def test_dominant_same_name_entity_resolves_and_keeps_the_others(movies: NameIndex) -> None:
    titanic = only(movies.resolve("Titanic"))
    assert (titanic.key, titanic.year) == (14, 1997)
    assert [alt.key for alt in titanic.alternatives] == [15, 16]
    knight = only(movies.resolve("the dark knight"))
    assert knight.key == 18
    assert [alt.key for alt in knight.alternatives] == [19]


def test_batman_is_not_dominant_enough(movies: NameIndex) -> None:
    assert [c.key for c in choice(movies.resolve("Batman")).candidates] == [21, 22]


@pytest.mark.parametrize(
    ("popularity", "resolved"),
    [
        ([1000, 50], True),  # exactly DOMINANCE_RATIO times
        ([1000, 51], False),  # just under
        ([50, 2], True),  # exactly DOMINANCE_MIN_POPULARITY
        ([49, 0], False),  # too little evidence, however large the ratio
        ([1000, 10, 50], True),
        ([1000, 10, 60], False),  # must dominate every other entity
    ],
)
def test_dominance_thresholds(popularity: list[float], resolved: bool) -> None:
    assert DOMINANCE_RATIO == 20 and DOMINANCE_MIN_POPULARITY == 50
    index = NameIndex(["Crash"] * len(popularity), popularity)
    match = index.resolve("crash")
    assert isinstance(match, Resolved) is resolved
    if resolved:
        assert match.key == 0
        assert sorted(alt.key for alt in match.alternatives) == list(range(1, len(popularity)))


# --- year hints -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Hamlet 1996", "Hamlet (1996)", "hamlet [1996]", "HAMLET, 1996"])
def test_trailing_year_picks_that_years_entity(movies: NameIndex, query: str) -> None:
    match = only(movies.resolve(query))
    assert (match.key, match.year) == (5, 1996)
    assert match.query == query


def test_year_with_several_same_name_entities_stays_ambiguous(movies: NameIndex) -> None:
    assert {c.key for c in choice(movies.resolve("hamlet 2000")).candidates} == {8, 9}


def test_year_narrows_fuzzy_matches(movies: NameIndex) -> None:
    assert only(movies.resolve("hamlt 1996")).key == 5
    assert only(movies.resolve("dark knight rises 2012")).key == 20


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Blade Runner 2049", 25),
        ("1917", 26),
        ("2001: A Space Odyssey", 28),
        ("Death Race 2000", 29),
        ("death race 2000", 29),
    ],
)
def test_titles_ending_in_numbers_are_titles_not_years(
    movies: NameIndex, query: str, key: int
) -> None:
    assert only(movies.resolve(query)).key == key


def test_misspelt_title_ending_in_a_year_like_number(movies: NameIndex) -> None:
    assert only(movies.resolve("deth race 2000")).key == 29


def test_year_without_a_match_falls_back_to_any_year(movies: NameIndex) -> None:
    match = choice(movies.resolve("hamlet 1997"))
    assert [c.key for c in match.candidates] == [5, 6, 7, 8, 10, 11, 12, 13]
    assert only(movies.resolve("toy story 1990")).key == 0


def test_year_match_of_another_name_is_offered_next_to_the_exact_name(movies: NameIndex) -> None:
    # No "Titanic" in 1998, but "Titanic Town" is; both are offered, most popular first.
    match = choice(movies.resolve("titanic 1998"))
    assert [c.key for c in match.candidates][:2] == [14, 15]
    assert 17 in {c.key for c in match.candidates}


def test_year_outside_the_plausible_range_is_part_of_the_name() -> None:
    index = NameIndex(["Hamlet", "Othello"], [10, 10], [1850, 1996])
    assert missing(index.resolve("hamlet 1850")).suggestions[0].key == 0
    assert only(index.resolve("othello 1996")).key == 1


def test_year_hint_needs_years() -> None:
    assert isinstance(NameIndex(["Hamlet"]).resolve("hamlet 1996"), NotFound)
    assert only(NameIndex(["Hamlet"], years=[1996]).resolve("hamlet 1996")).key == 0


# --- fuzzy matching ---------------------------------------------------------------------------


def test_typo_resolves_to_the_closest_title(movies: NameIndex) -> None:
    match = only(movies.resolve("Toy Stroy"))
    assert match.key == 0
    assert ACCEPT_SCORE <= match.candidate.score < 100


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("the dark knigth rises", 20),
        ("matrx", 35),
        ("schindlers lsit", 46),
        ("blade runer", 24),
        ("amelei", 47),
    ],
)
def test_more_typos(movies: NameIndex, query: str, key: int) -> None:
    assert only(movies.resolve(query)).key == key


def test_leading_article_and_collection_do_not_matter(movies: NameIndex) -> None:
    matrix = only(movies.resolve("matrix"))
    assert matrix.key == 35
    assert matrix.candidate.score == LOOSE_SCORE
    assert only(movies.resolve("beautiful mind")).key == 42
    assert only(movies.resolve("a dark knight rises")).key == 20
    collections = NameIndex(COLLECTIONS)
    assert only(collections.resolve("harry potter")).name == "Harry Potter Collection"
    assert only(collections.resolve("the toy story")).name == "Toy Story Collection"
    assert only(collections.resolve("lord of the rings")).key == 2
    assert only(collections.resolve("Harry Poter")).key == 0


def test_trailing_the_in_company_names(companies: NameIndex) -> None:
    assert only(companies.resolve("the jim henson company")).name == "Jim Henson Company, The"
    assert only(companies.resolve("jim henson company")).name == "Jim Henson Company, The"


def test_partial_company_names(companies: NameIndex) -> None:
    pixar = only(companies.resolve("Pixar"))
    assert pixar.name == "Pixar Animation Studios"
    assert pixar.candidate.score < 100
    assert only(companies.resolve("Pixr")).name == "Pixar Animation Studios"
    assert only(companies.resolve("pixar studios")).name == "Pixar Animation Studios"
    assert only(companies.resolve("mgm")).name == "Metro-Goldwyn-Mayer (MGM)"
    assert only(companies.resolve("MGM")).name == "Metro-Goldwyn-Mayer (MGM)"
    assert only(companies.resolve("paramount")).name == "Paramount Pictures"


def test_names_starting_with_the_query_beat_names_merely_containing_it(
    companies: NameIndex,
) -> None:
    # "Pixar Animation Studios" starts with the word, "Disney Pixar Shorts" only contains it.
    assert only(companies.resolve("pixar")).name == "Pixar Animation Studios"
    assert only(companies.resolve("shorts")).name == "Disney Pixar Shorts"


def test_a_rare_three_letter_word_is_found(companies: NameIndex) -> None:
    assert only(companies.resolve("fox")).name == "20th Century Fox"
    assert only(companies.resolve("MGM")).name == "Metro-Goldwyn-Mayer (MGM)"


def test_several_equally_good_names_are_ambiguous_by_popularity(companies: NameIndex) -> None:
    match = choice(companies.resolve("Warner"))
    names = [c.name for c in match.candidates]
    assert names[0] == "Warner Bros."
    assert {"Warner Bros. Pictures", "Warner Home Video", "Warner Independent Pictures"} <= set(
        names
    )
    popularity = [COMPANIES[name] for name in names]
    assert popularity == sorted(popularity, reverse=True)


def test_names_starting_with_the_query_are_all_offered(movies: NameIndex) -> None:
    match = choice(movies.resolve("harry potter"))
    assert [c.key for c in match.candidates] == [31, 33, 32]


def test_half_typed_last_word_completes(movies: NameIndex) -> None:
    keys = {c.key for c in choice(movies.resolve("harry pot")).candidates}
    assert keys == {31, 32, 33}
    assert only(movies.resolve("the dark knight ris")).key == 20


def test_whole_words_count_but_not_substrings(movies: NameIndex) -> None:
    match = choice(movies.resolve("star"))
    keys = [c.key for c in match.candidates]
    assert keys == [43, 44]  # "Star Wars", "Lone Star"; never "Superstar"


def test_accents_and_people() -> None:
    people = NameIndex(PEOPLE, [12, 3, 11, 1, 2])
    assert only(people.resolve("alfonso cuaron")).name == "Alfonso Cuarón"
    assert only(people.resolve("Alfonso Cuarón")).candidate.score == 100
    assert only(people.resolve("soren kragh")).name == "Søren Kragh"
    nolan = choice(people.resolve("nolan"))
    assert nolan.candidates[0].name == "Christopher Nolan"
    assert {c.name for c in nolan.candidates} == {"Christopher Nolan", "Nolan Lebovitz"}
    assert only(people.resolve("christopher nolan")).key == 2


@pytest.mark.parametrize("query", ["qwzxv", "asdfghjkl", "zzzzzzzz", "xq"])
def test_junk_is_not_found(movies: NameIndex, companies: NameIndex, query: str) -> None:
    for index in (movies, companies):
        match = missing(index.resolve(query))
        assert not match.empty
        assert len(match.suggestions) <= MAX_SUGGESTIONS


def test_not_found_suggests_the_closest_names(movies: NameIndex) -> None:
    match = missing(movies.resolve("harmless"))
    assert match.suggestions
    assert match.suggestions[0].name == "Hamlet"
    assert match.suggestions[0].key == 5  # the most popular of the same-name entities
    scores = [s.score for s in match.suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(s.score < ACCEPT_SCORE for s in match.suggestions)
    assert len({s.name for s in match.suggestions}) == len(match.suggestions)


def test_short_queries_need_an_exact_match_or_a_high_ratio(movies: NameIndex) -> None:
    assert only(movies.resolve("up")).key == 37
    assert only(movies.resolve("it")).key == 39
    assert only(movies.resolve("itt")).key == 39
    # "a" is a word of "A Beautiful Mind" and a letter of most titles: no match.
    assert isinstance(movies.resolve("a"), NotFound)
    assert isinstance(movies.resolve("u"), NotFound)
    no_exact = NameIndex(["Upside Down", "Pop Up Book", "It Follows", "Sit Down"])
    assert isinstance(no_exact.resolve("up"), NotFound)
    assert isinstance(no_exact.resolve("it"), NotFound)


def test_exact_short_name_keeps_lesser_same_spelling(movies: NameIndex) -> None:
    up = only(movies.resolve("Up"))
    assert up.key == 37
    assert [alt.key for alt in up.alternatives] == [38]


# --- aliases ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def countries() -> NameIndex:
    names = ["France", "Mexico", "United States of America", "Soviet Union", "Monaco"]
    aliases = {"FR": 0, "mx": 1, "US": 2, "USA": 2, "United States": 2, "SU": 3, "zz": 99}
    return NameIndex(names, aliases=aliases)


@pytest.mark.parametrize(
    ("query", "key"),
    [("fr", 0), ("FR", 0), ("Mx", 1), ("usa", 2), ("U.S.A.", 2), ("united states", 2), ("su", 3)],
)
def test_aliases_match_exactly(countries: NameIndex, query: str, key: int) -> None:
    match = only(countries.resolve(query))
    assert match.key == key
    assert match.name == ["France", "Mexico", "United States of America", "Soviet Union"][key]


def test_aliases_do_not_match_fuzzily(countries: NameIndex) -> None:
    assert isinstance(countries.resolve("zz"), NotFound)  # alias to a key that does not exist
    assert isinstance(countries.resolve("fx"), NotFound)
    assert only(countries.resolve("mexco")).key == 1


def test_alias_and_name_of_the_same_entity_do_not_make_it_ambiguous() -> None:
    index = NameIndex(["Chad", "Chad Valley"], aliases={"chad": 0, "td": 0})
    assert only(index.resolve("chad")).key == 0


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "🎬🍿", ".*", "%", "\x00\x07", "!?!", "\u200b"])
def test_nothing_searchable_is_empty_not_found(movies: NameIndex, query: str) -> None:
    match = missing(movies.resolve(query))
    assert match.empty
    assert match.suggestions == ()
    assert match.query == query


@pytest.mark.parametrize(
    "query",
    [
        "'; drop table movies; --",
        "' OR 1=1 --",
        "(.*)+[a-z]{2,}\\",
        "%s %d {0}",
        "\ud800",
        "Toy Story " * 400,
        "x" * 4000,
        "🎬" * 2000,
        "a " * 2000,
        "Амели Пулен",
    ],
)
def test_bad_input_never_raises(movies: NameIndex, query: str) -> None:
    match = movies.resolve(query)
    assert isinstance(match, Resolved | Ambiguous | NotFound)
    assert match.query == query


def test_markup_and_control_characters_are_ignored(movies: NameIndex) -> None:
    assert only(movies.resolve("<b>Toy Story</b>")).key == 0
    assert only(movies.resolve("\x00\x07Toy\tStory\n")).key == 0
    assert only(movies.resolve("  toy   story  🍿")).key == 0


def test_other_scripts_match_when_the_name_exists(movies: NameIndex) -> None:
    assert only(movies.resolve("Амели")).key == 48
    assert only(movies.resolve("千と千尋の神隠し")).key == 49
    assert only(movies.resolve("千と千尋")).key == 49  # a half-typed word completes in any script
    assert isinstance(movies.resolve("Мастер и Маргарита"), NotFound)


def test_regex_like_names_match_literally(movies: NameIndex) -> None:
    assert only(movies.resolve("se7en")).key == 51
    assert isinstance(movies.resolve("s.7.n"), NotFound)


def test_names_without_text_are_never_returned(movies: NameIndex) -> None:
    for query in ["???", "?", "", "toy"]:
        match = movies.resolve(query)
        keys = {getattr(match, "key", None)}
        keys |= {c.key for c in getattr(match, "candidates", ())}
        keys |= {c.key for c in getattr(match, "suggestions", ())}
        assert not keys & {52, 53}


# --- index construction -----------------------------------------------------------------------


def test_len_counts_every_entity(movies: NameIndex) -> None:
    assert len(movies) == len(MOVIES)
    assert len(NameIndex([])) == 0


def test_empty_index_finds_nothing() -> None:
    index = NameIndex([])
    assert isinstance(index.resolve("toy story"), NotFound)
    assert missing(index.resolve("")).empty


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError):
        NameIndex(["a", "b"], popularity=[1])
    with pytest.raises(ValueError):
        NameIndex(["a", "b"], years=[2000])


def test_missing_or_broken_popularity_counts_as_zero() -> None:
    index = NameIndex(["Crash", "Crash", "Crash"], [float("nan"), 3, float("inf")])
    assert [c.key for c in choice(index.resolve("crash")).candidates] == [1, 0, 2]
    no_popularity = NameIndex(["Crash", "Crash"], years=[2004, 1996])
    assert [c.year for c in choice(no_popularity.resolve("crash")).candidates] == [1996, 2004]


def test_results_are_immutable(movies: NameIndex) -> None:
    match = only(movies.resolve("toy story"))
    with pytest.raises(AttributeError):
        match.candidate.score = 1.0  # type: ignore[misc]


# --- scale ------------------------------------------------------------------------------------

WORDS = [
    *["night", "day", "dark", "light", "red", "blue", "black", "white", "love", "war", "city"],
    *["river", "house", "road", "star", "moon", "sun", "king", "queen", "man", "woman", "girl"],
    *["boy", "dog", "cat", "ghost", "shadow", "storm", "fire", "ice", "iron", "gold", "silver"],
    *["glass", "dream", "secret", "last", "first", "lost", "little", "big", "great", "wild"],
    *["silent", "lonely", "hidden", "broken", "golden"],
]


@pytest.fixture(scope="module")
def big() -> tuple[NameIndex, list[str]]:
    rng = random.Random(1234)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < 45_000:
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
        name = " ".join(rng.choice(WORDS) for _ in range(size)).title()
        if rng.random() < 0.3:
            name = f"The {name}"
        if rng.random() < 0.2:
            name = f"{name} {rng.randint(2, 9)}"
        if name in seen and rng.random() < 0.9:
            continue
        seen.add(name)
        names.append(name)
    targets = ["Toy Story", "Pixar Animation Studios", "Hamlet", "Hamlet", "Alfonso Cuarón"]
    names[:5] = targets
    popularity = [rng.randint(0, 500) for _ in names]
    popularity[2], popularity[3] = 118, 95
    years = [rng.randint(1920, 2017) for _ in names]
    years[2], years[3] = 1996, 1990
    return NameIndex(names, popularity, years), names


def test_behaviour_holds_at_scale(big: tuple[NameIndex, list[str]]) -> None:
    index, _ = big
    assert len(index) == 45_000
    assert only(index.resolve("toy story")).key == 0
    assert only(index.resolve("Toy Stroy")).key == 0
    assert only(index.resolve("Pixar")).key == 1
    assert only(index.resolve("alfonso cuaron")).key == 4
    assert {c.key for c in choice(index.resolve("hamlet")).candidates} == {2, 3}
    assert only(index.resolve("hamlet 1990")).key == 3
    for query in ["qwzxv", "asdfghjkl", "", "🎬🍿", "x" * 4000]:
        assert isinstance(index.resolve(query), NotFound)
    assert isinstance(index.resolve("a"), NotFound)


def test_every_generated_name_resolves_to_itself_at_scale(big: tuple[NameIndex, list[str]]) -> None:
    index, names = big
    rng = random.Random(99)
    for key in rng.sample(range(len(names)), 300):
        match = index.resolve(names[key].upper(), limit=100)
        keys = [match.key] if isinstance(match, Resolved) else []
        keys += [c.key for c in getattr(match, "candidates", ())]
        keys += [alt.key for alt in getattr(match, "alternatives", ())]
        assert key in keys, (names[key], match)


def test_common_words_alone_stay_bounded_at_scale(big: tuple[NameIndex, list[str]]) -> None:
    index, _ = big
    for query in ["the night", "night", "the of the", "love love love", "dark " * 30]:
        match = index.resolve(query, limit=5)
        assert isinstance(match, Resolved | Ambiguous | NotFound)
        assert len(getattr(match, "candidates", ())) <= 5


def test_random_letters_rarely_resolve_at_scale(big: tuple[NameIndex, list[str]]) -> None:
    index, _ = big
    rng = random.Random(5)
    junk = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 12))) for _ in range(100)]
    resolved = sum(isinstance(index.resolve(query), Resolved) for query in junk)
    assert resolved <= 3


def test_search_lists_partial_matches_best_first_with_popular_ones_up() -> None:
    names = ["Toy Story", "Toy Story 2", "Toy Story 3", "Tokyo Story", "Toys", "Heat"]
    index = NameIndex(names, popularity=[5000, 4000, 4500, 300, 100, 2000])
    found = [c.name for c in index.search("toy sto", limit=4)]
    assert found[0] == "Toy Story"
    assert set(found[1:3]) == {"Toy Story 2", "Toy Story 3"}
    assert "Heat" not in found
    assert [c.name for c in index.search("toy story", limit=2)] == ["Toy Story", "Toy Story 3"]
    assert index.search("", limit=5) == [] and index.search("🎬", limit=5) == []
    assert index.search("qwzxv", limit=5) == []


# --- an exact name gives way to far more popular names holding it ----------------------------


@pytest.fixture(scope="module")
def studios() -> NameIndex:
    movies_made = {
        "Disney": 2,
        "Walt Disney Pictures": 263,
        "Walt Disney Animation Studios": 80,
        "MGM": 2,
        "Metro-Goldwyn-Mayer (MGM)": 1074,
        "Universal": 10,
        "Universal Pictures": 830,
        "20th Century Fox": 6,
        "Twentieth Century Fox Film Corporation": 836,
        "Pixar": 1,
        "Pixar Animation Studios": 40,  # 40 times as popular, but under 50 movies
        "Warner": 30,
        "Warner Bros.": 590,  # not 20 times as popular
        "HBO": 3,
        "HBO Films": 60,
        "HBO Documentary Films": 61,
        "HBO Max": 62,
        "Home Box Office (HBO)": 63,
        "HBO Sports": 64,
        "HBO Latino": 65,
        "HBO Europe": 66,
        "HBO Asia": 67,
        "HBO Canada": 68,
        "HBO Pictures": 69,
        "HBO Independent": 70,  # "hbo" is in too many names to be looked up
    }
    return NameIndex(list(movies_made), list(movies_made.values()))


def test_exact_company_gives_way_to_far_more_popular_ones_holding_its_name(
    studios: NameIndex,
) -> None:
    match = choice(studios.resolve("Disney"))
    names = [c.name for c in match.candidates]
    assert names == ["Walt Disney Pictures", "Walt Disney Animation Studios", "Disney"]
    assert match.candidates[-1].score == 100.0
    assert all(ACCEPT_SCORE <= c.score < 100.0 for c in match.candidates[:-1])


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("MGM", ["Metro-Goldwyn-Mayer (MGM)", "MGM"]),  # a rare three-letter word
        ("universal", ["Universal Pictures", "Universal"]),
        # "20th" and "twentieth" are the same number
        ("20th Century Fox", ["Twentieth Century Fox Film Corporation", "20th Century Fox"]),
    ],
)
def test_more_exact_companies_that_give_way(
    studios: NameIndex, query: str, names: list[str]
) -> None:
    assert [c.name for c in choice(studios.resolve(query)).candidates] == names


def test_a_short_exact_name_gives_way_however_common_its_word(studios: NameIndex) -> None:
    names = [c.name for c in choice(studios.resolve("HBO")).candidates]
    assert names[0] == "HBO Independent" and "HBO" in names


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Pixar", "Pixar"),  # DOMINANCE_MIN_POPULARITY
        ("Warner", "Warner"),  # DOMINANCE_RATIO
        ("Walt Disney Pictures", "Walt Disney Pictures"),
    ],
)
def test_exact_company_stays_when_nothing_outranks_it(
    studios: NameIndex, query: str, name: str
) -> None:
    match = only(studios.resolve(query))
    assert (match.name, match.candidate.score) == (name, 100.0)


@pytest.fixture(scope="module")
def films() -> NameIndex:
    rows: list[tuple[str, float, int]] = [
        ("Godfather", 4, 1991),  # 0
        ("The Godfather", 6024, 1972),  # 1
        ("The Godfather: Part II", 3418, 1974),  # 2
        ("Mask", 25, 1985),  # 3
        ("The Mask", 2900, 1994),  # 4
        ("The Woman", 145, 2011),  # 5
        ("Wonder Woman", 5025, 2017),  # 6
        ("Master of the World", 19, 1961),  # 7
        ("Master and Commander: The Far Side of the World", 808, 2003),  # 8
        ("It", 12, 1927),  # 9
        ("It Follows", 1677, 2014),  # 10
        ("Road", 9, 2014),  # 11
        ("Road", 2, 2002),  # 12
        ("The Road", 1100, 2009),  # 13
        ("Mad Max: Fury Road", 9629, 2015),  # 14
        ("Road to Perdition", 1800, 2002),  # 15
        ("Revolutionary Road", 1200, 2008),  # 16
        ("Toy Story", 5415, 1995),  # 17
        ("Toy Story 2", 3914, 1999),  # 18
        ("Fox", 3, 1990),  # 19
        ("The Fox", 5, 1967),  # 20: loose exact, not more popular than "Fox"
        ("Fantastic Mr. Fox", 1500, 2009),  # 21
        ("The Fox and the Hound", 900, 1981),  # 22
    ]
    names, votes, years = zip(*rows, strict=True)
    return NameIndex(list(names), list(votes), list(years))


def test_exact_title_gives_way_to_the_famous_title_with_an_article(films: NameIndex) -> None:
    match = choice(films.resolve("godfather"))
    assert [c.key for c in match.candidates] == [1, 2, 0]
    assert match.candidates[0].score == LOOSE_SCORE
    assert [c.key for c in choice(films.resolve("Mask")).candidates] == [4, 3]


def test_a_choice_keeps_the_exact_names_however_many_outrank_them(films: NameIndex) -> None:
    match = choice(films.resolve("road", limit=4))
    assert [c.key for c in match.candidates] == [14, 15, 11, 12]
    everything = [c.key for c in choice(films.resolve("road")).candidates]
    assert everything == [14, 15, 16, 13, 11, 12]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Toy Story", 17),
        ("toy story 2", 18),
        ("The Woman", 5),  # "the woman" is not a phrase of "Wonder Woman"
        ("Master of the World", 7),  # nor of "Master and Commander: ... of the World"
        ("it", 9),  # short words are not looked up in longer names
        ("mask 1985", 3),  # a year says which one
    ],
)
def test_exact_title_that_keeps_its_place(films: NameIndex, query: str, key: int) -> None:
    assert only(films.resolve(query)).key == key


def test_loose_exact_title_gives_way_too() -> None:
    index = NameIndex(["The Fox", "Fantastic Mr. Fox"], [5, 1500])
    assert [c.name for c in choice(index.resolve("fox")).candidates] == [
        "Fantastic Mr. Fox",
        "The Fox",
    ]


def test_a_rare_three_letter_title_gives_way_like_mgm(films: NameIndex) -> None:
    # "fox" is a word of four names, few enough to be looked up; "The Fox" (5 votes) is not
    # 20 times as popular as "Fox" (3), so it is not offered.
    assert [c.key for c in choice(films.resolve("fox")).candidates] == [21, 22, 19]


# --- numbers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sequels() -> NameIndex:
    rows: list[tuple[str, float, int]] = [
        ("The Matrix", 9079, 1999),  # 0
        ("The Matrix Reloaded", 3500, 2003),  # 1
        ("The Marine 2", 100, 2009),  # 2
        ("Jurassic World", 8842, 2015),  # 3
        ("Wayne's World 2", 300, 1993),  # 4
        ("The Terminator", 4208, 1984),  # 5
        ("Terminator 2: Judgment Day", 4274, 1991),  # 6
        ("Rocky", 1900, 1976),  # 7
        ("Rocky II", 800, 1979),  # 8
        ("Rocky V", 700, 1990),  # 9
        ("Oceans", 100, 2009),  # 10
        ("Ocean's Eleven", 3000, 2001),  # 11
        ("Ocean's Twelve", 2500, 2004),  # 12
        ("Shrek", 4000, 2001),  # 13
        ("Shrek 2", 3500, 2004),  # 14
        ("Shrek the Third", 2900, 2007),  # 15
        ("Harry Potter and the Deathly Hallows: Part 1", 7000, 2010),  # 16
        ("Harry Potter and the Deathly Hallows: Part 2", 7500, 2011),  # 17
        ("I Am Legend", 4977, 2007),  # 18
        ("Hamlet", 118, 1996),  # 19
        ("Hamlet", 95, 1990),  # 20
        ("The Godfather", 6024, 1972),  # 21
        ("The Godfather: Part II", 3418, 1974),  # 22
        ("The Godfather: Part III", 2000, 1990),  # 23
        ("Star Wars: Episode I - The Phantom Menace", 4800, 1999),  # 24
        ("Star Wars", 6778, 1977),  # 25
        ("Cars 3", 1000, 2017),  # 26
    ]
    names, votes, years = zip(*rows, strict=True)
    return NameIndex(list(names), list(votes), list(years))


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Terminator 2", 6),
        ("rocky 2", 8),  # ii is 2
        ("Rocky II", 8),
        ("Ocean's 11", 11),  # eleven is 11
        ("oceans twelve", 12),
        ("shrek2", 14),  # a digit glued to the word
        ("shrek 3", 15),  # third is 3
        ("godfather 2", 22),
        ("star wars episode 1", 24),  # "I" is 1 after "episode"
        ("caks 3", 26),  # a typo in the words still resolves
    ],
)
def test_numbers_in_the_query_pick_the_name_with_them(
    sequels: NameIndex, query: str, key: int
) -> None:
    assert only(sequels.resolve(query)).key == key


@pytest.mark.parametrize(
    ("query", "closest"),
    [
        ("the matrix 2", 0),  # nor "The Marine 2": "marine" is far from "matrix"
        ("jurassic world 2", 3),
        ("rocky 4", 7),
    ],
)
def test_a_name_without_the_querys_number_is_only_a_suggestion(
    sequels: NameIndex, query: str, closest: int
) -> None:
    match = missing(sequels.resolve(query))
    assert match.suggestions[0].key == closest
    assert all(s.score < ACCEPT_SCORE for s in match.suggestions)


def test_a_query_without_numbers_still_finds_numbered_names(sequels: NameIndex) -> None:
    match = choice(sequels.resolve("harry potter deathly hallows"))
    assert {c.key for c in match.candidates} == {16, 17}
    assert only(sequels.resolve("am legend")).key == 18
    assert only(sequels.resolve("i am legend")).key == 18


def test_a_trailing_year_is_still_a_year_hint(sequels: NameIndex) -> None:
    assert only(sequels.resolve("Hamlet 1996")).key == 19
    assert only(sequels.resolve("the matrix 1999")).key == 0
    assert only(sequels.resolve("rocky 2 1979")).key == 8


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("rocky ii", {2}),
        ("shrek2", {2}),
        ("friday the 13th", {13}),
        ("oceans eleven", {11}),
        ("twenty one", {21}),
        ("twentieth century fox", {20}),
        ("star wars episode i", {1}),
        ("i am legend", set()),  # "i" is a pronoun
        ("se7en", {7}),
        ("the matrix", set()),
    ],
)
def test_numbers_are_read_in_every_spelling(text: str, numbers: set[int]) -> None:
    from bot.movies.matching.numbers import _numbers

    assert _numbers(text) == numbers


# --- spacing ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spelt() -> NameIndex:
    rows: list[tuple[str, float]] = [
        ("M*A*S*H", 500),  # 0
        ("The Marsh", 20),  # 1
        ("WALL·E", 8000),  # 2
        ("The Wall", 300),  # 3
        ("Walled In", 60),  # 4
        ("E.T. the Extra-Terrestrial", 3300),  # 5
        ("Pet", 200),  # 6
        ("Eat", 10),  # 7
        ("A.I. Artificial Intelligence", 2200),  # 8
        ("Zodiac", 2800),  # 9
        ("Zoolander", 1700),  # 10
    ]
    names, votes = zip(*rows, strict=True)
    return NameIndex(list(names), list(votes))


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("MASH", 0),  # "m a s h" without its spaces
        ("walle", 2),  # "wall e"
        ("Wall-E", 2),
        ("E.T.", 5),  # begins "e t ..."
        ("et", 5),
        ("a.i.", 8),
    ],
)
def test_names_spelt_with_spaces_or_letter_by_letter(
    spelt: NameIndex, query: str, key: int
) -> None:
    assert only(spelt.resolve(query)).key == key


def test_a_short_query_that_matches_nothing_suggests_names_it_begins(spelt: NameIndex) -> None:
    match = missing(spelt.resolve("zo"))
    assert {s.key for s in match.suggestions} == {9, 10}
    assert all(s.score < ACCEPT_SCORE for s in match.suggestions)
    assert missing(spelt.resolve("xq")).suggestions == ()
