"""Forgiving name resolution: map what a user typed to one entity among a list of names.

One :class:`NameIndex` serves every kind of entity the bot looks up (movie titles, collections,
companies, countries, languages, people). Resolution goes from strict to loose and stops at the
first level that finds something:

1. exact match of the normalized query, or of an alias;
2. for titles, a trailing year ("Hamlet 1996") narrows the search to that year;
3. loose exact match: a leading article, a trailing "collection"/"the" and spaces are ignored
   ("walle" is "WALL-E", "mash" is "M*A*S*H");
4. fuzzy match: ``fuzz.ratio`` against every name (typos in the whole name), plus names that
   start with or contain the query's words (a typo per word, a half-typed last word, a number
   in another spelling: "rocky 2" is "Rocky II"), plus names that begin with the query's letters
   spelled out ("et" for "E.T. the Extra-Terrestrial").

An exact or loose exact name still gives way to far more popular names holding all its words
("Disney" is a company with 2 movies, "Walt Disney Pictures" has 263): the answer is then a
choice. A fuzzy match must have every number of the query ("the matrix 2" is not The Matrix).
The answer is :class:`Resolved`, :class:`Ambiguous` or :class:`NotFound`; no input raises.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, repeat
from operator import add, ge, gt, neg, not_, or_
from typing import TypeVar

from rapidfuzz import fuzz, process

__all__ = [
    "Ambiguous",
    "Candidate",
    "Match",
    "NameIndex",
    "NotFound",
    "Resolved",
    "normalize",
]

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

LETTER_RUN_CHARS = 6
"""Longest query matched letter by letter against names that begin with single letters ("et"
and "E.T. the Extra-Terrestrial", "la" and "L.A. Confidential")."""

SHORT_QUERY_CHARS = 4
"""Queries with fewer letters than this ("a", "it", "up") skip word matching, which would find
them inside thousands of names; they need an exact match or a high plain ratio."""

SHORT_QUERY_RATIO = 80.0
"""Plain ``fuzz.ratio`` a short query needs: "upp" vs "up" (80) passes, "ab" vs "a" (67) not."""

RARE_SHORT_WORD_NAMES = 10
"""A three-letter query that is a whole word of at most this many names still finds them ("mgm"
-> "Metro-Goldwyn-Mayer (MGM)", "hbo"); one- and two-letter queries ("a", "it", "up") never do."""

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

CLOSE_NAME_SCORE = 90.0
"""When a whole name is already this close to the query ("the shawshank redemptoin"), misspelt
words are not looked up one by one: that could only add names with extra words, which score
lower, and it costs a vocabulary scan per word."""

MAX_QUERY_WORDS = 8
SCAN_LIMIT = 25
"""How many of the best whole-name ratios the full scan keeps."""

MAX_RAW_CHARS = 1_000
MAX_QUERY_CHARS = 200
"""Only this much of a normalized query is matched, so that a pasted essay stays fast."""

CACHE_SIZE = 4_096
"""Entries kept per query-time cache (similar words, names holding a word)."""

YEAR_MIN = 1870
YEAR_MAX = 2035

_LEADING_ARTICLES = ("the ", "a ", "an ")
_TRAILING_NOISE = (" the", " collection")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an) ", re.MULTILINE)
_TRAILING_NOISE_RUN = re.compile(r"(?: the| collection)+$", re.MULTILINE)
_YEAR_TAIL = re.compile(r"(.+) (\d{4})")
_NUMBER_TOKEN = re.compile(r"\d+|[^\W\d]+")
_LETTER_RUN = re.compile(r"(?:\w ){1,}\w(?![^ ])")
"""Two or more one-letter words starting a name: "e t" of "e t the extra terrestrial"."""
_GLUED_DIGITS = re.compile(r"(?<=[^\W\d]{2})(?=\d+\b)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,100}>")
_SPACES = re.compile(" {2,}")
_SEPARATOR = "\x01"

_EXTRA_LETTERS = {
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "\u0131": "i",  # dotless i
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
    "ĸ": "k",
    "\u017f": "s",  # long s
    "ƒ": "f",
    "ɨ": "i",
    "ʉ": "u",
}
_APOSTROPHES = "'`\u2018\u2019\u02bc"

# fmt: off
_CARDINALS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty",
]
_ORDINALS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth",
]
_ROMANS = [
    "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
    "xvi", "xvii", "xviii", "xix", "xx",
]
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# fmt: on
_NUMBER_WORDS: dict[str, int] = {
    **{word: value for value, word in enumerate(_CARDINALS, 1)},
    **{word: value for value, word in enumerate(_ORDINALS, 1)},
    **{word: value for value, word in enumerate(_ROMANS, 2)},
    **_TENS,
    "hundred": 100,
    "thousand": 1000,
}
"""Words that are numbers. "i" is not (it is a pronoun far more often), except after one of
``_SERIAL_WORDS`` ("Episode I")."""
_SERIAL_WORDS = frozenset(["part", "episode", "chapter", "volume", "vol", "book"])


def _spellings_table() -> dict[int, tuple[str, ...]]:
    """The ways a number is written as one word: 2, two, second, ii, 2nd."""
    table: dict[int, tuple[str, ...]] = {1: ("1", "i")}
    for word, value in _NUMBER_WORDS.items():
        table[value] = (*table.get(value, (str(value),)), word)
    for value in range(1, len(_ORDINALS) + 1):
        suffix = "th" if 11 <= value <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
        table[value] += (f"{value}{suffix}",)
    return table


_SPELLINGS = _spellings_table()
_SPELLING_OF = {word: value for value, words in _SPELLINGS.items() for word in words}


class _CharMap(dict[int, str | None]):
    """``str.translate`` table that classifies each code point the first time it is seen."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value: str | None
        if char in _EXTRA_LETTERS:
            value = _EXTRA_LETTERS[char]
        elif char in _APOSTROPHES:
            value = None
        elif char == "&":
            value = " and "
        else:
            category = unicodedata.category(char)
            if category[0] in "LN" or category == "Mc":
                value = char
            elif category in ("Mn", "Me", "Cf"):
                value = None
            else:
                value = " "
        self[code] = value
        return value


