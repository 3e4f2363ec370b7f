"""Turn catalog answers into the HTML texts the bot sends.

Pure functions, no Telegram imports. Every string that comes from the data or from the user is
escaped here, once; numbers are written the way people read them (``$1.2B``, ``2,435 movies``).
Each text is in the language of the :class:`~bot.chat.i18n.Translator` ``t`` it is given
(English by default): the messages are gettext's, numbers and money Babel's.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.chat.i18n import EN, N_, Translator
from bot.movies.results import (
    BoxOffice,
    Choice,
    CollectionInfo,
    CompanyStats,
    CountryCount,
    Decades,
    DirectorStats,
    Discovered,
    Kind,
    LanguageCount,
    Movie,
    MovieRef,
    NoCollection,
)

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
POSTER_BASE = "https://image.tmdb.org/t/p/w342"
THUMBNAIL_BASE = "https://image.tmdb.org/t/p/w92"
TMDB_MOVIE = "https://www.themoviedb.org/movie/"
IMDB_TITLE = "https://www.imdb.com/title/"
CHART = N_("📊 Chart")
PER_DECADE = N_("📊 Movies per decade")

def h(text: object) -> str:
    """HTML-escape anything for Telegram's HTML parse mode."""
    return escape(str(text), quote=False)


def plural(noun: str) -> str:
    """``movie`` -> ``movies``, ``company`` -> ``companies``."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str) -> str:
    """``1 movie``, ``2,435 movies``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural(noun)}"


def n_movies(n: int, t: Translator = EN) -> str:
    """``1 movie``, ``2,435 movies`` / ``1 película``, ``2.435 películas``."""
    return t.ngettext("{n} movie", "{n} movies", n).format(n=t.number(n))


def money(amount: float | None, t: Translator = EN) -> str:
    """``$1.2B``, ``$373.6M``, ``$850K``, ``$900`` (Babel's compact form of the locale:
    ``1200 M US$`` in Spanish); unknown amounts say so."""
    if amount is None:
        return t._("unknown")
    return t.money(amount)


def exact_money(amount: int, t: Translator = EN) -> str:
    """A total as read and as counted: ``$11.2B (11,188,533,734)``; small sums are exact anyway."""
    rounded = money(amount, t)
    return rounded if amount < 1000 else f"{rounded} ({t.number(amount)})"


def _revenue_known(known: int, total: int, t: Translator = EN) -> str:
    """Over which movies a revenue figure is: ``all 3 movies``, ``2 of 3 movies``."""
    if total == 1:
        return t._("the one movie")
    if known == total:
        return t._("all {n} movies").format(n=t.number(total))
    return t._("{known} of {n} movies").format(known=t.number(known), n=t.number(total))


def revenue_line(total: int, known: int, movies: int, average: float | None = None,
                 t: Translator = EN) -> str:
    """``Total revenue $1.2B (1,234,567,890), known for 2 of 3 movies``, or that none is known."""
    if not known:
        if movies == 1:
            return t._("Revenue unknown for the one movie")
        return t._("Revenue unknown for all {n} movies").format(n=t.number(movies))
    mean = (t._(", average {money}").format(money=money(average, t))
            if average is not None and known > 1 else "")
    return t._("Total revenue {total}{average}, known for {movies}").format(
        total=exact_money(total, t), average=mean, movies=_revenue_known(known, movies, t)
    )


def times(ratio: float | None, t: Translator = EN) -> str:
    """A return on budget: ``4.2×``."""  # noqa: RUF002
    return t._("n/a") if ratio is None else f"{t.number(ratio, 1)}×"  # noqa: RUF001


def title(movie: MovieRef) -> str:
    """``Toy Story (1995)``, escaped."""
    return h(movie.label)


