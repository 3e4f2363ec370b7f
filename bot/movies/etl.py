"""Data pipeline: Kaggle's "The Movies Dataset" CSV files -> the compact catalog under ``data/``.

Usage: ``python -m bot.movies.etl SRC_DIR [--out data]``

The list columns of the Kaggle files hold Python-literal lists of dicts. Parsing them with
``ast.literal_eval`` takes minutes on the full original (its cast and crew lists are long), so the
names are pulled out with regular expressions inside Polars instead, which handles both the
rebuilt copy in ``../shared/movies`` and the full original in a few seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from bot.movies.datafiles import MOVIES_FILE, fingerprint
from bot.movies.matching import normalize, symbols
from bot.movies.recommender import Recommender

SOURCE_FILES = ("movies_metadata.csv", "credits.csv", "keywords.csv")

# A Python-literal string: '...' or "..." (repr picks double quotes when the text holds a ').
_PY_STR = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
# One dict of a list; quoted strings inside it may hold braces ("Mr. {Curly}").
_DICT = rf"""\{{(?:[^{{}}'"]|{_PY_STR})*\}}"""
# Characters a name may carry at its ends that are not part of it.
_INVISIBLE = " \t\n\r\xa0\u200b\u200e\u200f\ufeff"
_LIST_COLUMNS = (
    "genres",
    "companies",
    "countries",
    "country_codes",
    "spoken_languages",
    "directors",
    "keywords",
)
_NAME_COLUMNS = ("collection", "lead_actor")
_MERGED_COLUMNS = ("companies", "directors", "collection")


@dataclass
class Report:
    """What the pipeline kept and dropped, and why."""

    rows_read: int = 0
    kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def drop(self, reason: str, count: int) -> None:
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + count

    def __str__(self) -> str:
        lines = [f"read {self.rows_read:,} rows of movies_metadata.csv"]
        lines += [f"dropped {n:,}: {reason}" for reason, n in self.dropped.items()]
        lines += self.notes
        lines.append(f"kept {self.kept:,} movies")
        return "\n".join(lines)


def _unquote(expr: pl.Expr) -> pl.Expr:
    """Drop the quotes of a Python-literal string token; escapes are undone by
    :func:`decode_escapes`, once, on the few values that have any."""
    return expr.str.slice(1, expr.str.len_chars() - 2)


def _decode(text: str) -> str:
    """Undo Python's string escapes (``\\'``, ``\\t``, ``\\xa0``, ``\\u200b``); runs of
    white space become one space, invisible characters at the ends go."""
    decoded = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    return " ".join(decoded.split()).strip(_INVISIBLE)


def decode_escapes(movies: pl.DataFrame) -> pl.DataFrame:
    """Decode the escaped names of the parsed columns; names left empty are dropped."""
    fixes = []
    for column in (*_LIST_COLUMNS, *_NAME_COLUMNS):
        values = movies[column]
        if column in _LIST_COLUMNS:
            values = values.explode(empty_as_null=False)
        escaped = values.filter(values.str.contains("\\", literal=True)).unique().to_list()
        mapping = {value: _decode(value) for value in escaped}
        if not mapping:
            continue
        if column in _LIST_COLUMNS:
            decoded = pl.col(column).list.eval(pl.element().replace(mapping))
            fixes.append(decoded.list.eval(pl.element().filter(pl.element() != "")))
        else:
            fixes.append(pl.col(column).replace(mapping).replace("", None))
    return movies.with_columns(fixes) if fixes else movies


def spelling_key(name: str) -> tuple[str, str]:
    """What two spellings of one name share: the normalized name and its distinguishing symbols
    (``Ciné +`` and ``Cine+`` share it, ``Ciné@`` and ``Ciné`` each have their own)."""
    return normalize(name), symbols(name)


def merge_spellings(movies: pl.DataFrame, report: Report) -> pl.DataFrame:
    """One spelling per company, director and collection name.

    TMDB has ``TOHO`` beside ``Toho`` and ``Denis Heroux`` beside ``Denis Héroux``: names that
    differ only in case, accents, spacing or punctuation are one entity, shown in its most used
    spelling. A distinguishing symbol (``Ciné+``, ``Ciné@``) keeps a name apart: merging it
    would move another company's movies into the bigger one's totals.
    """
    fixes = []
    for column in _MERGED_COLUMNS:
        values = movies[column]
        if values.dtype == pl.List(pl.String):
            values = values.explode(empty_as_null=False)
        counts = values.drop_nulls().value_counts(sort=True, name="n")
        best: dict[tuple[str, str], str] = {}
        mapping: dict[str, str] = {}
        for name, _n in counts.sort(["n", column], descending=[True, False]).iter_rows():
            first = best.setdefault(spelling_key(name), name)
            if first != name:
                mapping[name] = first
        if not mapping:
            continue
        report.notes.append(
            f"{column}: {len(mapping):,} variant spellings merged into the most used"
        )
        if movies.schema[column] == pl.List(pl.String):
            fixes.append(
                pl.col(column).list.eval(pl.element().replace(mapping).unique(maintain_order=True))
            )
        else:
            fixes.append(pl.col(column).replace(mapping))
    return movies.with_columns(fixes) if fixes else movies


def _values(column: str, key: str) -> pl.Expr:
    """All values of ``key`` in a column of Python-literal dicts, as a list of strings.

    Missing, empty and ``NaN`` cells give an empty list.
    """
    pattern = rf"'{key}': {_PY_STR}"
    prefix = len(key) + 4
    return (
        pl.col(column)
        .fill_null("")
        .str.extract_all(pattern)
        .list.eval(_unquote(pl.element().str.slice(prefix)).str.strip_chars(_INVISIBLE))
        .list.eval(pl.element().filter(pl.element() != ""))
        .alias(column)
    )


def _value(column: str, key: str) -> pl.Expr:
    """The first value of ``key`` in a column holding one Python-literal dict, or null."""
    return _values(column, key).list.first()


def _names_in_dicts(column: str, where: str) -> pl.Expr:
    """Names of the dicts in ``column`` that match the regular expression ``where``."""
    name = rf"'name': {_PY_STR}"
    return (
        pl.col(column)
        .fill_null("")
        .str.extract_all(_DICT)
        .list.eval(pl.element().filter(pl.element().str.contains(where)))
        .list.eval(
            _unquote(pl.element().str.extract(f"({name})").str.slice(8)).str.strip_chars(_INVISIBLE)
        )
        .list.eval(pl.element().filter(pl.element().is_not_null() & (pl.element() != "")))
    )


def _read_csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True)


def _first_per_id(df: pl.DataFrame, report: Report, name: str) -> pl.DataFrame:
    before = df.height
    df = df.unique(subset="id", keep="first", maintain_order=True)
    if df.height < before:
        report.notes.append(f"{name}: {before - df.height:,} rows with an id seen before ignored")
    return df


def _as_int(column: str) -> pl.Expr:
    """Parse an integer column; positive values only, 0 or junk means unknown."""
    value = pl.col(column).str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(value > 0).then(value).otherwise(None).cast(pl.Int64).alias(column)


def _original_title() -> pl.Expr:
    """The title in the movie's own language, null when missing or the same as ``title``."""
    original = pl.col("original_title").str.strip_chars(_INVISIBLE)
    same = (original.fill_null("") == "") | (original == pl.col("title").str.strip_chars())
    return pl.when(same).then(None).otherwise(original).alias("original_title")


def load_movies(src: Path, report: Report) -> pl.DataFrame:
    """Read movies_metadata.csv, drop malformed rows and duplicate ids, parse every column."""
    raw = _read_csv(src / "movies_metadata.csv")
    report.rows_read = raw.height

    ids = raw["id"].str.strip_chars()
    malformed = ~ids.str.contains(r"^\d+$").fill_null(False)
    report.drop("malformed row (id is not a number: shifted columns)", int(malformed.sum()))
    raw = raw.filter(~malformed)

    no_title = raw["title"].fill_null("").str.strip_chars() == ""
    report.drop("no title", int(no_title.sum()))
    raw = raw.filter(~no_title)

    before = raw.height
    raw = raw.unique(subset="id", keep="first", maintain_order=True)
    report.drop("duplicate TMDB id (first occurrence kept)", before - raw.height)

    release = pl.col("release_date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    runtime = pl.col("runtime").cast(pl.Float64, strict=False)
    return raw.select(
        pl.col("id").cast(pl.Int64),
        pl.col("imdb_id").str.strip_chars().replace("", None).alias("imdb_id"),
        pl.col("title").str.strip_chars(),
        _original_title(),
        release.alias("release_date"),
        release.dt.year().cast(pl.Int16).alias("year"),
        pl.when(runtime > 0).then(runtime.round()).otherwise(None).cast(pl.Int32).alias("runtime"),
        _as_int("budget"),
        _as_int("revenue"),
        pl.col("original_language").str.strip_chars().str.to_lowercase(),
        _values("genres", "name"),
        _value("belongs_to_collection", "name").alias("collection"),
        _values("production_companies", "name").alias("companies"),
        _values("production_countries", "name").alias("countries"),
        _values("production_countries", "iso_3166_1").alias("country_codes"),
        _values("spoken_languages", "iso_639_1").alias("spoken_languages"),
        pl.col("overview").str.strip_chars().replace("", None),
        pl.col("tagline").str.strip_chars().replace("", None),
        pl.col("poster_path").str.strip_chars().replace("", None),
        pl.col("vote_average").cast(pl.Float32, strict=False).fill_null(0.0),
        pl.col("vote_count").cast(pl.Float64, strict=False).fill_null(0).cast(pl.Int32),
        pl.col("popularity").cast(pl.Float32, strict=False).fill_null(0.0),
    )


def load_credits(src: Path, report: Report) -> pl.DataFrame:
    """Directors (crew with job Director, maybe several) and the lead actor (cast order 0)."""
    raw = _first_per_id(_read_csv(src / "credits.csv"), report, "credits.csv")
    return raw.select(
        pl.col("id").cast(pl.Int64, strict=False),
        _names_in_dicts("crew", r"'job': 'Director'[,}]")
        .list.unique(maintain_order=True)
        .alias("directors"),
        _names_in_dicts("cast", r"'order': 0[,}]").list.first().alias("lead_actor"),
    ).drop_nulls("id")


def load_keywords(src: Path, report: Report) -> pl.DataFrame:
    raw = _first_per_id(_read_csv(src / "keywords.csv"), report, "keywords.csv")
    return raw.select(
        pl.col("id").cast(pl.Int64, strict=False), _values("keywords", "name")
    ).drop_nulls("id")


def build(src: Path) -> tuple[pl.DataFrame, Report]:
    """The whole pipeline, in memory: one row per TMDB id with real list columns."""
    report = Report()
    movies = load_movies(src, report)
    movies = movies.join(load_credits(src, report), on="id", how="left")
    movies = movies.join(load_keywords(src, report), on="id", how="left")
    movies = decode_escapes(
        movies.with_columns(
            pl.col("directors").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("keywords").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        )
    )
    movies = merge_spellings(movies, report)
    report.kept = movies.height
    return movies, report


def write(movies: pl.DataFrame, out: Path) -> list[Path]:
    """Write the catalog and the recommender fitted on it: the files the bot loads at start."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / MOVIES_FILE
    movies.write_parquet(path, compression="zstd", compression_level=19, statistics=False)
    model = Recommender.build(movies)
    return [path, *model.save(out, fingerprint(path.read_bytes()))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.movies.etl",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="folder with the Kaggle CSV files")
    parser.add_argument("--out", type=Path, default=Path("data"), help="where the catalog goes")
    args = parser.parse_args(argv)
    missing = [f for f in SOURCE_FILES if not (args.src / f).is_file()]
    if missing:
        print(f"error: {args.src} lacks {', '.join(missing)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    movies, report = build(args.src)
    paths = write(movies, args.out)
    print(report)
    sizes = ", ".join(f"{p} ({p.stat().st_size / 1e6:.1f} MB)" for p in paths)
    print(f"wrote {sizes} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
