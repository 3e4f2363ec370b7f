"""Where the bundled catalog lives and how a build of it is identified.

The pipeline writes these files and the catalog reads them; both import the names from here,
so neither imports the other.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
MOVIES_FILE = "movies.parquet"
MATRIX_FILE = "recommender.npz"
META_FILE = "recommender.json"
MODEL_FILES = (MATRIX_FILE, META_FILE)


def fingerprint(catalog_file: bytes) -> str:
    """Identifies one build of the catalog file; the recommender records the one it was fitted
    on, so the bot never pairs a model with another catalog."""
    return hashlib.blake2b(catalog_file, digest_size=8).hexdigest()
