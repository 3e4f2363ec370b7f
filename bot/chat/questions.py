"""Questions in plain words, English or Spanish, to the query command that answers them.

"how long is toy story", "¿de qué año es Alien?", "who directed heat", "películas parecidas a
Amélie", "a good comedy from the 90s": :func:`interpret` turns a message into an
:class:`Ask` (a command's name and the name it is about, which the catalog then resolves with
its forgiving matching), a :class:`Discover` (filters, and for "like X but from the 90s" the
title), or :class:`NotUnderstood`. A message that is none of these is a title, as before.

How: the text is normalized (case, accents and punctuation folded), polite padding is cut,
then question patterns are tried in order; a pattern's ``x`` group is the name asked about.
When no pattern fits, the words are read as discovery filters (:mod:`bot.chat.filters`:
genres, years and decades, length, language, country, maker, "good"/"best"); they must leave
only filler words behind. A keyword with a typo ("dirceted") is corrected against the
patterns' own words on a second pass, one word at a time, so a title is never "corrected".
Pure: no Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.chat import filters as filter_words
from bot.movies.catalog import Catalog
from bot.movies.discovery import Filters, Sort
from bot.movies.matching import (
    Candidate,
    NotFound,
    Resolved,
    normalize,
)
from bot.movies.results import Kind, Ref

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
    """Nothing the bot answers; ``closest`` is a plausible title the text may have meant.
    ``chat`` is small talk ("hello", "gracias"), answered with what the bot can do."""

    text: str
    closest: Ref | None = None
    chat: bool = False


Intent = Ask | Discover | NotUnderstood


# -- the question forms ---------------------------------------------------------------------------

X = r"(?P<x>.+?)"
MOVIE_WORD = r"(?:the )?(?:movie|film|peli|pelicula)s?"

PATTERNS: tuple[tuple[str, str], ...] = (
    # charts: a director's, company's or series' box office, drawn
    ("chart", rf"(?:show me |draw |make |give me )?(?:a |the )?(?:bar )?(?:chart|graph)"
              rf" (?:of|for|about) (?:the )?{X}(?: ?s)?(?: (?:box office|revenue|money|"
              rf"earnings|movies|films|budgets?))?"),
    ("chart", rf"{X}(?: ?s)? (?:box office |revenue |money )?(?:chart|graph)"),
    ("chart", rf"(?:(?:muestrame|dibuja|haz) )?(?:un |el |una |la )?"
              rf"(?:grafico|grafica|diagrama) (?:de|del|sobre) (?:la )?"
              rf"(?:taquilla (?:de |del )?|recaudacion (?:de |del )?)?{X}"),
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
SMALL_TALK = re.compile(
    r"(?:(?:hi|hello|hey|hiya|yo|hola|buenas|buenos dias|buenas tardes|buenas noches|good "
    r"(?:morning|afternoon|evening)|thanks|thank you|thanks a lot|thx|ty|gracias|muchas "
    r"gracias|ok|okay|vale|bye|goodbye|adios|chao|hasta luego|help|ayuda|how are you|que tal|"
    r"como estas)(?: (?:bot|there|again|amigo|please|por favor))? ?)+"
)
"""Greetings, thanks and "help": what the bot can do, never a title search ("Hello, Dolly!")."""
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


CORRECTABLE = KEYWORDS | {"how", "who", "what", "when", "tell", "like", "year"} | {
    w for words in (filter_words.GENRE_WORDS, filter_words.RATED_WORDS, filter_words.SHORT_WORDS,
                    filter_words.LONG_WORDS)
    for w in words if " " not in w
}
"""The only words a typo is corrected to ("dirceted", "horor", "comdies")."""
LIKE_FILTERS = re.compile(r" (?=(?:from|in|of|de|del|en|made|hechas?) )")
"""Where a title may end and filters begin: "like alien from the 90s"."""
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
    if SMALL_TALK.fullmatch(normalize(text)):
        return NotUnderstood(text, chat=True)
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
    filters = filter_words.read(catalog, t)
    if filters is None or _known_title(catalog, t):
        return None
    return _discover_or_maker(catalog, t, filters)


def filters_of(catalog: Catalog, text: str) -> Filters | None:
    """The discovery filters ``text`` states (``/discover good comedy 90s``); None when it
    holds words that are no filter. An empty text is every movie."""
    t = clean(text)
    if not t:
        return Filters()
    return filter_words.read(catalog, t, allow_empty=True)


def _question(catalog: Catalog, t: str) -> Intent | None:
    for action, pattern in _COMPILED:
        match = pattern.fullmatch(t)
        if match is None:
            continue
        x = STRIP_TITLE.sub("", match["x"].strip()).strip()
        if not x or x in filter_words.FILLER:
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
        key = filter_words.vocabulary(catalog).language_names.get(x)
        return Ask("language", Ref(Kind.LANGUAGE, key) if key is not None else x)
    if action == "maker":
        x = re.sub(r"^(?:all the |all |the )", "", x)
        if any(w in filter_words.RATED_WORDS for w in x.split()):
            return None
        filters = filter_words.read(catalog, x, allow_empty=True)
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
            filters = filter_words.read(catalog, rest.strip(), allow_empty=True)
            if filters is not None and not filters.empty and _names_a_title(catalog, title):
                return Discover(filters, like=title)
    title = parts[0]
    if not _names_a_title(catalog, title):
        return None
    if len(parts) > 1:
        filters = filter_words.read(catalog, parts[1].strip(), allow_empty=True)
        if filters is not None and not filters.empty:
            return Discover(filters, like=title)
    return Ask("recommend", title)


def _names_a_title(catalog: Catalog, text: str) -> bool:
    return not isinstance(catalog.titles.resolve(text), NotFound)


def _place(catalog: Catalog, x: str) -> Ask:
    """A language when ``x`` names one ("japanese", "alemán"), else a country, unless a
    director or a company fits it and no country does ("how many films has pixar made")."""
    words = filter_words.vocabulary(catalog)
    x = re.sub(r"^(?:the |el |la |los |las )", "", x)
    x = re.sub(r" (?:language|speaking|idioma|lengua)$", "", x)
    if (key := words.language_names.get(x)) is not None:
        return Ask("language", Ref(Kind.LANGUAGE, key))
    if (key := words.country_names.get(x)) is not None:
        return Ask("country", Ref(Kind.COUNTRY, key))
    language = catalog.languages.resolve(x)
    if isinstance(language, Resolved) and language.candidate.score >= filter_words.MAKER_SCORE:
        return Ask("language", x)
    country = catalog.countries.resolve(x)
    if not (isinstance(country, Resolved) and country.candidate.score >= filter_words.MAKER_SCORE):
        maker = _maker(catalog, x)
        fits = [filter_words.best_match(index, x) for kind, index in filter_words.makers(catalog)
                if kind == maker]
        if any(hit is not None and hit[0] >= filter_words.MAKER_SCORE for hit in fits):
            return Ask(maker, x)
    return Ask("country", x)


def _maker(catalog: Catalog, x: str) -> str:
    """``director`` or ``company``: whichever fits ``x`` better (a director on a tie), or
    ``collection`` when a series' name fits best ("harry potter movies")."""
    best, action = 0.0, "director"
    for kind, index in filter_words.makers(catalog, collections=True):
        for name in (x, x[:-1]) if x.endswith("s") else (x,):
            hit = filter_words.best_match(index, name)
            if hit is not None and hit[0] > best:
                best, action = hit[0], kind
    return action


def _discover_or_maker(catalog: Catalog, t: str, filters: Filters) -> Intent:
    """A maker and nothing else ("movies by nolan") asks for the maker's answer."""
    only_maker = replace(filters, director=None, company=None)
    if only_maker.empty and filters.sort is Sort.POPULARITY and not filter_words.states_sort(t):
        if filters.director is not None and filters.company is None:
            return Ask("director", Ref(Kind.DIRECTOR, filters.director))
        if filters.company is not None and filters.director is None:
            return Ask("company", Ref(Kind.COMPANY, filters.company))
    return Discover(filters)


def _known_title(catalog: Catalog, t: str) -> bool:
    """"Brazil" alone is Gilliam's movie, not Brazil's movies: a well-known exact title wins
    over filters stated without a word such as "movies" or "best"."""
    if filter_words.has_cue(t) or filter_words.states_sort(t):
        return False
    match = catalog.titles.resolve(t)
    return (isinstance(match, Resolved) and match.candidate.score >= 99
            and catalog.movies["vote_count"][match.key] >= KNOWN_TITLE_VOTES)


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
