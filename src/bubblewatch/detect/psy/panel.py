"""Panel GSADF/BSADF for a group of series, with sieve-bootstrap critical values.

The panel BSADF at each date is the cross-sectional mean of the members'
BSADF statistics and the panel GSADF its maximum (Pavlidis, Yusupova, Paya,
Peel, Martínez-García, Mack & Grossman 2016, *J. Real Estate Finance and
Economics* 53, eqs. 4–5). Critical values come from the sieve bootstrap of
Pedersen & Schütte (2020, *J. Empirical Finance* 58, 207–225): each member's
null ``Δy_it = α_i + Σ φ_ij Δy_{i,t−j} + e_it`` is fitted by OLS; residuals are
centred and resampled *by common time index*, which keeps the cross-sectional
dependence; ``Δy*`` is rebuilt by the fitted AR recursion (without drift) from
the data's first ``lags`` differences and cumulated from the data's first level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.detect.psy import _kernels
from bubblewatch.detect.psy._design import FloatArray, design_many
from bubblewatch.detect.psy._input import as_frame, make_spec
from bubblewatch.detect.psy.critical import (
    CHUNK,
    LABELS,
    Progress,
    _check_reps,
    _quantiles,
    _resolve_seed,
    _sequence,
    null_ar,
)
from bubblewatch.detect.psy.dating import DateStamp, _level_label, default_min_duration, episodes
from bubblewatch.detect.psy.result import PSYResult, _label, _num, plot_x
from bubblewatch.detect.psy.stats import test
from bubblewatch.errors import SpecificationError


@dataclass(frozen=True, eq=False)
class PanelResult:
    """Panel BSADF sequence and panel GSADF, with each member's own result."""

    bsadf: pd.Series
    gsadf: float
    members: dict[str, PSYResult]
    min_window: int
    lags: int
    nobs: int

    @property
    def level(self) -> pd.Series:
        """The members' mean level, each rebased to 1 at the start (for plots and directions)."""
        frame = pd.DataFrame({k: r.series / r.series.iloc[0] for k, r in self.members.items()})
        return frame.mean(axis=1)

    def summary(self, cv: PanelCriticalValues | None = None) -> str:
        """Panel GSADF with critical values if given, and each member's GSADF."""
        lines = [
            f"Panel GSADF over {len(self.members)} series: T = {self.nobs}, "
            f"minimum window = {self.min_window}, lags = {self.lags}",
            f"panel GSADF {self.gsadf:.4f}",
        ]
        if cv is not None:
            cv.check(self)
            lines.append(
                "critical values (sieve bootstrap, "
                f"{cv.reps} reps, seed {cv.seed}): "
                + ", ".join(f"{k} {cv.gsadf[k]:.4f}" for k in LABELS)
                + f"; p = {cv.pvalue(self.gsadf):.3f}"
            )
        for name, r in self.members.items():
            lines.append(f"  {name:<12} GSADF {r.gsadf:8.4f}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Panel BSADF beside each member's BSADF."""
        frame = pd.DataFrame({k: r.bsadf for k, r in self.members.items()})
        frame.insert(0, "panel", self.bsadf)
        return frame

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary."""
        return {
            "nobs": self.nobs,
            "min_window": self.min_window,
            "lags": self.lags,
            "gsadf": self.gsadf,
            "index": [_label(i) for i in self.bsadf.index],
            "bsadf": [_num(v) for v in self.bsadf],
            "members": {k: r.gsadf for k, r in self.members.items()},
        }

    def figure(self, cv: PanelCriticalValues | None = None, *, level: str = "95%") -> go.Figure:
        """Panel BSADF against its critical-value sequence."""
        x = plot_x(self.bsadf.index)
        fig = go.Figure(go.Scatter(x=x, y=self.bsadf.to_numpy(), name="panel BSADF"))
        if cv is not None:
            cv.check(self)
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=cv.bsadf[level].to_numpy(),
                    name=f"{level} critical value",
                    line={"dash": "dash"},
                )
            )
        fig.update_layout(template="plotly_white", height=360)
        return fig


@dataclass(frozen=True, eq=False)
class PanelCriticalValues:
    """Sieve-bootstrap critical values of the panel GSADF and BSADF sequence."""

    nobs: int
    min_window: int
    lags: int
    members: tuple[str, ...]
    reps: int
    seed: int
    gsadf: dict[str, float]
    bsadf: pd.DataFrame
    gsadf_draws: FloatArray = field(repr=False)

    def check(self, result: PanelResult) -> None:
        """Raise unless these values were made for ``result``'s panel and specification."""
        mine = (self.nobs, self.min_window, self.lags, self.members)
        theirs = (result.nobs, result.min_window, result.lags, tuple(result.members))
        if mine != theirs:
            raise SpecificationError(
                "panel critical values do not match the result: made for "
                f"T={mine[0]}, min_window={mine[1]}, lags={mine[2]}, series={list(mine[3])}; "
                f"the result has T={theirs[0]}, min_window={theirs[1]}, lags={theirs[2]}, "
                f"series={list(theirs[3])}"
            )

    def pvalue(self, statistic: float) -> float:
        """Bootstrap p-value of a panel GSADF statistic."""
        return float(
            (1 + np.count_nonzero(self.gsadf_draws >= statistic)) / (self.gsadf_draws.size + 1)
        )

    def to_frame(self) -> pd.DataFrame:
        """The panel BSADF critical-value sequence."""
        return self.bsadf.copy()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary."""
        return {
            "nobs": self.nobs,
            "min_window": self.min_window,
            "lags": self.lags,
            "members": list(self.members),
            "reps": self.reps,
            "seed": self.seed,
            "gsadf": self.gsadf,
            "bsadf": self.bsadf.to_dict(orient="list"),
        }

    def summary(self) -> str:
        """The panel GSADF critical values in one line."""
        return (
            f"panel GSADF critical values ({self.reps} sieve-bootstrap reps, seed {self.seed}): "
            + ", ".join(f"{k} {self.gsadf[k]:.4f}" for k in LABELS)
        )


def panel_test(data: Any, *, min_window: int | float | None = None, lags: int = 0) -> PanelResult:
    """Panel GSADF of the columns of ``data`` (aligned, no missing values).

    Each column is tested with :func:`bubblewatch.detect.psy.test` under the
    same window and lags; the panel BSADF is their cross-sectional mean.
    """
    frame = as_frame(data)
    spec = make_spec(len(frame), min_window, lags, None)
    members = {
        c: test(frame[c].rename(c), min_window=spec.min_window, lags=spec.lags)
        for c in frame.columns
    }
    stacked = pd.DataFrame({c: r.bsadf for c, r in members.items()})
    bsadf = stacked.mean(axis=1).rename("panel_bsadf")
    return PanelResult(
        bsadf=bsadf,
        gsadf=float(bsadf.max()),
        members=members,
        min_window=spec.min_window,
        lags=spec.lags,
        nobs=spec.nobs,
    )


def _sieve_paths(values: FloatArray, lags: int) -> tuple[Any, int]:
    fits = [null_ar(values[:, i], lags, None) for i in range(values.shape[1])]
    phis = np.array([f[0] for f in fits]).reshape(values.shape[1], lags)
    resid = np.column_stack([f[1] for f in fits])  # (rows, members)
    dy = np.diff(values, axis=0)

    def make(rng: np.random.Generator, count: int) -> FloatArray:
        picks = rng.integers(0, resid.shape[0], size=(count, dy.shape[0]))
        shocks = resid[picks]  # (count, T-1, members): one time index for all members
        steps = np.empty_like(shocks)
        steps[:, :lags, :] = dy[:lags]
        for t in range(lags, dy.shape[0]):
            steps[:, t, :] = shocks[:, t, :]
            for j in range(lags):
                steps[:, t, :] += phis[:, j] * steps[:, t - 1 - j, :]
        paths = np.empty((count, values.shape[1], values.shape[0]))
        paths[:, :, 0] = values[0]
        paths[:, :, 1:] = values[0][None, :, None] + np.cumsum(steps, axis=1).transpose(0, 2, 1)
        return paths

    return make, values.shape[1]


def panel_critical_values(
    data: Any,
    *,
    min_window: int | float | None = None,
    lags: int = 0,
    reps: int = 500,
    seed: int | None = None,
    progress: Progress | None = None,
) -> PanelCriticalValues:
    """Sieve-bootstrap critical values for :func:`panel_test` on ``data``."""
    frame = as_frame(data)
    spec = make_spec(len(frame), min_window, lags, None)
    reps = _check_reps(reps)
    chosen = _resolve_seed(seed)
    make, members = _sieve_paths(frame.to_numpy(), spec.lags)
    rng = np.random.default_rng(chosen)
    widths = np.array([spec.min_window], dtype=np.int64)
    last = np.array([spec.rows - 1], dtype=np.int64)
    offsets = np.zeros(1, dtype=np.int64)
    panel = np.empty((reps, spec.points))
    for start in range(0, reps, CHUNK):
        count = min(CHUNK, reps - start)
        paths = make(rng, count).reshape(count * members, spec.nobs)
        dep, regs = design_many(paths, spec.lags)
        _, bsadf = _kernels.sweep_many(
            dep, regs, widths, last, offsets, _kernels.FIXED, spec.points
        )
        panel[start : start + count] = bsadf.reshape(count, members, spec.points).mean(axis=1)
        if progress is not None:
            progress(count)
    draws = np.sort(panel.max(axis=1))
    return PanelCriticalValues(
        nobs=spec.nobs,
        min_window=spec.min_window,
        lags=spec.lags,
        members=tuple(frame.columns),
        reps=reps,
        seed=chosen,
        gsadf=_quantiles(draws),
        bsadf=_sequence(panel),
        gsadf_draws=draws,
    )


def panel_datestamp(
    result: PanelResult,
    cv: PanelCriticalValues,
    level: float | str = 0.95,
    min_duration: int | None = None,
) -> DateStamp:
    """Date the panel's explosive episodes (panel BSADF above its pointwise critical value)."""
    cv.check(result)
    label = _level_label(level)
    duration = default_min_duration(result.nobs) if min_duration is None else int(min_duration)
    if duration < 1:
        raise SpecificationError(f"min_duration must be a positive integer, got {min_duration!r}")
    table = episodes(
        result.bsadf.to_numpy(),
        cv.bsadf[label].to_numpy(),
        result.bsadf.index,
        result.level.to_numpy(),
        duration,
    )
    return DateStamp(
        table=table,
        level=label,
        rule="pointwise",
        statistic="bsadf",
        min_duration=duration,
        name="panel",
    )
