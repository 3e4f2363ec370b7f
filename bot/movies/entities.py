"""Entity tables built from the movie rows at load: companies, directors and collections with
their movies, and the other names people call them by (``Harry Potter`` for ``Harry Potter
Collection``, ``Warner Brothers`` for ``Warner Bros.``, a movie's original title)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from bot.movies.matching import NameIndex, normalize

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


@dataclass(frozen=True, slots=True)
class Entities:
    """A name-sorted table of entities (companies, directors...) with their movies' rows.

    ``rows[i]`` lists entity i's movie rows in release order (undated last).
    """

    names: list[str]
    rows: pl.Series
    index: NameIndex

    def movie_rows(self, key: int) -> list[int]:
        rows: list[int] = self.rows[key].to_list()
        return rows


def group_by_entity(
    movies: pl.DataFrame,
    column: str,
    by_votes: bool = False,
    aliases: Callable[[list[str]], Mapping[str, int] | list[tuple[str, int]]] | None = None,
) -> Entities:
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
    return Entities(names, groups["row"], index)


def collection_aliases(names: list[str]) -> dict[str, int]:
    """``Harry Potter`` for ``Harry Potter Collection``: people rarely type the suffix."""
    aliases: dict[str, int] = {}
    for i, name in enumerate(names):
        for suffix in (" Collection", " collection", " - Collection", " Series", " Trilogy"):
            if name.endswith(suffix) and len(name) > len(suffix):
                aliases.setdefault(name[: -len(suffix)], i)
    return aliases


def company_aliases(names: list[str]) -> list[tuple[str, int]]:
    """``Warner Brothers`` for ``Warner Bros.`` and the like: each abbreviation spelt out, each
    spelt-out word abbreviated."""
    pairs = []
    for i, name in enumerate(names):
        words = normalize(name).split()
        if any(word in COMPANY_WORDS for word in words):
            pairs.append((" ".join(COMPANY_WORDS.get(word, word) for word in words), i))
    return pairs


def original_titles(movies: pl.DataFrame) -> list[tuple[str, int]]:
    """(original title, row) of the movies whose original title differs from the title."""
    if "original_title" not in movies.columns:
        return []
    return [(t, row) for row, t in enumerate(movies["original_title"].to_list()) if t]
