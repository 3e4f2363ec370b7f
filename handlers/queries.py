"""The catalog commands (/movie, /runtime, /director ...) and plain messages in private chats.

``/runtime Toy Story`` answers at once. A command with no argument answers with its usage in
groups; in a private chat it asks "Which movie?" and the next message is the argument, unless
another command comes first. Any other text in a private chat is looked up as a movie.
"""

from __future__ import annotations

from typing import NamedTuple

from telegram import Chat, ForceReply, Message, MessageEntity, Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.app.context import Context
from bot.chat import formatting
from handlers import answers, replies
from handlers.commands import BY_NAME, QUERIES

MAX_TEXT_CHARS = 1_000
"""How much of what a user typed a handler keeps (more is cut off before any work): a bound on
memory and echoed text, not on the search. The catalog matches only the first
``bot.movies.matching.MAX_QUERY_CHARS`` characters of the normalized query."""

AWAITING = "awaiting"
"""``chat_data`` key: the command whose argument the next private message is."""

FORGET_GROUP = -2
"""Handler group of :func:`forget_question`: it sees every command before any answer to it."""

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


def answered_in_group(command: CommandText, application: Application,
                      username: str | None) -> bool:
    """Whether this bot answers ``command`` in a group: one it knows, bare or addressed to it,
    or an unknown one addressed to it by name ("I don't know ..."). A bare unknown command
    (``/roll d20``) is for some other bot."""
    if not addressed_to_me(command.target, username):
        return False
    return bool(command.target) or command.name in known_commands(application)


async def answer_query(message: Message, context: Context, action: str, query: str) -> None:
    """Look ``query`` up for ``action`` and answer ``message``."""
    reply = answers.answer(context.bot_data.catalog, action, query)
    if reply is not None:
        await replies.send(message, reply)


async def on_query_command(update: Update, context: Context) -> None:
    """/movie, /runtime, /recommend, /director, /collection, /company, /country, /language."""
    message = update.effective_message
    parts = split_command(message) if message is not None else None
    if message is None or parts is None:
        return
    command = BY_NAME[parts.name]
    query = clean(parts.argument)
    if query:
        await answer_query(message, context, command.name, query)
        return
    if message.chat.type == Chat.PRIVATE:
        if context.chat_data is not None:
            context.chat_data[AWAITING] = command.name
        await message.reply_text(
            formatting.ask(command.noun, command.example),
            reply_markup=ForceReply(input_field_placeholder=command.example),
        )
        return
    await message.reply_text(formatting.usage(command.name, command.argument, command.example))


async def on_private_text(update: Update, context: Context) -> None:
    """A plain message in a private chat: the awaited argument, or else a movie title."""
    message = update.effective_message
    if message is None or not message.text:
        return
    action = "movie"
    if context.chat_data is not None:
        action = context.chat_data.pop(AWAITING, None) or action
    query = clean(message.text)
    if not query:
        await message.reply_text(formatting.NOT_TEXT)
        return
    await answer_query(message, context, action, query)


async def forget_question(update: Update, context: Context) -> None:
    """Any command in a private chat drops a pending "Which ...?": the question belonged to the
    command before, so the next plain message is a title again, not that command's argument."""
    if context.chat_data is not None:
        context.chat_data.pop(AWAITING, None)


async def on_private_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice... in a private chat: say what the bot reads."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(formatting.NOT_TEXT)


def known_commands(application: Application) -> set[str]:
    """Every command some handler of the application answers (daily picks' included)."""
    return {
        command
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


async def on_unknown_command(update: Update, context: Context) -> None:
    """A command no handler knows: answered in private chats, and in groups when addressed
    to this bot by name (a bare ``/foo`` in a group may be for another bot)."""
    message = update.effective_message
    command = split_command(message) if message is not None else None
    if message is None or command is None or command.name in known_commands(context.application):
        return
    if message.chat.type == Chat.PRIVATE:
        if not addressed_to_me(command.target, context.bot.username):
            return
    elif not answered_in_group(command, context.application, context.bot.username):
        return
    await message.reply_text(formatting.unknown_command("/" + command.name))


def register(application: Application) -> None:
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE & NEW_MESSAGES,
                       forget_question),
        group=FORGET_GROUP,
    )
    application.add_handler(
        CommandHandler([c.name for c in QUERIES], on_query_command, filters=NEW_MESSAGES)
    )


def register_fallbacks(application: Application) -> None:
    """Handlers for what no other handler took; registered after every other module's."""
    private = filters.ChatType.PRIVATE & NEW_MESSAGES
    application.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, on_unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & private, on_private_text))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_private_other)
    )
