"""The /recommend model on the bundled catalog and its committed fit, plus build/save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bot.movies.datafiles import DATA_DIR, MODEL_FILES, MOVIES_FILE, fingerprint
from bot.movies.recommender import (
    FIELD_WEIGHTS,
    NotEnoughData,
    Recommendation,
    Recommender,
)

CATALOG = fingerprint((DATA_DIR / MOVIES_FILE).read_bytes())


@pytest.fixture(scope="module")
def movies() -> pl.DataFrame:
    return pl.read_parquet(DATA_DIR / MOVIES_FILE)


@pytest.fixture(scope="module")
def model(movies: pl.DataFrame) -> Recommender:
    return Recommender.load(DATA_DIR, movies, CATALOG)


def row_of(movies: pl.DataFrame, title: str, year: int) -> int:
    rows = movies.with_row_index().filter((pl.col("title") == title) & (pl.col("year") == year))
    assert rows.height == 1, (title, year)
    return int(rows["index"][0])


def titles(movies: pl.DataFrame, recs: list[Recommendation]) -> list[str]:
    return [movies["title"][r.row] for r in recs]


def assert_valid(recs: list[Recommendation], row: int, k: int = 5) -> None:
    """k distinct movies, not the query itself, best first."""
    rows = [r.row for r in recs]
    assert len(rows) == k
    assert len(set(rows)) == k
    assert row not in rows
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True)


def test_model_files_are_committed() -> None:
    for name in MODEL_FILES:
        assert (DATA_DIR / name).is_file(), name
    assert sum((DATA_DIR / n).stat().st_size for n in MODEL_FILES) < 10_000_000


def test_covers_every_movie(model: Recommender, movies: pl.DataFrame) -> None:
    assert len(model) == movies.height


def test_toy_story_gets_its_sequels(model: Recommender, movies: pl.DataFrame) -> None:
    row = row_of(movies, "Toy Story", 1995)
    recs = model.recommend(row)
    assert_valid(recs, row)
    assert {"Toy Story 2", "Toy Story 3"} & set(titles(movies, recs))
    reasons = {movies["title"][r.row]: r.reason for r in recs}
    assert reasons.get("Toy Story 2", "same collection") == "same collection"


def test_the_dark_knight_gets_another_batman_film(model: Recommender, movies: pl.DataFrame) -> None:
    row = row_of(movies, "The Dark Knight", 2008)
    recs = model.recommend(row)
    assert_valid(recs, row)
    batman = [
        r for r in recs
        if "Batman" in movies["title"][r.row]
        or movies["collection"][r.row] == "The Dark Knight Collection"
    ]
    assert batman


def test_people_give_the_reason(model: Recommender, movies: pl.DataFrame) -> None:
    recs = model.recommend(row_of(movies, "Inception", 2010))
    assert "also directed by Christopher Nolan" in [r.reason for r in recs]


def test_movies_without_keywords_director_or_genres(
    model: Recommender, movies: pl.DataFrame
) -> None:
    """Each gets 5 answers by what it has, or NotEnoughData; those with an overview are answered."""
    bare = movies.with_row_index().filter(
        (pl.col("keywords").list.len() == 0)
        & (pl.col("directors").list.len() == 0)
        & (pl.col("genres").list.len() == 0)
    )
    refused = 0
    for row, overview in bare.select("index", "overview").iter_rows():
        try:
            assert_valid(model.recommend(row), row)
        except NotEnoughData as error:
            assert overview is None
            assert error.row == row
            refused += 1
    assert 0 < refused < bare.height


def test_a_movie_with_only_its_language_is_not_enough(
    model: Recommender, movies: pl.DataFrame
) -> None:
    nothing = movies.with_row_index().filter(
        (pl.col("keywords").list.len() == 0)
        & (pl.col("directors").list.len() == 0)
        & (pl.col("genres").list.len() == 0)
        & (pl.col("companies").list.len() == 0)
        & pl.col("lead_actor").is_null()
        & pl.col("collection").is_null()
        & pl.col("overview").is_null()
        & pl.col("tagline").is_null()
    )
    assert nothing.height
    with pytest.raises(NotEnoughData, match="not enough data"):
        model.recommend(int(nothing["index"][0]))


def test_random_movies_get_five_distinct_others(model: Recommender) -> None:
    rows = np.random.default_rng(7).choice(len(model), 300, replace=False)
    answered = 0
    for row in rows.tolist():
        try:
            recs = model.recommend(row)
        except NotEnoughData:
            continue
        assert_valid(recs, row)
        answered += 1
    assert answered >= 290


def test_k_and_row_are_checked(model: Recommender, movies: pl.DataFrame) -> None:
    row = row_of(movies, "Toy Story", 1995)
    assert_valid(model.recommend(row, k=12), row, k=12)
    with pytest.raises(ValueError):
        model.recommend(row, k=0)
    with pytest.raises(IndexError):
        model.recommend(-1)


@pytest.fixture(scope="module")
def small(movies: pl.DataFrame) -> pl.DataFrame:
    """The first 400 movies, a second copy of Toy Story under another id, and a bare movie."""
    head = movies.head(400)
    toy_story = head.filter(pl.col("title") == "Toy Story")
    copy = toy_story.with_columns(pl.lit(10**9, dtype=pl.Int64).alias("id"))
    bare = toy_story.with_columns(
        pl.lit(10**9 + 1, dtype=pl.Int64).alias("id"),
        pl.lit("Nothing Known").alias("title"),
        *(pl.lit([], dtype=pl.List(pl.String)).alias(c)
          for c in ("genres", "keywords", "directors", "companies")),
        *(pl.lit(None, dtype=pl.String).alias(c)
          for c in ("collection", "lead_actor", "overview", "tagline")),
    )
    return pl.concat([head, copy, bare])


@pytest.fixture(scope="module")
def small_model(small: pl.DataFrame) -> Recommender:
    return Recommender.build(small)


def outcome(model: Recommender, row: int) -> list[Recommendation] | str:
    try:
        return model.recommend(row)
    except NotEnoughData:
        return "not enough data"


def test_build_save_load_round_trip(
    small: pl.DataFrame, small_model: Recommender, tmp_path: Path
) -> None:
    assert len(small_model) == small.height
    written = small_model.save(tmp_path, "small")
    assert sorted(p.name for p in written) == sorted(MODEL_FILES)
    loaded = Recommender.load(tmp_path, small, "small")
    for row in range(small.height):
        assert outcome(loaded, row) == outcome(small_model, row)


def test_the_same_movie_under_another_id_is_excluded(
    small: pl.DataFrame, small_model: Recommender
) -> None:
    original, copy = (
        small.with_row_index().filter(pl.col("title") == "Toy Story")["index"].to_list()
    )
    for row, other in ((original, copy), (copy, original)):
        recs = small_model.recommend(row)
        assert_valid(recs, row)
        assert other not in [r.row for r in recs]


def test_a_bare_movie_is_not_enough_in_a_built_model(
    small: pl.DataFrame, small_model: Recommender
) -> None:
    with pytest.raises(NotEnoughData):
        small_model.recommend(small.height - 1)


def test_load_refuses_another_catalog(movies: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="does not match"):
        Recommender.load(DATA_DIR, movies, fingerprint(b"another catalog file"))


def test_load_refuses_a_fit_with_other_weights(
    movies: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(FIELD_WEIGHTS, "genres", FIELD_WEIGHTS["genres"] + 0.01)
    with pytest.raises(ValueError, match="rebuild"):
        Recommender.load(DATA_DIR, movies, CATALOG)
