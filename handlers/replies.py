"""How an answer goes out: as a new message, or by editing the message a button sits under."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeAlias

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.chat import charts

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
CHART_FILE = "chart.png"
UNEDITABLE = ("message can't be edited", "message to edit not found")
"""Telegram's words for a message that cannot take the answer in place."""

BeforeSend: TypeAlias = Callable[[], Awaitable[None]]
"""Awaited right before a request goes out; raising stops it (see :func:`send_to`)."""


def poster_preview(poster: str | None) -> LinkPreviewOptions:
    """How a text movie card shows its poster: as a large link preview above the text (none
    without a poster). Used where the card cannot be a photo with a caption."""
    if poster:
        return LinkPreviewOptions(url=poster, prefer_large_media=True, show_above_text=True)
    return NO_PREVIEW


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer, ready to send: HTML ``text`` (4,096 characters at most), its buttons, and
    for movie cards a poster ``photo`` URL with a shorter ``caption`` (1,024 at most); for
    charts the ``chart`` whose PNG is uploaded as the photo."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    photo: str | None = None
    caption: str | None = None
    chart: charts.Chart | None = None

    @property
    def preview(self) -> LinkPreviewOptions:
        return poster_preview(self.photo)

    @property
    def has_photo(self) -> bool:
        return bool(self.photo) or self.chart is not None

    async def picture(self, *, attach: bool = False) -> str | InputFile | None:
        """The poster's URL, or the chart's PNG (drawn off the event loop unless cached).

        ``attach`` for a photo inside ``media`` (an edit), which names its file by reference.
        """
        if self.chart is not None:
            png = await charts.png_async(self.chart)
            return InputFile(png, filename=CHART_FILE, attach=attach)
        return self.photo


def chat_gone(exc: TelegramError) -> bool:
    """Blocked, removed, deleted: Telegram will refuse this chat from now on."""
    if isinstance(exc, Forbidden):
        return True
    return isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()


async def send(message: Message, reply: Reply) -> Message:
    """Answer ``message``; in groups the answer quotes it (python-telegram-bot's default)."""
    return await _deliver(reply, message.reply_photo, message.reply_text)


async def send_to(bot: Bot, chat_id: int, reply: Reply, *,
                  before_send: BeforeSend | None = None) -> Message:
    """Post ``reply`` in a chat unprompted (daily picks).

    ``before_send`` is awaited right before each request goes out (the poster, then the text
    card if Telegram refuses the poster): what it raises stops the request. A rate limiter runs
    it itself, after any wait in its queue (``rate_limit_args={"before_send": hook}``); without
    one it is awaited here, just before the call.
    """
    if before_send is None:
        return await _deliver(reply, partial(bot.send_photo, chat_id),
                              partial(bot.send_message, chat_id))
    return await _deliver(reply, _hooked(bot, bot.send_photo, chat_id, before_send),
                          _hooked(bot, bot.send_message, chat_id, before_send))


def _hooked(bot: Bot, method: Callable[..., Awaitable[Message]], chat_id: int,
            before_send: BeforeSend) -> Callable[..., Awaitable[Message]]:
    """``method`` for ``chat_id`` with ``before_send`` run right before its request goes out:
    by the rate limiter (:class:`bot.app.limiter.Limiter`) once the request has its slot, or
    here when the bot has no limiter."""
    if getattr(bot, "rate_limiter", None) is not None:
        return partial(method, chat_id, rate_limit_args={"before_send": before_send})

    async def call(*args: Any, **kwargs: Any) -> Message:
        await before_send()
        return await method(chat_id, *args, **kwargs)

    return call


async def _deliver(reply: Reply, send_photo: Callable[..., Awaitable[Message]],
                   send_text: Callable[..., Awaitable[Message]]) -> Message:
    """The poster or chart with the caption when there is one and Telegram takes it, else the
    text."""
    if reply.has_photo and reply.caption is not None:
        try:
            return await send_photo(await reply.picture(), caption=reply.caption,
                                    reply_markup=reply.keyboard)
        except BadRequest as exc:
            if chat_gone(exc):
                raise
            logger.info("Telegram refused the poster (%s); sending the text card", exc.message)
    return await send_text(reply.text, reply_markup=reply.keyboard,
                           link_preview_options=reply.preview)


async def edit(query: CallbackQuery, reply: Reply) -> None:
    """Put ``reply`` in place of the message under which ``query``'s button was pressed.

    A photo message can only become another photo; a text answer to a photo message, a chart
    answering a text message, or an answer to a message that can no longer be edited, is sent
    as a new message instead, and so is the text card when Telegram cannot fetch the new
    poster. Pressing the button of what is already shown changes nothing.
    """
    message = query.message if isinstance(query.message, Message) else None
    if message is not None and (
        (message.photo and not reply.has_photo) or (not message.photo and reply.chart)
    ):
        await send(message, reply)
        return
    try:
        picture = await reply.picture(attach=True)
        if message is not None and message.photo and picture is not None:
            media = InputMediaPhoto(picture, caption=reply.caption, parse_mode=ParseMode.HTML)
            await query.edit_message_media(media, reply_markup=reply.keyboard)
        else:
            await query.edit_message_text(
                reply.text, reply_markup=reply.keyboard, link_preview_options=reply.preview
            )
    except BadRequest as exc:
        reason = exc.message.lower()
        if "not modified" in reason:
            return
        if message is None:
            raise
        if any(words in reason for words in UNEDITABLE):
            await send(message, reply)
        elif message.photo:
            await send(message, replace(reply, caption=None))
        else:
            raise
