"""The public LPPLS API: fits, the confidence indicator, determinism and bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblewatch.detect import lppls
from bubblewatch.detect._jit import JIT_ENABLED
from bubblewatch.errors import DataError, SpecificationError


def bubble_prices(n: int = 200, tau: float = 12.0, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    x = (n - 1 + tau) - np.arange(n, dtype=float)
    logp = 4.0 - 0.04 * x**0.5 * (1 + 0.05 * np.cos(8.0 * np.log(x) + 1.0))
    logp += 0.003 * rng.standard_normal(n)
    return pd.Series(np.exp(logp), index=pd.bdate_range("2023-01-02", periods=n), name="bubble")


def random_walk(n: int = 260, seed: int = 3) -> pd.Series:
    steps = np.random.default_rng(seed).normal(0.0, 0.01, n)
    return pd.Series(
        100 * np.exp(np.cumsum(steps)), index=pd.bdate_range("2022-01-03", periods=n), name="rw"
    )


SMALL = {"max_window": 120, "min_window": 40, "window_step": 20, "end_step": 20}


def test_fit_reports_dates_parameters_and_a_verdict() -> None:
    prices = bubble_prices()
    fit = lppls.fit(prices, seed=0)
    assert isinstance(fit.tc, pd.Timestamp)
    assert fit.tc > prices.index[-1]
    assert fit.tc_time == pytest.approx(199 + 12, abs=6)
    assert fit.B < 0 and fit.direction == "positive"
    assert 0.99 < fit.r2 <= 1.0
    assert pytest.approx(np.hypot(fit.C1, fit.C2)) == fit.C
    assert pytest.approx(fit.C * np.cos(fit.phi)) == fit.C1
    d = fit.to_dict()
    json.dumps(d)
    assert set(d) >= {"tc", "m", "omega", "A", "B", "C", "phi", "damping", "oscillations"}
    assert d["qualified"] is fit.qualified
    assert "positive bubble fit" in fit.summary()
    figure = fit.figure()
    assert [trace.name for trace in figure.data] == ["log price", "LPPLS fit"]
    np.testing.assert_allclose(fit.fitted().to_numpy(), np.log(prices.to_numpy()), atol=0.02)


def test_fit_of_an_array_works_in_observation_time() -> None:
    prices = bubble_prices().to_numpy()
    fit = lppls.fit(prices)
    assert isinstance(fit.tc, float) and fit.tc == fit.tc_time


def test_same_seed_same_fit_and_the_seed_only_moves_the_grid() -> None:
    prices = bubble_prices(seed=4)
    a, b = lppls.fit(prices, seed=11), lppls.fit(prices, seed=11)
    assert a.to_dict() == b.to_dict()
    c = lppls.fit(prices, seed=12)
    assert c.sse == pytest.approx(a.sse, rel=1e-3)


def test_tc_beyond_the_sample_maps_by_the_average_calendar_spacing() -> None:
    from bubblewatch.detect.lppls._input import to_date

    index = pd.bdate_range("2024-01-01", periods=253)
    start, end = 0, 252
    ahead = to_date(index, 252 + 252, start, end)  # as many observations again
    assert abs((ahead - index[-1]).days - (index[-1] - index[0]).days) <= 1
    assert to_date(index, 10.0, start, end) == index[10]


def test_confidence_is_bit_identical_across_runs_and_worker_counts() -> None:
    prices = random_walk()
    first = lppls.confidence(prices, **SMALL, workers=1)
    again = lppls.confidence(prices, **SMALL, workers=1)
    if JIT_ENABLED:
        import numba

        workers = min(2, numba.config.NUMBA_NUM_THREADS)
    else:
        workers = 1
    parallel = lppls.confidence(prices, **SMALL, workers=workers)
    for other in (again, parallel):
        assert np.array_equal(first.positive.to_numpy(), other.positive.to_numpy())
        assert np.array_equal(first.negative.to_numpy(), other.negative.to_numpy())
        pd.testing.assert_frame_equal(first.fits, other.fits, check_exact=True)


def test_confidence_shape_dates_and_frames() -> None:
    prices = random_walk()
    conf = lppls.confidence(prices, **SMALL)
    assert conf.positive.index[-1] == prices.index[-1]
    assert (np.diff(prices.index.get_indexer(conf.positive.index)) == 20).all()
    assert len(conf.fits) == len(conf.positive) * 5  # windows 40, 60, 80, 100, 120
    assert ((conf.positive >= 0) & (conf.positive + conf.negative <= 1)).all()
    frame = conf.to_frame()
    assert list(frame.columns) == ["price", "positive", "negative", "tc_median"]
    json.dumps(conf.to_dict())
    assert len(conf.figure().data) == 3
    since = lppls.confidence(prices, **SMALL, since=prices.index[200])
    assert since.positive.index[0] >= prices.index[200]
    pd.testing.assert_series_equal(since.positive, conf.positive[since.positive.index])


def test_share_of_all_windows_never_exceeds_lppls_definition() -> None:
    """Dividing by the fits with B < 0 only can only raise the reading."""
    prices = random_walk(seed=8)
    ours = lppls.confidence(prices, **SMALL, filters="lppls")
    theirs = lppls.confidence(prices, **SMALL, filters="lppls", definition="lppls")
    assert (theirs.positive >= ours.positive).all()
    assert (theirs.negative >= ours.negative).all()
    b = ours.fits["B"].to_numpy().reshape(len(ours.positive), -1)
    share_neg_b = (b < 0).mean(axis=1)
    np.testing.assert_allclose(
        ours.positive.to_numpy(), theirs.positive.to_numpy() * share_neg_b, atol=1e-12
    )


def test_qualified_flags_follow_the_filter_conditions() -> None:
    conf = lppls.confidence(bubble_prices(n=240), **SMALL, filters="sornette2015")
    fits = conf.fits
    cond = lppls.FILTER_SETS["sornette2015"].conditions
    q = fits[fits["qualified"]]
    assert q["m"].between(*cond.m).all() and q["omega"].between(*cond.omega).all()
    assert (q["oscillations"] >= cond.oscillations_min).all()
    assert (q["damping"] >= cond.damping_min).all()
    end_t = fits["end"].map({d: i for i, d in enumerate(conf.prices.index)}).astype(float)
    span = fits["window"] - 1
    rel = (fits["tc_time"] - end_t) / span
    assert rel[fits["qualified"]].between(-cond.tc[0] - 1e-12, cond.tc[1] + 1e-12).all()


@pytest.mark.parametrize(
    ("prices", "kwargs", "error", "message"),
    [
        (np.full(10, 5.0), {}, SpecificationError, "at least 20"),
        (np.r_[np.ones(30), -1.0], {}, DataError, "positive"),
        (np.r_[np.ones(30), np.nan, np.ones(5)], {}, DataError, "gap"),
        (np.ones((5, 2)), {}, SpecificationError, "one-dimensional"),
        (np.arange(1.0, 41.0), {"filters": "nope"}, SpecificationError, "unknown LPPLS filter"),
    ],
)
def test_fit_rejects_bad_input(prices, kwargs, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        lppls.fit(prices, **kwargs)


def test_date_gaps_are_rejected() -> None:
    prices = bubble_prices()
    gapped = pd.concat([prices.iloc[:100], prices.iloc[100:].shift(60, freq="D")])
    with pytest.raises(DataError, match=r"gap: 6[0-9] days"):
        lppls.fit(gapped)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_window": 500}, "larger than the series"),
        ({"max_window": 100, "min_window": 10}, "at least 20"),
        ({"max_window": 50, "min_window": 80}, "must not exceed"),
        ({"end_step": 0}, "end_step"),
        ({"definition": "mean"}, "definition"),
        ({"workers": 0}, "workers"),
        ({"since": "2099-01-01"}, "no end date"),
    ],
)
def test_confidence_rejects_bad_settings(kwargs: dict[str, object], message: str) -> None:
    settings = {**SMALL, **kwargs}
    with pytest.raises(SpecificationError, match=message):
        lppls.confidence(random_walk(), **settings)  # type: ignore[arg-type]
