"""How names score against a query: whole-name ratios over pools, and word-by-word scores.

A pool holds names sorted by length, so that a ``fuzz.ratio`` scan only reads the names whose
length can reach its cutoff. A word-by-word score compares the name's words that stand for the
query's words with the query, then takes off points for where they sit and what they leave out.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.movies.matching.policy import LOOSE_SCORE

EDGE_PENALTY = 5.0
"""Taken off when the query's words start the name and it goes on ("Pixar" vs "Pixar Animation
Studios"), or end it ("Nolan" vs "Christopher Nolan", surnames), so that a name that *is* the
query beats names that merely begin or end with it."""

CONTAINS_PENALTY = 10.0
"""Taken off when the query's words are elsewhere in the name ("bros" in "Warner Bros. Film")."""

COMPLETION_PENALTY = 3.0
"""Taken off when the last query word only begins a name's word ("nolan" in "Noland"), so whole
words are preferred to completions of a half-typed word."""

UNCOVERED_PENALTY = 5.0
"""Taken off in proportion to the share of the name the query leaves uncovered."""


@dataclass(slots=True)
class _Pool:
    """The distinct names one search runs over: all of them, or those of one year.

    ``names`` are sorted by length so that a scan only visits names long enough and short
    enough to reach its score cutoff (see ``_by_length``).
    """

    names: list[str]
    uids: Sequence[int]
    lengths: Sequence[int]
    keys: dict[int, list[int]] | None = None

    @classmethod
    def of(
        cls, names: Sequence[str], uids: Sequence[int], keys: dict[int, list[int]] | None = None
    ) -> _Pool:
        """A pool of ``names`` (with their ``uids``), sorted by length."""
        lengths = list(map(len, names))
        order = sorted(range(len(names)), key=lengths.__getitem__)
        return cls(
            _packed(map(names.__getitem__, order)),
            array("l", map(uids.__getitem__, order)),
            array("l", map(lengths.__getitem__, order)),
            keys,
        )

    def __contains__(self, uid: int) -> bool:
        """Whether name ``uid`` is in the pool."""
        return self.keys is None or uid in self.keys

    def scan(self, q: str, cutoff: float, limit: int) -> list[tuple[int, float]]:
        """(uid, ``fuzz.ratio``) of the best names scoring at least ``cutoff``."""
        low, high = _by_length(self.lengths, len(q), cutoff)
        found = process.extract(
            q,
            self.names[low:high],
            scorer=fuzz.ratio,
            processor=None,
            limit=limit,
            score_cutoff=cutoff,
        )
        return [(self.uids[low + index], score) for _, score, index in found]


@dataclass(frozen=True, slots=True)
class _Slot:
    """The catalogue words one query word may stand for.

    ``same`` are those of ``words`` that are the query word spelt otherwise ("ii" for "2"): they
    count as the query word itself when the name is scored.
    """

    words: frozenset[str]
    prefix: str | None = None
    same: frozenset[str] = frozenset()

    def accepts(self, word: str) -> bool:
        """Whether a name's ``word`` may stand for this query word."""
        return word in self.words or (self.prefix is not None and word.startswith(self.prefix))


def _word_score(
    q_core: str, q_words: Sequence[str], slots: Sequence[_Slot], words: Sequence[str]
) -> float | None:
    """Score a name (as its core words) against the query's words; None if one is missing.

    The name's matching words are compared with the query as a phrase, so a typo costs what it
    costs in ``fuzz.ratio``; then the score drops for words that neither start nor end the name,
    for a completed last word, and for the share of the name the query leaves uncovered.
    """
    used: list[int] = []
    in_order = True
    for slot in slots:
        start = used[-1] + 1 if used and in_order else 0
        found = _find(words, slot, start, used)
        if found is None and start:
            in_order = False
            found = _find(words, slot, 0, used)
        if found is None:
            return None
        used.append(found)
    named = [words[index] for index in used]
    # A number spelt otherwise ("ii" for "2") is compared as typed, at a loose exact's score.
    span_words = [
        typed if word in slot.same else word
        for typed, word, slot in zip(q_words, named, slots, strict=True)
    ]
    respelt = span_words != named
    typed_last = q_words[-1]
    completed = span_words[-1] != typed_last and span_words[-1].startswith(typed_last)
    if completed:
        span_words[-1] = named[-1] = typed_last
    span = " ".join(span_words)
    similarity = 100.0 if span == q_core else fuzz.ratio(q_core, span)
    if respelt:
        similarity = min(similarity, LOOSE_SCORE)
    if named == words:
        return similarity
    at_start = in_order and used[0] == 0
    at_end = used == list(range(len(words) - len(used), len(words)))
    penalty = EDGE_PENALTY if at_start or at_end else CONTAINS_PENALTY
    if completed:
        penalty += COMPLETION_PENALTY
    covered = len(" ".join(named)) / len(" ".join(words))
    return similarity - penalty - UNCOVERED_PENALTY * (1.0 - covered)


def _holds_phrase(words: Sequence[str], slots: Sequence[_Slot]) -> bool:
    """Whether ``words`` hold one word of each slot, in order and one after the other."""
    size = len(slots)
    return any(
        all(
            slot.accepts(word)
            for slot, word in zip(slots, words[start : start + size], strict=True)
        )
        for start in range(len(words) - size + 1)
    )


def _find(words: Sequence[str], slot: _Slot, start: int, used: Sequence[int]) -> int | None:
    """The first unused word from ``start`` on that ``slot`` accepts, or None."""
    for index in range(start, len(words)):
        if index not in used and slot.accepts(words[index]):
            return index
    return None


def _merge(scores: dict[int, float], more: Mapping[int, float]) -> None:
    """Keep each name's best score."""
    for uid, score in more.items():
        if score > scores.get(uid, 0.0):
            scores[uid] = score


def _packed(texts: Iterable[str]) -> list[str]:
    """Fresh copies of ``texts`` (which hold no newline), allocated one after the other.

    Scans are bound by memory reads: a reordered list of old strings is scattered over the heap
    and scans about twice as slowly as the same strings laid out in order.
    """
    texts = list(texts)
    return "\n".join(texts).split("\n") if texts else []


def _by_length(lengths: Sequence[int], length: int, cutoff: float) -> tuple[int, int]:
    """Slice of ascending ``lengths`` that can reach ``fuzz.ratio`` >= ``cutoff`` against a
    string of ``length``: the ratio is at most 2 * min / (a + b), which bounds b both ways."""
    share = cutoff / 100
    if share <= 0:
        return 0, len(lengths)
    shortest = math.ceil(length * share / (2 - share) - 1e-9)
    longest = math.floor(length * (2 - share) / share + 1e-9)
    return bisect_left(lengths, shortest), bisect_right(lengths, longest)
