"""The ADF regression rows shared by the kernels and the reference.

Row ``r`` is observation ``t = r + lags + 1`` of the input: the dependent
variable is ``Δy_t`` and the regressors (after the intercept) are ``y_{t−1}``,
``Δy_{t−1}``, …, ``Δy_{t−lags}``. This is exuber's layout, so a window of rows
``r1..r2`` here is the same regression as in exuber and results compare element
by element. The level is shifted by ``y_0`` first: the statistics are invariant
to it, and it keeps long windows of large price levels well conditioned.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def design(y: FloatArray, lags: int) -> tuple[FloatArray, FloatArray]:
    """Return ``(dep, regs)``: ``Δy_t`` and ``[y_{t−1}, Δy_{t−1} … Δy_{t−lags}]``."""
    level = y - y[0]
    diff = np.diff(level)
    n = level.shape[0]
    rows = n - 1 - lags
    dep = np.ascontiguousarray(diff[lags:])
    regs = np.empty((rows, 1 + lags))
    regs[:, 0] = level[lags : n - 1]
    for j in range(1, lags + 1):
        regs[:, j] = diff[lags - j : n - 1 - j]
    return dep, regs


def design_many(paths: FloatArray, lags: int) -> tuple[FloatArray, FloatArray]:
    """:func:`design` for each row of a ``(reps, n)`` array of paths."""
    level = paths - paths[:, :1]
    diff = np.diff(level, axis=1)
    n = level.shape[1]
    rows = n - 1 - lags
    dep = np.ascontiguousarray(diff[:, lags:])
    regs = np.empty((paths.shape[0], rows, 1 + lags))
    regs[:, :, 0] = level[:, lags : n - 1]
    for j in range(1, lags + 1):
        regs[:, :, j] = diff[:, lags - j : n - 1 - j]
    return dep, regs
