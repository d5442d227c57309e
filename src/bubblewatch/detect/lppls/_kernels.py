"""LPPLS kernels: a shared global grid over many windows, then Levenberg–Marquardt.

The model (Filimonov & Sornette 2013, eq. 8) is

    ln p(t) = A + B f + C1 g + C2 h,   f = |tc − t|^m,
    g = f cos(ω ln|tc − t|),   h = f sin(ω ln|tc − t|),

linear in (A, B, C1, C2) once (tc, m, ω) are fixed, so the linear part is solved
exactly from 4 × 4 normal equations and only three parameters are searched.

Sharing. Count back from a window's end, ``k = end − t``, and write
``tc = end + τ``; then ``tc − t = τ + k``. For a fixed (τ, m, ω) the basis
``f, g, h`` is therefore one vector in ``k``, the same for every end date and every
window length. Each grid point's basis is computed once; the data-free sums of the
normal equations (Σf, Σfg, …) are prefix sums over ``k``, read at each window
length; the data sums (Σy f, Σy g, Σy h, Σy, Σy²) are prefix sums over ``k`` for one
end date. Every window of that end date then costs one 4 × 4 solve. Time is
normalised internally by the longest window, ``x = (τ + k) / width``, which leaves
the sum of squared errors unchanged (it rescales B, C and shifts the phase).

Refinement is Levenberg–Marquardt on the reduced (variable-projection) problem
(Golub & Pereyra 1973) with Kaufman's (1975) Jacobian ``J = −P⊥ D``, where column
``D_i = ∂(Φβ)/∂θ_i``; the gradient ``∇SSE = −2 Dᵀr`` is exact. Parameters are kept
in their bounds by projection. Kernels run compiled when numba is available and
as their own pure-Python twins otherwise (see :mod:`bubblewatch.detect._jit`).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from bubblewatch.detect._jit import jit, prange

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

TINY = 1e-12
"""Floor on ``|tc − t|`` (normalised time), so that ``ln`` stays finite at tc = t."""

N_CONST = 10
"""Per grid point and window: the lower triangle of ``M = L⁻¹ S``, where ``S`` equilibrates
the normal matrix ``G`` (data-free: Σ1, Σf, …, Σh²) and ``L Lᵀ = S G S``. Then
``rhsᵀ G⁻¹ rhs = ‖M rhs‖²``, so a window's SSE costs ten multiply-adds."""


@jit()
def _chol_solve(g: Floats, rhs: Floats, out: Floats, work: Floats) -> bool:
    """Solve ``g x = rhs`` for symmetric positive definite ``g`` (upper triangle read).

    The matrix is equilibrated by its diagonal first; a pivot below 1e-13 of its
    scaled diagonal marks the system singular. ``work`` is ``q × (q + 3)`` scratch.
    """
    q = rhs.shape[0]
    for i in range(q):
        if not g[i, i] > 0.0:
            return False
        work[i, q] = 1.0 / math.sqrt(g[i, i])
    for i in range(q):
        for j in range(i + 1):
            s = g[j, i] * work[i, q] * work[j, q]
            for k in range(j):
                s -= work[i, k] * work[j, k]
            if i == j:
                if not s > 1e-13:
                    return False
                work[i, i] = math.sqrt(s)
            else:
                work[i, j] = s / work[j, j]
    for i in range(q):
        s = rhs[i] * work[i, q]
        for k in range(i):
            s -= work[i, k] * work[k, q + 1]
        work[i, q + 1] = s / work[i, i]
    for i in range(q - 1, -1, -1):
        s = work[i, q + 1]
        for k in range(i + 1, q):
            s -= work[k, i] * out[k]
        out[i] = s / work[i, i]
    for i in range(q):
        out[i] *= work[i, q]
    return True


