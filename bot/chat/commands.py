"""The bot's commands, one spec each: the single table everything about a command derives from.

A :class:`QuerySpec` names a command that asks the catalog: its menu line, its example, the
kind of thing its argument names, the catalog question it asks and how its answer is shown.
The menu, /help, the command handlers, the "Which movie?" follow-up in private chats, the
buttons and their deep links, inline mode and the console all read these specs, so a new query
command is one spec here, one catalog method and one formatter.

Pure: no Telegram. :class:`Shown` says what to send; ``handlers/answers.py`` turns it into a
message with buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.chat import charts, formatting, questions
from bot.chat.i18n import EN, N_, Translator
from bot.movies.catalog import Catalog
from bot.movies.discovery import Filters
from bot.movies.results import (
    Answer,
    BoxOffice,
    Choice,
    Decades,
    Discovered,
    Kind,
    Movie,
    NoCollection,
    Recommendations,
    Ref,
)

Query = str | Ref | Filters


@dataclass(frozen=True, slots=True)
class Link:
    """A button under an answer that opens another answer in a new message."""

    label: str
    action: str
    ref: Ref


@dataclass(frozen=True, slots=True)
class Shown:
    """An answer ready to show: one or more HTML pages (Prev/Next between them), buttons to
    other answers, and for movie cards a poster ``photo`` URL with a shorter ``caption``; for
    charts the ``chart`` to draw as the photo (its PNG is made when sent, off the event loop)."""

    pages: tuple[str, ...]
    links: tuple[Link, ...] = ()
    photo: str | None = None
    caption: str | None = None
    chart: charts.Chart | None = None
    page_links: tuple[tuple[Link, ...], ...] = ()
    """Buttons of one page only (a discovery's movies), after ``links``."""

    def links_of(self, page: int) -> tuple[Link, ...]:
        """The buttons under page ``page``."""
        return self.links + (self.page_links[page] if page < len(self.page_links) else ())


@dataclass(frozen=True, slots=True)
class Command:
    """A menu entry; ``argument`` and ``example`` are empty for commands that take none.

    ``names`` are the command in other languages (``(("es", "duracion"),)``): each is handled
    like ``name`` and is the one that language's menu and help show.
    """

    name: str
    description: str
    argument: str = ""
    example: str = ""
    names: tuple[tuple[str, str], ...] = ()

    def name_in(self, language: str) -> str:
        """The command as ``language``'s menu lists it."""
        return dict(self.names).get(language, self.name)

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every other name it answers to."""
        return tuple(name for _language, name in self.names if name != self.name)


def _no_links(value: Any, ref: Ref, t: Translator = EN) -> tuple[Link, ...]:
    return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class QuerySpec(Command):
    """A command that asks the catalog; its ``name`` is also its button action.

    ``code`` is the action in callback data (a few letters: Telegram allows 64 bytes).
    ``ask`` takes a :data:`Query`: what was typed or a :class:`Ref` (or for /discover the
    :class:`~bot.movies.discovery.Filters` read from words); each catalog method narrows it.
    ``refs`` are the kinds of :class:`Ref` its buttons may carry (``kind`` by default).
    ``see_also`` gives buttons to other answers about the same thing (the 📊 chart of a
    director), from the answer's value and reference. ``what`` is what the argument names
    when not just ``kind``. ``show`` and ``see_also`` write in the language of the
    :class:`~bot.chat.i18n.Translator` they are given.
    """

    code: str
    kind: Kind
    ask: Callable[[Catalog, Any], Answer[Any]]
    show: Callable[[Any, Translator], Shown]
    refs: frozenset[Kind] = field(default=frozenset())
    paged: bool = False
    needs_recommender: bool = False
    see_also: Callable[[Any, Ref, Translator], tuple[Link, ...]] = _no_links
    what: str = ""

    @property
    def noun(self) -> str:
        """What the argument names, for "Which movie?"."""
        return self.what or self.kind.value

    def accepts(self, ref: Ref) -> bool:
        """Whether a button of this action may point at ``ref``."""
        return ref.kind is self.kind or ref.kind in self.refs


def more_like_this_link(movie: Movie, t: Translator = EN) -> Link:
    """The button under a movie card: ``/recommend`` for the movie, in a new message."""
    return Link(t._(formatting.MORE_LIKE_THIS), "recommend", Ref(Kind.MOVIE, movie.id))


def card(movie: Movie, t: Translator = EN) -> Shown:
    """A movie's card; under its poster when it has one."""
    poster = formatting.poster_url(movie)
    caption = formatting.movie_card(movie, formatting.CAPTION_LIMIT, t) if poster else None
    return Shown((formatting.movie_card(movie, t=t),), (more_like_this_link(movie, t),), poster,
                 caption)


def _text(render: Callable[[Any, Translator], str]) -> Callable[[Any, Translator], Shown]:
    """An answer that is one short text."""
    def show(value: Any, t: Translator = EN) -> Shown:
        return Shown((render(value, t),))
    return show


def _pages(
    render: Callable[[Any, Translator], list[str]],
) -> Callable[[Any, Translator], Shown]:
    """An answer in pages."""
    def show(value: Any, t: Translator = EN) -> Shown:
        return Shown(tuple(render(value, t)))
    return show


def _recommendations(found: Recommendations, t: Translator = EN) -> Shown:
    """Five movies with their reasons; a button under each opens its card."""
    if not found.picks:
        if found.within:
            return Shown((formatting.none_within(found.movie.ref, found.within, t),))
        return Shown((formatting.not_enough_data(found.movie.ref, t),))
    links = tuple(Link(f"🎬 {ref.label}", "movie", Ref(Kind.MOVIE, ref.id))
                  for ref, _reason in found.picks)
    return Shown((formatting.recommendations(found.movie, found.picks, found.within, t),),
                 links)


def _discovery(found: Discovered, t: Translator = EN) -> Shown:
    """Ten movies a page, a button under each to its card."""
    pages = formatting.discovery(found, t)
    per_page = formatting.DISCOVERY_PAGE
    links = tuple(
        tuple(Link(f"🎬 {m.movie.label}", "movie", Ref(Kind.MOVIE, m.movie.id))
              for m in found.movies[i:i + per_page])
        for i in range(0, len(found.movies), per_page)
    )
    return Shown(tuple(pages), page_links=links)


def _discover(catalog: Catalog, query: Query) -> Answer[Discovered]:
    """``/discover`` about filters, a button's packed filters, or words to read them from."""
    if isinstance(query, str):
        filters = questions.filters_of(catalog, query)
        if filters is None:
            return Choice(Kind.DISCOVERY, query, ambiguous=False, options=())
        query = filters
    return catalog.discover(query)


def _chart(value: BoxOffice | Decades, t: Translator = EN) -> Shown:
    """A chart as the photo, its totals as the caption (and as the text where no photo goes)."""
    if isinstance(value, BoxOffice):
        chart: charts.Chart = charts.box_office(value, t)
        text = formatting.box_office_caption(value, t)
    else:
        chart = charts.decades(value, t)
        text = formatting.decades_caption(value, t)
    return Shown((text,), caption=text, chart=chart)


def _chart_button(label: str) -> Callable[[Any, Ref, Translator], tuple[Link, ...]]:
    """A button to the chart of what was answered (not of a title in no collection)."""
    def links(value: Any, ref: Ref, t: Translator = EN) -> tuple[Link, ...]:
        return () if isinstance(value, NoCollection) else (Link(t._(label), "chart", ref),)
    return links


CHART_BUTTON = _chart_button(formatting.CHART)
DECADES_BUTTON = _chart_button(formatting.PER_DECADE)

MOVIE = QuerySpec(
    name="movie", names=(("es", "pelicula"),),
    description=N_("A movie's card: cast, money, plot, links"),
    argument=N_("<title>"),
    example="Toy Story", code="mv", kind=Kind.MOVIE, ask=Catalog.movie, show=card,
)
QUERIES = (
    MOVIE,
    QuerySpec(
        name="runtime", names=(("es", "duracion"),),
        description=N_("How long a movie runs"), argument=N_("<title>"),
        example="Toy Story", code="rt", kind=Kind.MOVIE, ask=Catalog.movie,
        show=_text(formatting.runtime),
    ),
    QuerySpec(
        name="recommend", names=(("es", "recomendar"),),
        description=N_("Five movies like one you liked"),
        argument=N_("<title>"),
        example="The Matrix", code="rec", kind=Kind.MOVIE, ask=Catalog.recommend,
        show=_recommendations, needs_recommender=True,
    ),
    QuerySpec(
        name="director", names=(("es", "director"),),
        description=N_("A director's movies, revenue and return"),
        argument=N_("<name>"), example="Christopher Nolan", code="dir", kind=Kind.DIRECTOR,
        ask=Catalog.director, show=_pages(formatting.director), paged=True,
        see_also=CHART_BUTTON,
    ),
    QuerySpec(
        name="collection", names=(("es", "coleccion"),),
        description=N_("The movies of a series, and its revenue"),
        argument=N_("<name or title>"), example="Harry Potter", code="col",
        kind=Kind.COLLECTION, refs=frozenset({Kind.MOVIE}), ask=Catalog.collection,
        show=_pages(formatting.collection), paged=True, see_also=CHART_BUTTON,
    ),
    QuerySpec(
        name="company", names=(("es", "productora"),),
        description=N_("A production company's movies and revenue"),
        argument=N_("<name>"), example="Pixar", code="co", kind=Kind.COMPANY,
        ask=Catalog.company, show=_text(formatting.company), see_also=CHART_BUTTON,
    ),
    QuerySpec(
        name="chart", names=(("es", "grafico"),),
        description=N_("A director's, company's or series' box office, drawn"),
        argument=N_("<name>"), example="Christopher Nolan", code="ch", kind=Kind.DIRECTOR,
        refs=frozenset({Kind.COMPANY, Kind.COLLECTION, Kind.MOVIE, Kind.COUNTRY,
                        Kind.LANGUAGE}),
        ask=Catalog.chart, show=_chart, what="director, company or collection",
    ),
    QuerySpec(
        name="country", names=(("es", "pais"),),
        description=N_("How many movies a country produced"),
        argument=N_("<name or code>"), example=N_("Japan"), code="cty", kind=Kind.COUNTRY,
        ask=Catalog.country, show=_text(formatting.country), see_also=DECADES_BUTTON,
    ),
    QuerySpec(
        name="language", names=(("es", "idioma"),),
        description=N_("How many movies are in a language"),
        argument=N_("<name or code>"), example="French", code="lang", kind=Kind.LANGUAGE,
        ask=Catalog.language, show=_text(formatting.language), see_also=DECADES_BUTTON,
    ),
    QuerySpec(
        name="discover", names=(("es", "descubrir"),),
        description=N_("Movies by genre, years, length, language, country"),
        argument=N_("<what you feel like>"), example=N_("good comedy 90s"), code="dsc",
        kind=Kind.DISCOVERY, ask=_discover, show=_discovery, paged=True,
    ),
)
"""The commands that ask the catalog, in menu order."""

DAILY = Command("daily", N_("A movie posted in this chat every day"),
                N_("<time> [zone] [genre]"), "09:00 Europe/Madrid", (("es", "diaria"),))
"""Answered by ``handlers/daily.py``; listed here for the menu and the help."""

LANG = Command("lang", N_("The language I speak in this chat: es, en or auto"),
               "<es|en|auto>", "es")
"""Answered by ``handlers/language.py``; in the help, not in the menu (a chat's setting, like
the menu's own language, is rarely changed)."""

HELP = Command("help", N_("Every command, with an example"), names=(("es", "ayuda"),))

COMMANDS = (
    Command("start", N_("Say hello and see what I can do")),
    *QUERIES,
    DAILY,
    HELP,
)
"""Telegram's command menu, in order."""

SPECS = {spec.name: spec for spec in QUERIES}
"""Query specs by command name (= button action)."""

CANONICAL = {alias: command.name for command in COMMANDS for alias in command.aliases}
"""The command (its English name) of each name in another language: ``duracion`` -> ``runtime``."""


def canonical(name: str) -> str:
    """The command's own name, whichever language ``name`` is in."""
    return CANONICAL.get(name, name)


def names_of(command: Command) -> list[str]:
    """Every name a handler of ``command`` answers to."""
    return [command.name, *command.aliases]


def help_entries(t: Translator = EN) -> list[tuple[str, str, str]]:
    """(name, description, example) of the commands that take an argument, for the help, in
    ``t``'s language."""
    return [(c.name_in(t.code), t._(c.description), t._(c.example) if c.example else "")
            for c in (*QUERIES, DAILY, LANG)]
