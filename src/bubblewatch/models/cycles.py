"""Investment-cycle analogs: normalise, align and place the AI build-out on past cycles.

*Measures.* Each cycle is a yearly panel of comparable ratios, so that a railway company of
1845, a telecom carrier of 1999 and a hyperscaler of 2025 are on one scale:

- ``capex_to_revenue``: capital spending over revenue;
- ``capex_growth``: :math:`K_t / K_{t-1} - 1`;
- ``fcf_to_revenue``: free cash flow after capex, :math:`(\\text{OCF}_t - K_t) / R_t`;
- ``external_share``: money raised outside (debt and equity issued) over capex;
- ``capex_to_gdp``: capital spending over the country's nominal GDP.

*Phase.* The last :math:`W` years of the AI cycle are compared with every :math:`W`-year
window of an analog ending in year :math:`e`. With measures standardised by their pooled
standard deviation :math:`s_m` (AI and analog together), the distance is the mean squared
standardised difference over the cells :math:`(m, k)` present in both:

.. math:: D(e) = \\frac{1}{|C_e|} \\sum_{(m,k) \\in C_e}
          \\Big(\\frac{a_m(T-k) - x_m(e-k)}{s_m}\\Big)^2 .

The phase is :math:`\\hat e = \\arg\\min_e D(e)`: "the AI cycle now looks like the analog in
:math:`\\hat e`". Its uncertainty comes from a seeded bootstrap over the cells (Efron and
Tibshirani 1993, ch. 6): each draw resamples the :math:`(m, k)` cells with replacement,
recomputes :math:`D` for every :math:`e` on the same draw and keeps its argmin; the spread
of the argmins is the interval. Analog matching of this kind is the "analog forecasting"
of Lorenz (1969), here on a handful of yearly ratios; it describes, it does not predict.

References
----------
Efron, B. and Tibshirani, R. J. (1993), *An Introduction to the Bootstrap*, Chapman & Hall.
Lorenz, E. N. (1969), "Atmospheric Predictability as Revealed by Naturally Occurring
Analogues", Journal of the Atmospheric Sciences 26(4), 636-646.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError, SpecificationError

MEASURES: tuple[str, ...] = (
    "capex_to_revenue",
    "capex_growth",
    "fcf_to_revenue",
    "external_share",
    "capex_to_gdp",
)


def measures(levels: pd.DataFrame) -> pd.DataFrame:
    """Comparable yearly ratios from a cycle's levels (index: year; columns as available).

    ``levels`` may hold ``capex``, ``revenue``, ``operating_cash_flow``,
    ``external_financing`` and ``gdp`` in one currency unit, and ratios already published as
    such (``capex_to_gdp``, ``capex_to_revenue``, ``fcf_to_revenue``, ``external_share``),
    which are kept where the levels cannot give them.
    """
    lv = levels.sort_index()
    out = pd.DataFrame(index=lv.index)

    def col(name: str) -> pd.Series:
        return lv[name] if name in lv else pd.Series(np.nan, index=lv.index)

    capex, revenue = col("capex"), col("revenue")
    computed = {
        "capex_to_revenue": capex / revenue,
        "capex_growth": capex / _previous_year(capex) - 1.0,
        "fcf_to_revenue": (col("operating_cash_flow") - capex) / revenue,
        "external_share": col("external_financing") / capex,
        "capex_to_gdp": capex / col("gdp"),
    }
    for name, values in computed.items():
        published = col(name)
        out[name] = values.where(values.notna(), published)
    return out.replace([np.inf, -np.inf], np.nan)


def _previous_year(s: pd.Series) -> pd.Series:
    """The value of the calendar year before (NaN where that year is missing)."""
    return s.reindex(s.index - 1).set_axis(s.index)


def distances(ai: pd.DataFrame, analog: pd.DataFrame, window: int) -> pd.DataFrame:
    """Per-cell standardised squared differences for every candidate end year of the analog.

    Returns a frame indexed by candidate end year ``e`` with one column per cell ``(m, k)``
    (``k`` years before the end): NaN where either side is missing.
    """
    if window < 1:
        raise SpecificationError("the window must be at least one year")
    common = [m for m in ai.columns if m in analog.columns]
    a = ai[common].sort_index()
    x = analog[common].sort_index()
    end = int(a.index.max())
    scale = pd.concat([a, x]).std(ddof=1)
    scale = scale.where(scale > 0)
    years = np.arange(int(x.index.min()) + window - 1, int(x.index.max()) + 1)
    if len(years) == 0 or not common:
        raise DataError("the analog is shorter than the window or shares no measure")
    a_win = a.reindex(range(end - window + 1, end + 1)).to_numpy(dtype=float)[::-1]  # k = 0..W-1
    x_full = x.reindex(range(int(x.index.min()), int(x.index.max()) + 1)).to_numpy(dtype=float)
    first = int(x.index.min())
    # x_win[e, k, m] = x_m(e - k)
    rows = np.stack([x_full[e - first - np.arange(window)] for e in years])
    cells = ((a_win[None, :, :] - rows) / scale.to_numpy(dtype=float)[None, None, :]) ** 2
    columns = pd.MultiIndex.from_product([range(window), common], names=["k", "measure"])
    return pd.DataFrame(
        cells.reshape(len(years), -1), index=pd.Index(years, name="end_year"), columns=columns
    )


def distances_reference(ai: pd.DataFrame, analog: pd.DataFrame, window: int) -> pd.DataFrame:
    """Slow twin of :func:`distances`: loops over end years, lags and measures."""
    common = [m for m in ai.columns if m in analog.columns]
    end = int(ai.index.max())
    scale = {m: pd.concat([ai[m], analog[m]]).std(ddof=1) for m in common}
    out = {}
    for e in range(int(analog.index.min()) + window - 1, int(analog.index.max()) + 1):
        row = {}
        for k in range(window):
            for m in common:
                av = ai[m].get(end - k, np.nan)
                xv = analog[m].get(e - k, np.nan)
                s = scale[m]
                row[(k, m)] = ((av - xv) / s) ** 2 if s and s > 0 else np.nan
        out[e] = row
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame.index.name = "end_year"
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["k", "measure"])
    return frame


def _mean_distance(cells: np.ndarray, weights: np.ndarray, min_cells: int) -> np.ndarray:
    """Weighted mean over present cells; +inf where fewer than ``min_cells`` are present."""
    present = ~np.isnan(cells)
    n = present.astype(float) @ weights
    total = np.where(present, cells, 0.0) @ weights
    counts = present.astype(float) @ (weights > 0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
    return np.where((counts >= min_cells) & (n > 0), mean, np.inf)


@dataclass(frozen=True)
class Phase:
    """Where the AI cycle sits on one analog: best-matching year, its bootstrap spread."""

    analog: str
    window: int
    distance: pd.Series
    best_year: int
    draws: np.ndarray
    level: float
    measures: tuple[str, ...]

    @property
    def interval(self) -> tuple[int, int]:
        lo, hi = np.quantile(self.draws, [(1 - self.level) / 2, (1 + self.level) / 2])
        return int(np.floor(lo)), int(np.ceil(hi))

    def probabilities(self) -> pd.Series:
        """Share of bootstrap draws landing on each end year."""
        counts = pd.Series(self.draws).value_counts(normalize=True)
        return counts.reindex(self.distance.index, fill_value=0.0).rename("share")

    def to_dict(self) -> dict[str, Any]:
        lo, hi = self.interval
        return {
            "analog": self.analog,
            "window_years": self.window,
            "measures": list(self.measures),
            "best_year": self.best_year,
            "interval": [lo, hi],
            "level": self.level,
            "draws": len(self.draws),
            "distance": {int(k): float(v) for k, v in self.distance.items() if np.isfinite(v)},
        }


def phase(
    ai: pd.DataFrame,
    analog: pd.DataFrame,
    *,
    name: str = "analog",
    window: int = 5,
    draws: int = 2000,
    seed: int = 0,
    level: float = 0.8,
    min_cells: int = 3,
) -> Phase:
    """Best-matching analog year for the AI cycle's last ``window`` years, with a bootstrap.

    Parameters
    ----------
    ai, analog
        Yearly measures (:func:`measures`), indexed by year.
    window
        Years of the AI cycle compared (ending at its latest year).
    draws, seed
        Bootstrap resamples of the cells and their seed (the result is reproducible).
    level
        Coverage of the reported interval of end years.
    min_cells
        Fewest present cells for a candidate year to count.
    """
    if not 0 < level < 1:
        raise SpecificationError("the interval level must lie strictly between 0 and 1")
    if draws < 1:
        raise SpecificationError("draws must be at least 1")
    frame = distances(ai, analog, window)
    cells = frame.to_numpy()
    usable = ~np.all(np.isnan(cells), axis=0)
    cells = cells[:, usable]
    if cells.shape[1] == 0:
        raise DataError(f"no measure is present in both the AI cycle and {name}")
    ones = np.ones(cells.shape[1])
    d = _mean_distance(cells, ones, min_cells)
    if not np.isfinite(d).any():
        raise DataError(f"{name} shares fewer than {min_cells} yearly figures with the AI cycle")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, cells.shape[1], size=(draws, cells.shape[1]))
    weights = np.stack([np.bincount(p, minlength=cells.shape[1]) for p in picks]).astype(float)
    boot = np.stack([_mean_distance(cells, w, min_cells) for w in weights])
    boot = np.where(np.isfinite(d)[None, :], boot, np.inf)
    best = frame.index.to_numpy()[np.argmin(boot, axis=1)]
    used = tuple(dict.fromkeys(m for (_, m), u in zip(frame.columns, usable, strict=True) if u))
    return Phase(
        name,
        window,
        pd.Series(d, index=frame.index, name="distance"),
        int(frame.index[int(np.argmin(d))]),
        best,
        level,
        used,
    )


def what_next(levels: pd.DataFrame, year: int, horizon: int = 5) -> dict[str, Any]:
    """What the analog's capex did after ``year``: its peak, the fall after it, FCF's return.

    Over the consecutive years of capex data from ``year`` on (a missing year ends the run):
    the peak year, the years to it, the fall from the peak to the following trough and the
    change to ``horizon`` years later; and the first later year with positive free cash flow.
    """
    capex = levels["capex"].dropna().sort_index() if "capex" in levels else pd.Series(dtype=float)
    out: dict[str, Any] = {"from_year": int(year), "horizon": int(horizon)}
    run = []
    y = int(year)
    while y in capex.index:  # consecutive years only: a gap ends what can be said
        run.append(y)
        y += 1
    later = capex.loc[run]
    if len(later) >= 2:
        peak_year = int(later.idxmax())
        trough = later.loc[later.index > peak_year]
        out["capex_peak_year"] = peak_year
        out["years_to_peak"] = peak_year - int(year)
        out["peak_to_trough"] = (
            float(trough.min() / later.max() - 1.0) if len(trough) else float("nan")
        )
        if (year + horizon) in later.index:
            out["capex_change"] = float(later.loc[year + horizon] / later.loc[year] - 1.0)
    if {"operating_cash_flow", "capex"} <= set(levels.columns):
        fcf = (levels["operating_cash_flow"] - levels["capex"]).dropna()
        positive = fcf.loc[(fcf.index > year) & (fcf > 0)]
        out["first_positive_fcf_year"] = int(positive.index.min()) if len(positive) else None
    return out


def panel(rows: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """One cycle's yearly levels and published ratios from the ``cycles`` table (wide)."""
    sub = rows.loc[rows["cycle"] == cycle]
    if sub.empty:
        raise DataError(f"no rows for the {cycle} cycle")
    wide = sub.pivot_table(index="year", columns="metric", values="value", aggfunc="first")
    wide.index = wide.index.astype(int)
    return wide.sort_index()