@jit()
def _whitener(n: float, sums: Floats, g: Floats, work: Floats, out: Floats) -> None:
    """Write the lower triangle of ``M = L⁻¹ S`` (row-major) for the normal matrix of
    sums ``(Σf, Σg, Σh, Σf², Σfg, Σfh, Σg², Σgh, Σh²)`` over ``n`` points; NaN if singular."""
    g[0, 0] = n
    g[0, 1] = sums[0]
    g[0, 2] = sums[1]
    g[0, 3] = sums[2]
    g[1, 1] = sums[3]
    g[1, 2] = sums[4]
    g[1, 3] = sums[5]
    g[2, 2] = sums[6]
    g[2, 3] = sums[7]
    g[3, 3] = sums[8]
    for i in range(4):
        if not g[i, i] > 0.0:
            out[0] = math.nan
            return
        work[i, 4] = 1.0 / math.sqrt(g[i, i])
    for i in range(4):
        for j in range(i + 1):
            s = g[j, i] * work[i, 4] * work[j, 4]
            for k in range(j):
                s -= work[i, k] * work[j, k]
            if i == j:
                if not s > 1e-13:
                    out[0] = math.nan
                    return
                work[i, i] = math.sqrt(s)
            else:
                work[i, j] = s / work[j, j]
    # L⁻¹ column by column (forward substitution) into work[:, 5:9].
    for j in range(4):
        work[j, 5 + j] = 1.0 / work[j, j]
        for i in range(j + 1, 4):
            s = 0.0
            for k in range(j, i):
                s += work[i, k] * work[k, 5 + j]
            work[i, 5 + j] = -s / work[i, i]
    p = 0
    for i in range(4):
        for j in range(i + 1):
            out[p] = work[i, 5 + j] * work[j, 4]
            p += 1


@jit(parallel=True)
def grid_basis(
    tau: Floats,
    m: Floats,
    omega: Floats,
    width: float,
    lengths: Ints,
    f_out: Floats,
    g_out: Floats,
    h_out: Floats,
    const_out: Floats,
) -> None:
    """Basis vectors of grid points and, per window length, their whitening matrix.

    ``tau`` is in normalised time (observations / ``width``); ``f_out[i, k]`` is
    ``|τ_i + k/width|^{m_i}`` for ``k < f_out.shape[1]``. ``const_out[i, j]`` holds
    :data:`N_CONST` entries for a window of the first ``lengths[j]`` points
    (``lengths`` ascending).
    """
    kmax = f_out.shape[1]
    for i in prange(tau.shape[0]):
        sums = np.zeros(9)
        g_mat = np.empty((4, 4))
        work = np.empty((4, 9))
        j = 0
        for k in range(kmax):
            x = abs(tau[i] + k / width)
            if x < TINY:
                x = TINY
            lx = math.log(x)
            f = math.exp(m[i] * lx)
            g = f * math.cos(omega[i] * lx)
            h = f * math.sin(omega[i] * lx)
            f_out[i, k] = f
            g_out[i, k] = g
            h_out[i, k] = h
            sums[0] += f
            sums[1] += g
            sums[2] += h
            sums[3] += f * f
            sums[4] += f * g
            sums[5] += f * h
            sums[6] += g * g
            sums[7] += g * h
            sums[8] += h * h
            while j < lengths.shape[0] and lengths[j] == k + 1:
                _whitener(float(k + 1), sums, g_mat, work, const_out[i, j])
                j += 1


