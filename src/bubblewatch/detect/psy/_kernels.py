"""Recursive ADF kernels: every window's t statistic in O(n²) total work.

For a fixed end row ``r2`` the windows ``[r1, r2]`` are visited from the shortest
to the longest by adding one regression row at a time to a running,
mean-centred cross-product matrix (the multivariate form of Welford's update,
Welford 1962; Chan, Golub & LeVeque 1983). Centring absorbs the intercept and
keeps long windows of large price levels accurate: no raw sums of squares are
ever differenced. Each window then costs one Cholesky factorisation of a
``q × q`` matrix (``q = 1 + lags``), and because the candidate ADF models are
nested (lag 0, 1, …, ``lags``), one factorisation serves all of them when the
lag is chosen by an information criterion.

For nested models with regressors ``x_1..x_m`` (``x_1 = y_{t-1}``) and Cholesky
factor ``L`` of the centred cross-product ``S_xx``:

* ``z = L⁻¹ S_xd`` gives ``SSR_m = S_dd − Σ_{i<m} z_i²``;
* ``v = L⁻¹ e_1`` gives ``(S_xx,m)⁻¹_{11} = Σ_{i<m} v_i²`` and
  ``β̂_1 = Σ_{i<m} v_i z_i``,

so the ADF t statistic of model ``m`` is ``β̂_1 / sqrt(SSR_m / (rows − m − 1) ·
Σ v_i²)``. The code is written in the subset of Python that numba compiles; with
the JIT off the very same functions run as their own pure-Python twin.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from bubblewatch.detect._jit import jit, prange

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

FIXED = 0
AIC = 1
BIC = 2


@jit()
def _window_t(
    moments: Floats, count: int, q: int, select: int, chol: Floats, z: Floats, v: Floats
) -> float:
    """ADF t statistic from the centred moments of one window (NaN if singular).

    ``moments`` holds, in its lower triangle, the ``(q + 1) × (q + 1)`` centred
    cross-product of ``[x_1 … x_q, Δy]``; ``select`` is FIXED (use all ``q`` regressors), AIC or
    BIC (choose the number of lagged differences per window).
    """
    good = 0
    for i in range(q):
        s = moments[i, i]
        for k in range(i):
            s -= chol[i, k] * chol[i, k]
        if not s > 1e-13 * moments[i, i] or not s > 0.0:
            break
        d = math.sqrt(s)
        chol[i, i] = d
        for j in range(i + 1, q):
            s2 = moments[j, i]
            for k in range(i):
                s2 -= chol[j, k] * chol[i, k]
            chol[j, i] = s2 / d
        good += 1
    if good == 0 or (select == FIXED and good < q):
        return math.nan
    for i in range(good):
        s = moments[q, i]
        w = 1.0 if i == 0 else 0.0
        for k in range(i):
            s -= chol[i, k] * z[k]
            w -= chol[i, k] * v[k]
        z[i] = s / chol[i, i]
        v[i] = w / chol[i, i]
    best_t = math.nan
    best_ic = math.inf
    ssr = moments[q, q]
    beta = 0.0
    c11 = 0.0
    first = q if select == FIXED else 1
    for m in range(1, good + 1):
        ssr -= z[m - 1] * z[m - 1]
        beta += v[m - 1] * z[m - 1]
        c11 += v[m - 1] * v[m - 1]
        if m < first:
            continue
        dof = count - m - 1
        if dof <= 0 or not ssr > 0.0:
            continue
        t: float = beta / math.sqrt(ssr / dof * c11)
        if select == FIXED:
            return t
        penalty = 2.0 if select == AIC else math.log(count)
        ic = math.log(ssr / count) + penalty * (m + 1) / count
        if ic < best_ic:
            best_ic = ic
            best_t = t
    return best_t


@jit()
def _scatter(
    ts: Floats, r2: int, widths: Ints, last_rows: Ints, offsets: Ints, bsadf: Floats
) -> None:
    """Write the suprema over window lengths ``≥ widths[k]`` from ``ts[length]``."""
    wlo = widths[widths.shape[0] - 1]
    length_all = r2 + 1
    running = math.nan
    k = 0
    nk = widths.shape[0]
    while k < nk and widths[k] > length_all:
        k += 1
    for length in range(length_all, wlo - 1, -1):
        t = ts[length]
        if t == t and not running >= t:
            running = t
        while k < nk and widths[k] == length:
            if r2 <= last_rows[k]:
                bsadf[offsets[k] + r2 - widths[k] + 1] = running
            k += 1


@jit()
def _end_point_ar1(
    dep: Floats,
    x: Floats,
    r2: int,
    widths: Ints,
    last_rows: Ints,
    offsets: Ints,
    badf: Floats,
    bsadf: Floats,
    ts: Floats,
    inv: Floats,
    root_dof: Floats,
) -> None:
    """:func:`_end_point` specialised to no lagged differences and a fixed lag.

    With one regressor the centred moments are three scalars and the t statistic
    is ``S_xd · sqrt(rows − 2) / sqrt(S_xx S_dd − S_xd²)``.
    """
    wlo = widths[widths.shape[0] - 1]
    single = widths.shape[0] == 1
    mean_x = 0.0
    mean_d = 0.0
    sxx = 0.0
    sxd = 0.0
    sdd = 0.0
    best = math.nan
    t = math.nan
    for r1 in range(r2, -1, -1):
        count = r2 - r1 + 1
        w = inv[count]
        dx = x[r1] - mean_x
        dd = dep[r1] - mean_d
        mean_x += dx * w
        mean_d += dd * w
        f = (count - 1) * w
        sxx += f * dx * dx
        sxd += f * dx * dd
        sdd += f * dd * dd
        if count >= wlo:
            den = sxx * sdd - sxd * sxd
            t = sxd * root_dof[count] / math.sqrt(den) if den > 0.0 else math.nan
            if single:
                if t == t and not best >= t:
                    best = t
            else:
                ts[count] = t
    badf[r2] = t
    if single:
        if r2 <= last_rows[0]:
            bsadf[offsets[0] + r2 - wlo + 1] = best
    else:
        _scatter(ts, r2, widths, last_rows, offsets, bsadf)


@jit()
def _end_point(
    dep: Floats,
    regs: Floats,
    r2: int,
    widths: Ints,
    last_rows: Ints,
    offsets: Ints,
    select: int,
    badf: Floats,
    bsadf: Floats,
    ts: Floats,
    work: Floats,
) -> None:
    """Every window ending at row ``r2``; fills ``badf[r2]`` and the BSADF entries.

    ``widths`` (descending) are minimum windows in rows; for threshold ``k`` the
    supremum over windows of at least ``widths[k]`` rows is written to
    ``bsadf[offsets[k] + r2 - widths[k] + 1]`` when ``r2 <= last_rows[k]``.
    """
    q = regs.shape[1]
    wlo = widths[widths.shape[0] - 1]
    mean = work[0]
    moments = work[1 : q + 2]
    chol = work[q + 2 : 2 * q + 2]
    z = work[2 * q + 2]
    v = work[2 * q + 3]
    row = work[2 * q + 4]
    for i in range(q + 1):
        mean[i] = 0.0
        for j in range(q + 1):
            moments[i, j] = 0.0
    for r1 in range(r2, -1, -1):
        count = r2 - r1 + 1
        for i in range(q):
            row[i] = regs[r1, i]
        row[q] = dep[r1]
        for i in range(q + 1):
            delta = row[i] - mean[i]
            mean[i] += delta / count
            row[i] = delta  # keep the pre-update deviation
        for i in range(q + 1):
            after_i = row[i] * (count - 1) / count
            for j in range(i + 1):
                moments[i, j] += after_i * row[j]
        if count >= wlo:
            ts[count] = _window_t(moments, count, q, select, chol, z, v)
    length_all = r2 + 1
    badf[r2] = ts[length_all]
    _scatter(ts, r2, widths, last_rows, offsets, bsadf)


@jit()
def _tables(nr: int) -> tuple[Floats, Floats]:
    """``1/count`` and ``sqrt(count − 2)`` for window sizes up to ``nr``."""
    inv = np.zeros(nr + 2)
    root_dof = np.zeros(nr + 2)
    for count in range(1, nr + 2):
        inv[count] = 1.0 / count
        root_dof[count] = math.sqrt(max(count - 2, 0))
    return inv, root_dof


@jit()
def _one_end(
    dep: Floats,
    regs: Floats,
    x: Floats,
    r2: int,
    widths: Ints,
    last_rows: Ints,
    offsets: Ints,
    select: int,
    badf: Floats,
    bsadf: Floats,
    ts: Floats,
    work: Floats,
    inv: Floats,
    root_dof: Floats,
) -> None:
    """Dispatch one end row to the AR(1) fast path or the general kernel."""
    if regs.shape[1] == 1 and select == FIXED:
        _end_point_ar1(dep, x, r2, widths, last_rows, offsets, badf, bsadf, ts, inv, root_dof)
    else:
        _end_point(dep, regs, r2, widths, last_rows, offsets, select, badf, bsadf, ts, work)


@jit(parallel=True)
def sweep(
    dep: Floats, regs: Floats, widths: Ints, last_rows: Ints, offsets: Ints, select: int, total: int
) -> tuple[Floats, Floats]:
    """All windows of one series, parallel over end rows (balanced in pairs).

    Returns ``(badf, bsadf)``: ``badf`` has one entry per row (NaN before the
    smallest minimum window), ``bsadf`` the ragged BSADF sequences of every
    threshold, ``total`` entries long.
    """
    nr = dep.shape[0]
    q = regs.shape[1]
    first = widths[widths.shape[0] - 1] - 1
    badf = np.full(nr, np.nan)
    bsadf = np.full(total, np.nan)
    inv, root_dof = _tables(nr)
    x = np.ascontiguousarray(regs[:, 0])
    pairs = (nr - first + 1) // 2
    for i in prange(pairs):
        ts = np.empty(nr + 1)
        work = np.empty((2 * q + 5, q + 1))
        low = first + i
        high = nr - 1 - i
        for k in range(1 if high == low else 2):
            r2 = low if k == 0 else high
            _one_end(
                dep,
                regs,
                x,
                r2,
                widths,
                last_rows,
                offsets,
                select,
                badf,
                bsadf,
                ts,
                work,
                inv,
                root_dof,
            )
    return badf, bsadf


@jit(parallel=True)
def sweep_many(
    dep: Floats, regs: Floats, widths: Ints, last_rows: Ints, offsets: Ints, select: int, total: int
) -> tuple[Floats, Floats]:
    """:func:`sweep` for many series of equal length, parallel over series.

    ``dep`` is ``(reps, rows)`` and ``regs`` ``(reps, rows, q)``; returns
    ``badf (reps, rows)`` and ``bsadf (reps, total)``.
    """
    reps, nr = dep.shape
    q = regs.shape[2]
    first = widths[widths.shape[0] - 1] - 1
    badf = np.full((reps, nr), np.nan)
    bsadf = np.full((reps, total), np.nan)
    inv, root_dof = _tables(nr)
    for b in prange(reps):
        ts = np.empty(nr + 1)
        work = np.empty((2 * q + 5, q + 1))
        x = np.ascontiguousarray(regs[b, :, 0])
        for r2 in range(first, nr):
            _one_end(
                dep[b],
                regs[b],
                x,
                r2,
                widths,
                last_rows,
                offsets,
                select,
                badf[b],
                bsadf[b],
                ts,
                work,
                inv,
                root_dof,
            )
    return badf, bsadf
