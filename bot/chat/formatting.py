"""Turn catalog answers into the HTML texts the bot sends.

Pure functions, no Telegram imports. Every string that comes from the data or from the user is
escaped here, once; numbers are written the way people read them (``$1.2B``, ``2,435 movies``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from bot.daily.grammar import BadGenre, BadOffset, BadTime, BadZoneOrGenre
from bot.daily.policy import describe_delay
from bot.daily.store import Subscription
from bot.daily.zones import zone_label
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
CHART = "📊 Chart"
PER_DECADE = "📊 Movies per decade"

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


def money(amount: float | None) -> str:
    """``$1.2B``, ``$373.6M``, ``$850K``, ``$900``; unknown amounts say so."""
    if amount is None:
        return "unknown"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(amount) >= size:
            value = f"{amount / size:.1f}".removesuffix(".0")
            return f"${value}{suffix}"
    return f"${amount:,.0f}"


def exact_money(amount: int) -> str:
    """A total as read and as counted: ``$11.2B (11,188,533,734)``; small sums are exact anyway."""
    rounded = money(amount)
    return rounded if amount < 1000 else f"{rounded} ({amount:,})"


def _revenue_known(known: int, total: int) -> str:
    """Over which movies a revenue figure is: ``all 3 movies``, ``2 of 3 movies``."""
    if total == 1:
        return "the one movie"
    return f"all {total:,} movies" if known == total else f"{known:,} of {total:,} movies"


def revenue_line(total: int, known: int, movies: int, average: float | None = None) -> str:
    """``Total revenue $1.2B (1,234,567,890), known for 2 of 3 movies``, or that none is known."""
    if not known:
        return "Revenue unknown for " + (
            "the one movie" if movies == 1 else f"all {movies:,} movies"
        )
    mean = f", average {money(average)}" if average is not None and known > 1 else ""
    return f"Total revenue {exact_money(total)}{mean}, known for {_revenue_known(known, movies)}"


def times(ratio: float | None) -> str:
    """A return on budget: ``4.2×``."""  # noqa: RUF002
    return "n/a" if ratio is None else f"{ratio:.1f}×"  # noqa: RUF001


def title(movie: MovieRef) -> str:
    """``Toy Story (1995)``, escaped."""
    return h(movie.label)


def truncate(text: str, limit: int) -> str:
    """Cut plain text to ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def paginate(header: str, lines: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
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
        footer = f"\n\n<i>Page {i}/{total}</i>" if total > 1 else ""
        out.append(header + "\n".join(page) + footer)
    return out


# -- answers ------------------------------------------------------------------------------------


def runtime(movie: Movie) -> str:
    minutes = f"{movie.runtime} min" if movie.runtime else "unknown runtime"
    year = str(movie.year) if movie.year else "release year unknown"
    return f"🎬 <b>{h(movie.title)}</b>: {minutes}, {year}."


def language(result: LanguageCount) -> str:
    return (
        f"🗣 {count(result.count, 'movie')} in <b>{h(result.name)}</b> "
        f"(<code>{h(result.code)}</code>)."
    )


def country(result: CountryCount) -> str:
    return (
        f"🌍 {count(result.count, 'movie')} produced in <b>{h(result.name)}</b> "
        f"(<code>{h(result.code)}</code>)."
    )


def collection(result: CollectionInfo | NoCollection) -> list[str]:
    if isinstance(result, NoCollection):
        return [f"🎞 <b>{title(result.movie)}</b> does not belong to a collection."]
    revenue = revenue_line(
        result.total_revenue, result.known_revenue, len(result.movies), result.average_revenue
    )
    header = (
        f"🎞 <b>{h(result.name)}</b>: {count(len(result.movies), 'movie')}\n{revenue}\n\n"
    )
    lines = [f"{i}. {title(m)}" for i, m in enumerate(result.movies, 1)]
    return paginate(header, lines)


def company(result: CompanyStats) -> str:
    text = (
        f"🏢 <b>{h(result.name)}</b>: {count(result.count, 'movie')}\n"
        + revenue_line(result.total_revenue, result.known_revenue, result.count)
    )
    if result.top:
        earned = [*result.top_revenue, *[None] * len(result.top)]
        text += "\n\nTop earners:\n" + "\n".join(
            f"• {title(m)}" + (f": {money(r)}" if r else "")
            for m, r in zip(result.top, earned, strict=False)
        )
    return text


def director(result: DirectorStats) -> list[str]:
    if result.overall_return is None:
        ret = "Return unknown: no movie has both its budget and revenue known"
    else:
        ret = (
            f"Return {times(result.overall_return)} the budget, over "
            f"{_revenue_known(result.both_known, result.count)} with both figures known"
        )
    header = (
        f"🎬 <b>{h(result.name)}</b>: {count(result.count, 'movie')}\n"
        f"{revenue_line(result.total_revenue, result.known_revenue, result.count)}\n"
        f"{ret}\n\n"
    )
    lines = [
        f"• {title(d.movie)}: budget {money(d.budget)}, revenue {money(d.revenue)}, "
        f"return {times(d.ret)}"
        for d in result.movies
    ]
    return paginate(header, lines)


DISCOVERY_PAGE = 10
"""Movies per page of a discovery."""


def criteria(result: Discovered) -> str:
    """The filters a discovery understood, written back: ``Comedy · 1990-1999 · sorted by
    rating``."""
    return " · ".join((*result.criteria, f"sorted by {result.sort.value}"))


def discovery(result: Discovered) -> list[str]:
    """The matches, ten a page, each with its rating and runtime; or, when none, the filter
    that left none."""
    understood = h(criteria(result))
    if not result.movies:
        if result.emptied_by is None:
            return [f"🔎 No movie matches <i>{understood}</i>."]
        return [
            f"🔎 No movie matches <i>{understood}</i>: none is left once "
            f"“{h(result.emptied_by)}” applies. Try without it, or widen it."
        ]
    shown = len(result.movies)
    listed = f"the top {shown:,}" if shown < result.total else "all"
    header = f"🔎 <i>{understood}</i>\n{count(result.total, 'movie')} match; {listed} below.\n\n"
    lines = [
        f"{i}. {title(m.movie)} — ⭐ {m.rating:.1f}"
        + (f" · {m.runtime} min" if m.runtime else "")
        for i, m in enumerate(result.movies, 1)
    ]
    chunks = [lines[i:i + DISCOVERY_PAGE] for i in range(0, len(lines), DISCOVERY_PAGE)]
    total = len(chunks)
    footer = "\n\n<i>Page {}/{}</i>"
    return [header + "\n".join(chunk) + (footer.format(i, total) if total > 1 else "")
            for i, chunk in enumerate(chunks, 1)]


DISCOVER_HINT = (
    "genres, a year or a decade, short or long, a language, a country, a director or a "
    "company, and “good” or “best” to sort by rating"
)


QUESTION_EXAMPLES = (
    "how long is Toy Story?",
    "a good comedy from the 90s",
    "películas parecidas a Amélie",
)


def not_understood(closest: str | None, *, chat: bool = False) -> str:
    """The answer to a message the bot cannot read as a question it answers; ``chat``: to a
    greeting or thanks, which get the same offer without "I did not understand"."""
    examples = "\n".join(f"• <i>{h(e)}</i>" for e in QUESTION_EXAMPLES)
    opening = "Hello! I know movies." if chat else "I did not understand that."
    text = (
        f"{opening} Ask me (in English or Spanish) how long a movie runs, its "
        "year, who directed it, its series, a director's or a company's movies and money, how "
        "many movies a country or a language has, movies like one you liked, or movies by "
        f"genre, years, length or language. For example:\n{examples}\n/help lists the commands."
    )
    if closest:
        text += f"\n\nDid you mean the movie <b>{h(closest)}</b>?"
    return text


def choice(result: Choice) -> str:
    """The text above the candidate buttons (or alone, when there are none).

    Only a blank query asks for a name; one with nothing searchable in it (``🎬🍿``) is a
    query all the same, found nowhere.
    """
    noun = result.noun or result.kind.value
    query = h(truncate(result.query, 60))
    if result.kind is Kind.DISCOVERY:
        return (f"I could not tell what to look for in “{query}”. I understand {DISCOVER_HINT}."
                "\nFor example: <i>/discover good comedy 90s</i>")
    if not result.query.strip():
        return f"Please give a {noun} name."
    if result.ambiguous:
        return f"Several {plural(noun)} match “{query}”. Which one?"
    if result.options:
        return f"No {noun} found for “{query}”. Did you mean one of these?"
    return f"No {noun} found for “{query}”. Check the spelling and try again."


# -- movie cards -----------------------------------------------------------------------------------


def poster_url(movie: Movie) -> str | None:
    return POSTER_BASE + movie.poster_path if movie.poster_path else None


def thumbnail_url(movie: Movie) -> str | None:
    """A small poster, for inline results."""
    return THUMBNAIL_BASE + movie.poster_path if movie.poster_path else None


def inline_description(movie: Movie, limit: int = 120) -> str:
    """One plain-text line under an inline result: runtime, genres, then the plot or tagline."""
    facts = [f"{movie.runtime} min" if movie.runtime else "", ", ".join(movie.genres[:3])]
    line = " · ".join(fact for fact in facts if fact)
    plot = movie.tagline or movie.overview or ""
    if plot:
        line = f"{line} — {plot}" if line else plot
    return truncate(" ".join(line.split()), limit) or "Movie"


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


def movie_card(movie: Movie, limit: int = MESSAGE_LIMIT) -> str:
    """A movie's card, under ``limit`` characters (use ``CAPTION_LIMIT`` under a poster).

    The overview is shortened first; facts are dropped (last first) only if even they do not fit.
    """
    stats = " · ".join(
        part
        for part in (
            f"{movie.runtime} min" if movie.runtime else "",
            ", ".join(movie.genres[:4]),
            f"⭐ {movie.vote_average:.1f} ({movie.vote_count:,} votes)" if movie.vote_count else "",
        )
        if part
    )
    facts = [clip(stats, 200)] if stats else []
    people = [
        ("Directed by", ", ".join(movie.directors[:3])),
        ("Starring", movie.lead_actor or ""),
        ("Collection", movie.collection or ""),
        ("Countries", ", ".join(movie.countries[:4])),
        ("Companies", ", ".join(movie.companies[:3])),
    ]
    facts += [f"{label}: {clip(value, 120)}" for label, value in people if value]
    if movie.budget or movie.revenue:
        facts.append(f"Budget {money(movie.budget)} · Revenue {money(movie.revenue)}")
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
                    within: Sequence[str] = ()) -> str:
    """The /recommend answer: five titles, each with its short reason (no picks at all is
    :func:`not_enough_data`); ``within``: the filters they were narrowed by."""
    lines = [
        f"{i}. {title(ref)}" + (f" — <i>{h(reason)}</i>" if reason else "")
        for i, (ref, reason) in enumerate(picks, 1)
    ]
    narrowed = f" ({h(' · '.join(within))})" if within else ""
    return f"🍿 If you liked <b>{title(movie.ref)}</b>{narrowed}:\n\n" + "\n".join(lines)


