"""The decision policy: what scored names amount to, and the thresholds it decides by.

A ranking of scored names becomes one of three answers: :class:`Resolved` (one entity, maybe
outranking same-name ones it dominates), :class:`Ambiguous` (a short choice, most popular first)
or :class:`NotFound` (with the closest names as suggestions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

DOMINANCE_RATIO = 20.0
"""Same-name entities resolve to the most popular one only when it has at least this many times
the popularity of each of the others: "Titanic" 1997 has 7,770 votes against 45 and "The Dark
Knight" 2008 12,269 against 2, while "Batman" 1989 against 1966 (2,145 vs 209, about 10x) and
"Hamlet" (118 vs 95) are real choices. The others stay available as ``Resolved.alternatives``."""

DOMINANCE_MIN_POPULARITY = 50.0
"""...and at least this much popularity outright, so that 3 votes against 0 proves nothing.

The same rule lets an exact name give way to other names that hold all its words: "Disney" (2
movies) to "Walt Disney Pictures" (263), "Godfather" (1991, 4 votes) to "The Godfather"."""

ACCEPT_SCORE = 78.0
"""Lowest fuzzy score that resolves. A typo in a five-letter word still scores 80-89 ("pixr" vs
"pixar" 88.9, "matrx" vs "matrix" 90.9), while keyboard mash ("qwzxv", "asdfghjkl") stays under
60 against the 45k real titles."""

TIE_MARGIN = 3.0
"""Distinct names scoring within this many points of the best one make the answer ambiguous."""

SUGGEST_SCORE = 60.0
"""Lowest score for a name to be offered as a suggestion by :class:`NotFound`; below it the
"closest" names of a random string are noise."""

MAX_SUGGESTIONS = 5
"""How many closest names :class:`NotFound` offers; fuzzy rankings keep at least this many."""

# Type-ahead (:meth:`NameIndex.search`) ranks by score plus up to this many points for
# popularity (log-scaled to the most popular entity), so "the dark" lists The Dark Knight among
# the equally close "The Dark ..." films people have never heard of.
SEARCH_FAME_POINTS = 8.0

LOOSE_SCORE = 99.0
"""Score of a name that is exact once articles, "collection" and spaces are ignored, or once
numbers are spelt alike ("oceans 11" and "Ocean's Eleven")."""

NUMBER_CAP = ACCEPT_SCORE - 0.1
"""Best score of a name that lacks a number the query has ("rocky 2" vs "Rocky V", "the matrix
2" vs "The Matrix"): it cannot resolve, but it can still be suggested."""

NUMBER_MARGIN = 5.0
"""A name that has the query's numbers cannot resolve when a name without them matched this much
better: the shared number is then the only thing the two have in common."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entity offered as an answer, with how well its name matched (0..100)."""

    key: int
    name: str
    year: int | None
    score: float


@dataclass(frozen=True, slots=True)
class Resolved:
    """The query names one entity; ``alternatives`` are same-name entities it outranked."""

    query: str
    candidate: Candidate
    alternatives: tuple[Candidate, ...] = ()

    @property
    def key(self) -> int:
        """The winning entity's key."""
        return self.candidate.key

    @property
    def name(self) -> str:
        """The winning entity's name, as given to the index."""
        return self.candidate.name

    @property
    def year(self) -> int | None:
        """The winning entity's year, if the index has years."""
        return self.candidate.year


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Several entities fit equally well; ``candidates`` are ordered by popularity."""

    query: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class NotFound:
    """Nothing fits well enough. ``empty`` means the query had nothing searchable at all."""

    query: str
    suggestions: tuple[Candidate, ...]
    empty: bool = False


Match = Resolved | Ambiguous | NotFound

_Ranking = list[tuple[float, list[int]]]
"""(score, entity keys) pairs, best first; the keys of one pair share a normalized name. Fuzzy
rankings stop after the names that tie with the best and the first few suggestions."""
_Rivals = Callable[[list[int]], dict[int, float]]
"""Given the exact matches' keys, the far more popular entities (with scores) that outrank them."""


def _top(ranking: _Ranking) -> float:
    """The best score of ``ranking``, 0 when it is empty."""
    return ranking[0][0] if ranking else 0.0


def _tied(ranking: _Ranking) -> _Ranking:
    """The accepted names that score within ``TIE_MARGIN`` of the best one."""
    floor = max(ACCEPT_SCORE, _top(ranking) - TIE_MARGIN)
    return [(score, keys) for score, keys in ranking if score >= floor]


class Policy:
    """The decision rules over one index's entities, which it ranks by popularity and year."""

    __slots__ = ("_fame_scale", "_names", "_popularity", "_years")

    def __init__(
        self,
        names: Sequence[str],
        popularity: Sequence[float],
        years: Sequence[int | None] | None,
    ) -> None:
        """Decide over these entities (shared with the index, not copied)."""
        self._names = names
        self._popularity = popularity
        self._years = years
        # Type-ahead's fame points are relative to the most popular entity: found once here,
        # not per query (a pass over 450,000 values took 9 ms of every inline query).
        top = max(popularity, default=0.0)
        self._fame_scale = math.log1p(top) if top > 0 else 1.0

    def decide(
        self, query: str, ranking: _Ranking, limit: int, rivals: _Rivals | None = None
    ) -> Match:
        """Turn scored names into an answer: one winner, a tie, or suggestions.

        With ``rivals`` (given for a query run over every name), an exact or loose exact winner
        is first checked against far more popular names holding all of the query's words.
        """
        if _top(ranking) < ACCEPT_SCORE:
            return NotFound(query, self._suggestions(ranking))
        if rivals is not None and _top(ranking) >= LOOSE_SCORE:
            score_of = {
                key: score
                for score, keys in ranking
                if score >= LOOSE_SCORE
                for key in keys
            }
            outranking = rivals(list(score_of))
            if outranking:
                return self._outranked(query, score_of, outranking, limit)
        tied = _tied(ranking)
        if len(tied) > 1:
            return self.ambiguous(query, tied, limit)
        score, keys = tied[0]
        ordered = self.by_popularity(keys)
        if len(ordered) == 1 or self._dominates(ordered):
            others = tuple(self.candidate(key, score) for key in ordered[1 : limit + 1])
            return Resolved(query, self.candidate(ordered[0], score), others)
        return Ambiguous(
            query, tuple(self.candidate(key, score) for key in ordered[:limit])
        )

    def with_others(self, match: Match, others: Sequence[int]) -> Match:
        """``match`` with ``others`` (exact matches written otherwise) offered after it."""
        extra = tuple(self.candidate(key, 100.0) for key in self.by_popularity(others))
        if isinstance(match, Resolved):
            return Resolved(match.query, match.candidate, match.alternatives + extra)
        if isinstance(match, Ambiguous):
            return Ambiguous(match.query, match.candidates + extra)
        return match

    def _outranked(
        self,
        query: str,
        score_of: dict[int, float],
        rivals: dict[int, float],
        limit: int,
    ) -> Ambiguous:
        """The exact matches (``score_of``) and their far more popular ``rivals`` as a choice,
        most popular first; the exact matches are kept even when the rivals are many."""
        kept = self.by_popularity(rivals)[: max(1, limit - len(score_of))]
        score_of = {**score_of, **{key: rivals[key] for key in kept}}
        ordered = self.by_popularity(score_of)[:limit]
        return Ambiguous(
            query, tuple(self.candidate(key, score_of[key]) for key in ordered)
        )

    def ambiguous(self, query: str, ranking: _Ranking, limit: int) -> Ambiguous:
        """All entities of ``ranking`` as a choice, most popular first, each with its best score."""
        score_of: dict[int, float] = {}
        for score, keys in ranking:
            for key in keys:
                score_of[key] = max(score, score_of.get(key, 0.0))
        ordered = self.by_popularity(score_of)[:limit]
        return Ambiguous(
            query, tuple(self.candidate(key, score_of[key]) for key in ordered)
        )

    def _suggestions(self, ranking: _Ranking) -> tuple[Candidate, ...]:
        """The closest names, best first, each as its most popular entity."""
        found: list[Candidate] = []
        for score, keys in ranking[:MAX_SUGGESTIONS]:
            if score < SUGGEST_SCORE:
                break
            found.append(self.candidate(self.by_popularity(keys)[0], score))
        return tuple(found)

    def by_popularity(self, keys: Iterable[int]) -> list[int]:
        """Most popular first; then by year (oldest first, unknown last), then by position."""
        years = self._years

        def order(key: int) -> tuple[float, int, int]:
            year = years[key] if years is not None else None
            return (-self._popularity[key], year if year is not None else 10_000, key)

        return sorted(keys, key=order)

    def _dominates(self, ordered: Sequence[int]) -> bool:
        """Whether the first of ``ordered`` is popular enough to stand for all of them."""
        top = self._popularity[ordered[0]]
        if top < DOMINANCE_MIN_POPULARITY:
            return False
        return all(
            top >= DOMINANCE_RATIO * self._popularity[key] for key in ordered[1:]
        )

    def candidate(self, key: int, score: float) -> Candidate:
        """Entity ``key`` as an answer, its score rounded for display."""
        year = self._years[key] if self._years is not None else None
        return Candidate(key, self._names[key], year, round(score, 1))

    def type_ahead(
        self, scored: Iterable[tuple[int, float]], limit: int
    ) -> list[Candidate]:
        """Up to ``limit`` of the (key, score) pairs as candidates, by score plus fame points."""
        scale = self._fame_scale

        def rank(candidate: Candidate) -> float:
            fame = math.log1p(max(self._popularity[candidate.key], 0.0)) / scale
            return candidate.score + SEARCH_FAME_POINTS * fame

        found = [self.candidate(key, score) for key, score in scored]
        return sorted(found, key=rank, reverse=True)[:limit]
