"""The LPPLS confidence indicator (Sornette et al. 2015): :func:`confidence`.

For each end date ``t2`` the model is fitted on every window ``[t2 − n + 1, t2]``
with ``n`` from ``min_window`` to ``max_window`` in steps of ``window_step``. The
positive indicator is the share of those windows whose fit qualifies under the
filter set's conditions with ``B < 0`` (an accelerating rise); the negative
indicator the share with ``B > 0``. ``definition="lppls"`` instead divides by
the number of fits with the same sign of B, as the ``lppls`` package does; on a
random walk that ratio can read above one half while the share of all windows
stays near zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch.detect._jit import threads
from bubblewatch.detect.lppls import _input, _search
from bubblewatch.detect.lppls.space import FilterSet, damping, filter_set, oscillations, qualifies
from bubblewatch.errors import SpecificationError

Definition = Literal["windows", "lppls"]
DEFINITIONS: tuple[Definition, ...] = ("windows", "lppls")

CHUNK = 64
"""End dates searched per kernel call (bounds memory and paces the progress bar)."""


@dataclass(frozen=True, eq=False)
class Confidence:
    """Positive and negative LPPLS confidence indicators with every window's fit.

    ``fits`` has one row per (end, window): its dates, parameters, diagnostics and
    whether it qualified. ``positive`` and ``negative`` are indexed by end date.
    """

    prices: pd.Series
    positive: pd.Series
    negative: pd.Series
    fits: pd.DataFrame
    filters: str
    definition: Definition
    windows: tuple[int, int, int]
    end_step: int
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)

    def tc_distribution(self, direction: str = "positive") -> pd.DataFrame:
        """Per end date: count and 10/50/90% quantiles of qualified fits' tc (dates or time)."""
        if direction not in ("positive", "negative"):
            raise SpecificationError(
                f"direction must be 'positive' or 'negative', got {direction!r}"
            )
        sign = self.fits["B"] < 0 if direction == "positive" else self.fits["B"] > 0
        chosen = self.fits[self.fits["qualified"] & sign]
        grouped = chosen.groupby("end")["tc_time"]
        table = pd.DataFrame(
            {
                "count": grouped.size(),
                "q10": grouped.quantile(0.1),
                "median": grouped.quantile(0.5),
                "q90": grouped.quantile(0.9),
            }
        ).reindex(self.positive.index)
        table["count"] = table["count"].fillna(0).astype(int)
        index = self.prices.index
        if isinstance(index, pd.DatetimeIndex):
            ends = index.get_indexer(table.index)
            starts = ends - self.windows[1] + 1
            for col in ("q10", "median", "q90"):
                table[col] = _input.to_dates(index, table[col].to_numpy(), starts, ends)
        return table

    @property
    def tc(self) -> pd.DataFrame:
        """The tc distribution of qualified positive-bubble fits (see :meth:`tc_distribution`)."""
        return self.tc_distribution("positive")

    def to_frame(self) -> pd.DataFrame:
        """Price, both indicators and the median tc of positive fits, one row per end date."""
        frame = pd.DataFrame(
            {
                "price": self.prices.reindex(self.positive.index),
                "positive": self.positive,
                "negative": self.negative,
            }
        )
        frame["tc_median"] = self.tc["median"]
        return frame

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary of the settings and the two indicators."""

        def label(v: Any) -> Any:
            return v.date().isoformat() if isinstance(v, pd.Timestamp) else v

        tc = self.tc["median"]
        return {
            "filters": self.filters,
            "definition": self.definition,
            "windows": {
                "min": self.windows[0],
                "max": self.windows[1],
                "step": self.windows[2],
            },
            "end_step": self.end_step,
            "seed": self.seed,
            "index": [label(v) for v in self.positive.index],
            "positive": [float(v) for v in self.positive],
            "negative": [float(v) for v in self.negative],
            "tc_median": [None if pd.isna(v) else label(v) for v in tc],
        }

    def figure(self) -> go.Figure:
        """The price above; the positive (red) and negative (green) indicators below."""
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06)
        fig.add_trace(
            go.Scatter(x=self.prices.index, y=self.prices.to_numpy(), name="price"), row=1, col=1
        )
        fig.add_trace(
            go.Scatter(
                x=self.positive.index,
                y=self.positive.to_numpy(),
                name="positive bubble confidence",
                line={"color": "firebrick"},
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=self.negative.index,
                y=self.negative.to_numpy(),
                name="negative bubble confidence",
                line={"color": "seagreen"},
            ),
            row=2,
            col=1,
        )
        fig.update_yaxes(type="log", row=1, col=1)
        fig.update_yaxes(range=[0, 1], row=2, col=1)
        fig.update_layout(
            template="plotly_white",
            height=480,
            margin={"l": 50, "r": 20, "t": 30, "b": 30},
            legend={"orientation": "h", "y": -0.1},
        )
        return fig


def window_lengths(min_window: int, max_window: int, window_step: int) -> np.ndarray:
    """Window lengths from ``max_window`` down by ``window_step`` to ``min_window``, ascending."""
    for name, value in (
        ("min_window", min_window),
        ("max_window", max_window),
        ("window_step", window_step),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise SpecificationError(f"{name} must be a positive integer, got {value!r}")
    if min_window > max_window:
        raise SpecificationError(
            f"min_window ({min_window}) must not exceed max_window ({max_window})"
        )
    return np.arange(max_window, min_window - 1, -window_step, dtype=np.int64)[::-1].copy()


def confidence(
    prices: Any,
    *,
    max_window: int | None = None,
    min_window: int | None = None,
    window_step: int | None = None,
    end_step: int = 1,
    since: Any = None,
    filters: str | FilterSet = "sornette2015",
    definition: Definition = "windows",
    workers: int | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Confidence:
    """LPPLS confidence indicators of ``prices`` at every ``end_step``-th end date.

    Window settings default to the filter set's (Sornette et al. 2015: 125 to 750
    observations in steps of 5). End dates run back from the last observation;
    ``since`` (a date, or an observation number) drops earlier ones. Every window
    keeps the best of its refined starts from one seeded global grid, so the
    result is identical for any ``workers`` and for repeated runs. ``progress`` is
    called with (end dates done, total).
    """
    chosen = filter_set(filters)
    if definition not in DEFINITIONS:
        raise SpecificationError(
            f"definition must be one of {', '.join(DEFINITIONS)}, got {definition!r}"
        )
    lo, hi, step = chosen.windows
    lengths = window_lengths(
        min_window if min_window is not None else lo,
        max_window if max_window is not None else hi,
        window_step if window_step is not None else step,
    )
    if isinstance(end_step, bool) or not isinstance(end_step, int | np.integer) or end_step < 1:
        raise SpecificationError(f"end_step must be a positive integer, got {end_step!r}")
    series = _input.as_prices(prices)
    n = len(series)
    _input.check_length(n, int(min_window if min_window is not None else lo), "min_window")
    if lengths[-1] > n:
        raise SpecificationError(
            f"max_window ({int(lengths[-1])}) is larger than the series ({n} observations)"
        )
    ends = np.arange(n - 1, int(lengths[-1]) - 2, -end_step, dtype=np.int64)[::-1].copy()
    ends = ends[ends >= _first_end(series.index, since)]
    if ends.size == 0:
        raise SpecificationError(f"no end date on or after {since!r} leaves room for the windows")
    logp = np.log(series.to_numpy())
    parts = []
    with threads(workers):
        for first in range(0, ends.size, CHUNK):
            chunk = ends[first : first + CHUNK]
            parts.append(
                _search.search(logp, chunk, lengths, chosen.search, _search.SCAN_GRID, seed)
            )
            if progress is not None:
                progress(min(first + CHUNK, ends.size), ends.size)
    theta = np.concatenate([p.theta for p in parts])
    beta = np.concatenate([p.beta for p in parts])
    sse = np.concatenate([p.sse for p in parts])
    error = np.concatenate([p.relative_error for p in parts])
    fits = _fits_frame(series, ends, lengths, theta, beta, sse, error, chosen)
    positive, negative = _indicators(fits, ends, lengths.size, definition, series.index)
    return Confidence(
        prices=series,
        positive=positive,
        negative=negative,
        fits=fits,
        filters=chosen.name,
        definition=definition,
        windows=(int(lengths[0]), int(lengths[-1]), int(window_step or step)),
        end_step=int(end_step),
        seed=seed,
        settings={"grid": _search.SCAN_GRID, "search": chosen.search},
    )


def _first_end(index: pd.Index, since: Any) -> int:
    if since is None:
        return 0
    if isinstance(index, pd.DatetimeIndex) and not isinstance(since, int | np.integer):
        try:
            stamp = pd.Timestamp(since)
        except (TypeError, ValueError) as exc:
            raise SpecificationError(f"since must be a date, got {since!r}") from exc
        return int(index.searchsorted(stamp))
    if isinstance(since, bool) or not isinstance(since, int | np.integer):
        raise SpecificationError(f"since must be an observation number, got {since!r}")
    return int(since)


def _fits_frame(
    series: pd.Series,
    ends: np.ndarray,
    lengths: np.ndarray,
    theta: np.ndarray,
    beta: np.ndarray,
    sse: np.ndarray,
    error: np.ndarray,
    chosen: FilterSet,
) -> pd.DataFrame:
    t2 = np.repeat(ends, lengths.size).astype(float)
    n = np.tile(lengths, ends.size)
    t1 = t2 - n + 1
    tau, m, omega = (theta[..., i].ravel() for i in range(3))
    a, b, c1, c2 = (beta[..., i].ravel() for i in range(4))
    c = np.hypot(c1, c2)
    tc = t2 + tau
    err = error.ravel()
    ok = qualifies(
        chosen.conditions, tc=tc, m=m, omega=omega, t1=t1, t2=t2, b=b, c=c, relative_error=err
    )
    ok &= np.isfinite(sse.ravel())
    index = series.index
    return pd.DataFrame(
        {
            "end": index[t2.astype(int)],
            "window": n,
            "start": index[t1.astype(int)],
            "tc": _input.to_dates(index, tc, t1, t2),
            "tc_time": tc,
            "m": m,
            "omega": omega,
            "A": a,
            "B": b,
            "C": c,
            "damping": damping(m, omega, b, c),
            "oscillations": oscillations(omega, tc, t1, t2),
            "relative_error": err,
            "sse": sse.ravel(),
            "qualified": ok,
        }
    )


def _indicators(
    fits: pd.DataFrame, ends: np.ndarray, per_end: int, definition: Definition, index: pd.Index
) -> tuple[pd.Series, pd.Series]:
    b = fits["B"].to_numpy().reshape(ends.size, per_end)
    ok = fits["qualified"].to_numpy().reshape(ends.size, per_end)
    pos = (ok & (b < 0)).sum(axis=1).astype(float)
    neg = (ok & (b > 0)).sum(axis=1).astype(float)
    if definition == "windows":
        pos /= per_end
        neg /= per_end
    else:
        n_pos = (b < 0).sum(axis=1)
        n_neg = (b > 0).sum(axis=1)
        pos = np.divide(pos, n_pos, out=np.zeros_like(pos), where=n_pos > 0)
        neg = np.divide(neg, n_neg, out=np.zeros_like(neg), where=n_neg > 0)
    labels = index[ends]
    return (
        pd.Series(pos, index=labels, name="positive"),
        pd.Series(neg, index=labels, name="negative"),
    )
