"""The Application factory: one place that wires settings, catalog and handlers together.

``application.bot_data`` is a :class:`bot.app.context.BotData` holding ``"catalog"`` (also
``bot_data.catalog``), ``"settings"``, ``"flood"`` and ``"daily"`` (the
:class:`bot.app.daily.DailyService`, whose store is opened as the application is built and closed
after it shuts down); handlers are typed with :data:`bot.app.context.Context`.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.app import limiter, updates
from bot.app.context import CONTEXT_TYPES, BotData, Context
from bot.app.daily import DAILY_KEY, DailyService, service
from bot.app.lanes import LaneProcessor
from bot.config import Settings
from bot.daily.stores import open_store
from bot.movies.catalog import Catalog
from handlers import buttons, daily, errors, flood, inline, language, queries, start

logger = logging.getLogger(__name__)

OFFLINE_TOKEN = "0:offline"
"""Token of a bot that never connects (console, tests): python-telegram-bot needs one."""

RETRIES = limiter.RETRIES
"""How many times a request refused with 429 ``retry_after`` is retried after waiting."""


DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML,
    link_preview_options=LinkPreviewOptions(is_disabled=True),
    allow_sending_without_reply=True,
)

ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CHANNEL_POST,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
]
"""What the bot asks Telegram for (``getUpdates`` / ``setWebhook``): not edited messages, which
no handler answers (an edited command is not asked again)."""


def build_application(
    settings: Settings,
    catalog: Catalog,
    *,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> Application:
    """The bot, every handler registered; ``request`` replaces the HTTP client (tests, console).

    The daily picks' store is opened and checked here (PostgreSQL at ``DATABASE_URL`` when it
    is set, else SQLite at ``STATE_DB``): one that cannot be used raises
    :class:`bot.daily.store.StoreError`, before the bot starts.

    ``rate_limit`` keeps outgoing messages within Telegram's limits, per chat and overall, and
    retries 429s and 5xx answers (:class:`bot.app.limiter.Limiter`); the benchmark turns it off
    to measure the handlers alone. Updates are handled in lanes (:mod:`bot.app.lanes`), so
    inline queries and buttons never wait behind messages.
    """
    # The limiter changes the bot's type parameter; the Context alias reads it as Any.
    builder: ApplicationBuilder[Any, Context, Any, Any, BotData, Any] = (
        Application.builder()
        .token(settings.token or OFFLINE_TOKEN)
        .base_url(settings.api_url)
        .defaults(DEFAULTS)
        .context_types(CONTEXT_TYPES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:  # PTB's own client for getUpdates (one connection), screening each update
        builder = builder.get_updates_request(updates.UpdatesRequest(connection_pool_size=1))
    if rate_limit:
        outgoing = limiter.Limiter()
        builder = builder.rate_limiter(outgoing).concurrent_updates(
            LaneProcessor(load=lambda: outgoing.queued / outgoing.total_queue)
        )
    else:
        builder = builder.concurrent_updates(LaneProcessor())
    application = builder.build()
    application.bot_data["catalog"] = catalog
    application.bot_data["settings"] = settings
    store = open_store(settings.state_db, settings.database_url)
    logger.info("Daily pick: subscriptions in %s", store.label)
    application.bot_data[DAILY_KEY] = DailyService(application, store,
                                                   sync_every=settings.daily_sync)
    service(application).restore_on_start()

    flood.register(application)
    start.register(application)
    queries.register(application)
    buttons.register(application)
    inline.register(application)
    daily.register(application)
    language.register(application)
    queries.register_fallbacks(application)
    errors.register(application)
    return application


async def _post_init(application: Application) -> None:
    """Runs once connected, before the first update: the command menu, a line in the log."""
    await start.set_menu(application)
    catalog: Catalog = application.bot_data["catalog"]
    logger.info(
        "Serving @%s: %d movies (catalog %s)", application.bot.username, len(catalog),
        catalog.version,
    )


async def _post_shutdown(application: Application) -> None:
    """Runs once the application has stopped: the daily picks' store is closed."""
    await service(application).close()
