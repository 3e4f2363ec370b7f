"""Benchmark of plain-word questions (not a test; run by hand).

    .venv/bin/python bench/bench_questions.py

Prints, over ``tests/questions_corpus.tsv``: the time to understand a question in process
(:func:`bot.chat.questions.interpret`, which resolves the names it must to choose between a
director and a company, or a title and a sentence), median and p99, after one warm-up pass;
the time of a discovery over the whole catalog (:meth:`Catalog.discover`, ranking included)
for the corpus's filters and random ones; and the corpus accuracy with its misses.
Targets: understanding p99 <= 20 ms, discovery p99 <= 50 ms, accuracy >= 95%.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.chat import filters, questions
from bot.movies.catalog import Catalog
from bot.movies.discovery import Filters, Sort
from tests.corpus import load, matches, understood

ROUNDS = 5
RANDOM_FILTERS = 500


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"median {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, "
            f"max {ordered[-1]:.2f} ms over {len(ordered)}")


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def random_filters(catalog: Catalog, rng: random.Random) -> Filters:
    genres = catalog.discovery.genres
    low = rng.randrange(1920, 2015)
    return Filters(
        genres=frozenset(rng.sample(genres, rng.choice((0, 1, 1, 2)))),
        year_from=rng.choice((None, low)),
        year_to=rng.choice((None, low + rng.choice((4, 9, 20)))),
        runtime_max=rng.choice((None, None, 90)),
        language=rng.choice((None, None, rng.randrange(len(catalog.discovery.languages)))),
        country=rng.choice((None, None, rng.randrange(len(catalog.discovery.countries)))),
        director=rng.choice((None,) * 9 + (rng.randrange(len(catalog.directors.names)),)),
        company=rng.choice((None,) * 9 + (rng.randrange(len(catalog.companies.names)),)),
        sort=rng.choice(list(Sort)),
    )


def main() -> None:
    start = time.perf_counter()
    catalog = Catalog.load(recommender=False)
    print(f"catalog loaded in {time.perf_counter() - start:.1f} s ({len(catalog):,} movies)")
    cases = load()
    start = time.perf_counter()
    filters.vocabulary(catalog)
    print(f"vocabulary built in {(time.perf_counter() - start) * 1000:.0f} ms")
    for case in cases:
        questions.interpret(catalog, case.text)
    samples = [timed(lambda t=case.text: questions.interpret(catalog, t))
               for _ in range(ROUNDS) for case in cases]
    print(f"understanding ({len(cases)} questions x {ROUNDS}): {percentiles(samples)}")

    rng = random.Random(7)
    corpus_filters = []
    for case in cases:
        intent = questions.interpret(catalog, case.text)
        if isinstance(intent, questions.Discover):
            corpus_filters.append(intent.filters)
    every = corpus_filters + [random_filters(catalog, rng) for _ in range(RANDOM_FILTERS)]
    samples = [timed(lambda f=f: catalog.discover(f)) for f in every]
    print(f"discovery over the whole catalog ({len(corpus_filters)} corpus filters + "
          f"{RANDOM_FILTERS} random): {percentiles(samples)}")

    misses = [(case, got) for case in cases
              if not matches(case, got := understood(catalog, case.text))]
    print(f"corpus accuracy: {1 - len(misses) / len(cases):.1%} of {len(cases)}")
    for case, got in misses:
        print(f"  miss {case.text!r}: expected {case.intent}/{case.entity}/{case.filters}, "
              f"got {got.intent}/{got.entity}/{got.filters}")


if __name__ == "__main__":
    main()
