"""NameIndex: built once over a list of names, it resolves what users type to one of them.

The build normalizes and deduplicates the names and lays out the structures each level of
resolution reads (see the package docstring); the query side runs those levels in turn and
hands the scored names to the decision policy.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from itertools import accumulate, compress, repeat
from operator import add, ge, gt, neg, not_, or_

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from bot.movies.matching.numbers import _numbers
from bot.movies.matching.policy import (
    ACCEPT_SCORE,
    DOMINANCE_MIN_POPULARITY,
    LOOSE_SCORE,
    MAX_SUGGESTIONS,
    NUMBER_CAP,
    NUMBER_MARGIN,
    SUGGEST_SCORE,
    TIE_MARGIN,
    Candidate,
    Match,
    NotFound,
    Policy,
    _Ranking,
    _tied,
    _top,
)
from bot.movies.matching.scoring import _merge, _packed, _Pool
from bot.movies.matching.text import (
    _LEADING_ARTICLES,
    _TRAILING_NOISE,
    MAX_QUERY_CHARS,
    _core,
    _cores,
    _loose_forms,
    _normalize_all,
    _prepare,
    _split_digits,
    normalize,
    symbols,
)
from bot.movies.matching.words import _LETTER_RUN, SHORT_QUERY_CHARS, _WordSearch

SHORT_QUERY_RATIO = 80.0
"""Plain ``fuzz.ratio`` a short query needs: "upp" vs "up" (80) passes, "ab" vs "a" (67) not."""

CLOSE_NAME_SCORE = 90.0
"""When a whole name is already this close to the query ("the shawshank redemptoin"), misspelt
words are not looked up one by one: that could only add names with extra words, which score
lower, and it costs a vocabulary scan per word."""

SCAN_LIMIT = 25
"""How many of the best whole-name ratios the full scan keeps."""

YEAR_MIN = 1870
YEAR_MAX = 2035

_YEAR_TAIL = re.compile(r"(.+) (\d{4})")
_BRACKETED_YEAR = re.compile(r"[(\[]\s*\d{4}\s*[)\]]\W*$")


class NameIndex(_WordSearch):
    """Resolves user input to one of ``names``; build once, query many times.

    Names are deduplicated after normalization: an internal name id ("uid") stands for all the
    entities that share a normalized name, and they always score the same.
    """

    def __init__(
        self,
        names: Sequence[str],
        popularity: Sequence[float] | None = None,
        years: Sequence[int | None] | None = None,
        aliases: Mapping[str, int] | Iterable[tuple[str, int]] | None = None,
    ) -> None:
        """Build the index in named steps; each one lays out what a level of resolution reads.

        ``aliases`` are other names of entities, as a mapping or as (alias, key) pairs (several
        entities may share an alias, as movies share an original title)."""
        self._take_entities(names, popularity, years)
        self._build_name_ids()
        self._build_aliases(aliases or {})
        self._build_cores_and_text()
        self._build_vocabulary()
        self._start_caches()
        self._build_lookups()
        self._build_famous()
        self._policy = Policy(self._names, self._popularity, self._years)

    def _take_entities(
        self,
        names: Sequence[str],
        popularity: Sequence[float] | None,
        years: Sequence[int | None] | None,
    ) -> None:
        """Names, popularity and years, one per entity, as clean strings and finite floats."""
        count = len(names)
        if popularity is not None and len(popularity) != count:
            raise ValueError("popularity must have one value per name")
        if years is not None and len(years) != count:
            raise ValueError("years must have one value per name")
        self._names: list[str] = list(names)
        if set(map(type, self._names)) - {str}:
            self._names = ["" if name is None else str(name) for name in self._names]
        self._popularity = array("d", _clean_popularity(popularity, count))
        self._years: list[int | None] | None = list(years) if years is not None else None

    def _build_name_ids(self) -> None:
        """One id per distinct normalized name, so that entities sharing a name score once."""
        count = len(self._names)
        normalized = _normalize_all(self._names)
        if max(map(len, normalized), default=0) > MAX_QUERY_CHARS:
            normalized = [name[:MAX_QUERY_CHARS].rstrip() for name in normalized]
        self._uid_names: list[str] = list(dict.fromkeys(normalized))
        self._uid_of: dict[str, int] = dict(
            zip(self._uid_names, range(len(self._uid_names)), strict=True)
        )
        self._uid_of_key = array("l", map(self._uid_of.__getitem__, normalized))
        # Ids are handed out in order of first appearance: a key is the first of its name
        # exactly when its id is larger than every id before it.
        firsts = list(map(gt, self._uid_of_key, accumulate(self._uid_of_key, max, initial=-1)))
        self._first_key = array("l", compress(range(count), firsts))
        self._more_keys: dict[int, list[int]] = {}
        for key in compress(range(count), map(not_, firsts)):
            self._more_keys.setdefault(self._uid_of_key[key], []).append(key)
        self._uid_of.pop("", None)
        self._all = _Pool.of(self._uid_names, range(len(self._uid_names)))
        # Point every structure at the pool's packed copies so each name is held once.
        for name, uid in zip(self._all.names, self._all.uids, strict=True):
            self._uid_names[uid] = name
        self._uid_of = dict(zip(self._uid_names, range(len(self._uid_names)), strict=True))

    def _build_aliases(self, aliases: Mapping[str, int] | Iterable[tuple[str, int]]) -> None:
        """Normalized aliases to entity keys, so that an entity's other names are exact too."""
        count = len(self._names)
        self._aliases: dict[str, list[int]] = {}
        pairs = aliases.items() if isinstance(aliases, Mapping) else aliases
        for alias, key in pairs:
            norm = normalize(alias)
            if norm and 0 <= key < count:
                self._aliases.setdefault(norm, []).append(key)

    def _build_cores_and_text(self) -> None:
        """Core names (for loose exact matches) and one text of them, a name per line, in which
        word search finds words with ``str.find``."""
        count = len(self._names)
        has_noise = map(
            or_,
            map(str.startswith, self._uid_names, repeat(_LEADING_ARTICLES)),
            map(str.endswith, self._uid_names, repeat(_TRAILING_NOISE)),
        )
        noisy = list(compress(range(len(self._uid_names)), has_noise))
        cores = _cores(map(self._uid_names.__getitem__, noisy))
        self._core_names = list(self._uid_names)
        for uid, core in zip(noisy, cores, strict=True):
            self._core_names[uid] = core
        self._uids_by_core: dict[str, list[int]] = {}
        for core, uid in zip(cores, noisy, strict=True):
            self._uids_by_core.setdefault(core, []).append(uid)
        self._text = " " + " \n ".join(self._core_names) + " "
        self._line_starts = array(
            "l",
            map(add, accumulate(map(len, self._core_names), initial=0), range(0, 3 * count + 3, 3)),
        )

    def _build_vocabulary(self) -> None:
        """The catalogue's words and how many names hold each, by length for misspelt words
        and sorted for half-typed ones."""
        counts = Counter(self._text.split())
        self._vocab: list[str] = _packed(sorted(counts, key=len))
        self._word_counts: dict[str, int] = {word: counts[word] for word in self._vocab}
        self._sorted_vocab: list[str] = sorted(self._vocab)
        self._vocab_lengths = array("l", map(len, self._vocab))

    def _start_caches(self) -> None:
        """Empty query-time caches, and the structures only some queries need, built later."""
        self._similar_cache: dict[str, tuple[str, ...]] = {}
        self._hits_cache: dict[str, tuple[int, ...] | None] = {}
        self._numbers_cache: dict[int, frozenset[int]] = {}
        # Built on first use (by queries ending in a year): the names of one year.
        self._year_pools: dict[int, _Pool] = {}

    def _build_lookups(self) -> None:
        """What some kinds of query read, built here rather than by the first such query (at
        450,000 titles that first query took a second): names without spaces, names spelt out
        letter by letter, and the entities of each year.

        Names without their spaces are kept as their hashes, sorted, beside their ids: a second
        copy of every name in a dict would cost megabytes for a rare kind of query. The
        entities of each year are the keys sorted by year, and where each year starts."""
        squeezed = map(str.replace, self._core_names, repeat(" "), repeat(""))
        hashes = np.fromiter(map(hash, squeezed), dtype=np.int64, count=len(self._core_names))
        order = np.argsort(hashes, kind="stable")
        self._squeezed: tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]] = hashes[order], order
        runs: dict[str, list[int]] = {}
        for uid, name in enumerate(self._uid_names):
            if name[1:2] == " ":  # what a run of one-letter words starts with: cheap to rule out
                found = _LETTER_RUN.match(name)
                if found is not None:
                    runs.setdefault(found.group().replace(" ", ""), []).append(uid)
        self._letter_runs = runs
        if self._years is not None:
            years = np.fromiter(
                (YEAR_MAX + 1 if year is None else year for year in self._years),
                dtype=np.int64, count=len(self._years),
            )
            by_year = np.argsort(years, kind="stable")
            self._year_keys: tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]] = (
                years[by_year], by_year
            )

    def _build_famous(self) -> None:
        """The names popular enough to outrank an exact name (see ``_rivals``), most popular
        first, with where each word first appears, so most queries are ruled out at once."""
        count = len(self._names)
        # One line per entity in a text like ``_text``: the names above a popularity are a
        # prefix of it, so the common check "is anything 20 times as popular?" reads little.
        famous = compress(range(count), map(ge, self._popularity, repeat(DOMINANCE_MIN_POPULARITY)))
        famous_keys = sorted(famous, key=self._popularity.__getitem__, reverse=True)
        self._famous_uids = array("l", map(self._uid_of_key.__getitem__, famous_keys))
        self._famous_fame = array("d", map(neg, map(self._popularity.__getitem__, famous_keys)))
        famous_cores = list(map(self._core_names.__getitem__, self._famous_uids))
        self._famous_text = " " + " \n ".join(famous_cores) + " "
        self._famous_starts = array(
            "l",
            map(
                add,
                accumulate(map(len, famous_cores), initial=0),
                range(0, 3 * len(famous_cores) + 3, 3),
            ),
        )
        # Where each word is first seen (so in its most famous name), counted in words, and how
        # many words the first lines hold: enough to rule most names out without a search.
        famous_words = self._famous_text.split()
        self._famous_first: dict[str, int] = dict(
            zip(reversed(famous_words), range(len(famous_words) - 1, -1, -1), strict=True)
        )
        words_per_line = map(
            add, map(str.count, famous_cores, repeat(" ")), map(bool, famous_cores)
        )
        self._famous_word_ends = array("l", accumulate(words_per_line, initial=0))

    def __len__(self) -> int:
        """How many entities (not distinct names) the index holds."""
        return len(self._names)

    def resolve(self, query: str, *, limit: int = 8) -> Match:
        """Resolve ``query`` to one entity, a short list to choose from, or suggestions."""
        limit = max(1, limit)
        q = _prepare(query)
        if not q:
            return NotFound(query, (), empty=True)

        exact = self._exact(q)
        hint = self._year_hint(q)
        if exact and hint is not None:
            in_year = self._rank(hint[0], hint[1], fuzzy=False)
            if in_year:
                # "Cinderella (2000)" is the Cinderella of 2000, the 1977 "Cinderella 2000"
                # offered beside it; typed without brackets, the other way round.
                year_keys = in_year[0][1]
                if _BRACKETED_YEAR.search(query):
                    others = [key for key in exact if key not in year_keys]
                    return self._policy.with_others(self._decide(query, in_year, limit), others)
                others = [key for key in year_keys if key not in exact]
                return self._policy.with_others(
                    self._decide(query, [(100.0, exact)], limit, q), others
                )
        if exact:
            spelt = self._spelt_as(query, exact)
            if spelt:
                match = self._decide(query, [(100.0, spelt)], limit)
                return self._policy.with_others(match, [k for k in exact if k not in spelt])
            return self._decide(query, [(100.0, exact)], limit, q)

        if hint is None:
            return self._decide(query, self._rank(q, self._all), limit, q)

        rest, pool = hint
        in_year = self._rank(rest, pool) if pool.names else []
        if _top(in_year) >= LOOSE_SCORE:
            return self._decide(query, in_year, limit)
        whole = self._rank(q, self._all)
        if _top(in_year) >= ACCEPT_SCORE and _top(in_year) >= _top(whole):
            named = self._rank(rest, self._all, fuzzy=False)
            if not named:
                return self._decide(query, in_year, limit)
            # "titanic 1998": Titanic is from 1997 and "Titanic Town" from 1998; offer both.
            return self._policy.ambiguous(query, _tied(in_year) + named, limit)
        if _top(whole) >= LOOSE_SCORE:
            return self._decide(query, whole, limit, q)
        any_year = self._rank(rest, self._all)
        if _top(whole) >= _top(any_year):
            return self._decide(query, whole, limit, q)
        return self._decide(query, any_year, limit, rest)

    def search(self, query: str, *, limit: int = 10) -> list[Candidate]:
        """Up to ``limit`` entities for a partly typed query, best first (type-ahead lists).

        Unlike :meth:`resolve` it does not stop at an exact name: "toy story" lists the sequels
        after Toy Story. Equal scores go to the more popular entity.
        """
        q = _prepare(query)
        if not q:
            return []
        scores = self._fuzzy(q, self._all)
        exact = self._uid_of.get(q)
        if exact is not None:
            scores[exact] = 100.0
        found = (
            (key, score)
            for uid, score in scores.items()
            if score >= SUGGEST_SCORE
            for key in self._keys(uid, self._all)
        )
        return self._policy.type_ahead(found, limit)

    def _decide(self, query: str, ranking: _Ranking, limit: int, q: str | None = None) -> Match:
        """The policy's answer for ``ranking``; with ``q`` (the searched form of a query run
        over every name), far more popular names holding all its words may outrank the winner."""
        rivals = None if q is None else partial(self._rivals, q)
        match = self._policy.decide(query, ranking, limit, rivals)
        if isinstance(match, NotFound) and match.suggestions:
            typed = _prepare(query)
            kept = tuple(c for c in match.suggestions if _plausible(typed, normalize(c.name)))
            match = NotFound(match.query, kept, match.empty)
        return match

    def _year_hint(self, q: str) -> tuple[str, _Pool] | None:
        """Split "hamlet 1996" into "hamlet" and the pool of 1996's entities."""
        if self._years is None:
            return None
        found = _YEAR_TAIL.fullmatch(q)
        if found is None:
            return None
        year = int(found.group(2))
        if not YEAR_MIN <= year <= YEAR_MAX:
            return None
        return found.group(1), self._year_pool(year)

    def _year_pool(self, year: int) -> _Pool:
        """The names of one year's entities, gathered on first use and cached."""
        pool = self._year_pools.get(year)
        if pool is None:
            years, by_year = self._year_keys
            low, high = np.searchsorted(years, [year, year + 1])
            members: dict[int, list[int]] = {}
            for key in by_year[low:high].tolist():
                members.setdefault(self._uid_of_key[key], []).append(key)
            pool = _Pool.of([self._uid_names[uid] for uid in members], list(members), members)
            self._year_pools[year] = pool
        return pool

    def _exact(self, q: str) -> list[int]:
        """The entities whose name or alias is exactly ``q``."""
        uid = self._uid_of.get(q)
        named = self._keys(uid, self._all) if uid is not None else []
        return list(dict.fromkeys([*named, *self._aliases.get(q, ())]))

    def _spelt_as(self, query: str, exact: list[int]) -> list[int]:
        """Of exact matches told apart by a symbol ("Ciné+", "Ciné@", "Ciné"), those written
        with the query's symbols; empty when that does not narrow them."""
        if len(exact) < 2:
            return []
        marks = symbols(query)
        spelt = [key for key in exact if symbols(self._names[key]) == marks]
        return spelt if len(spelt) < len(exact) else []

    def _keys(self, uid: int, pool: _Pool) -> list[int]:
        """The entities named ``uid`` in ``pool``."""
        if pool.keys is not None:
            return pool.keys[uid]
        return [self._first_key[uid], *self._more_keys.get(uid, ())]

    def _rank(self, q: str, pool: _Pool, *, fuzzy: bool = True) -> _Ranking:
        """Score ``q`` against ``pool``: exact, else loose exact, else (if asked) fuzzy."""
        uid = self._uid_of.get(q)
        if uid is not None and uid in pool:
            return [(100.0, self._keys(uid, pool))]
        for form in (q, *_loose_forms(q)):
            uids = list(self._uids_by_core.get(form, ()))
            if form != q and form in self._uid_of:
                uids.append(self._uid_of[form])
            uids = sorted(uid for uid in set(uids) if uid in pool)
            keys = [key for uid in uids for key in self._keys(uid, pool)]
            keys.extend(self._aliases_in(form, pool))
            if keys:
                return [(LOOSE_SCORE, list(dict.fromkeys(keys)))]
        keys = [key for uid in self._unspaced(q) if uid in pool for key in self._keys(uid, pool)]
        if keys:
            return [(LOOSE_SCORE, keys)]
        if not fuzzy:
            return []
        ranked = sorted(self._fuzzy(q, pool).items(), key=lambda item: (-item[1], item[0]))
        ranking: _Ranking = []
        for uid, score in ranked:
            if len(ranking) >= MAX_SUGGESTIONS and score < ranked[0][1] - TIE_MARGIN:
                break
            ranking.append((score, self._keys(uid, pool)))
        return ranking

    def _aliases_in(self, form: str, pool: _Pool) -> list[int]:
        """The entities of ``pool`` that have the alias ``form``."""
        keys = self._aliases.get(form, ())
        if pool.keys is None:
            return list(keys)
        return [key for key in keys if key in pool.keys.get(self._uid_of_key[key], ())]

    def _unspaced(self, q: str) -> list[int]:
        """Ids of names that are ``q`` (or its core) once spaces are dropped: "walle" finds
        "wall e" (WALL-E), "mash" finds "m a s h" (M*A*S*H)."""
        hashes, uids = self._squeezed
        found: list[int] = []
        for form in dict.fromkeys((q.replace(" ", ""), _core(q).replace(" ", ""))):
            code = hash(form)
            low = int(np.searchsorted(hashes, code, side="left"))
            high = int(np.searchsorted(hashes, code, side="right"))
            for uid in uids[low:high].tolist():
                if self._core_names[uid].replace(" ", "") == form:
                    found.append(uid)
        return list(dict.fromkeys(found))

    def _fuzzy(self, q: str, pool: _Pool) -> dict[int, float]:
        """Fuzzy scores by name id: whole-name ratio, then word prefix/containment.

        A name that lacks a number of the query scores at most ``NUMBER_CAP``.
        """
        short = len(q.replace(" ", "")) < SHORT_QUERY_CHARS
        cutoff = SHORT_QUERY_RATIO if short else SUGGEST_SCORE
        scores = dict(pool.scan(q, cutoff, SCAN_LIMIT))
        numbers = _numbers(q)
        _merge(scores, self._letter_matches(q, pool))
        if short:
            _merge(scores, self._rare_word_matches(q, pool))
            if not scores:
                scores = self._prefix_suggestions(q, pool)
            self._cap(scores, numbers)
            return scores
        q_core = _core(q)
        for uid, score in scores.items():
            scores[uid] = max(score, fuzz.ratio(q_core, self._core_names[uid]))
        lacking = self._cap(scores, numbers)
        spell_words = max(scores.values(), default=0.0) < CLOSE_NAME_SCORE
        _merge(scores, self._word_matches(q_core, pool, spell_words))
        split = _split_digits(q_core)
        if split != q_core:
            _merge(scores, self._word_matches(split, pool, spell_words))
        lacking = max(lacking, self._cap(scores, numbers))
        if lacking > NUMBER_CAP:
            # A shared number does not make up for the words: "the matrix 2" is not "The
            # Marine 2" (83% alike) when "The Matrix" (91%) is much closer but for the 2.
            for uid, score in scores.items():
                if NUMBER_CAP < score < lacking - NUMBER_MARGIN:
                    scores[uid] = NUMBER_CAP
        return scores

    def _cap(self, scores: dict[int, float], numbers: frozenset[int]) -> float:
        """Cap (in place) the names that lack one of ``numbers``; the best score capped."""
        best = 0.0
        if numbers:
            for uid, score in scores.items():
                if score > NUMBER_CAP and not numbers <= self._numbers_of(uid):
                    scores[uid] = NUMBER_CAP
                    best = max(best, score)
        return best

    def _numbers_of(self, uid: int) -> frozenset[int]:
        """The numbers in a name (cached: at most one entry per name)."""
        found = self._numbers_cache.get(uid)
        if found is None:
            found = self._numbers_cache[uid] = _numbers(self._uid_names[uid])
        return found



