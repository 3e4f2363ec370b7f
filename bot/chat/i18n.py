"""The language the bot speaks to a user, and its texts and numbers in that language.

Texts are gettext messages: English in the code, translated in
``bot/locale/<language>/LC_MESSAGES/messages.po`` and compiled to ``.mo`` by
``python -m bot.chat.translations compile``. Numbers and money are written by Babel for the
language's locale (``2,435`` / ``2.435``). A :class:`Translator` is chosen by the handlers and
passed into :mod:`bot.chat.formatting`, which stays pure.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale
from babel.numbers import format_compact_currency, format_decimal

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
LANGUAGES = (DEFAULT, *sorted(
    mo.parent.parent.name for mo in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
))
"""The languages the bot speaks: English (the messages themselves) and each compiled
catalog's: a new language is its .po, compiled."""

CURRENCY = "USD"
"""TMDB's budgets and revenues are in US dollars."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Translator:
    """One language's texts (gettext) and number formats (Babel)."""

    code: str
    catalog: gettext.NullTranslations
    locale: Locale
    countries: gettext.NullTranslations
    """pycountry's ISO 3166 names in this language."""

    def _(self, message: str) -> str:
        """``message`` in this language (itself when untranslated)."""
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of a message with a number that goes with ``n``."""
        return self.catalog.ngettext(singular, plural, n)

    def number(self, value: float, digits: int = 0) -> str:
        """``2,435`` / ``2.435``; ``digits`` decimals, always written (``4.0``)."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.locale)

    def count(self, n: int, singular: str, plural: str) -> str:
        """``1 movie``, ``2,435 movies`` (``{n}`` in the messages stands for the number)."""
        return self.ngettext(singular, plural, n).format(n=self.number(n))

    def money(self, amount: float) -> str:
        """US dollars, rounded: ``$1.2B`` / ``1200 M US$`` (the locale's compact form)."""
        return format_compact_currency(amount, CURRENCY, locale=self.locale, fraction_digits=1)

    def language_name(self, code: str, name: str) -> str:
        """A language's name in this language (``francés``), else ``name``."""
        if self.code == DEFAULT:
            return name
        return str(self.locale.languages.get(code.lower(), name))

    def language_title(self, code: str) -> str:
        """A language's name in this language, from its code: ``español``, ``Spanish``."""
        return str(self.locale.languages.get(code, code))

    def language_named(self, name: str) -> str:
        """A language's name in this language, from its English name (``French``)."""
        return self.language_name(ENGLISH_LANGUAGES.get(name, ""), name)

    def country_name(self, name: str) -> str:
        """An ISO 3166 country name in this language (``Mexico`` -> ``México``)."""
        return self.countries.gettext(name)

    def genre(self, name: str) -> str:
        """A catalog genre's name in this language (:data:`GENRES`)."""
        return self._(name) if name in GENRES else name

    def criterion(self, words: str) -> str:
        """A discovery filter as the catalog writes it (``since 1990``, ``in French``,
        ``Comedy + Drama``) in this language."""
        if self.code == DEFAULT:
            return words
        for pattern, message, name in CRITERIA:
            match = pattern.fullmatch(words)
            if match:
                value = match.group(1)
                if name == "language":
                    value = self.language_named(value)
                elif name == "place":
                    value = self.country_name(value)
                return self._(message).format(value, *match.groups()[1:])
        return " + ".join(self.genre(g) for g in words.split(" + "))

    def reason(self, text: str) -> str:
        """A recommender's reason (``same collection``, ``shares Comedy, Drama``) in this
        language; keywords stay as TMDB writes them."""
        if self.code == DEFAULT:
            return text
        for pattern, message, name in REASONS:
            match = pattern.fullmatch(text)
            if match:
                value = match.group(1) if match.groups() else ""
                if name == "genres":
                    value = ", ".join(self.genre(g) for g in value.split(", "))
                elif name == "people":
                    value = value.replace(" and ", self._(" and "))
                return self._(message).format(value)
        return text


GENRES = frozenset((
    N_("Action"), N_("Adventure"), N_("Animation"), N_("Comedy"), N_("Crime"),
    N_("Documentary"), N_("Drama"), N_("Family"), N_("Fantasy"), N_("Foreign"), N_("History"),
    N_("Horror"), N_("Music"), N_("Mystery"), N_("Romance"), N_("Science Fiction"),
    N_("TV Movie"), N_("Thriller"), N_("War"), N_("Western"),
))
"""The catalog's (TMDB's) genres, translated in the catalogs."""

