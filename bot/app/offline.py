"""A Bot API that answers locally, so the real Application runs with no network.

:class:`LocalBotAPI` records each Bot API call (method + decoded parameters) and makes up a
plausible result for it (a ``Message`` for ``sendMessage``, ``True`` for ``answerCallbackQuery``
...). :class:`OfflineRequest` plugs it into python-telegram-bot in place of its HTTP client
(``ApplicationBuilder().request(...)``). The functions at the end make updates as Telegram
sends them (JSON dicts). The console driver and the benchmark use all this; the tests extend it
with failure injection and more kinds of update (``tests/botapi.py``).
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

BOT_ID = 7_000_000_001
BOT_USERNAME = "MovieCatalogBot"
BOT_NAME = "Movie Catalog"
USER_ID = 111_111
GROUP_ID = -1_001_234_567_890
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query id is invalid"
"""Telegram's refusal of a second ``answerCallbackQuery`` for one query."""

ATTACH = "attach://"
"""How a parameter names a file uploaded beside it (multipart)."""

Result = Any
"""A Bot API ``result``: a JSON-ready dict, list or scalar."""


@dataclass(frozen=True, slots=True)
class Call:
    """One Bot API request: method name and its decoded parameters."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The text of a message, or the caption of a photo (also one edited in)."""
        media = self.params.get("media")
        caption = media.get("caption") if isinstance(media, dict) else None
        return self.params.get("text", self.params.get("caption", caption))

    @property
    def parse_mode(self) -> str | None:
        return self.params.get("parse_mode")

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """Inline keyboard rows as ``(label, callback_data or url)`` pairs; [] without one."""
        markup = self.params.get("reply_markup") or {}
        return [
            [(b["text"], b.get("callback_data") or b.get("url") or "") for b in row]
            for row in markup.get("inline_keyboard", [])
        ]

    @property
    def upload(self) -> bytes | None:
        """The file uploaded as the photo of a sendPhoto or editMessageMedia; None for a URL."""
        media = self.params.get("media")
        photo = media.get("media") if isinstance(media, dict) else self.params.get("photo")
        if isinstance(photo, str) and photo.startswith(ATTACH):
            photo = self.params.get(photo.removeprefix(ATTACH))
        return photo if isinstance(photo, bytes) else None

    @property
    def reply_to(self) -> int | None:
        """The message id this message replies to (quotes), if any."""
        reply = self.params.get("reply_parameters") or {}
        return reply.get("message_id", self.params.get("reply_to_message_id"))


