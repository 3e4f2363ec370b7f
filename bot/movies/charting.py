"""The catalog's chart questions: a director's, company's or collection's box office, and a
country's or language's movies per decade; what :mod:`bot.chat.charts` draws.

A part of :class:`~bot.movies.catalog.Catalog` (``catalog.charts``), kept apart so the catalog
module holds the core questions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import polars as pl

from bot.movies.entities import Entities
from bot.movies.matching import TIE_MARGIN, Ambiguous, Candidate, NotFound, Resolved
from bot.movies.results import (
    Answer,
    BoxOffice,
    Choice,
    CountryCount,
    Decades,
    DirectedMovie,
    Found,
    Kind,
    LanguageCount,
    MovieRef,
    Option,
    Ref,
)

if TYPE_CHECKING:
    from bot.movies.catalog import Catalog

CHARTED = (Kind.DIRECTOR, Kind.COMPANY, Kind.COLLECTION)
"""What a chart's name may be, in the order a tie between kinds lists them."""

CHARTED_NOUN = "director, company or collection"

MAX_MIXED_OPTIONS = 8

def _candidates(match: Resolved | Ambiguous) -> tuple[Candidate, ...]:
    """A match's candidates: the resolved one first, or the tied ones by popularity."""
    if isinstance(match, Resolved):
        return (match.candidate, *match.alternatives)
    return match.candidates


class ChartQuestions:
    """What a chart shows, for :class:`~bot.movies.catalog.Catalog`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

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
        matches = {kind: self.catalog._index(kind).resolve(query) for kind in CHARTED}
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
                return self.catalog._found(kind, match, lambda key: self._box_office(kind, key))
            return self.catalog._choice(kind, match)
        missing = {k: m for k, m in matches.items() if isinstance(m, NotFound)}
        suggested = {k: m.suggestions for k, m in missing.items()}
        empty = all(m.empty for m in missing.values())
        return self._mixed_choice(query, suggested, ambiguous=False, empty=empty)

    def _chart_of(self, ref: Ref) -> Answer[BoxOffice | Decades]:
        nothing = Choice(ref.kind, "", ambiguous=False, options=())
        kind = ref.kind
        if kind is Kind.MOVIE:
            row = self.catalog._key(ref)
            name = None if row is None else self.catalog.movies["collection"][row]
            if name is None:
                return nothing
            key = bisect_left(self.catalog._collections.names, name)
            return Found(self._box_office(Kind.COLLECTION, key), Ref(Kind.COLLECTION, key))
        if kind in CHARTED:
            return self.catalog._answer(kind, ref, lambda key: self._box_office(kind, key))
        if kind in (Kind.COUNTRY, Kind.LANGUAGE):
            return self.catalog._answer(kind, ref, lambda key: self._decades(kind, key))
        return nothing

    def _mixed_choice(self, query: str, matches: Mapping[Kind, Sequence[Candidate]],
                      ambiguous: bool, empty: bool = False) -> Choice:
        """One choice among entities of several kinds, each label saying its kind: the best
        matches first, then those with more movies."""
        ranked = sorted(
            ((kind, c) for kind, cands in matches.items() for c in cands),
            key=lambda kc: (-kc[1].score, -len(self._entities(kc[0]).rows[kc[1].key])),
        )
        catalog = self.catalog
        options = tuple(
            Option(catalog._ref(kind, c.key), f"{catalog._label(kind, c.key)} ({kind.value})")
            for kind, c in ranked[:MAX_MIXED_OPTIONS]
        )
        noun = "name" if ambiguous else CHARTED_NOUN
        return Choice(Kind.DIRECTOR, query, ambiguous, options, empty, noun)

    def _entities(self, kind: Kind) -> Entities:
        return {Kind.DIRECTOR: self.catalog.directors, Kind.COMPANY: self.catalog.companies,
                Kind.COLLECTION: self.catalog._collections}[kind]

    def _box_office(self, kind: Kind, key: int) -> BoxOffice:
        entities = self._entities(kind)
        frame = self.catalog._frame(entities.movie_rows(key))
        movies = tuple(
            DirectedMovie(MovieRef(i, t, y), b, r) for i, t, y, b, r in frame.iter_rows()
        )
        return BoxOffice(kind, entities.names[key], movies)

    def _decades(self, kind: Kind, key: int) -> Decades:
        if kind is Kind.COUNTRY:
            entity: CountryCount | LanguageCount = self.catalog._countries[key]
            rows = pl.col("country_codes").list.contains(entity.code)
        else:
            entity = self.catalog._languages[key]
            rows = pl.col("original_language") == entity.code
        years = self.catalog.movies.lazy().filter(rows).select("year").collect()["year"]
        decades = (years.drop_nulls() // 10 * 10).value_counts()
        per = dict(decades.iter_rows())
        span = range(min(per), max(per) + 10, 10) if per else range(0)
        counts = tuple((decade, per.get(decade, 0)) for decade in span)
        return Decades(kind, entity.name, years.len(), counts, years.null_count())
