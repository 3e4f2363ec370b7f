"""Word search: the names that hold a query's words, exact, misspelt, half-typed or respelt.

Used by :class:`~bot.movies.matching.index.NameIndex` for the queries a whole-name ratio misses
("harry pot" for the Harry Potter films, "pixr" for "Pixar Animation Studios"), and to find the
far more popular names that outrank an exact one ("Disney", "Walt Disney Pictures"). It reads
the name text, vocabulary and famous-names text the index builds.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.movies.matching.numbers import _number_spellings
from bot.movies.matching.policy import (
    ACCEPT_SCORE,
    DOMINANCE_MIN_POPULARITY,
    DOMINANCE_RATIO,
    LOOSE_SCORE,
    MAX_SUGGESTIONS,
    NUMBER_CAP,
    SUGGEST_SCORE,
)
from bot.movies.matching.scoring import _by_length, _holds_phrase, _Pool, _Slot, _word_score
from bot.movies.matching.text import _core

LETTER_RUN_CHARS = 6
"""Longest query matched letter by letter against names that begin with single letters ("et"
and "E.T. the Extra-Terrestrial", "la" and "L.A. Confidential")."""

SHORT_QUERY_CHARS = 4
"""Queries with fewer letters than this ("a", "it", "up") skip word matching, which would find
them inside thousands of names; they need an exact match or a high plain ratio."""

RARE_SHORT_WORD_NAMES = 10
"""A three-letter query that is a whole word of at most this many names still finds them ("mgm"
-> "Metro-Goldwyn-Mayer (MGM)", "hbo"); one- and two-letter queries ("a", "it", "up") never do."""

WORD_FUZZY_SCORE = 75.0
"""A query word at least this similar to a catalogue word ("matrx"/"matrix") may stand for it."""

WORD_FUZZY_MIN_CHARS = 4
"""Shorter words must be exact: one letter off in a 3-letter word is just another word. For the
same reason a misspelt word never stands for a shorter catalogue word ("yout" is not "you")."""

WORD_FUZZY_LIMIT = 5
"""Catalogue words kept per misspelt query word (each costs one pass over the name text)."""

MAX_FUZZY_WORDS = 2
"""Misspelt words looked up per query; each lookup scans the vocabulary (about 1 ms). A query
with more unknown words is left to the whole-name ratio."""

COMPLETE_MIN_CHARS = 3
"""A last word this long may be the start of a longer word ("harry pot" -> "potter")."""

MAX_WORD_HITS = 1_000
"""Word matching gives up when even the query's rarest word is in more names than this ("the
of"): such a query says too little, and scoring every name holding it would be slow."""

MAX_QUERY_WORDS = 8
"""Queries with more words than this are left to the whole-name ratio."""

CACHE_SIZE = 4_096
"""Entries kept per query-time cache (similar words, names holding a word)."""
_LETTER_RUN = re.compile(r"(?:\w ){1,}\w(?![^ ])")
"""Two or more one-letter words starting a name: "e t" of "e t the extra terrestrial"."""

_V = TypeVar("_V")
_UNSEEN: tuple[int, ...] = (-1,)
"""Cache-miss marker for ``NameIndex._hits``, whose cached values may be None."""



