"""Test doubles for the Telegram side, shared by every bot test.

Three parts:

1. :class:`RecordingRequest`: python-telegram-bot's request object, recording each Bot API call
   (``Call(method, params)``) instead of sending it and answering with plausible results
   (getMe, sendMessage, sendPhoto, editMessageText, answerCallbackQuery, answerInlineQuery,
   setMyCommands, getChat, getChatMember...); like Telegram, a callback query is answered once
   (a second answer gets a 400). ``fail(...)`` makes a method fail like Telegram does (403
   blocked, 400 chat not found, 429 retry_after). :class:`BotHarness` drives a real
   ``Application`` built on it, synchronously: ``harness.send(private_message("/start"))``.
2. Update factories returning Bot API JSON dicts (usable in-process and over HTTP):
   :func:`private_message`, :func:`group_message`, :func:`edited_message`, :func:`channel_post`,
   :func:`anonymous_admin_message`, :func:`sticker_message`, :func:`photo_message`,
   :func:`callback_query`, :func:`inline_query`, and :func:`to_update` to make an ``Update``.
3. :class:`BotAPIServer`: a Bot API stand-in over HTTP on 127.0.0.1 for end-to-end tests of
   ``python main.py`` (``TELEGRAM_API_URL=server.base_url``). Feed it updates with ``push``; it
   serves them to ``getUpdates`` and records every call; ``wait_for`` waits for a reply,
   ``drained`` for every update to be taken.
   Faults, each for the next ``times`` calls of a method (``times=0``: every call):

   - ``server.api.fail(method, status, description, retry_after=, times=, when=)``: a Bot API
     error (``{"ok": false, ...}``): 4xx, 5xx, 429 with ``retry_after``;
   - ``server.hang(method, seconds, times=1)``: answer (normally) only after ``seconds``;
   - ``server.garbage(method, body=b"<html>oops", status=200, times=1)``: answer with a broken
     body instead of JSON (a proxy's error page, a truncated answer);
   - ``server.push_raw(update)``: any JSON as an update (``{"update_id": "abc"}``); served like
     ``push``, but one without an integer ``update_id`` is served once, as it cannot be
     confirmed by ``offset``;
   - ``server.refuse()`` / ``server.accept()``: close the listening socket (and every open
     connection): connections are refused; then listen again on the same port.
     :func:`unused_url` is a base URL nothing listens on (refused from the start).

   Faulty calls are recorded too (``garbage`` and ``hang`` ones in :attr:`BotAPIServer.api`).

Nothing here touches the network beyond 127.0.0.1. The core of 1 and 2 lives in
``bot/offline.py`` (the console and the benchmark use it too); import everything from here.

In a test, with the ``bot_harness`` fixture of ``tests/conftest.py``::

    calls = bot_harness.send(private_message("/runtime Toy Story"))
    assert [(c.method, c.chat_id, c.text) for c in calls] == [("sendMessage", USER_ID, "...")]
    bot_harness.request.fail("sendMessage", *FORBIDDEN)  # the next sendMessage gets a 403
    bot_harness.run(job_callback(context))                # any coroutine, on the bot's loop
    bot_harness.request.of("sendPhoto")                    # every sendPhoto so far
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from telegram.ext import Application

from bot.app.offline import (
    BOT_ID,
    BOT_USERNAME,
    GROUP_ID,
    USER_ID,
    Call,
    LocalBotAPI,
    OfflineRequest,
    bot_message,
    callback_query,
    group_message,
    inline_query,
    make_chat,
    make_update,
    message,
    private_message,
    to_update,
    user,
)

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "CHANNEL_ID",
    "CHAT_NOT_FOUND",
    "FORBIDDEN",
    "GROUP_ID",
    "TOKEN",
    "TOO_MANY_REQUESTS",
    "USER_ID",
    "BotAPIServer",
    "BotHarness",
    "Call",
    "FakeBotAPI",
    "RecordingRequest",
    "anonymous_admin_message",
    "bot_message",
    "callback_query",
    "channel_post",
    "edited_message",
    "group_message",
    "inline_query",
    "make_chat",
    "make_update",
    "message",
    "photo_message",
    "private_message",
    "sticker_message",
    "to_update",
    "unused_url",
    "user",
]

T = TypeVar("T")

TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnopq"
CHANNEL_ID = -1_009_876_543_210
ANONYMOUS_ADMIN_ID = 1_087_968_824  # Telegram's GroupAnonymousBot

FORBIDDEN = (403, "Forbidden: bot was blocked by the user")
CHAT_NOT_FOUND = (400, "Bad Request: chat not found")
TOO_MANY_REQUESTS = (429, "Too Many Requests: retry after 1")


# -- 1. recording request ---------------------------------------------------------------------


@dataclass(slots=True)
class _Failure:
    method: str
    status: int
    description: str
    retry_after: int | None
    times: int
    when: Callable[[Call], bool] | None


class FakeBotAPI(LocalBotAPI):
    """:class:`LocalBotAPI` that can be told to fail methods; thread-safe for the server."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._failures: list[_Failure] = []
        self._lock = threading.RLock()

    def fail(
        self,
        method: str,
        status: int = 400,
        description: str = "Bad Request",
        *,
        retry_after: int | None = None,
        times: int = 1,
        when: Callable[[Call], bool] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (matching ``when``) fail.

        ``fail("sendMessage", *FORBIDDEN)``, ``fail("sendMessage", 429, retry_after=1)``;
        ``times=0`` fails every call. Failed calls are recorded too.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._failures.append(_Failure(method, status, description, retry_after, times, when))

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            failure = self._take_failure(Call(method, params))
            if failure is None:
                return super().handle(method, params)
            if self.record:
                self.calls.append(Call(method, params))
        body: dict[str, Any] = {
            "ok": False,
            "error_code": failure.status,
            "description": failure.description,
        }
        if failure.retry_after is not None:
            body["parameters"] = {"retry_after": failure.retry_after}
        return failure.status, body

    def _take_failure(self, call: Call) -> _Failure | None:
        for failure in self._failures:
            if failure.method == call.method and (failure.when is None or failure.when(call)):
                if failure.times == 1:
                    self._failures.remove(failure)
                elif failure.times > 1:
                    failure.times -= 1
                return failure
        return None

    # -- reading the log --

    def of(self, method: str) -> list[Call]:
        """The recorded calls of one method, oldest first."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def note(self, method: str, params: dict[str, Any]) -> None:
        """Record a call answered elsewhere (a fault of the HTTP stand-in)."""
        with self._lock:
            if self.record:
                self.calls.append(Call(method, params))

    def methods(self) -> list[str]:
        with self._lock:
            return [call.method for call in self.calls]

    def sent(self) -> list[Call]:
        """Calls that put something in a chat: send*, edit*, answer* (no getMe & co)."""
        with self._lock:
            return [c for c in self.calls if c.method.startswith(("send", "edit", "answer"))]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()


class RecordingRequest(OfflineRequest):
    """The request object of in-process tests: ``builder.request(RecordingRequest())``.

    Shortcuts to its :class:`FakeBotAPI`: ``calls``, ``of``, ``sent``, ``methods``, ``fail``,
    ``clear``, ``results``, ``chats``.
    """

    api: FakeBotAPI

    def __init__(self, api: FakeBotAPI | None = None) -> None:
        super().__init__(api or FakeBotAPI())
        self.fail = self.api.fail
        self.of = self.api.of
        self.sent = self.api.sent
        self.methods = self.api.methods
        self.clear = self.api.clear
        self.results = self.api.results
        self.chats = self.api.chats


class BotHarness:
    """Drives an initialized ``Application`` from synchronous tests, on its own event loop.

    ``harness.send(update_dict)`` runs ``process_update`` to the end (handlers, error handlers)
    and returns the Bot API calls it made.
    """

    def __init__(self, application: Application, request: RecordingRequest) -> None:
        self.app = application
        self.request = request
        self.loop = asyncio.new_event_loop()
        self.run(application.initialize())

    @property
    def bot(self) -> Any:
        return self.app.bot

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def send(self, data: dict[str, Any]) -> list[Call]:
        """Process one update (a dict from the factories below); the calls it caused."""
        before = len(self.request.calls)
        self.run(self.app.process_update(to_update(data, self.app.bot)))
        return self.request.calls[before:]

    def close(self) -> None:
        if self.app.running:
            self.run(self.app.stop())
        self.run(self.app.shutdown())
        if self.app.post_shutdown is not None:
            self.run(self.app.post_shutdown(self.app))
        self.loop.close()


# -- 2. updates -----------------------------------------------------------------------------

def edited_message(
    text: str, *, chat_id: int = USER_ID, chat_type: str = "private", user_id: int = USER_ID
) -> dict[str, Any]:
    """An edit of an earlier message (``edited_message`` update)."""
    chat = make_chat(chat_id, chat_type)
    msg = message(text, chat=chat, sender=user(user_id), edit_date=int(time.time()))
    return make_update(edited_message=msg)


def channel_post(text: str, *, chat_id: int = CHANNEL_ID) -> dict[str, Any]:
    """A post in a channel: no ``from``, the channel as ``sender_chat``."""
    chat = make_chat(chat_id, "channel", title="Movie Channel")
    return make_update(channel_post=message(text, chat=chat, sender=None, sender_chat=chat))


def anonymous_admin_message(text: str, *, chat_id: int = GROUP_ID) -> dict[str, Any]:
    """A group message by an anonymous admin: sent as the group itself."""
    chat = make_chat(chat_id, "supergroup")
    sender = {"id": ANONYMOUS_ADMIN_ID, "is_bot": True, "first_name": "Group",
              "username": "GroupAnonymousBot"}
    return make_update(message=message(text, chat=chat, sender=sender, sender_chat=chat))


def sticker_message(*, chat_id: int = USER_ID, chat_type: str = "private") -> dict[str, Any]:
    chat = make_chat(chat_id, chat_type)
    sticker = {"file_id": "sticker", "file_unique_id": "sticker", "type": "regular",
               "width": 512, "height": 512, "is_animated": False, "is_video": False}
    return make_update(message=message(None, chat=chat, sender=user(), sticker=sticker))


def photo_message(
    caption: str | None = None, *, chat_id: int = USER_ID, chat_type: str = "private"
) -> dict[str, Any]:
    chat = make_chat(chat_id, chat_type)
    photo = [{"file_id": "photo", "file_unique_id": "photo", "width": 90, "height": 90}]
    extra: dict[str, Any] = {"photo": photo}
    if caption is not None:
        extra["caption"] = caption
    return make_update(message=message(None, chat=chat, sender=user(), **extra))



# -- 3. HTTP stand-in -----------------------------------------------------------------------

# Form-encoded parameters that hold JSON (everything else stays a string, bar known integers).
_JSON_PARAMS = frozenset({
    "reply_markup", "reply_parameters", "results", "commands", "allowed_updates", "entities",
    "caption_entities", "link_preview_options", "media", "scope", "button",
})
_INT_PARAMS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "user_id",
                         "cache_time", "from_chat_id", "message_thread_id"})
_BOOL_PARAMS = frozenset({"drop_pending_updates", "show_alert", "is_personal",
                          "disable_notification", "protect_content"})


def _form_value(key: str, value: str) -> Any:
    if key in _JSON_PARAMS:
        return json.loads(value)
    if key in _INT_PARAMS and value.lstrip("-").isdigit():
        return int(value)
    if key in _BOOL_PARAMS:
        return value == "true"
    return value


@dataclass(slots=True)
class _Fault:
    """A fault of the HTTP layer: answer late (``hang``) or with a broken body (``garbage``)."""

    method: str
    times: int
    delay: float = 0.0
    body: bytes | None = None
    status: int = 200


def unused_url() -> str:
    """A Bot API base URL on 127.0.0.1 whose port nothing listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"


class BotAPIServer:
    """A Bot API stand-in on 127.0.0.1, for running the real bot process against.

    ``base_url`` is ``http://127.0.0.1:PORT/bot`` (set it as ``TELEGRAM_API_URL``). Requests for
    another token get 401. ``getUpdates`` long-polls (up to ``poll_cap`` seconds) for updates fed
    with :meth:`push`. Every other method is answered by :attr:`api` (a :class:`FakeBotAPI`:
    recorded, and failable). :meth:`hang`, :meth:`garbage`, :meth:`push_raw`, :meth:`refuse`
    and :meth:`accept` inject faults of the HTTP layer (see the module's docstring).
    """

    def __init__(self, token: str = TOKEN, *, poll_cap: float = 1.0) -> None:
        self.token = token
        self.api = FakeBotAPI()
        self.poll_cap = poll_cap
        self._updates: list[Any] = []
        self._faults: list[_Fault] = []
        self._cond = threading.Condition()
        httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._httpd: _QuietServer | None = httpd
        self._port: int = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    def __enter__(self) -> BotAPIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.refuse()

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the bot's next ``getUpdates``."""
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()

    def push_raw(self, update: Any) -> None:
        """Queue any JSON value as an update: ``{"update_id": "abc"}``, ``{"update_id": 5,
        "message": "oops"}``, ``42``. One without an integer ``update_id`` is served once."""
        self.push(update)

    def drained(self, timeout: float = 10.0) -> None:
        """Wait until every pushed update was served and confirmed (or, id-less, served)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._updates:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"updates still queued: {self._updates}")
                self._cond.wait(min(left, 0.05))

    def hang(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds`` (0: all)."""
        with self._cond:
            self._faults.append(_Fault(method, times, delay=seconds))

    def garbage(
        self, method: str, body: bytes = b"<html>oops", status: int = 200, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``body`` (not JSON) and ``status``."""
        with self._cond:
            self._faults.append(_Fault(method, times, body=body, status=status))

    def refuse(self) -> None:
        """Stop listening and drop every open connection: the bot's requests are refused."""
        httpd = self._httpd
        if httpd is None:
            return
        self._httpd = None
        if self._thread.is_alive():
            httpd.shutdown()
        httpd.server_close()
        httpd.drop_connections()

    def accept(self) -> None:
        """Listen again, on the same port, after :meth:`refuse`."""
        if self._httpd is not None:
            return
        self._httpd = _QuietServer(("127.0.0.1", self._port), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def _take_fault(self, method: str) -> _Fault | None:
        with self._cond:
            for fault in self._faults:
                if fault.method == method:
                    if fault.times == 1:
                        self._faults.remove(fault)
                    elif fault.times > 1:
                        fault.times -= 1
                    return fault
        return None

    def wait_for(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda call: True,
        timeout: float = 20.0,
    ) -> Call:
        """The first recorded ``method`` call matching ``where``; waits for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.api.of(method):
                if where(call):
                    return call
            time.sleep(0.02)
        raise TimeoutError(f"no {method} call arrived; calls were {self.api.methods()}")

    def _get_updates(self, params: dict[str, Any]) -> list[Any]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), self.poll_cap)
        with self._cond:
            self._updates = [u for u in self._updates if not _confirmed(u, offset)]
            if not self._updates and wait > 0:
                self._cond.wait(wait)
            served = list(self._updates)
            self._updates = [u for u in self._updates if _update_id(u) is not None]
            return served

    def _answer(self, path: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix):]
        if method == "getUpdates":
            status, failure = self.api.handle(method, params)
            if status != 200:
                return status, failure
            return 200, {"ok": True, "result": self._get_updates(params)}
        return self.api.handle(method, params)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                params = _parse_body(self.headers, body)
                fault = server._take_fault(self.path.rpartition("/")[2])
                if fault is not None and fault.delay:
                    time.sleep(fault.delay)
                if fault is not None and fault.body is not None:
                    server.api.note(self.path.rpartition("/")[2], params)
                    self.send_raw(fault.status, fault.body)
                    return
                status, answer = server._answer(self.path, params)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def send_raw(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reads the recorded calls instead."""

        return Handler


def _update_id(update: Any) -> int | None:
    """The integer ``update_id`` of a served update; None for a raw one without it."""
    update_id = update.get("update_id") if isinstance(update, dict) else None
    return update_id if type(update_id) is int else None


def _confirmed(update: Any, offset: int) -> bool:
    update_id = _update_id(update)
    return update_id is not None and update_id < offset


class _QuietServer(ThreadingHTTPServer):
    """Clients hanging up (the bot stopping mid long-poll) are no error worth a traceback.

    Keeps its open connections, so that :meth:`drop_connections` can close them (``refuse``).
    """

    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self._open_lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _parse_body(headers: Any, body: bytes) -> dict[str, Any]:
    """Parameters of a Bot API request: JSON, form-encoded or multipart."""
    content_type = headers.get("Content-Type") or ""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        parsed = BytesParser(policy=HTTP).parsebytes(head + body)
        fields: Iterator[Any] = parsed.iter_parts()  # type: ignore[attr-defined]
        return {
            part.get_param("name", header="content-disposition"): _form_value(
                part.get_param("name", header="content-disposition"),
                part.get_payload(decode=True).decode("utf-8", "replace"),
            )
            for part in fields
        }
    return {key: _form_value(key, value) for key, value in parse_qsl(body.decode())}
