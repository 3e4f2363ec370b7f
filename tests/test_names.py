"""Every movie, company, director, collection, country and language reachable by the name
people type (original titles, endonyms, exact small names, every same-titled movie)."""

import dataclasses

import pytest

from bot.chat import formatting
from bot.movies.catalog import Catalog, Choice, Found


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
