"""Commands, buttons and inline mode in private chats: the exact Bot API calls the bot makes."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from bot.app.factory import build_application
from bot.chat import buttons, formatting
from bot.chat.buttons import Button
from bot.chat.commands import SPECS
from bot.config import Settings
from bot.movies.catalog import Catalog
from bot.movies.results import DirectorStats, Found, Kind, MovieRef, Option, Ref
from handlers import start
from handlers.keyboards import NEXT, PREV
from tests.botapi import (
    TOKEN,
    USER_ID,
    BotHarness,
    Call,
    RecordingRequest,
    bot_message,
    callback_query,
    group_message,
    inline_query,
    private_message,
)

HTML = "HTML"


def only(calls: list[Call], method: str) -> Call:
    """The single call of ``calls``, checked to be ``method``."""
    assert [c.method for c in calls] == [method], [c.method for c in calls]
    return calls[0]


def labels(call: Call) -> list[str]:
    return [label for row in call.buttons for label, _data in row]


def pressed(call: Call, label: str, catalog: Catalog) -> Button:
    """The decoded data of the button called ``label``."""
    data = next(data for row in call.buttons for text, data in row if text == label)
    button = buttons.decode(data, catalog.version)
    assert button is not None
    return button


def test_start_welcomes_and_lists_the_commands(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/start")), "sendMessage")
    assert call.chat_id == USER_ID
    assert call.parse_mode == HTML
    assert call.text.startswith("Hello, Ada! 🎬 I know 45,350 movies. Ask me:")
    for name in ("movie", "runtime", "recommend", "director", "collection", "company",
                 "country", "language"):
        assert f"/{name} — " in call.text
    assert "<i>/runtime Toy Story</i>" in call.text


def test_help(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/help")), "sendMessage")
    assert call.text.startswith("🎬 I know 45,350 movies.")


def test_runtime_answers_with_one_html_message(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/runtime Toy Story")), "sendMessage")
    assert call.params == {
        "chat_id": USER_ID,
        "text": "🎬 <b>Toy Story</b>: 81 min, 1995.",
        "parse_mode": HTML,
        "link_preview_options": {"is_disabled": True},
    }


def test_typos_still_find_the_movie(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/runtime Jurasic Prk")), "sendMessage")
    assert call.text == "🎬 <b>Jurassic Park</b>: 127 min, 1993."


def test_movie_sends_the_poster_with_the_card_as_caption(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    call = only(bot_harness.send(private_message("/movie Toy Story")), "sendPhoto")
    assert call.params["photo"] == "https://image.tmdb.org/t/p/w342/rhIRbceoE9lR4veEXuwCC2wARtG.jpg"
    assert call.parse_mode == HTML
    caption = call.params["caption"]
    assert len(caption) <= formatting.CAPTION_LIMIT
    assert caption.startswith("🎬 <b>Toy Story (1995)</b>")
    for fact in ("81 min", "Animation", "John Lasseter", "Tom Hanks", "Toy Story Collection",
                 "United States of America", "Pixar Animation Studios", "Budget $30M",
                 "Revenue $373.6M", "⭐ 7.7"):
        assert fact in caption
    assert '<a href="https://www.themoviedb.org/movie/862">TMDB</a>' in caption
    assert '<a href="https://www.imdb.com/title/tt0114709">IMDb</a>' in caption
    assert pressed(call, "🍿 More like this", catalog) == Button(
        "recommend", Ref(Kind.MOVIE, 862), 0, edit=False
    )


def test_movie_without_poster_is_a_text_card(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/movie Prescription: Murder")), "sendMessage")
    assert call.text.startswith("🎬 <b>Prescription: Murder (1968)</b>")
    assert "Starring: Peter Falk" in call.text
    assert call.params["link_preview_options"] == {"is_disabled": True}


def test_a_refused_poster_falls_back_to_the_text_card(bot_harness: BotHarness) -> None:
    bot_harness.request.fail("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL")
    calls = bot_harness.send(private_message("/movie Toy Story"))
    assert [c.method for c in calls] == ["sendPhoto", "sendMessage"]
    card = calls[1]
    assert card.text.startswith("🎬 <b>Toy Story (1995)</b>")
    assert card.params["link_preview_options"]["url"].endswith(".jpg")
    assert "Led by Woody" in card.text


def test_ambiguous_title_offers_candidates_as_buttons(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    call = only(bot_harness.send(private_message("/movie hamlet")), "sendMessage")
    assert call.text == "Several movies match “hamlet”. Which one?"
    assert labels(call)[:4] == ["Hamlet (1996)", "Hamlet (1990)", "Hamlet (1948)",
                                "Hamlet (2000) · Michael Almereyda"]
    assert all(len(row) == 1 for row in call.buttons)
    assert all(len(data.encode()) < 64 for row in call.buttons for _, data in row)
    assert pressed(call, "Hamlet (1948)", catalog) == Button(
        "movie", Ref(Kind.MOVIE, 23383), 0, edit=True
    )


def test_pressing_a_candidate_answers_in_place(bot_harness: BotHarness, catalog: Catalog) -> None:
    choice = only(bot_harness.send(private_message("/runtime hamlet")), "sendMessage")
    data = choice.buttons[2][0][1]
    under = bot_message(choice.text, message_id=555)
    calls = bot_harness.send(callback_query(data, message=under))
    assert [c.method for c in calls] == ["editMessageText", "answerCallbackQuery"]
    assert calls[0].params["chat_id"] == USER_ID
    assert calls[0].params["message_id"] == 555
    assert calls[0].text == "🎬 <b>Hamlet</b>: 155 min, 1948."
    assert calls[0].parse_mode == HTML
    assert set(calls[1].params) == {"callback_query_id"}


def test_pressing_a_movie_candidate_edits_in_the_card_with_its_poster(
    bot_harness: BotHarness,
) -> None:
    choice = only(bot_harness.send(private_message("/movie hamlet")), "sendMessage")
    calls = bot_harness.send(callback_query(choice.buttons[0][0][1], message=bot_message()))
    edit = calls[0]
    assert edit.method == "editMessageText"
    assert edit.text.startswith("🎬 <b>Hamlet (1996)</b>")
    preview = edit.params["link_preview_options"]
    assert preview["url"].startswith("https://image.tmdb.org/t/p/w342/")
    assert preview["show_above_text"] is True


def test_not_found_names_the_closest_suggestions_as_buttons(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    call = only(bot_harness.send(private_message("/language Klingon")), "sendMessage")
    assert call.text == "No language found for “Klingon”. Did you mean one of these?"
    assert labels(call) == ["Kongo"]
    assert pressed(call, "Kongo", catalog).action == "language"


def test_nothing_close_says_so(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/movie Бриллиантовая рука")), "sendMessage")
    assert call.text == (
        "No movie found for “Бриллиантовая рука”. Check the spelling and try again."
    )
    assert call.buttons == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/language fr", "🗣 2,435 movies in <b>French</b> (<code>fr</code>)."),
        ("/country Japan", "🌍 1,645 movies produced in <b>Japan</b> (<code>JP</code>)."),
    ],
)
def test_counts(bot_harness: BotHarness, text: str, expected: str) -> None:
    assert only(bot_harness.send(private_message(text)), "sendMessage").text == expected


def test_company_and_collection(bot_harness: BotHarness) -> None:
    company = only(bot_harness.send(private_message("/company Pixar")), "sendMessage")
    assert company.text.startswith("🏢 <b>Pixar Animation Studios</b>: 52 movies")
    collection = only(bot_harness.send(private_message("/collection Toy Story")), "sendMessage")
    assert collection.text.startswith("🎞 <b>Toy Story Collection</b>: 3 movies")
    assert "1. Toy Story (1995)\n2. Toy Story 2 (1999)\n3. Toy Story 3 (2010)" in collection.text
    none = only(bot_harness.send(private_message("/collection Amelie")), "sendMessage")
    assert none.text == "🎞 <b>Amélie (2001)</b> does not belong to a collection."


def test_long_answers_are_paginated_with_prev_next_editing_one_message(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    first = only(bot_harness.send(private_message("/director John Ford")), "sendMessage")
    assert first.text.startswith("🎬 <b>John Ford</b>: 68 movies")
    assert first.text.endswith("<i>Page 1/2</i>")
    assert len(first.text) <= formatting.MESSAGE_LIMIT
    assert labels(first) == [NEXT, formatting.CHART]
    nxt = pressed(first, NEXT, catalog)
    assert (nxt.action, nxt.ref.kind, nxt.page, nxt.edit) == ("director", Kind.DIRECTOR, 1, True)

    under = bot_message(first.text, message_id=777)
    next_data = first.buttons[0][0][1]
    calls = bot_harness.send(callback_query(next_data, message=under))
    page2 = calls[0]
    assert (page2.method, page2.params["message_id"]) == ("editMessageText", 777)
    assert page2.text.endswith("<i>Page 2/2</i>")
    assert len(page2.text) <= formatting.MESSAGE_LIMIT
    assert labels(page2) == [PREV, formatting.CHART]
    assert "Cheyenne Autumn (1964)" in page2.text

    back = bot_harness.send(callback_query(page2.buttons[0][0][1], message=under))[0]
    assert back.text == first.text


def test_same_page_again_is_not_an_error(bot_harness: BotHarness) -> None:
    first = only(bot_harness.send(private_message("/director John Ford")), "sendMessage")
    bot_harness.request.fail("editMessageText", 400, "Bad Request: message is not modified")
    calls = bot_harness.send(callback_query(first.buttons[0][0][1], message=bot_message()))
    assert [c.method for c in calls] == ["editMessageText", "answerCallbackQuery"]


def test_every_string_is_escaped(bot_harness: BotHarness) -> None:
    card = only(bot_harness.send(private_message("/runtime Secrets & Lies")), "sendMessage")
    assert card.text == "🎬 <b>Secrets &amp; Lies</b>: 142 min, 1996."
    typed = only(bot_harness.send(private_message("/director <b>Zorg</b> & <i>")), "sendMessage")
    assert "&lt;b&gt;Zorg&lt;/b&gt; &amp; &lt;i&gt;" in typed.text
    assert "<b>Zorg" not in typed.text


@pytest.mark.parametrize(
    "query",
    [
        "x" * 4_000,
        "🎬🍿🎥",
        "七人の侍",
        ".*[(?+\\",
        "Toy\x00Story\x07\x1b[31m",
        "\u202eevil\u200b",
        "<script>alert(1)</script>",
        "   ",
    ],
)
def test_bad_input_gets_a_clear_answer(bot_harness: BotHarness, query: str) -> None:
    calls = bot_harness.send(private_message(f"/movie {query}"))
    assert len(calls) == 1 and calls[0].method in ("sendMessage", "sendPhoto")
    assert calls[0].text != formatting.APOLOGY
    assert len(calls[0].text) <= formatting.MESSAGE_LIMIT
    assert "<script>" not in calls[0].text


def test_no_argument_in_private_asks_and_takes_the_next_message(bot_harness: BotHarness) -> None:
    ask = only(bot_harness.send(private_message("/runtime")), "sendMessage")
    assert ask.text == "Which movie? For example: <i>Toy Story</i>"
    assert ask.params["reply_markup"] == {
        "force_reply": True, "input_field_placeholder": "Toy Story"
    }
    answer = only(bot_harness.send(private_message("Up 2009")), "sendMessage")
    assert answer.text == "🎬 <b>Up</b>: 96 min, 2009."
    # The question is answered once: the next text is a plain title lookup again.
    card = bot_harness.send(private_message("Toy Story"))
    assert card[0].method == "sendPhoto"


def test_plain_text_in_private_is_a_movie_lookup(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("Prescription: Murder")), "sendMessage")
    assert call.text.startswith("🎬 <b>Prescription: Murder (1968)</b>")


def test_unknown_command(bot_harness: BotHarness) -> None:
    for text in ("/frobnicate now", "/frobnicate,now"):
        call = only(bot_harness.send(private_message(text)), "sendMessage")
        assert call.text == "I don't know /frobnicate. /help lists what I can do."


@pytest.mark.parametrize("between", ["/movie Toy Story", "/help", "/frobnicate"])
def test_a_command_cancels_a_pending_question(bot_harness: BotHarness, between: str) -> None:
    ask = only(bot_harness.send(private_message("/director")), "sendMessage")
    assert ask.text.startswith("Which director?")
    bot_harness.send(private_message(between))
    card = only(bot_harness.send(private_message("Heat")), "sendPhoto")
    assert card.text.startswith("🎬 <b>Heat (1995)</b>")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/director 🎬🍿", "No director found for “🎬🍿”. Check the spelling and try again."),
        ("/country 🇫🇷", "No country found for “🇫🇷”. Check the spelling and try again."),
    ],
)
def test_a_query_with_nothing_searchable_is_not_found(
    bot_harness: BotHarness, text: str, expected: str
) -> None:
    assert only(bot_harness.send(private_message(text)), "sendMessage").text == expected


def test_a_same_named_movie_keeps_the_others_as_buttons(bot_harness: BotHarness) -> None:
    """Pressing "↪ Heat (1972)" under the Heat (1995) card swaps the card and offers the other
    Heats, so the user can keep looking."""
    card = only(bot_harness.send(private_message("/movie Heat")), "sendPhoto")
    assert card.text.startswith("🎬 <b>Heat (1995)</b>")
    assert labels(card)[1:] == ["↪ Heat (1972)", "↪ Heat (1986)"]
    data = dict(row[0] for row in card.buttons)["↪ Heat (1972)"]
    under = bot_message(card.text, photo=True, message_id=321)
    calls = bot_harness.send(callback_query(data, message=under))
    assert [c.method for c in calls] == ["editMessageMedia", "answerCallbackQuery"]
    swapped = calls[0]
    assert swapped.params["message_id"] == 321
    assert swapped.text.startswith("🎬 <b>Heat (1972)</b>")
    assert labels(swapped) == ["🍿 More like this", "↪ Heat (1995)", "↪ Heat (1986)"]


def test_a_poster_telegram_cannot_fetch_edits_in_as_a_text_card(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    data = buttons.encode("movie", Ref(Kind.MOVIE, 4579), catalog.version, edit=True)
    bot_harness.request.fail("editMessageMedia", 400,
                             "Bad Request: wrong file identifier/HTTP URL specified")
    calls = bot_harness.send(callback_query(data, message=bot_message(photo=True)))
    assert [c.method for c in calls] == ["editMessageMedia", "sendMessage", "answerCallbackQuery"]
    card = calls[1]
    assert card.text.startswith("🎬 <b>Heat (1972)</b>")
    assert card.params["link_preview_options"]["url"].endswith("/l6xBVdKfjteFnQucRRJoyIRJOkm.jpg")
    assert "↪ Heat (1995)" in labels(card)
    assert "text" not in calls[2].params  # answered, no apology


def test_every_page_keeps_the_same_named_alternatives(
    bot_harness: BotHarness, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No paged answer in the data has a namesake, so one is made up: both pages, the second
    reached through a Next button, offer it."""
    namesake = Option(Ref(Kind.DIRECTOR, 1), "John Ford (another)")

    def director(catalog: Catalog, query: str | Ref) -> Found[DirectorStats]:
        found = Catalog.director(catalog, query)
        assert isinstance(found, Found)
        return dataclasses.replace(found, also=(namesake,))

    monkeypatch.setitem(SPECS, "director", dataclasses.replace(SPECS["director"], ask=director))
    first = only(bot_harness.send(private_message("/director John Ford")), "sendMessage")
    assert labels(first) == [NEXT, formatting.CHART, "↪ John Ford (another)"]
    page2 = bot_harness.send(callback_query(first.buttons[0][0][1], message=bot_message()))[0]
    assert page2.text.endswith("<i>Page 2/2</i>")
    assert labels(page2) == [PREV, formatting.CHART, "↪ John Ford (another)"]


