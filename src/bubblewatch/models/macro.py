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

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError


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
