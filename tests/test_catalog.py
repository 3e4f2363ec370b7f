"""The query layer over the bundled catalog: the issue's examples, forgiving names, bad input."""

import pytest

from bot.movies.catalog import Catalog
from bot.movies.matching import normalize
from bot.movies.results import Choice, CollectionInfo, Found, Kind, NoCollection, Ref


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def found(answer):
    assert isinstance(answer, Found), answer
    return answer.value


def test_runtime_and_year(catalog: Catalog) -> None:
    toy = found(catalog.movie("Toy Story"))
    assert (toy.title, toy.runtime, toy.year) == ("Toy Story", 81, 1995)
    assert toy.directors == ("John Lasseter",) and toy.lead_actor == "Tom Hanks"


@pytest.mark.parametrize("query", ["toy story!", "TOY STORY", "Toy Stroy", "toy  story (1995)"])
def test_titles_forgive_typing(catalog: Catalog, query: str) -> None:
    assert found(catalog.movie(query)).id == 862


def test_a_year_narrows_a_title(catalog: Catalog) -> None:
    assert found(catalog.movie("Hamlet 1996")).year == 1996
    assert found(catalog.movie("Hamlet (1948)")).year == 1948


def test_same_titles_are_ambiguous_by_popularity(catalog: Catalog) -> None:
    answer = catalog.movie("Hamlet")
    assert isinstance(answer, Choice) and answer.ambiguous and answer.kind is Kind.MOVIE
    assert len(answer.options) >= 8
    assert answer.options[0].label == "Hamlet (1996)"  # the most voted first
    assert all(o.label.startswith("Hamlet (") for o in answer.options)


def test_a_dominant_title_resolves_and_names_the_others(catalog: Catalog) -> None:
    answer = catalog.movie("Titanic")
    assert found(answer).year == 1997
    assert {o.label for o in answer.also} == {"Titanic (1953)", "Titanic (1996)"}


def test_languages(catalog: Catalog) -> None:
    for query in ("fr", "FR", "French", "french"):
        result = found(catalog.language(query))
        assert (result.code, result.name) == ("fr", "French")
    assert found(catalog.language("fr")).count == 2435
    assert found(catalog.language("german")).code == "de"
    assert found(catalog.language("xx")).name == "No Language"
    assert found(catalog.language("cn")).name == "Cantonese"
    assert found(catalog.language("Mandarin")).code == "zh"
    assert found(catalog.language("greek")).name == "Modern Greek"


def test_countries_match_the_exact_entity(catalog: Catalog) -> None:
    mexico = found(catalog.country("Mexico"))
    assert mexico == found(catalog.country("mx"))
    assert mexico.code == "MX" and mexico.count > 300
    assert found(catalog.country("Nigeria")).count == 6
    niger = found(catalog.country("Niger"))
    assert (niger.code, niger.count) == ("NE", 0)
    assert found(catalog.country("USA")).code == "US"
    assert found(catalog.country("Soviet Union")).code == "SU"
    for name, code in (("West Germany", "DE"), ("England", "GB"), ("Ivory Coast", "CI")):
        assert found(catalog.country(name)).code == code
    assert found(catalog.country("DR Congo")).name == "DR Congo"
    congo = catalog.country("Congo")  # TMDB's Congo is DR Congo; ISO's is the other one
    assert isinstance(congo, Choice) and congo.ambiguous
    assert [o.label for o in congo.options] == ["DR Congo", "Republic of the Congo"]


def test_names_differing_only_in_case_or_accents_are_one_entity(catalog: Catalog) -> None:
    assert found(catalog.company("Toho")).name == found(catalog.company("TOHO")).name
    spellings = [n for n in catalog.directors.names if normalize(n) == "denis heroux"]
    assert len(spellings) == 1
    assert found(catalog.director("Denis Héroux")).count == 2


