"""Telegram handlers: they translate between updates and the core, one module per topic.

Each module has ``register(application)``; ``bot.app.factory.build_application`` calls them in
order: ``flood``, ``start``, ``queries``, ``buttons``, ``inline``, ``daily``, ``language``
(/lang), then ``queries.register_fallbacks`` (unknown commands, plain words in private chats
and questions meant for the bot in groups) and ``errors``.
Two handlers see every command before all others: ``queries.forget_question`` (group -2: a
command cancels a pending "Which movie?") and ``flood`` (group -1).

The query commands come from :data:`bot.chat.commands.QUERIES`: ``answers`` turns a spec's
answer into a :class:`~handlers.replies.Reply`, ``keyboards`` makes its buttons, ``replies``
sends or edits it, ``incoming`` reads commands and text. Handlers take
``(update, context: bot.app.context.Context)``.
"""
