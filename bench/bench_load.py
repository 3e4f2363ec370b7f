"""Overload: 50,000 distinct users through the real Application, with the rate limiter on.

Updates arrive as fast as the bot takes them in, far faster than Telegram lets a bot answer
(30 messages a second): in batches of 100 as ``getUpdates`` delivers them, into the running
Application's update queue, the next batch once fewer than 100 wait; one in ten is an inline
query. The Bot API answers in memory after a simulated round trip. Measured: the
updates handled per second, how long after its update each reply went out (p50/p99, messages
and inline answers apart), how many replies were shed, and the process's RSS before and after
the 50,000 users (flood control and the limiter remember each of them for a while). Also the
flood gate alone: 50,000 distinct senders in a minute (that took ~55 s when cleanup was
quadratic).

Run from the repo root: ``python bench/bench_load.py [users]``. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app.factory import build_application
from bot.app.offline import LocalBotAPI, OfflineRequest, inline_query, private_message
from bot.chat.flood import FloodGate
from bot.config import Settings
from bot.movies.catalog import Catalog

USERS = 50_000
INLINE_EVERY = 10
BATCH = 100
ROUND_TRIP = 0.03
"""Seconds a Bot API call takes (the simulated network)."""
DRAIN_SECONDS = 60.0
"""How long to wait, after the last update, for the replies still queued."""


class TimedAPI(LocalBotAPI):
    """Notes when the first reply to each chat and to each inline query went out."""

    def __init__(self) -> None:
        super().__init__(record=False)
        self.replied: dict[int, float] = {}
        self.answered: dict[str, float] = {}

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        now = time.perf_counter()
        if method == "sendMessage":
            self.replied.setdefault(params["chat_id"], now)
        elif method == "answerInlineQuery":
            self.answered.setdefault(params["inline_query_id"], now)
        return super().handle(method, params)


class SlowRequest(OfflineRequest):
    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await asyncio.sleep(ROUND_TRIP)
        return await super().do_request(*args, **kwargs)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "none"
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1e3:,.0f} ms, p99 {p99 * 1e3:,.0f} ms"


def flood_gate_alone(users: int) -> None:
    gate = FloodGate()
    tracemalloc.start()
    started = time.perf_counter()
    for sender in range(1_000_000_000, 1_000_000_000 + users):
        gate.check(sender)
    elapsed = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"flood gate alone: {users:,} distinct senders in {elapsed * 1e3:,.0f} ms "
          f"(traced, {elapsed / users * 1e6:.1f} us each), {peak / 2**20:.1f} MB")


async def run(catalog: Catalog, users: int) -> None:
    titles = catalog.movies.sort("vote_count", descending=True).head(2_000)["title"].to_list()
    api = TimedAPI()
    application = build_application(Settings(state_db=":memory:"), catalog,
                                     request=SlowRequest(api))
    sent_at: dict[int | str, float] = {}
    async with application:
        await application.start()
        gc.collect()
        before = rss_mb()
        started = time.perf_counter()
        processor = application.update_processor
        for first in range(0, users, BATCH):
            while application.update_queue.qsize() + processor.waiting >= BATCH:
                await asyncio.sleep(0.002)
            now = time.perf_counter()
            for i in range(first, min(first + BATCH, users)):
                user_id = 100_000_000 + i
                if i % INLINE_EVERY == 0:
                    data = inline_query(titles[i % len(titles)][:7], user_id=user_id)
                    sent_at[data["inline_query"]["id"]] = now
                else:
                    data = private_message(f"/runtime {titles[i % len(titles)]}",
                                           user_id=user_id)
                    sent_at[user_id] = now
                await application.update_queue.put(_update(data, application))
        while application.update_queue.qsize() or processor.waiting:
            await asyncio.sleep(0.002)
        taken = time.perf_counter()
        while processor.current_concurrent_updates:
            await asyncio.sleep(0.05)
        handled = time.perf_counter()
        limiter = application.bot.rate_limiter
        deadline = handled + DRAIN_SECONDS
        while limiter.queued and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        drained = time.perf_counter()
        gc.collect()
        after = rss_mb()
        chats = limiter.chats
        await application.stop()

    message_lat = [api.replied[k] - t for k, t in sent_at.items()
                   if isinstance(k, int) and k in api.replied]
    inline_lat = [api.answered[k] - t for k, t in sent_at.items()
                  if isinstance(k, str) and k in api.answered]
    inline_total = sum(isinstance(k, str) for k in sent_at)
    messages_total = len(sent_at) - inline_total
    print(f"{users:,} updates (one in {INLINE_EVERY} inline) taken in (handled, or shed) in "
          f"{taken - started:.1f} s = {users / (taken - started):,.0f} updates/s; the last "
          f"handler done after {handled - started:.1f} s, the last reply out after "
          f"{drained - started:.1f} s")
    print(f"messages: {len(message_lat):,} of {messages_total:,} answered "
          f"({messages_total - len(message_lat):,} shed: {30:,}/s is Telegram's limit); "
          f"reply latency {percentiles(message_lat)}")
    print(f"inline:   {len(inline_lat):,} of {inline_total:,} answered; "
          f"answer latency {percentiles(inline_lat)}")
    print(f"RSS: {before:,.0f} MB before, {after:,.0f} MB after the {users:,} users "
          f"(+{after - before:,.1f} MB; limiter remembers {chats} chats, flood gate "
          f"{len(application.bot_data['flood_private']):,} senders)")


def _update(data: dict[str, Any], application: Any) -> Any:
    from telegram import Update

    return Update.de_json(data, application.bot)


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else USERS
    flood_gate_alone(users)
    catalog = Catalog.load()
    gc.freeze()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"Bot API round trip {ROUND_TRIP * 1e3:.0f} ms (simulated)")
    asyncio.run(run(catalog, users))


if __name__ == "__main__":
    main()
