"""The bot in Spanish: catalogs complete and compiled, translations safe, replies in Spanish."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from bot.app import console
from bot.chat import charts, i18n, translations
from bot.chat import formatting as f
from bot.chat.commands import COMMANDS, QUERIES, QuerySpec
from bot.chat.i18n import EN
from bot.movies.catalog import Catalog
from handlers import start
from tests.botapi import (
    GROUP_ID,
    USER_ID,
    BotHarness,
    callback_query,
    group_message,
    inline_query,
    private_message,
)
from tests.test_daily import NINE_CET, make_bot  # noqa: F401
from tests.test_formatting import TOY_STORY, tags_balanced

ES = i18n.translator("es")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?(?:b|i|code|a)\b[^>]*>")
"""The tags Telegram's HTML parse mode reads (``<title>`` in a usage line is text)."""


def spanish_messages() -> list[tuple[str, str]]:
    """(English message, its Spanish translation), every plural form apart."""
    catalog = translations.read(i18n.LOCALE_DIR / "es/LC_MESSAGES/messages.po", "es")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(ids[min(i, len(ids) - 1)], s) for i, s in enumerate(strings)]
    return pairs


def test_every_message_is_translated_and_every_mo_compiled() -> None:
    """What Babel extracts from the code is exactly what each .po holds, all translated, and
    each checked-in .mo is its .po compiled (``python -m bot.chat.translations check``)."""
    assert translations.problems() == []


@pytest.mark.parametrize(("english", "spanish"), spanish_messages())
def test_translations_keep_placeholders_and_html(english: str, spanish: str) -> None:
    """A translation uses no placeholder its message does not fill (it may leave one out,
    as Spanish does a plural noun), and keeps the message's HTML tags, balanced."""
    assert set(PLACEHOLDER.findall(spanish)) <= set(PLACEHOLDER.findall(english))
    assert sorted(TAG.findall(spanish)) == sorted(TAG.findall(english))
    assert tags_balanced(TAG.sub("", spanish).replace("<", "").replace(">", "")
                         if not TAG.search(english) else spanish)


def english_fragments() -> set[str]:
    """The English words of every message the Spanish translation changes: what a Spanish
    reply must not contain."""
    fragments = set()
    for english, spanish in spanish_messages():
        if english == spanish:
            continue
        for part in re.split(r"\{\w*\}|<[^>]+>|\n", english):
            part = part.strip(" .,:;!?()“”•—🎬🍿🌍🗣🎞📊🔎🐢")
            if len(part.split()) >= 2 and part not in spanish:
                fragments.add(part)
    return fragments


ENGLISH = english_fragments()


def assert_spanish(text: str) -> None:
    leaked = [fragment for fragment in ENGLISH if fragment in text]
    assert not leaked, (leaked, text)


SPANISH_ASKS = [
    "/runtime Toy Story", "/movie Toy Story", "/director Christopher Nolan", "/company Pixar",
    "/collection Harry Potter", "/collection Amélie", "/country Mexico", "/language French",
    "/recommend The Matrix", "/discover buena comedia de los 90", "/discover zzqx",
    "/director Smith", "/movie qqqzzzxxy", "/help", "/start", "/runtime", "/chart Pixar",
    "/frobnicate", "¿cuánto dura Toy Story?", "hola",
]


@pytest.mark.parametrize("text", SPANISH_ASKS)
def test_a_spanish_user_gets_spanish_replies_and_buttons(
    bot_harness: BotHarness, text: str
) -> None:
    calls = bot_harness.send(private_message(text, language_code="es-419"))
    sent = [c for c in calls if c.method in ("sendMessage", "sendPhoto")]
    assert sent
    for call in sent:
        shown = call.text or ""
        assert_spanish(shown)
        assert tags_balanced(shown)
        for row in call.buttons or []:
            for label, _data in row:
                assert label not in ("‹ Prev", "Next ›", "🍿 More like this", "📊 Chart")  # noqa: RUF001


def test_paging_buttons_and_pages_in_spanish(bot_harness: BotHarness) -> None:
    calls = bot_harness.send(private_message("/director John Ford", language_code="es"))
    assert "<i>Página 1/2</i>" in (calls[-1].text or "")
    nxt = [data for row in calls[-1].buttons for label, data in row
           if label == "Siguiente ›"]  # noqa: RUF001
    assert nxt
    pressed = bot_harness.send(callback_query(nxt[0], language_code="es"))
    edited = [c for c in pressed if c.method == "editMessageText"]
    assert "<i>Página 2/2</i>" in (edited[0].text or "")
    labels = [label for row in edited[0].buttons for label, _ in row]
    assert "‹ Anterior" in labels  # noqa: RUF001


def test_the_same_question_stays_english_for_english_users(bot_harness: BotHarness) -> None:
    calls = bot_harness.send(private_message("/country Mexico"))
    assert "movies produced in <b>Mexico</b>" in (calls[-1].text or "")


