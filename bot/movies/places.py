"""Languages and countries: the names TMDB and ISO give them, and the names people type.

ISO 639 and ISO 3166 come from pycountry; TMDB's own codes and historic countries, endonyms
(``español``, ``deutsch``, ``日本語``) and common names are added here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pycountry

from bot.movies.languages import COMMON_NAMES, ENDONYMS
from bot.movies.matching import normalize

# TMDB's own language codes, not in ISO 639-1 (or retired from it).
TMDB_LANGUAGES = {
    "xx": "No Language",
    "cn": "Cantonese",
    "mo": "Moldavian",
    "sh": "Serbo-Croatian",
}


# What people call some languages, beside their ISO 639 names.
LANGUAGE_ALIASES = {
    "mandarin": "zh",
    "greek": "el",
    "farsi": "fa",
    "castilian": "es",
    "flemish": "nl",
    "kyrgyz": "ky",
    "punjabi": "pa",
    "pashto": "ps",
    "uyghur": "ug",
}


# Historic countries TMDB still uses, and the short names people type.
HISTORIC_COUNTRIES = {
    "SU": "Soviet Union",
    "YU": "Yugoslavia",
    "CS": "Serbia and Montenegro",
    "XC": "Czechoslovakia",
    "XG": "East Germany",
    "AN": "Netherlands Antilles",
}


# Names TMDB gives two countries, told apart.
COUNTRY_NAMES = {"CD": "DR Congo", "CG": "Republic of the Congo"}


COUNTRY_ALIASES = {
    "usa": "US",
    "america": "US",
    "united states": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "ussr": "SU",
    "holland": "NL",
    "russia": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "west germany": "DE",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "ivory coast": "CI",
    "burma": "MM",
    "swaziland": "SZ",
    "palestine": "PS",
    "macedonia": "MK",
    "drc": "CD",
}


def language_names(codes: Sequence[str]) -> dict[str, str]:
    names = {}
    for code in codes:
        lang = pycountry.languages.get(alpha_2=code)
        # ISO qualifiers such as "Modern Greek (1453-)" say nothing to a movie fan.
        iso_name = lang.name.split(" (")[0] if lang else code
        names[code] = TMDB_LANGUAGES.get(code) or iso_name
    return names


def language_aliases(codes: list[str], names: dict[str, str]) -> dict[str, int]:
    """Codes, common names and endonyms (``español``, ``castellano``, ``日本語``) of every
    language; an endonym that is another language's name or code is left out."""
    key = {code: i for i, code in enumerate(codes)}
    taken = {normalize(name) for name in names.values()} | set(codes)
    aliases = {alias: key[code] for alias, code in LANGUAGE_ALIASES.items()}
    aliases |= {alias: key[code] for alias, code in COMMON_NAMES.items()}
    claims: dict[str, set[int]] = {}
    for code, endonyms in ENDONYMS.items():
        for endonym in endonyms:
            if code in key and normalize(endonym) not in taken:
                claims.setdefault(normalize(endonym), set()).add(key[code])
    aliases |= {name: next(iter(keys)) for name, keys in claims.items() if len(keys) == 1}
    return aliases | key


def country_names(data_names: dict[str, str]) -> dict[str, str]:
    """Every ISO 3166-1 country and every historic one in the data, by alpha-2 code."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update(HISTORIC_COUNTRIES)
    names.update(data_names)
    names.update(COUNTRY_NAMES)
    return names


def country_aliases(codes: list[str], data_names: dict[str, str]) -> dict[str, int]:
    """Codes, ISO names and TMDB's names of every country. A name that two countries answer
    to (TMDB's "Congo" is DR Congo, ISO's is the Republic of the Congo) is left to matching,
    which then offers both."""
    key = {code: i for i, code in enumerate(codes)}
    claims: dict[str, set[int]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            if value := getattr(country, attr, None):
                claims.setdefault(normalize(value), set()).add(key[country.alpha_2])
    for code, name in data_names.items():
        claims.setdefault(normalize(name), set()).add(key[code])
    aliases = {name: next(iter(keys)) for name, keys in claims.items() if len(keys) == 1}
    aliases |= {code.lower(): i for code, i in key.items()}
    aliases |= {alias: key[code] for alias, code in COUNTRY_ALIASES.items()}
    return aliases