def none_within(movie: MovieRef, within: Sequence[str]) -> str:
    """No movie among those most like ``movie`` passes the filters asked."""
    return (
        f"🍿 None of the movies most like <b>{title(movie)}</b> is "
        f"{h(' · '.join(within))}. Try without that, or /discover to look by filters alone."
    )


def not_enough_data(movie: MovieRef) -> str:
    return (
        f"🍿 I know too little about <b>{title(movie)}</b> to recommend movies like it. "
        "Try a better-known title."
    )


# -- chat texts ----------------------------------------------------------------------------------

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
EXPIRED = "This button has expired, ask again."
EXPIRED_LINK = "This link has expired: please ask again, e.g. /movie Toy Story."
SLOW_DOWN = "🐢 Slow down a little, please: I will answer your commands again in a minute."
NO_RECOMMENDATIONS = "🍿 Recommendations are not available right now. Please try again later."
NOT_TEXT = "I read text only: send me a movie title, or /help to see what I can do."
MORE_LIKE_THIS = "🍿 More like this"


def usage(command: str, argument: str, example: str) -> str:
    """How to call a command, with a real example."""
    return (
        f"Usage: <code>/{h(command)} {h(argument)}</code>\n"
        f"Example: <code>/{h(command)} {h(example)}</code>"
    )


