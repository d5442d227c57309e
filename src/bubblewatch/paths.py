"""Where bubblewatch keeps its per-user data (override with ``BUBBLEWATCH_HOME``)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_HOME = "BUBBLEWATCH_HOME"


def data_home() -> Path:
    """The per-user data directory: ``$BUBBLEWATCH_HOME`` if set, else the platform's default."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("bubblewatch", appauthor=False))
