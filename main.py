"""Run the movie bot: long polling (the Procfile worker), a webhook, or offline in a terminal.

    python main.py                            # long polling; WEBHOOK_URL set: a webhook on PORT
    python main.py --console                  # chat in the terminal, no token needed
    python main.py --ask "/runtime Toy Story"  # answer one message and exit
    python main.py --lang es --ask "/country Mexico"  # as a user whose Telegram is in Spanish
"""

from __future__ import annotations

import argparse
import gc
import sys

from telegram.error import InvalidToken

from bot import config, logs
from bot.app import console, runner
from bot.app.factory import build_application
from bot.chat.i18n import DEFAULT, LANGUAGES
from bot.daily.store import StoreError
from bot.movies.catalog import Catalog

EXIT_START = 1
EXIT_CONFIG = 2


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="A Telegram bot that knows 45,000 movies.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--console", action="store_true",
                      help="chat with the bot in this terminal (no token needed)")
    mode.add_argument("--ask", metavar="MESSAGE",
                      help='answer one message as plain text and exit, e.g. "/runtime Toy Story"')
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT,
                        help="with --ask or --console: the language of the user's Telegram app")
    return parser.parse_args(argv)


def fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(f"error: {logs.redact(message)}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    offline = args.console or args.ask is not None
    try:
        settings = config.load(require_token=not offline)
    except config.ConfigError as exc:
        return fail(str(exc))
    secret = settings.token.partition(":")[2]
    password = settings.database_password
    secrets = [settings.token, secret, password if len(password) >= 8 else ""]
    logs.setup("WARNING" if offline else settings.log_level, secrets=secrets,
               reported=(InvalidToken,), quiet_start=not offline)
    try:
        catalog = Catalog.load()
    except FileNotFoundError as exc:
        return fail(f"the movie catalog is missing ({exc.filename}): run python -m bot.movies.etl")
    gc.freeze()  # the catalog lives as long as the process: keep the collector off its objects
    if args.ask is not None:
        return console.ask(catalog, args.ask, language=args.lang)
    if args.console:
        return console.repl(catalog, language=args.lang)

    try:
        application = build_application(settings, catalog)
    except StoreError as exc:  # the store is opened and checked as the bot is built
        return fail(str(exc))
    try:
        runner.run(application, settings, on_started=logs.started)
    except InvalidToken:
        return fail("Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather (/token)")
    except runner.StartError as exc:  # a supervisor's restart may cure it: not a config error
        return fail(str(exc), EXIT_START)
    return 0


if __name__ == "__main__":
    sys.exit(main())
