"""Critical values for the PSY statistics: Monte Carlo and two wild bootstraps.

Methods
-------
``"mc"``
    Finite-sample Monte Carlo under the null of PSY (2015, Section 5): Gaussian
    random walks, ``y_t = y_{t−1} + ε_t``. The ADF statistic with an intercept is
    invariant to the level, so one path of length ``N`` contains the null path
    of every shorter sample: :func:`critical_value_table` reads the statistics of
    many sample sizes off one pass (nested windows).
``"wild"``
    Harvey, Leybourne, Sollis & Taylor (2016, *J. Empirical Finance* 38,
    548–574), Section 3: ``y*_t = Σ_{s≤t} w_s Δy_s`` with ``w_s ~ N(0, 1)``,
    which keeps the data's (possibly non-stationary) volatility under the null.
``"wild-ps"``
    Phillips & Shi (2020, "Real-time monitoring of asset markets", *Handbook of
    Statistics* 42, Section 3.2): fit the null ``Δy_t = α + Σ φ_j Δy_{t−j} + e_t``,
    then ``Δy*_t = Σ φ̂_j Δy*_{t−j} + w_t ê_{ℓ_t}`` with ``ℓ_t`` drawn uniformly and
    ``w_t ~ N(0, 1)``. Its family-wise critical value over a monitoring horizon
    of ``τ_b`` points (quantiles of ``max`` BSADF over the first ``τ_b`` points,
    i.e. a bootstrap sample of ``τ_0 + τ_b − 1`` rows) controls size and
    multiplicity over that horizon.

BSADF critical-value sequences (both published rules, selectable by name):

``"pointwise"``
    Quantiles of BSADF itself at each end point ``r2``: the rule of PSY's own
    simulations, which reproduces the episodes of their Section 6.
``"cummax"``
    PSY (2015, eq. 10) read as "the critical value of the sup ADF statistic
    based on ``⌊T r2⌋`` observations": quantiles of the running maximum of the
    BADF path (the SADF distribution at each sample size), as exuber computes it.
    Stricter than ``"pointwise"``.
``"familywise"``
    One constant: quantiles of the maximum of BSADF over the monitoring horizon
    (Phillips & Shi 2020).

p-values are ``(1 + #{draws ≥ stat}) / (reps + 1)`` (Davison & Hinkley 1997,
eq. 4.11).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch._typing import CRITICAL_VALUE_METHODS, BsadfRule, CriticalValueMethod, LagSelection
from bubblewatch.detect.psy import _kernels
from bubblewatch.detect.psy._design import FloatArray, design_many
from bubblewatch.detect.psy._input import Spec, as_series, default_min_window, make_spec
from bubblewatch.detect.psy.result import PSYResult
from bubblewatch.errors import SpecificationError

LEVELS = (0.90, 0.95, 0.99)
LABELS = ("90%", "95%", "99%")
CHUNK = 64
TABLE_FILE = "mc_lag0.npz"
_SELECT = {None: _kernels.FIXED, "aic": _kernels.AIC, "bic": _kernels.BIC}

Progress = Callable[[int], None]
PathMaker = Callable[[np.random.Generator, int], FloatArray]


def _quantiles(draws: FloatArray) -> dict[str, float]:
    return dict(zip(LABELS, (float(q) for q in np.nanquantile(draws, LEVELS)), strict=True))


def _sequence(draws: FloatArray) -> pd.DataFrame:
    return pd.DataFrame(np.nanquantile(draws, LEVELS, axis=0).T, columns=list(LABELS))


def data_digest(series: pd.Series) -> str:
    """A short fingerprint of a series' values, to tie bootstrap values to their data."""
    return hashlib.sha256(np.ascontiguousarray(series.to_numpy(dtype=float)).tobytes()).hexdigest()[
        :16
    ]


