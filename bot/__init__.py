"""The movie bot's application package.

- ``bot.movies``: the movie core: pipeline, catalog, matching, recommender (no Telegram);
- ``bot.daily``: the daily-picks core: zones, the /daily grammar, the trigger, the posting
  policy, picks, the subscription store (no Telegram);
- ``bot.chat``: what the bot says: formatting, button data, flood bookkeeping (no Telegram);
- ``bot.app``: the Telegram shell: the Application factory, typed context, the offline Bot API
  of ``--console``/``--ask``;
- ``bot.config``, ``bot.logs``: settings from the environment, logging set up once.
"""

import os

# Polars allocates through jemalloc, which by default keeps freed pages for ten seconds: the
# temporaries of building the indexes at start would stay in the worker's RSS (~25 MB). Return
# them at once; measured with bench/bench_catalog.py, queries are no slower. Takes effect only if
# set before Polars is first imported, which importing any ``bot`` module ensures.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
