"""Run the bot until SIGTERM or SIGINT: long polling, or the webhook of :mod:`bot.app.webhook`.

This is python-telegram-bot's documented manual sequence (``initialize``, ``post_init``, start
the source of updates, ``start``; then the reverse, with ``post_stop`` and ``post_shutdown``)
in place of ``run_polling``/``run_webhook``, for two reasons: the webhook server is our own, and
a start that fails (API unreachable, not JSON, webhook refused, port taken) becomes one
:class:`StartError` line for the operator instead of PTB's tracebacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

import tornado.httpserver
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.app import webhook
from bot.app.factory import ALLOWED_UPDATES
from bot.config import Settings

logger = logging.getLogger(__name__)


class StartError(Exception):
    """The bot could not start; the message is one line (no token) for the operator."""


def run(
    application: Application, settings: Settings, on_started: Callable[[], None] = lambda: None
) -> None:
    """Serve until a stop signal; :class:`StartError` (or ``InvalidToken``) if it cannot start.

    ``on_started`` is called once updates flow (``bot.logs.started``: PTB's tracebacks logged
    during start are left out, as the start's error is reported by the caller).
    """
    asyncio.run(_serve(application, settings, on_started))


async def _serve(
    application: Application, settings: Settings, on_started: Callable[[], None]
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if settings.webhook_url:
        logger.info("Webhook mode on port %d", settings.port)
    else:
        logger.info("Long polling")
    starting = asyncio.ensure_future(_start(application, settings))
    stopping = asyncio.ensure_future(stop.wait())
    server: tornado.httpserver.HTTPServer | None = None
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():  # stopped while starting (a slow getMe): no error
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            return
        server = starting.result()
        on_started()
        await stopping
    finally:
        stopping.cancel()
        await _stop(application, server)


async def _start(
    application: Application, settings: Settings
) -> tornado.httpserver.HTTPServer | None:
    """Connect and start taking updates; the webhook server, if that is how they come."""
    step = "getMe"
    server = None
    try:
        await application.initialize()
        step = "start-up (setMyCommands)"
        if application.post_init:
            await application.post_init(application)
        if settings.webhook_url:
            await application.start()
            step = f"listening on port {settings.port}"
            server = webhook.listen(application, port=settings.port, path=settings.webhook_path,
                                    secret=settings.webhook_secret)
            step = "setWebhook"
            await application.bot.set_webhook(
                settings.webhook_url, secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            step = "deleteWebhook"
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, error_callback=_polling_failed
            )
            await application.start()
        return server
    except InvalidToken:
        _close(server)
        raise
    except TelegramError as exc:
        _close(server)
        # No answer, or not JSON (BadRequest & co. are NetworkErrors too: but answers)
        if isinstance(exc, TimedOut) or type(exc) in (NetworkError, TelegramError):
            raise StartError(
                f"cannot reach the Bot API at {settings.api_url} ({step}): {exc}"
            ) from None
        raise StartError(f"the Bot API refused {step}: {exc}") from None
    except OSError as exc:
        _close(server)
        raise StartError(f"{step} failed: {exc.strerror or exc}") from None


def _close(server: tornado.httpserver.HTTPServer | None) -> None:
    if server is not None:
        server.stop()


def _polling_failed(error: TelegramError) -> None:
    """One line per failed getUpdates (PTB retries, waiting longer each time): no traceback."""
    logger.warning("getUpdates failed, retrying: %s", error)


async def _stop(application: Application, server: tornado.httpserver.HTTPServer | None) -> None:
    """Undo whatever part of :func:`_start` was done, in reverse."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if server is not None:
        server.stop()
        await server.close_all_connections()
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