@dataclass(frozen=True, eq=False)
class CriticalValues:
    """Critical values for one specification (T, minimum window, lags).

    Scalars are keyed ``"90%"``, ``"95%"``, ``"99%"``; sequences are DataFrames
    with those columns, one row per BADF/BSADF entry (position ``j`` matches
    ``PSYResult.bsadf.iloc[j]``).
    """

    nobs: int
    min_window: int
    lags: int
    lag_selection: LagSelection | None
    method: CriticalValueMethod
    reps: int
    seed: int | None
    horizon: int
    adf: dict[str, float]
    sadf: dict[str, float]
    gsadf: dict[str, float]
    familywise: dict[str, float]
    badf: pd.DataFrame
    bsadf_cummax: pd.DataFrame
    bsadf_pointwise: pd.DataFrame
    sadf_draws: FloatArray = field(repr=False)
    gsadf_draws: FloatArray = field(repr=False)
    source: str = "simulated"
    data_digest: str | None = None

    def describe(self) -> str:
        """One line: method, replications, seed and origin."""
        names = {
            "mc": "Monte Carlo",
            "wild": "wild bootstrap (HLST 2016)",
            "wild-ps": "wild bootstrap (Phillips & Shi 2020)",
        }
        return f"{names[self.method]}, {self.reps} replications, seed {self.seed}, {self.source}"

    def sequence(self, rule: BsadfRule = "pointwise") -> pd.DataFrame:
        """The BSADF critical-value sequence under one of the published rules."""
        if rule == "cummax":
            return self.bsadf_cummax
        if rule == "pointwise":
            return self.bsadf_pointwise
        if rule == "familywise":
            values = [[self.familywise[k] for k in LABELS]] * len(self.bsadf_cummax)
            return pd.DataFrame(values, columns=list(LABELS))
        raise SpecificationError(
            f"rule must be 'pointwise', 'cummax' or 'familywise', got {rule!r}"
        )

    def pvalue(self, statistic: float, which: str = "gsadf") -> float:
        """Simulated p-value of a SADF or GSADF statistic."""
        if which == "sadf":
            draws = self.sadf_draws
        elif which == "gsadf":
            draws = self.gsadf_draws
        else:
            raise SpecificationError(f"p-values exist for 'sadf' and 'gsadf', not {which!r}")
        return float((1 + np.count_nonzero(draws >= statistic)) / (draws.size + 1))

    def check(self, result: PSYResult) -> None:
        """Raise unless these values were made for ``result``'s specification."""
        mine = (self.nobs, self.min_window, self.lags, self.lag_selection)
        theirs = (result.nobs, result.min_window, result.lags, result.lag_selection)
        if mine != theirs:
            raise SpecificationError(
                "critical values do not match the result: made for T={}, min_window={}, "
                "lags={}, lag_selection={}; the result has T={}, min_window={}, lags={}, "
                "lag_selection={}".format(*mine, *theirs)
            )
        if self.data_digest is not None and self.data_digest != data_digest(result.series):
            raise SpecificationError(
                f"these {self.method} critical values were bootstrapped from other data "
                "than the tested series"
            )

    def to_frame(self) -> pd.DataFrame:
        """The BADF and BSADF critical-value sequences side by side."""
        parts = {
            "badf": self.badf,
            "bsadf_cummax": self.bsadf_cummax,
            "bsadf_pointwise": self.bsadf_pointwise,
        }
        return pd.concat(parts, axis=1)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary (scalars and the sequences)."""
        return {
            "nobs": self.nobs,
            "min_window": self.min_window,
            "lags": self.lags,
            "lag_selection": self.lag_selection,
            "method": self.method,
            "reps": self.reps,
            "seed": self.seed,
            "horizon": self.horizon,
            "source": self.source,
            "adf": self.adf,
            "sadf": self.sadf,
            "gsadf": self.gsadf,
            "familywise": self.familywise,
            "badf": self.badf.to_dict(orient="list"),
            "bsadf_cummax": self.bsadf_cummax.to_dict(orient="list"),
            "bsadf_pointwise": self.bsadf_pointwise.to_dict(orient="list"),
        }

    def summary(self) -> str:
        """A plain-text table of the scalar critical values."""
        lines = [
            f"PSY critical values: T = {self.nobs}, minimum window = {self.min_window}, "
            f"lags = {self.lags}" + (f" ({self.lag_selection})" if self.lag_selection else ""),
            self.describe(),
            f"{'':>11} {'90%':>8} {'95%':>8} {'99%':>8}",
        ]
        for key in ("adf", "sadf", "gsadf", "familywise"):
            row = getattr(self, key)
            lines.append(f"{key.upper():>11} " + " ".join(f"{row[k]:8.4f}" for k in LABELS))
        lines.append(f"family-wise horizon: {self.horizon} BSADF points")
        return "\n".join(lines)


def _resolve_seed(seed: int | None) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise SpecificationError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _check_reps(reps: int) -> int:
    if isinstance(reps, bool) or not isinstance(reps, int | np.integer) or reps < 20:
        raise SpecificationError(f"reps must be an integer of at least 20, got {reps!r}")
    return int(reps)


def _simulate(
    specs: Sequence[Spec],
    length: int,
    reps: int,
    seed: int,
    make_paths: PathMaker,
    progress: Progress | None,
) -> tuple[FloatArray, FloatArray]:
    """BADF per row and the ragged BSADF sequences of ``specs`` for ``reps`` paths.

    All ``specs`` share the lag specification; paths are ``length`` long, drawn
    in chunks of :data:`CHUNK` from one generator, so results do not depend on
    the number of threads.
    """
    order = sorted(range(len(specs)), key=lambda i: -specs[i].min_window)
    widths = np.array([specs[i].min_window for i in order], dtype=np.int64)
    last = np.array([specs[i].rows - 1 for i in order], dtype=np.int64)
    sizes = np.array([specs[i].points for i in order], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    total = int(sizes.sum())
    lags, selection = specs[0].lags, _SELECT[specs[0].lag_selection]
    rng = np.random.default_rng(seed)
    rows = length - 1 - lags
    badf = np.empty((reps, rows))
    ragged = np.empty((reps, total))
    for start in range(0, reps, CHUNK):
        count = min(CHUNK, reps - start)
        dep, regs = design_many(make_paths(rng, count), lags)
        b, bs = _kernels.sweep_many(dep, regs, widths, last, offsets, selection, total)
        badf[start : start + count] = b
        ragged[start : start + count] = bs
        if progress is not None:
            progress(count)
    return badf, _reorder(ragged, [int(s) for s in sizes], order)


def _reorder(block: FloatArray, sizes: list[int], order: list[int]) -> FloatArray:
    """Split a ragged block stored in ``order`` into the callers' original order."""
    pieces: dict[int, FloatArray] = {}
    pos = 0
    for k, i in enumerate(order):
        pieces[i] = block[:, pos : pos + sizes[k]]
        pos += sizes[k]
    return np.concatenate([pieces[i] for i in range(len(order))], axis=1)