CRITERIA = (
    (re.compile(r"since (\d+)"), N_("since {0}"), ""),
    (re.compile(r"until (\d+)"), N_("until {0}"), ""),
    (re.compile(r"(\d+)-(\d+) min"), N_("{0}-{1} min"), ""),
    (re.compile(r"(\d+) min or longer"), N_("{0} min or longer"), ""),
    (re.compile(r"(\d+) min or shorter"), N_("{0} min or shorter"), ""),
    (re.compile(r"in (.+)"), N_("in {0}"), "language"),
    (re.compile(r"from (.+)"), N_("from {0}"), "place"),
    (re.compile(r"directed by (.+)"), N_("directed by {0}"), ""),
)
"""How the catalog writes a discovery's filters (``bot.movies.discovering``): pattern, the
message that says it, and which name in it to translate."""

REASONS = (
    (re.compile(r"same collection"), N_("same collection"), ""),
    (re.compile(r"also directed by (.+)"), N_("also directed by {0}"), "people"),
    (re.compile(r"also starring (.+)"), N_("also starring {0}"), ""),
    (re.compile(r"shares (.+)"), N_("shares {0}"), "genres"),
    (re.compile(r"also about (.+)"), N_("also about {0}"), ""),
)
"""The recommender's reasons (``bot.movies.recommender``), as for :data:`CRITERIA`."""

ENGLISH_LANGUAGES = {name: code for code, name in Locale.parse("en").languages.items()}
"""ISO 639-1 code of an English language name (``French`` -> ``fr``)."""


@cache
def translator(code: str) -> Translator:
    """The translator of a language in :data:`LANGUAGES` (English for any other)."""
    code = code if code in LANGUAGES else DEFAULT
    catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    countries = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code],
                                    fallback=True)
    return Translator(code, catalog, Locale.parse(code), countries)


EN = translator(DEFAULT)

_SUBTAG = re.compile(r"[-_]")


def language_of(language_code: str | None) -> str | None:
    """The language of a Telegram ``language_code`` (``es-419`` -> ``es``), None when the bot
    does not speak it."""
    if not language_code:
        return None
    primary = _SUBTAG.split(language_code.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None


def choose(*preferences: str | None) -> Translator:
    """The translator of the first language given that the bot speaks, else English.

    Handlers pass, in order: the chat's own choice (``/lang``), the language a plain-word
    question is clearly in, then the user's Telegram ``language_code``.
    """
    for preference in preferences:
        code = language_of(preference)
        if code is not None:
            return translator(code)
    return EN


SPANISH_WORDS = frozenset((
    "que", "qué", "cuanto", "cuánto", "cuanta", "cuánta", "cuantas", "cuántas", "cuantos",
    "cuántos", "dura", "duración", "quien", "quién", "quienes", "dirigio", "dirigió",
    "director", "directora", "año", "peliculas", "películas", "pelicula", "película",
    "parecidas", "parecida", "parecido", "como", "cómo", "buena", "buenas", "bueno", "mejores",
    "mejor", "de", "del", "los", "las", "una", "unos", "hay", "hizo", "dime", "busco",
    "recomienda", "recomiéndame", "recomiendame", "sobre", "dinero", "ganó", "gano", "cual",
    "cuál", "hola", "gracias", "comedia", "drama", "terror", "años", "en", "es",
))
ENGLISH_WORDS = frozenset((
    "how", "long", "what", "who", "which", "when", "directed", "director", "year", "movie",
    "movies", "film", "films", "like", "similar", "many", "much", "good", "best", "is", "was",
    "does", "did", "made", "from", "in", "the", "of", "a", "an", "about", "money", "earned",
    "recommend", "hello", "thanks", "thank", "comedy", "horror", "runtime", "tell", "me",
    "show",
))
_WORD = re.compile(r"[^\W\d_]+")


def language_of_text(text: str) -> str | None:
    """The language a plain-word question is clearly in (``es`` or ``en``), or None.

    Clearly Spanish: ``¿``/``¡``, or more Spanish than English question words; clearly English
    the other way round. Titles count too, so a tie (or a bare title) says nothing.
    """
    if "¿" in text or "¡" in text:
        return "es"
    words = _WORD.findall(text.lower())
    spanish = sum(word in SPANISH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    if (spanish > english and spanish >= 2) or (spanish and not english and len(words) > 1):
        return "es"
    if english > spanish and english >= 2:
        return "en"
    return None