def test_expired_and_foreign_buttons(bot_harness: BotHarness) -> None:
    old = buttons.encode("movie", Ref(Kind.MOVIE, 862), "000000")
    for data in (old, "garbage", "", "5d22c2|mv|m|-1|0", "x" * 64):
        call = only(bot_harness.send(callback_query(data)), "answerCallbackQuery")
        assert call.params["text"] == "This button has expired, ask again."


def test_a_button_for_a_vanished_entity_has_expired(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    data = buttons.encode("director", Ref(Kind.DIRECTOR, 10**9), catalog.version)
    call = only(bot_harness.send(callback_query(data)), "answerCallbackQuery")
    assert call.params["text"] == formatting.EXPIRED


def test_daily_post_button_answers_with_recommendations(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    """``handlers/daily.py`` puts ``encode("recommend", movie, version)`` under its posts."""
    data = buttons.encode("recommend", Ref(Kind.MOVIE, 603), catalog.version)
    post = bot_message("Today's pick: The Matrix", photo=True, message_id=900)
    calls = bot_harness.send(callback_query(data, message=post))
    assert [c.method for c in calls] == ["sendMessage", "answerCallbackQuery"]
    answer = calls[0]
    assert answer.chat_id == USER_ID
    assert answer.text.startswith("🍿 If you liked <b>The Matrix (1999)</b>:")
    assert len(answer.buttons) == 5
    assert answer.reply_to is None  # private chat: no quote


def test_recommend_command(bot_harness: BotHarness, catalog: Catalog) -> None:
    call = only(bot_harness.send(private_message("/recommend The Matrix")), "sendMessage")
    assert call.text.startswith(
        "🍿 If you liked <b>The Matrix (1999)</b>:\n\n"
        "1. The Matrix Reloaded (2003) — <i>same collection</i>\n"
    )
    assert call.text.count("\n") == 6
    first = pressed(call, call.buttons[0][0][0], catalog)
    assert (first.action, first.ref.kind, first.edit) == ("movie", Kind.MOVIE, False)
    card = bot_harness.send(callback_query(call.buttons[0][0][1], message=bot_message()))
    assert [c.method for c in card][1:] == ["answerCallbackQuery"]
    assert card[0].method in ("sendPhoto", "sendMessage")


def test_inline_query_lists_matching_movies(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(inline_query("toy sto")), "answerInlineQuery")
    results = call.params["results"]
    assert 1 <= len(results) <= 10
    assert [r["title"] for r in results[:3]] == [
        "Toy Story (1995)", "Toy Story 3 (2010)", "Toy Story 2 (1999)"
    ]
    first = results[0]
    assert first["type"] == "article"
    assert first["id"] == "862"
    assert first["description"].startswith("81 min · Animation, Comedy, Family — ")
    assert first["thumbnail_url"] == "https://image.tmdb.org/t/p/w92/rhIRbceoE9lR4veEXuwCC2wARtG.jpg"
    content = first["input_message_content"]
    assert content["parse_mode"] == HTML
    assert content["message_text"].startswith("🎬 <b>Toy Story (1995)</b>")
    assert len(content["message_text"]) <= formatting.MESSAGE_LIMIT
    assert content["link_preview_options"]["show_above_text"] is True


def test_inline_query_empty_and_hopeless(bot_harness: BotHarness) -> None:
    empty = only(bot_harness.send(inline_query("")), "answerInlineQuery")
    assert empty.params["results"] == []
    assert empty.params["button"] == {"text": "Type a movie title…", "start_parameter": "inline"}
    hopeless = only(bot_harness.send(inline_query("qwzxvqwzxv")), "answerInlineQuery")
    assert hopeless.params["results"] == []
    assert hopeless.params["button"] == empty.params["button"]


def test_button_under_an_inline_message_opens_the_private_chat(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    data = buttons.encode("recommend", Ref(Kind.MOVIE, 603), catalog.version)
    call = only(bot_harness.send(callback_query(data, inline_message_id="AAA")),
                "answerCallbackQuery")
    payload = buttons.deep_link_payload(data)
    assert call.params["url"] == f"https://t.me/MovieCatalogBot?start={payload}"
    answer = only(bot_harness.send(private_message(f"/start {payload}")), "sendMessage")
    assert answer.text.startswith("🍿")


def test_an_expired_deep_link(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/start 000000_mv_m_862_0")), "sendMessage")
    assert call.text == formatting.EXPIRED_LINK


def test_menu_is_registered_with_set_my_commands(bot_harness: BotHarness) -> None:
    bot_harness.run(start.set_menu(bot_harness.app))
    everyone = [c for c in bot_harness.request.of("setMyCommands")
                if "language_code" not in c.params]
    call = only(everyone, "setMyCommands")
    menu = {c["command"]: c["description"] for c in call.params["commands"]}
    assert list(menu) == ["start", "movie", "runtime", "recommend", "director", "collection",
                          "company", "chart", "country", "language", "discover", "daily",
                          "help"]
    assert all(0 < len(d) <= 256 for d in menu.values())


def test_recommend_with_too_little_data_says_so(bot_harness: BotHarness) -> None:
    call = only(bot_harness.send(private_message("/recommend Historien om Kim Skov")),
                "sendMessage")
    assert call.text == formatting.not_enough_data(
        MovieRef(38255, "Historien om Kim Skov", 1981)
    )


def test_without_the_recommender_the_bot_says_so(catalog: Catalog) -> None:
    bare = copy.copy(catalog)
    bare.recommender = None
    request = RecordingRequest()
    settings = Settings(token=TOKEN, state_db=":memory:")
    harness = BotHarness(build_application(settings, bare, request=request), request)
    try:
        rec = only(harness.send(private_message("/recommend The Matrix")), "sendMessage")
        assert rec.text == formatting.NO_RECOMMENDATIONS
        card = only(harness.send(private_message("/movie Toy Story")), "sendPhoto")
        assert card.buttons == []
    finally:
        harness.close()


def test_a_message_that_cannot_be_edited_gets_the_answer_as_a_new_one(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    data = buttons.encode("runtime", Ref(Kind.MOVIE, 862), catalog.version, edit=True)
    bot_harness.request.fail("editMessageText", 400, "Bad Request: message can't be edited")
    calls = bot_harness.send(callback_query(data, message=bot_message(message_id=5)))
    assert [(c.method, c.text) for c in calls] == [
        ("editMessageText", "🎬 <b>Toy Story</b>: 81 min, 1995."),
        ("sendMessage", "🎬 <b>Toy Story</b>: 81 min, 1995."),
        ("answerCallbackQuery", None),
    ]


@pytest.mark.parametrize("chat", ["private", "group"])
@pytest.mark.parametrize(
    ("text", "command", "method", "start"),
    [
        ("/movie,Toy Story", "/movie", "sendPhoto", "🎬 <b>Toy Story (1995)</b>"),
        ("/runtime:Toy Story", "/runtime", "sendMessage", "🎬 <b>Toy Story</b>: 81 min, 1995."),
        ("/runtime@MovieCatalogBot:Toy Story", "/runtime@MovieCatalogBot", "sendMessage",
         "🎬 <b>Toy Story</b>: 81 min, 1995."),
    ],
)
def test_punctuation_ends_the_command(
    bot_harness: BotHarness, chat: str, text: str, command: str, method: str, start: str
) -> None:
    """Telegram ends a command at the first character that is not a letter, digit or ``_``."""
    update = private_message(text) if chat == "private" else group_message(text)
    assert update["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len(command)}
    ]
    assert only(bot_harness.send(update), method).text.startswith(start)


@pytest.mark.parametrize("text", ["/runtime\tToy Story", "/runtime\nToy Story",
                                  "/RUNTIME  Toy   Story ", "/runtime@moviecatalogbot Toy Story"])
def test_command_spacing_and_case(bot_harness: BotHarness, text: str) -> None:
    call = only(bot_harness.send(private_message(text)), "sendMessage")
    assert call.text == "🎬 <b>Toy Story</b>: 81 min, 1995."