def ask(noun: str, example: str) -> str:
    """The question that makes the next message the argument (private chats)."""
    return f"Which {h(noun)}? For example: <i>{h(example)}</i>"


def unknown_command(command: str) -> str:
    return f"I don't know {h(truncate(command, 40))}. /help lists what I can do."


def help_text(commands: Sequence[tuple[str, str, str]], movies: int) -> str:
    """``commands``: (name, description, example argument or ""); ``movies``: catalog size."""
    lines = []
    for name, description, example in commands:
        lines.append(f"/{h(name)} — {h(description)}")
        if example:
            lines.append(f"      <i>/{h(name)} {h(example)}</i>")
    return (
        f"🎬 I know {count(movies, 'movie')}. Ask me:\n\n" + "\n".join(lines) + "\n\n"
        "Or just ask, in English or Spanish: <i>how long is Toy Story?</i>, "
        "<i>a good comedy from the 90s</i>, <i>películas parecidas a Amélie</i>.\n\n"
        "Names may be misspelt or partial; add a year for remakes (<i>Hamlet 1996</i>). "
        "In any chat, type my @username and a title to share a movie's card."
    )


def welcome(
    first_name: str | None, commands: Sequence[tuple[str, str, str]], movies: int
) -> str:
    greeting = f"Hello, {h(truncate(first_name, 40))}!" if first_name else "Hello!"
    return f"{greeting} " + help_text(commands, movies)


