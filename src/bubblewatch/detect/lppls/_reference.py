"""The slow, obvious LPPLS fit the kernels are tested against.

Each window is fitted on its own: at every grid point the design matrix
``[1, f, g, h]`` is built in observation time and solved by least squares
(:func:`numpy.linalg.lstsq`); the best cells then start SciPy's bounded
Nelder–Mead. Nothing is shared between windows, normalised or accumulated.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bubblewatch.detect.lppls import _search
from bubblewatch.detect.lppls.space import SearchSpace

Floats = npt.NDArray[np.float64]


def window_sse(y: Floats, tau: float, m: float, omega: float) -> tuple[float, Floats]:
    """SSE and (A, B, C1, C2) of the best linear fit; ``y`` runs forward in time and
    ``tc = (last observation) + tau``."""
    n = y.size
    x = np.maximum(np.abs(tau + np.arange(n)[::-1].astype(float)), 1e-12)
    power = x**m
    design = np.column_stack(
        [np.ones(n), power, power * np.cos(omega * np.log(x)), power * np.sin(omega * np.log(x))]
    )
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    return float(resid @ resid), np.asarray(coef, dtype=float)


def grid_sse(y: Floats, grid: Floats, tau_lo: float, tau_hi: float) -> Floats:
    """SSE at every grid row (τ, m, ω); ``inf`` where τ is outside ``[tau_lo, tau_hi]``."""
    out = np.full(grid.shape[0], np.inf)
    for i, (tau, m, omega) in enumerate(grid):
        if tau_lo <= tau <= tau_hi:
            out[i] = window_sse(y, tau, m, omega)[0]
    return out


def fit_window(
    logp: Floats,
    end: int,
    n: int,
    space: SearchSpace,
    size: _search.GridSize,
    seed: int,
    longest: int | None = None,
) -> tuple[float, Floats]:
    """Reference best fit of window ``[end − n + 1, end]``: SSE and (τ, m, ω).

    The grid is the one :func:`._search.search` uses for windows up to
    ``longest`` observations (default ``n``).
    """
    from scipy.optimize import minimize

    y = logp[end - n + 1 : end + 1]
    grid = _search.grid_points(space, longest or n, size, seed)
    lo, hi = _search.bounds(space, np.array([n], dtype=np.int64))
    sse = grid_sse(y, grid, lo[0, 0], hi[0, 0])
    order = np.argsort(sse, kind="stable")[: size.starts]
    best_sse, best = np.inf, np.full(3, np.nan)
    for i in order:
        if not np.isfinite(sse[i]):
            continue
        result = minimize(
            lambda p: window_sse(y, *p)[0],
            grid[i],
            method="Nelder-Mead",
            bounds=list(zip(lo[0], hi[0], strict=True)),
            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000},
        )
        if result.fun < best_sse:
            best_sse, best = float(result.fun), np.asarray(result.x)
    return best_sse, best
