"""The movie core: data files, the pipeline, the catalog, name matching, the recommender.

Pure Python over Polars, rapidfuzz and scipy; nothing here imports Telegram."""
