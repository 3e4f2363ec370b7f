"""Talk to the bot in a terminal, with no token and no network.

The real Application, handlers and formatting run against a :class:`~bot.app.offline.LocalBotAPI`;
what the bot would send to Telegram is printed as plain text, its buttons as numbered choices
(type the number to press one). ``python main.py --console`` and ``--ask "/runtime Toy Story"``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any, TextIO

from bot.app.factory import build_application
from bot.app.offline import (
    USER_ID,
    Call,
    LocalBotAPI,
    OfflineRequest,
    bot_message,
    callback_query,
    private_message,
    to_update,
)
from bot.config import Settings
from bot.movies.catalog import Catalog
from handlers.queries import ONE_SHOT_KEY

IN_MEMORY = ":memory:"
"""The console's daily picks live and die with it, away from the real bot's state."""
PROMPT = "you> "
BANNER = (
    "Movie bot console: type /help, any command (/movie Toy Story), or a number to press a "
    "button. Ctrl-D or /quit leaves."
)


class _PlainText(HTMLParser):
    """Telegram HTML to terminal text: tags dropped, links followed by their address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.parts.append(f" <{self._href}>")
            self._href = None

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def save_png(data: bytes) -> str:
    """Write an uploaded picture (a chart) to a temporary file, for a terminal to point at."""
    with tempfile.NamedTemporaryFile(prefix="movie-bot-", suffix=".png", delete=False) as file:
        file.write(data)
    return file.name


class Console:
    """One private chat with the bot; :meth:`say` a line, read what the bot answered."""

    def __init__(self, catalog: Catalog, language: str = "en") -> None:
        self.language = language
        """The ``language_code`` of the user's Telegram app (``--lang``)."""
        self.api = LocalBotAPI()
        self.app = build_application(
            Settings(state_db=IN_MEMORY), catalog, request=OfflineRequest(self.api),
            rate_limit=False,
        )
        self.choices: list[tuple[str, str]] = []
        self._under: dict[str, Any] | None = None

    async def start(self) -> None:
        await self.app.initialize()

    async def stop(self) -> None:
        await self.app.shutdown()
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)

    async def say(self, line: str) -> str:
        """Send ``line`` as the user (a number presses that button); the bot's answer."""
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.choices):
            _label, data = self.choices[int(text) - 1]
            update = callback_query(data, message=self._under, language_code=self.language)
        else:
            update = private_message(line, language_code=self.language)
        before = len(self.api.calls)
        await self.app.process_update(to_update(update, self.app.bot))
        return self.render(self.api.calls[before:])

    def render(self, calls: Sequence[Call]) -> str:
        """What a user would see of ``calls``, as plain text with numbered buttons."""
        out: list[str] = []
        for call in calls:
            p = call.params
            media = p.get("media") if isinstance(p.get("media"), dict) else None
            if call.method in ("sendPhoto", "editMessageMedia"):
                photo = (media or {}).get("media") or p.get("photo")
                caption = (media or {}).get("caption") or p.get("caption") or ""
                upload = call.upload
                shown = f"[photo: {save_png(upload)}]" if upload else f"[poster: {photo}]"
                out.append(f"{shown}\n{plain_text(caption)}")
            elif call.method in ("sendMessage", "editMessageText"):
                out.append(plain_text(p.get("text", "")))
            elif call.method == "answerCallbackQuery" and (p.get("text") or p.get("url")):
                out.append(f"({p.get('text') or 'opens ' + p['url']})")
            elif call.method == "answerInlineQuery":
                out.append("\n".join(f"- {r['title']}" for r in p.get("results", [])))
            else:
                continue
            if call.method.startswith(("send", "edit")):
                self._remember(call, out)
        return "\n\n".join(out)

    def _remember(self, call: Call, out: list[str]) -> None:
        """Number the buttons of the latest message; presses will come from under it."""
        rows = call.buttons
        if not rows:
            self.choices, self._under = [], None
            return
        self.choices = [button for row in rows for button in row]
        self._under = bot_message(
            call.text or "", chat_id=USER_ID, photo=call.method in ("sendPhoto",
                                                                     "editMessageMedia")
        )
        out.append("\n".join(f"  [{i}] {label}" for i, (label, _) in enumerate(self.choices, 1)))


async def _ask(catalog: Catalog, text: str, out: TextIO, language: str) -> None:
    console = Console(catalog, language)
    console.app.bot_data[ONE_SHOT_KEY] = True
    await console.start()
    try:
        print(await console.say(text), file=out)
    finally:
        await console.stop()


def ask(catalog: Catalog, text: str, out: TextIO = sys.stdout, language: str = "en") -> int:
    """Answer one message as plain text (``main.py --ask``), as from a Telegram app in
    ``language``; the exit status."""
    try:
        asyncio.run(_ask(catalog, text, out, language))
    except BrokenPipeError:  # piped into `head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    return 0


def repl(catalog: Catalog, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout,
         language: str = "en") -> int:
    """Chat until end of input (``main.py --console``); the exit status."""
    console = Console(catalog, language)
    with asyncio.Runner() as runner:
        runner.run(console.start())
        print(BANNER, file=out)
        try:
            while True:
                print(PROMPT, end="", file=out, flush=True)
                line = stdin.readline()
                if not line or line.strip() in ("/quit", "/exit"):
                    break
                if line.strip():
                    print(runner.run(console.say(line.rstrip("\n"))) + "\n", file=out)
        except KeyboardInterrupt:
            pass
        finally:
            runner.run(console.stop())
    print(file=out)
    return 0
