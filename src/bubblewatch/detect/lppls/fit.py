"""One LPPLS fit: :func:`fit` and its immutable result, :class:`LPPLSFit`.

The log-periodic power law singularity model (Johansen, Ledoit & Sornette 2000)
in the form of Filimonov & Sornette (2013, eq. 8):

    ln p(t) = A + B |tc − t|^m + C1 |tc − t|^m cos(ω ln|tc − t|) + C2 |tc − t|^m sin(ω ln|tc − t|),

with ``C1 = C cos φ`` and ``C2 = C sin φ``. ``B < 0`` is a positive (upward,
faster-than-exponential) bubble, ``B > 0`` a negative one. Time is counted in
observations; ``|tc − t|`` lets a search space place tc a little before the
window's end, as Sornette et al. (2015) do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.detect.lppls import _input, _search
from bubblewatch.detect.lppls.space import FilterSet, damping, filter_set, oscillations, qualifies


def _label(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value if isinstance(value, int | str) else str(value)


@dataclass(frozen=True, eq=False)
class LPPLSFit:
    """The best LPPLS fit of one window, with its filter verdict.

    ``tc`` is a date when the prices carry dates, else observation time;
    ``tc_time`` is always observation time (0 = the first price).
    """

    prices: pd.Series
    tc: Any
    tc_time: float
    m: float
    omega: float
    A: float
    B: float
    C1: float
    C2: float
    sse: float
    relative_error: float
    filters: str
    qualified: bool
    seed: int

    @property
    def C(self) -> float:  # noqa: N802 - the paper's notation
        """Amplitude of the log-periodic term, ``√(C1² + C2²)``."""
        return math.hypot(self.C1, self.C2)

    @property
    def phi(self) -> float:
        """Phase φ with ``C1 = C cos φ``, ``C2 = C sin φ`` (radians)."""
        return math.atan2(self.C2, self.C1)

    @property
    def nobs(self) -> int:
        return len(self.prices)

    @property
    def damping(self) -> float:
        """``m|B| / (ω|C|)``."""
        return float(
            damping(np.array(self.m), np.array(self.omega), np.array(self.B), np.array(self.C))
        )

    @property
    def oscillations(self) -> float:
        """``(ω/2π) ln|(tc − t1)/(tc − t2)|`` over the fitted window."""
        return float(
            oscillations(
                np.array(self.omega),
                np.array(self.tc_time),
                np.array(0.0),
                np.array(self.nobs - 1.0),
            )
        )

    @property
    def r2(self) -> float:
        """Share of the variance of log prices the fit explains."""
        y = np.log(self.prices.to_numpy())
        return 1.0 - self.sse / float(((y - y.mean()) ** 2).sum())

    @property
    def direction(self) -> str:
        """``positive`` (B < 0: accelerating rise) or ``negative`` (B > 0)."""
        return "positive" if self.B < 0 else "negative"

    def fitted(self) -> pd.Series:
        """The fitted log price at each observation."""
        return pd.Series(
            log_price(
                np.arange(self.nobs, dtype=float),
                self.tc_time,
                self.m,
                self.omega,
                self.A,
                self.B,
                self.C1,
                self.C2,
            ),
            index=self.prices.index,
            name="lppls",
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary of parameters, diagnostics and the filter verdict."""
        return {
            "start": _label(self.prices.index[0]),
            "end": _label(self.prices.index[-1]),
            "nobs": self.nobs,
            "tc": _label(self.tc),
            "tc_time": self.tc_time,
            "m": self.m,
            "omega": self.omega,
            "A": self.A,
            "B": self.B,
            "C": self.C,
            "C1": self.C1,
            "C2": self.C2,
            "phi": self.phi,
            "damping": self.damping,
            "oscillations": self.oscillations,
            "sse": self.sse,
            "relative_error": self.relative_error,
            "r2": self.r2,
            "direction": self.direction,
            "filters": self.filters,
            "qualified": self.qualified,
            "seed": self.seed,
        }

    def summary(self) -> str:
        """A short text table of the fit."""
        d = self.to_dict()
        lines = [
            f"LPPLS fit of {self.prices.name or 'series'}: {d['start']} to {d['end']} "
            f"({self.nobs} observations)",
            f"  tc            {d['tc']}  ({self.tc_time - (self.nobs - 1):+.1f} observations "
            "from the last)",
        ]
        for key in (
            "m",
            "omega",
            "A",
            "B",
            "C",
            "phi",
            "damping",
            "oscillations",
            "relative_error",
            "sse",
            "r2",
        ):
            lines.append(f"  {key:<13} {d[key]:.6g}")
        verdict = "passes" if self.qualified else "fails"
        lines.append(f"  {self.direction} bubble fit; {verdict} the {self.filters} conditions")
        return "\n".join(lines)

    def figure(self) -> go.Figure:
        """Log price, the fitted curve and a line at tc."""
        x = self.prices.index
        fig = go.Figure()
        fig.add_trace(go.Scatter(x=x, y=np.log(self.prices.to_numpy()), name="log price"))
        fig.add_trace(go.Scatter(x=x, y=self.fitted().to_numpy(), name="LPPLS fit"))
        if isinstance(self.tc, pd.Timestamp | float):
            fig.add_vline(x=self.tc, line_dash="dash", line_color="firebrick")
            fig.add_annotation(x=self.tc, y=1, yref="paper", text="tc", showarrow=False)
        fig.update_layout(
            template="plotly_white",
            height=420,
            margin={"l": 50, "r": 20, "t": 30, "b": 30},
            legend={"orientation": "h", "y": -0.12},
        )
        return fig