def test_collections_by_title_or_by_name(catalog: Catalog) -> None:
    matrix = found(catalog.collection("The Matrix"))
    assert isinstance(matrix, CollectionInfo)
    assert matrix.name == "The Matrix Collection"
    assert [m.title for m in matrix.movies] == [
        "The Matrix", "The Matrix Reloaded", "The Matrix Revolutions"
    ]
    assert (matrix.known_revenue, matrix.total_revenue) == (3, 1_627_105_295)
    assert matrix.average_revenue == pytest.approx(542_368_431.67)
    assert found(catalog.collection("harry potter")).name == "Harry Potter Collection"
    assert isinstance(found(catalog.collection("Jumanji")), NoCollection)


def test_company_success(catalog: Catalog) -> None:
    pixar = found(catalog.company("Pixar"))
    assert pixar.name == "Pixar Animation Studios" and pixar.count == 52
    assert 0 < pixar.known_revenue < pixar.count
    assert pixar.total_revenue > 10_000_000_000
    assert found(catalog.company("Pixr")).name == "Pixar Animation Studios"
    warner = catalog.company("Warner")
    assert isinstance(warner, Choice) and warner.ambiguous
    assert "Warner Bros." in [o.label for o in warner.options]


def test_director_success(catalog: Catalog) -> None:
    cuaron = found(catalog.director("alfonso cuaron"))
    assert cuaron.name == "Alfonso Cuarón"
    titles = [d.movie.title for d in cuaron.movies]
    assert "Harry Potter and the Prisoner of Azkaban" in titles
    years = [d.movie.year for d in cuaron.movies]
    assert years == sorted(years)
    both = [d for d in cuaron.movies if d.budget and d.revenue]
    assert cuaron.both_known == len(both)
    assert cuaron.overall_return == pytest.approx(
        sum(d.revenue for d in both) / sum(d.budget for d in both)
    )
    assert (cuaron.count, cuaron.total_revenue, cuaron.both_known) == (8, 1_670_125_135, 6)
    assert cuaron.overall_return == pytest.approx(4.7179, abs=1e-4)
    azkaban = next(d for d in cuaron.movies if d.movie.id == 673)
    assert azkaban.ret == pytest.approx(789804554 / 130000000)


def test_co_directed_movies_count_for_each_director(catalog: Catalog) -> None:
    for name in ("Lana Wachowski", "Lilly Wachowski"):
        assert 603 in [d.movie.id for d in found(catalog.director(name)).movies]


def test_refs_answer_buttons_and_expire_cleanly(catalog: Catalog) -> None:
    hamlet = catalog.movie("Hamlet")
    pick = hamlet.options[1]
    assert found(catalog.movie(pick.ref)).year == int(pick.label[-5:-1])
    warner = catalog.company("Warner").options[0]
    assert found(catalog.company(warner.ref)).name == warner.label
    assert isinstance(catalog.company(Ref(Kind.COMPANY, 10**9)), Choice)
    assert isinstance(catalog.movie(Ref(Kind.MOVIE, -1)), Choice)


def test_not_found_offers_suggestions(catalog: Catalog) -> None:
    answer = catalog.movie("qwzxv plorb")
    assert isinstance(answer, Choice) and not answer.ambiguous


BAD_INPUT = [
    "", "   ", "x" * 4000, "🎬🍿", "Амели", "千と千尋の神隠し", ".*", "'; drop table movies; --",
    "%", "<b>", "\x00\x07\n", "a" * 10 + "\u202e" + "b",
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_input_never_raises(catalog: Catalog, query: str) -> None:
    for ask in (catalog.movie, catalog.language, catalog.country, catalog.company,
                catalog.director, catalog.collection):
        answer = ask(query)
        assert isinstance(answer, Found | Choice)


@pytest.mark.parametrize("query", ["", "   ", "🎬🍿", "\x00\x07\n"])
def test_nothing_searchable_asks_for_a_name(catalog: Catalog, query: str) -> None:
    answer = catalog.movie(query)
    assert isinstance(answer, Choice) and answer.empty