class _WordSearch:
    """The word-level lookups of :class:`NameIndex`, over the structures its build makes."""

    # Built by NameIndex (see its build steps); read here.
    _popularity: array[float]
    _uid_names: list[str]
    _core_names: list[str]
    _uid_of_key: array[int]
    _all: _Pool
    _text: str
    _line_starts: array[int]
    _vocab: list[str]
    _word_counts: dict[str, int]
    _sorted_vocab: list[str]
    _vocab_lengths: array[int]
    _similar_cache: dict[str, tuple[str, ...]]
    _hits_cache: dict[str, tuple[int, ...] | None]
    _letter_runs: dict[str, list[int]]
    _famous_uids: array[int]
    _famous_fame: array[float]
    _famous_text: str
    _famous_starts: array[int]
    _famous_first: dict[str, int]
    _famous_word_ends: array[int]

    def _keys(self, uid: int, pool: _Pool) -> list[int]:
        """The entities named ``uid`` in ``pool`` (defined by NameIndex)."""
        raise NotImplementedError

    def _letter_matches(self, q: str, pool: _Pool) -> dict[int, float]:
        """Names that begin with the query's letters as one-letter words: "et" or "e t" (from
        "E.T.") begin "e t the extra terrestrial", "la" begins "l a confidential"."""
        letters = q.replace(" ", "")
        if not 2 <= len(letters) <= LETTER_RUN_CHARS or not letters.isalpha():
            return {}
        run = " ".join(letters)
        slots = [_Slot(frozenset([letter])) for letter in letters]
        scores: dict[int, float] = {}
        for uid in self._letter_runs.get(letters, ()):
            if uid in pool:
                score = _word_score(run, list(letters), slots, self._uid_names[uid].split())
                if score is not None:
                    scores[uid] = min(score, LOOSE_SCORE)
        return scores

    def _prefix_suggestions(self, q: str, pool: _Pool) -> dict[int, float]:
        """For a short query that matched nothing: the names it begins, as suggestions only
        (scored under ``ACCEPT_SCORE``), best covered and most popular first."""
        if len(q) < 2:
            return {}
        q_words = q.split()
        slots = [_Slot(frozenset([word])) for word in q_words[:-1]]
        slots.append(_Slot(frozenset([q_words[-1]]), q_words[-1]))
        scored: list[tuple[float, float, int]] = []
        for uid in self._starting(q) or ():
            if uid in pool:
                score = _word_score(q, q_words, slots, self._core_names[uid].split())
                if score is not None:
                    fame = max(map(self._popularity.__getitem__, self._keys(uid, self._all)))
                    scored.append((score, fame, uid))
        best = sorted(scored, reverse=True)[:MAX_SUGGESTIONS]
        return {uid: max(SUGGEST_SCORE, min(score, NUMBER_CAP)) for score, _, uid in best}

    def _starting(self, prefix: str) -> list[int] | None:
        """Ids of names whose core starts with ``prefix``; None past ``MAX_WORD_HITS``."""
        text, starts = self._text, self._line_starts
        found = [0] if self._core_names and text.startswith(f" {prefix}") else []
        needle = f"\n {prefix}"
        at = text.find(needle)
        while at >= 0:
            if len(found) >= MAX_WORD_HITS:
                return None
            found.append(bisect_right(starts, at + 1) - 1)
            at = text.find(needle, at + 1)
        return found

    def _rare_word_matches(self, q: str, pool: _Pool) -> dict[int, float]:
        """Names holding a short query as a rare whole word ("mgm"); see RARE_SHORT_WORD_NAMES."""
        if len(q) != SHORT_QUERY_CHARS - 1 or " " in q:
            return {}
        if self._word_counts.get(q, 0) > RARE_SHORT_WORD_NAMES:
            return {}
        slots = [_Slot(frozenset([q]))]
        scores: dict[int, float] = {}
        for uid in self._hits(f" {q} ") or ():
            if uid in pool:
                score = _word_score(q, [q], slots, self._core_names[uid].split())
                if score is not None:
                    scores[uid] = score
        return scores

    def _word_matches(self, q_core: str, pool: _Pool, spell_words: bool) -> dict[int, float]:
        """Score the names that hold every query word (exact, misspelt, or half-typed last).

        Misspelt words are only looked up when ``spell_words`` is set.
        """
        q_words = q_core.split()
        if len(q_words) > MAX_QUERY_WORDS:
            return {}
        slots = self._slots(q_words, MAX_FUZZY_WORDS if spell_words else 0)
        if slots is None:
            return {}
        seed = min(slots, key=self._slot_cost)
        uids = self._uids_with(seed)
        if uids is None:
            return {}
        scores: dict[int, float] = {}
        for uid in uids:
            if uid in pool:
                score = _word_score(q_core, q_words, slots, self._core_names[uid].split())
                if score is not None:
                    scores[uid] = score
        return scores

    def _slots(self, q_words: Sequence[str], fuzzy_left: int) -> list[_Slot] | None:
        """What each query word may stand for, or None when some word matches nothing.

        At most ``fuzzy_left`` words missing from the catalogue are looked up by similarity.
        """
        spellings = [self._spellings(word) for word in q_words]
        unknown = [
            word
            for word, same in zip(q_words[:-1], spellings, strict=False)
            if word not in self._word_counts and not same
        ]
        if len(unknown) > fuzzy_left or any(len(word) < WORD_FUZZY_MIN_CHARS for word in unknown):
            return None
        slots: list[_Slot] = []
        last = len(q_words) - 1
        for position, (word, same) in enumerate(zip(q_words, spellings, strict=True)):
            words: tuple[str, ...] = ()
            if word in self._word_counts:
                words = (word,)
            elif not same and len(word) >= WORD_FUZZY_MIN_CHARS and fuzzy_left > 0:
                fuzzy_left -= 1
                words = self._similar_words(word)
            prefix = None
            if position == last and len(word) >= COMPLETE_MIN_CHARS and self._completes(word):
                prefix = word
            if not words and not same and prefix is None:
                return None
            slots.append(_Slot(frozenset(words) | same, prefix, same))
        return slots

    def _spellings(self, word: str) -> frozenset[str]:
        """Catalogue words that spell the number ``word`` otherwise ("ii", "two" for "2").

        A typed "i" is the pronoun; only "1" stands for the "i" of "Episode I"."""
        spellings = _number_spellings(word) if word != "i" else ()
        return frozenset(s for s in spellings if s != word and s in self._word_counts)

    def _similar_words(self, word: str) -> tuple[str, ...]:
        """Catalogue words close to a word missing from the catalogue (cached)."""
        found = self._similar_cache.get(word)
        if found is None:
            low, high = _by_length(self._vocab_lengths, len(word), WORD_FUZZY_SCORE)
            low = max(low, bisect_left(self._vocab_lengths, WORD_FUZZY_MIN_CHARS))
            matches = process.extract(
                word,
                self._vocab[low:high],
                scorer=fuzz.ratio,
                processor=None,
                limit=WORD_FUZZY_LIMIT,
                score_cutoff=WORD_FUZZY_SCORE,
            )
            found = tuple(match for match, _, _ in matches)
            _remember(self._similar_cache, word, found)
        return found

    def _completes(self, prefix: str) -> bool:
        """Whether some catalogue word is a longer word starting with ``prefix``."""
        vocab = self._sorted_vocab
        at = bisect_right(vocab, prefix)
        return at < len(vocab) and vocab[at].startswith(prefix)

    def _slot_cost(self, slot: _Slot) -> tuple[int, int]:
        """How many names a slot's words are in; a completed word counts as expensive."""
        counted = sum(self._word_counts[word] for word in slot.words)
        return (slot.prefix is not None, counted)

    def _uids_with(self, slot: _Slot) -> set[int] | None:
        """Ids of names holding a word the slot accepts, or None if there are too many."""
        needles = [f" {word} " for word in slot.words]
        if slot.prefix is not None:
            needles = [needle for needle in needles if not needle.startswith(f" {slot.prefix}")]
            needles.append(f" {slot.prefix}")
        uids: set[int] = set()
        for needle in needles:
            hits = self._hits(needle)
            if hits is None:
                return None
            uids.update(hits)
            if len(uids) > MAX_WORD_HITS:
                return None
        return uids

    def _hits(self, needle: str) -> tuple[int, ...] | None:
        """Ids of names whose text holds ``needle`` (cached); None past ``MAX_WORD_HITS``."""
        cached = self._hits_cache.get(needle, _UNSEEN)
        if cached is not _UNSEEN:
            return cached
        text, starts = self._text, self._line_starts
        found: list[int] = []
        hits: tuple[int, ...] | None = None
        at = text.find(needle)
        while at >= 0 and len(found) <= MAX_WORD_HITS:
            found.append(bisect_right(starts, at) - 1)
            at = text.find(needle, at + 1)
        if len(found) <= MAX_WORD_HITS:
            hits = tuple(dict.fromkeys(found))
        _remember(self._hits_cache, needle, hits)
        return hits

    def _rivals(self, q: str, exact: Sequence[int]) -> dict[int, float]:
        """Entities (with their scores) that outrank the ``exact`` matches of ``q``.

        They hold ``q`` as a phrase (its words in order, one after the other, a number maybe
        spelt otherwise; "the woman" is not in "Wonder Woman"), score at least ``ACCEPT_SCORE``
        as a word match, and are ``DOMINANCE_RATIO`` times as popular as each exact match and
        ``DOMINANCE_MIN_POPULARITY`` at least: "Walt Disney Pictures" (263 movies) for the
        company "Disney" (2), "The Godfather" and its sequels for "Godfather" (1991, 4 votes).
        Of short queries only three-letter words are looked for: the company "Fox" (2 movies)
        leads to Twentieth Century Fox Film Corporation (836); the exact match was typed, so
        however common the word, only the few names 20 times as popular are read.
        """
        popularity = self._popularity
        top = max(map(popularity.__getitem__, exact))
        need = max(DOMINANCE_RATIO * top, DOMINANCE_MIN_POPULARITY)
        # The famous names are in order of popularity: those popular enough are the first
        # ``count`` lines of ``_famous_text``, and only they are read.
        count = bisect_right(self._famous_fame, -need)
        if not count:
            return {}
        short = len(q.replace(" ", "")) < SHORT_QUERY_CHARS
        if short and (len(q) != SHORT_QUERY_CHARS - 1 or " " in q):
            return {}
        q_core = _core(q)
        q_words = q_core.split()
        if len(q.split()) > MAX_QUERY_WORDS:
            return {}
        # A number alone ("seven") is looked for as typed, not in all its spellings ("7").
        respell = any(not _number_spellings(word) for word in q_words)
        same_of = {word: self._spellings(word) if respell else frozenset() for word in q.split()}
        phrase = [_Slot(same_of[word] | {word}, None, same_of[word]) for word in q.split()]
        # Rule most queries out at once: some word is in no name popular enough.
        first, words_before = self._famous_first, self._famous_word_ends[count]
        slots: list[_Slot] = []
        for word in q_words:
            same = same_of[word]
            words = frozenset(w for w in (word, *same) if first.get(w, words_before) < words_before)
            if not words:
                return {}
            slots.append(_Slot(words, None, same))
        text, starts, end = self._famous_text, self._famous_starts, self._famous_starts[count]
        exact_uids = set(map(self._uid_of_key.__getitem__, exact))
        seen: set[int] = set()
        for word in min(slots, key=self._slot_cost).words:
            needle = f" {word} "
            at = text.find(needle, 0, end)
            while at >= 0:
                seen.add(self._famous_uids[bisect_right(starts, at) - 1])
                at = text.find(needle, at + 1, end)
        found: dict[int, float] = {}
        for uid in seen - exact_uids:
            if not _holds_phrase(self._uid_names[uid].split(), phrase):
                continue
            score = _word_score(q_core, q_words, slots, self._core_names[uid].split())
            if score is not None and score >= ACCEPT_SCORE:
                for key in self._keys(uid, self._all):
                    if popularity[key] >= need:
                        found[key] = min(score, LOOSE_SCORE)
        return found


def _remember(cache: dict[str, _V], key: str, value: _V) -> None:
    """Store in a bounded cache; it is simply emptied when full."""
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value
