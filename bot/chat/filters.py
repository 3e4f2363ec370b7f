"""Discovery filters in words, English and Spanish: "good comedies from the 90s",
"pelis de terror de los 80 de España", "short french comedies", "best hitchcock films".

:func:`read` turns a cleaned (normalized) text into :class:`~bot.movies.discovery.Filters`:
ranges, decades and years, minute limits first (regular expressions), then genres, languages,
countries and sort words from a :class:`Vocabulary` of the catalog (Spanish names from
pycountry's gettext catalogs), then a director or company for the words left, which must
otherwise be filler. Pure: no Telegram.
"""

from __future__ import annotations

import gettext
import re
import weakref
from collections.abc import Mapping
from typing import Any, cast

import pycountry

from bot.movies.catalog import Catalog
from bot.movies.discovery import Filters, Sort
from bot.movies.matching import Ambiguous, NameIndex, Resolved, normalize
from bot.movies.places import COUNTRY_ALIASES, LANGUAGE_ALIASES

SHORT_MINUTES = 90
""""short" is at most this long."""
LONG_MINUTES = 140
""""long" is at least this long."""
RECENT_YEARS = 5
""""recent" is within this many years of the catalog's latest big year."""
OLD_UNTIL = 1969
""""old" and "classic" movies are from this year or before."""
MAKER_SCORE = 90.0
"""Words left in a discovery name a director or a company from this match score on."""

GENRE_WORDS: Mapping[str, str] = {
    "action": "Action", "accion": "Action",
    "adventure": "Adventure", "adventures": "Adventure", "aventura": "Adventure",
    "aventuras": "Adventure",
    "animation": "Animation", "animated": "Animation", "cartoon": "Animation",
    "cartoons": "Animation", "anime": "Animation", "animacion": "Animation",
    "animadas": "Animation", "animada": "Animation", "dibujos animados": "Animation",
    "comedy": "Comedy", "comedies": "Comedy", "funny": "Comedy", "comedia": "Comedy",
    "comedias": "Comedy", "comicas": "Comedy", "graciosas": "Comedy", "divertidas": "Comedy",
    "crime": "Crime", "gangster": "Crime", "crimen": "Crime", "policiacas": "Crime",
    "policiaca": "Crime",
    "documentary": "Documentary", "documentaries": "Documentary", "docs": "Documentary",
    "documental": "Documentary", "documentales": "Documentary",
    "drama": "Drama", "dramas": "Drama", "dramatic": "Drama", "dramatica": "Drama",
    "dramaticas": "Drama",
    "family": "Family", "kids": "Family", "children": "Family", "childrens": "Family",
    "familiar": "Family", "familiares": "Family", "para ninos": "Family",
    "infantiles": "Family", "infantil": "Family",
    "fantasy": "Fantasy", "fantasia": "Fantasy", "fantasticas": "Fantasy",
    "foreign": "Foreign", "extranjeras": "Foreign",
    "history": "History", "historical": "History", "historia": "History",
    "historicas": "History", "historica": "History",
    "horror": "Horror", "scary": "Horror", "terror": "Horror", "miedo": "Horror",
    "de miedo": "Horror",
    "music": "Music", "musical": "Music", "musicals": "Music", "musica": "Music",
    "musicales": "Music",
    "mystery": "Mystery", "mysteries": "Mystery", "misterio": "Mystery",
    "romance": "Romance", "romantic": "Romance", "romances": "Romance", "love": "Romance",
    "romanticas": "Romance", "romantica": "Romance", "de amor": "Romance",
    "science fiction": "Science Fiction", "sci fi": "Science Fiction",
    "scifi": "Science Fiction", "sf": "Science Fiction", "ciencia ficcion": "Science Fiction",
    "tv movie": "TV Movie", "tv movies": "TV Movie", "telefilm": "TV Movie",
    "thriller": "Thriller", "thrillers": "Thriller", "suspense": "Thriller",
    "war": "War", "guerra": "War", "belicas": "War", "belica": "War", "belico": "War",
    "western": "Western", "westerns": "Western", "cowboy": "Western", "oeste": "Western",
    "del oeste": "Western",
}
RATED_WORDS = frozenset({
    "good", "best", "top", "top rated", "highest rated", "best rated", "great", "greatest",
    "acclaimed", "must see", "must watch", "classic good", "excellent", "masterpieces",
    "highly rated", "well rated", "buena", "buenas", "buen", "buenos", "mejor", "mejores",
    "excelentes", "imprescindibles", "mejor valoradas", "bien valoradas", "top 10",
    "obras maestras",
})
POPULAR_WORDS = frozenset({"popular", "famous", "well known", "populares", "famosas",
                           "conocidas", "most popular", "mas populares", "mas vistas"})