def truncate(text: str, limit: int) -> str:
    """Cut plain text to ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def paginate(header: str, lines: Sequence[str], limit: int = MESSAGE_LIMIT,
             t: Translator = EN) -> list[str]:
    """Split a header and lines into pages under ``limit`` characters, never inside a line.

    Room is left on each page for a ``Page i/n`` footer.
    """
    room = limit - len(header) - 40
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        line = line if len(line) < room else line[: room - 1] + "…"
        if pages[-1] and size + len(line) + 1 > room:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    total = len(pages)
    out = []
    for i, page in enumerate(pages, 1):
        footer = "\n\n<i>" + page_of(i, total, t) + "</i>" if total > 1 else ""
        out.append(header + "\n".join(page) + footer)
    return out


def page_of(page: int, pages: int, t: Translator = EN) -> str:
    """``Page 2/5``."""
    return t._("Page {page}/{pages}").format(page=page, pages=pages)


# -- answers ------------------------------------------------------------------------------------


def runtime(movie: Movie, t: Translator = EN) -> str:
    minutes = minutes_of(movie.runtime, t) if movie.runtime else t._("unknown runtime")
    year = str(movie.year) if movie.year else t._("release year unknown")
    return f"🎬 <b>{h(movie.title)}</b>: {minutes}, {year}."


def minutes_of(runtime: int, t: Translator = EN) -> str:
    """``81 min``."""
    return t._("{n} min").format(n=t.number(runtime))


def language(result: LanguageCount, t: Translator = EN) -> str:
    return t._("🗣 {movies} in <b>{name}</b> (<code>{code}</code>).").format(
        movies=n_movies(result.count, t), name=h(t.language_name(result.code, result.name)),
        code=h(result.code),
    )


def country(result: CountryCount, t: Translator = EN) -> str:
    return t._("🌍 {movies} produced in <b>{name}</b> (<code>{code}</code>).").format(
        movies=n_movies(result.count, t), name=h(t.country_name(result.name)), code=h(result.code)
    )


def collection(result: CollectionInfo | NoCollection, t: Translator = EN) -> list[str]:
    if isinstance(result, NoCollection):
        return [t._("🎞 <b>{title}</b> does not belong to a collection.").format(
            title=title(result.movie))]
    revenue = revenue_line(
        result.total_revenue, result.known_revenue, len(result.movies), result.average_revenue, t
    )
    header = f"🎞 <b>{h(result.name)}</b>: {n_movies(len(result.movies), t)}\n{revenue}\n\n"
    lines = [f"{i}. {title(m)}" for i, m in enumerate(result.movies, 1)]
    return paginate(header, lines, t=t)


def company(result: CompanyStats, t: Translator = EN) -> str:
    text = (
        f"🏢 <b>{h(result.name)}</b>: {n_movies(result.count, t)}\n"
        + revenue_line(result.total_revenue, result.known_revenue, result.count, t=t)
    )
    if result.top:
        earned = [*result.top_revenue, *[None] * len(result.top)]
        text += "\n\n" + t._("Top earners:") + "\n" + "\n".join(
            f"• {title(m)}" + (f": {money(r, t)}" if r else "")
            for m, r in zip(result.top, earned, strict=False)
        )
    return text


def director(result: DirectorStats, t: Translator = EN) -> list[str]:
    if result.overall_return is None:
        ret = t._("Return unknown: no movie has both its budget and revenue known")
    else:
        ret = t._("Return {ratio} the budget, over {movies} with both figures known").format(
            ratio=times(result.overall_return, t),
            movies=_revenue_known(result.both_known, result.count, t),
        )
    header = (
        f"🎬 <b>{h(result.name)}</b>: {n_movies(result.count, t)}\n"
        f"{revenue_line(result.total_revenue, result.known_revenue, result.count, t=t)}\n"
        f"{ret}\n\n"
    )
    line = t._("• {title}: budget {budget}, revenue {revenue}, return {ratio}")
    lines = [
        line.format(title=title(d.movie), budget=money(d.budget, t), revenue=money(d.revenue, t),
                    ratio=times(d.ret, t))
        for d in result.movies
    ]
    return paginate(header, lines, t=t)


DISCOVERY_PAGE = 10
"""Movies per page of a discovery."""

SORTS = {"popularity": N_("sorted by popularity"), "rating": N_("sorted by rating")}


def criteria(result: Discovered, t: Translator = EN) -> str:
    """The filters a discovery understood, written back: ``Comedy · 1990-1999 · sorted by
    rating``."""
    return " · ".join((*(t.criterion(c) for c in result.criteria),
                       t._(SORTS[result.sort.value])))


def discovery(result: Discovered, t: Translator = EN) -> list[str]:
    """The matches, ten a page, each with its rating and runtime; or, when none, the filter
    that left none."""
    understood = h(criteria(result, t))
    if not result.movies:
        if result.emptied_by is None:
            return [t._("🔎 No movie matches <i>{criteria}</i>.").format(criteria=understood)]
        return [t._("🔎 No movie matches <i>{criteria}</i>: none is left once “{filter}” "
                    "applies. Try without it, or widen it.").format(
            criteria=understood, filter=h(t.criterion(result.emptied_by)))]
    shown = len(result.movies)
    listed = (t._("the top {n}").format(n=t.number(shown)) if shown < result.total
              else t._("all"))
    header = f"🔎 <i>{understood}</i>\n" + t.ngettext(
        "{movies} match; {listed} below.", "{movies} match; {listed} below.", result.total
    ).format(movies=n_movies(result.total, t), listed=listed) + "\n\n"
    lines = [
        f"{i}. {title(m.movie)} — ⭐ {t.number(m.rating, 1)}"
        + (f" · {minutes_of(m.runtime, t)}" if m.runtime else "")
        for i, m in enumerate(result.movies, 1)
    ]
    chunks = [lines[i:i + DISCOVERY_PAGE] for i in range(0, len(lines), DISCOVERY_PAGE)]
    total = len(chunks)
    return [header + "\n".join(chunk)
            + ("\n\n<i>" + page_of(i, total, t) + "</i>" if total > 1 else "")
            for i, chunk in enumerate(chunks, 1)]


DISCOVER_HINT = N_(
    "genres, a year or a decade, short or long, a language, a country, a director or a "
    "company, and “good” or “best” to sort by rating"
)


QUESTION_EXAMPLES = (
    N_("how long is Toy Story?"),
    N_("a good comedy from the 90s"),
    N_("películas parecidas a Amélie"),
)

NOUNS = {
    "movie": N_("movie"),
    "collection": N_("collection"),
    "company": N_("company"),
    "director": N_("director"),
    "country": N_("country"),
    "language": N_("language"),
    "discovery": N_("discovery"),
    "director, company or collection": N_("director, company or collection"),
}
"""What a command's argument names (:attr:`~bot.chat.commands.QuerySpec.noun`), translatable."""


