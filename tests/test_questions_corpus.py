"""Accuracy of question understanding over the corpus of how people ask (English and Spanish,
every intent, typos, with and without accents and question marks)."""

from __future__ import annotations

from bot.movies.catalog import Catalog
from tests.corpus import load, matches, understood

MIN_ACCURACY = 0.95
MIN_CASES = 300


def test_the_corpus_is_understood(catalog: Catalog) -> None:
    cases = load()
    assert len(cases) >= MIN_CASES
    assert {c.intent for c in cases} >= {"runtime", "movie", "collection", "director",
                                         "company", "country", "language", "recommend",
                                         "discover", "unknown"}
    misses = []
    for case in cases:
        got = understood(catalog, case.text)
        if not matches(case, got):
            misses.append(f"{case.text!r}: expected {case.intent}/{case.entity}/{case.filters}"
                          f", got {got.intent}/{got.entity}/{got.filters}")
    accuracy = 1 - len(misses) / len(cases)
    print(f"\n{len(cases)} questions, accuracy {accuracy:.1%}; misses:\n" + "\n".join(misses))
    assert accuracy >= MIN_ACCURACY, "\n".join(misses)
