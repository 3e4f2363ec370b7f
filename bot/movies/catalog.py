"""The movie catalog: loaded once at start from ``data/``, answers every question the bot asks.

Pure Python over Polars; it knows nothing of Telegram. Each query takes what the user typed (or
a :class:`Ref` from a button) and returns :class:`Found` with a result, or :class:`Choice` when
the name was ambiguous or not found, so the chat layer can offer the candidates.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np
import polars as pl
import pycountry

from bot.movies.datafiles import DATA_DIR, MOVIES_FILE, fingerprint
from bot.movies.discovery import Discovery, FilterCodec, Filters, Sort
from bot.movies.languages import COMMON_NAMES, ENDONYMS
from bot.movies.matching import (
    LOOSE_SCORE,
    TIE_MARGIN,
    Ambiguous,
    Candidate,
    Match,
    NameIndex,
    NotFound,
    Resolved,
    normalize,
    sequel,
)
from bot.movies.recommender import NotEnoughData, Recommender

T = TypeVar("T")

# TMDB's own language codes, not in ISO 639-1 (or retired from it).
TMDB_LANGUAGES = {
    "xx": "No Language",
    "cn": "Cantonese",
    "mo": "Moldavian",
    "sh": "Serbo-Croatian",
}
# What people call some languages, beside their ISO 639 names.
LANGUAGE_ALIASES = {
    "mandarin": "zh",
    "greek": "el",
    "farsi": "fa",
    "castilian": "es",
    "flemish": "nl",
    "kyrgyz": "ky",
    "punjabi": "pa",
    "pashto": "ps",
    "uyghur": "ug",
}
CHOICE_LIMIT = 500
"""Candidates a choice may hold: all of them in practice (buttons come in pages)."""
LABEL_CHARS = 60
"""Longest option label: what a button shows (the chat layer cuts longer ones)."""
# Words company names write both ways.
COMPANY_WORDS = {
    "bros": "brothers",
    "brothers": "bros",
    "co": "company",
    "company": "co",
    "corp": "corporation",
    "corporation": "corp",
    "intl": "international",
    "international": "intl",
    "ltd": "limited",
    "limited": "ltd",
}
# Historic countries TMDB still uses, and the short names people type.
HISTORIC_COUNTRIES = {
    "SU": "Soviet Union",
    "YU": "Yugoslavia",
    "CS": "Serbia and Montenegro",
    "XC": "Czechoslovakia",
    "XG": "East Germany",
    "AN": "Netherlands Antilles",
}
# Names TMDB gives two countries, told apart.
COUNTRY_NAMES = {"CD": "DR Congo", "CG": "Republic of the Congo"}
COUNTRY_ALIASES = {
    "usa": "US",
    "america": "US",
    "united states": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "ussr": "SU",
    "holland": "NL",
    "russia": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "west germany": "DE",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "ivory coast": "CI",
    "burma": "MM",
    "swaziland": "SZ",
    "palestine": "PS",
    "macedonia": "MK",
    "drc": "CD",
}


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


RECOMMEND_POOL = 300
"""How many similar movies filters narrow down ("like Alien but from the 90s")."""

DISCOVERY_LIMIT = 100
"""How many matches a discovery lists (ten pages of ten)."""

Answer = Found[T] | Choice

CHARTED = (Kind.DIRECTOR, Kind.COMPANY, Kind.COLLECTION)
"""What a chart's name may be, in the order a tie between kinds lists them."""
CHARTED_NOUN = "director, company or collection"
MAX_MIXED_OPTIONS = 8


def _candidates(match: Resolved | Ambiguous) -> tuple[Candidate, ...]:
    """A match's candidates: the resolved one first, or the tied ones by popularity."""
    if isinstance(match, Resolved):
        return (match.candidate, *match.alternatives)
    return match.candidates


@dataclass(frozen=True, slots=True)
class _Entities:
    """A name-sorted table of entities (companies, directors...) with their movies' rows.

    ``rows[i]`` lists entity i's movie rows in release order (undated last).
    """

    names: list[str]
    rows: pl.Series
    index: NameIndex

    def movie_rows(self, key: int) -> list[int]:
        rows: list[int] = self.rows[key].to_list()
        return rows