_CHAR_MAP = _CharMap()
_ASCII_MAP = {code: _CHAR_MAP[code] for code in range(128)}
_ASCII_BYTES = bytes(
    code if chr(code) == _SEPARATOR else ord((_ASCII_MAP[code] or " ")[0]) for code in range(128)
) + bytes(range(128, 256))
"""Byte-level ``_ASCII_MAP`` for ``_normalize_all``, keeping the separator ("&" is replaced and
apostrophes deleted separately)."""
_APOSTROPHE_BYTES = b"'`"


def normalize(text: str) -> str:
    """Fold ``text`` to the form names are compared in.

    Casefolds, strips accents (also ø, æ, ł, đ... that Unicode does not decompose), turns ``&``
    into "and", drops apostrophes ("Schindler's" -> "schindlers"), turns any other punctuation,
    symbol, emoji or control character into a space and collapses spaces. Letters and digits of
    every script are kept.
    """
    if text.isascii():
        folded = text.lower().translate(_ASCII_MAP)
    else:
        folded = unicodedata.normalize("NFKD", text).casefold().translate(_CHAR_MAP)
    return " ".join(folded.split())


def _normalize_all(texts: Sequence[str]) -> list[str]:
    """``normalize`` over many names at once, for fast builds.

    The ASCII names (nearly all) go through one byte-level translate of their joined text; the
    others are normalized one by one.
    """
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
        return [normalize(text) for text in texts]
    folded = (
        joined.replace("&", " and ")
        .lower()
        .encode("ascii", "replace")
        .translate(_ASCII_BYTES, _APOSTROPHE_BYTES)
        .decode("ascii")
    )
    result = list(map(str.strip, _SPACES.sub(" ", folded).split(_SEPARATOR)))
    for index in compress(range(len(texts)), map(not_, map(str.isascii, texts))):
        result[index] = normalize(texts[index])
    return result if texts else []


