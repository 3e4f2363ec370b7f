"""The catalog commands (/movie, /runtime, /director ...) and plain messages in private chats.

``/runtime Toy Story`` answers at once. A command with no argument answers with its usage in
groups; in a private chat it asks "Which movie?" and the next message is the argument, unless
another command comes first or ten minutes pass. Any other text in a private chat is a question
in plain words ("how long is toy story", "¿de qué año es Alien?") or a title; in groups, so is
a reply to one of the bot's messages or a message starting with its @username. The commands are
those of :data:`bot.chat.commands.QUERIES`.
"""

from __future__ import annotations

from telegram import Chat, ForceReply, Message, Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.app.context import Context
from bot.chat import formatting
from bot.chat.commands import QUERIES, SPECS, QuerySpec, canonical, names_of
from bot.chat.i18n import Translator
from bot.chat.prompts import Prompts
from handlers import answers, replies
from handlers.incoming import (
    NEW_MESSAGES,
    addressed_to_me,
    answered_in_group,
    clean,
    group_question,
    known_commands,
    split_command,
)
from handlers.language import translator_for

PROMPTS_KEY = "prompts"
"""``bot_data`` key of the pending "Which movie?" questions (:class:`bot.chat.prompts.Prompts`)."""

ONE_SHOT_KEY = "one_shot"
"""``bot_data`` key set by a run that answers one message and exits (``main.py --ask``): it
cannot take the answer to "Which movie?", so a bare command gets its usage there."""

FORGET_GROUP = -2
"""Handler group of :func:`forget_question`: it sees every command before any answer to it."""


def prompts(context: Context) -> Prompts:
    return context.bot_data[PROMPTS_KEY]


async def answer_query(message: Message, context: Context, spec: QuerySpec, query: str,
                       t: Translator) -> None:
    """Look ``query`` up for ``spec``'s command and answer ``message`` in ``t``'s language."""
    reply = answers.answer(context.bot_data.catalog, spec, query, t=t)
    if reply is not None:
        await replies.send(message, reply)


async def on_query_command(update: Update, context: Context) -> None:
    """Every command of :data:`~bot.chat.commands.QUERIES`."""
    message = update.effective_message
    parts = split_command(message) if message is not None else None
    if message is None or parts is None:
        return
    spec = SPECS[canonical(parts.name)]
    query = clean(parts.argument)
    t = await translator_for(update, context)
    if query:
        await answer_query(message, context, spec, query, t)
        return
    if message.chat.type == Chat.PRIVATE and not context.bot_data.get(ONE_SHOT_KEY):
        prompts(context).ask(message.chat.id, spec.name)
        await message.reply_text(
            formatting.ask(spec.noun, t._(spec.example), t),
            reply_markup=ForceReply(input_field_placeholder=t._(spec.example)),
        )
        return
    await message.reply_text(
        formatting.usage(parts.name, t._(spec.argument), t._(spec.example), t))


async def on_private_text(update: Update, context: Context) -> None:
    """A plain message in a private chat: the awaited argument, or else a movie title."""
    message = update.effective_message
    if message is None or not message.text:
        return
    action = prompts(context).take(message.chat.id)
    query = clean(message.text)
    if not query:
        await message.reply_text((await translator_for(update, context))._(formatting.NOT_TEXT))
        return
    if action:
        await answer_query(message, context, SPECS[action], query,
                           await translator_for(update, context))
        return
    await answer_question(message, context, query, await translator_for(update, context, query))


async def answer_question(message: Message, context: Context, text: str,
                          t: Translator) -> None:
    """Answer a question in plain words (or a title)."""
    reply = answers.answer_text(context.bot_data.catalog, text, t)
    if reply is not None:
        await replies.send(message, reply)


async def on_group_text(update: Update, context: Context) -> None:
    """A plain message in a group: answered only when meant for the bot."""
    message = update.effective_message
    if message is None or not message.text:
        return
    text = group_question(message, context.bot.id, context.bot.username)
    if text:
        await answer_question(message, context, text, await translator_for(update, context, text))


async def forget_question(update: Update, context: Context) -> None:
    """Any command in a private chat drops a pending "Which ...?": the question belonged to the
    command before, so the next plain message is a title again, not that command's argument."""
    if update.effective_chat is not None:
        prompts(context).forget(update.effective_chat.id)


async def on_private_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice... in a private chat: say what the bot reads."""
    message = update.effective_message
    if message is not None:
        await message.reply_text((await translator_for(update, context))._(formatting.NOT_TEXT))


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
    t = await translator_for(update, context)
    await message.reply_text(formatting.unknown_command("/" + command.name, t))


def register(application: Application) -> None:
    application.bot_data.setdefault(PROMPTS_KEY, Prompts())
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE & NEW_MESSAGES,
                       forget_question),
        group=FORGET_GROUP,
    )
    application.add_handler(
        CommandHandler([name for spec in QUERIES for name in names_of(spec)], on_query_command,
                       filters=NEW_MESSAGES)
    )


def register_fallbacks(application: Application) -> None:
    """Handlers for what no other handler took; registered after every other module's."""
    private = filters.ChatType.PRIVATE & NEW_MESSAGES
    application.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, on_unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & private, on_private_text))
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS & NEW_MESSAGES,
                       on_group_text)
    )
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_private_other)
    )
