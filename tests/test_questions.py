"""Questions in plain words, through the bot: the issue's examples with their facts, groups,
the console path, and what the bot says when it does not understand."""

from __future__ import annotations

import io

import pytest

from bot.app import console
from bot.chat import formatting
from bot.movies.catalog import Catalog
from tests.botapi import (
    GROUP_ID,
    BotHarness,
    Call,
    bot_message,
    group_message,
    inline_query,
    private_message,
)

RUNTIME = "🎬 <b>Toy Story</b>: 81 min, 1995."


def answer(calls: list[Call]) -> Call:
    sent = [c for c in calls if c.method in ("sendMessage", "sendPhoto")]
    assert len(sent) == 1, [c.method for c in calls]
    return sent[0]


def labels(call: Call) -> list[str]:
    return [label for row in call.buttons for label, _data in row]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how long is toy story", RUNTIME),
        ("How long is Toy Story?", RUNTIME),
        ("what year did toy story come out", RUNTIME),
        ("¿cuánto dura Toy Story?", RUNTIME),
        ("de que año es toy story", RUNTIME),
        ("how lnog is toy stroy", RUNTIME),
        ("how many movies are in Japanese",
         "🗣 1,346 movies in <b>Japanese</b> (<code>ja</code>)."),
        ("¿cuántas películas hay en alemán?",
         "🗣 1.077 películas en <b>alemán</b> (<code>de</code>)."),
        ("how many movies did japan make",
         "🌍 1,645 movies produced in <b>Japan</b> (<code>JP</code>)."),
        ("¿cuántas películas se han hecho en Japón?",
         "🌍 <b>Japón</b> (<code>JP</code>): 1.645 películas producidas allí."),
    ],
)
def test_questions_get_the_commands_answers(bot_harness: BotHarness, text: str,
                                            expected: str) -> None:
    assert answer(bot_harness.send(private_message(text))).text == expected


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("who directed heat", "🎬 <b>Heat (1995)</b>"),
        ("¿quién dirigió Pulp Fiction?", "🎬 <b>Pulp Fiction (1994)</b>"),
        ("tell me about the matrix", "🎬 <b>The Matrix (1999)</b>"),
        ("háblame de Amélie", "🎬 <b>Amélie (2001)</b>"),
        ("toy stroy", "🎬 <b>Toy Story (1995)</b>"),
    ],
)
def test_who_directed_and_tell_me_about_give_the_card(bot_harness: BotHarness, text: str,
                                                      start: str) -> None:
    assert answer(bot_harness.send(private_message(text))).text.startswith(start)


def test_who_directed_names_the_director(bot_harness: BotHarness) -> None:
    card = answer(bot_harness.send(private_message("who directed pulp fiction?")))
    assert "Directed by: Quentin Tarantino" in card.text


def test_series_director_and_company_questions(bot_harness: BotHarness) -> None:
    series = answer(bot_harness.send(private_message("what series is toy story part of?")))
    assert series.text.startswith("🎞 <b>Toy Story Collection</b>: 3 movies")
    potter = answer(bot_harness.send(private_message("las películas de la saga harry potter")))
    assert potter.text.startswith("🎞 <b>Harry Potter Collection</b>: 8 películas")
    ford = answer(bot_harness.send(private_message("movies directed by john ford")))
    assert ford.text.startswith("🎬 <b>John Ford</b>: 68 movies")
    pixar = answer(bot_harness.send(private_message("how much money has pixar made?")))
    assert pixar.text.startswith("🏢 <b>Pixar Animation Studios</b>: 52 movies")


def test_movies_like(bot_harness: BotHarness) -> None:
    for text in ("movies like toy story", "something similar to toy story"):
        reply = answer(bot_harness.send(private_message(text)))
        assert reply.text.startswith("🍿 If you liked <b>Toy Story (1995)</b>:"), text
    spanish = answer(bot_harness.send(private_message("películas parecidas a toy story")))
    assert spanish.text.startswith("🍿 Si te gustó <b>Toy Story (1995)</b>:")


