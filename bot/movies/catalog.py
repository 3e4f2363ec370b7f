"""The movie catalog: loaded once at start from ``data/``, answers every question the bot asks.

Pure Python over Polars; it knows nothing of Telegram. Each query takes what the user typed (or
a :class:`Ref` from a button) and returns :class:`Found` with a result, or :class:`Choice` when
the name was ambiguous or not found, so the chat layer can offer the candidates.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl
import pycountry

from bot.movies.charting import ChartQuestions
from bot.movies.datafiles import DATA_DIR, MOVIES_FILE, fingerprint
from bot.movies.discovering import DiscoveryQuestions
from bot.movies.discovery import Discovery, FilterCodec, Filters
from bot.movies.entities import (
    collection_aliases,
    company_aliases,
    group_by_entity,
    original_titles,
)
from bot.movies.matching import (
    LOOSE_SCORE,
    Ambiguous,
    Match,
    NameIndex,
    NotFound,
    Resolved,
    normalize,
    sequel,
)
from bot.movies.places import (
    TMDB_LANGUAGES,
    country_aliases,
    country_names,
    language_aliases,
    language_names,
)
from bot.movies.recommender import NotEnoughData, Recommender
from bot.movies.results import (
    Answer,
    BoxOffice,
    Choice,
    CollectionInfo,
    CompanyStats,
    CountryCount,
    Decades,
    DirectedMovie,
    DirectorStats,
    Discovered,
    Found,
    Kind,
    LanguageCount,
    Movie,
    MovieRef,
    NoCollection,
    Option,
    Recommendations,
    Ref,
    T,
)

CHOICE_LIMIT = 500
"""Candidates a choice may hold: all of them in practice (buttons come in pages)."""
LABEL_CHARS = 60
"""Longest option label: what a button shows (the chat layer cuts longer ones)."""










































RECOMMEND_POOL = 300
"""How many similar movies filters narrow down ("like Alien but from the 90s")."""























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




def read_movies(path: Path) -> pl.DataFrame:
    """The catalog file as a frame of one chunk per column.

    Parquet reads back in several chunks, and every row lookup (a card, a label, the
    recommender's reasons) walks them: at ten times the bundled catalog that made /recommend
    take 45 ms instead of 9. Reading one column at a time, each made one chunk at once, also
    keeps the peak near the frame's own size (a whole-file read and a ``rechunk`` hold two
    copies: 520 MB instead of 380 at 453,800 movies).
    """
    columns = pl.read_parquet_schema(path)
    return pl.DataFrame([pl.read_parquet(path, columns=[c]).to_series().rechunk() for c in columns])


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
            self._titles, movies["vote_count"].to_list(), self._years, original_titles(movies)
        )

        self.companies = group_by_entity(movies, "companies", aliases=company_aliases)
        self.directors = group_by_entity(movies, "directors")
        self._collections = group_by_entity(
            movies, "collection", by_votes=True, aliases=collection_aliases
        )

        lang_counts = movies["original_language"].drop_nulls().value_counts()
        data_codes = dict(zip(lang_counts["original_language"], lang_counts["count"], strict=True))
        codes = sorted({lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
                       | set(TMDB_LANGUAGES) | set(data_codes))
        lang_names = language_names(codes)
        self._languages = [LanguageCount(c, lang_names[c], data_codes.get(c, 0)) for c in codes]
        self.languages = NameIndex(
            [lang.name for lang in self._languages],
            popularity=[lang.count for lang in self._languages],
            aliases=language_aliases(codes, lang_names),
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
        every_country = country_names(data_country_names)
        counts = dict(country_counts.drop_nulls().iter_rows())
        ccodes = sorted(every_country)
        self._countries = [CountryCount(c, every_country[c], counts.get(c, 0)) for c in ccodes]
        self.countries = NameIndex(
            [c.name for c in self._countries],
            popularity=[c.count for c in self._countries],
            aliases=country_aliases(ccodes, data_country_names),
        )
        self.discovery = Discovery(movies, codes, ccodes, self._entity_rows)
        self.filter_codec = FilterCodec(
            self.discovery.genres, len(codes), len(ccodes), len(self.directors.names),
            len(self.companies.names),
        )
        self.charts = ChartQuestions(self)
        self.discoveries = DiscoveryQuestions(self)
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
        movies = read_movies(path)
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

    def chart(self, query: str | Ref) -> Answer[BoxOffice | Decades]:
        """What a chart of ``query`` shows (:meth:`bot.movies.charting.ChartQuestions.chart`)."""
        return self.charts.chart(query)

    def discover(self, query: Filters | Ref) -> Answer[Discovered]:
        """The movies that pass ``query``'s filters, ranked as they ask."""
        return self.discoveries.discover(query)

    def criteria(self, filters: Filters) -> list[tuple[str, str]]:
        """Each set criterion of ``filters`` in words (``("genres", "Comedy")``...)."""
        return self.discoveries.criteria(filters)

    def filters_of(self, ref: Ref) -> Filters | None:
        """The filters a discovery's reference packs; None for any other reference."""
        return self.filter_codec.unpack(ref.key) if ref.kind is Kind.DISCOVERY else None

    def label(self, ref: Ref) -> str | None:
        """What a button pointing at ``ref`` says; None when ``ref`` points at nothing."""
        if ref.kind is Kind.DISCOVERY:
            filters = self.filters_of(ref)
            if filters is None:
                return None
            return " · ".join(words for _name, words in self.criteria(filters)) or "All movies"
        key = self._key(ref)
        return None if key is None else self._label(ref.kind, key)

    # -- internals --------------------------------------------------------------------------------

    def _entity_rows(self, kind: str, key: int) -> list[int]:
        return (self.directors if kind == "director" else self.companies).movie_rows(key)

    def _index(self, kind: Kind) -> NameIndex:
        return self._kinds[kind][0]

    def _ref(self, kind: Kind, key: int) -> Ref:
        """Index key -> stable reference (movies are referred to by TMDB id)."""
        return Ref(kind, int(self.movies["id"][key]) if kind is Kind.MOVIE else key)

    def _key(self, ref: Ref) -> int | None:
        """Stable reference -> index key, or None when it no longer points anywhere."""
        if ref.kind is Kind.DISCOVERY:
            return ref.key if self.filters_of(ref) is not None else None
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