SHORT_WORDS = frozenset({"short", "shorter", "quick", "brief", "corta", "cortas", "cortos",
                         "corto", "breves", "mas corta", "mas cortas", "mas corto"})
LONG_WORDS = frozenset({"long", "longer", "epic", "larga", "largas", "largo", "largos",
                        "mas larga", "mas largas", "epicas"})
RECENT_WORDS = frozenset({"recent", "new", "newer", "latest", "recientes", "reciente",
                          "nuevas", "nueva", "nuevos", "modern", "modernas", "mas nueva",
                          "mas reciente", "mas recientes", "mas nuevas"})
OLD_WORDS = frozenset({"old", "classic", "classics", "older", "vintage", "antiguas",
                       "antigua", "viejas", "vieja", "clasicas", "clasica", "clasicos",
                       "mas antigua", "mas vieja", "mas antiguas"})
FILLER = frozenset(
    """
a an the some any movie movies film films flick flicks something anything stuff title titles
me us i we to watch see show give list find recommend suggest suggestion suggestions please
what which are is there with of for from in on and or tonight today now want wanna like would
do you have got can could kind sort type watch lets let s one ones few couple good bad really
very pretty most more all that about my our to a ideas idea options looking search for
la las los el un una unos unas pelicula peliculas peli pelis de del en y o con para que quiero
ver dame muestrame recomiendame recomienda recomiendas sugiereme busca buscame hay alguna
algunas algun alguno algunos algo esta noche hoy me nos lista cuales son tienes tengo ganas
sobre tipo sea ser favor porfa por cine film filme films estilo
""".split()  # noqa: SIM905
)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "un": 1, "una": 1, "dos": 2,
                "tres": 3, "cuatro": 4, "an": 1, "a": 1}
DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                "seventies": 70, "eighties": 80, "nineties": 90, "veinte": 20, "treinta": 30,
                "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
                "noventa": 90}
ALL_TIME = re.compile(r"\b(?:of all time|ever made|ever|de todos los tiempos|de la historia)\b")
"""Words that widen nothing: "the best movies of all time" are the best movies."""
MAKER_LEAD = re.compile(r"(?:^| )(?:directed by|dirigidas por|dirigida por|produced by|"
                        r"producidas por|made by|hechas por|by|por|from|de|del) (?P<x>.+)$")
SPANISH_DEMONYMS = {
    "espanola": "ES", "espanolas": "ES", "espanoles": "ES", "estadounidenses": "US",
    "estadounidense": "US", "americanas": "US", "americana": "US", "norteamericanas": "US",
    "mexicanas": "MX", "mexicana": "MX", "argentinas": "AR", "britanicas": "GB",
    "britanica": "GB", "inglesas": "GB", "canadienses": "CA", "australianas": "AU",
    "brasilenas": "BR", "indias": "IN", "chilenas": "CL", "colombianas": "CO",
}
ENGLISH_DEMONYMS = {
    "american": "US", "british": "GB", "mexican": "MX", "argentinian": "AR", "argentine": "AR",
    "canadian": "CA", "australian": "AU", "brazilian": "BR", "indian": "IN", "irish": "IE",
    "belgian": "BE", "swiss": "CH", "austrian": "AT", "iranian": "IR", "egyptian": "EG",
    "nigerian": "NG", "chilean": "CL", "colombian": "CO", "new zealand": "NZ",
    "hollywood": "US", "bollywood": "IN", "us": "US", "uk": "GB",
}


class _Lexicon:
    """Phrases of up to four words -> a value; finds the longest phrase at a position."""

    def __init__(self, phrases: Mapping[str, object]) -> None:
        self.phrases = dict(phrases)
        self.longest = max((p.count(" ") + 1 for p in self.phrases), default=1)

    def at(self, words: list[str], i: int) -> tuple[int, object] | None:
        for size in range(min(self.longest, len(words) - i), 0, -1):
            value = self.phrases.get(" ".join(words[i:i + size]))
            if value is not None:
                return size, value
        return None


