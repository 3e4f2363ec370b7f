"""Updates per second through the real Application, and handling time per kind of update.

Each update goes through ``Update.de_json`` and ``Application.process_update``: flood gate,
handler, catalog, formatting and the Bot API calls, which are answered in memory (no network,
no rate limiter: this measures the bot, not Telegram). Updates are handled one after another,
so the figures are per-update costs on one core. Every query differs from the previous ones
(popular titles, typos of them, directors, companies...), so no cache of any layer flatters
the figures. The process is set up as ``main.py`` sets it up (catalog loaded, ``gc.freeze``).

Run from the repo root: ``python bench/bench_updates.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app.factory import build_application
from bot.app.offline import (
    BOT_USERNAME,
    LocalBotAPI,
    OfflineRequest,
    bot_message,
    callback_query,
    group_message,
    inline_query,
    private_message,
    to_update,
)
from bot.chat import buttons
from bot.config import Settings
from bot.movies.catalog import Catalog
from bot.movies.results import Kind, Ref

ROUNDS = 150
WARMUP_ROUNDS = 5
TARGET = 500
SEED = 7

Make = Callable[[int], dict[str, Any]]


class Pools:
    """Real names from the catalog to ask about, each round a different one."""

    def __init__(self, catalog: Catalog, size: int) -> None:
        import polars as pl  # after bot: bot/__init__.py configures Polars' allocator first

        rng = random.Random(SEED)
        movies = catalog.movies.sort("vote_count", descending=True)
        popular = movies.head(size * 4)
        self.titles = rng.sample(popular["title"].to_list(), size)
        self.typos = [_typo(rng, title) for title in rng.sample(self.titles, size)]
        self.ids = rng.sample(popular["id"].to_list(), size)
        shared = (
            movies.group_by("title").agg(pl.len().alias("n"), pl.col("vote_count").sum())
            .filter(pl.col("n") > 1).sort("vote_count", descending=True).head(size)
        )
        self.ambiguous = shared["title"].to_list()
        self.directors = _popular(catalog.directors.names, catalog.directors.rows, size)
        self.companies = [  # as people type them: "Pixar", "Warner", "Paramount"
            name.split()[0] for name in
            _popular(catalog.companies.names, catalog.companies.rows, size)
        ]
        big = [i for i, rows in enumerate(catalog.directors.rows) if len(rows) > 45]
        self.paged_directors = big
        self.collections = (
            movies.drop_nulls("collection").unique("collection", maintain_order=True)
            .head(size)["collection"].str.replace(r" Collection$", "").to_list()
        )
        self.countries = ["France", "Japan", "Italy", "Germany", "Spain", "India", "Brazil",
                          "Mexico", "Canada", "Sweden", "usa", "uk", "Korea", "Russia"]
        self.languages = ["French", "fr", "German", "ja", "Italian", "Spanish", "hi", "Korean",
                          "Swedish", "Cantonese", "xx", "ru", "pt", "Danish"]
        self.gibberish = ["".join(rng.choice("qwxzvjkpb") for _ in range(8)) for _ in range(size)]


def _typo(rng: random.Random, title: str) -> str:
    """Drop one letter (``Jurasic Park``), as people do."""
    if len(title) < 5:
        return title
    i = rng.randrange(1, len(title) - 1)
    return title[:i] + title[i + 1:]


def _popular(names: list[str], rows: list[Any], size: int) -> list[str]:
    order = sorted(range(len(names)), key=lambda i: -len(rows[i]))
    return [names[i] for i in order[:size]]


def workload(catalog: Catalog, pools: Pools) -> list[tuple[str, Make]]:
    """One update of each kind per round; users vary so the flood gate never trips."""
    version = catalog.version

    def private(command: str, pool: list[str]) -> Make:
        return lambda i: private_message(f"{command} {pool[i % len(pool)]}", user_id=10_000 + i)

    def page(i: int) -> dict[str, Any]:
        key = pools.paged_directors[i % len(pools.paged_directors)]
        data = buttons.encode("director", Ref(Kind.DIRECTOR, key), version, 1, edit=True)
        return callback_query(data, message=bot_message())

    def pick(i: int) -> dict[str, Any]:
        data = buttons.encode("movie", Ref(Kind.MOVIE, pools.ids[i % len(pools.ids)]), version,
                              edit=True)
        return callback_query(data, message=bot_message())

    return [
        ("/runtime <title>", private("/runtime", pools.titles)),
        ("/runtime <title with a typo>", private("/runtime", pools.typos)),
        ("/movie <title> (poster card)", private("/movie", pools.titles)),
        ("/movie <shared title> (choice)", private("/movie", pools.ambiguous)),
        ("/movie <gibberish> (not found)", private("/movie", pools.gibberish)),
        ("/director <name>", private("/director", pools.directors)),
        ("/collection <name>", private("/collection", pools.collections)),
        ("/company <first word>", private("/company", pools.companies)),
        ("/country <name>", private("/country", pools.countries)),
        ("/language <name or code>", private("/language", pools.languages)),
        ("/recommend <title>", private("/recommend", pools.titles)),
        ("group /runtime@bot <title>", lambda i: group_message(
            f"/runtime@{BOT_USERNAME} {pools.titles[i % len(pools.titles)]}",
            user_id=20_000 + i)),
        ("button: director page 2", page),
        ("button: pick a movie", pick),
        ("inline: <first 7 letters>", lambda i: inline_query(
            pools.titles[i % len(pools.titles)][:7], user_id=30_000 + i)),
        ("/start", lambda i: private_message("/start", user_id=40_000 + i)),
    ]


async def run(catalog: Catalog, work: list[tuple[str, Make]]) -> None:
    api = LocalBotAPI(record=False)
    application = build_application(
        Settings(state_db=":memory:"), catalog, request=OfflineRequest(api), rate_limit=False
    )
    times: dict[str, list[float]] = defaultdict(list)
    clock = time.perf_counter
    async with application:
        for i in range(WARMUP_ROUNDS):
            for _label, make in work:
                await application.process_update(to_update(make(i + ROUNDS), application.bot))
        started = clock()
        for i in range(ROUNDS):
            for label, make in work:
                data = make(i)
                t0 = clock()
                await application.process_update(to_update(data, application.bot))
                times[label].append(clock() - t0)
        elapsed = clock() - started

    total = sum(len(v) for v in times.values())
    handling = sum(sum(v) for v in times.values())
    print(f"updates: {total:,} in {elapsed:.2f} s = {total / elapsed:,.0f} updates/s "
          f"(handling alone {total / handling:,.0f}/s; target >= {TARGET}/s)")
    print(f"\n{'update':<34}{'median ms':>10}{'p99 ms':>10}")
    for label, _make in work:
        samples = sorted(times[label])
        p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
        print(f"{label:<34}{statistics.median(samples) * 1e3:>10.2f}{p99 * 1e3:>10.2f}")


def main() -> None:
    started = time.perf_counter()
    catalog = Catalog.load()
    gc.freeze()
    loaded = time.perf_counter() - started
    work = workload(catalog, Pools(catalog, ROUNDS + WARMUP_ROUNDS))
    print(f"catalog: {len(catalog):,} movies loaded in {loaded:.1f} s; {len(work)} kinds of "
          f"update x {ROUNDS} rounds, one at a time, each query different")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
          "(other work on the machine slows these figures)")
    asyncio.run(run(catalog, work))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the process (catalog, recommender, Application): {peak:.0f} MB")


if __name__ == "__main__":
    main()
