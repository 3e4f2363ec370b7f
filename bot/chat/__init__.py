"""What the bot says and how its buttons are encoded: command specs, formatting, callback
data, flood bookkeeping. Nothing here imports Telegram."""
