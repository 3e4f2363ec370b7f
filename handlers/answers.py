"""What a query command answers: its spec's catalog question, shown, with its buttons.

Every way of asking (a command, the next message in a private chat, a button, a deep link)
ends here with a :class:`~bot.chat.commands.QuerySpec`, what the user typed or a :class:`Ref`,
and a page; :func:`answer` returns the :class:`Reply` to send.
"""

from __future__ import annotations

from bot.chat import formatting
from bot.chat.buttons import Button
from bot.chat.commands import SPECS, Query, QuerySpec
from bot.movies.catalog import Catalog, Choice, Ref
from handlers import keyboards
from handlers.replies import Reply


def answer(catalog: Catalog, spec: QuerySpec, query: Query, page: int = 0) -> Reply | None:
    """The reply to ``spec``'s command about ``query``; None when ``query`` is a :class:`Ref`
    that no longer points anywhere (a button from an older catalog)."""
    if spec.needs_recommender and not catalog.can_recommend:
        return Reply(formatting.NO_RECOMMENDATIONS)
    result = spec.ask(catalog, query)
    if isinstance(result, Choice):
        if isinstance(query, Ref):
            return None
        return Reply(formatting.choice(result),
                     keyboards.choices(catalog, spec.name, result.options, result.anchor, page))
    shown = spec.show(result.value)
    page = min(max(page, 0), len(shown.pages) - 1)
    rows = [
        keyboards.pager(catalog, spec.name, result.ref, page, len(shown.pages)),
        *keyboards.link_rows(catalog, shown.links),
        *keyboards.also_rows(catalog, spec.name, result.also),
    ]
    return Reply(shown.pages[page], keyboards.keyboard(rows), shown.photo, shown.caption)


def answer_button(catalog: Catalog, button: Button | None) -> Reply | None:
    """The reply a decoded button (pressed, or its ``/start`` deep link) asks for; None when it
    has expired: made for another catalog (``button`` is None) or pointing at nothing now."""
    if button is None:
        return None
    if button.listing:
        name = catalog.name_of(button.ref)
        return None if name is None else answer(catalog, SPECS[button.action], name, button.page)
    return answer(catalog, SPECS[button.action], button.ref, button.page)
