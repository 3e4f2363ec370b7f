"""The bot's commands: names, one-line descriptions, real examples; the menu Telegram shows."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Command:
    """A command; ``argument`` and ``example`` are empty for those that take none."""

    name: str
    description: str
    argument: str = ""
    example: str = ""
    noun: str = ""


QUERIES = (
    Command("movie", "A movie's card: cast, money, plot, links", "<title>", "Toy Story", "movie"),
    Command("runtime", "How long a movie runs", "<title>", "Toy Story", "movie"),
    Command("recommend", "Five movies like one you liked", "<title>", "The Matrix", "movie"),
    Command("director", "A director's movies, revenue and return", "<name>",
            "Christopher Nolan", "director"),
    Command("collection", "The movies of a series, and its revenue", "<name or title>",
            "Harry Potter", "collection"),
    Command("company", "A production company's movies and revenue", "<name>", "Pixar",
            "company"),
    Command("country", "How many movies a country produced", "<name or code>", "Japan",
            "country"),
    Command("language", "How many movies are in a language", "<name or code>", "French",
            "language"),
)
"""The commands that ask the catalog; each name is also a button action."""

DAILY = Command("daily", "A movie posted in this chat every day", "<time> [zone] [genre]",
                "09:00 Europe/Madrid")
"""Answered by ``handlers/daily.py``; listed here for the menu and the help."""

COMMANDS = (
    Command("start", "Say hello and see what I can do"),
    *QUERIES,
    DAILY,
    Command("help", "Every command, with an example"),
)
BY_NAME = {command.name: command for command in COMMANDS}


def help_entries() -> list[tuple[str, str, str]]:
    """(name, description, example) of the commands that take an argument, for the help."""
    return [(c.name, c.description, c.example) for c in (*QUERIES, DAILY)]


async def set_menu(application: Application) -> None:
    """Register the commands with ``setMyCommands``, so Telegram's menu lists them."""
    try:
        await application.bot.set_my_commands(
            [BotCommand(c.name, c.description) for c in COMMANDS]
        )
    except TelegramError as exc:
        logger.warning("Could not set the command menu: %s", exc)