def log_price(
    t: Any, tc: float, m: float, omega: float, a: float, b: float, c1: float, c2: float
) -> Any:
    """The LPPLS log price at times ``t`` (observation units)."""
    x = np.maximum(np.abs(tc - np.asarray(t, dtype=float)), 1e-12)
    power = x**m
    phase = omega * np.log(x)
    return a + power * (b + c1 * np.cos(phase) + c2 * np.sin(phase))


def fit(prices: Any, *, filters: str | FilterSet = "sornette2015", seed: int = 0) -> LPPLSFit:
    """Fit the LPPLS model to the whole of ``prices`` (positive, without gaps).

    The three nonlinear parameters are searched over the filter set's search
    space on a seeded grid, every grid point solved exactly for (A, B, C1, C2);
    the five best cells are refined by Levenberg–Marquardt inside the space and
    the lowest sum of squared errors kept. The same seed gives the same fit.
    """
    chosen = filter_set(filters)
    series = _input.as_prices(prices)
    n = len(series)
    _input.check_length(n, n, "the fitted window")
    logp = np.log(series.to_numpy())
    result = _search.search(
        logp,
        np.array([n - 1], dtype=np.int64),
        np.array([n], dtype=np.int64),
        chosen.search,
        _search.FIT_GRID,
        seed,
    )
    tau, m, omega = (float(v) for v in result.theta[0, 0])
    a, b, c1, c2 = (float(v) for v in result.beta[0, 0])
    tc_time = (n - 1) + tau
    ok = qualifies(
        chosen.conditions,
        tc=np.array([tc_time]),
        m=np.array([m]),
        omega=np.array([omega]),
        t1=np.array([0.0]),
        t2=np.array([n - 1.0]),
        b=np.array([b]),
        c=np.array([math.hypot(c1, c2)]),
        relative_error=result.relative_error[0],
    )
    return LPPLSFit(
        prices=series,
        tc=_input.to_date(series.index, tc_time, 0, n - 1),
        tc_time=tc_time,
        m=m,
        omega=omega,
        A=a,
        B=b,
        C1=c1,
        C2=c2,
        sse=float(result.sse[0, 0]),
        relative_error=float(result.relative_error[0, 0]),
        filters=chosen.name,
        qualified=bool(ok[0]),
        seed=seed,
    )
