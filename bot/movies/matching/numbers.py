"""Numbers in names and queries, in every spelling: "2", "two", "second", "ii", "2nd".

A query's numbers must be in a fuzzy match ("the matrix 2" is not The Matrix), and a number
typed one way matches a name that writes it another ("rocky 2" is "Rocky II").
"""

from __future__ import annotations

import re

_NUMBER_TOKEN = re.compile(r"\d+|[^\W\d]+")
_SEQUEL = re.compile(r"(.+?) (?:(?:part|chapter|episode|volume|vol|book) )?(\w+)")

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


def sequel(q: str) -> tuple[str, int] | None:
    """A normalized query that ends in a sequel number, split: "the matrix 2" -> ("the matrix",
    2), "alien part iii" -> ("alien", 3); None when it does not end in a number from 2 to 20."""
    found = _SEQUEL.fullmatch(q)
    if found is None:
        return None
    value = _SPELLING_OF.get(found.group(2))
    if value is None or not 2 <= value <= len(_ORDINALS):
        return None
    return found.group(1), value
