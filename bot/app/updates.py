"""Updates checked before python-telegram-bot trusts them (polling and webhook alike).

An update PTB cannot read stops long polling: an ``update_id`` that is not an integer ends the
polling task (``update_id + 1``) and leaves the process alive but deaf; a field of the wrong
shape (``"message": "oops"``) makes PTB fetch the same batch again and again, the good updates
in it never handled. :func:`screen` lets such an update through only as ``{"update_id": n}``
(no handler answers it, and the offset moves past it), or drops it when it has no integer id;
one WARNING each, without its content.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)


def screen(data: Any) -> dict[str, Any] | None:
    """``data`` if it is a readable update; ``{"update_id": n}`` if only its id is; else None."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if type(update_id) is not int:
        logger.warning("Skipped an update without an integer update_id (%s)", _shape(data))
        return None
    try:
        Update.de_json(data, None)
    except Exception as exc:  # what PTB raises on a malformed field varies: any means unreadable
        logger.warning("Skipped update %d: unreadable (%s)", update_id, type(exc).__name__)
        return {"update_id": update_id}
    return data


def screen_all(result: Any) -> Any:
    """A ``getUpdates`` result with each update screened (anything but a list unchanged)."""
    if not isinstance(result, list):
        return result
    return [update for update in map(screen, result) if update is not None]


def _shape(data: Any) -> str:
    """What a bad update looks like, without its content: its type, or its keys."""
    if isinstance(data, dict):
        return "keys: " + ", ".join(sorted(str(key) for key in data)[:8])
    return type(data).__name__


class UpdatesRequest(HTTPXRequest):
    """PTB's HTTP client for ``getUpdates``, screening each update of the answer before PTB
    reads it."""

    async def do_request(self, url: str, method: str, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if status != HTTPStatus.OK or not url.endswith("/getUpdates"):
            return status, payload
        try:
            body = json.loads(payload)
        except ValueError:  # PTB reports a body that is not JSON itself
            return status, payload
        if not isinstance(body, dict) or not isinstance(body.get("result"), list):
            return status, payload
        body["result"] = screen_all(body["result"])
        return status, json.dumps(body).encode()