def test_like_x_but_from_the_90s_narrows_the_recommendations(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    reply = answer(bot_harness.send(private_message("movies like alien but from the 90s")))
    assert reply.text.startswith("🍿 If you liked <b>Alien (1979)</b> (1990-1999):")
    years = [int(label.rsplit("(", 1)[1][:4]) for label in labels(reply)]
    assert len(years) == 5 and all(1990 <= y <= 1999 for y in years)
    shorter = answer(bot_harness.send(private_message("como toy story pero más corta")))
    titles = [label.removeprefix("🎬 ") for label in labels(shorter)]
    assert titles
    for title in titles:
        found = catalog.movie(title)
        assert found.value.runtime <= 90, title
    none = answer(bot_harness.send(private_message("like toy story but from 1890")))
    assert none.text == ("🍿 None of the movies most like <b>Toy Story (1995)</b> is 1890. "
                         "Try without that, or /discover to look by filters alone.")


def test_a_good_comedy_from_the_90s(bot_harness: BotHarness) -> None:
    reply = answer(bot_harness.send(private_message("a good comedy from the 90s")))
    assert reply.text.startswith("🔎 <i>Comedy · 1990-1999 · sorted by rating</i>")
    assert "Forrest Gump (1994)" in reply.text
    spanish = answer(bot_harness.send(private_message("buenas comedias de los noventa")))
    assert spanish.text.startswith("🔎 <i>Comedia · 1990-1999 · por nota</i>")
    assert labels(spanish)[1:] == labels(reply)[1:]
    assert labels(reply)[0] == "Next ›"  # noqa: RUF001


def test_spanish_discovery_words(bot_harness: BotHarness) -> None:
    reply = answer(bot_harness.send(private_message("películas de ciencia ficción en francés")))
    assert reply.text.startswith("🔎 <i>Ciencia ficción · en francés · por popularidad</i>")
    horror = answer(bot_harness.send(private_message("pelis de terror de los 80 de España")))
    assert horror.text.startswith("🔎 <i>Terror · 1980-1989 · de España")


def test_what_it_does_not_understand(bot_harness: BotHarness) -> None:
    reply = answer(bot_harness.send(private_message("what's the weather like in Paris today?")))
    assert reply.text.startswith("I did not understand that.")
    assert "how long is Toy Story?" in reply.text
    assert reply.buttons == []


@pytest.mark.parametrize("text", ["hello", "Hola!", "thanks", "help"])
def test_small_talk_gets_what_the_bot_can_do(bot_harness: BotHarness, text: str) -> None:
    reply = answer(bot_harness.send(private_message(text)))
    assert reply.text.startswith("Hello! I know movies. Ask me")
    assert reply.buttons == []


def test_clearly_spanish_small_talk_is_answered_in_spanish(bot_harness: BotHarness) -> None:
    reply = answer(bot_harness.send(private_message("gracias bot")))
    assert reply.text.startswith("¡Hola! Sé de películas. Pregúntame")
    assert reply.buttons == []


def test_the_closest_title_is_offered_only_when_the_message_holds_it(
    bot_harness: BotHarness,
) -> None:
    meant = answer(bot_harness.send(private_message("what is the meaning of life?")))
    assert meant.text.startswith("I did not understand that.")
    assert meant.text.endswith("Did you mean the movie <b>The Meaning of Life (1983)</b>?")
    assert labels(meant) == ["🎬 The Meaning of Life (1983)"]
    unrelated = answer(bot_harness.send(private_message("who are you")))
    assert "Did you mean" not in unrelated.text and unrelated.buttons == []


def test_a_bare_title_and_an_ambiguous_one_are_as_before(bot_harness: BotHarness) -> None:
    assert answer(bot_harness.send(private_message("Heat"))).method == "sendPhoto"
    hamlet = answer(bot_harness.send(private_message("how long is hamlet?")))
    assert hamlet.text == "Several movies match “hamlet”. Which one?"
    assert len(labels(hamlet)) >= 3


def test_group_replies_to_the_bot_and_mentions_are_answered(bot_harness: BotHarness) -> None:
    mine = bot_message("🎬 <b>Toy Story</b>: 81 min, 1995.", chat_id=GROUP_ID,
                       chat_type="supergroup")
    reply = bot_harness.send(group_message("and how long is alien?", reply_to_message=mine))
    assert [(c.method, c.chat_id) for c in reply] == [("sendMessage", GROUP_ID)]
    assert reply[0].text == "🎬 <b>Alien</b>: 117 min, 1979."
    mention = bot_harness.send(group_message("@MovieCatalogBot how long is toy story?"))
    assert [c.text for c in mention] == [RUNTIME]


def test_other_group_chatter_is_ignored(bot_harness: BotHarness) -> None:
    assert bot_harness.send(group_message("how long is toy story")) == []
    other = bot_message("hi", chat_id=GROUP_ID, chat_type="supergroup")
    other["from"] = {"id": 42, "is_bot": False, "first_name": "Bob"}
    assert bot_harness.send(group_message("how long is alien", reply_to_message=other)) == []
    assert bot_harness.send(group_message("@MovieCatalogBotFan how long is alien")) == []


def test_console_ask_goes_the_same_way(catalog: Catalog) -> None:
    out = io.StringIO()
    console.ask(catalog, "¿cuánto dura Toy Story?", out)
    assert out.getvalue().strip() == "🎬 Toy Story: 81 min, 1995."


def test_not_understood_offers_a_plausible_title_only() -> None:
    assert "Did you mean" not in formatting.not_understood(None)
    assert "<b>Alien (1979)</b>" in formatting.not_understood("Alien (1979)")


def test_inline_questions_get_their_answer_first(bot_harness: BotHarness) -> None:
    call = only_inline(bot_harness.send(inline_query("how long is toy story")))
    first = call.params["results"][0]
    assert first["title"] == "🎬 Toy Story: 81 min, 1995."
    assert first["input_message_content"]["message_text"] == RUNTIME
    found = only_inline(bot_harness.send(inline_query("good comedies from the 90s")))
    top = found.params["results"][0]
    assert top["title"] == "🔎 Comedy · 1990-1999 · sorted by rating"
    assert top["reply_markup"]["inline_keyboard"][0][0]["text"] == "Next ›"  # noqa: RUF001
    titles = only_inline(bot_harness.send(inline_query("toy sto")))
    assert titles.params["results"][0]["title"] == "Toy Story (1995)"


def only_inline(calls: list[Call]) -> Call:
    assert [c.method for c in calls] == ["answerInlineQuery"], [c.method for c in calls]
    return calls[0]


@pytest.mark.parametrize(
    "text",
    ["hello " * 160, "movies like " * 90, "how long is " * 80, "¿¿??", "🎬🍿", "<b>x</b> & y",
     "películas de " * 70, "1990 " * 200],
)
def test_odd_messages_get_one_clear_answer(bot_harness: BotHarness, text: str) -> None:
    reply = answer(bot_harness.send(private_message(text)))
    assert reply.text != formatting.APOLOGY
    assert len(reply.text) <= formatting.MESSAGE_LIMIT and "<b>x</b>" not in reply.text