def _summarise(
    spec: Spec,
    badf: FloatArray,
    bsadf: FloatArray,
    *,
    method: CriticalValueMethod,
    reps: int,
    seed: int,
    horizon: int | None,
    digest: str | None = None,
) -> CriticalValues:
    h = spec.points if horizon is None else horizon
    sadf_draws = np.sort(np.nanmax(badf, axis=1))
    gsadf_draws = np.sort(np.nanmax(bsadf, axis=1))
    return CriticalValues(
        nobs=spec.nobs,
        min_window=spec.min_window,
        lags=spec.lags,
        lag_selection=spec.lag_selection,
        method=method,
        reps=reps,
        seed=seed,
        horizon=h,
        adf=_quantiles(badf[:, -1]),
        sadf=_quantiles(sadf_draws),
        gsadf=_quantiles(gsadf_draws),
        familywise=_quantiles(np.nanmax(bsadf[:, :h], axis=1)),
        badf=_sequence(badf),
        bsadf_cummax=_sequence(np.fmax.accumulate(badf, axis=1)),
        bsadf_pointwise=_sequence(bsadf),
        sadf_draws=sadf_draws,
        gsadf_draws=gsadf_draws,
        data_digest=digest,
    )


def _random_walks(n: int) -> PathMaker:
    def make(rng: np.random.Generator, count: int) -> FloatArray:
        return np.cumsum(rng.standard_normal((count, n)), axis=1)

    return make


def _wild_hlst(y: FloatArray) -> PathMaker:
    dy = np.diff(y)

    def make(rng: np.random.Generator, count: int) -> FloatArray:
        steps = rng.standard_normal((count, dy.size)) * dy
        paths = np.zeros((count, dy.size + 1))
        np.cumsum(steps, axis=1, out=paths[:, 1:])
        return paths

    return make


def null_ar(
    y: FloatArray, lags: int, lag_selection: LagSelection | None
) -> tuple[FloatArray, FloatArray]:
    """Fit ``Δy_t = α + Σ_{j≤k} φ_j Δy_{t−j} + e_t`` by OLS; return ``(φ̂, ê)``.

    ``k = lags``, or the order up to ``lags`` minimising AIC/BIC on common rows.
    """
    dy = np.diff(y)
    rows = dy.size - lags
    target = dy[lags:]
    lagged = (
        np.column_stack([dy[lags - j : dy.size - j] for j in range(1, lags + 1)])
        if lags
        else np.empty((rows, 0))
    )
    best: tuple[float, Any, Any] | None = None
    orders = range(lags + 1) if lag_selection is not None else [lags]
    for k in orders:
        x = np.column_stack([np.ones(rows), lagged[:, :k]])
        beta, *_ = np.linalg.lstsq(x, target, rcond=None)
        resid = target - x @ beta
        penalty = 2.0 if lag_selection == "aic" else float(np.log(rows))
        ic = float(np.log(resid @ resid / rows) + penalty * (k + 1) / rows)
        if best is None or ic < best[0]:
            best = (ic, beta[1:], resid)
    assert best is not None
    return best[1], best[2] - best[2].mean()


