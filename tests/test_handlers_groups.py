"""Groups and channels, flood control, odd updates, and failures of the Bot API."""

from __future__ import annotations

import logging

import pytest
from telegram.error import BadRequest

from bot.chat import buttons, formatting
from bot.chat.flood import FloodGate, Verdict
from bot.movies.catalog import Catalog
from bot.movies.results import Kind, Ref
from handlers.flood import FLOOD_KEY
from tests.botapi import (
    CHANNEL_ID,
    CHAT_NOT_FOUND,
    FORBIDDEN,
    GROUP_ID,
    USER_ID,
    BotHarness,
    anonymous_admin_message,
    bot_message,
    callback_query,
    channel_post,
    edited_message,
    group_message,
    photo_message,
    private_message,
    sticker_message,
    to_update,
)

RUNTIME = "🎬 <b>Toy Story</b>: 81 min, 1995."


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_addressed_command_in_a_group_quotes_the_asking_message(bot_harness: BotHarness) -> None:
    update = group_message("/runtime@MovieCatalogBot Toy Story")
    asked = update["message"]["message_id"]
    calls = bot_harness.send(update)
    assert [c.method for c in calls] == ["sendMessage"]
    assert calls[0].params == {
        "chat_id": GROUP_ID,
        "text": RUNTIME,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
        "reply_parameters": {"message_id": asked, "allow_sending_without_reply": True,
                             "quote_parse_mode": "HTML"},
    }


def test_bare_command_in_a_group_is_answered(bot_harness: BotHarness) -> None:
    calls = bot_harness.send(group_message("/runtime Toy Story", chat_type="group",
                                           chat_id=-4242))
    assert [(c.method, c.chat_id, c.text) for c in calls] == [("sendMessage", -4242, RUNTIME)]


def test_commands_for_another_bot_are_ignored(bot_harness: BotHarness) -> None:
    assert bot_harness.send(group_message("/runtime@OtherBot Toy Story")) == []
    assert bot_harness.send(group_message("/frobnicate@OtherBot")) == []
    assert bot_harness.send(group_message("/frobnicate")) == []


def test_unknown_command_addressed_to_the_bot_in_a_group(bot_harness: BotHarness) -> None:
    calls = bot_harness.send(group_message("/frobnicate@MovieCatalogBot"))
    assert [c.text for c in calls] == ["I don't know /frobnicate. /help lists what I can do."]


def test_no_argument_in_a_group_gives_usage_with_an_example(bot_harness: BotHarness) -> None:
    calls = bot_harness.send(group_message("/director@MovieCatalogBot"))
    assert [c.text for c in calls] == [
        "Usage: <code>/director &lt;name&gt;</code>\n"
        "Example: <code>/director Christopher Nolan</code>"
    ]


def test_plain_group_chatter_is_ignored(bot_harness: BotHarness) -> None:
    assert bot_harness.send(group_message("Toy Story is great")) == []
    assert bot_harness.send(sticker_message(chat_id=GROUP_ID, chat_type="supergroup")) == []
    assert bot_harness.send(photo_message("/runtime Up", chat_id=GROUP_ID,
                                          chat_type="supergroup")) == []


def test_anonymous_admin_is_answered(bot_harness: BotHarness) -> None:
    calls = bot_harness.send(anonymous_admin_message("/runtime@MovieCatalogBot Toy Story"))
    assert [(c.method, c.chat_id, c.text) for c in calls] == [("sendMessage", GROUP_ID, RUNTIME)]


@pytest.mark.parametrize(
    "update",
    [
        edited_message("/runtime Toy Story"),
        edited_message("/runtime Toy Story", chat_id=GROUP_ID, chat_type="supergroup"),
        channel_post("/runtime Toy Story"),
        channel_post("hello"),
        {"update_id": 99_999},
        {"update_id": 99_998, "my_chat_member": {
            "chat": {"id": GROUP_ID, "type": "supergroup", "title": "G"},
            "from": {"id": USER_ID, "is_bot": False, "first_name": "Ada"},
            "date": 0,
            "old_chat_member": {"status": "left", "user": {"id": 1, "is_bot": True,
                                                           "first_name": "B"}},
            "new_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True,
                                                             "first_name": "B"}},
        }},
    ],
    ids=["edited", "edited-group", "channel-command", "channel-text", "empty", "member"],
)
def test_updates_that_need_no_answer_get_none(bot_harness: BotHarness, update: dict) -> None:
    assert bot_harness.send(update) == []


