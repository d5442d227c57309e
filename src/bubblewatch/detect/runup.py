"""The two-year run-up rule of Greenwood, Shleifer & You (2019), "Bubbles for Fama".

>>> from bubblewatch.detect import runup
>>> a = runup.assess(prices, benchmark=market, name="Tech")   # doctest: +SKIP
>>> a.reading                                                 # doctest: +SKIP

Greenwood, Shleifer & You study US industry portfolios over 1926-2014. A *run-up*
is a two-year (24-month) return of at least 50%, 100% or 150%, measured raw or
net of the market; a *crash* is a 40% drawdown within the two years that follow.
A run-up does not, on average, predict low returns, but it does predict a much
higher chance of a crash.

The base rates in :data:`CRASH_PROBABILITY` are the paper's figures as
transcribed by secondary summaries (Swedroe, Alpha Architect, March 2022;
Batnick, The Irrelevant Investor, 2 March 2017); they are not re-estimated
here. The paper's abstract names volatility, turnover, issuance and the price
path (acceleration) of the run-up as attributes that raise the crash
probability, and secondary summaries add firm age (young firms). This module
measures only what a price series can tell: the run-up, its volatility against
the series' own history, its acceleration and the drawdown from its peak. It
attaches no quantitative effect to any of these attributes.

Conventions
-----------
* Prices are sampled at month-ends (``series.resample("ME").last()``); a month
  with no observation carries the previous month's close forward.
* The two-year return at month ``t`` is ``P[t] / P[t-24] - 1``; the net return
  is ``(1 + r) / (1 + r_bench) - 1``.
* The *measured* return is the net one when a benchmark is given, else the raw one.
  The shipped base rates refer to net-of-market run-ups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bubblewatch.errors import DataError, SpecificationError

__all__ = [
    "CITATION",
    "CRASH_DRAWDOWN",
    "CRASH_PROBABILITY",
    "HORIZON_MONTHS",
    "THRESHOLDS",
    "RunupAssessment",
    "assess",
]

FloatArray = npt.NDArray[np.float64]

CITATION = (
    "Greenwood, R., Shleifer, A. & You, Y. (2019). Bubbles for Fama. "
    "Journal of Financial Economics 131(1), 20-43. NBER Working Paper 23191 (2017)."
)

# Two-year return cut-offs of Greenwood, Shleifer & You (2019): 50%, 100% and 150%.
THRESHOLDS: tuple[float, ...] = (0.5, 1.0, 1.5)

CRASH_PROBABILITY: dict[float, float] = {
    # Probability of a 40% crash within two years after a net-of-market two-year run-up,
    # as reported for GSY (2019) by Swedroe, Alpha Architect (March 2022).
    0.5: 0.20,
    # Swedroe (2022) gives 53%; Batnick, The Irrelevant Investor (2 March 2017) counts
    # 40 US industry run-ups of 100%+ since 1928, 21 followed by a crash (21/40 = 52.5%).
    1.0: 0.53,
    # Swedroe, Alpha Architect (March 2022), summarising GSY (2019).
    1.5: 0.80,
}

# GSY (2019): a crash is a 40% drawdown within the two years after the run-up.
CRASH_DRAWDOWN = 0.40
# GSY (2019): run-ups are measured over, and crashes looked for within, 24 months.
HORIZON_MONTHS = 24

_PAPER = "Greenwood, Shleifer & You (2019)"
_TOL = 1e-9  # slack on threshold comparisons, so that exact doublings are not lost to rounding
_EPISODE_THRESHOLD = 1.0


def _flag(threshold: float) -> str:
    return f"runup_{round(threshold * 100)}"


def _label(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return None if math.isnan(x) or math.isinf(x) else x


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _num(value)
    if pd.isna(value):
        return None
    return str(value)


def _frame_records(frame: pd.DataFrame, index_name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for label, row in frame.iterrows():
        record: dict[str, Any] = {index_name: _label(label)} if index_name else {}
        record.update({str(k): _json_value(v) for k, v in row.items()})
        rows.append(record)
    return rows


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def _level_for(value: float) -> float | None:
    """The highest of :data:`THRESHOLDS` that a two-year return reaches, or ``None``."""
    reached = [t for t in THRESHOLDS if math.isfinite(value) and value >= t - _TOL]
    return max(reached) if reached else None


@dataclass(frozen=True, eq=False)
class RunupAssessment:
    """Where a price series stands against the GSY (2019) run-up rule.

    Attributes
    ----------
    name : str or None
        Label of the series.
    as_of : pandas.Timestamp
        Date of the series' last observation.
    two_year_return : float
        Raw return over the last 24 month-ends.
    net_return : float or None
        ``(1 + r) / (1 + r_bench) - 1`` when a benchmark was given.
    threshold : float or None
        Highest of 0.5/1.0/1.5 reached by the measured return (net if available).
    crash_probability : float or None
        The published base rate for ``threshold``.
    volatility : float
        Annualised standard deviation of the 24 monthly log returns.
    volatility_percentile : float
        Percentile rank (0-100) of ``volatility`` among every rolling 24-month
        window of the series' history.
    acceleration : float
        Simple return of the window's last 12 months minus that of its first 12.
    drawdown_from_peak : float
        Last close over the highest close since the window's start, minus one.
    history : pandas.DataFrame
        Month-end ``price``, ``two_year_return`` (and ``net_return``) and one
        boolean ``runup_50``/``runup_100``/``runup_150`` column per threshold.
    episodes : pandas.DataFrame
        Past spells with a measured return of at least 100%: ``start`` (first
        month at or above), ``end``, ``peak_return``, ``start_price``,
        ``max_drawdown_24m`` and ``crash`` (True, False or None when fewer than
        24 months follow and no crash has happened yet).
    """

    name: str | None
    as_of: Any
    two_year_return: float
    net_return: float | None
    threshold: float | None
    crash_probability: float | None
    volatility: float
    volatility_percentile: float
    acceleration: float
    drawdown_from_peak: float
    history: pd.DataFrame
    episodes: pd.DataFrame

    @property
    def measured_return(self) -> float:
        """The return held against the thresholds: net if available, else raw."""
        return self.two_year_return if self.net_return is None else self.net_return

    @property
    def basis(self) -> str:
        """``"net-of-benchmark"`` or ``"raw"``."""
        return "raw" if self.net_return is None else "net-of-benchmark"

    @property
    def reading(self) -> str:
        """One sentence on where the series stands."""
        who = self.name or "The series"
        own = f"{who}'" if who.endswith("s") else f"{who}'s"
        ret = f"{own} two-year {self.basis} return is {_pct(self.measured_return)}"
        if self.threshold is None or self.crash_probability is None:
            return f"{ret}, below the 50% run-up threshold of {_PAPER}."
        return (
            f"{ret}, a run-up of at least {self.threshold:.0%}; after such run-ups {_PAPER} "
            f"found a {self.crash_probability:.0%} chance of a 40% crash within two years."
        )

    def summary(self) -> str:
        """One paragraph: the run-up against the published base rates, and its attributes."""
        parts = [f"As of {_label(self.as_of)[:10]}: {self.reading}"]
        if self.net_return is not None:
            parts.append(f"The raw two-year return is {_pct(self.two_year_return)}.")
        elif self.threshold is not None:
            parts.append(
                "The base rates refer to returns net of the market; no benchmark was given, "
                "so the raw return was used."
            )
        parts.append(
            f"Annualised volatility over the window is {self.volatility:.1%} "
            f"({self.volatility_percentile:.0f}th percentile of the series' own history), "
            f"acceleration (last 12 months minus first 12) is {_pct(self.acceleration)}, "
            f"and the price stands {_pct(self.drawdown_from_peak)} from its window peak."
        )
        done = self.episodes.dropna(subset=["crash"]) if len(self.episodes) else self.episodes
        if len(done):
            crashes = int(done["crash"].astype(bool).sum())
            parts.append(
                f"In its own history {crashes} of {len(done)} completed 100% run-ups "
                "were followed by a 40% crash within two years."
            )
        parts.append(
            f"Per {_PAPER}, higher volatility, turnover, issuance and acceleration (and, in "
            "secondary summaries, young firms) raise the odds; the base rates are the paper's "
            "as transcribed by secondary summaries, not re-estimated."
        )
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary of the assessment, its history and episodes."""
        return {
            "name": self.name,
            "as_of": _label(self.as_of),
            "basis": self.basis,
            "two_year_return": _num(self.two_year_return),
            "net_return": _num(self.net_return),
            "threshold": self.threshold,
            "crash_probability": self.crash_probability,
            "volatility": _num(self.volatility),
            "volatility_percentile": _num(self.volatility_percentile),
            "acceleration": _num(self.acceleration),
            "drawdown_from_peak": _num(self.drawdown_from_peak),
            "reading": self.reading,
            "citation": CITATION,
            "history": _frame_records(self.history, "date"),
            "episodes": _frame_records(self.episodes, ""),
        }


