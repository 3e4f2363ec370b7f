"""What the catalog answers: references to entities, and the result of each question.

Plain frozen dataclasses, no behaviour beyond a few derived figures: the chat layer formats
them, buttons carry :class:`Ref`, and :data:`Answer` is either :class:`Found` or :class:`Choice`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bot.movies.discovery import Sort

T = TypeVar("T")


class Kind(StrEnum):
    """The kinds of thing a user can name."""

    MOVIE = "movie"
    COLLECTION = "collection"
    COMPANY = "company"
    DIRECTOR = "director"
    COUNTRY = "country"
    LANGUAGE = "language"
    DISCOVERY = "kind of movie"
    """A set of :class:`~bot.movies.discovery.Filters`, packed in its key."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A stable pointer to one entity: a TMDB id for movies, an entity number for the rest.

    Entity numbers are positions in sorted tables (by name; countries and languages by code),
    so they stay valid across restarts of the bot on the same catalog (see
    :attr:`Catalog.version`).
    """

    kind: Kind
    key: int


@dataclass(frozen=True, slots=True)
class Option:
    """One candidate offered to the user."""

    ref: Ref
    label: str


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """A query's answer about the entity ``ref`` (asking again with it gives the same answer);
    ``also`` lists same-named entities the user may have meant instead."""

    value: T
    ref: Ref
    also: tuple[Option, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    """The name was ambiguous (``options`` are the candidates) or not found (suggestions)."""

    kind: Kind
    query: str
    ambiguous: bool
    options: tuple[Option, ...]
    empty: bool = False
    noun: str = ""
    """What was looked for, when not just ``kind`` (a name of several kinds)."""
    anchor: Ref | None = None
    """An option whose name asks this choice again: buttons for later pages point at it."""


@dataclass(frozen=True, slots=True)
class MovieRef:
    id: int
    title: str
    year: int | None

    @property
    def label(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True)
class Movie:
    """Everything the bot shows about one movie."""

    id: int
    imdb_id: str | None
    title: str
    year: int | None
    runtime: int | None
    genres: tuple[str, ...]
    directors: tuple[str, ...]
    lead_actor: str | None
    collection: str | None
    countries: tuple[str, ...]
    companies: tuple[str, ...]
    original_language: str | None
    budget: int | None
    revenue: int | None
    vote_average: float
    vote_count: int
    overview: str | None
    tagline: str | None
    poster_path: str | None
    original_title: str | None = None

    @property
    def ref(self) -> MovieRef:
        return MovieRef(self.id, self.title, self.year)


@dataclass(frozen=True, slots=True)
class LanguageCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class CountryCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    """A collection's movies in release order, and revenue over those whose revenue is known."""

    name: str
    movies: tuple[MovieRef, ...]
    total_revenue: int
    known_revenue: int

    @property
    def average_revenue(self) -> float | None:
        return self.total_revenue / self.known_revenue if self.known_revenue else None


@dataclass(frozen=True, slots=True)
class NoCollection:
    """The answer for a title that belongs to no collection."""

    movie: MovieRef


@dataclass(frozen=True, slots=True)
class CompanyStats:
    name: str
    count: int
    total_revenue: int
    known_revenue: int
    top: tuple[MovieRef, ...]
    top_revenue: tuple[int, ...] = ()
    """The revenue of each of ``top``."""


def return_on(budget: int | None, revenue: int | None) -> float | None:
    """Revenue / budget, when both are known."""
    return revenue / budget if budget and revenue else None


@dataclass(frozen=True, slots=True)
class DirectedMovie:
    movie: MovieRef
    budget: int | None
    revenue: int | None

    @property
    def ret(self) -> float | None:
        return return_on(self.budget, self.revenue)


@dataclass(frozen=True, slots=True)
class DirectorStats:
    """A director's movies (oldest first) and totals; return is over movies with both figures."""

    name: str
    movies: tuple[DirectedMovie, ...]
    total_revenue: int
    known_revenue: int
    both_known: int
    overall_return: float | None

    @property
    def count(self) -> int:
        return len(self.movies)


@dataclass(frozen=True, slots=True)
class BoxOffice:
    """A director's, company's or collection's movies with their money, in release order."""

    kind: Kind
    name: str
    movies: tuple[DirectedMovie, ...]

    @property
    def total_revenue(self) -> int:
        return sum(m.revenue for m in self.movies if m.revenue)

    @property
    def known_revenue(self) -> int:
        return sum(1 for m in self.movies if m.revenue)

    @property
    def both_known(self) -> int:
        return sum(1 for m in self.movies if m.ret is not None)

    @property
    def overall_return(self) -> float | None:
        """Revenue / budget summed over the movies with both known."""
        both = [m for m in self.movies if m.ret is not None]
        budget = sum(m.budget or 0 for m in both)
        return sum(m.revenue or 0 for m in both) / budget if budget else None


@dataclass(frozen=True, slots=True)
class Decades:
    """How many of a country's or language's movies came out in each decade.

    ``counts`` has every decade from the first to the last (``(1990, 12)``), gaps as 0;
    ``undated`` movies are in ``total`` but in no decade.
    """

    kind: Kind
    name: str
    total: int
    counts: tuple[tuple[int, int], ...]
    undated: int


@dataclass(frozen=True, slots=True)
class Recommendations:
    """Movies like ``movie``, each with a short reason; empty when the data says too little."""

    movie: Movie
    picks: tuple[tuple[MovieRef, str], ...]
    within: tuple[str, ...] = ()
    """The filters the picks were narrowed by, written back ("1990-1999")."""


@dataclass(frozen=True, slots=True)
class DiscoveredMovie:
    movie: MovieRef
    rating: float
    votes: int
    runtime: int | None


@dataclass(frozen=True, slots=True)
class Discovered:
    """The movies passing a discovery's filters, best first (at most
    :data:`DISCOVERY_LIMIT`), with the filters written back in words (``criteria``) and, when
    none passed, the criterion that emptied the list."""

    criteria: tuple[str, ...]
    sort: Sort
    total: int
    movies: tuple[DiscoveredMovie, ...]
    emptied_by: str | None = None


Answer = Found[T] | Choice