def noun_of(word: str, t: Translator = EN) -> str:
    """``movie`` / ``película``."""
    return t._(NOUNS[word]) if word in NOUNS else word


def not_understood(closest: str | None, *, chat: bool = False, t: Translator = EN) -> str:
    """The answer to a message the bot cannot read as a question it answers; ``chat``: to a
    greeting or thanks, which get the same offer without "I did not understand"."""
    examples = "\n".join(f"• <i>{h(t._(e))}</i>" for e in QUESTION_EXAMPLES)
    opening = t._("Hello! I know movies.") if chat else t._("I did not understand that.")
    text = opening + " " + t._(
        "Ask me (in English or Spanish) how long a movie runs, its "
        "year, who directed it, its series, a director's or a company's movies and money, how "
        "many movies a country or a language has, movies like one you liked, or movies by "
        "genre, years, length or language. For example:\n{examples}\n/help lists the commands."
    ).format(examples=examples)
    if closest:
        text += "\n\n" + t._("Did you mean the movie <b>{title}</b>?").format(title=h(closest))
    return text


def choice(result: Choice, t: Translator = EN) -> str:
    """The text above the candidate buttons (or alone, when there are none).

    Only a blank query asks for a name; one with nothing searchable in it (``🎬🍿``) is a
    query all the same, found nowhere.
    """
    word = result.noun or result.kind.value
    what = noun_of(word, t)
    query = h(truncate(result.query, 60))
    if result.kind is Kind.DISCOVERY:
        return t._("I could not tell what to look for in “{query}”. I understand {hint}.\n"
                   "For example: <i>/discover good comedy 90s</i>").format(
            query=query, hint=t._(DISCOVER_HINT))
    if not result.query.strip():
        return t._("Please give a {noun} name.").format(noun=what)
    if result.ambiguous:
        return t._("Several {nouns} match “{query}”. Which one?").format(
            nouns=plural(what), query=query)
    if result.options:
        return t._("No {noun} found for “{query}”. Did you mean one of these?").format(
            noun=what, query=query)
    return t._("No {noun} found for “{query}”. Check the spelling and try again.").format(
        noun=what, query=query)


# -- movie cards -----------------------------------------------------------------------------------


def poster_url(movie: Movie) -> str | None:
    return POSTER_BASE + movie.poster_path if movie.poster_path else None


def thumbnail_url(movie: Movie) -> str | None:
    """A small poster, for inline results."""
    return THUMBNAIL_BASE + movie.poster_path if movie.poster_path else None


def inline_description(movie: Movie, limit: int = 120, t: Translator = EN) -> str:
    """One plain-text line under an inline result: runtime, genres, then the plot or tagline."""
    facts = [minutes_of(movie.runtime, t) if movie.runtime else "",
             ", ".join(t.genre(g) for g in movie.genres[:3])]
    line = " · ".join(fact for fact in facts if fact)
    plot = movie.tagline or movie.overview or ""
    if plot:
        line = f"{line} — {plot}" if line else plot
    return truncate(" ".join(line.split()), limit) or t._("Movie")


