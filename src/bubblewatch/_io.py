"""Atomic file output: write beside the target, then rename, so no half-written file remains."""

from __future__ import annotations

import os
from pathlib import Path

from bubblewatch.errors import InputPathError


def check_writable(path: Path) -> None:
    """Fail before long work when ``path`` could not be written: its directory is missing, is
    not a directory, or is not writable (the write itself still reports any later failure)."""
    parent = path.parent
    if not parent.is_dir():
        raise InputPathError(f"cannot write {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputPathError(f"cannot write {path}: directory {parent} is not writable")
    if path.is_dir():
        raise InputPathError(f"cannot write {path}: it is a directory")


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same directory.

    Raises
    ------
    InputPathError
        If the directory does not exist or the file cannot be written.
    """
    parent = path.parent
    if not parent.is_dir():
        raise InputPathError(f"cannot write {path}: directory {parent} does not exist")
    tmp = parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise InputPathError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path