class LocalBotAPI:
    """Answers Bot API methods in memory and keeps a log of them in :attr:`calls`.

    ``results`` overrides the made-up result of a method: a value, or a function of the call.
    ``chats`` maps a chat id to the ``Chat`` object returned in messages sent there. Like
    Telegram, it answers each callback query once: a second ``answerCallbackQuery`` for the same
    id gets a 400 (:data:`QUERY_TOO_OLD`).
    """

    def __init__(
        self,
        *,
        bot_id: int = BOT_ID,
        username: str = BOT_USERNAME,
        record: bool = True,
    ) -> None:
        self.me = {
            "id": bot_id,
            "is_bot": True,
            "first_name": BOT_NAME,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.record = record
        self.calls: list[Call] = []
        self.results: dict[str, Result | Callable[[Call], Result]] = {}
        self.chats: dict[int | str, dict[str, Any]] = {}
        self._message_ids = itertools.count(1000)
        self._answered: set[str] = set()

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Record one call; return the HTTP status and the JSON body of the answer."""
        call = Call(method, params)
        if self.record:
            self.calls.append(call)
        if method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id"))
            if query_id in self._answered:
                return 400, {"ok": False, "error_code": 400, "description": QUERY_TOO_OLD}
            self._answered.add(query_id)
        override = self.results.get(method)
        if override is not None:
            result = override(call) if callable(override) else override
        else:
            result = self.result(call)
        return 200, {"ok": True, "result": result}

    def chat(self, chat_id: int | str) -> dict[str, Any]:
        """The ``Chat`` a message sent to ``chat_id`` reports (guessed from the id's form)."""
        if chat_id in self.chats:
            return self.chats[chat_id]
        if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
            name = chat_id.lstrip("@")
            return {"id": -1_001_000_000_000 - len(name), "type": "channel", "title": name,
                    "username": name}
        number = int(chat_id)
        if number > 0:
            return {"id": number, "type": "private", "first_name": "User"}
        if number < -1_000_000_000_000:
            return {"id": number, "type": "supergroup", "title": "Group"}
        return {"id": number, "type": "group", "title": "Group"}

    def message(self, call: Call, message_id: int | None = None) -> dict[str, Any]:
        """The ``Message`` a send or edit method returns."""
        p = call.params
        msg: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(p.get("chat_id", 0)),
            "from": self.me,
        }
        if "text" in p:
            msg["text"] = p["text"]
        if "caption" in p:
            msg["caption"] = p["caption"]
        media = p.get("media")
        if call.method == "sendPhoto" or (isinstance(media, dict) and media.get("type") == "photo"):
            msg["photo"] = [{"file_id": "photo", "file_unique_id": "photo", "width": 342,
                             "height": 513}]
            if isinstance(media, dict) and "caption" in media:
                msg["caption"] = media["caption"]
        markup = p.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        return msg

    def result(self, call: Call) -> Result:
        """A plausible result for any method; ``True`` for those that return nothing else."""
        method, p = call.method, call.params
        if method == "getMe":
            return self.me
        if method == "getUpdates":
            return []
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method.startswith("editMessage"):
            return True if "inline_message_id" in p else self.message(call, p.get("message_id"))
        if method == "sendMediaGroup":
            return [self.message(Call("sendPhoto", {**p, **m})) for m in p.get("media", [])]
        if method in ("copyMessage",):
            return {"message_id": next(self._message_ids)}
        if method.startswith("send") or method == "forwardMessage":
            return self.message(call)
        if method == "getChat":
            chat = self.chat(p["chat_id"])
            return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                    "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                            "unique_gifts": False, "premium_subscription": False}}
        if method == "getChatMember":
            user_id = p.get("user_id")
            if user_id == self.me["id"]:
                return {"status": "administrator", "user": self.me, "can_be_edited": False,
                        "is_anonymous": False, "can_manage_chat": True,
                        "can_delete_messages": True, "can_manage_video_chats": False,
                        "can_restrict_members": False, "can_promote_members": False,
                        "can_change_info": False, "can_invite_users": False,
                        "can_post_stories": False, "can_edit_stories": False,
                        "can_delete_stories": False, "can_post_messages": True,
                        "can_edit_messages": True}
            return {"status": "member",
                    "user": {"id": user_id, "is_bot": False, "first_name": "User"}}
        if method == "getMyCommands":
            return []
        return True


class OfflineRequest(BaseRequest):
    """python-telegram-bot's request object, answered by a :class:`LocalBotAPI`."""

    def __init__(self, api: LocalBotAPI | None = None) -> None:
        self.api = api or LocalBotAPI()

    @property
    def calls(self) -> list[Call]:
        return self.api.calls

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        # A JSON round trip, as over HTTP: enums become strings, tuples lists.
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for name, (_filename, content, _mimetype) in request_data.multipart_data.items():
                params[name] = content if isinstance(content, bytes) else content.read()
        status, body = self.api.handle(api_method, params)
        return status, json.dumps(body).encode()


# -- updates, as Telegram sends them ---------------------------------------------------------

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int = USER_ID, first_name: str = "Ada", **extra: Any) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en",
            **extra}


def make_chat(chat_id: int, chat_type: str, **extra: Any) -> dict[str, Any]:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Ada", **extra}
    return {"id": chat_id, "type": chat_type, "title": extra.pop("title", "Movie Club"), **extra}


_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
"""Telegram's rule: ``/``, then letters, digits or ``_`` (and maybe ``@username``), ending at
the first other character, which may be punctuation or a space but not a letter, a digit,
``/``, ``<``, ``>`` or ``@`` (``/movie,Toy Story`` starts with ``/movie``; ``/a/b`` has no
command)."""


