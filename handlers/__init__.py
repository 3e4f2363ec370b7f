"""Telegram handlers: they translate between updates and the catalog, one module per topic.

Each module has ``register(application)``; ``bot.app.factory.build_application`` calls them in
order:
``flood``, ``start``, ``queries``, ``buttons``, ``inline``, ``daily``, then
``queries.register_fallbacks`` (unknown commands, free text in private chats) and
``errors``. Two handlers see every command before all others: ``queries.forget_question``
(group -2: a command cancels a pending "Which movie?") and ``flood`` (group -1).
``answers`` builds every reply, ``replies`` sends or edits it, ``commands`` lists the commands
and sets Telegram's menu. Handlers take ``(update, context: bot.app.context.Context)``.
"""
