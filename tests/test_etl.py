"""The pipeline on a small fixture in the original Kaggle format, and the bundled catalog."""

from pathlib import Path

import polars as pl
import pytest

from bot.movies import etl
from bot.movies.datafiles import MODEL_FILES

FIXTURE = Path(__file__).parent / "fixtures" / "kaggle"
DATA = Path(__file__).parent.parent / "data"
SHARED = Path(__file__).parent.parent.parent / "shared" / "movies"


@pytest.fixture(scope="module")
def built() -> tuple[pl.DataFrame, etl.Report]:
    return etl.build(FIXTURE)


def row(movies: pl.DataFrame, tmdb_id: int) -> dict:
    return movies.filter(pl.col("id") == tmdb_id).row(0, named=True)


def test_report_names_what_was_dropped_and_why(built) -> None:
    movies, report = built
    assert report.rows_read == 13
    assert report.dropped == {
        "malformed row (id is not a number: shifted columns)": 3,
        "duplicate TMDB id (first occurrence kept)": 1,
    }
    assert report.kept == movies.height == 9
    assert "credits.csv: 1 rows with an id seen before ignored" in str(report)


def test_one_row_per_id_first_occurrence_wins(built) -> None:
    movies, _ = built
    assert movies["id"].is_unique().all()
    toy = row(movies, 862)
    assert (toy["runtime"], toy["vote_count"]) == (81, 5415)


def test_full_cast_and_crew_give_directors_and_lead_actor(built) -> None:
    movies, _ = built
    toy = row(movies, 862)
    assert toy["directors"] == ["John Lasseter"]
    assert toy["lead_actor"] == "Tom Hanks"
    jumanji = row(movies, 8844)
    assert jumanji["lead_actor"] == "Robin Williams"  # order 0 although billed second in the list
    matrix = row(movies, 603)
    assert sorted(matrix["directors"]) == ["Lana Wachowski", "Lilly Wachowski"]
    assert row(movies, 673)["directors"] == ["Alfonso Cuarón"]


def test_unknowns_stay_unknown(built) -> None:
    movies, _ = built
    odd = row(movies, 99001)
    assert odd["year"] is None and odd["release_date"] is None
    assert odd["budget"] is None and odd["revenue"] is None and odd["runtime"] is None
    assert odd["genres"] == [] and odd["keywords"] == [] and odd["directors"] == []
    assert odd["companies"] == ["Club d'Investissement Média"]
    assert odd["lead_actor"] == "Peter O'Toole"
    dark_knight = row(movies, 155)  # its credits row holds NaN
    assert dark_knight["directors"] == [] and dark_knight["lead_actor"] is None


def test_escaped_names_are_decoded_and_trimmed(built) -> None:
    movies, _ = built
    escapes = row(movies, 99002)
    assert escapes["companies"] == ["Zentropa (koprodukcja)", "LGM CINEMA", "Toho"]
    assert escapes["directors"] == ["Andrew Thomas Hunt"]
    assert escapes["keywords"] == ["nightgown", "tough girl"]  # a bare "\xa0" is no keyword


def test_braces_inside_a_cast_entry_do_not_hide_it(built) -> None:
    movies, _ = built
    assert row(movies, 99002)["lead_actor"] == "Josiah Patkotak"  # plays 'Mr. {Curly}'


def test_spellings_of_one_name_are_merged_into_the_most_used(built) -> None:
    movies, report = built
    assert row(movies, 99002)["companies"][-1] == "Toho"  # was TOHO; Toho has 2 movies
    assert "companies: 1 variant spellings merged into the most used" in str(report)


def test_list_columns_are_real_lists(built) -> None:
    movies, _ = built
    toy = row(movies, 862)
    assert toy["genres"] == ["Animation", "Comedy", "Family"]
    assert toy["collection"] == "Toy Story Collection"
    assert toy["countries"] == ["United States of America"] and toy["country_codes"] == ["US"]
    assert toy["spoken_languages"] == ["en"]
    assert "toy" in toy["keywords"]
    assert movies.schema["genres"] == pl.List(pl.String)


def test_command_line_writes_parquet_and_prints_report(tmp_path, capsys) -> None:
    assert etl.main([str(FIXTURE), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "kept 9 movies" in out and "dropped 3: malformed row" in out
    assert pl.read_parquet(tmp_path / etl.MOVIES_FILE).height == 9
    assert all((tmp_path / name).is_file() for name in MODEL_FILES)


def test_command_line_refuses_a_folder_without_the_files(tmp_path, capsys) -> None:
    assert etl.main([str(tmp_path)]) == 2
    assert "lacks movies_metadata.csv" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED.is_dir(), reason="the Kaggle files are not beside the repo")
def test_bundled_catalog_is_what_the_pipeline_builds() -> None:
    movies, _ = etl.build(SHARED)
    assert movies.equals(pl.read_parquet(DATA / etl.MOVIES_FILE))


def test_bundled_catalog() -> None:
    movies = pl.read_parquet(DATA / etl.MOVIES_FILE)
    assert movies.height == 45_350
    assert movies["id"].is_unique().all()
    toy = row(movies, 862)
    assert (toy["title"], toy["year"], toy["runtime"]) == ("Toy Story", 1995, 81)
    assert toy["lead_actor"] == "Tom Hanks"
    assert movies.filter(pl.col("collection") == "The Matrix Collection").height == 3


def test_a_distinguishing_symbol_keeps_names_apart() -> None:
    companies = [["Ciné+"]] * 3 + [["Ciné +"], ["Cine+"], ["Ciné@"], ["Ciné"], ["Ciné"], ["CINÉ"]]
    movies = pl.DataFrame(
        {
            "companies": companies,
            "directors": [["Denis Héroux"]] * 8 + [["Denis Heroux"]],
            "collection": ["Why We Fight"] * 9,
        },
        schema={
            "companies": pl.List(pl.String),
            "directors": pl.List(pl.String),
            "collection": pl.String,
        },
    )
    merged = etl.merge_spellings(movies, etl.Report())
    assert merged["directors"].to_list() == [["Denis Héroux"]] * 9
    merged = merged["companies"].to_list()
    assert merged == [["Ciné+"]] * 5 + [["Ciné@"]] + [["Ciné"]] * 3


def test_symbols_that_join_words_are_spelling() -> None:
    assert etl.spelling_key("Claussen+Wöbke+Putz") == etl.spelling_key("Claussen Wöbke Putz")
    assert etl.spelling_key("Canal+ Horizons") != etl.spelling_key("Canal Horizons")
    assert etl.spelling_key("Twentieth Century-Fox") == etl.spelling_key("Twentieth Century Fox")