def _wild_ps(y: FloatArray, lags: int, lag_selection: LagSelection | None) -> PathMaker:
    phi, resid = null_ar(y, lags, lag_selection)
    k = phi.size
    dy = np.diff(y)

    def make(rng: np.random.Generator, count: int) -> FloatArray:
        picks = rng.integers(0, resid.size, size=(count, dy.size))
        shocks = rng.standard_normal((count, dy.size)) * resid[picks]
        steps = np.empty((count, dy.size))
        steps[:, :k] = dy[:k]
        for t in range(k, dy.size):
            steps[:, t] = shocks[:, t]
            for j in range(k):
                steps[:, t] += phi[j] * steps[:, t - 1 - j]
        paths = np.empty((count, dy.size + 1))
        paths[:, 0] = y[0]
        np.cumsum(steps, axis=1, out=paths[:, 1:])
        paths[:, 1:] += y[0]
        return paths

    return make


def critical_values(
    n: int,
    *,
    min_window: int | float | None = None,
    lags: int = 0,
    lag_selection: LagSelection | None = None,
    method: CriticalValueMethod = "mc",
    reps: int = 2000,
    seed: int | None = None,
    y: Any = None,
    horizon: int | None = None,
    progress: Progress | None = None,
) -> CriticalValues:
    """Critical values for the PSY statistics of a sample of ``n`` observations.

    Parameters
    ----------
    n : int
        Sample size of the series to be tested.
    min_window, lags, lag_selection
        As in :func:`bubblewatch.detect.psy.test`; they must match the result.
    method : {"mc", "wild", "wild-ps"}
        Monte Carlo under the random-walk null, or a wild bootstrap from ``y``.
    reps : int
        Replications (paths).
    seed : int, optional
        Seed of the generator; recorded on the result (a fresh one is drawn and
        recorded when omitted). With ``method="mc"``, no seed, default settings
        and ``reps`` equal to the shipped table's, the committed table is used.
    y : Series or array, optional
        The data, required by the bootstrap methods (``n`` observations).
    horizon : int, optional
        Monitoring horizon, in BSADF points from the start of the sequence, of
        the family-wise critical value. Default: the whole sequence.
    progress : callable, optional
        Called with the number of replications finished after each chunk.
    """
    if method not in CRITICAL_VALUE_METHODS:
        raise SpecificationError(
            f"method must be one of {', '.join(CRITICAL_VALUE_METHODS)}; got {method!r}"
        )
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise SpecificationError(f"n must be an integer sample size, got {n!r}")
    spec = make_spec(int(n), min_window, lags, lag_selection)
    reps = _check_reps(reps)
    if horizon is not None and (
        isinstance(horizon, bool)
        or not isinstance(horizon, int | np.integer)
        or not 1 <= horizon <= spec.points
    ):
        raise SpecificationError(f"horizon must be an integer in 1..{spec.points}, got {horizon!r}")
    if method == "mc":
        if y is not None:
            raise SpecificationError(
                "y is used by the bootstrap methods only; drop it for method='mc'"
            )
        if seed is None and horizon is None and spec.lags == 0 and spec.lag_selection is None:
            shipped = shipped_table().get((spec.nobs, spec.min_window))
            if shipped is not None and shipped.reps == reps:
                return shipped
        chosen = _resolve_seed(seed)
        badf, bsadf = _simulate([spec], spec.nobs, reps, chosen, _random_walks(spec.nobs), progress)
        return _summarise(
            spec,
            badf[:, spec.min_window - 1 :],
            bsadf,
            method="mc",
            reps=reps,
            seed=chosen,
            horizon=horizon,
        )
    if y is None:
        raise SpecificationError(f"method={method!r} bootstraps from the data: pass y=")
    series = as_series(y)
    if len(series) != spec.nobs:
        raise SpecificationError(f"y has {len(series)} observations but n={spec.nobs}")
    values = series.to_numpy()
    maker = (
        _wild_hlst(values) if method == "wild" else _wild_ps(values, spec.lags, spec.lag_selection)
    )
    chosen = _resolve_seed(seed)
    badf, bsadf = _simulate([spec], spec.nobs, reps, chosen, maker, progress)
    return _summarise(
        spec,
        badf[:, spec.min_window - 1 :],
        bsadf,
        method=method,
        reps=reps,
        seed=chosen,
        horizon=horizon,
        digest=data_digest(series),
    )


