"""The typed ``context`` every handler receives, and what the Application shares.

``application.bot_data`` is a :class:`BotData`: a dict (so ``bot_data["catalog"]`` works) with
typed attributes (``bot_data.catalog``). Keys:

- ``"catalog"``: the :class:`~bot.movies.catalog.Catalog`, loaded once at start;
- ``"settings"``: the :class:`~bot.config.Settings`;
- ``"flood"``, ``"flood_private"``: the per-user flood gates of groups and private chats
  (:class:`bot.chat.flood.FloodGate`);
- ``"daily"``: the daily picks service (:class:`bot.app.daily.DailyService`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.movies.catalog import Catalog

if TYPE_CHECKING:
    from bot.config import Settings


class BotData(dict[str, Any]):
    """``application.bot_data``: the state shared by all handlers."""

    @property
    def catalog(self) -> Catalog:
        return self["catalog"]

    @property
    def settings(self) -> Settings:
        return self["settings"]


Context: TypeAlias = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
"""Annotate handlers with ``context: Context``."""

CONTEXT_TYPES = ContextTypes(bot_data=BotData)
