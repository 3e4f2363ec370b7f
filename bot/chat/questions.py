"""Questions in plain words, English or Spanish, to the query command that answers them.

"how long is toy story", "¿de qué año es Alien?", "who directed heat", "películas parecidas a
Amélie", "a good comedy from the 90s": :func:`interpret` turns a message into an
:class:`Ask` (a command's name and the name it is about, which the catalog then resolves with
its forgiving matching), a :class:`Discover` (filters, and for "like X but from the 90s" the
title), or :class:`NotUnderstood`. A message that is none of these is a title, as before.

How: the text is normalized (case, accents and punctuation folded), polite padding is cut,
then question patterns are tried in order; a pattern's ``x`` group is the name asked about.
When no pattern fits, the words are read as discovery filters (genres, years and decades,
length, language, country, maker, "good"/"best"); they must leave only filler words behind.
Keywords with a typo ("dirceted") are corrected against the patterns' own words, on a second
pass only, so a title is never "corrected". Pure: no Telegram.
"""

from __future__ import annotations

import gettext
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pycountry
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.movies.catalog import COUNTRY_ALIASES, LANGUAGE_ALIASES, Catalog, Kind, Ref
from bot.movies.discovery import Filters, Sort
from bot.movies.matching import (
    Ambiguous,
    Candidate,
    NameIndex,
    NotFound,
    Resolved,
    normalize,
)

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
KNOWN_TITLE_VOTES = 100
"""A title with this many votes is known well enough to be meant when typed alone."""
EXACT_SCORE = 99.0
"""A question is read as a title only when it matches one this well: exactly, or but for
articles and spacing."""
SAID_SCORE = 85.0
"""How closely a message must hold a title for it to be offered."""
SENTENCE_WORDS = 4
"""From this many words, a message that is no title is read as a question not understood."""


@dataclass(frozen=True, slots=True)
class Ask:
    """Answer ``action``'s command (a query spec's name) about ``query``: the words to resolve
    or a :class:`Ref` already found (a Spanish language name)."""

    action: str
    query: str | Ref


@dataclass(frozen=True, slots=True)
class Discover:
    """Movies passing ``filters``; with ``like``, movies like that title, narrowed by them."""

    filters: Filters
    like: str | None = None


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    """Nothing the bot answers; ``closest`` is a plausible title the text may have meant."""

    text: str
    closest: Ref | None = None


Intent = Ask | Discover | NotUnderstood


# -- the question forms ---------------------------------------------------------------------------

X = r"(?P<x>.+?)"
MOVIE_WORD = r"(?:the )?(?:movie|film|peli|pelicula)s?"