def sources_of(rows: pd.DataFrame, cycle: str, metrics: Sequence[str]) -> tuple[str, ...]:
    """Source ids of one cycle's rows for ``metrics``."""
    sub = rows.loc[(rows["cycle"] == cycle) & rows["metric"].isin(list(metrics))]
    return tuple(dict.fromkeys(sub["source_id"].astype(str)))


def metric_rows(rows: pd.DataFrame, cycle: str, metric: str) -> pd.DataFrame:
    """One cycle's rows of ``metric`` from the ``cycles`` table, by year (empty when none)."""
    return rows.loc[(rows["cycle"] == cycle) & (rows["metric"] == metric)].sort_values("year")


@dataclass(frozen=True)
class CyclesView:
    """The AI cycle's measures, each analog's measures, phases and what came next."""

    ai: pd.DataFrame
    analogs: dict[str, pd.DataFrame]
    phases: dict[str, Phase]
    not_estimable: dict[str, str]
    next_steps: dict[str, dict[str, Any]]
    facts: pd.DataFrame

    def summary(self) -> str:
        parts = []
        for name, p in self.phases.items():
            lo, hi = p.interval
            nxt = self.next_steps.get(name, {})
            tail = ""
            if "capex_peak_year" in nxt:
                tail = (
                    f"; in the data after {p.best_year}, {name} capex peaked in {nxt['capex_peak_year']}"
                    + (
                        f" and then fell {abs(nxt['peak_to_trough']):.0%}"
                        if np.isfinite(nxt.get("peak_to_trough", np.nan))
                        else ""
                    )
                )
            parts.append(
                f"on {name} the AI cycle's last {p.window} years match {p.best_year} "
                f"({p.level:.0%} bootstrap interval {lo}-{hi}, measures: {', '.join(p.measures)}){tail}"
            )
        for name, why in self.not_estimable.items():
            parts.append(f"{name}: no phase ({why})")
        return "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "ai": self.ai.reset_index(names="year").to_dict(orient="records"),
            "measures_note": (
                "a measure is null where it is undefined for the year: an input level is "
                "missing and no published ratio stands in, a growth rate has no prior year, "
                "or a denominator is zero"
            ),
            "analogs": {
                k: v.reset_index(names="year").to_dict(orient="records")
                for k, v in self.analogs.items()
            },
            "phases": {k: p.to_dict() for k, p in self.phases.items()},
            "not_estimable": self.not_estimable,
            "what_next": self.next_steps,
            "facts": self.facts.to_dict(orient="records"),
        }


def view(
    rows: pd.DataFrame,
    ai_levels: pd.DataFrame,
    *,
    window: int = 5,
    draws: int = 2000,
    seed: int = 0,
    level: float = 0.8,
) -> CyclesView:
    """Place the AI cycle (yearly levels, e.g. hyperscalers' capex) on every analog in ``rows``."""
    ai = measures(ai_levels)
    analogs, phases, missing, nxt = {}, {}, {}, {}
    for name in sorted(rows["cycle"].unique()):
        levels = panel(rows, str(name))
        analogs[str(name)] = measures(levels)
        try:
            p = phase(
                ai,
                analogs[str(name)],
                name=str(name),
                window=window,
                draws=draws,
                seed=seed,
                level=level,
            )
        except DataError as exc:
            missing[str(name)] = str(exc)
            continue
        phases[str(name)] = p
        nxt[str(name)] = what_next(levels, p.best_year)
    if not phases:
        raise DataError(
            f"no analog shares enough yearly figures with the AI cycle for a {window}-year window: "
            + "; ".join(missing.values())
        )
    facts = rows[["cycle", "year", "metric", "value", "unit", "note", "source_id"]].copy()
    return CyclesView(ai, analogs, phases, missing, nxt, facts)
