"""Can every entity be reached by the name people type? A sweep over the whole catalog.

    .venv/bin/python bench/bench_reachability.py

Every movie by title and year, every company, director and collection by its exact name, every
country by name and code, every language by code, English name and endonym: each must be the
answer, or be offered (a choice button, or one of the buttons under an answer) with a label no
other button of that list shares. Prints counts per kind and the misses, then the one-typo
title recall of bench_matching. ``tests/test_names.py`` runs a sample of it.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_matching import typo
from bot.movies.catalog import Catalog
from bot.movies.languages import ENDONYMS
from bot.movies.results import Answer, Choice, Kind, Option, Ref
from handlers.keyboards import MAX_ALSO_BUTTONS


@dataclass
class Tally:
    """One kind's sweep: how many names reached their entity, the misses, duplicate labels."""

    kind: str
    asked: int = 0
    answered: int = 0
    offered: int = 0
    misses: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    @property
    def reached(self) -> int:
        return self.answered + self.offered

    def __str__(self) -> str:
        share = 100 * self.reached / self.asked if self.asked else 100.0
        return (
            f"{self.kind:<22} {self.asked:>7,} {self.answered:>9,} {self.offered:>8,} "
            f"{share:>9.2f}% {len(self.misses):>6,} {len(self.duplicates):>6,}"
        )


def check(
    tally: Tally, query: str, want: Ref, answer: Answer[object], label: str | None = None
) -> None:
    """Count ``answer`` to ``query`` as answering, offering or missing ``want``; the buttons
    must differ from each other and from the answer's own ``label``."""
    tally.asked += 1
    options: tuple[Option, ...]
    if isinstance(answer, Choice):
        options = answer.options
    else:
        options = answer.also[:MAX_ALSO_BUTTONS]
        if answer.ref == want:
            tally.answered += 1
    labels = [o.label for o in options]
    if label is not None and not isinstance(answer, Choice):
        labels.append(label)
    if len(set(labels)) < len(labels):
        tally.duplicates.append(query)
    if isinstance(answer, Choice) or answer.ref != want:
        if any(o.ref == want for o in options):
            tally.offered += 1
        else:
            tally.misses.append(query)


def _keys(count: int, sample: int | None, rng: random.Random) -> list[int]:
    keys = list(range(count))
    return sorted(rng.sample(keys, sample)) if sample is not None and sample < count else keys


def sweep(catalog: Catalog, sample: int | None = None, seed: int = 0) -> list[Tally]:
    """The sweep over every entity, or ``sample`` of each kind."""
    rng = random.Random(seed)
    tallies = []

    def key_of(key: int) -> int:
        return key

    movies = Tally("movie (title + year)")
    ids = catalog.movies["id"].to_list()
    for row in _keys(len(catalog), sample, rng):
        ref = catalog.movie_ref(row)
        query = f"{ref.title} ({ref.year})" if ref.year else ref.title
        answer = catalog._answer(Kind.MOVIE, query, key_of)
        own = None if isinstance(answer, Choice) else catalog.label(answer.ref)
        check(movies, query, Ref(Kind.MOVIE, ids[row]), answer, own)
    tallies.append(movies)

    for kind, names in (
        (Kind.COMPANY, catalog.companies.names),
        (Kind.DIRECTOR, catalog.directors.names),
    ):
        tally = Tally(kind.value)
        for key in _keys(len(names), sample, rng):
            check(tally, names[key], Ref(kind, key), catalog._answer(kind, names[key], key_of))
        tallies.append(tally)

    collections = Tally("collection")
    names = catalog._collections.names
    for key in _keys(len(names), sample, rng):
        check(collections, names[key], Ref(Kind.COLLECTION, key), catalog.collection(names[key]))
    tallies.append(collections)

    countries = Tally("country (name, code)")
    for key, country in enumerate(catalog._countries):
        for query in (country.name, country.code):
            check(countries, query, Ref(Kind.COUNTRY, key), catalog.country(query))
    tallies.append(countries)

    languages = Tally("language (code, names)")
    for key, language in enumerate(catalog._languages):
        for query in (language.code, language.name, *ENDONYMS.get(language.code, ())):
            check(languages, query, Ref(Kind.LANGUAGE, key), catalog.language(query))
    tallies.append(languages)
    return tallies


def typo_recall(catalog: Catalog, count: int = 1000, seed: int = 7) -> tuple[int, int]:
    """Of ``count`` popular titles with one typo, how many are the answer or offered."""
    rng = random.Random(seed)
    titles, votes = catalog._titles, catalog.movies["vote_count"].to_list()
    popular = [row for row, t in enumerate(titles) if votes[row] >= 50 and len(t) >= 5]
    hits = 0
    for row in rng.sample(popular, count):
        answer = catalog.movie(typo(titles[row].lower(), rng))
        options = answer.options if isinstance(answer, Choice) else answer.also
        refs = [o.ref for o in options]
        if not isinstance(answer, Choice):
            refs.append(answer.ref)
        rows = (catalog.row_of(ref.key) for ref in refs if ref.kind is Kind.MOVIE)
        hits += titles[row] in {titles[r] for r in rows if r is not None}
    return hits, count


def misses(tallies: list[Tally]) -> Iterator[str]:
    for tally in tallies:
        for query in tally.misses:
            yield f"  miss  {tally.kind}: {query}"
        for query in tally.duplicates:
            yield f"  equal labels  {tally.kind}: {query}"


def main(report: Callable[[str], None] = print) -> None:
    started = time.perf_counter()
    catalog = Catalog.load(recommender=False)
    tallies = sweep(catalog)
    report(f"{'kind':<22} {'names':>7} {'answered':>9} {'offered':>8} {'reachable':>10} "
           f"{'misses':>6} {'equal':>6}")
    for tally in tallies:
        report(str(tally))
    total = sum(t.asked for t in tallies)
    reached = sum(t.reached for t in tallies)
    dupes = sum(len(t.duplicates) for t in tallies)
    report(f"{'all':<22} {total:>7,} reachable {reached:,} ({100 * reached / total:.2f}%), "
           f"lists with equal labels {dupes}")
    for line in list(misses(tallies))[:200]:
        report(line)
    hits, count = typo_recall(catalog)
    report(f"one-typo titles answered or offered: {hits:,}/{count:,}")
    report(f"sweep ran in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