@jit(parallel=True)
def grid_scan(
    logp: Floats,
    ends: Ints,
    lengths: Ints,
    tau_lo: Floats,
    tau_hi: Floats,
    tau: Floats,
    f_basis: Floats,
    g_basis: Floats,
    h_basis: Floats,
    const: Floats,
    offset: int,
    best_sse: Floats,
    best_idx: Ints,
) -> None:
    """Fold one block of grid points into each window's running top-K list.

    For end ``ends[e]`` and window ``lengths[j]`` (observations), grid point ``i`` is
    admissible when ``tau_lo[j] <= tau[i] <= tau_hi[j]``. ``best_sse[e, j]`` and
    ``best_idx[e, j]`` (global index ``offset + i``) stay sorted, lowest SSE first;
    ties keep the lower index, so the result does not depend on the thread count.
    """
    n_len = lengths.shape[0]
    top = best_sse.shape[2]
    for e in prange(ends.shape[0]):
        end = ends[e]
        y0 = logp[end]
        for i in range(tau.shape[0]):
            reach = 0
            for j in range(n_len):
                if tau_lo[j] <= tau[i] <= tau_hi[j]:
                    reach = lengths[j]
            if reach == 0:
                continue
            sy = 0.0
            syy = 0.0
            syf = 0.0
            syg = 0.0
            syh = 0.0
            j = 0
            for k in range(reach):
                y = logp[end - k] - y0
                sy += y
                syy += y * y
                syf += y * f_basis[i, k]
                syg += y * g_basis[i, k]
                syh += y * h_basis[i, k]
                while j < n_len and lengths[j] == k + 1:
                    w = const[i, j]
                    if tau_lo[j] <= tau[i] <= tau_hi[j] and not math.isnan(w[0]):
                        z0 = w[0] * sy
                        z1 = w[1] * sy + w[2] * syf
                        z2 = w[3] * sy + w[4] * syf + w[5] * syg
                        z3 = w[6] * sy + w[7] * syf + w[8] * syg + w[9] * syh
                        sse = syy - (z0 * z0 + z1 * z1 + z2 * z2 + z3 * z3)
                        if sse < 0.0:
                            sse = 0.0
                        if sse < best_sse[e, j, top - 1]:
                            p = top - 1
                            while p > 0 and sse < best_sse[e, j, p - 1]:
                                best_sse[e, j, p] = best_sse[e, j, p - 1]
                                best_idx[e, j, p] = best_idx[e, j, p - 1]
                                p -= 1
                            best_sse[e, j, p] = sse
                            best_idx[e, j, p] = offset + i
                    j += 1


@jit()
def evaluate(
    yrev: Floats,
    n: int,
    width: float,
    tau: float,
    m: float,
    omega: float,
    beta: Floats,
    gram: Floats,
    r: Floats,
    work: Floats,
    cache: Floats,
) -> float:
    """SSE of the best linear fit at (τ, m, ω) on ``yrev[:n]`` (``yrev[k] = y(end − k)``).

    Writes (A, B, C1, C2) to ``beta``, the normal matrix to ``gram`` and, per
    point, ``ln|x|``, ``|x|^m``, ``cos(ω ln|x|)`` and ``sin(ω ln|x|)`` to the rows of
    ``cache`` (4 × n). Returns ``inf`` when the normal equations are singular. The
    SSE is summed from the residuals, not from the normal equations, so it is
    accurate to rounding. ``r`` (4) and ``work`` (4 × 7) are scratch space.
    """
    for a in range(4):
        r[a] = 0.0
        for b in range(4):
            gram[a, b] = 0.0
    for k in range(n):
        x = abs(tau + k / width)
        if x < TINY:
            x = TINY
        lx = math.log(x)
        f = math.exp(m * lx)
        co = math.cos(omega * lx)
        si = math.sin(omega * lx)
        cache[0, k] = lx
        cache[1, k] = f
        cache[2, k] = co
        cache[3, k] = si
        g = f * co
        h = f * si
        y = yrev[k]
        gram[0, 1] += f
        gram[0, 2] += g
        gram[0, 3] += h
        gram[1, 1] += f * f
        gram[1, 2] += f * g
        gram[1, 3] += f * h
        gram[2, 2] += g * g
        gram[2, 3] += g * h
        gram[3, 3] += h * h
        r[0] += y
        r[1] += y * f
        r[2] += y * g
        r[3] += y * h
    gram[0, 0] = float(n)
    for a in range(4):
        for b in range(a):
            gram[a, b] = gram[b, a]
    if not _chol_solve(gram, r, beta, work):
        return math.inf
    sse = 0.0
    for k in range(n):
        fit = beta[0] + cache[1, k] * (beta[1] + beta[2] * cache[2, k] + beta[3] * cache[3, k])
        d = yrev[k] - fit
        sse += d * d
    return sse


@jit()
def _clip(value: float, lo: float, hi: float) -> float:
    return lo if value < lo else (hi if value > hi else value)


