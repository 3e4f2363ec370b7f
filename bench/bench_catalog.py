"""Catalog load time, query latency per kind, and peak memory, as the bot sees them.

Run from the repo root: ``python bench/bench_catalog.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.movies.catalog import Catalog
from bot.movies.datafiles import DATA_DIR
from bot.movies.recommender import Recommender
from bot.movies.results import Found

REPEAT = 200

# A fixed mix per query kind: exact names, typos, ambiguous names, unknowns.
MIX: dict[str, list[str]] = {
    "movie exact": ["Toy Story", "The Matrix", "Titanic", "Pulp Fiction", "Hamlet 1996"],
    "movie typo": ["Toy Stroy", "the matirx", "pulp fictoin", "harry poter azkaban"],
    "movie ambiguous": ["Hamlet", "Batman", "Dracula"],
    "movie unknown": ["qwzxv plorb", "asdfghjkl", "zzz the unfilmed"],
    "language": ["fr", "French", "german", "xx", "klingon"],
    "country": ["Mexico", "mx", "Niger", "USA", "Atlantis"],
    "company exact": ["Pixar Animation Studios", "Warner Bros.", "Gaumont"],
    "company fuzzy": ["Pixar", "Pixr", "Warner", "unkown studios"],
    "director exact": ["Alfonso Cuarón", "Christopher Nolan", "Steven Spielberg"],
    "director fuzzy": ["alfonso cuaron", "cristopher nolan", "spielberg", "nobody at all"],
    "collection": ["The Matrix", "harry potter", "Toy Story", "Jumanji", "star wars"],
    "recommend": ["Toy Story", "The Dark Knight", "Amelie", "Hamlet 1996", "Pulp Fiction"],
}


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def timed(call: Callable[[str], object], queries: list[str]) -> list[float]:
    samples = []
    for _ in range(REPEAT):
        for query in queries:
            started = time.perf_counter()
            call(query)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    before = rss_mb()
    started = time.perf_counter()
    catalog = Catalog.load(recommender=False)
    load = time.perf_counter() - started
    print(f"catalog: {len(catalog):,} movies, load + indexes {load:.2f} s, "
          f"peak RSS {rss_mb():.0f} MB (imports alone {before:.0f} MB)")
    rss = current_rss_mb()
    started = time.perf_counter()
    catalog.recommender = Recommender.load(DATA_DIR, catalog.movies, catalog.data)
    load = time.perf_counter() - started
    print(f"recommender (loaded with it by the bot): {load:.2f} s, "
          f"+{current_rss_mb() - rss:.0f} MB, peak RSS now {rss_mb():.0f} MB")

    asks: dict[str, Callable[[str], object]] = {
        "movie": catalog.movie, "language": catalog.language, "country": catalog.country,
        "company": catalog.company, "director": catalog.director, "collection": catalog.collection,
        "recommend": catalog.recommend,
    }
    print(f"\n{'query kind':<18}{'queries':>8}{'resolved':>10}{'median ms':>11}{'p99 ms':>9}")
    for kind, queries in MIX.items():
        ask = asks[kind.split()[0]]
        resolved = sum(isinstance(ask(q), Found) for q in queries)
        samples = timed(ask, queries)
        p99 = statistics.quantiles(samples, n=100)[98]
        print(f"{kind:<18}{len(samples):>8}{resolved:>7}/{len(queries):<2}"
              f"{statistics.median(samples):>11.3f}{p99:>9.2f}")
    print(f"\npeak RSS after all queries (catalog and recommender): {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
