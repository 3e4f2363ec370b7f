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

The package splits the work by job: :mod:`.text` normalizes, :mod:`.numbers` reads numbers in
every spelling, :mod:`.index` builds :class:`NameIndex` and runs the levels above, :mod:`.words`
and :mod:`.scoring` find and score names word by word, and :mod:`.policy` turns scores into an
answer. Names with a leading underscore are private to the package.
"""

from __future__ import annotations

from bot.movies.matching.index import NameIndex
from bot.movies.matching.numbers import sequel
from bot.movies.matching.policy import (
    ACCEPT_SCORE,
    DOMINANCE_MIN_POPULARITY,
    DOMINANCE_RATIO,
    LOOSE_SCORE,
    MAX_SUGGESTIONS,
    SUGGEST_SCORE,
    TIE_MARGIN,
    Ambiguous,
    Candidate,
    Match,
    NotFound,
    Resolved,
)
from bot.movies.matching.text import normalize, symbols

# The public API, and the decision thresholds that callers and tests read.
__all__ = [
    "ACCEPT_SCORE",
    "DOMINANCE_MIN_POPULARITY",
    "DOMINANCE_RATIO",
    "LOOSE_SCORE",
    "MAX_SUGGESTIONS",
    "SUGGEST_SCORE",
    "TIE_MARGIN",
    "Ambiguous",
    "Candidate",
    "Match",
    "NameIndex",
    "NotFound",
    "Resolved",
    "normalize",
    "sequel",
    "symbols",
]