# -- daily picks ----------------------------------------------------------------------------------

DAILY_EXAMPLE = "<code>/daily 09:00 Europe/Madrid</code>"
DAILY_GENRE_EXAMPLE = "<code>/daily 21:30 Europe/Madrid comedy</code>"
DAILY_SMALL_POOL = 60
"""Below this many movies in a genre's main pool, the confirmation says picks will widen."""
DAILY_ADMINS_ONLY = "Only this chat's admins can change its daily pick."

DAILY_NOT_SAVED = "⚠️ Could not save the daily pick just now, nothing changed: try again."
"""The answer to a /daily change the store failed to write: never an acknowledgement."""

DAILY_NOT_READ = "⚠️ Could not read the daily pick just now: try again."


def daily_off(had: bool) -> str:
    """The answer to ``/daily off``."""
    if had:
        return f"Daily pick off. Start it again any time with {DAILY_EXAMPLE}."
    return f"This chat had no daily pick. Start one with {DAILY_EXAMPLE}."


def _daily_when(run: datetime, now: datetime) -> str:
    local = f"{run:%a} {run.day} {run:%b} at {run:%H:%M}"
    return f"{local} ({describe_delay(run.astimezone(UTC) - now.astimezone(UTC))})"


def _daily_describe(sub: Subscription) -> str:
    genre = f", {h(sub.genre)} movies" if sub.genre else ""
    return f"every day at <b>{sub.at:%H:%M}</b> {h(zone_label(sub.zone))}{genre}"


