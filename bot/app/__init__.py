"""The Telegram shell: the Application factory, the typed context, the daily-picks service,
and the in-memory Bot API behind ``--console`` and ``--ask``. The only part of ``bot`` that
imports python-telegram-bot."""