def _core(name: str) -> str:
    """Drop a leading article and trailing "collection"/"the", keeping at least one word."""
    if name.startswith(_LEADING_ARTICLES):
        name = name.partition(" ")[2]
    while name.endswith(_TRAILING_NOISE):
        name = name.rpartition(" ")[0]
    return name


def _cores(names: Iterable[str]) -> list[str]:
    """``_core`` of many names (without newlines) in two regex passes, for fast builds."""
    names = list(names)
    if not names:
        return []
    joined = _TRAILING_NOISE_RUN.sub("", _LEADING_ARTICLE.sub("", "\n".join(names)))
    return joined.split("\n")


def _numbers(text: str) -> frozenset[int]:
    """The numbers in a normalized text: digit runs (also glued to letters: "shrek2", "13th"),
    number words up to twenty and the tens ("twenty one" is 21), roman numerals ii-xx."""
    found: list[int] = []
    previous = ""
    for token in _NUMBER_TOKEN.findall(text):
        if token.isdecimal():
            found.append(int(token))
        elif token in _NUMBER_WORDS:
            value = _NUMBER_WORDS[token]
            if previous in _TENS and value < 10 and token in _CARDINALS:
                found[-1] += value
            else:
                found.append(value)
        elif token == "i" and previous in _SERIAL_WORDS:
            found.append(1)
        previous = token
    return frozenset(found)


def _number_spellings(word: str) -> tuple[str, ...]:
    """The words that write the number ``word`` writes ("2": 2, two, ii), or () if none."""
    value = _SPELLING_OF.get(word)
    if value is not None:
        return _SPELLINGS[value]
    return (word,) if word.isdecimal() else ()


def _split_digits(text: str) -> str:
    """Digits glued to the end of a word set apart: "shrek2" -> "shrek 2" (not "se7en")."""
    return _GLUED_DIGITS.sub(" ", text) if any(map(str.isdecimal, text)) else text


def _loose_forms(q: str) -> list[str]:
    """Spellings of a query that count as the same name: its core, and both without spaces."""
    core = _core(q)
    forms = (core, q.replace(" ", ""), core.replace(" ", ""))
    return [form for form in dict.fromkeys(forms) if form != q]


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
        return self.candidate.key

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def year(self) -> int | None:
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

_V = TypeVar("_V")
_UNSEEN: tuple[int, ...] = (-1,)
"""Cache-miss marker for ``NameIndex._hits``, whose cached values may be None."""
_Ranking = list[tuple[float, list[int]]]
"""(score, entity keys) pairs, best first; the keys of one pair share a normalized name. Fuzzy
rankings stop after the names that tie with the best and the first few suggestions."""


def _prepare(query: str) -> str:
    """The searchable form of what the user typed: tags dropped, normalized, length capped."""
    text = _HTML_TAG.sub(" ", query[:MAX_RAW_CHARS])
    return normalize(text)[:MAX_QUERY_CHARS].rstrip()


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
        return word in self.words or (self.prefix is not None and word.startswith(self.prefix))