def test_a_clearly_spanish_question_is_answered_in_spanish_even_to_english_apps(
    bot_harness: BotHarness,
) -> None:
    calls = bot_harness.send(private_message("¿cuánto dura Toy Story?"))
    assert "81 min" in (calls[-1].text or "")
    calls = bot_harness.send(private_message("¿cuántas películas hay de México?"))
    assert_spanish(calls[-1].text or "")
    calls = bot_harness.send(private_message("how long is Toy Story?", language_code="es"))
    assert "unknown runtime" not in (calls[-1].text or "")


def test_inline_results_in_spanish(bot_harness: BotHarness) -> None:
    calls = bot_harness.send(inline_query("toy story", language_code="es"))
    (answer,) = [c for c in calls if c.method == "answerInlineQuery"]
    first = answer.params["results"][0]
    assert "Animación" in first["description"]
    assert_spanish(first["input_message_content"]["message_text"])
    assert answer.params["is_personal"] is True


@pytest.mark.parametrize(
    ("language_code", "language"),
    [("es", "es"), ("es-419", "es"), ("es-AR", "es"), ("ES_mx", "es"), ("en", "en"),
     ("en-GB", "en"), ("fr", "en"), ("", "en"), (None, "en")],
)
def test_telegram_language_codes(language_code: str | None, language: str) -> None:
    assert i18n.choose(language_code).code == language


@pytest.mark.parametrize(
    ("text", "language"),
    [("¿cuánto dura Toy Story?", "es"), ("películas parecidas a Amélie", "es"),
     ("una buena comedia de los 90", "es"), ("how long is Toy Story?", "en"),
     ("a good comedy from the 90s", "en"), ("Toy Story", None), ("Amélie", None)],
)
def test_the_language_of_a_question(text: str, language: str | None) -> None:
    assert i18n.language_of_text(text) == language


def test_spanish_numbers_plurals_money_and_names() -> None:
    assert f.n_movies(1, ES) == "1 película"
    assert f.n_movies(2435, ES) == "2.435 películas"
    assert f.n_movies(2435) == "2,435 movies"
    assert f.money(373_554_033, ES) == "373,6\xa0M\xa0US$"
    assert f.money(1_200_000_000, ES) == "1200\xa0M\xa0US$"
    assert f.money(None, ES) == "n/d"
    assert f.times(4.25, ES).startswith("4,")
    assert ES.country_name("Mexico") == "México"
    assert ES.language_name("fr", "French") == "francés"
    assert ES.language_named("German") == "alemán"
    assert ES.genre("Science Fiction") == "Ciencia ficción"
    assert ES.criterion("in French") == "en francés"
    assert ES.criterion("Comedy + Drama") == "Comedia + Drama"
    assert ES.reason("shares Comedy, Family") == "comparte Comedia, Familia"


def test_a_spanish_movie_card_stays_pure_and_escaped() -> None:
    card = f.movie_card(TOY_STORY, t=ES)
    assert "Dirigida por: John Lasseter" in card
    assert "Animación, Comedia, Familia" in card
    assert "Estados Unidos" in card
    assert "5.415 votos" in card
    assert_spanish(card)
    assert tags_balanced(card)
    assert f.movie_card(TOY_STORY) == f.movie_card(TOY_STORY, t=EN)


def test_console_ask_takes_a_language(catalog: Catalog) -> None:
    out = io.StringIO()
    console.ask(catalog, "/country Mexico", out, language="es")
    text = out.getvalue()
    assert "México (MX): 328 películas" in text
    assert "Películas por década" in text


@pytest.mark.parametrize("spec", QUERIES, ids=lambda spec: spec.name)
def test_spanish_command_names_answer_as_the_english_ones(
    spec: QuerySpec, bot_harness: BotHarness
) -> None:
    alias = spec.name_in("es")
    example = ES._(spec.example)
    english = bot_harness.send(private_message(f"/{spec.name} {example}", language_code="es"))
    spanish = bot_harness.send(private_message(f"/{alias} {example}", language_code="es"))
    assert [(c.method, c.text) for c in spanish] == [(c.method, c.text) for c in english]
    bare = bot_harness.send(private_message(f"/{alias}", language_code="es"))
    assert bare[-1].text == f"¿Qué {f.noun_of(spec.noun, ES)}? Por ejemplo: <i>{example}</i>"


