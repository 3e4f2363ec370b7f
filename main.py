"""Run the movie bot: long polling (the Procfile worker), a webhook, or offline in a terminal.

    python main.py                            # long polling; WEBHOOK_URL set: run_webhook on PORT
    python main.py --console                  # chat in the terminal, no token needed
    python main.py --ask "/runtime Toy Story"  # answer one message and exit
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys

from telegram.error import InvalidToken

from bot import config, logs
from bot.app import console
from bot.app.factory import ALLOWED_UPDATES, build_application
from bot.daily.store import StoreError
from bot.movies.catalog import Catalog

logger = logging.getLogger("bot")

EXIT_CONFIG = 2


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="A Telegram bot that knows 45,000 movies.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--console", action="store_true",
                      help="chat with the bot in this terminal (no token needed)")
    mode.add_argument("--ask", metavar="MESSAGE",
                      help='answer one message as plain text and exit, e.g. "/runtime Toy Story"')
    return parser.parse_args(argv)


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_CONFIG


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    offline = args.console or args.ask is not None
    try:
        settings = config.load(require_token=not offline)
    except config.ConfigError as exc:
        return fail(str(exc))
    secret = settings.token.partition(":")[2]
    logs.setup("WARNING" if offline else settings.log_level, secrets=[settings.token, secret],
               reported=(InvalidToken,))
    try:
        catalog = Catalog.load()
    except FileNotFoundError as exc:
        return fail(f"the movie catalog is missing ({exc.filename}): run python -m bot.movies.etl")
    gc.freeze()  # the catalog lives as long as the process: keep the collector off its objects
    if args.ask is not None:
        return console.ask(catalog, args.ask)
    if args.console:
        return console.repl(catalog)

    try:
        application = build_application(settings, catalog)
    except StoreError as exc:  # STATE_DB is opened and checked as the bot is built
        return fail(str(exc))
    try:
        if settings.webhook_url:
            logger.info("Webhook mode on port %d", settings.port)
            application.run_webhook(
                listen="0.0.0.0",
                port=settings.port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            logger.info("Long polling")
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        return fail("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather (/token)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