def critical_value_table(
    sizes: Sequence[int],
    *,
    reps: int = 2000,
    seed: int | None = None,
    progress: Progress | None = None,
) -> dict[int, CriticalValues]:
    """Monte Carlo critical values (lag 0, default windows) for many sample sizes at once.

    One random walk of ``max(sizes)`` steps per replication serves every size:
    the statistics of a sample of ``n`` are those of the path's first ``n``
    observations, with that size's own default minimum window.
    """
    ns = sorted({int(s) for s in sizes})
    if not ns:
        raise SpecificationError("sizes must name at least one sample size")
    specs = [make_spec(n, None, 0, None) for n in ns]
    reps = _check_reps(reps)
    chosen = _resolve_seed(seed)
    longest = ns[-1]
    badf, ragged = _simulate(specs, longest, reps, chosen, _random_walks(longest), progress)
    out: dict[int, CriticalValues] = {}
    pos = 0
    for spec in specs:
        seq = ragged[:, pos : pos + spec.points]
        pos += spec.points
        own_badf = badf[:, spec.min_window - 1 : spec.rows]
        out[spec.nobs] = _summarise(
            spec, own_badf, seq, method="mc", reps=reps, seed=chosen, horizon=None
        )
    return out


# -- shipped tables ----------------------------------------------------------

_TABLE_CACHE: dict[str, dict[tuple[int, int], CriticalValues]] = {}


def save_table(tables: dict[int, CriticalValues], path: Any, meta: dict[str, Any]) -> None:
    """Write a table made by :func:`critical_value_table` as a compressed ``.npz``."""
    arrays: dict[str, Any] = {}
    for n, cv in tables.items():
        arrays[f"n{n}_scalars"] = np.array([[cv.adf[k], cv.sadf[k], cv.gsadf[k]] for k in LABELS])
        arrays[f"n{n}_badf"] = cv.badf.to_numpy()
        arrays[f"n{n}_cummax"] = cv.bsadf_cummax.to_numpy()
        arrays[f"n{n}_pointwise"] = cv.bsadf_pointwise.to_numpy()
        arrays[f"n{n}_sadf_draws"] = cv.sadf_draws
        arrays[f"n{n}_gsadf_draws"] = cv.gsadf_draws
    full_meta = dict(
        meta, sizes=sorted(tables), min_windows={str(n): cv.min_window for n, cv in tables.items()}
    )
    first = next(iter(tables.values()))
    full_meta.update(reps=first.reps, seed=first.seed)
    arrays["meta"] = np.array(json.dumps(full_meta, sort_keys=True))
    np.savez_compressed(path, **arrays)


def shipped_table() -> dict[tuple[int, int], CriticalValues]:
    """The committed Monte Carlo table, keyed by ``(n, min_window)`` (lag 0)."""
    if TABLE_FILE in _TABLE_CACHE:
        return _TABLE_CACHE[TABLE_FILE]
    ref = resources.files("bubblewatch.detect.psy") / "tables" / TABLE_FILE
    out: dict[tuple[int, int], CriticalValues] = {}
    if ref.is_file():
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            for n in meta["sizes"]:
                spec = make_spec(int(n), int(meta["min_windows"][str(n)]), 0, None)
                scalars = data[f"n{n}_scalars"]
                gsadf = dict(zip(LABELS, map(float, scalars[:, 2]), strict=True))
                out[(spec.nobs, spec.min_window)] = CriticalValues(
                    nobs=spec.nobs,
                    min_window=spec.min_window,
                    lags=0,
                    lag_selection=None,
                    method="mc",
                    reps=int(meta["reps"]),
                    seed=int(meta["seed"]),
                    horizon=spec.points,
                    adf=dict(zip(LABELS, map(float, scalars[:, 0]), strict=True)),
                    sadf=dict(zip(LABELS, map(float, scalars[:, 1]), strict=True)),
                    gsadf=gsadf,
                    familywise=dict(gsadf),
                    badf=pd.DataFrame(data[f"n{n}_badf"], columns=list(LABELS)),
                    bsadf_cummax=pd.DataFrame(data[f"n{n}_cummax"], columns=list(LABELS)),
                    bsadf_pointwise=pd.DataFrame(data[f"n{n}_pointwise"], columns=list(LABELS)),
                    sadf_draws=np.asarray(data[f"n{n}_sadf_draws"]),
                    gsadf_draws=np.asarray(data[f"n{n}_gsadf_draws"]),
                    source=f"shipped table {TABLE_FILE} ({meta['script']})",
                )
    _TABLE_CACHE[TABLE_FILE] = out
    return out


def table_sizes() -> list[int]:
    """Sample sizes with a shipped Monte Carlo table (lag 0, default window)."""
    return sorted(n for n, w in shipped_table() if w == default_min_window(n))
