"""The movie bot's core: data pipeline, catalog, matching, recommender, formatting, and the
application wiring. Everything but ``app``, ``console`` and ``context`` is free of Telegram."""

import os

# Polars allocates through jemalloc, which by default keeps freed pages for ten seconds: the
# temporaries of building the indexes at start would stay in the worker's RSS (~25 MB). Return
# them at once; measured with bench/bench_catalog.py, queries are no slower. Takes effect only if
# set before Polars is first imported, which importing any ``bot`` module ensures.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
