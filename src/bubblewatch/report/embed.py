"""How the report's charts reach the page: plotly.js packed once, each figure as JSON data.

The page carries the plotly.js of the installed ``plotly`` package (what
:func:`plotly.offline.get_plotlyjs` returns, so the figures' JSON always matches the library
that draws them) gzip-compressed and base64-encoded: about 2 MB of text instead of 4.8 MB. The
page's script (``charts.js``) decodes it with the browser's ``DecompressionStream``, runs it as
an inline script (no URL, so no request, offline or not), then draws every figure from its
``<script type="application/json">`` block: no figure can be drawn before Plotly exists. Each
chart is fitted to the width it has (titles wrapped, legend in rows under the plot at narrow
widths) and redrawn on resize and for print (:data:`CHART_CSS` keeps it within the page).

A bundle cut down to the trace types in use would be smaller still, but needs Node to build
and goes stale when a chart adds a trace type; compressing the package's own bundle needs only
the Python standard library.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import Any

from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

CHART_CSS = """
.charts{max-width:100%}
.chart{width:100%;max-width:100%;margin:.5rem 0;overflow:hidden}
@media print{.chart{break-inside:avoid;page-break-inside:avoid}}
"""
"""Chart containers: never wider than their block; a chart is not split across printed pages."""


@cache
def plotly_gzip() -> bytes:
    """The package's plotly.js, gzip-compressed (deterministic: no timestamp in the header)."""
    return gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)


@cache
def _charts_js() -> str:
    return files("bubblewatch.report").joinpath("charts.js").read_text(encoding="utf-8")


def figure_json(fig: Any) -> str:
    """``fig`` (a Plotly figure or its ``to_plotly_json()``) as JSON safe inside a ``<script>``
    block (every ``<`` escaped)."""
    spec = fig if isinstance(fig, dict) else fig.to_plotly_json()
    text = json.dumps(spec, cls=PlotlyJSONEncoder, separators=(",", ":"))
    return text.replace("<", "\\u003c")


def _height(spec: dict[str, Any]) -> int:
    """The figure's height in px (Plotly's default 450 when unset), reserved before it is drawn
    so the page does not shift under a reader who follows a link while charts load."""
    height = spec.get("layout", {}).get("height")
    return int(height) if isinstance(height, int | float) and height > 0 else 450


def charts_html(section_id: str, figures: Sequence[Any]) -> str:
    """The section's charts: ``<div class="charts" id="chart-<section>">`` holding one
    ``<div class="chart" id="chart-<section>-<i>">`` and JSON data block per figure."""
    if not figures:
        return ""
    parts = []
    for i, fig in enumerate(figures):
        div = f"chart-{section_id}-{i}"
        spec = fig if isinstance(fig, dict) else fig.to_plotly_json()
        parts.append(
            f'<div class="chart" id="{div}" style="min-height:{_height(spec)}px"></div>'
            f'<script type="application/json" class="figure-data" data-chart="{div}">'
            f"{figure_json(spec)}</script>"
        )
    return f'<div class="charts" id="chart-{section_id}">{"".join(parts)}</div>'


def plotly_script() -> str:
    """The packed plotly.js and the script that unpacks it and draws the charts (end of body)."""
    packed = base64.b64encode(plotly_gzip()).decode("ascii")
    return (
        '<script type="application/gzip;base64" id="plotly-js-gz">'
        f"{packed}</script><script>{_charts_js()}</script>"
    )