def _spanish(domain: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["es"])
    except OSError:
        return gettext.NullTranslations()


def _spanish_forms(name: str) -> list[str]:
    """A Spanish language name and the adjective forms people put after "películas":
    francés -> frances, francesa, francesas, franceses."""
    forms = [name]
    if name.endswith(("es", "an", "ol", "in")):
        forms += [name + "a", name + "as", name + "es"]
    elif name.endswith("o"):
        forms += [name[:-1] + "a", name[:-1] + "as", name + "s"]
    return forms


class Vocabulary:
    """The catalog's genres, languages and countries as the words people use, in English and
    Spanish; built once per catalog (:func:`vocabulary`)."""

    def __init__(self, catalog: Catalog) -> None:
        genres = set(catalog.discovery.genres)
        self.genres = _Lexicon({w: g for w, g in GENRE_WORDS.items() if g in genres})
        lang_es = _spanish("iso639-3")
        languages: dict[str, int] = {}
        for key, lang in enumerate(catalog.language_table):
            if lang.count == 0:
                continue
            languages.setdefault(normalize(lang.name), key)
            iso = pycountry.languages.get(alpha_2=lang.code)
            if iso is not None:
                for form in _spanish_forms(normalize(lang_es.gettext(iso.name))):
                    languages.setdefault(form, key)
        codes = [lang.code for lang in catalog.language_table]
        for alias, code in LANGUAGE_ALIASES.items():
            languages.setdefault(alias, codes.index(code))
        self.language_names = languages
        self.languages = _Lexicon(languages)

        country_es = _spanish("iso3166-1")
        ccodes = [c.code for c in catalog.country_table]
        countries: dict[str, int] = {}
        for key, country in enumerate(catalog.country_table):
            if country.count == 0:
                continue
            countries.setdefault(normalize(country.name), key)
            iso = pycountry.countries.get(alpha_2=country.code)
            if iso is not None:
                for attr in ("name", "common_name"):
                    if value := getattr(iso, attr, None):
                        countries.setdefault(normalize(value), key)
                        countries.setdefault(normalize(country_es.gettext(value)), key)
        for alias, code in {**COUNTRY_ALIASES, **ENGLISH_DEMONYMS, **SPANISH_DEMONYMS}.items():
            if code in ccodes:
                countries.setdefault(alias, ccodes.index(code))
        countries |= {"eeuu": ccodes.index("US"), "ee uu": ccodes.index("US"),
                      "estados unidos": ccodes.index("US"), "reino unido": ccodes.index("GB"),
                      "inglaterra": ccodes.index("GB"), "corea": ccodes.index("KR"),
                      "corea del sur": ccodes.index("KR"), "rusia": ccodes.index("RU")}
        self.country_names = countries
        self.countries = _Lexicon(countries)
        years = catalog.movies["year"].drop_nulls().value_counts()
        big = years.filter(years["count"] >= 300)["year"]
        self.latest = int(cast(int, big.max())) if big.len() else 2017


_VOCABULARIES: weakref.WeakKeyDictionary[Catalog, Vocabulary] = weakref.WeakKeyDictionary()


def vocabulary(catalog: Catalog) -> Vocabulary:
    """The catalog's :class:`Vocabulary`, built on first use."""
    found = _VOCABULARIES.get(catalog)
    if found is None:
        found = _VOCABULARIES[catalog] = Vocabulary(catalog)
    return found


# -- reading filters -----------------------------------------------------------------------------

YEAR = r"(1[89]\d\d|20[0-4]\d)"
_RANGE = re.compile(rf"(?:between |from |entre |de |desde )?{YEAR} (?:and |to |y |a |hasta |"
                    rf"until |through |til )?{YEAR}")
_DECADE = re.compile(
    r"(?:(?:in|from|of|during|de|en|durante|del) )?(?:the |la )?"
    r"(?:(early|late|principios de|finales de|mid) )?(?:(?:decada de |los anos |los |las |anos )?)"
    r"(?:(1[89]|20)?([0-9]0)s|(?<=los |nos )((?:19|20)?\d0)(?= |$)|(twenties|thirties|forties|"
    r"fifties|sixties|seventies|eighties|nineties|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|"
    r"ochenta|noventa))"
)
_SINCE = re.compile(rf"(after|since|desde|despues de|posteriores a|from after|post|newer than)"
                    rf" (?:el |the year )?{YEAR}")
