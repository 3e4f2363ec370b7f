"""Benchmark /recommend: the sparse model over every movie against the dense model it replaces.

Run from the repository root: ``python bench/bench_recommender.py`` (about two minutes). It prints
one table, both approaches side by side.

The old approach, reimplemented: TF-IDF over title + genres + overview of the first 2,000 rows and
a dense ``cosine_similarity`` matrix between them, fitted at start; only those 2,000 movies can be
asked about or recommended. Its matrix for all rows is reported as computed bytes (N x N x 8).

Start-up time and memory are measured in a fresh process for each approach (this script run with
``--child``): VmRSS from /proc/self/status after reading the catalog, then after loading (new) or
fitting (old) the model, the imports it needs included (SciPy; scikit-learn for the old one), then
after 1,000 recommendations. Latency is the wall time of ``recommend`` for 1,000 random movies
(a fixed seed), refusals included.

Quality, each approach on the movies it can answer (the new one also on the old one's 2,000):

(a) collection siblings: of the movies whose collection has 2+ members in the catalog, the share
    whose top 5 holds another member. A refusal, or a sibling the model cannot recommend, is a
    miss. The new model has the collection as a feature, so for it this checks that the franchise
    weighs enough, not that it discovers sequels.
(b) genre overlap: over the movies with at least one genre that get an answer, the mean Jaccard
    index between the movie's genre set and each of its 5 recommendations' genre sets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from bot.movies.datafiles import MOVIES_FILE  # noqa: E402

DATA_DIR = ROOT / "data"
SEED = 0
OLD_ROWS = 2_000
QUERIES = 1_000
K = 5

Answers = dict[int, list[int]]


class DenseRecommender:
    """The approach this bot replaces: dense cosine similarity over the first ``size`` movies."""

    def __init__(self, movies: pl.DataFrame, size: int = OLD_ROWS) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_similarity

        docs = movies.head(size).select(
            pl.concat_str(
                "title", pl.col("genres").list.join(" "), pl.col("overview").fill_null(""),
                separator=" ",
            )
        ).to_series().to_list()
        features = TfidfVectorizer(stop_words="english").fit_transform(docs)
        self.similarity = cosine_similarity(features)

    def __len__(self) -> int:
        return self.similarity.shape[0]

    def recommend(self, row: int, k: int = K) -> list[int]:
        scores = self.similarity[row].copy()
        scores[row] = -np.inf
        top = np.argpartition(-scores, k - 1)[:k]
        return top[np.argsort(-scores[top], kind="stable")].tolist()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _child(kind: str, model_dir: Path) -> None:
    """Start-up time and RSS of one approach in this fresh process, printed as JSON."""
    movies = pl.read_parquet(DATA_DIR / MOVIES_FILE)
    base = _rss_mb()
    started = time.perf_counter()
    refusals: tuple[type[Exception], ...] = ()
    if kind == "new":
        from bot.movies.recommender import NotEnoughData, Recommender

        model: Recommender | DenseRecommender = Recommender.load(model_dir, movies, "bench")
        refusals = (NotEnoughData,)
    else:
        model = DenseRecommender(movies)
    startup = time.perf_counter() - started
    loaded = _rss_mb()
    _latency(model.recommend, len(model), refusals)
    queried = _rss_mb()
    print(json.dumps({"startup": startup, "load": loaded - base, "queries": queried - base}))


def _measure(kind: str, model_dir: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(model_dir)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return json.loads(out)


def _latency(
    recommend: Callable[[int], object], size: int, refusals: tuple[type[Exception], ...]
) -> tuple[float, float]:
    """Median and p99 of one recommendation, in ms, over QUERIES random movies.

    A refusal (``refusals``) is an answer too, and is timed like one.
    """
    times = []
    for row in np.random.default_rng(SEED).choice(size, QUERIES, replace=False).tolist():
        started = time.perf_counter_ns()
        with suppress(*refusals):
            recommend(row)
        times.append(time.perf_counter_ns() - started)
    ms = np.array(times) / 1e6
    return float(np.median(ms)), float(np.percentile(ms, 99))


def _answers(recommend: Callable[[int], list[int] | None], rows: Iterable[int]) -> Answers:
    """The rows each movie is recommended, for the movies that get an answer."""
    answers = {}
    for row in rows:
        if (recs := recommend(row)) is not None:
            answers[row] = recs
    return answers


def _sibling_rate(answers: Answers, rows: Iterable[int], collections: list[str | None],
                  siblings: set[str]) -> tuple[float, int]:
    """Check (a): share of ``rows`` in a 2+ collection whose top 5 holds a sibling; and n."""
    queries = [r for r in rows if collections[r] in siblings]
    hits = sum(any(collections[o] == collections[r] for o in answers.get(r, ())) for r in queries)
    return hits / len(queries), len(queries)


def _genre_jaccard(answers: Answers, rows: Iterable[int], genres: list[set[str]]) -> float:
    """Check (b): mean genre Jaccard between each answered movie with genres and its 5."""
    per_movie = [
        np.mean([len(genres[r] & genres[o]) / len(genres[r] | genres[o]) for o in answers[r]])
        for r in rows
        if r in answers and genres[r]
    ]
    return float(np.mean(per_movie))


def main() -> None:
    import scipy.sparse as sp

    from bot.movies.datafiles import MATRIX_FILE, MODEL_FILES
    from bot.movies.recommender import NotEnoughData, Recommender

    bench_started = time.perf_counter()
    movies = pl.read_parquet(DATA_DIR / MOVIES_FILE)
    n = movies.height
    collections = movies["collection"].to_list()
    sizes = movies.group_by("collection").len().filter(pl.col("len") >= 2).drop_nulls()
    siblings = set(sizes["collection"].to_list())
    genres = [set(g) for g in movies["genres"].to_list()]

    started = time.perf_counter()
    new = Recommender.build(movies)
    new_build = time.perf_counter() - started
    started = time.perf_counter()
    old = DenseRecommender(movies)
    old_build = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        paths = new.save(Path(tmp), "bench")
        file_mb = sum(p.stat().st_size for p in paths) / 1e6
        features = sp.load_npz(Path(tmp) / MATRIX_FILE)
        new_mem = _measure("new", Path(tmp))
        old_mem = _measure("old", Path(tmp))

    def new_rows(row: int) -> list[int] | None:
        try:
            return [r.row for r in new.recommend(row)]
        except NotEnoughData:
            return None

    new_latency = _latency(new.recommend, n, (NotEnoughData,))
    old_latency = _latency(old.recommend, len(old), ())
    new_answers = _answers(new_rows, range(n))
    old_answers = _answers(old.recommend, range(len(old)))
    first = range(len(old))

    def covered(answers: Answers, size: int) -> str:
        return f"{size:,} ({len(answers):,} answered, {size - len(answers):,} not enough data)"

    def recommended(answers: Answers) -> str:
        return f"{len({o for recs in answers.values() for o in recs}):,}"

    def siblings_in(answers: Answers, rows: Iterable[int]) -> str:
        rate, count = _sibling_rate(answers, rows, collections, siblings)
        return f"{rate:.1%} of {count:,}"

    dense_all = n * n * 8
    table = [
        ("", f"old: dense, first {OLD_ROWS:,}", "new: sparse, all movies"),
        ("movies covered (can be asked)", covered(old_answers, len(old)), covered(new_answers, n)),
        ("movies that appear in some top 5", recommended(old_answers), recommended(new_answers)),
        ("build time", f"{old_build:.2f} s", f"{new_build:.2f} s"),
        ("model files under data/", "none (fitted at start)",
         f"{file_mb:.1f} MB ({', '.join(MODEL_FILES)})"),
        ("start-up in a fresh process", f"{old_mem['startup']:.2f} s (import + fit)",
         f"{new_mem['startup']:.2f} s (import + load)"),
        ("RSS added at start-up", f"+{old_mem['load']:.1f} MB", f"+{new_mem['load']:.1f} MB"),
        (f"RSS added after {QUERIES:,} queries",
         f"+{old_mem['queries']:.1f} MB", f"+{new_mem['queries']:.1f} MB"),
        (f"similarity matrix for all {n:,}",
         f"{dense_all / 1e9:.1f} GB (computed; {old.similarity.nbytes / 1e6:.0f} MB for its rows)",
         f"none: sparse rows ({features.nnz:,} non-zeros) scored per query"),
        (f"latency median / p99 ({QUERIES:,} movies)",
         f"{old_latency[0]:.3f} / {old_latency[1]:.3f} ms",
         f"{new_latency[0]:.3f} / {new_latency[1]:.3f} ms"),
        (f"(a) sibling in top 5, first {OLD_ROWS:,}", siblings_in(old_answers, first),
         siblings_in(new_answers, first)),
        ("(a) sibling in top 5, all movies", "n/a (not covered)",
         siblings_in(new_answers, range(n))),
        (f"(b) genre Jaccard, first {OLD_ROWS:,}",
         f"{_genre_jaccard(old_answers, first, genres):.3f}",
         f"{_genre_jaccard(new_answers, first, genres):.3f}"),
        ("(b) genre Jaccard, all movies", "n/a (not covered)",
         f"{_genre_jaccard(new_answers, range(n), genres):.3f}"),
    ]
    widths = [max(len(line[i]) for line in table) for i in range(3)]
    for i, line in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nbenchmark ran in {time.perf_counter() - bench_started:.0f} s (seed {SEED})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
