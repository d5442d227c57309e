"""The fast PSY kernels against the slow per-window least-squares reference."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.detect import psy
from bubblewatch.detect._jit import JIT_ENABLED
from bubblewatch.detect.psy import _reference
from bubblewatch.detect.psy._input import make_spec
from bubblewatch.detect.psy.critical import _random_walks, _simulate
from bubblewatch.detect.psy.stats import sequences


def _check_against_reference(y: np.ndarray, window: int, lags: int, selection: str | None) -> None:
    result = psy.test(y, min_window=window, lags=lags, lag_selection=selection)  # type: ignore[arg-type]
    ref = _reference.statistics(y, window, lags, selection)
    np.testing.assert_allclose(result.badf.to_numpy(), ref["badf"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.bsadf.to_numpy(), ref["bsadf"], rtol=0, atol=1e-9)
    for key in ("adf", "sadf", "gsadf"):
        assert getattr(result, key) == pytest.approx(ref[key], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(24, 70),
    lags=st.integers(0, 3),
    extra=st.integers(0, 8),
    selection=st.sampled_from([None, "aic", "bic"]),
    explosive=st.booleans(),
)
def test_statistics_equal_per_window_least_squares(
    seed: int, n: int, lags: int, extra: int, selection: str | None, explosive: bool
) -> None:
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal(n)
    if explosive:  # a mildly explosive stretch, then a collapse
        y = np.empty(n)
        y[0] = 1.0
        for t in range(1, n):
            rho = 1.06 if n // 3 <= t < 2 * n // 3 else 1.0
            y[t] = rho * y[t - 1] + shocks[t]
    else:
        y = np.cumsum(shocks)
    window = lags + 4 + extra
    if n - 1 - lags < window:
        return
    _check_against_reference(y, window, lags, selection)


@pytest.mark.parametrize("level", [1e3, 1e5])
def test_large_price_levels_keep_their_digits(level: float) -> None:
    rng = np.random.default_rng(11)
    y = level + np.cumsum(rng.standard_normal(90))
    _check_against_reference(y, 20, 1, None)
    # shifting the level leaves every statistic unchanged (the intercept absorbs it)
    a = psy.test(y, min_window=20)
    b = psy.test(y - level, min_window=20)
    np.testing.assert_allclose(a.bsadf.to_numpy(), b.bsadf.to_numpy(), atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(1e-3, 1e3))
def test_statistics_are_scale_and_level_invariant(seed: int, scale: float) -> None:
    y = np.cumsum(np.random.default_rng(seed).standard_normal(60))
    a = psy.test(y, min_window=12)
    b = psy.test(scale * y + 7.0, min_window=12)
    np.testing.assert_allclose(a.bsadf.to_numpy(), b.bsadf.to_numpy(), atol=1e-7)
    assert b.gsadf >= b.sadf  # GSADF searches a superset of SADF's windows
    assert b.sadf >= b.adf


def test_nested_simulation_equals_one_pass_per_size() -> None:
    specs = [make_spec(n, None, 0, None) for n in (120, 80, 200)]
    paths = np.cumsum(np.random.default_rng(5).standard_normal((3, 200)), axis=1)
    badf, ragged = _simulate(specs, 200, 3, 1, lambda rng, count: paths[:count], None)
    pos = 0
    for spec in specs:
        block = ragged[:, pos : pos + spec.points]
        pos += spec.points
        for b in range(3):
            own_badf, own_bsadf = sequences(paths[b, : spec.nobs], spec)
            np.testing.assert_array_equal(block[b], own_bsadf)
            np.testing.assert_array_equal(badf[b, spec.min_window - 1 : spec.rows], own_badf)


def test_random_walk_chunks_do_not_change_the_draws() -> None:
    make = _random_walks(50)
    one = make(np.random.default_rng(3), 10)
    gen = np.random.default_rng(3)
    two = np.vstack([make(gen, 4), make(gen, 6)])
    np.testing.assert_array_equal(one, two)


_TWIN = """
import json, numpy as np
from bubblewatch.detect import psy
from bubblewatch.detect._jit import JIT_ENABLED
y = np.cumsum(np.random.default_rng(21).standard_normal(70)) + 50
out = {"jit": JIT_ENABLED}
for lags, sel in ((0, None), (2, None), (3, "bic")):
    r = psy.test(y, min_window=15, lags=lags, lag_selection=sel)
    out[f"{lags}{sel}"] = [float(v) for v in r.bsadf] + [float(v) for v in r.badf]
print(json.dumps(out))
"""


def test_pure_python_twin_matches_the_compiled_kernels() -> None:
    env = {**os.environ, "BUBBLEWATCH_DISABLE_JIT": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _TWIN],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    twin = json.loads(proc.stdout)
    assert twin.pop("jit") is False
    y = np.cumsum(np.random.default_rng(21).standard_normal(70)) + 50
    for lags, sel in ((0, None), (2, None), (3, "bic")):
        r = psy.test(y, min_window=15, lags=lags, lag_selection=sel)  # type: ignore[arg-type]
        mine = np.array([*r.bsadf, *r.badf])
        np.testing.assert_allclose(mine, twin[f"{lags}{sel}"], rtol=0, atol=1e-12)


def test_the_default_run_uses_the_jit() -> None:
    assert JIT_ENABLED or os.environ.get("BUBBLEWATCH_DISABLE_JIT")
