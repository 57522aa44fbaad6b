"""Where the user's caches live, for every part that keeps one (fonts, word boundaries, dataclass methods)."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    """The folder of the user's caches: $BULLETIN_CACHE_DIR, else $XDG_CACHE_HOME/bulletin or ~/.cache/bulletin."""
    root = os.environ.get("BULLETIN_CACHE_DIR")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bulletin"
