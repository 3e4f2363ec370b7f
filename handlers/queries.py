"""The catalog commands (/movie, /runtime, /director ...) and plain messages in private chats.

``/runtime Toy Story`` answers at once. A command with no argument answers with its usage in
groups; in a private chat it asks "Which movie?" and the next message is the argument. Any
other text in a private chat is looked up as a movie.
"""

from __future__ import annotations

from telegram import Chat, ForceReply, Message, Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot import formatting
from bot.context import Context
from handlers import answers, replies
from handlers.commands import BY_NAME, QUERIES

MAX_QUERY_CHARS = 1_000
AWAITING = "awaiting"
"""``chat_data`` key: the command whose argument the next private message is."""

NEW_MESSAGES = filters.UpdateType.MESSAGE
"""Edited messages and channel posts are not commands to answer."""


def clean(text: str) -> str:
    """What the user typed, on one line: control characters become spaces, length is capped."""
    text = text[: MAX_QUERY_CHARS * 2]
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[
        :MAX_QUERY_CHARS
    ]


def split_command(text: str) -> tuple[str, str, str]:
    """``/runtime@Bot Toy Story`` -> (``runtime``, ``Bot``, ``Toy Story``)."""
    parts = text.split(maxsplit=1)
    if not parts:
        return "", "", ""
    name, _, target = parts[0][1:].partition("@")
    return name.lower(), target, parts[1] if len(parts) > 1 else ""


def addressed_to_me(target: str, username: str | None) -> bool:
    """A command with no ``@bot`` part is for any bot; else only for the one it names."""
    return not target or (username is not None and target.lower() == username.lower())


async def answer_query(message: Message, context: Context, action: str, query: str) -> None:
    """Look ``query`` up for ``action`` and answer ``message``."""
    reply = answers.answer(context.bot_data.catalog, action, query)
    if reply is not None:
        await replies.send(message, reply)


async def on_query_command(update: Update, context: Context) -> None:
    """/movie, /runtime, /recommend, /director, /collection, /company, /country, /language."""
    message = update.effective_message
    if message is None or not message.text:
        return
    name, _target, rest = split_command(message.text)
    command = BY_NAME[name]
    query = clean(rest)
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
    if message is None or not message.text:
        return
    name, target, _rest = split_command(message.text)
    if name in known_commands(context.application):
        return
    if not addressed_to_me(target, context.bot.username):
        return
    if message.chat.type != Chat.PRIVATE and not target:
        return
    await message.reply_text(formatting.unknown_command("/" + name))


def register(application: Application) -> None:
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
