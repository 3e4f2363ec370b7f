"""The texts of daily picks: /daily's answers (subscribed, off, status, errors) and the post's
header, in the language of the :class:`~bot.chat.i18n.Translator` they are given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from babel.dates import format_date

from bot.chat.formatting import h, truncate
from bot.chat.i18n import EN, N_, Translator
from bot.daily.grammar import BadGenre, BadOffset, BadTime, BadZoneOrGenre
from bot.daily.store import Subscription
from bot.daily.zones import zone_label

DAILY_EXAMPLE = N_("<code>/daily 09:00 Europe/Madrid</code>")
DAILY_GENRE_EXAMPLE = N_("<code>/daily 21:30 Europe/Madrid comedy</code>")
DAILY_SMALL_POOL = 60
"""Below this many movies in a genre's main pool, the confirmation says picks will widen."""
DAILY_ADMINS_ONLY = N_("Only this chat's admins can change its daily pick.")

DAILY_NOT_SAVED = N_("⚠️ Could not save the daily pick just now, nothing changed: try again.")
"""The answer to a /daily change the store failed to write: never an acknowledgement."""

DAILY_NOT_READ = N_("⚠️ Could not read the daily pick just now: try again.")

DAILY_HEADER = N_("☀️ <b>Today's pick</b>")
"""Above the card of a daily post."""


def daily_off(had: bool, t: Translator = EN) -> str:
    """The answer to ``/daily off``."""
    if had:
        return t._("Daily pick off. Start it again any time with {example}.").format(
            example=t._(DAILY_EXAMPLE))
    return t._("This chat had no daily pick. Start one with {example}.").format(
        example=t._(DAILY_EXAMPLE))


def delay(delta: timedelta, t: Translator = EN) -> str:
    """``in 5 h 12 min``, ``in 3 min``, ``in under a minute``."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return t._("in under a minute")
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} min")
    return t._("in {delay}").format(delay=" ".join(parts))


def _daily_when(run: datetime, now: datetime, t: Translator = EN) -> str:
    local = t._("{day} at {time}").format(
        day=format_date(run, "EEE d MMM", locale=t.locale), time=f"{run:%H:%M}")
    return f"{local} ({delay(run.astimezone(UTC) - now.astimezone(UTC), t)})"


def _daily_describe(sub: Subscription, t: Translator = EN) -> str:
    text = t._("every day at <b>{time}</b> {zone}").format(
        time=f"{sub.at:%H:%M}", zone=h(zone_label(sub.zone)))
    if sub.genre:
        text += t._(", {genre} movies").format(genre=h(t.genre(sub.genre)))
    return text


def daily_status(sub: Subscription | None, run: datetime | None, now: datetime,
                 t: Translator = EN) -> str:
    """``/daily`` alone: the chat's subscription and its next post (``run``), or how to start."""
    if sub is None:
        return t._(
            "This chat gets no daily pick yet.\n"
            "Subscribe with {example}: a 24-hour time, then a time zone (default UTC); "
            "add a genre to narrow it: {genre_example}."
        ).format(example=t._(DAILY_EXAMPLE), genre_example=t._(DAILY_GENRE_EXAMPLE))
    assert run is not None
    return t._(
        "📅 Daily pick {subscription}.\nNext post: {when}.\n"
        "Change it with {example}, stop it with <code>/daily off</code>."
    ).format(subscription=_daily_describe(sub, t), when=_daily_when(run, now, t),
             example=t._(DAILY_EXAMPLE))


def daily_confirmation(sub: Subscription, run: datetime, now: datetime, pool: int,
                       t: Translator = EN) -> str:
    """The answer to a subscription; ``run`` is its first post, ``pool`` how many top-rated
    movies its genre has."""
    text = t._(
        "✅ Daily pick on: {subscription}.\nFirst post: {when}.\n"
        "Stop it with <code>/daily off</code>."
    ).format(subscription=_daily_describe(sub, t), when=_daily_when(run, now, t))
    if sub.genre and pool < DAILY_SMALL_POOL:
        text += "\n\n" + t._(
            "Only {n} top-rated {genre} movies: after those, picks come from the "
            "other top-rated movies."
        ).format(n=pool, genre=h(t.genre(sub.genre)))
    return text


def daily_error(
    error: BadTime | BadZoneOrGenre | BadOffset | BadGenre, genres: tuple[str, ...],
    t: Translator = EN,
) -> str:
    """What was wrong with a ``/daily`` request, with an example."""
    if isinstance(error, BadTime):
        return t._("“{text}” is not a time. Use a 24-hour time, e.g. {example}").format(
            text=h(truncate(error.text, 30)), example=t._(DAILY_EXAMPLE))
    if isinstance(error, BadZoneOrGenre):
        return t._(
            "“{text}” is neither a time zone nor a genre.{meant}\n"
            "Time zones are IANA names (Europe/Madrid, America/New_York), cities (Tokyo) or "
            "UTC+2. Example: {example}"
        ).format(text=h(truncate(error.text, 40)), meant=_daily_meant(error, t),
                 example=t._(DAILY_GENRE_EXAMPLE))
    if isinstance(error, BadOffset):
        return t._(
            "“{text}” is not an offset any time zone keeps all year. "
            "Use a whole-hour offset (UTC-12 to UTC+14) or the time zone of a place: an IANA "
            "name or a city, such as America/St_Johns or Asia/Kolkata.\n"
            "Example: {example}"
        ).format(text=h(truncate(error.text, 20)), example=t._(DAILY_EXAMPLE))
    return t._("I don't know the genre “{text}”. Genres: {genres}.\nExample: {example}").format(
        text=h(truncate(error.text, 40)), genres=h(", ".join(t.genre(g) for g in genres)),
        example=t._(DAILY_GENRE_EXAMPLE))


def _daily_meant(error: BadZoneOrGenre, t: Translator = EN) -> str:
    """`` Did you mean …?`` for the zones and genre the words look like, or nothing."""
    zones = ", ".join(h(z) for z in error.zones)
    genres = ", ".join(h(t.genre(g)) for g in error.genres)
    if zones and genres:
        return t._(" Did you mean the time zone {zones}, or the genre {genres}?").format(
            zones=zones, genres=genres)
    if zones:
        return t._(" Did you mean {zones}?").format(zones=zones)
    if genres:
        return t._(" Did you mean the genre {genres}?").format(genres=genres)
    return ""
