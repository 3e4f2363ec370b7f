"""Choosing daily movies: who qualifies, each chat's own order, no repeat within a year."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from bot.daily.picks import MIN_AVERAGE, MIN_VOTES, Picker, year_before
from bot.movies.datafiles import DATA_DIR, MOVIES_FILE

DATA = DATA_DIR / MOVIES_FILE


def frame(rows: list[dict]) -> pl.DataFrame:
    defaults = {"runtime": 100, "year": 2000, "vote_count": 500, "vote_average": 7.5,
                "poster_path": "/p.jpg", "genres": ["Drama"]}
    return pl.DataFrame(
        [{**defaults, **row} for row in rows],
        schema={"id": pl.Int64, "runtime": pl.Int32, "year": pl.Int16, "vote_count": pl.Int32,
                "vote_average": pl.Float32, "poster_path": pl.String, "genres": pl.List(pl.String)},
    )


def run(picker: Picker, chat_id: int, days: int, genre: str | None = None,
        start: date = date(2026, 1, 1)) -> list[int]:
    """Pick ``days`` days in a row, recording history the way the bot does."""
    history: dict[int, date] = {}
    out = []
    for n in range(days):
        today = start + timedelta(days=n)
        pick = picker.pick(chat_id, today, history, genre)
        assert pick is not None
        history[pick.movie_id] = today
        out.append(pick.movie_id)
    return out


@pytest.fixture(scope="module")
def real() -> Picker:
    return Picker(pl.read_parquet(DATA))


def test_only_qualifying_movies_while_the_main_pool_lasts() -> None:
    good = [{"id": i} for i in range(1, 6)]
    bad = [
        {"id": 101, "runtime": None},
        {"id": 102, "runtime": 0},
        {"id": 103, "year": None},
        {"id": 104, "vote_count": MIN_VOTES - 1},
        {"id": 105, "vote_average": MIN_AVERAGE - 0.1},
        {"id": 106, "vote_count": 5, "vote_average": 9.0},
    ]
    picker = Picker(frame(good + bad))
    assert picker.pool_size() == 5
    assert sorted(run(picker, 7, 5)) == [1, 2, 3, 4, 5]


def test_posters_first_then_relaxed_tier_then_nothing() -> None:
    rows = [
        {"id": 1}, {"id": 2},
        {"id": 3, "poster_path": None},
        {"id": 4, "vote_count": 20, "vote_average": 6.2},
        {"id": 5, "runtime": None},
    ]
    picker = Picker(frame(rows))
    history: dict[int, date] = {}
    tiers = []
    for n in range(4):
        pick = picker.pick(1, date(2026, 1, 1) + timedelta(days=n), history)
        assert pick is not None
        history[pick.movie_id] = date(2026, 1, 1) + timedelta(days=n)
        tiers.append((pick.movie_id, pick.tier))
    assert {m for m, _ in tiers[:2]} == {1, 2}
    assert tiers[2:] == [(3, 1), (4, 2)]
    assert picker.pick(1, date(2026, 1, 5), history) is None


def test_no_movie_twice_within_a_year_and_oldest_first_after() -> None:
    picker = Picker(frame([{"id": i} for i in range(1, 401)]))
    picks = run(picker, 42, 800)
    last_seen: dict[int, int] = {}
    for day, movie in enumerate(picks):
        if movie in last_seen:
            assert day - last_seen[movie] >= 365
        last_seen[movie] = day
    assert set(picks[:400]) == set(range(1, 401))
    assert picks[400:765] == picks[:365]


def test_each_chat_has_its_own_deterministic_sequence() -> None:
    picker = Picker(frame([{"id": i} for i in range(1, 201)]))
    a, b = run(picker, -100123, 30), run(picker, -100456, 30)
    assert a == run(picker, -100123, 30)
    assert a != b
    assert len(set(a) & set(b)) < 15


def test_order_is_stable_when_the_catalog_changes() -> None:
    rows = [{"id": i} for i in range(1, 101)]
    before = run(Picker(frame(rows)), 5, 20)
    removed = before[3]
    after = run(Picker(frame([r for r in rows if r["id"] != removed] + [{"id": 999}])), 5, 19)
    assert [m for m in after if m != 999][:15] == [m for m in before if m != removed][:15]


def test_a_small_genre_falls_back_to_the_main_pool_before_the_relaxed_tier() -> None:
    """Foreign: 2 main-pool movies (one without poster), 2 relaxed ones; 3 main-pool dramas."""
    rows = [
        {"id": 1, "genres": ["Foreign"]},
        {"id": 2, "genres": ["Foreign"], "poster_path": None},
        {"id": 3, "genres": ["Foreign"], "vote_count": 12, "vote_average": 6.2},
        {"id": 4, "genres": ["Foreign"], "vote_count": 12, "vote_average": 6.2,
         "poster_path": None},
        {"id": 5}, {"id": 6}, {"id": 7, "poster_path": None},
        {"id": 8, "vote_count": 12, "vote_average": 6.2},
    ]
    picker = Picker(frame(rows))
    assert picker.pool_size("Foreign") == 2
    history: dict[int, date] = {}
    picks = []
    for n in range(8):
        today = date(2026, 1, 1) + timedelta(days=n)
        pick = picker.pick(9, today, history, "Foreign")
        assert pick is not None
        history[pick.movie_id] = today
        picks.append((pick.movie_id, pick.tier))
    assert picks[:2] == [(1, 0), (2, 1)], "the genre's main pool, posters first"
    assert sorted(picks[2:4]) == [(5, 0), (6, 0)] and picks[4] == (7, 1), "then any genre's"
    assert picks[5:] == [(3, 2), (4, 3), (8, 2)], "relaxed tiers once all are seen, genre first"


def test_real_catalog_pool_and_a_year_of_picks(real: Picker) -> None:
    assert real.pool_size() > 4000
    assert real.pool_size("Comedy") > 1000
    assert real.pool_size("Foreign") < 10
    movies = pl.read_parquet(DATA, columns=["id", "runtime", "year", "vote_count",
                                            "vote_average", "poster_path", "genres"])
    by_id = {r["id"]: r for r in movies.iter_rows(named=True)}
    picks = run(real, -1001234567890, 365, "Comedy")
    assert len(set(picks)) == 365
    for movie_id in picks:
        row = by_id[movie_id]
        assert row["runtime"] and row["year"] and row["poster_path"]
        assert row["vote_count"] >= MIN_VOTES and row["vote_average"] >= MIN_AVERAGE
        assert "Comedy" in row["genres"]
    small = run(real, 77, 60, "Foreign")
    assert len(set(small)) == 60
    for movie_id in small:
        row = by_id[movie_id]
        assert row["vote_count"] >= MIN_VOTES and row["vote_average"] >= MIN_AVERAGE, row
    foreign = real.pool_size("Foreign")
    assert all("Foreign" in by_id[m]["genres"] for m in small[:foreign])


@pytest.mark.parametrize(
    ("text", "genre"),
    [
        ("comedy", "Comedy"), ("COMEDY", "Comedy"), ("comedies", "Comedy"), ("comdy", "Comedy"),
        ("thrillers", "Thriller"), ("sci-fi", "Science Fiction"), ("science fiction",
        "Science Fiction"), ("tv movie", "TV Movie"), ("horor", "Horror"),
        ("documentaries", "Documentary"), ("animated", "Animation"),
        ("madrid", None), ("", None), ("🎬", None), ("<b>drama</b>", "Drama"), ("x" * 5000, None),
    ],
)
def test_resolve_genre(real: Picker, text: str, genre: str | None) -> None:
    assert real.resolve_genre(text) == genre


@pytest.mark.parametrize(
    ("text", "genre"),
    [
        ("comedy", "Comedy"), ("Comedies", "Comedy"), ("thrillers", "Thriller"),
        ("documentaries", "Documentary"), ("wars", "War"), ("sci-fi", "Science Fiction"),
        ("tv movies", "TV Movie"), ("animated", "Animation"),
        ("roma", None), ("comdy", None), ("horor", None), ("madrid", None), ("🎬", None),
        ("", None),
    ],
)
def test_resolve_genre_strictly(real: Picker, text: str, genre: str | None) -> None:
    """Only names, aliases and plurals: words after a defaulted zone may be a misspelt city."""
    assert real.resolve_genre(text, strict=True) == genre


def test_year_before() -> None:
    assert year_before(date(2026, 3, 1)) == date(2025, 3, 1)
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)
