"""Discovery: movies found by what they are (genre, years, length, language, country, maker).

:class:`Filters` say what to look for; :class:`Discovery`, built once over the catalog frame,
ranks the movies that pass them, by popularity (vote count) or by a vote-count-weighted rating
(IMDb's WR = v/(v+m)·R + m/(v+m)·C), so a 10/10 with 3 votes does not top "the best comedies".
When no movie passes, it names the first filter that emptied the list.

Filters travel in button data (64 bytes): :class:`FilterCodec` packs them into one integer of
at most :data:`MAX_DIGITS` digits, deterministically, so a discovery's Prev/Next buttons keep
working across restarts on the same catalog. Pure Polars; no Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

import polars as pl

MIN_VOTES_QUANTILE = 0.9
"""``m`` of the weighted rating: the vote count 90% of the catalog's movies stay under."""

FIRST_YEAR = 1870
"""Years are packed as an offset from here (radix :data:`YEAR_RADIX`)."""
YEAR_RADIX = 256
RUNTIME_RADIX = 1024
MAX_DIGITS = 36
"""A packed :class:`Filters` has at most this many decimal digits (about 120 bits: room for ten
times the bundled catalog's directors and companies, which take 111 bits, and more)."""


class Sort(StrEnum):
    """How a discovery's matches are ordered."""

    POPULARITY = "popularity"
    RATING = "rating"


@dataclass(frozen=True, slots=True)
class Filters:
    """What to look for; ``None`` leaves a criterion open. Entities are catalog keys
    (``language`` and ``country`` positions in the catalog's tables, ``director`` and
    ``company`` entity numbers), genres the catalog's genre names (every one must match)."""

    genres: frozenset[str] = frozenset()
    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    language: int | None = None
    country: int | None = None
    director: int | None = None
    company: int | None = None
    sort: Sort = Sort.POPULARITY

    @property
    def empty(self) -> bool:
        """No criterion at all (the sort aside): every movie passes."""
        return self == Filters(sort=self.sort)


@dataclass(frozen=True, slots=True)
class Ranked:
    """Rows of the matches, best first (at most the limit asked), how many matched in all, and
    when none did, the position (in :meth:`Discovery.steps` order) of the filter that emptied
    the list."""

    rows: tuple[int, ...]
    total: int
    emptied_by: int | None = None


class FilterCodec:
    """Filters <-> one non-negative integer, by mixed radix over the catalog's table sizes.

    Each entity field stores key + 1 (0 = open), so any integer below :attr:`limit` decodes,
    and one at or above it (forged, or from a bigger catalog) does not.
    """

    def __init__(self, genres: Sequence[str], languages: int, countries: int, directors: int,
                 companies: int) -> None:
        self.genres = list(genres)
        self._radices = (
            ("sort", len(Sort)),
            ("company", companies + 1),
            ("director", directors + 1),
            ("country", countries + 1),
            ("language", languages + 1),
            ("runtime_max", RUNTIME_RADIX),
            ("runtime_min", RUNTIME_RADIX),
            ("year_to", YEAR_RADIX),
            ("year_from", YEAR_RADIX),
            ("genres", 2 ** len(self.genres)),
        )
        self.limit = 1
        for _name, radix in self._radices:
            self.limit *= radix
        if len(str(self.limit)) > MAX_DIGITS:
            raise ValueError("the catalog's tables are too big to pack filters in button data")

    def pack(self, filters: Filters) -> int:
        number = 0
        for name, radix in reversed(self._radices):
            digit = self._digit(name, getattr(filters, name))
            if not 0 <= digit < radix:
                raise ValueError(f"{name} out of range: {getattr(filters, name)!r}")
            number = number * radix + digit
        return number

    def unpack(self, number: int) -> Filters | None:
        """The filters ``number`` packs, or None when it packs none."""
        if not 0 <= number < self.limit:
            return None
        values: dict[str, Any] = {}
        for name, radix in self._radices:
            number, digit = divmod(number, radix)
            values[name] = self._value(name, digit)
        return Filters(**values)

    def _digit(self, name: str, value: Any) -> int:
        if name == "sort":
            return list(Sort).index(value)
        if name == "genres":
            return sum(1 << self.genres.index(g) for g in value)
        if value is None:
            return 0
        if name.startswith("year"):
            return int(value) - FIRST_YEAR + 1
        return int(value) + (0 if name.startswith("runtime") else 1)

    def _value(self, name: str, digit: int) -> Any:
        if name == "sort":
            return list(Sort)[digit]
        if name == "genres":
            return frozenset(g for i, g in enumerate(self.genres) if digit >> i & 1)
        if name.startswith("runtime"):
            return digit or None
        if digit == 0:
            return None
        return digit + FIRST_YEAR - 1 if name.startswith("year") else digit - 1


