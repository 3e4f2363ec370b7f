"""Every movie, company, director, collection, country and language reachable by the name
people type (original titles, endonyms, exact small names, every same-titled movie)."""

import dataclasses

import pytest

from bot.chat import buttons, formatting
from bot.chat.commands import SPECS
from bot.movies.catalog import Catalog
from bot.movies.results import Choice, Found
from handlers import answers
from handlers.keyboards import NEXT, PREV


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(recommender=False)


def found(answer):
    assert isinstance(answer, Found), answer
    return answer.value


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("El laberinto del fauno", "Pan's Labyrinth"),
        ("La vita è bella", "Life Is Beautiful"),
        ("la vita e bella", "Life Is Beautiful"),
        ("千と千尋の神隠し", "Spirited Away"),
        ("Das Leben der Anderen", "The Lives of Others"),
        ("Das Leben der Anderen 2006", "The Lives of Others"),
    ],
)
def test_original_titles_find_the_movie(catalog: Catalog, query: str, title: str) -> None:
    assert found(catalog.movie(query)).title == title


def test_the_card_shows_the_original_title_when_it_differs(catalog: Catalog) -> None:
    movie = found(catalog.movie("Pan's Labyrinth"))
    assert movie.original_title == "El laberinto del fauno"
    assert "El laberinto del fauno" in formatting.movie_card(movie)
    same = dataclasses.replace(movie, original_title=movie.title)
    assert formatting.movie_card(same).count("Pan's Labyrinth") == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("español", "es"),
        ("espanol", "es"),
        ("castellano", "es"),
        ("français", "fr"),
        ("deutsch", "de"),
        ("日本語", "ja"),
        ("italiano", "it"),
        ("Ελληνικά", "el"),
        ("русский", "ru"),
        ("中文", "zh"),
        ("fr", "fr"),
        ("german", "de"),
        ("mandarin", "zh"),
    ],
)
def test_languages_by_endonym_and_common_name(catalog: Catalog, query: str, code: str) -> None:
    assert found(catalog.language(query)).code == code


@pytest.mark.parametrize(
    ("query", "code"), [("Mexico", "MX"), ("mx", "MX"), ("Niger", "NE"), ("usa", "US")]
)
def test_country_names_keep_working(catalog: Catalog, query: str, code: str) -> None:
    assert found(catalog.country(query)).code == code


def test_esperanto_is_not_spanish(catalog: Catalog) -> None:
    assert found(catalog.language("esperanto")).code == "eo"
    assert not isinstance(catalog.language("español"), Choice)


def labels(answer) -> list[str]:
    if isinstance(answer, Choice):
        return [o.label for o in answer.options]
    return [answer.value.name, *(o.label for o in answer.also)]


def test_fox_leads_to_the_giant_and_keeps_the_small_fox(catalog: Catalog) -> None:
    names = labels(catalog.company("Fox"))
    assert names[0] == "Twentieth Century Fox Film Corporation" and "Fox" in names


def test_warner_brothers_is_warner_bros(catalog: Catalog) -> None:
    assert found(catalog.company("Warner Brothers")).name == "Warner Bros."


def test_disney_leads_to_the_giants_first(catalog: Catalog) -> None:
    assert labels(catalog.company("Disney")) == [
        "Walt Disney Pictures", "Walt Disney Productions", "Disney"
    ]


def test_a_small_exact_company_stays_one_tap_away(catalog: Catalog) -> None:
    names = labels(catalog.company("Twentieth Century-Fox"))
    assert names[0] == "Twentieth Century Fox Film Corporation"
    assert "Twentieth Century Fox" in names


@pytest.mark.parametrize("name", ["Ciné+", "Ciné@", "Ciné"])
def test_a_symbol_tells_exact_names_apart(catalog: Catalog, name: str) -> None:
    answer = catalog.company(name)
    assert found(answer).name == name
    assert sorted(o.label for o in answer.also) == sorted({"Ciné+", "Ciné@", "Ciné"} - {name})


@pytest.mark.parametrize(
    ("query", "name", "title"),
    [
        ("Why We Fight", "Why We Fight", "Why We Fight (2005)"),
        ("Madeline", "Madeline", "Madeline (1998)"),
        ("We Were Here", "We Were Here", "We Were Here (2011)"),
    ],
)
def test_a_collection_of_that_name_before_a_movie_of_it(
    catalog: Catalog, query: str, name: str, title: str
) -> None:
    answer = catalog.collection(query)
    assert found(answer).name == name and answer.value.movies
    assert title in [o.label for o in answer.also]


def test_a_collection_name_with_its_suffix(catalog: Catalog) -> None:
    answer = catalog.collection("Fallen Collection")
    assert found(answer).name == "Fallen Collection"
    assert "... Has Fallen Collection" in [o.label for o in answer.also]
    assert found(catalog.collection("The Matrix")).name == "The Matrix Collection"