class NameIndex:
    """Resolves user input to one of ``names``; build once, query many times.

    Names are deduplicated after normalization: an internal name id ("uid") stands for all the
    entities that share a normalized name, and they always score the same.
    """

    def __init__(
        self,
        names: Sequence[str],
        popularity: Sequence[float] | None = None,
        years: Sequence[int | None] | None = None,
        aliases: Mapping[str, int] | None = None,
    ) -> None:
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

        self._aliases: dict[str, list[int]] = {}
        for alias, key in (aliases or {}).items():
            norm = normalize(alias)
            if norm and 0 <= key < count:
                self._aliases.setdefault(norm, []).append(key)

        has_noise = map(
            or_,
            map(str.startswith, self._uid_names, repeat(_LEADING_ARTICLES)),
            map(str.endswith, self._uid_names, repeat(_TRAILING_NOISE)),
        )
        noisy = list(compress(range(len(self._uid_names)), has_noise))
        cores = _cores(map(self._uid_names.__getitem__, noisy))
        self._core_names = list(self._uid_names)
        list(map(self._core_names.__setitem__, noisy, cores))
        self._uids_by_core: dict[str, list[int]] = {}
        for core, uid in zip(cores, noisy, strict=True):
            self._uids_by_core.setdefault(core, []).append(uid)
        self._text = " " + " \n ".join(self._core_names) + " "
        self._line_starts = array(
            "l",
            map(add, accumulate(map(len, self._core_names), initial=0), range(0, 3 * count + 3, 3)),
        )
        counts = Counter(self._text.split())
        self._vocab: list[str] = _packed(sorted(counts, key=len))
        self._word_counts: dict[str, int] = {word: counts[word] for word in self._vocab}
        self._sorted_vocab: list[str] = sorted(self._vocab)
        self._vocab_lengths = array("l", map(len, self._vocab))
        self._similar_cache: dict[str, tuple[str, ...]] = {}
        self._hits_cache: dict[str, tuple[int, ...] | None] = {}
        self._numbers_cache: dict[int, frozenset[int]] = {}
        # Built on first use (by fuzzy queries): names without spaces, names spelt out.
        self._squeezed: tuple[array[int], array[int]] | None = None
        self._letter_runs: dict[str, list[int]] | None = None

        # The names popular enough to outrank an exact name (see ``_rivals``), most popular
        # first, one line per entity in a text like ``_text``: the names above a popularity are
        # a prefix of it, so the common check "is anything 20 times as popular?" reads little.
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

        self._year_keys: dict[int, list[int]] | None = None
        self._year_pools: dict[int, _Pool] = {}

    def __len__(self) -> int:
        return len(self._names)

    def resolve(self, query: str, *, limit: int = 8) -> Match:
        """Resolve ``query`` to one entity, a short list to choose from, or suggestions."""
        limit = max(1, limit)
        q = _prepare(query)
        if not q:
            return NotFound(query, (), empty=True)

        exact = self._exact(q)
        if exact:
            return self._decide(query, [(100.0, exact)], limit, q)

        hint = self._year_hint(q)
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
            return self._ambiguous(query, _tied(in_year) + named, limit)
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
        top = max(self._popularity, default=0.0)
        scale = math.log1p(top) if top > 0 else 1.0

        def rank(candidate: Candidate) -> float:
            fame = math.log1p(max(self._popularity[candidate.key], 0.0)) / scale
            return candidate.score + SEARCH_FAME_POINTS * fame

        found = [
            self._candidate(key, score)
            for uid, score in scores.items()
            if score >= SUGGEST_SCORE
            for key in self._keys(uid, self._all)
        ]
        return sorted(found, key=rank, reverse=True)[:limit]

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
        if self._year_keys is None:
            year_keys: dict[int, list[int]] = {}
            for key, key_year in enumerate(self._years or ()):
                if key_year is not None:
                    year_keys.setdefault(key_year, []).append(key)
            self._year_keys = year_keys
        pool = self._year_pools.get(year)
        if pool is None:
            members: dict[int, list[int]] = {}
            for key in self._year_keys.get(year, ()):
                members.setdefault(self._uid_of_key[key], []).append(key)
            pool = _Pool.of([self._uid_names[uid] for uid in members], list(members), members)
            self._year_pools[year] = pool
        return pool

    def _exact(self, q: str) -> list[int]:
        uid = self._uid_of.get(q)
        named = self._keys(uid, self._all) if uid is not None else []
        return list(dict.fromkeys([*named, *self._aliases.get(q, ())]))

    def _keys(self, uid: int, pool: _Pool) -> list[int]:
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
            if pool.keys is None and form != q:
                keys.extend(self._aliases.get(form, ()))
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

    def _unspaced(self, q: str) -> list[int]:
        """Ids of names that are ``q`` (or its core) once spaces are dropped: "walle" finds
        "wall e" (WALL-E), "mash" finds "m a s h" (M*A*S*H)."""
        if self._squeezed is None:
            # Hashes of each core name without its spaces, sorted, beside their ids: a second
            # copy of every name in a dict would cost megabytes for a rare kind of query.
            pairs = sorted(
                (hash(name.replace(" ", "")), uid) for uid, name in enumerate(self._core_names)
            )
            self._squeezed = array("q", (h for h, _ in pairs)), array("l", (u for _, u in pairs))
        hashes, uids = self._squeezed
        found: list[int] = []
        for form in dict.fromkeys((q.replace(" ", ""), _core(q).replace(" ", ""))):
            code = hash(form)
            for at in range(bisect_left(hashes, code), bisect_right(hashes, code)):
                if self._core_names[uids[at]].replace(" ", "") == form:
                    found.append(uids[at])
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

    def _letter_matches(self, q: str, pool: _Pool) -> dict[int, float]:
        """Names that begin with the query's letters as one-letter words: "et" or "e t" (from
        "E.T.") begin "e t the extra terrestrial", "la" begins "l a confidential"."""
        letters = q.replace(" ", "")
        if not 2 <= len(letters) <= LETTER_RUN_CHARS or not letters.isalpha():
            return {}
        if self._letter_runs is None:
            runs: dict[str, list[int]] = {}
            for uid, found in enumerate(map(_LETTER_RUN.match, self._uid_names)):
                if found is not None:
                    runs.setdefault(found.group().replace(" ", ""), []).append(uid)
            self._letter_runs = runs
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

    def _decide(self, query: str, ranking: _Ranking, limit: int, q: str | None = None) -> Match:
        """Turn scored names into an answer: one winner, a tie, or suggestions.

        With ``q`` (the searched form of a query run over every name), an exact or loose exact
        winner is first checked against far more popular names holding all of ``q``'s words.
        """
        if _top(ranking) < ACCEPT_SCORE:
            return NotFound(query, self._suggestions(ranking))
        if q is not None and _top(ranking) >= LOOSE_SCORE:
            score_of = {
                key: score for score, keys in ranking if score >= LOOSE_SCORE for key in keys
            }
            rivals = self._rivals(q, list(score_of))
            if rivals:
                return self._outranked(query, score_of, rivals, limit)
        tied = _tied(ranking)
        if len(tied) > 1:
            return self._ambiguous(query, tied, limit)
        score, keys = tied[0]
        ordered = self._by_popularity(keys)
        if len(ordered) == 1 or self._dominates(ordered):
            others = tuple(self._candidate(key, score) for key in ordered[1 : limit + 1])
            return Resolved(query, self._candidate(ordered[0], score), others)
        return Ambiguous(query, tuple(self._candidate(key, score) for key in ordered[:limit]))

    def _rivals(self, q: str, exact: Sequence[int]) -> dict[int, float]:
        """Entities (with their scores) that outrank the ``exact`` matches of ``q``.

        They hold ``q`` as a phrase (its words in order, one after the other, a number maybe
        spelt otherwise; "the woman" is not in "Wonder Woman"), score at least ``ACCEPT_SCORE``
        as a word match, and are ``DOMINANCE_RATIO`` times as popular as each exact match and
        ``DOMINANCE_MIN_POPULARITY`` at least: "Walt Disney Pictures" (263 movies) for the
        company "Disney" (2), "The Godfather" and its sequels for "Godfather" (1991, 4 votes).
        Short queries follow ``_fuzzy``: only a rare three-letter word ("mgm") is looked for.
        """
        popularity = self._popularity
        top = max(map(popularity.__getitem__, exact))
        need = max(DOMINANCE_RATIO * top, DOMINANCE_MIN_POPULARITY)
        # The famous names are in order of popularity: those popular enough are the first
        # ``count`` lines of ``_famous_text``, and only they are read.
        count = bisect_right(self._famous_fame, -need)
        if not count:
            return {}
        if len(q.replace(" ", "")) < SHORT_QUERY_CHARS:
            if len(q) != SHORT_QUERY_CHARS - 1 or " " in q:
                return {}
            if self._word_counts.get(q, 0) > RARE_SHORT_WORD_NAMES:
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

    def _outranked(
        self, query: str, score_of: dict[int, float], rivals: dict[int, float], limit: int
    ) -> Ambiguous:
        """The exact matches (``score_of``) and their far more popular ``rivals`` as a choice,
        most popular first; the exact matches are kept even when the rivals are many."""
        kept = self._by_popularity(rivals)[: max(1, limit - len(score_of))]
        score_of = {**score_of, **{key: rivals[key] for key in kept}}
        ordered = self._by_popularity(score_of)[:limit]
        return Ambiguous(query, tuple(self._candidate(key, score_of[key]) for key in ordered))

    def _ambiguous(self, query: str, ranking: _Ranking, limit: int) -> Ambiguous:
        """All entities of ``ranking`` as a choice, most popular first, each with its best score."""
        score_of: dict[int, float] = {}
        for score, keys in ranking:
            for key in keys:
                score_of[key] = max(score, score_of.get(key, 0.0))
        ordered = self._by_popularity(score_of)[:limit]
        return Ambiguous(query, tuple(self._candidate(key, score_of[key]) for key in ordered))

    def _suggestions(self, ranking: _Ranking) -> tuple[Candidate, ...]:
        """The closest names, best first, each as its most popular entity."""
        found: list[Candidate] = []
        for score, keys in ranking[:MAX_SUGGESTIONS]:
            if score < SUGGEST_SCORE:
                break
            found.append(self._candidate(self._by_popularity(keys)[0], score))
        return tuple(found)

    def _by_popularity(self, keys: Iterable[int]) -> list[int]:
        """Most popular first; then by year (oldest first, unknown last), then by position."""
        years = self._years

        def order(key: int) -> tuple[float, int, int]:
            year = years[key] if years is not None else None
            return (-self._popularity[key], year if year is not None else 10_000, key)

        return sorted(keys, key=order)

    def _dominates(self, ordered: Sequence[int]) -> bool:
        top = self._popularity[ordered[0]]
        if top < DOMINANCE_MIN_POPULARITY:
            return False
        return all(top >= DOMINANCE_RATIO * self._popularity[key] for key in ordered[1:])

    def _candidate(self, key: int, score: float) -> Candidate:
        year = self._years[key] if self._years is not None else None
        return Candidate(key, self._names[key], year, round(score, 1))


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
    for index in range(start, len(words)):
        if index not in used and slot.accepts(words[index]):
            return index
    return None


def _merge(scores: dict[int, float], more: Mapping[int, float]) -> None:
    """Keep each name's best score."""
    for uid, score in more.items():
        if score > scores.get(uid, 0.0):
            scores[uid] = score


def _remember(cache: dict[str, _V], key: str, value: _V) -> None:
    """Store in a bounded cache; it is simply emptied when full."""
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value


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


def _top(ranking: _Ranking) -> float:
    return ranking[0][0] if ranking else 0.0


def _tied(ranking: _Ranking) -> _Ranking:
    """The accepted names that score within ``TIE_MARGIN`` of the best one."""
    floor = max(ACCEPT_SCORE, _top(ranking) - TIE_MARGIN)
    return [(score, keys) for score, keys in ranking if score >= floor]


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
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