def links(movie: Movie) -> str:
    out = [f'<a href="{TMDB_MOVIE}{movie.id}">TMDB</a>']
    if movie.imdb_id:
        out.append(f'<a href="{IMDB_TITLE}{escape(movie.imdb_id)}">IMDb</a>')
    return " · ".join(out)


def clip(text: str, limit: int) -> str:
    """``text`` escaped, first shortened at a word boundary so that the escaped form fits."""
    size = limit
    while True:
        out = h(truncate(text, size))
        if len(out) <= limit or size <= 1:
            return out
        size = max(1, min(size - 1, size * limit // len(out)))


def _joined_size(sections: Sequence[str]) -> int:
    return sum(map(len, sections)) + 2 * (len(sections) - 1)


def movie_card(movie: Movie, limit: int = MESSAGE_LIMIT, t: Translator = EN) -> str:
    """A movie's card, under ``limit`` characters (use ``CAPTION_LIMIT`` under a poster).

    The overview is shortened first; facts are dropped (last first) only if even they do not fit.
    """
    votes = t._("⭐ {rating} ({votes} votes)").format(
        rating=t.number(movie.vote_average, 1), votes=t.number(movie.vote_count))
    stats = " · ".join(
        part
        for part in (
            minutes_of(movie.runtime, t) if movie.runtime else "",
            ", ".join(t.genre(g) for g in movie.genres[:4]),
            votes if movie.vote_count else "",
        )
        if part
    )
    facts = [clip(stats, 200)] if stats else []
    people = [
        (t._("Directed by"), ", ".join(movie.directors[:3])),
        (t._("Starring"), movie.lead_actor or ""),
        (t._("Collection"), movie.collection or ""),
        (t._("Countries"), ", ".join(t.country_name(c) for c in movie.countries[:4])),
        (t._("Companies"), ", ".join(movie.companies[:3])),
    ]
    facts += [f"{label}: {clip(value, 120)}" for label, value in people if value]
    if movie.budget or movie.revenue:
        facts.append(t._("Budget {budget} · Revenue {revenue}").format(
            budget=money(movie.budget, t), revenue=money(movie.revenue, t)))
    head = f"🎬 <b>{clip(movie.ref.label, 200)}</b>"
    if movie.original_title and movie.original_title != movie.title:
        head += f"\n{clip(movie.original_title, 200)}"
    if movie.tagline:
        head += f"\n<i>{clip(movie.tagline, 150)}</i>"
    tail = links(movie)
    while facts and _joined_size([head, "\n".join(facts), tail]) > limit:
        facts.pop()
    sections = [head, "\n".join(facts)] if facts else [head]
    room = limit - _joined_size([*sections, tail]) - 2
    if movie.overview and movie.overview.strip() and room > 40:
        sections.append(clip(movie.overview.strip(), room))
    return "\n\n".join([*sections, tail])


def recommendations(movie: Movie, picks: Sequence[tuple[MovieRef, str]],
                    within: Sequence[str] = (), t: Translator = EN) -> str:
    """The /recommend answer: five titles, each with its short reason (no picks at all is
    :func:`not_enough_data`); ``within``: the filters they were narrowed by."""
    lines = [
        f"{i}. {title(ref)}" + (f" — <i>{h(t.reason(reason))}</i>" if reason else "")
        for i, (ref, reason) in enumerate(picks, 1)
    ]
    narrowed = f" ({h(' · '.join(t.criterion(w) for w in within))})" if within else ""
    return t._("🍿 If you liked <b>{title}</b>{within}:").format(
        title=title(movie.ref), within=narrowed) + "\n\n" + "\n".join(lines)


def none_within(movie: MovieRef, within: Sequence[str], t: Translator = EN) -> str:
    """No movie among those most like ``movie`` passes the filters asked."""
    return t._("🍿 None of the movies most like <b>{title}</b> is {within}. Try without that, "
               "or /discover to look by filters alone.").format(
        title=title(movie), within=h(" · ".join(t.criterion(w) for w in within)))


def not_enough_data(movie: MovieRef, t: Translator = EN) -> str:
    return t._("🍿 I know too little about <b>{title}</b> to recommend movies like it. "
               "Try a better-known title.").format(title=title(movie))


# -- chat texts ----------------------------------------------------------------------------------
# Constants are English messages: send ``t._(formatting.APOLOGY)``.

APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
EXPIRED = N_("This button has expired, ask again.")
EXPIRED_LINK = N_("This link has expired: please ask again, e.g. /movie Toy Story.")
SLOW_DOWN = N_("🐢 Slow down a little, please: I will answer your commands again in a minute.")
NO_RECOMMENDATIONS = N_(
    "🍿 Recommendations are not available right now. Please try again later.")
NOT_TEXT = N_("I read text only: send me a movie title, or /help to see what I can do.")
MORE_LIKE_THIS = N_("🍿 More like this")


def usage(command: str, argument: str, example: str, t: Translator = EN) -> str:
    """How to call a command, with a real example."""
    return t._("Usage: <code>/{command} {argument}</code>\n"
               "Example: <code>/{command} {example}</code>").format(
        command=h(command), argument=h(argument), example=h(example))


def ask(noun: str, example: str, t: Translator = EN) -> str:
    """The question that makes the next message the argument (private chats)."""
    return t._("Which {noun}? For example: <i>{example}</i>").format(
        noun=h(noun_of(noun, t)), example=h(example))


def unknown_command(command: str, t: Translator = EN) -> str:
    return t._("I don't know {command}. /help lists what I can do.").format(
        command=h(truncate(command, 40)))


def help_text(commands: Sequence[tuple[str, str, str]], movies: int,
              t: Translator = EN) -> str:
    """``commands``: (name, description, example argument or ""), in ``t``'s language;
    ``movies``: catalog size."""
    lines = []
    for name, description, example in commands:
        lines.append(f"/{h(name)} — {h(description)}")
        if example:
            lines.append(f"      <i>/{h(name)} {h(example)}</i>")
    known = n_movies(movies, t)
    return (
        t._("🎬 I know {movies}. Ask me:").format(movies=known) + "\n\n" + "\n".join(lines)
        + "\n\n" + t._(
            "Or just ask, in English or Spanish: <i>how long is Toy Story?</i>, "
            "<i>a good comedy from the 90s</i>, <i>películas parecidas a Amélie</i>.\n\n"
            "Names may be misspelt or partial; add a year for remakes (<i>Hamlet 1996</i>). "
            "In any chat, type my @username and a title to share a movie's card.")
    )


def welcome(
    first_name: str | None, commands: Sequence[tuple[str, str, str]], movies: int,
    t: Translator = EN,
) -> str:
    greeting = (t._("Hello, {name}!").format(name=h(truncate(first_name, 40))) if first_name
                else t._("Hello!"))
    return f"{greeting} " + help_text(commands, movies, t)


LANG_ADMINS_ONLY = N_("Only this chat's admins can change its language.")
LANG_NOT_SAVED = N_("⚠️ Could not save the language just now, nothing changed: try again.")


def language_set(language: str | None, t: Translator = EN) -> str:
    """The answer to ``/lang``: the language now spoken here (None: each person's own)."""
    if language is None:
        return t._("✅ In this chat I now answer each person in their Telegram's language, or "
                   "in the language they ask in.")
    return t._("✅ In this chat I now speak {language}.").format(
        language=h(t.language_title(language)))


def language_status(language: str | None, t: Translator = EN) -> str:
    """``/lang`` alone: the chat's language and how to change it."""
    if language is None:
        return t._("This chat has no language of its own: I answer each person in their "
                   "Telegram's language, or in the language they ask in. Choose one with "
                   "<code>/lang es</code> or <code>/lang en</code>.")
    return t._("This chat's language: {language}. <code>/lang auto</code> answers each person "
               "in their own.").format(language=h(t.language_title(language)))


def box_office_caption(result: BoxOffice, t: Translator = EN) -> str:
    """The line under a box-office chart: whose, how many movies, revenue and return."""
    movies = len(result.movies)
    text = t._("📊 <b>{name}</b>: {movies}, revenue {revenue} ({known} of {n} known)").format(
        name=h(result.name), movies=n_movies(movies, t),
        revenue=money(result.total_revenue or None, t), known=t.number(result.known_revenue),
        n=t.number(movies),
    )
    if result.overall_return is not None:
        text += t._(", return {ratio}").format(ratio=times(result.overall_return, t))
    return text + "."


def decades_caption(result: Decades, t: Translator = EN) -> str:
    """The line under a movies-per-decade chart."""
    busiest = max(result.counts, key=lambda dc: dc[1], default=None)
    total = n_movies(result.total, t)
    if result.kind is Kind.COUNTRY:
        text = t._("📊 {movies} from <b>{name}</b>").format(
            movies=total, name=h(t.country_name(result.name)))
    else:
        text = t._("📊 {movies} in <b>{name}</b>").format(
            movies=total, name=h(t.language_named(result.name)))
    if busiest is not None and busiest[1]:
        text += t._(", most in the {decade}s ({n})").format(
            decade=busiest[0], n=t.number(busiest[1]))
    return text + "."
