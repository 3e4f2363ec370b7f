"""What a query command answers: its spec's catalog question, shown, with its buttons.

Every way of asking (a command, the next message in a private chat, a question in plain
words, a button, a deep link) ends here with a :class:`~bot.chat.commands.QuerySpec`, what the
user typed or a :class:`Ref`, and a page; :func:`answer` returns the :class:`Reply` to send.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.chat import formatting, questions
from bot.chat.buttons import Button
from bot.chat.commands import SPECS, Link, Query, QuerySpec
from bot.chat.i18n import EN, Translator
from bot.movies.catalog import Catalog
from bot.movies.results import Choice, Found, Ref
from handlers import keyboards
from handlers.replies import Reply


def answer(catalog: Catalog, spec: QuerySpec, query: Query, page: int = 0,
           t: Translator = EN) -> Reply | None:
    """The reply to ``spec``'s command about ``query``, in ``t``'s language; None when
    ``query`` is a :class:`Ref` that no longer points anywhere (a button from an older
    catalog)."""
    if spec.needs_recommender and not catalog.can_recommend:
        return Reply(t._(formatting.NO_RECOMMENDATIONS))
    result = spec.ask(catalog, query)
    if isinstance(result, Choice):
        if isinstance(query, Ref):
            return None
        return Reply(formatting.choice(result, t),
                     keyboards.choices(catalog, spec.name, result.options, result.anchor, page,
                                       t))
    return _shown(catalog, spec, result, page, t)


def _shown(catalog: Catalog, spec: QuerySpec, result: Found[Any], page: int,
           t: Translator) -> Reply:
    """The reply showing ``result``'s page ``page``, with its buttons."""
    shown = spec.show(result.value, t)
    page = min(max(page, 0), len(shown.pages) - 1)
    links = (*shown.links_of(page), *spec.see_also(result.value, result.ref, t))
    rows = [
        keyboards.pager(catalog, spec.name, result.ref, page, len(shown.pages), t),
        *keyboards.link_rows(catalog, links),
        *keyboards.also_rows(catalog, spec.name, result.also),
    ]
    return Reply(shown.pages[page], keyboards.keyboard(rows), shown.photo, shown.caption,
                 shown.chart)


def answer_button(catalog: Catalog, button: Button | None, t: Translator = EN) -> Reply | None:
    """The reply a decoded button (pressed, or its ``/start`` deep link) asks for; None when it
    has expired: made for another catalog (``button`` is None) or pointing at nothing now."""
    if button is None:
        return None
    if button.listing:
        name = catalog.name_of(button.ref)
        if name is None:
            return None
        return answer(catalog, SPECS[button.action], name, button.page, t)
    return answer(catalog, SPECS[button.action], button.ref, button.page, t)


def answer_question(catalog: Catalog, text: str, t: Translator = EN) -> Reply | None:
    """The answer to ``text`` when it is a question about something other than one movie's
    card, found (not a choice): what inline mode shows above its titles. None otherwise."""
    intent = questions.interpret(catalog, text)
    query: Query
    if isinstance(intent, questions.Ask) and intent.action != "movie":
        spec, query = SPECS[intent.action], intent.query
    elif isinstance(intent, questions.Discover) and intent.like is None:
        spec, query = SPECS["discover"], intent.filters
    else:
        return None
    if spec.needs_recommender and not catalog.can_recommend:
        return None
    result = spec.ask(catalog, query)
    return None if isinstance(result, Choice) else _shown(catalog, spec, result, 0, t)


def answer_text(catalog: Catalog, text: str, t: Translator = EN) -> Reply | None:
    """The reply to a message in plain words: the answer of the command it asks
    (:func:`bot.chat.questions.interpret`), or what the bot can do when it asks none."""
    intent = questions.interpret(catalog, text)
    if isinstance(intent, questions.Ask):
        return answer(catalog, SPECS[intent.action], intent.query, t=t)
    if isinstance(intent, questions.Discover):
        if intent.like is None:
            return answer(catalog, SPECS["discover"], intent.filters, t=t)
        filters = intent.filters
        within = replace(SPECS["recommend"],
                         ask=lambda c, q: c.recommend(q, within=filters))
        return answer(catalog, within, intent.like, t=t)
    closest = catalog.label(intent.closest) if intent.closest is not None else None
    links = [Link(f"🎬 {closest}", "movie", intent.closest)] if intent.closest and closest else []
    return Reply(formatting.not_understood(closest, chat=intent.chat, t=t),
                 keyboards.keyboard(keyboards.link_rows(catalog, links)))