class Discovery:
    """The catalog's movies as a narrow frame, ready to filter and rank in a few milliseconds.

    ``languages`` and ``countries`` are the codes of the catalog's tables (a filter's key is a
    position in them); ``rows_of(kind, key)`` gives a director's or a company's movie rows.
    """

    def __init__(self, movies: pl.DataFrame, languages: Sequence[str], countries: Sequence[str],
                 rows_of: Callable[[str, int], list[int]]) -> None:
        genres = movies["genres"].explode(empty_as_null=False).drop_nulls().unique()
        self.genres = sorted(genres.to_list())
        self.languages = list(languages)
        self.countries = list(countries)
        self.rows_of = rows_of
        votes = movies["vote_count"]
        self.min_votes = float(votes.quantile(MIN_VOTES_QUANTILE) or 0.0)
        # The one column, not the frame filtered (a copy of every column, overviews and all).
        mean = cast(float | None, movies["vote_average"].filter(votes > 0).mean())
        self.mean_rating = float(mean or 0.0)
        v, m = pl.col("vote_count").cast(pl.Float64), self.min_votes
        bits = {g: 1 << i for i, g in enumerate(self.genres)}
        # Languages and countries as their positions in the tables, not as strings: the frame
        # is held twice (once per sort), and 450,000 movies' lists of country codes as strings
        # cost over 100 MB. A code missing from the tables cannot be asked for anyway.
        language_keys = {code: i for i, code in enumerate(self.languages)}
        country_keys = {code: i for i, code in enumerate(self.countries)}
        frame = movies.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
            "year",
            "runtime",
            pl.col("original_language")
            .replace_strict(language_keys, default=None, return_dtype=pl.UInt16),
            pl.col("country_codes").list.eval(
                pl.element().replace_strict(country_keys, default=None, return_dtype=pl.UInt16)
            ),
            "vote_count",
            pl.col("genres").list.eval(pl.element().replace_strict(bits, default=0))
            .list.sum().fill_null(0).cast(pl.Int64).alias("genre_bits"),
            (v / (v + m) * pl.col("vote_average") + m / (v + m) * self.mean_rating)
            .fill_nan(0.0).alias("score"),
        )
        self._ordered = {
            sort: frame.sort([key, "vote_count", "row"], descending=[True, True, False])
            for sort, key in ((Sort.RATING, "score"), (Sort.POPULARITY, "vote_count"))
        }
        """The frame in each sort's order, once: a filter keeps the order, so ranking is a
        filter and a head (a sort of 45k rows per question would cost tens of ms)."""

    def steps(self, filters: Filters) -> list[tuple[str, pl.Expr]]:
        """Each set criterion as (field name, condition), in the order they are written back."""
        out: list[tuple[str, pl.Expr]] = []
        if filters.genres:
            mask = sum(1 << self.genres.index(g) for g in filters.genres)
            out.append(("genres", (pl.col("genre_bits") & mask) == mask))
        if filters.year_from is not None or filters.year_to is not None:
            low, high = filters.year_from or 0, filters.year_to or 9999
            out.append(("years", pl.col("year").is_between(low, high)))
        if filters.runtime_min is not None or filters.runtime_max is not None:
            low, high = filters.runtime_min or 1, filters.runtime_max or 100_000
            out.append(("runtime", pl.col("runtime").is_between(low, high)))
        if filters.language is not None:
            out.append(("language", pl.col("original_language") == filters.language))
        if filters.country is not None:
            out.append(("country", pl.col("country_codes").list.contains(filters.country)))
        for kind in ("director", "company"):
            key = getattr(filters, kind)
            if key is not None:
                out.append((kind, pl.col("row").is_in(self.rows_of(kind, key))))
        return out

    def rank(self, filters: Filters, limit: int, within: Sequence[int] | None = None) -> Ranked:
        """The best ``limit`` rows passing ``filters`` (among ``within`` rows if given)."""
        frame = self._ordered[filters.sort]
        if within is not None:
            frame = frame.filter(pl.col("row").is_in(list(within)))
        conditions = [condition for _name, condition in self.steps(filters)]
        found = frame.lazy().filter(*conditions).select("row").collect() if conditions else frame
        if found.height == 0:
            return Ranked((), 0, self._emptied_by(frame, conditions))
        return Ranked(tuple(found["row"].head(limit).to_list()), found.height)

    @staticmethod
    def _emptied_by(frame: pl.DataFrame, conditions: Sequence[pl.Expr]) -> int | None:
        """The first condition after which no row is left."""
        for i, condition in enumerate(conditions):
            frame = frame.filter(condition)
            if frame.height == 0:
                return i
        return None