def test_stickers_and_photos_in_private_get_a_hint(bot_harness: BotHarness) -> None:
    for update in (sticker_message(), photo_message(), photo_message("/movie Up")):
        calls = bot_harness.send(update)
        assert [c.text for c in calls] == [formatting.NOT_TEXT]


def test_flood_control_warns_once_then_stays_silent_until_the_window_passes(
    bot_harness: BotHarness,
) -> None:
    clock = FakeClock()
    bot_harness.app.bot_data[FLOOD_KEY] = FloodGate(clock=clock)
    for _ in range(10):
        calls = bot_harness.send(group_message("/runtime@MovieCatalogBot Toy Story"))
        assert [c.text for c in calls] == [RUNTIME]
        clock.now += 1
    warning = bot_harness.send(group_message("/runtime@MovieCatalogBot Toy Story"))
    assert [c.text for c in warning] == [formatting.SLOW_DOWN]
    assert warning[0].reply_to is not None
    for _ in range(5):
        assert bot_harness.send(group_message("/movie@MovieCatalogBot Toy Story")) == []
    # Other users and private chats are not held back.
    other = bot_harness.send(group_message("/runtime Toy Story", user_id=222))
    assert [c.text for c in other] == [RUNTIME]
    private = bot_harness.send(private_message("/runtime Toy Story"))
    assert [c.text for c in private] == [RUNTIME]
    clock.now += 60
    again = bot_harness.send(group_message("/runtime@MovieCatalogBot Toy Story"))
    assert [c.text for c in again] == [RUNTIME]


def test_flood_control_counts_questions_in_words_meant_for_the_bot(
    bot_harness: BotHarness,
) -> None:
    """Mentions of the bot count with its commands; other chatter does not count at all."""
    clock = FakeClock()
    bot_harness.app.bot_data[FLOOD_KEY] = FloodGate(clock=clock)
    for _ in range(20):
        assert bot_harness.send(group_message("how long is toy story")) == []
    for _ in range(10):
        calls = bot_harness.send(group_message("@MovieCatalogBot how long is toy story"))
        assert [c.text for c in calls] == [RUNTIME]
    warning = bot_harness.send(group_message("@MovieCatalogBot how long is toy story"))
    assert [c.text for c in warning] == [formatting.SLOW_DOWN]
    assert bot_harness.send(group_message("/runtime Toy Story")) == []


def test_flood_control_counts_only_the_commands_this_bot_answers(
    bot_harness: BotHarness,
) -> None:
    clock = FakeClock()
    bot_harness.app.bot_data[FLOOD_KEY] = FloodGate(clock=clock)
    for text in ("/roll d20", "/runtime@OtherBot Toy Story", "/start@OtherBot"):
        for _ in range(11):
            assert bot_harness.send(group_message(text)) == []
    for _ in range(10):
        calls = bot_harness.send(group_message("/runtime Toy Story"))
        assert [c.text for c in calls] == [RUNTIME]
    warning = bot_harness.send(group_message("/runtime Toy Story"))
    assert [c.text for c in warning] == [formatting.SLOW_DOWN]


def test_flood_control_counts_unknown_commands_addressed_to_the_bot(
    bot_harness: BotHarness,
) -> None:
    """``/foo@ThisBot`` is answered ("I don't know /foo"), so it counts like any other."""
    bot_harness.app.bot_data[FLOOD_KEY] = FloodGate(clock=FakeClock())
    replies = [bot_harness.send(group_message("/frobnicate@MovieCatalogBot"))[0].text
               for _ in range(11)]
    assert replies[9].startswith("I don't know /frobnicate.")
    assert replies[10] == formatting.SLOW_DOWN


def test_flood_gate_counts_per_sender() -> None:
    clock = FakeClock()
    gate = FloodGate(limit=2, window=60, clock=clock)
    assert [gate.check(1) for _ in range(4)] == [
        Verdict.PASS, Verdict.PASS, Verdict.WARN, Verdict.DROP
    ]
    assert gate.check(2) is Verdict.PASS
    clock.now += 60
    assert gate.check(1) is Verdict.PASS


def test_a_button_in_a_group_answers_there(bot_harness: BotHarness, catalog: Catalog) -> None:
    data = buttons.encode("runtime", Ref(Kind.MOVIE, 862), catalog.version)
    under = bot_message("Daily pick", chat_id=GROUP_ID, chat_type="supergroup", message_id=31)
    calls = bot_harness.send(callback_query(data, message=under, user_id=333))
    assert [c.method for c in calls] == ["sendMessage", "answerCallbackQuery"]
    assert calls[0].params["chat_id"] == GROUP_ID
    assert calls[0].text == RUNTIME
    assert calls[0].reply_to == 31