def _command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram adds to a message that starts with a command."""
    command = _COMMAND.match(text)
    if command is None:
        return []
    # ASCII only, so its length in characters is its length in UTF-16 units too.
    return [{"type": "bot_command", "offset": 0, "length": command.end()}]


def message(
    text: str | None,
    *,
    chat: dict[str, Any],
    sender: dict[str, Any] | None,
    message_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A ``Message`` dict; commands get their ``bot_command`` entity."""
    msg: dict[str, Any] = {
        "message_id": message_id or next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        **extra,
    }
    if sender is not None:
        msg["from"] = sender
    if text is not None:
        msg["text"] = text
        if entities := _command_entities(text):
            msg["entities"] = entities
    return msg


def make_update(**fields: Any) -> dict[str, Any]:
    """An ``Update`` dict with a fresh ``update_id`` and the given field (``message=...``)."""
    return {"update_id": next(_update_ids), **fields}


def private_message(text: str, *, user_id: int = USER_ID, language_code: str = "en",
                    **extra: Any) -> dict[str, Any]:
    """``text`` sent by a user to the bot in their private chat, from a Telegram app in
    ``language_code``."""
    chat = make_chat(user_id, "private")
    sender = user(user_id, language_code=language_code)
    return make_update(message=message(text, chat=chat, sender=sender, **extra))


def group_message(
    text: str,
    *,
    chat_id: int = GROUP_ID,
    user_id: int = USER_ID,
    chat_type: str = "supergroup",
    language_code: str = "en",
    **extra: Any,
) -> dict[str, Any]:
    """``text`` sent in a group; write ``/runtime@MovieCatalogBot ...`` to address the bot."""
    chat = make_chat(chat_id, chat_type)
    sender = user(user_id, language_code=language_code)
    return make_update(message=message(text, chat=chat, sender=sender, **extra))


def bot_message(
    text: str = "Which one?",
    *,
    chat_id: int = USER_ID,
    chat_type: str = "private",
    message_id: int | None = None,
    photo: bool = False,
) -> dict[str, Any]:
    """A message the bot sent earlier (the one a pressed button sits under)."""
    me = {"id": BOT_ID, "is_bot": True, "first_name": BOT_NAME, "username": BOT_USERNAME}
    chat = make_chat(chat_id, chat_type)
    if photo:
        return message(None, chat=chat, sender=me, message_id=message_id, caption=text,
                       photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}])
    return message(text, chat=chat, sender=me, message_id=message_id)


def callback_query(
    data: str,
    *,
    message: dict[str, Any] | None = None,
    user_id: int = USER_ID,
    inline_message_id: str | None = None,
    language_code: str = "en",
) -> dict[str, Any]:
    """A press on an inline button carrying ``data``, under ``message`` (default: a bot text
    message in the user's private chat) or under a message sent via inline mode."""
    query: dict[str, Any] = {
        "id": str(next(_update_ids) * 7919),
        "from": user(user_id, language_code=language_code),
        "chat_instance": "42",
        "data": data,
    }
    if inline_message_id is not None:
        query["inline_message_id"] = inline_message_id
    else:
        query["message"] = message if message is not None else bot_message(chat_id=user_id)
    return make_update(callback_query=query)


def inline_query(query: str, *, user_id: int = USER_ID, offset: str = "",
                 language_code: str = "en") -> dict[str, Any]:
    """``@MovieCatalogBot <query>`` typed in any chat."""
    query_id = str(next(_update_ids) * 104729)
    sender = user(user_id, language_code=language_code)
    return make_update(inline_query={"id": query_id, "from": sender, "query": query,
                                     "offset": offset, "chat_type": "sender"})


def to_update(data: dict[str, Any], bot: Any) -> Update:
    """The ``Update`` object python-telegram-bot would make of ``data``."""
    update = Update.de_json(data, bot)
    assert update is not None
    return update