_UNTIL = re.compile(rf"(before|until|till|antes de|hasta|anteriores a|older than|pre) "
                    rf"(?:el |the year )?{YEAR}")
_EXCLUSIVE = frozenset({"after", "despues de", "posteriores a", "from after", "post",
                        "newer than", "before", "antes de", "anteriores a", "older than", "pre"})
""""after 2010" starts in 2011, "since 2010" in 2010."""
_YEAR = re.compile(rf"(?:(?:from|in|of|released in|de|del|en|ano) )?(?:the year |el ano )?"
                   rf"{YEAR}(?= |$)")
_MINUTES = re.compile(
    r"(under|less than|shorter than|below|at most|max|maximum|no more than|within|menos de|"
    r"no mas de|como mucho|maximo|over|more than|longer than|at least|above|mas de|al menos|"
    r"minimo|por lo menos) (\d+|one|two|three|four|an|a|un|una|dos|tres|cuatro) ?"
    r"(minutes|minute|minutos|mins|min|hours|hour|horas|hora|hrs|h)(?= |$)"
)
_MAX_WORDS = ("under", "less than", "shorter than", "below", "at most", "max", "maximum",
              "no more than", "within", "menos de", "no mas de", "como mucho", "maximo")


def read(catalog: Catalog, t: str, *, allow_empty: bool = False) -> Filters | None:
    """The filters ``t`` states, or None when any word of it is neither a filter nor filler
    (or, unless ``allow_empty``, when it states none)."""
    found: dict[str, Any] = {}
    genres: set[str] = set()
    sort = Sort.POPULARITY
    rest = _years_and_minutes(ALL_TIME.sub(" ", t), found)
    words = vocabulary(catalog)
    tokens = rest.split()
    left: list[str] = []
    i = 0
    while i < len(tokens):
        hit = _word_filter(words, tokens, i)
        if hit is None:
            left.append(tokens[i])
            i += 1
            continue
        size, name, value = hit
        if name == "genre":
            genres.add(value)
        elif name == "sort":
            sort = value
        elif name not in found:
            found[name] = value
        left.append("|")
        i += size
    leftover = " ".join(left)
    unknown = [w for w in left if w != "|" and w not in FILLER]
    if unknown:
        maker = _maker_filter(catalog, leftover, cue=has_cue(t))
        if maker is None:
            return None
        found.update(maker)
    filters = Filters(genres=frozenset(genres), sort=sort, **found)
    if filters.empty and not allow_empty and (sort is Sort.POPULARITY or not has_cue(t)):
        return None
    return filters


def has_cue(t: str) -> bool:
    """"the best movies": a sort word alone is a discovery only about movies."""
    return bool(re.search(r"\b(?:movies?|films?|peliculas?|pelis?|something|algo)\b", t))


def _word_filter(words: Vocabulary, tokens: list[str], i: int) -> tuple[int, str, Any] | None:
    """The filter the words at ``i`` name: (how many words, field, value)."""
    best: tuple[int, str, Any] | None = None
    for name, lexicon in (("genre", words.genres), ("language", words.languages)):
        hit = lexicon.at(tokens, i)
        if hit is not None and (best is None or hit[0] > best[0]):
            best = (hit[0], name, hit[1])
    country = words.countries.at(tokens, i)
    if country is not None and (best is None or country[0] > best[0]):
        best = (country[0], "country", country[1])
    two = " ".join(tokens[i:i + 2])
    one = tokens[i]
    for size, phrase in ((2, two), (1, one)):
        if best is not None and best[0] >= size:
            break
        if phrase in RATED_WORDS:
            return size, "sort", Sort.RATING
        if phrase in POPULAR_WORDS:
            return size, "sort", Sort.POPULARITY
        if phrase in SHORT_WORDS:
            return size, "runtime_max", SHORT_MINUTES
        if phrase in LONG_WORDS:
            return size, "runtime_min", LONG_MINUTES
        if phrase in RECENT_WORDS:
            return size, "year_from", words.latest - RECENT_YEARS
        if phrase in OLD_WORDS:
            return size, "year_to", OLD_UNTIL
    return best


