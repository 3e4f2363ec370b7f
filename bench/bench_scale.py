"""How the bot's costs grow with the catalog: 1x, 4x, 10x the Kaggle files.

Run from the repo root: ``python bench/bench_scale.py [--sizes 1,4,10] [--work /tmp/movie-scale]``.

A catalog N times larger is made in the Kaggle layout from ``../shared/movies``: copy 0 is the
files as they are; copy k > 0 has every TMDB id moved up by ``k * ID_STEP``, one word appended to
each title, and a per-copy surname given to every director, lead actor, production company and
collection name (so every entity table grows N times, not only the movie rows). Each catalog goes
through the project's pipeline (``python -m bot.movies.etl``) into the work folder, then fresh
processes measure what the bot pays for it: load time and peak RSS (``VmHWM``), the first query
of each kind after start and the steady state over a few hundred different queries, and a cold
``main.py --ask`` (import, load, answer) of a typo'd title. Everything generated stays under the
work folder (default ``/tmp/movie-scale``), never in the repository. Prints one table, sizes as
columns; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent.parent / "shared" / "movies"
ID_STEP = 10_000_000
"""Ids of copy k start at k * ID_STEP (TMDB ids of the Kaggle files are below 500,000)."""
TITLE_WORDS = ("Redux", "Returns", "Reloaded", "Rising", "Legacy", "Origins", "Revisited",
               "Unbound", "Awakening", "Forever", "Chronicles", "Encore")
SURNAMES = ("Kowalski", "Okafor", "Lindqvist", "Takahashi", "Moreau", "Haddad", "Novak",
            "Quispe", "Mbeki", "Olsen", "Petrova", "Zamora")
SAMPLE = 200
"""Different queries per kind in the steady state (each asked once)."""

# One string literal of a Python-literal dict, its quotes kept apart so a suffix goes inside.
_NAME_SQ = r"('name': ')((?:[^'\\]|\\.)*)'"
_NAME_DQ = r"""('name': ")((?:[^"\\]|\\.)*)\""""


# -- making the catalogs -----------------------------------------------------------------------


def _surnamed(column: str, surname: str) -> object:
    import polars as pl

    expr = pl.col(column)
    for pattern, quote in ((_NAME_SQ, "'"), (_NAME_DQ, '"')):
        expr = expr.str.replace_all(pattern, f"${{1}}${{2}} {surname}{quote}")
    return expr


def make_source(times: int, out: Path, source: Path = SOURCE) -> None:
    """The Kaggle files ``times`` times over, as described in the module docstring."""
    import polars as pl

    out.mkdir(parents=True, exist_ok=True)
    read = {name: pl.read_csv(source / name, infer_schema=False, truncate_ragged_lines=True)
            for name in ("movies_metadata.csv", "credits.csv", "keywords.csv", "links.csv")}

    def shifted(column: str, k: int) -> pl.Expr:
        value = pl.col(column).str.strip_chars()
        numeric = value.str.contains(r"^\d+$").fill_null(False)
        moved = (value.cast(pl.Int64, strict=False) + k * ID_STEP).cast(pl.String)
        return pl.when(numeric).then(moved).otherwise(pl.col(column)).alias(column)

    copies: dict[str, list[pl.DataFrame]] = {name: [] for name in read}
    for k in range(times):
        if k == 0:
            for name, frame in read.items():
                copies[name].append(frame)
            continue
        word = TITLE_WORDS[(k - 1) % len(TITLE_WORDS)]
        surname = SURNAMES[(k - 1) % len(SURNAMES)] + ("" if k <= len(SURNAMES) else str(k))
        meta = read["movies_metadata.csv"]
        # The 3 malformed rows stay in copy 0 only: a shifted id would make them look valid.
        meta = meta.filter(pl.col("id").str.strip_chars().str.contains(r"^\d+$").fill_null(False))
        copies["movies_metadata.csv"].append(meta.with_columns(
            shifted("id", k),
            (pl.col("title") + f" {word}").alias("title"),
            _surnamed("belongs_to_collection", surname),
            _surnamed("production_companies", surname),
        ))
        copies["credits.csv"].append(read["credits.csv"].with_columns(
            shifted("id", k), _surnamed("cast", surname), _surnamed("crew", surname)
        ))
        copies["keywords.csv"].append(read["keywords.csv"].with_columns(shifted("id", k)))
        copies["links.csv"].append(read["links.csv"].with_columns(shifted("tmdbId", k)))
    for name, frames in copies.items():
        pl.concat(frames).write_csv(out / name)


def run_pipeline(src: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``python -m bot.movies.etl`` in its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.movies.etl", str(src), "--out", str(out)],
        cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"the pipeline failed on {src} (exit {proc.returncode})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


# -- measuring in a fresh process ----------------------------------------------------------------


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _typo(text: str, rng: random.Random) -> str:
    """One adjacent-letter swap inside a word of at least 4 letters (``Toy Stroy``)."""
    spots = [i for i in range(1, len(text) - 2)
             if text[i:i + 2].isalpha() and text[i - 1].isalpha() and text[i] != text[i + 1]]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def measure(data_dir: Path) -> dict[str, object]:
    """Load the catalog in this (fresh) process and time each kind of query."""
    started = time.perf_counter()
    from bot.movies.catalog import Catalog
    from bot.movies.results import Kind, Ref

    catalog = Catalog.load(data_dir)
    gc.freeze()  # as main.py does after the load
    load = time.perf_counter() - started
    result: dict[str, object] = {"movies": len(catalog), "load_s": load, "load_peak": _peak_mb()}

    # The same queries at every size: drawn from copy 0 (the Kaggle movies themselves).
    import polars as pl

    rng = random.Random(0)
    base = catalog.movies.filter((pl.col("id") < ID_STEP) & (pl.col("vote_count") >= 20))
    picked = base.sample(SAMPLE, seed=0)
    titles = picked["title"].to_list()
    # /recommend by reference (its button): by title, the N copies of a title make it a choice.
    toy_story = Ref(Kind.MOVIE, 862)
    refs = [Ref(Kind.MOVIE, tmdb_id) for tmdb_id in picked["id"].to_list()]
    directors = sorted({d for ds in base["directors"].to_list() for d in ds if len(d) >= 8})
    kinds: dict[str, tuple[Callable[[Any], object], list[Any]]] = {
        "exact title": (catalog.movie, ["Toy Story", *titles]),
        "typo'd title": (catalog.movie, ["Toy Stroy", *(_typo(t, rng) for t in titles)]),
        "typo'd director": (catalog.director, ["cristopher nolan", *(
            _typo(d, rng) for d in rng.sample(directors, SAMPLE))]),
        "/recommend": (catalog.recommend, [toy_story, *refs]),
        "inline search": (catalog.search_movies, ["toy sto", *(t[:7] for t in titles)]),
    }
    for kind, (ask, queries) in kinds.items():
        samples = []
        for query in queries:
            began = time.perf_counter()
            ask(query)
            samples.append((time.perf_counter() - began) * 1000)
        first, rest = samples[0], samples[1:]
        result[kind] = {"first": first, "median": statistics.median(rest),
                        "p99": statistics.quantiles(rest, n=100)[98]}
    result["peak"] = _peak_mb()
    return result


def cold_ask(data_dir: Path, text: str) -> dict[str, object]:
    """``main.py --ask`` in this fresh process, on the catalog in ``data_dir``."""
    started = time.perf_counter()
    import io

    from bot.app import console
    from bot.movies.catalog import Catalog

    out = io.StringIO()
    catalog = Catalog.load(data_dir)
    gc.freeze()
    console.ask(catalog, text, out)
    return {"ask_s": time.perf_counter() - started, "ask_peak": _peak_mb(),
            "answer": out.getvalue().strip()}


def in_child(mode: str, data_dir: Path, *extra: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(data_dir), *extra],
        cwd=ROOT, capture_output=True, text=True,
    )
    if done.returncode:
        raise SystemExit(f"{mode} on {data_dir} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the table -----------------------------------------------------------------------------------


def table(results: dict[int, dict[str, object]]) -> str:
    sizes = sorted(results)
    rows: list[tuple[str, Callable[[dict[str, object]], float], str]] = [
        ("movies", lambda r: float(r["movies"]), "{:,.0f}"),  # type: ignore[arg-type]
        ("pipeline wall s", lambda r: r["pipeline_s"], "{:.1f}"),  # type: ignore[misc]
        ("pipeline peak RSS MB", lambda r: r["pipeline_peak"], "{:.0f}"),  # type: ignore[misc]
        ("load s", lambda r: r["load_s"], "{:.2f}"),  # type: ignore[misc]
        ("peak RSS after load MB", lambda r: r["load_peak"], "{:.0f}"),  # type: ignore[misc]
        ("peak RSS after queries MB", lambda r: r["peak"], "{:.0f}"),  # type: ignore[misc]
        ("cold --ask typo'd title s", lambda r: r["ask_s"], "{:.2f}"),  # type: ignore[misc]
        ("cold --ask peak RSS MB", lambda r: r["ask_peak"], "{:.0f}"),  # type: ignore[misc]
    ]
    for kind in ("exact title", "typo'd title", "typo'd director", "/recommend", "inline search"):
        for stat in ("first", "median", "p99"):
            rows.append((f"{kind} {stat} ms",
                         lambda r, k=kind, s=stat: r[k][s],  # type: ignore[misc,index]
                         "{:.2f}"))
    head = f"{'':<30}" + "".join(f"{f'{s}x':>12}" for s in sizes)
    grow = len(sizes) > 1
    if grow:
        head += f"{f'{sizes[-1]}x/{sizes[0]}x':>12}"
    lines = [head, "-" * len(head)]
    for label, get, fmt in rows:
        values = [get(results[s]) for s in sizes]
        line = f"{label:<30}" + "".join(f"{fmt.format(v):>12}" for v in values)
        if grow:
            line += f"{values[-1] / values[0]:>11.1f}x" if values[0] else f"{'':>12}"
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,10", help="catalog multiples, e.g. 1 or 1,10")
    parser.add_argument("--work", type=Path, default=Path("/tmp/movie-scale"))
    parser.add_argument("--reuse", action="store_true",
                        help="keep catalogs already built in the work folder")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the Kaggle files")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, data_dir, *extra = args.child
        sys.path.insert(0, str(ROOT))
        done = measure(Path(data_dir)) if mode == "measure" else cold_ask(Path(data_dir), *extra)
        print(json.dumps(done))
        return

    started = time.perf_counter()
    results: dict[int, dict[str, object]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        src, data = args.work / f"src-{size}x", args.work / f"data-{size}x"
        figures = data / "pipeline-figures.json"
        if not (args.reuse and figures.is_file()):
            make_source(size, src, args.source)
            wall, peak = run_pipeline(src, data)
            figures.write_text(json.dumps({"pipeline_s": wall, "pipeline_peak": peak}))
        # With --reuse, the pipeline's figures are those of the run that built the catalog.
        result: dict[str, object] = json.loads(figures.read_text())
        result |= in_child("measure", data)
        result |= in_child("ask", data, "/runtime Toy Stroy")
        results[size] = result
        print(f"{size}x done ({result['movies']:,} movies): {result['answer']}", flush=True)
    print(f"\nmachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"ran in {time.perf_counter() - started:.0f} s\n")
    print(table(results))


if __name__ == "__main__":
    main()