PATTERNS: tuple[tuple[str, str], ...] = (
    # recommendations first: "movies like X" holds other questions' words
    ("recommend", rf"(?:(?:some|any|other|more)? ?(?:movies|films|something|anything|stuff|"
                  rf"things|a movie|a film|shows?)|more) (?:just |a bit |kind of )?"
                  rf"(?:like|similar to|similar with|in the style of|along the lines of) {X}"),
    ("recommend", rf"(?:recommend|suggest)(?:ed)? (?:me |us )?(?:some |a |any )?(?:movies?|films?|"
                  rf"something|anything)? ?(?:like|similar to|based on|for fans of) {X}"),
    ("recommend", rf"(?:if )?i (?:liked|loved|like|love|enjoyed) {X},? (?:what|which|anything|"
                  rf"any|so|recommend|suggest|can you|should).*"),
    ("recommend", rf"(?:similar|related) (?:movies|films) (?:to|like|for) {X}"),
    ("recommend", rf"(?:what|which|anything)(?: movie| film| else)? (?:should i|to|can i|do i|"
                  rf"could i) (?:watch|see)(?: next)? (?:if|since|because|now that) i "
                  rf"(?:liked|loved|enjoyed|like|love|saw|watched) {X}"),
    ("recommend", rf"{X} (?:recommendations|like movies|similar movies|alternatives)"),
    ("recommend", rf"(?:more|others?|just|anything|algo) like {X}"),
    ("recommend", rf"(?:like|como|parecidas? a|similar(?:es)? a|similar to) {X}"),
    ("recommend", rf"(?:peliculas|pelis|pelicula|peli|una pelicula|una peli|algo|alguna|algun|"
                  rf"cosas|otra|otras|series) ?"
                  rf"(?:pelicula |peli )?(?:parecid[ao]s?|similar(?:es)?|como|del estilo de|"
                  rf"tipo) (?:a |de )?{X}"),
    ("recommend", rf"(?:recomiendame|recomiendeme|recomienda(?:me)?|sugiereme|me recomiendas) "
                  rf"(?:algo|peliculas|pelis|una pelicula|alguna pelicula)? ?(?:como|parecid[ao]s? "
                  rf"a|similar(?:es)? a|del estilo de|tipo) {X}"),
    ("recommend", rf"(?:si )?me (?:gusto|encanto|gustaron) {X},? (?:que|cual|alguna|algo|"
                  rf"recomiendame|dime).*"),
    # runtime and year: the runtime answer gives both
    ("runtime", rf"how (?:long|many minutes|many hours) (?:is|was|does|did|are|in) "
                rf"(?:{MOVIE_WORD} )?{X}(?: (?:last|run|runs|take|takes|go|long|in minutes|"
                rf"for))*"),
    ("runtime", rf"how long (?:{MOVIE_WORD} )?{X} (?:is|was|lasts|runs|takes)"),
    ("runtime", rf"(?:what|whats) (?:is |s )?(?:the )?(?:runtime|run time|running time|length|"
                rf"duration|release year|release date|year) (?:of|for) (?:{MOVIE_WORD} )?{X}"),
    ("runtime", rf"(?:runtime|run time|running time|length|duration|release year|release date)"
                rf" (?:of |for )?{X}"),
    ("runtime", rf"{X} (?:runtime|run time|running time|length|duration|release year|"
                rf"release date|year|in minutes|how long(?: is it)?|what year(?: is it)?)"),
    ("runtime", rf"(?:in )?(?:what|which|wat) year (?:is|was|did|does|has) (?:{MOVIE_WORD} )?{X}"
                rf"(?: (?:come out|came out|out|released|release|made|premiere|premiered|from|"
                rf"released in|launch))?"),
    ("runtime", rf"when (?:was|did|is|does) (?:{MOVIE_WORD} )?{X} (?:come out|came out|released|"
                rf"release|made|premiere|premiered|out|launch|launched|filmed|shot|from)"),
    ("runtime", rf"(?:in )?(?:what|which) year (?:did|was) {X}"),
    ("runtime", rf"how old is {X}"),
    ("runtime", rf"is {X} (?:long|a long (?:movie|film)|too long|short|a short (?:movie|film))"),
    ("runtime", rf"cuant[oa]s? (?:tiempo |minutos |horas )?(?:dura|duro|mide|tiene) "
                rf"(?:{MOVIE_WORD} )?{X}"),
    ("runtime", rf"(?:que|cual es la|cual es su) duracion (?:tiene |de |es la de )?"
                rf"(?:{MOVIE_WORD} )?{X}"),
    ("runtime", rf"(?:la )?duracion (?:de )?(?:{MOVIE_WORD} )?{X}"),
    ("runtime", rf"(?:de|en) (?:que|cual) ano (?:es|fue|salio|se estreno|estrenaron|sale|se hizo|"
                rf"se rodo|hicieron)? ?(?:{MOVIE_WORD} )?{X}"),
    ("runtime", rf"(?:cuando|cuándo) (?:salio|se estreno|estrenaron|se hizo|se lanzo|fue|es) "
                rf"(?:{MOVIE_WORD} )?{X}"),
    ("runtime", rf"(?:el )?ano (?:de estreno )?de (?:{MOVIE_WORD} )?{X}"),
    ("runtime", rf"{X} (?:cuanto dura|de que ano es|en que ano salio|duracion|que ano|"
                rf"cuando salio|cuantos minutos dura)"),
    # who directed: the movie's card names its directors
    ("movie", rf"(?:who|whos) (?:directed|direct|directs|made|filmed|did direct|helmed|"
              rf"(?:was |is |s )?the director of) (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"(?:the )?(?:director|directors) (?:of|for) (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"{X} (?:was |is )?directed by (?:who|whom)"),
    ("movie", rf"who is {X} directed by"),
    ("movie", rf"{X} (?:director|who directed it)"),
    ("movie", rf"quien (?:dirigio|dirige|hizo|es el director de|fue el director de|filmo) "
              rf"(?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"(?:el )?director de (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"{X} quien la dirigio"),
    # tell me about
    ("movie", rf"(?:tell me|tell us|talk to me) (?:about|of) (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"(?:what is|whats|what s|what was) (?:{MOVIE_WORD} )?{X} about"),
    ("movie", rf"(?:about|sobre|acerca de) (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"(?:info|information|details|facts|plot|synopsis|summary|card) (?:on|about|of|for)"
              rf" (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"what do you know about (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"(?:what happens in|whats the plot of|what is the plot of) {X}"),
    ("movie", rf"(?:hablame|habla me|cuentame|dime algo|informacion|info|datos|sinopsis|ficha) "
              rf"(?:de|sobre|acerca de) (?:{MOVIE_WORD} )?{X}"),
    ("movie", rf"(?:de que (?:va|trata)|que sabes de|que me cuentas de) (?:{MOVIE_WORD} )?{X}"),
    # series
    ("collection", rf"how many (?:movies|films) are (?:there )?in (?:the )?{X} (?:series|franchise|"
                   rf"saga|collection)"),
    ("collection", rf"(?:what|which) (?:series|franchise|saga|collection) (?:is|does|was) {X}"
                   rf"(?: (?:part of|in|belong to|from|belongs to|a part of))?"),
    ("collection", rf"is {X} (?:part of|in) (?:a|any) (?:series|franchise|saga|collection)"),
    ("collection", rf"(?:what|which) (?:movies|films) are (?:in|part of) (?:the )?{X}"
                   rf"(?: (?:series|franchise|saga|collection))?"),
    ("collection", rf"(?:in )?(?:what|which) order (?:should i watch|do i watch|to watch|are) "
                   rf"(?:the )?{X}(?: movies| films)?"),
    ("collection", rf"(?:a )?(?:que|cual) (?:saga|serie|coleccion|franquicia) pertenece {X}"),
    ("collection", rf"(?:que|cual|de que) (?:saga|serie|coleccion|franquicia) es {X}"),
    ("collection", rf"{X} (?:es|forma) parte de (?:una|alguna) (?:saga|serie|coleccion)"),
    ("collection", rf"(?:cuantas )?(?:las )?(?:peliculas|pelis) (?:de|que hay en|tiene) (?:la )?"
                   rf"(?:saga|serie|coleccion|franquicia|trilogia) (?:de )?{X}"),
    ("collection", rf"(?:la )?(?:saga|trilogia|franquicia|coleccion) (?:de )?{X}"),
    ("collection", rf"(?:en )?(?:que )?orden (?:de|ver|para ver|veo) (?:las peliculas de )?{X}"),
    ("collection", rf"(?:the |all the |all )?{X} (?:series|franchise|saga|collection|trilogy|"
                   rf"movies in order|films in order)"),
    # countries and languages
    ("place", rf"how many (?:movies|films) (?:are |were )?(?:there )?(?:in|spoken in) (?:the )?{X}"
              rf"(?: language)?(?: are there| do you have)?"),
    ("language", rf"how many {X} (?:language|speaking)(?: movies| films)?(?: are there)?"),
    ("language", rf"(?:number|count) of (?:movies|films) in (?:the )?{X}(?: language)?"),
    ("place", rf"how many (?:movies|films) (?:did|does|has|have) (?:the )?{X} (?:made|make|"
              rf"produced|produce|released|release|got|have)"),
    ("place", rf"how many (?:movies|films) (?:are|were|come|came|have been|has been)? ?"
              rf"(?:made|produced|filmed|shot)? ?(?:from|in) (?:the )?{X}"),
    ("place", rf"how many {X} (?:movies|films)(?: are there| do you have| are in the catalog)?"),
    ("place", rf"cuant[ao]s (?:peliculas|pelis|films) (?:hay|existen|tienes|se han hecho|"
              rf"se hicieron|se han rodado|se produjeron|ha hecho|hizo|ha producido|produjo|"
              rf"han salido|tiene|son)? ?(?:en|de|del|hablad[ao]s en) (?:el |la |los )?{X}"),
    ("place", rf"cuant[ao]s (?:peliculas|pelis|films) (?:ha hecho|hizo|ha producido|produjo|"
              rf"tiene) {X}"),
    ("place", rf"cuant[ao]s (?:peliculas|pelis) {X} hay"),
    # makers: a director's or a company's movies and money
    ("maker", rf"how much (?:money )?(?:did|have|has|do|does) (?:the )?{X} (?:movies |films )?"
              rf"(?:make|made|earn|earned|gross|grossed|bring in|take in|pull in)"
              rf"(?: in total| at the box office| overall| in all)?"),
    ("maker", rf"how many (?:movies|films) (?:did|has|have) {X} (?:directed|direct|made|make|"
              rf"produced|produce|done|do)"),
    ("maker", rf"(?:what|which)(?: movies| films)? (?:did|has|have) {X} (?:directed|direct|made|"
              rf"make|produced|produce|done|do|released|release)"),
    ("maker", rf"(?:all )?(?:the )?(?:movies|films|filmography|box office|revenue|earnings) "
              rf"(?:directed |produced |made )?(?:by|of|from) {X}"),
    ("maker", rf"{X} (?:filmography|box office|revenue|earnings|movies|films)(?: list)?"),
    ("maker", rf"(?:cuanto|cuanta plata|cuanto dinero) (?:ha |han )?(?:recaudado|ganado|gano|"
              rf"recaudo|facturado|hecho|recaudaron|ganaron|hicieron) (?:las peliculas de )?{X}"),
    ("maker", rf"(?:que|cuales) (?:peliculas|pelis) (?:ha |han )?(?:dirigido|dirigio|hizo|hecho|"
              rf"producido|produjo) {X}"),
    ("maker", rf"(?:filmografia|taquilla|recaudacion) de {X}"),
    ("maker", rf"(?:las )?(?:peliculas|pelis) (?:dirigidas|producidas|hechas) por {X}"),
)
"""(action, pattern) in the order tried; a pattern must match the whole cleaned text.
``place`` is a language or a country, ``maker`` a director or a company: which, the catalog
decides."""

_COMPILED = tuple((action, re.compile(pattern)) for action, pattern in PATTERNS)

LEADING = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|yo|please|pls|plz|oye|hola|porfa|por favor|"
    r"una pregunta|quick question|um|uh|hmm|bueno|"
    r"(?:and|y|so|but|also|then|well|pues|e)(?= (?:how|what|whats|who|whos|when|which|tell|"
    r"cuanto|cuanta|cuantos|cuantas|que|quien|cuando|de que|en que|hablame|cuentame)\b)|"
    r"(?:can|could|would|will) (?:you|u)(?: please)? (?:tell me|tell us|say|let me know|check)|"
    r"(?:can|could|would|will) (?:you|u)(?: please)?|do you know|d you know|you know|"
    r"i (?:want|would like|d like|wanna|need) to know|i wonder|i was wondering|any idea|"
    r"(?:me )?(?:puedes|podrias|sabes)(?: decir(?:me)?| decirnos)?|quiero saber|dime|"
    r"necesito saber|me gustaria saber|tell me|let me know|pls tell me|give me|show me|send me|"
    r"find me|get me|i (?:want|need|would like|d like|wanna)(?: to (?:watch|see))?|"
    r"quiero(?: ver)?|me gustaria ver) )+"
)
TRAILING = re.compile(
    r"(?: (?:please|pls|plz|thanks|thank you|thx|por favor|porfa|gracias|exactly|again|"
    r"exactamente|then|anyway|lol|bro|man|dude|tio|amigo|ok|then))+$"
)
STRIP_TITLE = re.compile(r"^(?:the (?:movie|film) |(?:la|el) (?:pelicula|peli|film) (?:de |del )?|"
                         r"(?:movie|film|pelicula|peli) )|(?: (?:movie|film|pelicula|peli))$")
QUESTION_START = re.compile(
    r"^(?:how|what|whats|who|whos|when|which|why|where|can|could|do|does|did|is|are|was|"
    r"tell|show|give|find|recommend|suggest|i want|i need|any|cuanto|cuanta|cuantos|cuantas|"
    r"que|cual|cuales|quien|cuando|donde|como|por que|puedes|dame|muestrame|recomiendame|"
    r"quiero|busca|hay|cuentame|hablame)\b"
)
KEYWORDS = frozenset(
    word for _action, pattern in PATTERNS for word in re.findall(r"[a-z]{4,}", pattern)
) | {"movies", "films", "peliculas", "directed", "director"}
"""The patterns' own words."""


# -- discovery words ------------------------------------------------------------------------------

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
CORRECTABLE = KEYWORDS | {"how", "who", "what", "when", "tell", "like", "year"} | {
    w for w in (*GENRE_WORDS, *RATED_WORDS, *SHORT_WORDS, *LONG_WORDS) if " " not in w
}
"""The only words a typo is corrected to ("dirceted", "horor", "comdies")."""
ALL_TIME = re.compile(r"\b(?:of all time|ever made|ever|de todos los tiempos|de la historia)\b")
"""Words that widen nothing: "the best movies of all time" are the best movies."""
LIKE_FILTERS = re.compile(r" (?=(?:from|in|of|de|del|en|made|hechas?) )")
"""Where a title may end and filters begin: "like alien from the 90s"."""
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
        self.latest = int(big.max()) if big.len() else 2017


_VOCABULARIES: weakref.WeakKeyDictionary[Catalog, Vocabulary] = weakref.WeakKeyDictionary()


def vocabulary(catalog: Catalog) -> Vocabulary:
    """The catalog's :class:`Vocabulary`, built on first use."""
    found = _VOCABULARIES.get(catalog)
    if found is None:
        found = _VOCABULARIES[catalog] = Vocabulary(catalog)
    return found


# -- reading a message ----------------------------------------------------------------------------


def clean(text: str) -> str:
    """Normalized, with polite padding cut: "¿Me puedes decir cuánto dura Alien?" ->
    "cuanto dura alien"."""
    t = normalize(text)
    for _ in range(3):
        stripped = TRAILING.sub("", LEADING.sub("", t)).strip()
        if stripped == t:
            break
        t = stripped
    return t


def interpret(catalog: Catalog, text: str) -> Intent:
    """What a plain message asks (see the module's docstring)."""
    t = clean(text)
    if not t:
        return Ask("movie", text)
    intent = _question(catalog, t) or _discover(catalog, t)
    if intent is not None:
        return intent
    corrections = _corrections(t)
    for attempt in corrections:
        intent = _question(catalog, attempt)
        if intent is not None:
            return intent
    if corrections and (intent := _discover(catalog, _corrected(t))) is not None:
        return intent
    asked = bool(QUESTION_START.match(t)) or LEADING.match(normalize(text)) is not None
    if asked or "?" in text or len(t.split()) >= SENTENCE_WORDS:
        return _title_or_not_understood(catalog, text, t, exact=asked)
    return Ask("movie", text)


def _discover(catalog: Catalog, t: str) -> Intent | None:
    filters = _discovery(catalog, t)
    if filters is None or _known_title(catalog, t):
        return None
    return _discover_or_maker(catalog, t, filters)


def filters_of(catalog: Catalog, text: str) -> Filters | None:
    """The discovery filters ``text`` states (``/discover good comedy 90s``); None when it
    holds words that are no filter. An empty text is every movie."""
    t = clean(text)
    if not t:
        return Filters()
    return _discovery(catalog, t, allow_empty=True)


def _question(catalog: Catalog, t: str) -> Intent | None:
    for action, pattern in _COMPILED:
        match = pattern.fullmatch(t)
        if match is None:
            continue
        x = STRIP_TITLE.sub("", match["x"].strip()).strip()
        if not x or x in FILLER:
            continue
        intent = _resolve(catalog, action, x)
        if intent is not None:
            return intent
    return None


def _resolve(catalog: Catalog, action: str, x: str) -> Intent | None:
    """The intent of ``action`` about ``x``, the kinds ``place`` and ``maker`` decided."""
    if action == "recommend":
        return _like(catalog, x)
    if action == "place":
        return _place(catalog, x)
    if action == "language":
        key = vocabulary(catalog).language_names.get(x)
        return Ask("language", Ref(Kind.LANGUAGE, key) if key is not None else x)
    if action == "maker":
        x = re.sub(r"^(?:all the |all |the )", "", x)
        if any(w in RATED_WORDS for w in x.split()):
            return None
        filters = _discovery(catalog, x, allow_empty=True)
        if filters is not None and (filters.sort is Sort.RATING or not replace(
                filters, director=None, company=None).empty):
            return None
        return Ask(_maker(catalog, x), x)
    return Ask(action, x)


def _like(catalog: Catalog, x: str) -> Intent | None:
    """"alien but from the 90s", "alien from the 90s": the title, and the filters after it.
    None when no title is named (``cómo estás hoy`` is no "like X")."""
    parts = re.split(r" (?:but|pero|only|solo|that are|que sean)(?= )", x, maxsplit=1)
    if len(parts) == 1:
        for split in LIKE_FILTERS.finditer(x):
            title, rest = x[:split.start()], x[split.start():]
            filters = _discovery(catalog, rest.strip(), allow_empty=True)
            if filters is not None and not filters.empty and _names_a_title(catalog, title):
                return Discover(filters, like=title)
    title = parts[0]
    if not _names_a_title(catalog, title):
        return None
    if len(parts) > 1:
        filters = _discovery(catalog, parts[1].strip(), allow_empty=True)
        if filters is not None and not filters.empty:
            return Discover(filters, like=title)
    return Ask("recommend", title)


def _names_a_title(catalog: Catalog, text: str) -> bool:
    return not isinstance(catalog.titles.resolve(text), NotFound)


def _place(catalog: Catalog, x: str) -> Ask:
    """A language when ``x`` names one ("japanese", "alemán"), else a country, unless a
    director or a company fits it and no country does ("how many films has pixar made")."""
    words = vocabulary(catalog)
    x = re.sub(r"^(?:the |el |la |los |las )", "", x)
    x = re.sub(r" (?:language|speaking|idioma|lengua)$", "", x)
    if (key := words.language_names.get(x)) is not None:
        return Ask("language", Ref(Kind.LANGUAGE, key))
    if (key := words.country_names.get(x)) is not None:
        return Ask("country", Ref(Kind.COUNTRY, key))
    language = catalog.languages.resolve(x)
    if isinstance(language, Resolved) and language.candidate.score >= MAKER_SCORE:
        return Ask("language", x)
    country = catalog.countries.resolve(x)
    if not (isinstance(country, Resolved) and country.candidate.score >= MAKER_SCORE):
        maker = _maker(catalog, x)
        if maker != "collection" and any(
                (hit := _best(index, x)) is not None and hit[0] >= MAKER_SCORE
                for kind, index in _makers(catalog) if kind == maker):
            return Ask(maker, x)
    return Ask("country", x)


def _maker(catalog: Catalog, x: str) -> str:
    """``director`` or ``company``: whichever fits ``x`` better (a director on a tie), or
    ``collection`` when a series' name fits best ("harry potter movies")."""
    best, action = 0.0, "director"
    for kind, index in _makers(catalog, collections=True):
        for name in (x, x[:-1]) if x.endswith("s") else (x,):
            hit = _best(index, name)
            if hit is not None and hit[0] > best:
                best, action = hit[0], kind
    return action


def _makers(catalog: Catalog, *, collections: bool = False) -> list[tuple[str, NameIndex]]:
    out = [("director", catalog.directors.index), ("company", catalog.companies.index)]
    return [*out, ("collection", catalog.collections)] if collections else out


def _best(index: NameIndex, x: str) -> tuple[float, int] | None:
    """The score and key of the entity ``x`` names best: the one resolved, or the most popular
    of an ambiguous name; None when it names none."""
    match = index.resolve(x)
    if isinstance(match, Resolved):
        return match.candidate.score, match.key
    if isinstance(match, Ambiguous):
        top = max(c.score for c in match.candidates)
        return top, match.candidates[0].key
    return None


def _discover_or_maker(catalog: Catalog, t: str, filters: Filters) -> Intent:
    """A maker and nothing else ("movies by nolan") asks for the maker's answer."""
    only_maker = replace(filters, director=None, company=None)
    if only_maker.empty and filters.sort is Sort.POPULARITY and not _rated(t):
        if filters.director is not None and filters.company is None:
            return Ask("director", Ref(Kind.DIRECTOR, filters.director))
        if filters.company is not None and filters.director is None:
            return Ask("company", Ref(Kind.COMPANY, filters.company))
    return Discover(filters)


def _known_title(catalog: Catalog, t: str) -> bool:
    """"Brazil" alone is Gilliam's movie, not Brazil's movies: a well-known exact title wins
    over filters stated without a word such as "movies" or "best"."""
    if _has_cue(t) or _rated(t):
        return False
    match = catalog.titles.resolve(t)
    return (isinstance(match, Resolved) and match.candidate.score >= 99
            and catalog.movies["vote_count"][match.key] >= KNOWN_TITLE_VOTES)


def _rated(t: str) -> bool:
    return any(w in RATED_WORDS or w in POPULAR_WORDS for w in t.split())


def _title_or_not_understood(catalog: Catalog, text: str, t: str, *, exact: bool) -> Intent:
    """A sentence that is a title is a title; else not understood, with the closest title
    when it is close enough to be meant. A question ("what time is it") must be a title
    exactly: "What Time Is It There?" is only offered."""
    match = catalog.titles.resolve(t)
    if isinstance(match, Resolved) and (not exact or match.candidate.score >= EXACT_SCORE):
        return Ask("movie", text)
    if isinstance(match, Resolved):
        candidates: tuple[Candidate, ...] = (match.candidate,)
    else:
        candidates = getattr(match, "suggestions", ()) or getattr(match, "candidates", ())
    for candidate in sorted(candidates, key=lambda c: -c.score):
        if _said(normalize(candidate.name), t):
            return NotUnderstood(text, Ref(Kind.MOVIE, int(catalog.movies["id"][candidate.key])))
    return NotUnderstood(text)


def _said(title: str, t: str) -> bool:
    """Whether the message holds the title, give or take a typo ("what is the meaning of
    life" holds "the meaning of life"; "who are you" does not hold "Who Are You, Polly
    Maggoo?")."""
    return len(title) <= len(t) + 2 and fuzz.partial_ratio(title, t) >= SAID_SCORE


def _corrections(t: str) -> list[str]:
    """``t`` with one word corrected to the keyword it is a typo of, for each word that is
    one: "how lnog is toy story" -> ["how long is toy story"]. One word at a time, so that a
    title's words ("toy") are not all "corrected" with it."""
    words = t.split()
    out = []
    for i, word in enumerate(words):
        keyword = _keyword(word)
        if keyword is not None:
            out.append(" ".join([*words[:i], keyword, *words[i + 1:]]))
    return out


def _corrected(t: str) -> str:
    """``t`` with every correction at once (discovery words: "good horor comdies")."""
    return " ".join(_keyword(word) or word for word in t.split())


def _keyword(word: str) -> str | None:
    """The keyword ``word`` is a typo of (a missing letter first: "wich" is "which", not
    "with"), or None."""
    if len(word) < 2 or word in CORRECTABLE or word.isdigit():
        return None
    limit = 1 if len(word) < 7 else 2
    close = [(OSA.distance(word, k), len(k) < len(word), -len(k), k)
             for k in CORRECTABLE if abs(len(k) - len(word)) <= limit]
    best = min((c for c in close if c[0] <= limit), default=None)
    return None if best is None else best[3]


# -- discovery filters ----------------------------------------------------------------------------

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


def _discovery(catalog: Catalog, t: str, *, allow_empty: bool = False) -> Filters | None:
    """The filters ``t`` states, or None when any word of it is neither a filter nor filler
    (or, unless ``allow_empty``, when it states none)."""
    found: dict[str, object] = {}
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
        maker = _maker_filter(catalog, leftover, cue=_has_cue(t))
        if maker is None:
            return None
        found.update(maker)
    filters = Filters(genres=frozenset(genres), sort=sort, **found)
    if filters.empty and not allow_empty and (sort is Sort.POPULARITY or not _has_cue(t)):
        return None
    return filters


def _has_cue(t: str) -> bool:
    """"the best movies": a sort word alone is a discovery only about movies."""
    return bool(re.search(r"\b(?:movies?|films?|peliculas?|pelis?|something|algo)\b", t))


def _word_filter(words: Vocabulary, tokens: list[str], i: int) -> tuple[int, str, object] | None:
    """The filter the words at ``i`` name: (how many words, field, value)."""
    best: tuple[int, str, object] | None = None
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
    for kind, index in _makers(catalog):
        hit = _best(index, x)
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