def _entities(
    movies: pl.DataFrame,
    column: str,
    by_votes: bool = False,
    aliases: Callable[[list[str]], Mapping[str, int] | list[tuple[str, int]]] | None = None,
) -> _Entities:
    """Group movie rows by each value of a list (or plain) column.

    Popularity, which orders ambiguous candidates, is the movie count, or with ``by_votes`` the
    movies' summed vote count (a franchise people know beats a long obscure one).
    """
    exploded = movies.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), column, "release_date", "vote_count"
    )
    if isinstance(movies.schema[column], pl.List):
        exploded = exploded.explode(column, empty_as_null=False)
    groups = (
        exploded.drop_nulls(column)
        .unique(["row", column])
        .sort(["release_date", "row"], nulls_last=True)
        .group_by(column)
        .agg("row", pl.col("vote_count").sum().alias("votes"), pl.len().alias("count"))
        .sort(column)
    )
    names = groups[column].to_list()
    popularity = groups["votes" if by_votes else "count"].to_list()
    index = NameIndex(names, popularity=popularity, aliases=aliases(names) if aliases else None)
    return _Entities(names, groups["row"], index)


def _language_names(codes: Sequence[str]) -> dict[str, str]:
    names = {}
    for code in codes:
        lang = pycountry.languages.get(alpha_2=code)
        # ISO qualifiers such as "Modern Greek (1453-)" say nothing to a movie fan.
        iso_name = lang.name.split(" (")[0] if lang else code
        names[code] = TMDB_LANGUAGES.get(code) or iso_name
    return names


def _language_aliases(codes: list[str], names: dict[str, str]) -> dict[str, int]:
    """Codes, common names and endonyms (``español``, ``castellano``, ``日本語``) of every
    language; an endonym that is another language's name or code is left out."""
    key = {code: i for i, code in enumerate(codes)}
    taken = {normalize(name) for name in names.values()} | set(codes)
    aliases = {alias: key[code] for alias, code in LANGUAGE_ALIASES.items()}
    aliases |= {alias: key[code] for alias, code in COMMON_NAMES.items()}
    claims: dict[str, set[int]] = {}
    for code, endonyms in ENDONYMS.items():
        for endonym in endonyms:
            if code in key and normalize(endonym) not in taken:
                claims.setdefault(normalize(endonym), set()).add(key[code])
    aliases |= {name: next(iter(keys)) for name, keys in claims.items() if len(keys) == 1}
    return aliases | key