@jit()
def refine(
    yrev: Floats,
    n: int,
    width: float,
    start: Floats,
    lo: Floats,
    hi: Floats,
    theta: Floats,
    beta: Floats,
    max_iter: int,
    cache: Floats,
) -> float:
    """Levenberg–Marquardt from ``start = (τ, m, ω)`` inside the box ``[lo, hi]``.

    Returns the final SSE and writes the parameters to ``theta`` and the linear
    coefficients to ``beta``. A step is accepted only if it lowers the SSE, so the
    result is never worse than the start. ``cache`` (2 × 4 × n) holds the basis
    of the current point and of the trial point.
    """
    gram = np.empty((4, 4))
    trial_gram = np.empty((4, 4))
    trial_beta = np.empty(4)
    trial = np.empty(3)
    r = np.empty(4)
    work = np.empty((4, 7))
    dd = np.empty((3, 3))
    pd_ = np.empty((4, 3))
    dr = np.empty(3)
    col = np.empty(4)
    sol = np.empty(4)
    hess = np.empty((3, 3))
    system = np.empty((3, 3))
    step = np.empty(3)
    aug = np.empty((3, 4))
    for i in range(3):
        theta[i] = _clip(start[i], lo[i], hi[i])
    cur = 0
    sse = evaluate(yrev, n, width, theta[0], theta[1], theta[2], beta, gram, r, work, cache[cur])
    if not math.isfinite(sse):
        return sse
    lam = 1e-3
    for _ in range(max_iter):
        # Kaufman Jacobian pieces at theta: DᵀD, ΦᵀD, Dᵀr.
        for a in range(3):
            dr[a] = 0.0
            for b in range(3):
                dd[a, b] = 0.0
            for b in range(4):
                pd_[b, a] = 0.0
        tau, m, omega = theta[0], theta[1], theta[2]
        basis = cache[cur]
        for k in range(n):
            x = tau + k / width
            if abs(x) < TINY:
                x = TINY if x >= 0.0 else -TINY
            lx = basis[0, k]
            f = basis[1, k]
            co = basis[2, k]
            si = basis[3, k]
            q = beta[1] + beta[2] * co + beta[3] * si
            p = beta[3] * co - beta[2] * si
            res = yrev[k] - (beta[0] + f * q)
            d0 = f * (m * q + omega * p) / x
            d1 = lx * f * q
            d2 = lx * f * p
            g = f * co
            h = f * si
            dr[0] += d0 * res
            dr[1] += d1 * res
            dr[2] += d2 * res
            pd_[0, 0] += d0
            pd_[0, 1] += d1
            pd_[0, 2] += d2
            pd_[1, 0] += f * d0
            pd_[1, 1] += f * d1
            pd_[1, 2] += f * d2
            pd_[2, 0] += g * d0
            pd_[2, 1] += g * d1
            pd_[2, 2] += g * d2
            pd_[3, 0] += h * d0
            pd_[3, 1] += h * d1
            pd_[3, 2] += h * d2
            dd[0, 0] += d0 * d0
            dd[1, 0] += d1 * d0
            dd[1, 1] += d1 * d1
            dd[2, 0] += d2 * d0
            dd[2, 1] += d2 * d1
            dd[2, 2] += d2 * d2
        # JᵀJ = DᵀD − (ΦᵀD)ᵀ G⁻¹ (ΦᵀD)
        ok = True
        for a in range(3):
            for b in range(4):
                col[b] = pd_[b, a]
            if not _chol_solve(gram, col, sol, work):
                ok = False
                break
            for b in range(a + 1):
                s = 0.0
                for c in range(4):
                    s += pd_[c, b] * sol[c]
                hess[a, b] = dd[a, b] - s
                hess[b, a] = hess[a, b]
        if not ok:
            break
        improved = False
        for _try in range(12):
            for a in range(3):
                for b in range(3):
                    system[a, b] = hess[a, b]
                system[a, a] += lam * max(hess[a, a], 1e-300)
            if not _solve3(system, dr, step, aug):
                lam *= 10.0
                continue
            moved = False
            for a in range(3):
                trial[a] = _clip(theta[a] + step[a], lo[a], hi[a])
                if trial[a] != theta[a]:
                    moved = True
            if not moved:
                break
            value = evaluate(
                yrev,
                n,
                width,
                trial[0],
                trial[1],
                trial[2],
                trial_beta,
                trial_gram,
                r,
                work,
                cache[1 - cur],
            )
            if value < sse:
                gain = (sse - value) / max(sse, 1e-300)
                for a in range(3):
                    theta[a] = trial[a]
                for a in range(4):
                    beta[a] = trial_beta[a]
                    for b in range(4):
                        gram[a, b] = trial_gram[a, b]
                sse = value
                cur = 1 - cur
                lam = max(lam * 0.2, 1e-12)
                improved = gain > 1e-14
                break
            lam *= 8.0
        if not improved:
            break
    return sse


