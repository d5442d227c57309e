"""Helpers shared by the financing arguments (``circularity``, ``funding``, ``credit``)."""

from __future__ import annotations

from collections.abc import Iterable

LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 30, "t": 50, "b": 40}}

NAME = r"\s*[^,=\s][^,=]*"
"""A knob holding one name."""
NAMES = r"\s*[^,=\s][^,=]*(\s*,\s*[^,=\s][^,=]*)*\s*"
"""A knob holding one or more names separated by commas."""
ASSIGNMENTS = r"\s*[^,=\s][^,=]*=[^,=]+(\s*,\s*[^,=\s][^,=]*=[^,=]+)*\s*"
"""A knob holding ``NAME=NUMBER`` pairs separated by commas."""


def names(text: str) -> tuple[str, ...]:
    """``"Microsoft, Amazon"`` -> ``("Microsoft", "Amazon")``."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def ids(*groups: Iterable[object]) -> tuple[str, ...]:
    """The non-empty source ids of ``groups``, once each, in first-seen order."""
    out: dict[str, None] = {}
    for group in groups:
        for sid in group:
            if isinstance(sid, str) and sid:
                out.setdefault(sid, None)
    return tuple(out)