def test_why_we_fight_is_the_seven_movie_collection(catalog: Catalog) -> None:
    assert len(found(catalog.collection("Why We Fight")).movies) == 7


def reply_buttons(reply) -> list[tuple[str, str]]:
    return [(b.text, b.callback_data) for row in reply.keyboard.inline_keyboard for b in row]


def test_every_hamlet_is_offered_with_a_distinct_label(catalog: Catalog) -> None:
    answer = catalog.movie("Hamlet")
    assert isinstance(answer, Choice) and len(answer.options) == 9
    names = [o.label for o in answer.options]
    assert len(set(names)) == 9
    assert "Hamlet (2000) · Campbell Scott & Eric Simonson" in names


def test_choice_buttons_come_in_pages(catalog: Catalog) -> None:
    first = answers.answer(catalog, SPECS["runtime"], "Hamlet")
    shown = reply_buttons(first)
    assert len(shown) == 9 and shown[-1][0] == f"{NEXT} (1 more)"
    assert all(len(data.encode()) <= 64 for _, data in shown)
    second = answers.answer_button(catalog, buttons.decode(shown[-1][1], catalog.version))
    assert second is not None and second.text == first.text
    assert [text for text, _ in reply_buttons(second)] == [
        "Hamlet (2000) · Campbell Scott & Eric Simonson", PREV
    ]


@pytest.mark.parametrize("query", ["Hamlet 2000", "Hamlet (2000)"])
def test_a_year_offers_exactly_the_movies_of_that_year(catalog: Catalog, query: str) -> None:
    answer = catalog.movie(query)
    assert isinstance(answer, Choice)
    assert [o.label for o in answer.options] == [
        "Hamlet (2000) · Michael Almereyda", "Hamlet (2000) · Campbell Scott & Eric Simonson"
    ]


def test_equal_titles_and_years_get_distinct_labels(catalog: Catalog) -> None:
    emma = [o.label for o in catalog.movie("Emma").options]
    assert len(set(emma)) == len(emma)
    assert "Emma (1996) · Douglas McGrath" in emma


def test_a_bracketed_year_is_a_year(catalog: Catalog) -> None:
    answer = catalog.movie("Cinderella (2000)")
    movie = found(answer)
    assert (movie.year, movie.runtime, movie.directors) == (2000, 90, ("Beeban Kidron",))
    assert [o.label for o in answer.also] == ["Cinderella 2000 (1977)"]
    old = catalog.movie("Cinderella 2000")
    assert found(old).year == 1977 and [o.label for o in old.also] == ["Cinderella (2000)"]


@pytest.mark.parametrize("query", ["qwertyuiop", "xkcd blorp"])
def test_keyboard_mash_gets_no_suggestions(catalog: Catalog, query: str) -> None:
    answer = catalog.movie(query)
    assert isinstance(answer, Choice) and answer.options == ()


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("the matrix 2", "The Matrix Reloaded"),
        ("The Matrix II", "The Matrix Reloaded"),
        ("the matrix part 2", "The Matrix Reloaded"),
        ("the matrix 3", "The Matrix Revolutions"),
        ("harry potter 3", "Harry Potter and the Prisoner of Azkaban"),
        ("rocky 2", "Rocky II"),
        ("toy story 2", "Toy Story 2"),
    ],
)
def test_a_sequel_number_finds_the_series_member(
    catalog: Catalog, query: str, title: str
) -> None:
    assert found(catalog.movie(query)).title == title


def test_a_sequel_past_the_series_is_not_made_up(catalog: Catalog) -> None:
    assert isinstance(catalog.movie("the matrix 4"), Choice)


def test_a_one_shot_run_prints_the_usage_of_a_bare_command(catalog: Catalog) -> None:
    import io

    from bot.app.console import ask

    out = io.StringIO()
    assert ask(catalog, "/director", out) == 0
    assert out.getvalue() == "Usage: /director <name>\nExample: /director Christopher Nolan\n"


def test_a_sample_of_the_reachability_sweep(catalog: Catalog) -> None:
    from bench.bench_reachability import sweep

    tallies = sweep(catalog, sample=200, seed=1)
    assert {t.kind: t.misses for t in tallies if t.misses} == {}
    assert {t.kind: t.duplicates for t in tallies if t.duplicates} == {}
    assert all(t.asked for t in tallies)


def test_buttons_under_an_answer_never_read_like_it(catalog: Catalog) -> None:
    emma = catalog.movie("Emma (1996)")
    first = emma.options[0]
    answer = catalog.movie(first.ref)
    assert found(answer).year == 1996
    also = [o.label for o in answer.also]
    assert "Emma (1996)" not in also and "Emma (1996) · Diarmuid Lawrence" in also