def _years_and_minutes(t: str, found: dict[str, object]) -> str:
    """Reads ranges, decades, single years and minute limits into ``found``; the text left."""
    def cut(match: re.Match[str]) -> str:
        return " | "

    if m := _RANGE.search(t):
        low, high = sorted((int(m[1]), int(m[2])))
        found.update(year_from=low, year_to=high)
        t = _RANGE.sub(cut, t, count=1)
    elif m := _DECADE.search(t):
        decade = _decade(m)
        if decade is not None:
            low, high = decade
            found.update(year_from=low, year_to=high)
            t = t[:m.start()] + " | " + t[m.end():]
    if "year_from" not in found:
        if m := _SINCE.search(t):
            found["year_from"] = int(m[2]) + (m[1] in _EXCLUSIVE)
            t = _SINCE.sub(cut, t, count=1)
        if m := _UNTIL.search(t):
            found["year_to"] = int(m[2]) - (m[1] in _EXCLUSIVE)
            t = _UNTIL.sub(cut, t, count=1)
        if "year_from" not in found and "year_to" not in found and (m := _YEAR.search(t)):
            found.update(year_from=int(m[1]), year_to=int(m[1]))
            t = _YEAR.sub(cut, t, count=1)
    for m in list(_MINUTES.finditer(t)):
        amount = int(m[2]) if m[2].isdigit() else NUMBER_WORDS[m[2]]
        minutes = amount * 60 if m[3].startswith("h") else amount
        if m[1] in _MAX_WORDS:
            found["runtime_max"] = minutes
        else:
            found["runtime_min"] = minutes
    t = _MINUTES.sub(cut, t)
    return " ".join(t.split())


def _decade(m: re.Match[str]) -> tuple[int, int] | None:
    century, tens, spanish, word = m[2], m[3], m[4], m[5]
    if word:
        decade = 1900 + DECADE_WORDS[word]
    elif tens is not None:
        decade = int((century or ("20" if tens in ("00", "10") else "19")) + tens)
        if century is None and tens in ("00", "10"):
            decade = 2000 + int(tens)
    elif spanish is not None:
        decade = int(spanish) if len(spanish) == 4 else 1900 + int(spanish)
    else:
        return None
    low, high = decade, decade + 9
    part = m[1] or ""
    if part in ("early", "principios de"):
        high = decade + 4
    elif part in ("late", "finales de"):
        low = decade + 5
    elif part == "mid":
        low, high = decade + 3, decade + 7
    return low, high


def _maker_filter(catalog: Catalog, leftover: str, *, cue: bool) -> dict[str, int] | None:
    """"by nolan", "de pixar", "nolan movies": the director or company the unknown words name,
    as a filter; None when they name none surely. Without "by" (or "de"...), only with a
    ``cue`` (other filters, or a word such as "movies"): "Heat" alone is a title."""
    m = MAKER_LEAD.search(leftover)
    if m is None:
        if not cue:
            return None
        x = leftover.replace("|", " ")
        x = " ".join(w for w in x.split() if w not in FILLER or w in ("the",))
    else:
        x = m["x"]
        if "|" in x:
            x = x.split("|")[0]
        x = " ".join(x.split())
    if not x or len(x) < 3:
        return None
    best: tuple[float, str, int] | None = None
    for kind, index in makers(catalog):
        hit = best_match(index, x)
        if hit is not None and hit[0] >= MAKER_SCORE and (best is None or hit[0] > best[0]):
            best = (hit[0], kind, hit[1])
    if best is None:
        return None
    rest = leftover.replace(x, " ")
    if any(w not in FILLER and w != "|" and w not in ("by", "directed", "dirigidas",
                                                      "producidas", "produced", "made")
           for w in rest.split()):
        return None
    return {best[1]: best[2]}


def makers(catalog: Catalog, *, collections: bool = False) -> list[tuple[str, NameIndex]]:
    """The name indexes a maker may be in (and with ``collections``, a series)."""
    out = [("director", catalog.directors.index), ("company", catalog.companies.index)]
    return [*out, ("collection", catalog.collections)] if collections else out


def best_match(index: NameIndex, x: str) -> tuple[float, int] | None:
    """The score and key of the entity ``x`` names best: the one resolved, or the most popular
    of an ambiguous name; None when it names none."""
    match = index.resolve(x)
    if isinstance(match, Resolved):
        return match.candidate.score, match.key
    if isinstance(match, Ambiguous):
        top = max(c.score for c in match.candidates)
        return top, match.candidates[0].key
    return None


def states_sort(t: str) -> bool:
    """Whether ``t`` asks for an order ("good", "popular")."""
    return any(w in RATED_WORDS or w in POPULAR_WORDS for w in t.split())
