"""Choosing a chat's daily movie: which movies qualify, and each chat's own order through them.

Pure Python over the catalog's Polars frame; no Telegram, no storage (the caller passes the
chat's pick history). A movie qualifies when people will want it: known runtime and year, at
least :data:`MIN_VOTES` votes and an average of :data:`MIN_AVERAGE` (the main pool, over 4,000
movies of the bundled catalog). Each chat walks the pool in its own pseudo-random order, keyed
by a hash of (chat id, movie id) so that the order of the movies already in the pool stays put
when the catalog gains or loses movies, and never gets a movie it was shown within the year.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from bot.movies.matching import NameIndex, Resolved, normalize

MIN_VOTES = 50
"""Votes a movie needs to qualify: below this, TMDB averages are noise (a handful of fans)."""

MIN_AVERAGE = 6.5
"""Average rating (out of 10) a movie needs to qualify: clearly above the catalog's median."""

RELAXED_VOTES = 10
RELAXED_AVERAGE = 6.0
"""The bar for the fallback tiers, used only once a chat has seen every movie of the main pool,
of any genre, within the year: never with the bundled catalog, whose main pool outnumbers the
days of a year ten times, but a smaller catalog can run out."""


@dataclass(frozen=True, slots=True)
class Tier:
    """One level of the pool, best first: the thresholds and whether a poster is required."""

    min_votes: int
    min_average: float
    poster: bool


TIERS = (
    Tier(MIN_VOTES, MIN_AVERAGE, poster=True),
    Tier(MIN_VOTES, MIN_AVERAGE, poster=False),
    Tier(RELAXED_VOTES, RELAXED_AVERAGE, poster=True),
    Tier(RELAXED_VOTES, RELAXED_AVERAGE, poster=False),
)
"""The pool by level, best first; a movie in several tiers counts in the first. Movies with a
poster come first because the post is a photo card."""

MAIN_TIERS = (0, 1)
RELAXED_TIERS = (2, 3)

GENRE_ALIASES = {
    # Spanish names (bot/locale/es), so a Spanish /daily takes the genres its answers show.
    "accion": "Action", "aventura": "Adventure", "animacion": "Animation",
    "comedia": "Comedy", "comedias": "Comedy", "crimen": "Crime", "documental": "Documentary",
    "familia": "Family", "fantasia": "Fantasy", "extranjera": "Foreign", "historia": "History",
    "terror": "Horror", "musica": "Music", "misterio": "Mystery",
    "ciencia ficcion": "Science Fiction", "pelicula de tv": "TV Movie",
    "suspense": "Thriller", "belica": "War",
    "comedies": "Comedy",
    "sci fi": "Science Fiction",
    "scifi": "Science Fiction",
    "sf": "Science Fiction",
    "tv": "TV Movie",
    "tv movies": "TV Movie",
    "doc": "Documentary",
    "docs": "Documentary",
    "animated": "Animation",
    "anime": "Animation",
    "cartoon": "Animation",
    "cartoons": "Animation",
    "kids": "Family",
    "romantic": "Romance",
    "musical": "Music",
    "musicals": "Music",
    "historical": "History",
    "mysteries": "Mystery",
    "fantasies": "Fantasy",
}
"""Other words people use for the catalog's genres; aliases of genres the catalog lacks are
ignored. Plurals and typos ("thrillers", "horor") are handled by :class:`NameIndex`."""


@dataclass(frozen=True, slots=True)
class Pick:
    """The chosen movie and the tier (index in :data:`TIERS`) it came from."""

    movie_id: int
    tier: int


def rank(chat_id: int, movie_id: int) -> int:
    """The movie's place in the chat's order: a stable hash, different for every chat."""
    digest = hashlib.blake2b(f"{chat_id}:{movie_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Picker:
    """The pool of qualifying movies by tier and genre, built once from the catalog's movies."""

    def __init__(self, movies: pl.DataFrame) -> None:
        base = movies.filter(
            pl.col("runtime").is_not_null()
            & (pl.col("runtime") > 0)
            & pl.col("year").is_not_null()
        )
        self._pools: list[dict[str | None, list[int]]] = []
        seen: set[int] = set()
        for tier in TIERS:
            frame = base.filter(
                (pl.col("vote_count") >= tier.min_votes)
                & (pl.col("vote_average") >= tier.min_average)
                & (pl.col("poster_path").is_not_null() if tier.poster else pl.lit(True))
            ).sort("id")
            pool: dict[str | None, list[int]] = {None: []}
            for movie_id, genres in frame.select("id", "genres").iter_rows():
                if movie_id in seen:
                    continue
                seen.add(movie_id)
                pool[None].append(movie_id)
                for genre in genres or ():
                    pool.setdefault(genre, []).append(movie_id)
            self._pools.append(pool)
        genres = pl.col("genres").explode(empty_as_null=False).drop_nulls()
        counts = movies.select(genres.value_counts(sort=True))
        names, sizes = zip(*counts.unnest("genres").iter_rows(), strict=True)
        self.genres: tuple[str, ...] = tuple(sorted(names))
        key = {name: i for i, name in enumerate(names)}
        aliases = {alias: key[g] for alias, g in GENRE_ALIASES.items() if g in key}
        self._genre_index = NameIndex(names, popularity=sizes, aliases=aliases)
        self._genre_names: list[str] = list(names)
        self._exact_genres = {normalize(name): name for name in names} | {
            normalize(alias): g for alias, g in GENRE_ALIASES.items() if g in key
        }

    def resolve_genre(self, text: str, *, strict: bool = False) -> str | None:
        """The catalog genre ``text`` names (any case, alias, plural, light typo), or None.

        ``strict``: only its name, an alias or a plural of either (``thrillers``,
        ``documentaries``), no typo: for words that may as well be something else.
        """
        if strict:
            key = normalize(text[:100])
            forms = [key, key.removesuffix("s"), key.removesuffix("es")]
            if key.endswith("ies"):
                forms.append(key[:-3] + "y")
            return next((self._exact_genres[f] for f in forms if f in self._exact_genres), None)
        match = self._genre_index.resolve(text[:100])
        return self._genre_names[match.key] if isinstance(match, Resolved) else None

    def pool_size(self, genre: str | None = None, tiers: Iterable[int] = MAIN_TIERS) -> int:
        """How many movies qualify (by default: the main thresholds, with or without poster)."""
        return sum(len(self._pools[t].get(genre, ())) for t in tiers)

    def pick(
        self, chat_id: int, today: date, history: Mapping[int, date], genre: str | None = None
    ) -> Pick | None:
        """The chat's movie for ``today``, or None if the catalog has nothing left to show.

        ``history`` maps each movie the chat was shown to the last day it was. The first of these
        with a movie the chat was not shown within the year gives it: the genre's main pool, the
        whole main pool, the genre's relaxed tiers, all relaxed tiers; posters first in each.
        Within a tier, movies never shown come first in the chat's order, then the ones shown
        longest ago (more than a year ago).
        """
        cutoff = year_before(today)

        def order(movie_id: int) -> tuple[date, int]:
            return history.get(movie_id, date.min), rank(chat_id, movie_id)

        for tiers in (MAIN_TIERS, RELAXED_TIERS):
            for pool_genre in dict.fromkeys((genre, None)):
                for tier in tiers:
                    ids = self._pools[tier].get(pool_genre, ())
                    candidates = [m for m in ids if history.get(m, date.min) <= cutoff]
                    if candidates:
                        return Pick(min(candidates, key=order), tier)
        return None


def year_before(day: date) -> date:
    """The same date a year earlier (29 February → 28 February): a movie shown on or before it
    may be shown again."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)
