"""The global search: a seeded grid over (tc, m, ω) shared by windows, then refinement.

One grid serves every end date and every window length (see :mod:`._kernels`).
Its cells are fixed by the search space; a seeded Cranley–Patterson shift
(Cranley & Patterson 1976) moves every grid point by the same random fraction
of a cell, so a seed changes the starts reproducibly and nothing else. The
offsets ``τ = tc − end`` are spaced quadratically away from the end date, which
gives short windows (whose admissible tc range is narrow) as many grid points
as long ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bubblewatch.detect.lppls import _kernels
from bubblewatch.detect.lppls.space import SearchSpace

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

BLOCK = 256
"""Grid points whose basis vectors are held in memory at once."""

M_FLOOR = 1e-3
"""Smallest m the refinement may reach: at m = 0 the power term equals the intercept."""


@dataclass(frozen=True)
class GridSize:
    """Cells of the global grid along tc, m and ω, and the starts refined per window."""

    tc: int
    m: int
    omega: int
    starts: int = 3
    max_iter: int = 100


FIT_GRID = GridSize(tc=24, m=12, omega=64, starts=5)
"""Single fits: a fine grid, five refined starts."""

SCAN_GRID = GridSize(tc=12, m=8, omega=40, starts=3, max_iter=40)
"""Indicator scans: thousands of windows, each refined from its three best cells."""


@dataclass(frozen=True)
class SearchResult:
    """Best fit per (end, window): (τ, m, ω) with τ in observations after the end date,
    linear coefficients (A, B, C1, C2) in observation time, and the SSE."""

    theta: Floats
    beta: Floats
    sse: Floats
    relative_error: Floats


def grid_points(space: SearchSpace, longest: int, size: GridSize, seed: int) -> Floats:
    """The grid as rows of (τ, m, ω), τ in observations after the end date."""
    shift = np.random.default_rng(seed).random(3)
    span = float(longest - 1)
    before = space.tc[0] * span
    after = space.tc[1] * span
    total = np.sqrt(before) + np.sqrt(after)
    n_before = round(size.tc * np.sqrt(before) / total) if total > 0 else 0
    n_after = max(size.tc - n_before, 1)
    taus = []
    if n_before:
        u = (np.arange(n_before) + shift[0]) / n_before
        taus.append(-before * u[::-1] ** 2)
    u = (np.arange(n_after) + shift[0]) / n_after
    taus.append(after * u**2)
    tau = np.concatenate(taus)
    m = space.m[0] + (space.m[1] - space.m[0]) * (np.arange(size.m) + shift[1]) / size.m
    omega = (
        space.omega[0]
        + (space.omega[1] - space.omega[0]) * (np.arange(size.omega) + shift[2]) / size.omega
    )
    t, mm, w = np.meshgrid(tau, m, omega, indexing="ij")
    return np.column_stack([t.ravel(), mm.ravel(), w.ravel()])


def bounds(space: SearchSpace, lengths: Ints) -> tuple[Floats, Floats]:
    """Per-window lower and upper bounds of (τ, m, ω), τ in observations."""
    span = lengths.astype(float) - 1.0
    lo = np.column_stack(
        [
            -space.tc[0] * span,
            np.full(span.shape, max(space.m[0], M_FLOOR)),
            np.full(span.shape, space.omega[0]),
        ]
    )
    hi = np.column_stack(
        [
            space.tc[1] * span,
            np.full(span.shape, space.m[1]),
            np.full(span.shape, space.omega[1]),
        ]
    )
    return lo, hi


def search(
    logp: Floats,
    ends: Ints,
    lengths: Ints,
    space: SearchSpace,
    size: GridSize,
    seed: int,
) -> SearchResult:
    """Best LPPLS fit of every window ``[end − n + 1, end]`` for each end and length ``n``.

    ``lengths`` must be ascending; every end must have ``lengths[-1]`` observations
    up to and including it.
    """
    width = float(lengths[-1])
    grid = grid_points(space, int(lengths[-1]), size, seed)
    lo, hi = bounds(space, lengths)
    lo_n = lo[:, 0] / width
    hi_n = hi[:, 0] / width
    top = size.starts
    best_sse = np.full((ends.size, lengths.size, top), np.inf)
    best_idx = np.full((ends.size, lengths.size, top), -1, dtype=np.int64)
    nmax = int(lengths[-1])
    for offset in range(0, grid.shape[0], BLOCK):
        block = grid[offset : offset + BLOCK]
        tau = np.ascontiguousarray(block[:, 0] / width)
        f = np.empty((block.shape[0], nmax))
        g = np.empty_like(f)
        h = np.empty_like(f)
        const = np.empty((block.shape[0], lengths.size, _kernels.N_CONST))
        _kernels.grid_basis(
            tau,
            np.ascontiguousarray(block[:, 1]),
            np.ascontiguousarray(block[:, 2]),
            width,
            lengths,
            f,
            g,
            h,
            const,
        )
        _kernels.grid_scan(
            logp, ends, lengths, lo_n, hi_n, tau, f, g, h, const, offset, best_sse, best_idx
        )
    starts = np.full((ends.size, lengths.size, top, 3), np.nan)
    found = best_idx >= 0
    picked = grid[np.where(found, best_idx, 0)]
    picked[..., 0] /= width
    starts[found] = picked[found]
    lo_k = lo.copy()
    hi_k = hi.copy()
    lo_k[:, 0] /= width
    hi_k[:, 0] /= width
    theta = np.full((ends.size, lengths.size, 3), np.nan)
    beta = np.full((ends.size, lengths.size, 4), np.nan)
    sse = np.full((ends.size, lengths.size), np.inf)
    error = np.full((ends.size, lengths.size), np.nan)
    _kernels.refine_many(
        logp, ends, lengths, width, starts, lo_k, hi_k, size.max_iter, theta, beta, sse, error
    )
    return SearchResult(*to_observation_time(theta, beta, width), sse, error)


def to_observation_time(theta: Floats, beta: Floats, width: float) -> tuple[Floats, Floats]:
    """Undo the time normalisation: τ in observations; B, C1, C2 for ``|tc − t|`` in observations.

    With ``x = (tc − t)/width``: ``x^m = |tc − t|^m · width^{−m}`` and
    ``ln x = ln|tc − t| − ln width``, so B scales by ``width^{−m}`` and (C1, C2)
    rotate by the phase ``ω ln width`` and scale by ``width^{−m}``.
    """
    theta = theta.copy()
    beta = beta.copy()
    m = theta[..., 1]
    omega = theta[..., 2]
    scale = width ** (-m)
    shift = omega * np.log(width)
    c1 = beta[..., 2].copy()
    c2 = beta[..., 3].copy()
    # C cos(ω ln x − φ) with ln x = ln|tc−t| − ln width: φ_obs = φ + ω ln width.
    cos_s, sin_s = np.cos(shift), np.sin(shift)
    beta[..., 1] = beta[..., 1] * scale
    beta[..., 2] = (c1 * cos_s - c2 * sin_s) * scale
    beta[..., 3] = (c1 * sin_s + c2 * cos_s) * scale
    theta[..., 0] = theta[..., 0] * width
    return theta, beta