def test_a_button_under_a_channel_post_opens_the_private_chat(
    bot_harness: BotHarness, catalog: Catalog
) -> None:
    data = buttons.encode("recommend", Ref(Kind.MOVIE, 862), catalog.version)
    post = bot_message("Today's pick", chat_id=CHANNEL_ID, chat_type="channel", photo=True)
    calls = bot_harness.send(callback_query(data, message=post))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["url"] == (
        f"https://t.me/MovieCatalogBot?start={buttons.deep_link_payload(data)}"
    )


def test_an_error_is_logged_and_answered_with_one_apology(
    bot_harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot_harness.request.fail("sendMessage", 400, "Bad Request: can't parse entities")
    with caplog.at_level(logging.ERROR, logger="handlers.errors"):
        calls = bot_harness.send(private_message("/runtime Toy Story"))
    assert [(c.method, c.text) for c in calls] == [
        ("sendMessage", RUNTIME), ("sendMessage", formatting.APOLOGY)
    ]
    assert "Error while handling update" in caplog.text
    assert "can't parse entities" in caplog.text.lower()
    # ...and the bot keeps serving.
    assert [c.text for c in bot_harness.send(private_message("/runtime Toy Story"))] == [RUNTIME]


def test_an_error_on_a_button_is_answered_on_the_button(bot_harness: BotHarness,
                                                        catalog: Catalog) -> None:
    """The query is answered once, with the apology (Telegram refuses a second answer)."""
    data = buttons.encode("runtime", Ref(Kind.MOVIE, 862), catalog.version, edit=True)
    bot_harness.request.fail("editMessageText", *CHAT_NOT_FOUND)
    calls = bot_harness.send(callback_query(data))
    assert [c.method for c in calls] == ["editMessageText", "answerCallbackQuery"]
    assert calls[1].params["text"] == formatting.APOLOGY


def test_a_callback_query_is_answered_once(bot_harness: BotHarness) -> None:
    """The fake Bot API refuses a second answer like Telegram, so tests catch double answers."""
    update = callback_query("expired")
    query = to_update(update, bot_harness.bot).callback_query
    assert query is not None
    bot_harness.run(query.answer())
    with pytest.raises(BadRequest, match="Query is too old"):
        bot_harness.run(query.answer("again"))


def test_a_blocked_bot_logs_and_does_not_apologise(
    bot_harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot_harness.request.fail("sendMessage", *FORBIDDEN)
    with caplog.at_level(logging.WARNING, logger="handlers.errors"):
        calls = bot_harness.send(private_message("/runtime Toy Story"))
    assert [c.method for c in calls] == ["sendMessage"]
    assert "blocked by the user" in caplog.text


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_retry_after_is_waited_out_not_lost(bot_harness: BotHarness) -> None:
    bot_harness.request.fail("sendMessage", 429, "Too Many Requests: retry after 1",
                             retry_after=1)
    calls = bot_harness.send(group_message("/runtime Toy Story"))
    assert [(c.method, c.text) for c in calls] == [("sendMessage", RUNTIME)] * 2


def test_a_reply_lost_to_a_5xx_is_sent_again(
    bot_harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers 5xx when it did not deliver: the reply was silently lost before."""
    bot_harness.request.fail("sendMessage", 500, "Internal Server Error", times=2)
    with caplog.at_level(logging.WARNING):
        calls = bot_harness.send(private_message("/runtime Toy Story"))
    assert [(c.method, c.text) for c in calls] == [("sendMessage", RUNTIME)] * 3
    assert caplog.records == []


def test_an_unreadable_answer_gets_no_apology(
    bot_harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """200 with a body that is not JSON: the reply most likely went out, so no apology after
    it; a WARNING instead."""
    request = bot_harness.request
    do_request = request.do_request

    async def garbage(url: str, *args: object, **kwargs: object) -> tuple[int, bytes]:
        status, body = await do_request(url, *args, **kwargs)  # type: ignore[arg-type]
        return (status, b"<html>oops") if url.endswith("/sendMessage") else (status, body)

    request.do_request = garbage  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, logger="handlers.errors"):
        calls = bot_harness.send(private_message("/runtime Toy Story"))
    assert [(c.method, c.text) for c in calls] == [("sendMessage", RUNTIME)]
    assert [r.levelname for r in caplog.records if r.name == "handlers.errors"] == ["WARNING"]
    assert "not JSON" in caplog.text
