"""The house style of every chart, and the standard a chart must meet to stand alone.

A chart in the report or the dashboard states its finding in the title, names each axis with its
unit, names every mark it draws in the legend (critical values, shading and thresholds included),
orders date axes by date and shows whole years as whole years. :func:`chart_problems` checks a
Plotly figure against that standard; the tests run it over every argument's charts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 64, "r": 24, "t": 72, "b": 48},
    "legend": {
        "orientation": "h",
        "yref": "container",
        "y": 0,
        "yanchor": "bottom",
        "x": 0,
        "xanchor": "left",
    },
    "font": {"size": 12},
    "title": {"x": 0, "xanchor": "left", "font": {"size": 15}},
}
"""The base layout: white template, title left-aligned, legend in rows at the foot of the figure
(anchored to the figure, not the plot, so it never covers the x axis title)."""

CLAIM_COLOUR = "#c0392b"
REFERENCE_COLOUR = "#555555"


def style(
    fig: go.Figure,
    *,
    title: str,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = 420,
) -> go.Figure:
    """Apply :data:`LAYOUT`, the finding as title and the axis titles (every axis when given)."""
    fig.update_layout(**LAYOUT, height=height)
    fig.update_layout(title={"text": title})
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def year_axis(fig: go.Figure, first: int, last: int, **where: Any) -> go.Figure:
    """Whole years on the x axis: a tick every 1, 2, 5, 10, 20 or 50 years, at most ten ticks."""
    span = max(last - first, 1)
    step = next((s for s in (1, 2, 5, 10, 20, 50) if span / s <= 10), 100)
    fig.update_xaxes(tickformat="d", tick0=first - first % step, dtick=step, **where)
    return fig


def quarter_axis(fig: go.Figure, **where: Any) -> go.Figure:
    """A date axis whose labels read as months, quarters or years as the width allows, each
    centred on its period, so they never collide."""
    fig.update_xaxes(
        type="date",
        ticklabelmode="period",
        tickformatstops=[
            {"dtickrange": [None, "M2"], "value": "%b %Y"},
            {"dtickrange": ["M3", "M3"], "value": "Q%q %Y"},
            {"dtickrange": ["M6", None], "value": "%Y"},
        ],
        **where,
    )
    return fig


def reference_line(
    fig: go.Figure,
    y: float,
    name: str,
    *,
    colour: str = REFERENCE_COLOUR,
    dash: str = "dash",
    row: int | None = None,
    col: int | None = None,
    legendgroup: str | None = None,
    showlegend: bool = True,
) -> go.Figure:
    """A horizontal line across the plot at ``y``, named in the legend (a threshold, a claim)."""
    kwargs: dict[str, Any] = {} if row is None else {"row": row, "col": col}
    fig.add_hline(
        y=y,
        line={"color": colour, "dash": dash, "width": 1.5},
        name=name,
        showlegend=showlegend,
        legendgroup=legendgroup or name,
        **kwargs,
    )
    return fig


def claimed_line(
    fig: go.Figure,
    y: float,
    claim_id: str,
    label: str,
    *,
    row: int | None = None,
    col: int | None = None,
) -> go.Figure:
    """The debate's claimed figure as a named line with its claim id (``"Claimed: $1.4tn (C26)"``)."""
    return reference_line(
        fig, y, f"Claimed: {label} ({claim_id})", colour=CLAIM_COLOUR, dash="dot", row=row, col=col
    )


def shade(
    fig: go.Figure,
    x0: Any,
    x1: Any,
    name: str,
    *,
    colour: str = "rgba(192,57,43,0.15)",
    row: int | None = None,
    col: int | None = None,
    showlegend: bool = True,
) -> go.Figure:
    """A shaded vertical band from ``x0`` to ``x1`` (an episode), named in the legend once per
    ``name`` (later bands of the same name join its legend group)."""
    kwargs: dict[str, Any] = {} if row is None else {"row": row, "col": col}
    fig.add_vrect(
        x0=x0,
        x1=x1,
        fillcolor=colour,
        line_width=0,
        layer="below",
        name=name,
        legendgroup=name,
        showlegend=showlegend,
        **kwargs,
    )
    return fig


# ---------------------------------------------------------------------------------------------
# The standard


_PERIOD = re.compile(r"^\d{4}(?:[-/ ]?(?:Q[1-4]|H[12]|\d{2}(?:[-/]\d{2})?))?$")


