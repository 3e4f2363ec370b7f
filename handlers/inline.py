"""Inline mode: ``@bot toy sto`` in any chat lists matching movies; picking one posts its card.

A question in plain words (``@bot how long is toy story``, ``@bot good comedies 90s``) gets its
answer as the first result, above the titles.
"""

from __future__ import annotations

import hashlib
import html
import re

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, InlineQueryHandler

from bot.app.context import Context
from bot.chat import formatting
from bot.chat.commands import MOVIE
from bot.chat.i18n import EN, N_, Translator
from bot.movies.catalog import Catalog
from bot.movies.results import Movie
from handlers import answers, keyboards
from handlers.incoming import clean
from handlers.language import translator_for
from handlers.replies import NO_PREVIEW, Reply, poster_preview
from handlers.start import INLINE_PAYLOAD

MAX_RESULTS = 10
CACHE_SECONDS = 300
HINT = N_("Type a movie title…")


def hint(t: Translator) -> InlineQueryResultsButton:
    """The button over empty results: it opens the private chat."""
    return InlineQueryResultsButton(t._(HINT), start_parameter=INLINE_PAYLOAD)


def result(catalog: Catalog, movie: Movie, t: Translator = EN) -> InlineQueryResultArticle:
    """One result: title, year and a line; picking it posts the /movie card, its poster as
    the link preview (an inline result cannot be a photo with our buttons and caption)."""
    shown = MOVIE.show(movie, t)
    return InlineQueryResultArticle(
        id=str(movie.id),
        title=movie.ref.label,
        description=formatting.inline_description(movie, t=t),
        input_message_content=InputTextMessageContent(
            shown.pages[0], parse_mode=ParseMode.HTML,
            link_preview_options=poster_preview(shown.photo),
        ),
        reply_markup=keyboards.keyboard(keyboards.link_rows(catalog, shown.links)),
        thumbnail_url=formatting.thumbnail_url(movie),
    )


TAG = re.compile(r"<[^>]+>")


def answer_result(reply: Reply, question: str) -> InlineQueryResultArticle:
    """The answer to a question, as a result: its first line the title (plain text), the
    next lines the description; picking it posts the answer with its buttons."""
    lines = [line.strip() for line in html.unescape(TAG.sub("", reply.text)).splitlines()]
    lines = [line for line in lines if line] or [question]
    return InlineQueryResultArticle(
        id="q" + hashlib.blake2b(question.encode(), digest_size=8).hexdigest(),
        title=formatting.truncate(lines[0], 100),
        description=formatting.truncate(" ".join(lines[1:3]), 120) or None,
        input_message_content=InputTextMessageContent(
            reply.text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
        ),
        reply_markup=reply.keyboard,
    )


async def on_inline_query(update: Update, context: Context) -> None:
    inline = update.inline_query
    if inline is None:
        return
    query = clean(inline.query)
    t = await translator_for(update, context, query)
    if not query:
        await inline.answer([], button=hint(t), cache_time=CACHE_SECONDS, is_personal=True)
        return
    catalog = context.bot_data.catalog
    found = catalog.search_movies(query, MAX_RESULTS)
    results = [result(catalog, movie, t) for movie in found]
    answered = answers.answer_question(catalog, query, t)
    if answered is not None:
        results = [answer_result(answered, query), *results][:MAX_RESULTS]
    # Personal: the results are in the user's language, so Telegram must not share its cache.
    await inline.answer(results, cache_time=CACHE_SECONDS, is_personal=True,
                        button=None if results else hint(t))


def register(application: Application) -> None:
    application.add_handler(InlineQueryHandler(on_inline_query))
