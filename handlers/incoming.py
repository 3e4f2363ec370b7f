"""Reading what an update says: the command it starts with, whom that command is for, and the
user's text cleaned for the core. Shared by every handler module."""

from __future__ import annotations

from typing import NamedTuple

from telegram import Message, MessageEntity
from telegram.ext import Application, CommandHandler, filters

MAX_TEXT_CHARS = 1_000
"""How much of what a user typed a handler keeps (more is cut off before any work): a bound on
memory and echoed text, not on the search. The catalog matches only the first
``bot.movies.matching.MAX_QUERY_CHARS`` characters of the normalized query."""

NEW_MESSAGES = filters.UpdateType.MESSAGE
"""Edited messages and channel posts are not commands to answer."""


def clean(text: str) -> str:
    """What the user typed, on one line: control characters become spaces, length is capped."""
    text = text[: MAX_TEXT_CHARS * 2]
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[
        :MAX_TEXT_CHARS
    ]


class CommandText(NamedTuple):
    """A command as Telegram delimits it: ``/runtime@Bot,Toy Story`` is ``runtime`` (lower
    case), ``Bot`` (empty when bare) and ``,Toy Story``."""

    name: str
    target: str
    argument: str


def split_command(message: Message) -> CommandText | None:
    """The command ``message`` starts with, or None.

    Taken from the ``bot_command`` entity at offset 0, as python-telegram-bot's
    ``CommandHandler`` does: Telegram ends a command at the first character that is not a
    letter, digit or ``_`` (``/movie,Toy Story`` is ``/movie``), so splitting at whitespace
    would not name the command that was matched.
    """
    entity = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    if entity is None or not message.text:
        return None
    command = message.parse_entity(entity)
    name, _, target = command[1:].partition("@")
    return CommandText(name.lower(), target, message.text[len(command):])


def addressed_to_me(target: str, username: str | None) -> bool:
    """A command with no ``@bot`` part is for any bot; else only for the one it names."""
    return not target or (username is not None and target.lower() == username.lower())


def known_commands(application: Application) -> set[str]:
    """Every command some handler of the application answers (daily picks' included)."""
    return {
        command
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


def answered_in_group(command: CommandText, application: Application,
                      username: str | None) -> bool:
    """Whether this bot answers ``command`` in a group: one it knows, bare or addressed to it,
    or an unknown one addressed to it by name ("I don't know ..."). A bare unknown command
    (``/roll d20``) is for some other bot."""
    if not addressed_to_me(command.target, username):
        return False
    return bool(command.target) or command.name in known_commands(application)


def group_question(message: Message, bot_id: int, username: str | None) -> str | None:
    """The question in a group message meant for this bot: a reply to one of its messages, or
    a message starting with its @username (which is cut off); None for other chatter."""
    text = clean(message.text or "")
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    mention = f"@{username}".lower() if username else None
    if mention and text.lower().startswith(mention):
        rest = text[len(mention):]
        if not rest[:1].isalnum() and rest[:1] != "_":
            return rest.lstrip(" ,:;").strip()
    return None
