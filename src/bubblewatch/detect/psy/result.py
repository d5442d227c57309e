"""The immutable result of :func:`bubblewatch.detect.psy.test`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch._typing import LagSelection

if TYPE_CHECKING:
    from bubblewatch.detect.psy.critical import CriticalValues
    from bubblewatch.detect.psy.dating import DateStamp


def _label(value: Any) -> str:
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def plot_x(labels: pd.Index) -> pd.Index:
    """Index labels Plotly can draw: periods become their start timestamps."""
    return labels.to_timestamp() if isinstance(labels, pd.PeriodIndex) else labels


def _point(label: Any) -> Any:
    return label.to_timestamp() if isinstance(label, pd.Period) else label


EPISODE_COLOURS = {"positive": "rgba(214,39,40,0.18)", "negative": "rgba(31,119,180,0.18)"}
"""Fill of a shaded episode: red when positive (exuberance), blue when negative (collapse)."""


def episode_spans(table: pd.DataFrame, last: Any) -> list[tuple[Any, Any, str]]:
    """``(start, end, fill colour)`` of each episode of a date-stamp table, ready to plot.

    An ongoing episode runs up to ``last``, the series' final label.
    """
    spans = []
    for ep in table.itertuples():
        end = last if pd.isna(ep.termination) else ep.termination
        colour = EPISODE_COLOURS["positive" if ep.direction == "positive" else "negative"]
        spans.append((_point(ep.origination), _point(end), colour))
    return spans


def shade_episodes(
    fig: go.Figure, table: pd.DataFrame, last: Any, row: int | None = None, col: int | None = None
) -> None:
    """Shade each episode of a date-stamp table: red when positive, blue when negative.

    An ongoing episode is shaded up to ``last``, the series' final label.
    """
    where = {} if row is None else {"row": row, "col": col}
    for x0, x1, colour in episode_spans(table, last):
        fig.add_vrect(x0=x0, x1=x1, fillcolor=colour, line_width=0, **where)


@dataclass(frozen=True, eq=False)
class PSYResult:
    """ADF, SADF and GSADF statistics with their BADF and BSADF sequences.

    ``badf`` and ``bsadf`` are labelled by the input's index at the end of each
    window (see :mod:`bubblewatch.detect.psy.stats` for the conventions).
    Combine with :class:`~bubblewatch.detect.psy.critical.CriticalValues` made
    for the same ``nobs``, ``min_window``, ``lags`` and ``lag_selection``.
    """

    adf: float
    sadf: float
    gsadf: float
    badf: pd.Series
    bsadf: pd.Series
    series: pd.Series
    min_window: int
    lags: int
    lag_selection: LagSelection | None
    nobs: int
    name: str | None = None

    null_hypothesis: ClassVar[str] = "a unit root (random walk) throughout the sample"
    alternative: ClassVar[str] = "a mildly explosive root in some sub-sample (a bubble)"

    @property
    def lag_rule(self) -> str:
        """The lag specification in words, e.g. ``"0"`` or ``"≤4 by BIC"``."""
        if self.lag_selection is None:
            return str(self.lags)
        return f"≤{self.lags} by {self.lag_selection.upper()}"

    def summary(self, cv: CriticalValues | None = None) -> str:
        """A plain-text table of the statistics, with critical values if given."""
        title = f"PSY explosive-root tests: {self.name or 'series'}"
        head = f"T = {self.nobs}, minimum window = {self.min_window} rows, lags = {self.lag_rule}"
        lines = [title, head, f"H0: {self.null_hypothesis}", f"H1: {self.alternative}", ""]
        if cv is None:
            for key in ("adf", "sadf", "gsadf"):
                lines.append(f"{key.upper():>6} {getattr(self, key):9.4f}")
            return "\n".join(lines)
        cv.check(self)
        lines.append(f"{'':>6} {'stat':>9} {'90%':>8} {'95%':>8} {'99%':>8} {'p':>7}")
        for key in ("adf", "sadf", "gsadf"):
            crit = getattr(cv, key)
            p = f"{cv.pvalue(getattr(self, key), key):7.3f}" if key != "adf" else ""
            lines.append(
                f"{key.upper():>6} {getattr(self, key):9.4f} "
                + " ".join(f"{crit[k]:8.4f}" for k in ("90%", "95%", "99%"))
                + f" {p}"
            )
        lines.append(f"critical values: {cv.describe()}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The series with its BADF and BSADF sequences, one row per date."""
        frame = pd.DataFrame({"value": self.series})
        frame["badf"] = self.badf
        frame["bsadf"] = self.bsadf
        return frame

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary of statistics, settings and sequences."""
        return {
            "name": self.name,
            "nobs": self.nobs,
            "min_window": self.min_window,
            "lags": self.lags,
            "lag_selection": self.lag_selection,
            "adf": self.adf,
            "sadf": self.sadf,
            "gsadf": self.gsadf,
            "index": [_label(i) for i in self.bsadf.index],
            "badf": [_num(v) for v in self.badf],
            "bsadf": [_num(v) for v in self.bsadf],
        }

    def figure(
        self,
        cv: CriticalValues | None = None,
        episodes: DateStamp | None = None,
        *,
        level: str = "95%",
    ) -> go.Figure:
        """The series above, BSADF against its critical-value sequence below."""
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06)
        x_all, x_seq = plot_x(self.series.index), plot_x(self.bsadf.index)
        fig.add_trace(
            go.Scatter(x=x_all, y=self.series.to_numpy(), name=self.name or "series"), row=1, col=1
        )
        fig.add_trace(go.Scatter(x=x_seq, y=self.bsadf.to_numpy(), name="BSADF"), row=2, col=1)
        if cv is not None:
            cv.check(self)
            rule = episodes.rule if episodes is not None else "pointwise"
            seq = cv.sequence(rule)[level].to_numpy()
            fig.add_trace(
                go.Scatter(
                    x=x_seq,
                    y=seq,
                    name=f"{level} critical value ({rule})",
                    line={"dash": "dash"},
                ),
                row=2,
                col=1,
            )
        if episodes is not None:
            shade_episodes(fig, episodes.table, self.series.index[-1])
        fig.update_layout(
            template="plotly_white",
            height=520,
            margin={"l": 50, "r": 20, "t": 30, "b": 30},
            legend={"orientation": "h", "y": -0.08},
        )
        return fig
