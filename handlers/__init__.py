"""Telegram handlers: they translate between updates and the catalog, one module per topic.

Each module has ``register(application)``; ``bot.app.build_application`` calls them in order:
``flood`` (group -1, before all), ``start``, ``queries``, ``buttons``, ``inline``, ``daily``,
then ``queries.register_fallbacks`` (unknown commands, free text in private chats) and
``errors``. ``answers`` builds every reply, ``replies`` sends or edits it, ``commands`` lists
the commands and sets Telegram's menu. Handlers take ``(update, context: bot.context.Context)``.
"""
