"""The Greenwood, Shleifer & You (2019) two-year run-up rule (bubblewatch.detect.runup)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bubblewatch.detect import runup
from bubblewatch.errors import DataError, SpecificationError


def monthly(values: list[float] | np.ndarray, start: str = "1990-01-31") -> pd.Series:
    return pd.Series(
        np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="ME")
    )


def two_year(total: float, start: float = 100.0) -> pd.Series:
    """25 month-ends rising geometrically from ``start`` by ``total`` (a simple return)."""
    return monthly(start * (1.0 + total) ** (np.arange(25) / 24.0))


def flat(n: int = 25) -> pd.Series:
    return monthly([50.0] * n)


# -- constants ------------------------------------------------------------------------------


def test_constants() -> None:
    assert runup.THRESHOLDS == (0.5, 1.0, 1.5)
    assert runup.CRASH_PROBABILITY == {0.5: 0.20, 1.0: 0.53, 1.5: 0.80}
    assert runup.CRASH_DRAWDOWN == 0.40 and runup.HORIZON_MONTHS == 24
    assert "Greenwood" in runup.CITATION and "131(1)" in runup.CITATION
    assert "not re-estimated" in (runup.__doc__ or "")


# -- hand-computed example ------------------------------------------------------------------


def test_a_series_that_doubles_against_a_flat_benchmark() -> None:
    # first 12 months 100 -> 120, last 12 months 120 -> 200
    first = 100.0 * 1.2 ** (np.arange(13) / 12.0)
    last = 120.0 * (200.0 / 120.0) ** (np.arange(1, 13) / 12.0)
    series = monthly(np.concatenate([first, last]))
    a = runup.assess(series, benchmark=flat(), name="Doubler")

    assert a.name == "Doubler" and a.as_of == pd.Timestamp("1992-01-31")
    assert a.two_year_return == pytest.approx(1.0)
    assert a.net_return == pytest.approx(1.0)
    assert a.threshold == 1.0 and a.crash_probability == 0.53
    assert a.acceleration == pytest.approx((200 / 120 - 1) - (120 / 100 - 1))  # 0.4667
    assert a.drawdown_from_peak == 0.0
    logret = [math.log(1.2) / 12] * 12 + [math.log(200 / 120) / 12] * 12
    assert a.volatility == pytest.approx(np.std(logret, ddof=1) * math.sqrt(12))
    assert a.volatility_percentile == 100.0  # the only 24-month window
    assert list(a.history.columns) == [
        "price",
        "two_year_return",
        "net_return",
        "runup_50",
        "runup_100",
        "runup_150",
    ]
    row = a.history.iloc[-1]
    assert len(a.history) == 1 and bool(row["runup_50"]) and bool(row["runup_100"])
    assert not bool(row["runup_150"])
    assert len(a.episodes) == 1 and a.episodes["crash"].iloc[0] is None  # no months after


def test_text_and_dict() -> None:
    a = runup.assess(two_year(1.6), benchmark=flat(), name="Tech")
    assert a.threshold == 1.5 and a.crash_probability == 0.80
    assert "Greenwood, Shleifer & You (2019)" in a.summary()
    assert "80%" in a.reading and a.reading.count(". ") == 0 and a.reading.endswith(".")
    data = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert data["threshold"] == 1.5 and data["crash_probability"] == 0.8
    assert data["as_of"].startswith("1992-01-31")
    assert data["history"][-1]["runup_150"] is True
    assert data["episodes"][0]["crash"] is None
    below = runup.assess(two_year(0.2))
    assert "below the 50% run-up threshold" in below.reading
    assert below.episodes.empty and json.dumps(below.to_dict(), allow_nan=False)


def test_without_a_benchmark_the_raw_return_is_measured() -> None:
    a = runup.assess(two_year(1.0))
    assert a.net_return is None and a.threshold == 1.0
    assert "net_return" not in a.history.columns
    assert "no benchmark" in a.summary()


# -- net-of-market arithmetic -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "bench", "net", "threshold"),
    [
        (2.0, 0.5, 1.0, 1.0),  # 3.0 / 1.5 - 1
        (1.0, 1.0, 0.0, None),  # a doubling that only kept pace with the market
        (0.5, -0.5, 2.0, 1.5),  # 1.5 / 0.5 - 1: a rise while the market halved
        (2.5, 1.0, 0.75, 0.5),  # 3.5 / 2.0 - 1
    ],
)
def test_net_of_market(raw: float, bench: float, net: float, threshold: float | None) -> None:
    a = runup.assess(two_year(raw), benchmark=two_year(bench, start=7.0))
    assert a.two_year_return == pytest.approx(raw)
    assert a.net_return == pytest.approx(net)
    assert a.threshold == threshold
    assert a.history["net_return"].iloc[-1] == pytest.approx(net)


def test_benchmark_must_cover_the_window() -> None:
    short = flat(10)
    with pytest.raises(SpecificationError, match="benchmark does not cover"):
        runup.assess(two_year(1.0), benchmark=short)


# -- thresholds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "threshold"),
    [
        (149.9, None),
        (150.0, 0.5),
        (199.99, 0.5),
        (200.0, 1.0),
        (249.9, 1.0),
        (250.0, 1.5),
        (900.0, 1.5),
        (60.0, None),
    ],
)
def test_threshold_boundaries(end: float, threshold: float | None) -> None:
    a = runup.assess(monthly([100.0] * 24 + [end]))
    assert a.threshold == threshold
    expected = None if threshold is None else runup.CRASH_PROBABILITY[threshold]
    assert a.crash_probability == expected


# -- episodes -----------------------------------------------------------------------------


def episode_path() -> pd.Series:
    """A doubling, a 50% fall, a flat spell, then a 120% rise that holds."""
    a = 100.0 * 2.0 ** (np.arange(25) / 24.0)  # t = 0..24, ends at 200
    b = np.linspace(200.0, 100.0, 7)[1:]  # t = 25..30, falls to 100
    c = np.full(30, 100.0)  # t = 31..60
    d = 100.0 * 2.2 ** (np.arange(1, 25) / 24.0)  # t = 61..84, ends at 220
    e = np.full(30, 220.0)  # t = 85..114
    return monthly(np.concatenate([a, b, c, d, e]))


def test_episodes_with_and_without_a_crash() -> None:
    path = episode_path()
    ep = runup.assess(path).episodes
    assert len(ep) == 2
    first, second = ep.iloc[0], ep.iloc[1]
    # the two-year return reaches 100% at t = 24 only (183.3 / 102.9 < 2 at t = 25)
    assert first["start"] == path.index[24] and first["end"] == path.index[24]
    assert first["peak_return"] == pytest.approx(1.0)
    assert first["start_price"] == pytest.approx(200.0)
    assert first["max_drawdown_24m"] == pytest.approx(-0.5)
    assert first["crash"] is True
    # 100 * 2.2**(k/24) >= 200 first at k = 22 (t = 82); back below 100% at t = 87
    assert second["start"] == path.index[82] and second["end"] == path.index[86]
    assert second["peak_return"] == pytest.approx(1.2)  # t = 84: 220 / 100 - 1
    assert second["max_drawdown_24m"] == 0.0
    assert second["crash"] is False


def test_an_episode_without_24_months_after_is_undecided() -> None:
    path = episode_path().iloc[:96]  # 13 months after the second crossing
    ep = runup.assess(path).episodes
    assert list(ep["crash"]) == [True, None]
    # a crash seen early is decided even when fewer than 24 months follow
    early = episode_path().iloc[:31]
    assert list(runup.assess(early).episodes["crash"]) == [True]


# -- input handling -----------------------------------------------------------------------


def test_daily_input_is_sampled_at_month_ends() -> None:
    days = pd.bdate_range("2001-01-01", "2003-01-31")
    months = np.asarray((days.year - 2001) * 12 + days.month - 1, dtype=float)
    prices = pd.Series(100.0 * 2.0 ** (months / 24.0), index=days)
    spike = days.get_loc(pd.Timestamp("2002-12-16"))
    prices.iloc[spike] *= 1.25  # one intramonth spike, above every month-end close
    a = runup.assess(prices)
    assert a.as_of == days[-1]
    assert a.history.index[-1] == pd.Timestamp("2003-01-31")
    assert a.two_year_return == pytest.approx(1.0) and a.threshold == 1.0
    assert a.drawdown_from_peak == pytest.approx(prices.iloc[-1] / prices.iloc[spike] - 1)
    assert a.drawdown_from_peak < -0.1


def test_too_short() -> None:
    with pytest.raises(SpecificationError, match="at least 25 month-ends"):
        runup.assess(monthly([100.0] * 24))
    with pytest.raises(SpecificationError, match="got 0"):
        runup.assess(pd.Series([], index=pd.DatetimeIndex([]), dtype=float))


@pytest.mark.parametrize("bad", [-1.0, 0.0, math.nan, math.inf])
def test_bad_prices(bad: float) -> None:
    values = [100.0] * 30
    values[7] = bad
    with pytest.raises(DataError, match="finite positive"):
        runup.assess(monthly(values))
    with pytest.raises(DataError):
        runup.assess(two_year(1.0), benchmark=monthly(values))


def test_non_date_index_and_non_series() -> None:
    with pytest.raises(SpecificationError, match="DatetimeIndex"):
        runup.assess(pd.Series(np.linspace(1.0, 2.0, 30)))
    with pytest.raises(SpecificationError, match="Series"):
        runup.assess([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(DataError, match="numeric"):
        runup.assess(monthly([1.0] * 25).astype(str).replace("1.0", "x"))


# -- invariants ---------------------------------------------------------------------------

log_returns = st.lists(
    st.floats(-0.3, 0.3, allow_nan=False, allow_infinity=False), min_size=24, max_size=80
)


def from_log_returns(steps: list[float]) -> pd.Series:
    return monthly(100.0 * np.exp(np.concatenate([[0.0], np.cumsum(steps)])))


def level(r: float) -> float:
    reached = [t for t in runup.THRESHOLDS if r >= t]
    return max(reached) if reached else -math.inf


@settings(deadline=None, max_examples=60)
@given(steps=log_returns)
def test_invariants(steps: list[float]) -> None:
    a = runup.assess(from_log_returns(steps))
    assert a.drawdown_from_peak <= 0.0
    assert a.volatility >= 0.0
    assert 0.0 < a.volatility_percentile <= 100.0
    if a.threshold is not None:
        assert a.two_year_return >= a.threshold - 1e-9
        assert a.crash_probability == runup.CRASH_PROBABILITY[a.threshold]
    assert len(a.history) == len(steps) + 1 - 24
    json.dumps(a.to_dict(), allow_nan=False)


@settings(deadline=None, max_examples=60)
@given(
    r1=st.floats(-0.95, 3.0, allow_nan=False),
    r2=st.floats(-0.95, 3.0, allow_nan=False),
)
def test_threshold_is_monotone_in_the_return(r1: float, r2: float) -> None:
    lo, hi = sorted((r1, r2))
    t_lo, t_hi = runup.assess(two_year(lo)).threshold, runup.assess(two_year(hi)).threshold
    assert (-math.inf if t_lo is None else t_lo) <= (-math.inf if t_hi is None else t_hi)
    assume(all(abs(r - t) > 1e-6 for r in (lo, hi) for t in runup.THRESHOLDS))
    assert (-math.inf if t_hi is None else t_hi) == level(hi)


@settings(deadline=None, max_examples=60)
@given(steps=log_returns, scale=st.floats(1e-3, 1e3, allow_nan=False))
def test_scaling_changes_nothing(steps: list[float], scale: float) -> None:
    base = from_log_returns(steps)
    a, b = runup.assess(base), runup.assess(base * scale)
    assume(all(abs(a.two_year_return - t) > 1e-6 for t in runup.THRESHOLDS))
    assume(((a.history["two_year_return"] - 1.0).abs() > 1e-6).all())
    assert b.threshold == a.threshold and b.crash_probability == a.crash_probability
    for field in ("two_year_return", "volatility", "acceleration", "drawdown_from_peak"):
        assert getattr(b, field) == pytest.approx(getattr(a, field), rel=1e-9, abs=1e-12)
    assert b.volatility_percentile == pytest.approx(a.volatility_percentile)
    cols = ["two_year_return", "runup_50", "runup_100", "runup_150"]
    pd.testing.assert_frame_equal(b.history[cols], a.history[cols], rtol=1e-9)
    assert len(b.episodes) == len(a.episodes)
    assert list(b.episodes["crash"]) == list(a.episodes["crash"])


# -- real data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nasdaq(shared_data: Path) -> pd.Series:
    raw = pd.read_csv(
        shared_data / "nasdaq_composite_daily" / "NASDAQCOM_1971-2025.csv",
        parse_dates=["observation_date"],
        index_col="observation_date",
        na_values=["", "."],
    )
    return raw["NASDAQCOM"].dropna()


def test_nasdaq_in_march_2000(nasdaq: pd.Series) -> None:
    a = runup.assess(nasdaq.loc[:"2000-03-31"], name="NASDAQ Composite")
    assert a.as_of == pd.Timestamp("2000-03-31")
    assert a.two_year_return > 1.0  # about +149% from March 1998
    assert a.threshold is not None and a.threshold >= 1.0
    assert a.acceleration > 0.0

    full = runup.assess(nasdaq, name="NASDAQ Composite").episodes
    dotcom = full[full["start"].dt.year.isin([1999, 2000])]
    assert (dotcom["crash"] == True).any()  # noqa: E712 (object column of True/False/None)