def _clean(series: Any, what: str) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise SpecificationError(f"{what} must be a pandas Series, got {type(series).__name__}")
    if not isinstance(series.index, pd.DatetimeIndex):
        raise SpecificationError(
            f"{what} must have a DatetimeIndex, got {type(series.index).__name__}"
        )
    try:
        values = pd.to_numeric(series, errors="raise").astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} must hold numeric prices: {exc}") from exc
    arr = values.to_numpy()
    bad = ~np.isfinite(arr) | (arr <= 0.0)
    if bad.any():
        first = series.index[int(np.argmax(bad))]
        raise DataError(
            f"{what} must hold finite positive prices; found {int(bad.sum())} bad value(s), "
            f"first at {_label(first)} ({series.iloc[int(np.argmax(bad))]!r})"
        )
    return values.sort_index()


def _monthly(values: pd.Series) -> pd.Series:
    return values.resample("ME").last().ffill()


def _rolling_vol(prices: FloatArray, window: int) -> FloatArray:
    logret = np.log(prices[1:] / prices[:-1])
    windows = np.lib.stride_tricks.sliding_window_view(logret, window)
    vols: FloatArray = np.std(windows, axis=1, ddof=1) * math.sqrt(12.0)
    return vols


def _episodes(monthly: pd.Series, measured: pd.Series) -> pd.DataFrame:
    columns = ["start", "end", "peak_return", "start_price", "max_drawdown_24m", "crash"]
    above = (measured >= _EPISODE_THRESHOLD - _TOL).to_numpy()
    prices = monthly.to_numpy()
    pos = {label: i for i, label in enumerate(monthly.index)}
    rows: list[dict[str, Any]] = []
    i, n = 0, len(above)
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and above[j + 1]:
            j += 1
        start, end = measured.index[i], measured.index[j]
        k = pos[start]
        after = prices[k + 1 : k + 1 + HORIZON_MONTHS]
        drawdown = min(0.0, float(after.min() / prices[k] - 1.0)) if after.size else math.nan
        crashed = after.size > 0 and drawdown <= -CRASH_DRAWDOWN + _TOL
        crash: bool | None = True if crashed else (False if after.size == HORIZON_MONTHS else None)
        rows.append(
            {
                "start": start,
                "end": end,
                "peak_return": float(measured.iloc[i : j + 1].max()),
                "start_price": float(prices[k]),
                "max_drawdown_24m": drawdown,
                "crash": crash,
            }
        )
        i = j + 1
    frame = pd.DataFrame(rows, columns=columns)
    frame["crash"] = frame["crash"].astype(object)
    return frame


