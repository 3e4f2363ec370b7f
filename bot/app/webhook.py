"""The webhook receiver: a small tornado server that checks before it reads.

python-telegram-bot's own webhook server reads a request's whole body (up to 100 MB) before it
looks at the secret header: four parallel 95 MB posts without the secret took the process from
219 MB to 610 MB. This one answers from the headers alone, as soon as they arrive:

- 403 without the right ``X-Telegram-Bot-Api-Secret-Token`` (the body is never read);
- 413 for a body over :data:`MAX_BODY` (Telegram's updates are a few KB);
- 400 for a body that is not an update (not JSON, or no integer ``update_id``);
- 200 once the update is in ``application.update_queue`` (PTB's documented custom-webhook
  pattern: the Application is started without its Updater, see :mod:`bot.app.runner`).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.app.updates import screen

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20
"""Largest body accepted (1 MB): an update with a long message and entities is a few KB."""


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST-only; headers checked in :meth:`prepare`, before tornado reads any of the body."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_app: Application, secret: str) -> None:
        self.bot_app = bot_app
        self.secret = secret
        self.body = bytearray()

    def prepare(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(403)
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            raise tornado.web.HTTPError(413)

    def data_received(self, chunk: bytes) -> None:
        self.body += chunk  # at most MAX_BODY: the server's max_body_size stops chunked ones

    async def post(self) -> None:
        try:
            data = json.loads(self.body)
        except ValueError:
            raise tornado.web.HTTPError(400) from None
        screened = screen(data)
        if screened is None:
            raise tornado.web.HTTPError(400)
        bot = self.bot_app.bot
        await self.bot_app.update_queue.put(Update.de_json(screened, bot))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A bare status: no HTML page, no traceback for the client."""
        self.finish()


def _quiet(handler: tornado.web.RequestHandler) -> None:
    """Access log at DEBUG: a scanner's 403s should not flood the log."""
    request = handler.request
    logger.debug("%d %s %s", handler.get_status(), request.method, request.remote_ip)


def listen(application: Application, *, port: int, path: str, secret: str,
           address: str = "0.0.0.0") -> tornado.httpserver.HTTPServer:
    """Start serving ``POST /path`` on ``address:port`` (OSError if the port is taken)."""
    app = tornado.web.Application(
        [(f"/{re.escape(path.strip('/'))}/?", UpdateHandler,
          {"bot_app": application, "secret": secret})],
        log_function=_quiet,
    )
    server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY)
    server.listen(port, address)
    return server