def test_the_spanish_menu_and_help_list_the_spanish_commands(bot_harness: BotHarness) -> None:
    bot_harness.run(start.set_menu(bot_harness.app))
    menus = {c.params.get("language_code"): c.params["commands"]
             for c in bot_harness.request.of("setMyCommands")}
    assert set(menus) == {None, "es"}
    spanish = [c["command"] for c in menus["es"]]
    assert spanish == ["start", "pelicula", "duracion", "recomendar", "director", "coleccion",
                       "productora", "grafico", "pais", "idioma", "descubrir", "diaria",
                       "ayuda"]
    assert len(spanish) == len(COMMANDS)
    assert all(0 < len(c["description"]) <= 256 for c in menus["es"])
    assert menus["es"][2]["description"] == "Cuánto dura una película"
    for text in ("/ayuda", "/help"):
        (help_call,) = bot_harness.send(private_message(text, language_code="es"))
        shown = help_call.text or ""
        assert "/duracion — Cuánto dura una película" in shown
        assert "/pais Japón" in shown and "/diaria 09:00 Europe/Madrid" in shown
        assert "/lang es" in shown and "/runtime" not in shown
        assert_spanish(shown)
    (english,) = bot_harness.send(private_message("/help"))
    assert "/runtime — How long a movie runs" in (english.text or "")


def test_a_spanish_users_daily_texts_and_posts_are_spanish(make_bot: Any) -> None:  # noqa: F811
    dbot = make_bot()
    calls = dbot.send(private_message("/diaria 09:00 Europe/Madrid comedia", language_code="es"))
    assert calls[-1].text == (
        "✅ Película diaria activada: cada día a las <b>09:00</b> Europe/Madrid, películas de "
        "Comedia.\nPrimera publicación: lun 2 mar a las 09:00 (dentro de 1 h).\n"
        "Desactívala con <code>/diaria off</code>."
    )
    assert dbot.store.get(USER_ID).language == "es"
    (status,) = dbot.send(private_message("/daily", language_code="es"))
    assert status.text.startswith("📅 Película diaria cada día a las <b>09:00</b>")
    (error,) = dbot.send(private_message("/diaria 25:00", language_code="es"))
    assert error.text.startswith("“25:00” no es una hora.")
    dbot.clock.now = NINE_CET
    [post] = dbot.run(dbot.job(USER_ID))
    assert (post.text or "").startswith("☀️ <b>La película de hoy</b>\n\n🎬 <b>")
    assert_spanish(post.text or "")
    assert [label for row in post.buttons for label, _ in row] == ["🍿 Más como esta"]


def test_lang_is_stored_per_chat_and_wins(make_bot: Any) -> None:  # noqa: F811
    dbot = make_bot()
    (shown,) = dbot.send(private_message("/lang"))
    assert "no language of its own" in (shown.text or "")
    (done,) = dbot.send(private_message("/lang es"))
    assert done.text == "✅ En este chat ahora hablo español."
    assert dbot.store.language(USER_ID) == "es"
    (runtime,) = dbot.send(private_message("how long is Toy Story?"))
    assert_spanish(runtime.text or "")
    dbot.send(private_message("/daily 09:00 Europe/Madrid"))
    assert dbot.store.get(USER_ID).language == "es"
    dbot.restart()
    (card,) = dbot.send(private_message("/country Mexico"))
    assert "México" in (card.text or ""), "the choice outlives a restart"
    (auto,) = dbot.send(private_message("/lang auto"))
    assert auto.text.startswith("✅ In this chat I now answer each person")
    assert dbot.store.language(USER_ID) is None
    (usage,) = dbot.send(private_message("/lang fr"))
    assert usage.text.startswith("Usage: <code>/lang &lt;en|es|auto&gt;</code>")


def test_only_group_admins_choose_the_groups_language(make_bot: Any) -> None:  # noqa: F811
    dbot = make_bot()
    dbot.admins(USER_ID)
    calls = dbot.send(group_message("/lang es", user_id=222, language_code="es"))
    assert calls[-1].text == "Solo los administradores de este chat pueden cambiar su idioma."
    assert dbot.store.language(GROUP_ID) is None
    calls = dbot.send(group_message("/lang es"))
    assert calls[-1].text == "✅ En este chat ahora hablo español."
    calls = dbot.send(group_message("/runtime Toy Story", user_id=222))
    assert calls[-1].text == "🎬 <b>Toy Story</b>: 81 min, 1995."
    calls = dbot.send(group_message("/country Mexico", user_id=222))
    assert "México" in (calls[-1].text or "")


def test_charts_speak_the_users_language(bot_harness: BotHarness, catalog: Catalog) -> None:
    box = catalog.chart("Pixar").value
    spanish = charts.box_office(box, ES)
    assert spanish.language == "es" and spanish.note.startswith("Las 30 más taquilleras de 52")
    assert spanish.subtitle.startswith("52 películas · recaudación")
    assert charts.box_office(box) != spanish, "one cached PNG per language"
    assert charts.render(spanish).startswith(b"\x89PNG")
    decades = catalog.chart(catalog.country("Mexico").ref).value
    chart = charts.decades(decades, ES)
    assert chart.title == "Películas de México, por década"
    assert charts.render(chart).startswith(b"\x89PNG")
    calls = bot_harness.send(private_message("/grafico Pixar", language_code="es"))
    (photo,) = [c for c in calls if c.method == "sendPhoto"]
    assert (photo.text or "").startswith("📊 <b>Pixar Animation Studios</b>: 52 películas")
