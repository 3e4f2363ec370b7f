"""The daily-picks core: when a chat is posted to, which movie it gets, and the store that
remembers both. Nothing here imports Telegram."""
