"""Text normalization: the one form names and queries are compared in.

Every name and every query goes through :func:`normalize` (casefold, strip accents, punctuation
to spaces), so that "Amélie" and "amelie" meet. The core form drops a leading article and a
trailing "collection"/"the"; the loose forms are what "the same name" also allows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import compress
from operator import not_

MAX_RAW_CHARS = 1_000
MAX_QUERY_CHARS = 200
"""Only this much of a normalized query is matched, so that a pasted essay stays fast."""

_LEADING_ARTICLES = ("the ", "a ", "an ")
_TRAILING_NOISE = (" the", " collection")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an) ", re.MULTILINE)
_TRAILING_NOISE_RUN = re.compile(r"(?: the| collection)+$", re.MULTILINE)
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


class _CharMap(dict[int, str | None]):
    """``str.translate`` table that classifies each code point the first time it is seen."""

    def __missing__(self, code: int) -> str | None:
        """Classify ``code`` (kept, dropped, or a space) and remember it."""
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


_DISTINGUISHING = frozenset("@#%*")
"""Punctuation that tells names apart like a symbol does ("Ciné@" is not "Ciné")."""


def symbols(name: str) -> str:
    """The characters that tell ``name`` apart from names that normalize alike: its symbols
    (``+``, ``@``, ``#``...), in order, except those that join two words ("Claussen+Wöbke")."""
    if name.isascii() and name.isalnum():
        return ""
    found = []
    for i, char in enumerate(name):
        if char in _DISTINGUISHING or unicodedata.category(char).startswith("S"):
            joins = 0 < i < len(name) - 1 and name[i - 1].isalnum() and name[i + 1].isalnum()
            if not joins:
                found.append(char)
    return "".join(found)


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


def _split_digits(text: str) -> str:
    """Digits glued to the end of a word set apart: "shrek2" -> "shrek 2" (not "se7en")."""
    return _GLUED_DIGITS.sub(" ", text) if any(map(str.isdecimal, text)) else text


def _loose_forms(q: str) -> list[str]:
    """Spellings of a query that count as the same name: its core, and both without spaces."""
    core = _core(q)
    forms = (core, q.replace(" ", ""), core.replace(" ", ""))
    return [form for form in dict.fromkeys(forms) if form != q]


def _prepare(query: str) -> str:
    """The searchable form of what the user typed: tags dropped, normalized, length capped."""
    text = _HTML_TAG.sub(" ", query[:MAX_RAW_CHARS])
    return normalize(text)[:MAX_QUERY_CHARS].rstrip()
