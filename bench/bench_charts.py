"""How long a chart takes to draw, drawn and cached, and what matplotlib adds to the bot's memory.

Run from the repo root: ``python bench/bench_charts.py``. Prints figures; asserts nothing.

The catalog and recommender are loaded first, and ``gc.freeze`` called, as in the bot. RSS
(VmRSS) is read before the first chart, after it (matplotlib imported, fonts loaded) and after
every chart below was drawn. "drawn" times ``PngCache.png`` on an empty cache (drawing,
encoding, giving memory back) ``ROUNDS`` times per entity; "cached" times it on a chart
already drawn. Wall time is what a user waits for; CPU time is the drawing thread's own,
which other work on the machine inflates less.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.chat import charts
from bot.chat.commands import SPECS
from bot.movies.catalog import Catalog
from bot.movies.results import Found, Ref

ROUNDS = 5
ENTITIES = ["Christopher Nolan", "Steven Spielberg", "Alfred Hitchcock", "Woody Allen",
            "Pixar", "Warner Bros.", "Lucasfilm", "Harry Potter", "James Bond", "Toy Story"]
PER_DECADE = [("country", "Japan"), ("country", "United States of America"),
              ("language", "French"), ("language", "English")]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def clocked(call: object, *args: object) -> tuple[object, float, float]:
    """(result, wall ms, CPU ms of this thread)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    result = call(*args)  # type: ignore[operator]
    return result, (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def main() -> None:
    started = time.perf_counter()
    catalog = Catalog.load()
    gc.freeze()
    chart_of = SPECS["chart"]
    found: list[tuple[str, charts.Chart]] = []
    for name in ENTITIES:
        answer = chart_of.ask(catalog, name)
        assert isinstance(answer, Found), name
        found.append((f"{answer.value.name} ({len(answer.value.movies)} movies)",
                      chart_of.show(answer.value).chart))
    for kind, name in PER_DECADE:
        ref = getattr(catalog, kind)(name).ref
        answer = chart_of.ask(catalog, Ref(ref.kind, ref.key))
        assert isinstance(answer, Found), name
        found.append((f"{answer.value.name} per decade", chart_of.show(answer.value).chart))
    print(f"catalog and recommender loaded in {time.perf_counter() - started:.1f} s; "
          f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    cache = charts.PngCache()
    before = rss_mb()
    _, wall, cpu = clocked(cache.png, found[0][1])
    after = rss_mb()
    print(f"RSS before the first chart {before:.0f} MB, after it {after:.0f} MB "
          f"(+{after - before:.0f} MB; matplotlib imported by it)")
    print(f"first chart (import matplotlib, load fonts, draw): {wall:.0f} ms wall, "
          f"{cpu:.0f} ms CPU\n")

    print(f"{'chart':48} {'KB':>5} {'median ms':>10} {'CPU ms':>7}")
    walls: list[float] = []
    cpus: list[float] = []
    for label, chart in found:
        runs = []
        for _ in range(ROUNDS):
            cache.clear()
            runs.append(clocked(cache.png, chart))
        walls += [w for _, w, _ in runs]
        cpus += [c for _, _, c in runs]
        size = len(runs[0][0]) / 1024  # type: ignore[arg-type]
        print(f"{label[:48]:48} {size:5.0f} {statistics.median(w for _, w, _ in runs):10.1f} "
              f"{statistics.median(c for _, _, c in runs):7.1f}")

    for _, chart in found:
        cache.png(chart)
    hits = [clocked(cache.png, chart)[1] for _ in range(200) for _, chart in found]
    print(f"\ndrawn ({len(found)} charts x {ROUNDS}): median {statistics.median(walls):.0f} ms, "
          f"p99 {p99(walls):.0f} ms wall; CPU median {statistics.median(cpus):.0f} ms, "
          f"p99 {p99(cpus):.0f} ms")
    print(f"cached ({len(hits):,} hits): median {statistics.median(hits) * 1000:.1f} µs, "
          f"p99 {p99(hits) * 1000:.1f} µs")
    print(f"RSS after every chart above (and {len(found)} PNGs cached): {rss_mb():.0f} MB "
          f"(+{rss_mb() - before:.0f} MB since before the first chart)")


if __name__ == "__main__":
    main()
