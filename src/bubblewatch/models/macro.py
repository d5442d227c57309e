"""Contributions to percent change in real GDP from nominal levels and price indexes.

BEA measures real GDP with a chain-type Fisher quantity index. The contribution of component
``i`` to the quarterly percent change of the aggregate is (Moulton and Seskin 1999; BEA NIPA
Handbook, ch. 4, "contributions to percent change")::

    C_i,t = 100 * (p_i,t-1 + p_i,t / P_t) * (q_i,t - q_i,t-1)
            / sum_j (p_j,t-1 + p_j,t / P_t) * q_j,t-1

where ``p`` are component price indexes, ``q = nominal / p`` real quantities and ``P_t`` the
aggregate's Fisher price relative (equal to the ratio of its implicit price deflators). The
contributions of a partition of the aggregate sum to its quarterly percent change. BEA reports
them at annual rates by scaling with ``((1 + g)^4 - 1) / g`` so that they sum to the annualized
growth rate ``g_ann`` (Whelan 2002).

References
----------
Moulton, B. R. and Seskin, E. P. (1999), "A Preview of the 1999 Comprehensive Revision of the
National Income and Product Accounts", Survey of Current Business 79(10), 6-17.
Whelan, K. (2002), "A Guide to U.S. Chain Aggregated NIPA Data", Review of Income and Wealth
48(2), 217-233.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError, SpecificationError


def fisher_contributions(
    nominal: pd.DataFrame,
    prices: pd.DataFrame,
    aggregate_price: pd.Series,
    *,
    annualize: bool = True,
) -> pd.DataFrame:
    """Contributions (percentage points) of each column to the aggregate's real growth.

    Parameters
    ----------
    nominal, prices
        Quarterly nominal levels and price indexes, one column per component; the components
        must partition the aggregate (they are the denominator's terms).
    aggregate_price
        The aggregate's implicit price deflator, on the same index.
    annualize
        Scale to annual rates as BEA does (sums to the annualized real growth rate).

    Returns
    -------
    DataFrame of contributions, indexed like the input from its second row, plus a column
    ``total`` (their sum: the aggregate's quarterly or annualized real growth in percent).
    """
    if list(nominal.columns) != list(prices.columns) or not nominal.index.equals(prices.index):
        raise DataError("nominal and prices must have the same columns and index")
    p = prices.to_numpy(dtype=float)
    q = nominal.to_numpy(dtype=float) / p
    big_p = (aggregate_price / aggregate_price.shift(1)).to_numpy(dtype=float)[1:, None]
    weight = p[:-1] + p[1:] / big_p
    numer = weight * (q[1:] - q[:-1])
    denom = (weight * q[:-1]).sum(axis=1, keepdims=True)
    contrib = 100.0 * numer / denom
    total = contrib.sum(axis=1, keepdims=True)
    if annualize:
        g = total / 100.0
        scale = np.where(np.abs(g) > 1e-12, ((1.0 + g) ** 4 - 1.0) / np.where(g == 0, 1, g), 4.0)
        contrib = contrib * scale
        total = total * scale
    out = pd.DataFrame(contrib, index=nominal.index[1:], columns=nominal.columns)
    out["total"] = total[:, 0]
    return out


def fisher_contributions_reference(
    nominal: pd.DataFrame,
    prices: pd.DataFrame,
    aggregate_price: pd.Series,
    *,
    annualize: bool = True,
) -> pd.DataFrame:
    """Slow, obvious twin of :func:`fisher_contributions` (loops over quarters and components)."""
    cols = list(nominal.columns)
    rows = []
    for t in range(1, len(nominal)):
        big_p = float(aggregate_price.iloc[t]) / float(aggregate_price.iloc[t - 1])
        denom = 0.0
        numer = {}
        for c in cols:
            p0, p1 = float(prices[c].iloc[t - 1]), float(prices[c].iloc[t])
            q0, q1 = float(nominal[c].iloc[t - 1]) / p0, float(nominal[c].iloc[t]) / p1
            denom += (p0 + p1 / big_p) * q0
            numer[c] = (p0 + p1 / big_p) * (q1 - q0)
        row = {c: 100.0 * numer[c] / denom for c in cols}
        total = sum(row.values())
        if annualize:
            g = total / 100.0
            scale = ((1.0 + g) ** 4 - 1.0) / g if g != 0 else 4.0
            row = {c: v * scale for c, v in row.items()}
            total *= scale
        row["total"] = total
        rows.append(row)
    return pd.DataFrame(rows, index=nominal.index[1:])


def component_contributions(
    nominal: pd.DataFrame,
    real: pd.DataFrame,
    gdp_nominal: pd.Series,
    gdp_real: pd.Series,
    *,
    annualize: bool = True,
) -> pd.DataFrame:
    """Fisher contributions of components known only with the aggregate, not a full partition.

    The numerator of the formula in the module docstring needs only the component; the
    denominator :math:`\\sum_j (p_{j,t-1} + p_{j,t}/P_t) q_{j,t-1}` needs every component.
    Its first half is nominal GDP of :math:`t-1`; its second, :math:`\\sum_j p_{j,t} q_{j,t-1}
    / P_t`, equals it times the aggregate's Laspeyres-over-Fisher price ratio, which is taken
    as one. The error is that ratio's quarterly drift (about 1e-5; see the tests, which
    compare with the full partition on BEA's own tables); the result is otherwise BEA's
    chain-type contribution, annualized as BEA does.

    Parameters
    ----------
    nominal, real
        Quarterly current-dollar and chained-dollar levels, one column per component.
    gdp_nominal, gdp_real
        The aggregate's current-dollar and chained-dollar levels on the same index.
    """
    if list(nominal.columns) != list(real.columns) or not nominal.index.equals(real.index):
        raise DataError("nominal and real levels must have the same columns and index")
    if not (nominal.index.equals(gdp_nominal.index) and nominal.index.equals(gdp_real.index)):
        raise DataError("the components and GDP must share one index")
    q = real.to_numpy(dtype=float)
    p = nominal.to_numpy(dtype=float) / q
    s = gdp_nominal.to_numpy(dtype=float)
    y = gdp_real.to_numpy(dtype=float)
    deflator = s / y
    big_p = (deflator[1:] / deflator[:-1])[:, None]
    contrib = 100.0 * (p[:-1] + p[1:] / big_p) * (q[1:] - q[:-1]) / (2.0 * s[:-1, None])
    g = y[1:] / y[:-1] - 1.0
    out = pd.DataFrame(contrib, index=nominal.index[1:], columns=nominal.columns)
    if annualize:
        scale = np.where(np.abs(g) > 1e-12, ((1.0 + g) ** 4 - 1.0) / np.where(g == 0, 1, g), 4.0)
        out = out.mul(scale, axis=0)
        out["gdp_growth"] = 100.0 * ((1.0 + g) ** 4 - 1.0)
    else:
        out["gdp_growth"] = 100.0 * g
    return out


@dataclass(frozen=True)
class Exclusion:
    """Furman's arithmetic: a component's share of real growth and growth without it."""

    start: str
    end: str
    gdp_growth: float
    share_of_growth: float
    growth_excluding: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def growth_excluding(
    gdp_real: pd.Series, component_real: pd.Series, start: str, end: str
) -> Exclusion:
    """Real growth from ``start`` to ``end`` with and without a component, in chained dollars.

    As Furman computed it: the component's share is the change in its chained-dollar level
    over the change in real GDP's, and growth without it is the annualized growth of GDP less
    the component. Chained dollars are not additive away from the reference year, so this is
    an approximation, and growth "without" the component is arithmetic, not a counterfactual:
    without the investment, other spending (imports among it) would not stay as it was.
    """
    for label in (start, end):
        if label not in gdp_real.index or label not in component_real.index:
            raise DataError(f"no level for {label}")
    n = gdp_real.index.get_loc(end) - gdp_real.index.get_loc(start)
    if not isinstance(n, int) or n <= 0:
        raise SpecificationError("the end quarter must come after the start quarter")
    g0, g1 = float(gdp_real[start]), float(gdp_real[end])
    c0, c1 = float(component_real[start]), float(component_real[end])
    return Exclusion(
        start,
        end,
        100.0 * ((g1 / g0) ** (4.0 / n) - 1.0),
        (c1 - c0) / (g1 - g0),
        100.0 * (((g1 - c1) / (g0 - c0)) ** (4.0 / n) - 1.0),
    )


def half_year(frame: pd.DataFrame, half: str) -> pd.Series:
    """Mean of a quarterly frame over the quarters of ``half`` (``"2025H1"``): BEA's half-year
    average of annualized rates."""
    match = re.fullmatch(r"(\d{4})H([12])", half.strip().upper())
    if match is None:
        raise SpecificationError(f"a half-year is written like 2025H1, got {half!r}")
    year, h = match.groups()
    quarters = [f"{year}Q{q}" for q in ((1, 2) if h == "1" else (3, 4))]
    missing = [q for q in quarters if q not in frame.index]
    if missing:
        raise DataError(f"no figures for {', '.join(missing)}")
    return frame.loc[quarters].mean()


def yoy_growth(levels: pd.Series) -> pd.Series:
    """Growth over four quarters, percent (quarterly index ``YYYYQn``)."""
    idx = pd.PeriodIndex(levels.index, freq="Q")
    s = pd.Series(levels.to_numpy(dtype=float), index=idx).sort_index()
    lagged = s.reindex(idx - 4).to_numpy()
    out = 100.0 * (s.to_numpy() / lagged - 1.0)
    return pd.Series(out, index=s.index.astype(str), name="yoy_pct").dropna()


def runs(series: pd.Series, threshold: float) -> pd.DataFrame:
    """Consecutive stretches at or above ``threshold``: first, last, length and peak."""
    above = series >= threshold
    rows = []
    start = None
    labels = list(series.index)
    for i, flag in enumerate(above.to_numpy()):
        if flag and start is None:
            start = i
        if start is not None and (not flag or i == len(labels) - 1):
            stop = i if flag else i - 1
            seg = series.iloc[start : stop + 1]
            rows.append(
                {
                    "first": labels[start],
                    "last": labels[stop],
                    "length": stop - start + 1,
                    "peak": float(seg.max()),
                }
            )
            start = None
    return pd.DataFrame(rows, columns=["first", "last", "length", "peak"])