PLAUSIBLE_RATIO = 65.0
"""A suggestion must be this close to the query as a whole ("harmless" and "Hamlet" 71), or
share a word with it (``PLAUSIBLE_WORD_RATIO``), or begin with it: "qwertyuiop" is not
offered "Power Trip" (60) nor "xkcd blorp" "Cold Blood" (60)."""
PLAUSIBLE_WORD_RATIO = 75.0


_COMMON_WORDS = frozenset(["the", "and", "for", "with", "from", "des", "les", "der", "die", "das"])


def _plausible(typed: str, name: str) -> bool:
    """Whether ``name`` looks like what was typed, not merely the least far of far names."""
    if fuzz.ratio(typed, name) >= PLAUSIBLE_RATIO or name.startswith(typed):
        return True
    words = name.split()
    return any(
        fuzz.ratio(word, other) >= PLAUSIBLE_WORD_RATIO
        for word in typed.split()
        if len(word) >= 3 and word not in _COMMON_WORDS
        for other in words
    )


def _clean_popularity(popularity: Sequence[float] | None, count: int) -> list[float]:
    """Popularity as finite floats; missing, NaN or unparsable values count as 0."""
    if popularity is None:
        return [0.0] * count
    try:
        values = list(map(float, popularity))
    except (TypeError, ValueError):
        values = [_to_float(value) for value in popularity]
    if not all(map(math.isfinite, values)):
        values = [value if math.isfinite(value) else 0.0 for value in values]
    return values


def _to_float(value: object) -> float:
    """``value`` as a float, or 0 when it is not a number."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0

