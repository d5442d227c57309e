"""Compact console and notebook summaries of a result, a report section and the assessment.

A text summary stays under :data:`TEXT_LIMIT` characters and an HTML one under
:data:`HTML_LIMIT`: the reading, the first few key figures and how many more there are (the
whole content is in ``summary()``, ``to_dict()`` and the rendered report).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol

TEXT_LIMIT = 2000
HTML_LIMIT = 12_000
FIGURES_SHOWN = 8


class Figure(Protocol):
    """What a summary shows of a key figure."""

    @property
    def label(self) -> str: ...

    @property
    def display(self) -> str: ...


def clip(text: object, limit: int) -> str:
    """``text`` on one line, cut at ``limit`` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def count(n: int, noun: str) -> str:
    """``count(1, "chart") == "1 chart"``, ``count(2, "chart") == "2 charts"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def text_card(head: str, reading: str, figures: Sequence[Figure], tail: str = "") -> str:
    """A few lines: heading, reading, the first key figures, a closing line."""
    lines = [clip(head, 200), clip(reading, 600)]
    lines += [f"  {clip(f'{f.label}: {f.display}', 120)}" for f in figures[:FIGURES_SHOWN]]
    if len(figures) > FIGURES_SHOWN:
        lines.append(f"  … and {count(len(figures) - FIGURES_SHOWN, 'more figure')}")
    if tail:
        lines.append(clip(tail, 200))
    return clip_text("\n".join(lines))


def clip_text(text: str) -> str:
    """``text`` cut below :data:`TEXT_LIMIT` characters."""
    return text if len(text) < TEXT_LIMIT else text[: TEXT_LIMIT - 2] + "…"


def esc(text: object) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def html_card(title: str, subtitle: str, reading: str, figures: Sequence[Figure], tail: str) -> str:
    """An HTML block: title, subtitle, reading, a table of the first key figures, a closing line."""
    rows = "".join(
        f'<tr><td style="text-align:left">{esc(clip(f.label, 120))}</td>'
        f'<td style="text-align:right;white-space:nowrap">{esc(clip(f.display, 60))}</td></tr>'
        for f in figures[:FIGURES_SHOWN]
    )
    more = len(figures) - FIGURES_SHOWN
    if more > 0:
        rows += f'<tr><td colspan="2">… and {esc(count(more, "more figure"))}</td></tr>'
    return (
        f'<div class="bubblewatch-summary"><strong>{esc(clip(title, 200))}</strong> '
        f'<span style="color:#666">{esc(clip(subtitle, 200))}</span>'
        f"<p>{esc(clip(reading, 1200))}</p><table>{rows}</table>"
        f'<p style="color:#666">{esc(clip(tail, 300))}</p></div>'
    )