@jit()
def _solve3(a: Floats, b: Floats, out: Floats, m: Floats) -> bool:
    """Solve a 3 × 3 system by Gaussian elimination with partial pivoting (``m``: 3 × 4 scratch)."""
    for i in range(3):
        for j in range(3):
            m[i, j] = a[i, j]
        m[i, 3] = b[i]
    for c in range(3):
        piv = c
        for r in range(c + 1, 3):
            if abs(m[r, c]) > abs(m[piv, c]):
                piv = r
        if not abs(m[piv, c]) > 0.0 or not math.isfinite(m[piv, c]):
            return False
        if piv != c:
            for j in range(4):
                m[c, j], m[piv, j] = m[piv, j], m[c, j]
        for r in range(c + 1, 3):
            factor = m[r, c] / m[c, c]
            for j in range(c, 4):
                m[r, j] -= factor * m[c, j]
    for i in range(2, -1, -1):
        s = m[i, 3]
        for j in range(i + 1, 3):
            s -= m[i, j] * out[j]
        out[i] = s / m[i, i]
    return True


@jit(parallel=True)
def refine_many(
    logp: Floats,
    ends: Ints,
    lengths: Ints,
    width: float,
    starts: Floats,
    lo: Floats,
    hi: Floats,
    max_iter: int,
    theta_out: Floats,
    beta_out: Floats,
    sse_out: Floats,
    error_out: Floats,
) -> None:
    """Refine every (end, window) from each of its starts; keep the lowest SSE.

    ``starts[e, j, s]`` is a (τ, m, ω) triple (NaN when absent); ``lo[j]``/``hi[j]``
    bound window ``j``. Outputs are indexed ``[e, j]``; ``sse_out`` is ``inf`` when
    no start gave a solvable fit. ``error_out`` is the largest relative price error
    ``|p − p̂| / p̂`` of the kept fit.
    """
    n_len = lengths.shape[0]
    nmax = lengths[n_len - 1]
    top = starts.shape[2]
    for flat in prange(ends.shape[0] * n_len):
        e = flat // n_len
        j = flat % n_len
        end = ends[e]
        n = lengths[j]
        yrev = np.empty(nmax)
        y0 = logp[end]
        for k in range(n):
            yrev[k] = logp[end - k] - y0
        theta = np.empty(3)
        beta = np.empty(4)
        cache = np.empty((2, 4, n))
        keep_theta = np.full(3, np.nan)
        keep_beta = np.full(4, np.nan)
        best = math.inf
        for s in range(top):
            if not math.isfinite(starts[e, j, s, 0]):
                continue
            value = refine(
                yrev, n, width, starts[e, j, s], lo[j], hi[j], theta, beta, max_iter, cache
            )
            if value < best:
                best = value
                for a in range(3):
                    keep_theta[a] = theta[a]
                for a in range(4):
                    keep_beta[a] = beta[a]
        sse_out[e, j] = best
        for a in range(3):
            theta_out[e, j, a] = keep_theta[a]
        beta_out[e, j, 0] = keep_beta[0] + y0
        for a in range(1, 4):
            beta_out[e, j, a] = keep_beta[a]
        error_out[e, j] = math.nan
        if math.isfinite(best):
            error_out[e, j] = _max_relative_error(yrev, n, width, keep_theta, keep_beta)


@jit()
def _max_relative_error(yrev: Floats, n: int, width: float, theta: Floats, beta: Floats) -> float:
    """``max |p − p̂| / p̂`` over the window: ``exp(max r) − 1`` or ``1 − exp(min r)``."""
    top = -math.inf
    bottom = math.inf
    for k in range(n):
        x = abs(theta[0] + k / width)
        if x < TINY:
            x = TINY
        lx = math.log(x)
        f = math.exp(theta[1] * lx)
        fit = beta[0] + f * (
            beta[1] + beta[2] * math.cos(theta[2] * lx) + beta[3] * math.sin(theta[2] * lx)
        )
        r = yrev[k] - fit
        top = max(top, r)
        bottom = min(bottom, r)
    return max(math.exp(top) - 1.0, 1.0 - math.exp(bottom))
