"""The catalog's discovery questions: movies by what they are (genre, years, runtime, language,
country, maker, rating), ranked by :class:`bot.movies.discovery.Discovery`.

A part of :class:`~bot.movies.catalog.Catalog` (``catalog.discoveries``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.movies.discovery import Filters
from bot.movies.results import Answer, Choice, Discovered, DiscoveredMovie, Found, Kind, Ref

if TYPE_CHECKING:
    from bot.movies.catalog import Catalog

DISCOVERY_LIMIT = 100
"""How many matches a discovery lists (ten pages of ten)."""


class DiscoveryQuestions:
    """Discovery, for :class:`~bot.movies.catalog.Catalog`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def discover(self, query: Filters | Ref) -> Answer[Discovered]:
        """The movies that pass ``query``'s filters, ranked as they ask."""
        filters = query if isinstance(query, Filters) else self.catalog.filters_of(query)
        if filters is None:
            return Choice(Kind.DISCOVERY, "", ambiguous=False, options=())
        ref = Ref(Kind.DISCOVERY, self.catalog.filter_codec.pack(filters))
        return Found(self._discovered(filters), ref)

    def criteria(self, filters: Filters) -> list[tuple[str, str]]:
        """Each set criterion of ``filters`` as (field name, words), in the order the discovery
        applies them: ``("genres", "Comedy")``, ``("years", "1990-1999")``..."""
        words = []
        for name, _condition in self.catalog.discovery.steps(filters):
            words.append((name, self._criterion(name, filters)))
        return words

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
            return f"in {self.catalog._languages[f.language].name}"
        if name == "country" and f.country is not None:
            return f"from {self.catalog._countries[f.country].name}"
        if name == "director" and f.director is not None:
            return f"directed by {self.catalog.directors.names[f.director]}"
        if name == "company" and f.company is not None:
            return f"from {self.catalog.companies.names[f.company]}"
        raise ValueError(f"no {name} criterion in {f}")

    def _discovered(self, filters: Filters,
                    within: Sequence[int] | None = None) -> Discovered:
        ranked = self.catalog.discovery.rank(filters, DISCOVERY_LIMIT, within)
        criteria = self.criteria(filters)
        columns = ("vote_average", "vote_count", "runtime")
        picks = self.catalog.movies[list(ranked.rows)].select(columns)
        movies = tuple(
            DiscoveredMovie(self.catalog.movie_ref(row), round(float(rating), 1), votes, runtime)
            for row, (rating, votes, runtime) in zip(ranked.rows, picks.iter_rows(), strict=True)
        )
        emptied = None if ranked.emptied_by is None else criteria[ranked.emptied_by][1]
        return Discovered(tuple(w for _n, w in criteria), filters.sort, ranked.total, movies,
                          emptied)
