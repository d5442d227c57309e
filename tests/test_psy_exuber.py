"""bubblewatch against pyexuber (exuber's C++ core) on the same inputs.

Runs when the ``bench`` extra is installed (CI installs it).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.detect import psy

exuber = pytest.importorskip("exuber", reason="pyexuber is in the 'bench' extra")


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(30, 300),
    lags=st.integers(0, 4),
    level=st.sampled_from([0.0, 100.0, 5000.0]),
)
def test_statistics_equal_exubers_element_by_element(
    seed: int, n: int, lags: int, level: float
) -> None:
    y = level + np.cumsum(np.random.default_rng(seed).standard_normal(n))
    window = psy.default_min_window(n)
    if n - 1 - lags < window or window < lags + 4:
        return
    ours = psy.test(y, lags=lags)
    theirs = exuber.radf(y, minw=window, lag=lags)
    scale = max(1.0, float(np.abs(theirs.bsadf).max()))
    # exuber accumulates raw sums; its own rounding error grows with the level
    tol = 1e-9 * scale * max(1.0, level / 100.0) ** 2
    np.testing.assert_allclose(ours.badf.to_numpy(), theirs.badf[:, 0], rtol=0, atol=tol)
    np.testing.assert_allclose(ours.bsadf.to_numpy(), theirs.bsadf[:, 0], rtol=0, atol=tol)
    assert ours.adf == pytest.approx(float(theirs.adf[0]), abs=tol)
    assert ours.sadf == pytest.approx(float(theirs.sadf[0]), abs=tol)
    assert ours.gsadf == pytest.approx(float(theirs.gsadf[0]), abs=tol)


def test_default_minimum_window_is_exubers() -> None:
    for n in (50, 171, 389, 495, 1680, 5000):
        assert psy.default_min_window(n) == exuber.psy_minw(n)


def test_monte_carlo_critical_values_agree_with_exubers_simulation() -> None:
    """Two independent simulations of the same null agree within Monte Carlo error."""
    n, reps = 300, 1000
    ours = psy.critical_values(n)  # shipped table: 2000 replications
    theirs = exuber.radf_mc_cv(n, nrep=reps, seed=123)
    rng = np.random.default_rng(0)
    draws = ours.gsadf_draws
    spread = np.std(
        [np.quantile(rng.choice(draws, reps), [0.9, 0.95, 0.99]) for _ in range(300)], axis=0
    )
    for k, label in enumerate(("90%", "95%", "99%")):
        assert abs(ours.gsadf[label] - theirs.gsadf_cv[k]) < 4 * spread[k] + 0.02
    # exuber's BSADF sequence is the cumulative-maximum rule
    gap = np.abs(ours.bsadf_cummax["95%"].to_numpy() - theirs.bsadf_cv[:, 1])
    assert np.median(gap) < 0.1