def _axes(layout: Any, letter: str) -> Iterator[tuple[str, Any]]:
    for name in layout:
        if re.fullmatch(f"{letter}axis\\d*", name) and layout[name] is not None:
            yield name, layout[name]


def _axis_ref(trace: Any, letter: str) -> str:
    ref = getattr(trace, f"{letter}axis", None) or letter
    return f"{letter}axis" + ref[1:]


def _title_text(obj: Any) -> str:
    title = getattr(obj, "title", None)
    text = getattr(title, "text", None) if title is not None else None
    return str(text or "").strip()


def _values(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, np.ndarray | pd.Series | pd.Index):
        return list(v)
    if isinstance(v, tuple | list):
        return list(v)
    return []


def _looks_like_year(values: Iterable[Any]) -> bool:
    xs = [v for v in values if isinstance(v, int | float | np.integer | np.floating)]
    if not xs:
        return False
    arr = np.asarray(xs, dtype=float)
    arr = arr[np.isfinite(arr)]
    return (
        bool(arr.size)
        and bool(np.all(arr == np.round(arr)))
        and bool(np.all((arr >= 1800) & (arr <= 2200)))
    )


def _whole(dtick: Any) -> bool:
    try:
        return float(dtick) >= 1 and float(dtick) == int(float(dtick))
    except (TypeError, ValueError):
        return False


def chart_problems(fig: go.Figure) -> list[str]:
    """What keeps ``fig`` from standing alone; empty when it meets the standard.

    Checked: a title; a title on every axis a trace is drawn on; a name for every trace and
    every shape, and a legend entry for each (a trace may share the legend group of one that has
    it; a figure of a single trace and no shapes needs no legend); period labels on a category
    axis in date order; whole-year axes ticked at whole years only (:func:`year_axis`).
    """
    problems: list[str] = []
    layout = fig.layout
    if not _title_text(layout):
        problems.append("no title")
    traces = list(fig.data)
    shapes = list(layout.shapes or ())
    used: dict[str, list[Any]] = {}
    for trace in traces:
        if trace.type in ("pie", "table", "sankey", "indicator"):
            continue
        for letter in ("x", "y"):
            used.setdefault(_axis_ref(trace, letter), []).append(trace)
    for axis_name, axis_traces in used.items():
        axis = layout[axis_name]
        if axis is not None and axis.visible is False:
            continue
        letter = axis_name[0]
        is_heatmap_cat = all(t.type == "heatmap" for t in axis_traces)
        if not _title_text(axis) and not is_heatmap_cat:
            problems.append(f"{axis_name} has no title")
        values = [v for t in axis_traces for v in _values(getattr(t, letter, None))]
        if (
            values
            and all(isinstance(v, str) for v in values)
            and all(_PERIOD.match(v) for v in values)
        ):
            order = (
                list(axis.categoryarray)
                if axis is not None and axis.categoryorder == "array" and axis.categoryarray
                else list(dict.fromkeys(values))
            )
            if order != sorted(order):
                problems.append(f"{axis_name}: period categories out of date order")
        year_format = axis is not None and (
            axis.type == "category"
            or (
                axis.tickformat in ("d", ".0f")
                and (axis.tickvals is not None or _whole(axis.dtick))
            )
        )
        if _looks_like_year(values) and not year_format:
            problems.append(f"{axis_name}: whole years need tickformat 'd' and a whole dtick")
    shown_groups = {
        t.legendgroup for t in traces if t.showlegend is not False and t.legendgroup
    } | {s.legendgroup for s in shapes if s.showlegend and s.legendgroup}
    single = len(traces) == 1 and not shapes
    for i, trace in enumerate(traces):
        if trace.type == "table":
            continue
        name = str(trace.name or "").strip()
        if not name and not single:
            problems.append(f"trace {i} ({trace.type}) has no name")
        in_group = bool(trace.legendgroup) and trace.legendgroup in shown_groups
        if trace.showlegend is False and not single and not in_group:
            problems.append(f"trace {i} ({name or trace.type}) is not in the legend")
    for i, shape in enumerate(shapes):
        name = str(shape.name or "").strip()
        if not name:
            problems.append(f"shape {i} ({shape.type}) has no name")
        if not shape.showlegend and not (shape.legendgroup and shape.legendgroup in shown_groups):
            problems.append(f"shape {i} ({name or shape.type}) is not in the legend")
    if layout.showlegend is False and not single:
        problems.append("legend hidden on a figure with several marks")
    return problems