def assess(
    series: pd.Series, *, benchmark: pd.Series | None = None, name: str | None = None
) -> RunupAssessment:
    """Hold a price series against the GSY (2019) two-year run-up rule.

    Parameters
    ----------
    series : pandas.Series
        Prices or index levels with a DatetimeIndex, at any frequency.
    benchmark : pandas.Series, optional
        The market, for net-of-market returns; it must cover the last 24 months.
    name : str, optional
        Label used in the text; defaults to the series' name.

    Returns
    -------
    RunupAssessment

    Raises
    ------
    SpecificationError
        Not a Series with a DatetimeIndex, fewer than 25 month-ends, or a
        benchmark that does not cover the last two years.
    DataError
        Non-numeric, non-finite or non-positive prices.
    """
    values = _clean(series, "series")
    monthly = _monthly(values)
    need = HORIZON_MONTHS + 1
    if len(monthly) < need:
        raise SpecificationError(
            f"a two-year run-up needs at least {need} month-ends of prices, got {len(monthly)}"
        )
    if name is None and series.name is not None:
        name = str(series.name)

    raw = monthly / monthly.shift(HORIZON_MONTHS) - 1.0
    history = pd.DataFrame({"price": monthly, "two_year_return": raw})
    measured = raw
    net_return: float | None = None
    if benchmark is not None:
        bench = _clean(benchmark, "benchmark")
        if len(bench) == 0:
            raise SpecificationError("benchmark is empty")
        bench_m = _monthly(bench).reindex(monthly.index)
        bench_ret = bench_m / bench_m.shift(HORIZON_MONTHS) - 1.0
        net = (1.0 + raw) / (1.0 + bench_ret) - 1.0
        history["net_return"] = net
        measured = net
        last_net = float(net.iloc[-1])
        if not math.isfinite(last_net):
            raise SpecificationError(
                "benchmark does not cover the last two years of the series: it needs values "
                f"at {_label(monthly.index[-need])} and {_label(monthly.index[-1])}"
            )
        net_return = last_net
    for t in THRESHOLDS:
        history[_flag(t)] = (measured >= t - _TOL).astype(bool)
    history = history.iloc[HORIZON_MONTHS:]

    prices = monthly.to_numpy(dtype=np.float64)
    vols = _rolling_vol(prices, HORIZON_MONTHS)
    volatility = float(vols[-1])
    slack = abs(volatility) * 1e-9 + 1e-12
    percentile = float(np.mean(vols <= volatility + slack) * 100.0)

    window = prices[-need:]
    mid = HORIZON_MONTHS // 2
    acceleration = float((window[-1] / window[mid] - 1.0) - (window[mid] / window[0] - 1.0))

    start_label = monthly.index[-need]
    since = values[values.index >= start_label + pd.Timedelta(days=1)].to_numpy()
    peak = max(float(window[0]), float(since.max()) if since.size else -math.inf)
    drawdown = min(0.0, float(window[-1] / peak - 1.0))

    two_year = float(raw.iloc[-1])
    threshold = _level_for(two_year if net_return is None else net_return)
    return RunupAssessment(
        name=name,
        as_of=values.index[-1],
        two_year_return=two_year,
        net_return=net_return,
        threshold=threshold,
        crash_probability=None if threshold is None else CRASH_PROBABILITY[threshold],
        volatility=volatility,
        volatility_percentile=percentile,
        acceleration=acceleration,
        drawdown_from_peak=drawdown,
        history=history,
        episodes=_episodes(monthly, measured.iloc[HORIZON_MONTHS:]),
    )