def _country_names(data_names: dict[str, str]) -> dict[str, str]:
    """Every ISO 3166-1 country and every historic one in the data, by alpha-2 code."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update(HISTORIC_COUNTRIES)
    names.update(data_names)
    names.update(COUNTRY_NAMES)
    return names


def _country_aliases(codes: list[str], data_names: dict[str, str]) -> dict[str, int]:
    """Codes, ISO names and TMDB's names of every country. A name that two countries answer
    to (TMDB's "Congo" is DR Congo, ISO's is the Republic of the Congo) is left to matching,
    which then offers both."""
    key = {code: i for i, code in enumerate(codes)}
    claims: dict[str, set[int]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            if value := getattr(country, attr, None):
                claims.setdefault(normalize(value), set()).add(key[country.alpha_2])
    for code, name in data_names.items():
        claims.setdefault(normalize(name), set()).add(key[code])
    aliases = {name: next(iter(keys)) for name, keys in claims.items() if len(keys) == 1}
    aliases |= {code.lower(): i for code, i in key.items()}
    aliases |= {alias: key[code] for alias, code in COUNTRY_ALIASES.items()}
    return aliases


def _collection_aliases(names: list[str]) -> dict[str, int]:
    """``Harry Potter`` for ``Harry Potter Collection``: people rarely type the suffix."""
    aliases: dict[str, int] = {}
    for i, name in enumerate(names):
        for suffix in (" Collection", " collection", " - Collection", " Series", " Trilogy"):
            if name.endswith(suffix) and len(name) > len(suffix):
                aliases.setdefault(name[: -len(suffix)], i)
    return aliases


def _company_aliases(names: list[str]) -> list[tuple[str, int]]:
    """``Warner Brothers`` for ``Warner Bros.`` and the like: each abbreviation spelt out, each
    spelt-out word abbreviated."""
    pairs = []
    for i, name in enumerate(names):
        words = normalize(name).split()
        if any(word in COMPANY_WORDS for word in words):
            pairs.append((" ".join(COMPANY_WORDS.get(word, word) for word in words), i))
    return pairs


def _fuzzy(match: Match) -> bool:
    """Whether nothing matched the name exactly (so a sequel number may be read otherwise)."""
    if isinstance(match, NotFound):
        return not match.empty
    return isinstance(match, Ambiguous) and match.candidates[0].score < LOOSE_SCORE


def _with_detail(label: str, detail: str) -> str:
    """``label · detail``, the label shortened so the whole fits ``LABEL_CHARS``."""
    if not detail:
        return label
    room = LABEL_CHARS - len(detail) - 3
    if len(label) > room:
        label = label[: max(room - 1, 1)].rstrip() + "…"
    return f"{label} · {detail}"


def _exact_first(match: Match) -> Match:
    """The one exact name of a choice as the answer, the others beside it ("Fallen Collection"
    before the far better-known "... Has Fallen Collection")."""
    if isinstance(match, Ambiguous):
        exact = [c for c in match.candidates if c.score >= 100]
        if len(exact) > 1:
            # "Street Fighter" is the collection of that name before "Street Fighter Collection".
            typed = normalize(match.query)
            exact = [c for c in exact if normalize(c.name) == typed]
        if len(exact) == 1:
            others = tuple(c for c in match.candidates if c is not exact[0])
            return Resolved(match.query, exact[0], others)
    return match


def _original_titles(movies: pl.DataFrame) -> list[tuple[str, int]]:
    """(original title, row) of the movies whose original title differs from the title."""
    if "original_title" not in movies.columns:
        return []
    return [(t, row) for row, t in enumerate(movies["original_title"].to_list()) if t]


class Catalog:
    """All movies, their indexes, and the queries the commands ask."""

    def __init__(
        self, movies: pl.DataFrame, data: str = "", recommender: Recommender | None = None
    ) -> None:
        """``data`` is the catalog file's :func:`~bot.movies.etl.fingerprint`."""
        self.movies = movies
        self.data = data
        self.recommender = recommender
        self._facts = movies.select("id", "title", "year", "budget", "revenue")
        ids = movies["id"].to_numpy()
        self._id_order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._id_order]
        self._titles = movies["title"].to_list()
        self._years = movies["year"].to_list()
        self.titles = NameIndex(
            self._titles, movies["vote_count"].to_list(), self._years, _original_titles(movies)
        )

        self.companies = _entities(movies, "companies", aliases=_company_aliases)
        self.directors = _entities(movies, "directors")
        self._collections = _entities(
            movies, "collection", by_votes=True, aliases=_collection_aliases
        )

        lang_counts = movies["original_language"].drop_nulls().value_counts()
        data_codes = dict(zip(lang_counts["original_language"], lang_counts["count"], strict=True))
        codes = sorted({lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
                       | set(TMDB_LANGUAGES) | set(data_codes))
        lang_names = _language_names(codes)
        self._languages = [LanguageCount(c, lang_names[c], data_codes.get(c, 0)) for c in codes]
        self.languages = NameIndex(
            [lang.name for lang in self._languages],
            popularity=[lang.count for lang in self._languages],
            aliases=_language_aliases(codes, lang_names),
        )

        country_counts = (
            movies["country_codes"].list.unique().explode(empty_as_null=False).value_counts()
        )
        data_country_names = dict(
            movies.select(
                pl.col("country_codes").explode(empty_as_null=False),
                pl.col("countries").explode(empty_as_null=False),
            )
            .drop_nulls()
            .unique("country_codes", keep="first", maintain_order=True)
            .iter_rows()
        )
        country_names = _country_names(data_country_names)
        counts = dict(country_counts.drop_nulls().iter_rows())
        ccodes = sorted(country_names)
        self._countries = [CountryCount(c, country_names[c], counts.get(c, 0)) for c in ccodes]
        self.countries = NameIndex(
            [c.name for c in self._countries],
            popularity=[c.count for c in self._countries],
            aliases=_country_aliases(ccodes, data_country_names),
        )
        self.discovery = Discovery(movies, codes, ccodes, self._entity_rows)
        self.filter_codec = FilterCodec(
            self.discovery.genres, len(codes), len(ccodes), len(self.directors.names),
            len(self.companies.names),
        )
        self._kinds: dict[Kind, tuple[NameIndex, Callable[[int], str]]] = {
            Kind.MOVIE: (self.titles, lambda row: self.movie_ref(row).label),
            Kind.COLLECTION: (self._collections.index, self._collections.names.__getitem__),
            Kind.COMPANY: (self.companies.index, self.companies.names.__getitem__),
            Kind.DIRECTOR: (self.directors.index, self.directors.names.__getitem__),
            Kind.COUNTRY: (self.countries, lambda key: self._countries[key].name),
            Kind.LANGUAGE: (self.languages, lambda key: self._languages[key].name),
        }
        """Each kind's name index and the label of an entity by key: one entry per kind."""
        # Buttons carry entity numbers: valid while the catalog file and the country and
        # language tables (pycountry's, and the constants above) are what they were.
        tables = ",".join([data, *ccodes, *codes]).encode()
        self.version = hashlib.blake2b(tables, digest_size=3).hexdigest()

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR, *, recommender: bool = True) -> Catalog:
        """Read the bundled catalog and, unless told not to, the recommender fitted on it."""
        path = data_dir / MOVIES_FILE
        data = fingerprint(path.read_bytes())
        movies = pl.read_parquet(path)
        model = Recommender.load(data_dir, movies, data) if recommender else None
        return cls(movies, data, model)

    def __len__(self) -> int:
        return self.movies.height

    # -- movies ---------------------------------------------------------------------------------

    def row_of(self, tmdb_id: int) -> int | None:
        """The row of a TMDB id (binary search: a dict of 45k ints costs 5 MB)."""
        i = int(np.searchsorted(self._sorted_ids, tmdb_id))
        found = i < len(self._sorted_ids) and self._sorted_ids[i] == tmdb_id
        return int(self._id_order[i]) if found else None

    def movie_at(self, row: int) -> Movie:
        r = self.movies.row(row, named=True)
        return Movie(
            id=r["id"],
            imdb_id=r["imdb_id"],
            title=r["title"],
            year=r["year"],
            runtime=r["runtime"],
            genres=tuple(r["genres"]),
            directors=tuple(r["directors"]),
            lead_actor=r["lead_actor"],
            collection=r["collection"],
            countries=tuple(r["countries"]),
            companies=tuple(r["companies"]),
            original_language=r["original_language"],
            budget=r["budget"],
            revenue=r["revenue"],
            vote_average=round(float(r["vote_average"]), 1),
            vote_count=r["vote_count"],
            overview=r["overview"],
            tagline=r["tagline"],
            poster_path=r["poster_path"],
            original_title=r.get("original_title"),
        )

    def movie_by_id(self, tmdb_id: int) -> Movie | None:
        row = self.row_of(tmdb_id)
        return None if row is None else self.movie_at(row)

    def movie_ref(self, row: int) -> MovieRef:
        return MovieRef(self.movies["id"][row], self._titles[row], self._years[row])

    def search_movies(self, query: str, limit: int = 10) -> list[Movie]:
        """Movies for a partly typed title, best first (inline mode's type-ahead)."""
        return [self.movie_at(c.key) for c in self.titles.search(query, limit=limit)]

    @property
    def can_recommend(self) -> bool:
        """Whether the recommender was loaded (``Catalog.load(recommender=False)`` skips it)."""
        return self.recommender is not None

    def movie(self, query: str | Ref) -> Answer[Movie]:
        """A movie by title (typos, ``Hamlet 1996``) or by reference."""
        return self._answer(Kind.MOVIE, query, self.movie_at)

    # -- the command queries ----------------------------------------------------------------------

    def language(self, query: str | Ref) -> Answer[LanguageCount]:
        return self._answer(Kind.LANGUAGE, query, self._languages.__getitem__)

    def country(self, query: str | Ref) -> Answer[CountryCount]:
        return self._answer(Kind.COUNTRY, query, self._countries.__getitem__)

    def company(self, query: str | Ref) -> Answer[CompanyStats]:
        return self._answer(Kind.COMPANY, query, self._company_stats)

    def director(self, query: str | Ref) -> Answer[DirectorStats]:
        return self._answer(Kind.DIRECTOR, query, self._director_stats)

    def recommend(self, query: str | Ref, k: int = 5,
                  within: Filters | None = None) -> Answer[Recommendations]:
        """The ``k`` movies most like a title, by the content-based recommender; ``within``
        keeps only those that pass these filters ("like Alien but from the 90s")."""
        return self._answer(Kind.MOVIE, query, lambda row: self._recommendations(row, k, within))

    def collection(self, query: str | Ref) -> Answer[CollectionInfo | NoCollection]:
        """A collection by its own name (``harry potter``) or by one of its movies' titles.

        A collection's exact name wins (``Why We Fight`` is a 7-movie collection before it is
        the 2005 movie, which is offered beside it; ``Fallen Collection`` is not the movies
        named Fallen); then an exact title (``The Matrix``), then the better of the fuzzy title
        and collection matches.
        """
        if isinstance(query, Ref):
            if query.kind is Kind.MOVIE:
                return self._answer(Kind.MOVIE, query, self._collection_of_movie)
            return self._answer(Kind.COLLECTION, query, self._collection_info)
        by_name = _exact_first(self._collections.index.resolve(query, limit=CHOICE_LIMIT))
        by_title = self.titles.resolve(query, limit=CHOICE_LIMIT)
        if isinstance(by_name, Resolved) and by_name.candidate.score >= LOOSE_SCORE:
            found = self._found(Kind.COLLECTION, by_name, self._collection_info)
            return Found(found.value, found.ref, found.also + self._other_titles(by_title, found))
        if isinstance(by_title, Resolved) and by_title.candidate.score >= 100:
            return self._found(Kind.MOVIE, by_title, self._collection_of_movie)
        title_score = by_title.candidate.score if isinstance(by_title, Resolved) else 0.0
        if isinstance(by_name, Resolved) and by_name.candidate.score >= title_score:
            return self._found(Kind.COLLECTION, by_name, self._collection_info)
        if isinstance(by_title, Resolved):
            return self._found(Kind.MOVIE, by_title, self._collection_of_movie)
        return self._choice(Kind.MOVIE, by_title)

    def chart(self, query: str | Ref) -> Answer[BoxOffice | Decades]:
        """What a chart of ``query`` shows: a director's, company's or collection's box office,
        or by button a country's or language's movies per decade.

        A name is looked up as a director, a company and a collection at once: the best match
        wins when it beats the others by more than the matching's tie margin (``Christopher
        Nolan`` is a director, ``Pixar`` a company); near-equal matches of different kinds are
        asked as one choice. A movie's reference charts its collection.
        """
        if isinstance(query, Ref):
            return self._chart_of(query)
        matches = {kind: self._index(kind).resolve(query) for kind in CHARTED}
        found = {k: _candidates(m) for k, m in matches.items() if not isinstance(m, NotFound)}
        if found:
            score = {k: max(c.score for c in cands) for k, cands in found.items()}
            best = max(score.values())
            top = {k: c for k, c in found.items() if score[k] >= best - TIE_MARGIN}
            if len(top) > 1:
                return self._mixed_choice(query, top, ambiguous=True)
            ((kind, _),) = top.items()
            match = matches[kind]
            if isinstance(match, Resolved):
                return self._found(kind, match, lambda key: self._box_office(kind, key))
            return self._choice(kind, match)
        missing = {k: m for k, m in matches.items() if isinstance(m, NotFound)}
        suggested = {k: m.suggestions for k, m in missing.items()}
        empty = all(m.empty for m in missing.values())
        return self._mixed_choice(query, suggested, ambiguous=False, empty=empty)

    def discover(self, query: Filters | Ref) -> Answer[Discovered]:
        """The movies that pass ``query``'s filters, ranked as they ask."""
        filters = query if isinstance(query, Filters) else self._filters(query)
        if filters is None:
            return Choice(Kind.DISCOVERY, "", ambiguous=False, options=())
        ref = Ref(Kind.DISCOVERY, self.filter_codec.pack(filters))
        return Found(self._discovered(filters), ref)

    def criteria(self, filters: Filters) -> list[tuple[str, str]]:
        """Each set criterion of ``filters`` as (field name, words), in the order the discovery
        applies them: ``("genres", "Comedy")``, ``("years", "1990-1999")``..."""
        words = []
        for name, _condition in self.discovery.steps(filters):
            words.append((name, self._criterion(name, filters)))
        return words

    @property
    def language_table(self) -> Sequence[LanguageCount]:
        """Every language, by key (a :class:`Ref`'s key for languages)."""
        return self._languages

    @property
    def country_table(self) -> Sequence[CountryCount]:
        """Every country, by key."""
        return self._countries

    @property
    def collections(self) -> NameIndex:
        """The name index of collections (series)."""
        return self._collections.index

    def _other_titles(self, by_title: Match, found: Found[T]) -> tuple[Option, ...]:
        """Movies named like a collection that are not in it, as options beside it."""
        if isinstance(by_title, Resolved) and by_title.candidate.score >= LOOSE_SCORE:
            keys = [by_title.key, *(c.key for c in by_title.alternatives)]
        elif isinstance(by_title, Ambiguous) and by_title.candidates[0].score >= LOOSE_SCORE:
            keys = [c.key for c in by_title.candidates]
        else:
            return ()
        name = self._collections.names[found.ref.key]
        return tuple(
            self._option(Kind.MOVIE, key) for key in keys if self.movies["collection"][key] != name
        )

    def label(self, ref: Ref) -> str | None:
        """What a button pointing at ``ref`` says; None when ``ref`` points at nothing."""
        if ref.kind is Kind.DISCOVERY:
            filters = self._filters(ref)
            if filters is None:
                return None
            return " · ".join(words for _name, words in self.criteria(filters)) or "All movies"
        key = self._key(ref)
        return None if key is None else self._label(ref.kind, key)

    # -- internals --------------------------------------------------------------------------------

    def _entity_rows(self, kind: str, key: int) -> list[int]:
        return (self.directors if kind == "director" else self.companies).movie_rows(key)

    def _filters(self, ref: Ref) -> Filters | None:
        return self.filter_codec.unpack(ref.key) if ref.kind is Kind.DISCOVERY else None

    def _criterion(self, name: str, f: Filters) -> str:
        if name == "genres":
            return " + ".join(sorted(f.genres))
        if name == "years":
            if f.year_from == f.year_to:
                return str(f.year_from)
            if f.year_from is not None and f.year_to is not None:
                return f"{f.year_from}-{f.year_to}"
            return f"since {f.year_from}" if f.year_from is not None else f"until {f.year_to}"
        if name == "runtime":
            if f.runtime_min is not None and f.runtime_max is not None:
                return f"{f.runtime_min}-{f.runtime_max} min"
            return (f"{f.runtime_min} min or longer" if f.runtime_min is not None
                    else f"{f.runtime_max} min or shorter")
        if name == "language" and f.language is not None:
            return f"in {self._languages[f.language].name}"
        if name == "country" and f.country is not None:
            return f"from {self._countries[f.country].name}"
        if name == "director" and f.director is not None:
            return f"directed by {self.directors.names[f.director]}"
        if name == "company" and f.company is not None:
            return f"from {self.companies.names[f.company]}"
        raise ValueError(f"no {name} criterion in {f}")

    def _discovered(self, filters: Filters, within: Sequence[int] | None = None) -> Discovered:
        ranked = self.discovery.rank(filters, DISCOVERY_LIMIT, within)
        criteria = self.criteria(filters)
        picks = self.movies[list(ranked.rows)].select("vote_average", "vote_count", "runtime")
        movies = tuple(
            DiscoveredMovie(self.movie_ref(row), round(float(rating), 1), votes, runtime)
            for row, (rating, votes, runtime) in zip(ranked.rows, picks.iter_rows(), strict=True)
        )
        emptied = None if ranked.emptied_by is None else criteria[ranked.emptied_by][1]
        return Discovered(tuple(w for _n, w in criteria), filters.sort, ranked.total, movies,
                          emptied)

    def _index(self, kind: Kind) -> NameIndex:
        return self._kinds[kind][0]

    def _ref(self, kind: Kind, key: int) -> Ref:
        """Index key -> stable reference (movies are referred to by TMDB id)."""
        return Ref(kind, int(self.movies["id"][key]) if kind is Kind.MOVIE else key)

    def _key(self, ref: Ref) -> int | None:
        """Stable reference -> index key, or None when it no longer points anywhere."""
        if ref.kind is Kind.DISCOVERY:
            return ref.key if self._filters(ref) is not None else None
        if ref.kind is Kind.MOVIE:
            return self.row_of(ref.key)
        return ref.key if 0 <= ref.key < len(self._index(ref.kind)) else None

    def _label(self, kind: Kind, key: int) -> str:
        return self._kinds[kind][1](key)

    def _option(self, kind: Kind, key: int) -> Option:
        return Option(self._ref(kind, key), self._label(kind, key))

    def _answer(self, kind: Kind, query: str | Ref, build: Callable[[int], T]) -> Answer[T]:
        if isinstance(query, Ref):
            key = self._key(query) if query.kind is kind else None
            if key is None:
                return Choice(kind, "", ambiguous=False, options=())
            return Found(build(key), query, self._also(kind, key))
        match = self._index(kind).resolve(query, limit=CHOICE_LIMIT)
        if isinstance(match, Resolved):
            return self._found(kind, match, build)
        if kind is Kind.MOVIE and _fuzzy(match):
            row = self._sequel(query)
            if row is not None:
                return Found(build(row), self._ref(kind, row), self._also(kind, row))
        return self._choice(kind, match)

    def _sequel(self, query: str) -> int | None:
        """The n-th movie (by release) of the series of the title before a sequel number:
        "the matrix 2" is The Matrix Reloaded, "alien part 3" is Alien³."""
        split = sequel(normalize(query))
        if split is None:
            return None
        title, number = split
        match = self.titles.resolve(title)
        if isinstance(match, Resolved):
            keys = [match.key]
        elif isinstance(match, Ambiguous):
            keys = [c.key for c in match.candidates]
        else:
            return None
        for key in keys:
            name = self.movies["collection"][key]
            if name is not None:
                rows = self._collections.movie_rows(bisect_left(self._collections.names, name))
                if number <= len(rows):
                    return rows[number - 1]
        return None

    def _also(self, kind: Kind, key: int) -> tuple[Option, ...]:
        """What asking for ``key``'s name would also offer (same-titled movies), so an answer
        reached through a button keeps the way to the others."""
        name = self._titles[key] if kind is Kind.MOVIE else self._label(kind, key)
        match = self._index(kind).resolve(name, limit=CHOICE_LIMIT)
        if isinstance(match, Resolved):
            candidates = (match.candidate, *match.alternatives)
        else:
            candidates = match.candidates if isinstance(match, Ambiguous) else ()
        return self._options(kind, [key, *(c.key for c in candidates if c.key != key)])[1:]

    def _found(self, kind: Kind, match: Resolved, build: Callable[[int], T]) -> Found[T]:
        also = self._options(kind, [match.key, *(c.key for c in match.alternatives)])[1:]
        return Found(build(match.key), self._ref(kind, match.key), also)

    def _choice(self, kind: Kind, match: Ambiguous | NotFound) -> Choice:
        if isinstance(match, Ambiguous):
            options = self._options(kind, [c.key for c in match.candidates])
            anchor = self._anchor(kind, match)
            return Choice(kind, match.query, ambiguous=True, options=options, anchor=anchor)
        options = self._options(kind, [c.key for c in match.suggestions])
        return Choice(kind, match.query, ambiguous=False, options=options, empty=match.empty)

    def _anchor(self, kind: Kind, match: Ambiguous) -> Ref | None:
        """A candidate whose own name asks this choice again (the "Hamlet" of nine Hamlets,
        the "Fox" beside the giants), so later pages of it can be asked for by button."""
        typed = normalize(match.query)
        named = [c for c in match.candidates if c.score >= LOOSE_SCORE]
        for c in named:
            if normalize(self._name(kind, c.key)) == typed:
                return self._ref(kind, c.key)
        return self._ref(kind, named[0].key) if named else None

    def _name(self, kind: Kind, key: int) -> str:
        """An entity's plain name (a movie's title without its year)."""
        return self._titles[key] if kind is Kind.MOVIE else self._label(kind, key)

    def name_of(self, ref: Ref) -> str | None:
        """What to type to be asked the choice ``ref`` anchors (see :attr:`Choice.anchor`)."""
        key = self._key(ref)
        return None if key is None else self._name(ref.kind, key)

    def _options(self, kind: Kind, keys: Sequence[int]) -> tuple[Option, ...]:
        """Options for ``keys`` whose labels all differ: where two are equal ("Emma (1996)"),
        details are added in turn (director, runtime, country, TMDB id) until they are not.
        Buttons under an answer are labelled with the answer as the first key, then dropped,
        so that none reads like the answer itself."""
        labels = [self._label(kind, key) for key in keys]
        details = self._details(kind)
        step = 0
        while len(set(labels)) < len(labels) and step < len(details):
            seen = Counter(labels)
            detail = details[step]
            labels = [
                _with_detail(label, detail(key)) if seen[label] > 1 else label
                for label, key in zip(labels, keys, strict=True)
            ]
            step += 1
        return tuple(
            Option(self._ref(kind, key), label) for key, label in zip(keys, labels, strict=True)
        )

    def _details(self, kind: Kind) -> list[Callable[[int], str]]:
        """What tells same-labelled entities apart, tried in turn."""
        if kind is Kind.MOVIE:
            column = self.movies.__getitem__
            return [
                lambda row: " & ".join(column("directors")[row][:2]) or "",
                lambda row: f"{column('runtime')[row]} min" if column("runtime")[row] else "",
                lambda row: ", ".join(column("countries")[row][:2]) or "",
                lambda row: f"TMDB {column('id')[row]}",
            ]
        if kind is Kind.COUNTRY:
            return [lambda key: self._countries[key].code]
        if kind is Kind.LANGUAGE:
            return [lambda key: self._languages[key].code]
        return [lambda key: f"#{key}"]

    def _frame(self, rows: list[int]) -> pl.DataFrame:
        """The rows' id, title, year, budget and revenue (in that column order)."""
        return self._facts[rows]

    @staticmethod
    def _revenue(frame: pl.DataFrame) -> tuple[int, int]:
        """Total revenue over the movies whose revenue is known, and how many those are."""
        known = frame["revenue"].drop_nulls()
        return int(known.sum()), known.len()

    def _refs(self, frame: pl.DataFrame) -> tuple[MovieRef, ...]:
        return tuple(MovieRef(*r) for r in frame.select("id", "title", "year").iter_rows())

    def _collection_info(self, key: int) -> CollectionInfo:
        frame = self._frame(self._collections.movie_rows(key))
        total, known = self._revenue(frame)
        return CollectionInfo(self._collections.names[key], self._refs(frame), total, known)

    def _collection_of_movie(self, row: int) -> CollectionInfo | NoCollection:
        name = self.movies["collection"][row]
        if name is None:
            return NoCollection(self.movie_ref(row))
        return self._collection_info(bisect_left(self._collections.names, name))

    def _chart_of(self, ref: Ref) -> Answer[BoxOffice | Decades]:
        nothing = Choice(ref.kind, "", ambiguous=False, options=())
        kind = ref.kind
        if kind is Kind.MOVIE:
            row = self._key(ref)
            name = None if row is None else self.movies["collection"][row]
            if name is None:
                return nothing
            key = bisect_left(self._collections.names, name)
            return Found(self._box_office(Kind.COLLECTION, key), Ref(Kind.COLLECTION, key))
        if kind in CHARTED:
            return self._answer(kind, ref, lambda key: self._box_office(kind, key))
        if kind in (Kind.COUNTRY, Kind.LANGUAGE):
            return self._answer(kind, ref, lambda key: self._decades(kind, key))
        return nothing

    def _mixed_choice(self, query: str, matches: Mapping[Kind, Sequence[Candidate]],
                      ambiguous: bool, empty: bool = False) -> Choice:
        """One choice among entities of several kinds, each label saying its kind: the best
        matches first, then those with more movies."""
        ranked = sorted(
            ((kind, c) for kind, cands in matches.items() for c in cands),
            key=lambda kc: (-kc[1].score, -len(self._entities(kc[0]).rows[kc[1].key])),
        )
        options = tuple(
            Option(self._ref(kind, c.key), f"{self._label(kind, c.key)} ({kind.value})")
            for kind, c in ranked[:MAX_MIXED_OPTIONS]
        )
        noun = "name" if ambiguous else CHARTED_NOUN
        return Choice(Kind.DIRECTOR, query, ambiguous, options, empty, noun)

    def _entities(self, kind: Kind) -> _Entities:
        return {Kind.DIRECTOR: self.directors, Kind.COMPANY: self.companies,
                Kind.COLLECTION: self._collections}[kind]

    def _box_office(self, kind: Kind, key: int) -> BoxOffice:
        entities = self._entities(kind)
        frame = self._frame(entities.movie_rows(key))
        movies = tuple(
            DirectedMovie(MovieRef(i, t, y), b, r) for i, t, y, b, r in frame.iter_rows()
        )
        return BoxOffice(kind, entities.names[key], movies)

    def _decades(self, kind: Kind, key: int) -> Decades:
        if kind is Kind.COUNTRY:
            entity: CountryCount | LanguageCount = self._countries[key]
            rows = pl.col("country_codes").list.contains(entity.code)
        else:
            entity = self._languages[key]
            rows = pl.col("original_language") == entity.code
        years = self.movies.lazy().filter(rows).select("year").collect()["year"]
        decades = (years.drop_nulls() // 10 * 10).value_counts()
        per = dict(decades.iter_rows())
        span = range(min(per), max(per) + 10, 10) if per else range(0)
        counts = tuple((decade, per.get(decade, 0)) for decade in span)
        return Decades(kind, entity.name, years.len(), counts, years.null_count())

    def _recommendations(self, row: int, k: int, within: Filters | None = None) -> Recommendations:
        if self.recommender is None:
            raise RuntimeError("this catalog was loaded without its recommender")
        picks = []
        for pool in ((RECOMMEND_POOL, 50, k) if within is not None else (k,)):
            try:
                picks = self.recommender.recommend(row, pool)
                break
            except NotEnoughData:
                continue
        if within is not None:
            kept = set(self.discovery.rank(within, len(picks), [p.row for p in picks]).rows)
            picks = [p for p in picks if p.row in kept][:k]
        refs = tuple((self.movie_ref(p.row), p.reason) for p in picks)
        criteria = tuple(words for _n, words in self.criteria(within)) if within else ()
        return Recommendations(self.movie_at(row), refs, criteria)

    def _company_stats(self, key: int) -> CompanyStats:
        frame = self._frame(self.companies.movie_rows(key))
        total, known = self._revenue(frame)
        top = frame.drop_nulls("revenue").sort("revenue", descending=True).head(5)
        return CompanyStats(
            self.companies.names[key], frame.height, total, known, self._refs(top),
            tuple(top["revenue"].to_list()),
        )

    def _director_stats(self, key: int) -> DirectorStats:
        frame = self._frame(self.directors.movie_rows(key))
        movies = tuple(
            DirectedMovie(MovieRef(i, t, y), b, r) for i, t, y, b, r in frame.iter_rows()
        )
        total, known = self._revenue(frame)
        both = frame.drop_nulls(["budget", "revenue"])
        budget = int(both["budget"].sum())
        return DirectorStats(
            name=self.directors.names[key],
            movies=movies,
            total_revenue=total,
            known_revenue=known,
            both_known=both.height,
            overall_return=int(both["revenue"].sum()) / budget if budget else None,
        )