def daily_status(sub: Subscription | None, run: datetime | None, now: datetime) -> str:
    """``/daily`` alone: the chat's subscription and its next post (``run``), or how to start."""
    if sub is None:
        return (
            "This chat gets no daily pick yet.\n"
            f"Subscribe with {DAILY_EXAMPLE}: a 24-hour time, then a time zone (default UTC); "
            f"add a genre to narrow it: {DAILY_GENRE_EXAMPLE}."
        )
    assert run is not None
    return (
        f"📅 Daily pick {_daily_describe(sub)}.\nNext post: {_daily_when(run, now)}.\n"
        f"Change it with {DAILY_EXAMPLE}, stop it with <code>/daily off</code>."
    )


def daily_confirmation(sub: Subscription, run: datetime, now: datetime, pool: int) -> str:
    """The answer to a subscription; ``run`` is its first post, ``pool`` how many top-rated
    movies its genre has."""
    text = (
        f"✅ Daily pick on: {_daily_describe(sub)}.\nFirst post: {_daily_when(run, now)}.\n"
        "Stop it with <code>/daily off</code>."
    )
    if sub.genre and pool < DAILY_SMALL_POOL:
        text += (
            f"\n\nOnly {pool} top-rated {h(sub.genre)} movies: after those, picks come from the "
            "other top-rated movies."
        )
    return text


def daily_error(
    error: BadTime | BadZoneOrGenre | BadOffset | BadGenre, genres: tuple[str, ...]
) -> str:
    """What was wrong with a ``/daily`` request, with an example."""
    if isinstance(error, BadTime):
        return (
            f"“{h(truncate(error.text, 30))}” is not a time. Use a 24-hour time, "
            f"e.g. {DAILY_EXAMPLE}"
        )
    if isinstance(error, BadZoneOrGenre):
        return (
            f"“{h(truncate(error.text, 40))}” is neither a time zone nor a genre."
            f"{_daily_meant(error)}\n"
            "Time zones are IANA names (Europe/Madrid, America/New_York), cities (Tokyo) or "
            f"UTC+2. Example: {DAILY_GENRE_EXAMPLE}"
        )
    if isinstance(error, BadOffset):
        return (
            f"“{h(truncate(error.text, 20))}” is not an offset any time zone keeps all year. "
            "Use a whole-hour offset (UTC-12 to UTC+14) or the time zone of a place: an IANA "
            "name or a city, such as America/St_Johns or Asia/Kolkata.\n"
            f"Example: {DAILY_EXAMPLE}"
        )
    return (
        f"I don't know the genre “{h(truncate(error.text, 40))}”. Genres: "
        f"{h(', '.join(genres))}.\nExample: {DAILY_GENRE_EXAMPLE}"
    )


def _daily_meant(error: BadZoneOrGenre) -> str:
    """`` Did you mean …?`` for the zones and genre the words look like, or nothing."""
    zones = ", ".join(h(z) for z in error.zones)
    genres = ", ".join(h(g) for g in error.genres)
    if zones and genres:
        return f" Did you mean the time zone {zones}, or the genre {genres}?"
    if zones or genres:
        return f" Did you mean {zones or 'the genre ' + genres}?"
    return ""


def box_office_caption(result: BoxOffice) -> str:
    """The line under a box-office chart: whose, how many movies, revenue and return."""
    movies = len(result.movies)
    text = (
        f"📊 <b>{h(result.name)}</b>: {count(movies, 'movie')}, revenue "
        f"{money(result.total_revenue or None)} ({result.known_revenue:,} of {movies:,} known)"
    )
    if result.overall_return is not None:
        text += f", return {times(result.overall_return)}"
    return text + "."


def decades_caption(result: Decades) -> str:
    """The line under a movies-per-decade chart."""
    where = "from" if result.kind is Kind.COUNTRY else "in"
    busiest = max(result.counts, key=lambda dc: dc[1], default=None)
    text = f"📊 {count(result.total, 'movie')} {where} <b>{h(result.name)}</b>"
    if busiest is not None and busiest[1]:
        text += f", most in the {busiest[0]}s ({busiest[1]:,})"
    return text + "."
