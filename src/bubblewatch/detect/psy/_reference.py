"""Slow, obvious reference: one least-squares regression per window.

Nothing here is clever on purpose. Each window's ADF regression is built from
scratch and solved with :func:`numpy.linalg.lstsq`; the fast kernels in
:mod:`._kernels` are tested against these functions.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from bubblewatch.detect.psy._design import design

FloatArray = npt.NDArray[np.float64]


def window_t(dep: FloatArray, regs: FloatArray, r1: int, r2: int, nlags: int) -> float:
    """ADF t statistic of rows ``r1..r2`` with ``nlags`` lagged differences."""
    d = dep[r1 : r2 + 1]
    x = np.column_stack([np.ones(r2 - r1 + 1), regs[r1 : r2 + 1, : 1 + nlags]])
    beta, *_ = np.linalg.lstsq(x, d, rcond=None)
    resid = d - x @ beta
    rows, cols = x.shape
    if rows - cols <= 0:
        return math.nan
    sigma2 = float(resid @ resid) / (rows - cols)
    cov = sigma2 * np.linalg.inv(x.T @ x)
    return float(beta[1] / math.sqrt(cov[1, 1]))


def window_t_selected(
    dep: FloatArray, regs: FloatArray, r1: int, r2: int, max_lags: int, criterion: str
) -> float:
    """t statistic of the lag order (0..max_lags) minimising AIC or BIC on rows ``r1..r2``."""
    best_t, best_ic = math.nan, math.inf
    rows = r2 - r1 + 1
    for k in range(max_lags + 1):
        d = dep[r1 : r2 + 1]
        x = np.column_stack([np.ones(rows), regs[r1 : r2 + 1, : 1 + k]])
        beta, *_ = np.linalg.lstsq(x, d, rcond=None)
        ssr = float(((d - x @ beta) ** 2).sum())
        penalty = 2.0 if criterion == "aic" else math.log(rows)
        ic = math.log(ssr / rows) + penalty * x.shape[1] / rows
        if ic < best_ic:
            best_ic, best_t = ic, window_t(dep, regs, r1, r2, k)
    return best_t


def statistics(
    y: FloatArray, min_window: int, lags: int = 0, lag_selection: str | None = None
) -> dict[str, object]:
    """ADF, SADF, GSADF and the BADF/BSADF sequences, window by window.

    Uses the same conventions as :func:`bubblewatch.detect.psy.test`: regression
    rows ``t = lags + 1 … n − 1``; BADF and BSADF entry ``j`` belongs to the window
    ending at row ``min_window − 1 + j``; windows have at least ``min_window`` rows.
    """
    dep, regs = design(np.asarray(y, dtype=float), lags)
    nr = dep.shape[0]

    def t(r1: int, r2: int) -> float:
        if lag_selection is None:
            return window_t(dep, regs, r1, r2, lags)
        return window_t_selected(dep, regs, r1, r2, lags, lag_selection)

    ends = range(min_window - 1, nr)
    badf = np.array([t(0, r2) for r2 in ends])
    bsadf = np.array([max(t(r1, r2) for r1 in range(r2 - min_window + 2)) for r2 in ends])
    return {
        "adf": t(0, nr - 1),
        "sadf": float(badf.max()),
        "gsadf": float(bsadf.max()),
        "badf": badf,
        "bsadf": bsadf,
    }
