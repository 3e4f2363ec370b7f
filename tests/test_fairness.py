"""The real bot process under pressure: one user's flood, one chat's 429 and a 5xx answer must
not cost other users their replies, or a reply its delivery.

One ``python main.py`` serves every test of this module (starting it takes a few seconds);
each test talks from chats of its own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from bot.chat import formatting
from tests.botapi import BotAPIServer, Call, private_message
from tests.test_e2e import MAIN, environment, stop

RUNTIME = "🎬 <b>Toy Story</b>: 81 min, 1995."


class Bot:
    def __init__(self, server: BotAPIServer, process: subprocess.Popen[str]) -> None:
        self.server = server
        self.process = process

    def to(self, chat_id: int) -> list[Call]:
        return [c for c in self.server.api.of("sendMessage") if c.chat_id == chat_id]

    def ask(self, user_id: int, text: str = "/runtime Toy Story") -> float:
        """Send ``text`` from ``user_id``'s private chat; when it was sent."""
        self.server.push(private_message(text, user_id=user_id))
        return time.monotonic()

    def reply(self, chat_id: int, nth: int = 1, timeout: float = 20.0) -> float:
        """When the ``nth`` sendMessage to ``chat_id`` arrived (waits for it)."""
        deadline = time.monotonic() + timeout
        while len(self.to(chat_id)) < nth:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.to(chat_id))} sendMessage to {chat_id}")
            time.sleep(0.01)
        return time.monotonic()


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    state = tmp_path_factory.mktemp("fairness")
    with BotAPIServer() as server:
        process = subprocess.Popen(
            [sys.executable, str(MAIN)], cwd=state, env=environment(server.base_url, state),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            server.wait_for("setMyCommands", timeout=60)
            yield Bot(server, process)
        finally:
            returncode, log = stop(process)
    assert returncode == 0, log
    assert "Traceback" not in log, log


def test_one_user_flooding_does_not_hold_another_users_reply(bot: Bot) -> None:
    """600 commands from one private chat used to be answered one by one at 30 a second:
    the next user waited 18.7 s. Now the flood gets 20 answers and one "slow down"."""
    flooder, other = 501, 502
    for _ in range(600):
        bot.ask(flooder)
    asked = bot.ask(other)
    assert bot.reply(other) - asked < 3.0
    bot.server.wait_for("sendMessage", lambda c: c.chat_id == flooder
                        and c.text == formatting.SLOW_DOWN)  # a chat's replies go in order
    time.sleep(0.5)
    texts = [c.text for c in bot.to(flooder)]
    assert texts.count(formatting.SLOW_DOWN) == 1
    assert len(texts) <= 21


def test_a_429_for_one_chat_does_not_delay_another(bot: Bot) -> None:
    """One chat's retry_after used to hold every chat's replies for its whole length."""
    limited, other = 601, 602
    bot.server.api.fail("sendMessage", 429, "Too Many Requests: retry after 4", retry_after=4,
                        when=lambda call: call.chat_id == limited)
    bot.ask(limited)
    refused = bot.reply(limited)
    asked = bot.ask(other)
    answered = bot.reply(other)
    assert answered - asked < 2.0
    assert len(bot.to(limited)) == 1, "the limited chat waits its retry_after out"
    retried = bot.reply(limited, nth=2)
    assert retried - refused >= 4.0
    assert [c.text for c in bot.to(limited)] == [RUNTIME, RUNTIME]


def test_a_reply_answered_500_is_resent_and_arrives_once(bot: Bot) -> None:
    """sendMessage answered 500 (Telegram did not deliver) used to be lost silently."""
    user = 701
    bot.server.api.fail("sendMessage", 500, "Internal Server Error", times=2,
                        when=lambda call: call.chat_id == user)
    bot.ask(user)
    bot.reply(user, nth=3, timeout=15)
    time.sleep(1.0)
    assert [c.text for c in bot.to(user)] == [RUNTIME] * 3  # two refused, one delivered
