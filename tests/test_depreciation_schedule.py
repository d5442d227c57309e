"""Vintage schedule arithmetic: hand-computed examples, the month-by-month twin, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.errors import SpecificationError
from bubblewatch.models.depreciation import LifeChange, LifeHistory, schedule
from bubblewatch.models.depreciation._reference import reference_schedule


def _capex(values: list[float], first_year: int = 2018, month: int = 12) -> pd.Series:
    ends = [
        pd.Timestamp(year=first_year + i, month=month, day=1) + pd.offsets.MonthEnd(0)
        for i in range(len(values))
    ]
    return pd.Series(values, index=pd.DatetimeIndex(ends), dtype=float)


def test_one_year_of_capex_over_three_years_by_hand() -> None:
    """12 spent evenly over 2020 (1 a month), life 36 months, so 1/36 a month per tranche.

    2020: the tranche of month k (0 = January) is in service 12 - k months, 78 tranche-months
    in all, so 78/36. 2021 and 2022: all 12 tranches a full year, 144/36 = 4. 2023: the rest,
    12 - 78/36 - 8 = 66/36.
    """
    sched = schedule(_capex([12.0], 2020), 3.0, through="2023-12-31")
    expected = [78 / 36, 4.0, 4.0, 66 / 36]
    assert sched.depreciation.to_numpy() == pytest.approx(expected, abs=1e-12)
    assert sched.net_book_value.iloc[-1] == pytest.approx(0.0, abs=1e-12)


def test_lengthening_is_prospective_by_hand() -> None:
    """12 over 2020 at 4 years (1/48 a month per tranche), lengthened to 6 years from 2022-01.

    On 2022-01-01 the tranche of month k has used 24 - k months: book value (24 + k)/48, and
    72 - (24 - k) = 48 + k months left, so it is charged (24 + k) / (48 (48 + k)) a month.
    2020 and 2021 are untouched (78/48 and 144/48); 2022 sums twelve months of the new rates.
    """
    lives = LifeHistory(4, (LifeChange("2022-01-01", 6),))
    sched = schedule(_capex([12.0], 2020), lives, through="2022-12-31")
    k = np.arange(12)
    y2022 = float(np.sum(12 * (24 + k) / (48 * (48 + k))))
    assert sched.depreciation.to_numpy() == pytest.approx([78 / 48, 144 / 48, y2022], abs=1e-12)


def test_shortening_below_age_writes_off_in_the_change_month() -> None:
    """12 over 2020 at 6 years, cut to 1 year from 2022-01: every tranche is older than a
    year, so its whole book value, 12 - (78 + 144)/72, goes in 2022 and nothing after."""
    lives = LifeHistory(6, (LifeChange("2022-01-01", 1),))
    sched = schedule(_capex([12.0], 2020), lives, through="2023-12-31")
    assert sched.depreciation.iloc[2] == pytest.approx(12 - (78 + 144) / 72, abs=1e-12)
    assert sched.depreciation.iloc[3] == pytest.approx(0.0, abs=1e-12)


def test_assets_bought_after_a_change_take_the_new_life() -> None:
    lives = LifeHistory(3, (LifeChange("2019-01-01", 6),))
    a = schedule(_capex([0.0, 12.0], 2018), lives, through="2030-12-31")
    b = schedule(_capex([0.0, 12.0], 2018), 6.0, through="2030-12-31")
    assert np.allclose(a.depreciation, b.depreciation, atol=1e-12)


def test_fiscal_years_ending_in_june() -> None:
    sched = schedule(_capex([12.0, 24.0], 2021, month=6), 4.0)
    assert list(sched.annual.index.month) == [6, 6]
    assert sched.depreciation.iloc[0] == pytest.approx(78 / 48)


def test_acquired_before_keeps_only_older_tranches() -> None:
    capex = _capex([12.0, 12.0], 2020)
    part = schedule(capex, 4.0, acquired_before="2021-01-01", through="2021-12-31")
    only_first = schedule(_capex([12.0, 0.0], 2020), 4.0, through="2021-12-31")
    assert np.allclose(part.depreciation, only_first.depreciation, atol=1e-12)


@pytest.mark.parametrize(
    ("life", "message"),
    [(4.1, "whole number of months"), (0.0, "positive"), (-2.0, "positive")],
)
def test_bad_lives_are_rejected(life: float, message: str) -> None:
    with pytest.raises(SpecificationError, match=message):
        schedule(_capex([1.0]), life)


def test_bad_capex_is_rejected() -> None:
    uneven = pd.Series([1.0, 1.0], index=pd.to_datetime(["2020-12-31", "2021-06-30"]))
    with pytest.raises(SpecificationError, match="same month"):
        schedule(uneven, 4.0)
    with pytest.raises(SpecificationError, match="non-negative"):
        schedule(_capex([1.0, -1.0]), 4.0)
    with pytest.raises(SpecificationError, match="non-empty"):
        schedule(pd.Series(dtype=float), 4.0)
    with pytest.raises(SpecificationError, match="same month"):
        LifeHistory(4, (LifeChange("2022-01-01", 5), LifeChange("2022-01-15", 6)))


LIVES = st.sampled_from([1.0, 2.0, 3.0, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0])
CAPEX = st.lists(st.floats(0.0, 100.0, allow_nan=False), min_size=1, max_size=8)
YEAR_END = st.sampled_from([5, 6, 9, 12])


@st.composite
def histories(draw: st.DrawFn) -> LifeHistory:
    initial = draw(LIVES)
    n = draw(st.integers(0, 3))
    months = sorted(draw(st.sets(st.integers(-30, 120), min_size=n, max_size=n)))
    changes = tuple(
        LifeChange(pd.Timestamp("2018-01-01") + pd.DateOffset(months=m), draw(LIVES))
        for m in months
    )
    return LifeHistory(initial, changes)


@settings(max_examples=80, deadline=None)
@given(values=CAPEX, lives=histories(), month=YEAR_END)
def test_engine_matches_month_by_month_reference(
    values: list[float], lives: LifeHistory, month: int
) -> None:
    """Any fiscal year end, changes before, during and after the capex years."""
    capex = _capex(values, month=month)
    engine = schedule(capex, lives, through="2032-12-31").annual
    slow = reference_schedule(capex, lives, through="2032-12-31")
    assert np.allclose(engine["depreciation"], slow["depreciation"], rtol=0, atol=1e-9)
    assert np.allclose(engine["net_book_value"], slow["net_book_value"], rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(values=CAPEX, lives=histories())
def test_total_depreciation_equals_depreciable_cost(
    values: list[float], lives: LifeHistory
) -> None:
    """Over a horizon long enough to use every asset up, the charges add up to the capex."""
    capex = _capex(values)
    sched = schedule(capex, lives, through="2040-12-31")
    assert sched.depreciation.sum() == pytest.approx(capex.sum(), abs=1e-9)
    assert (sched.depreciation >= -1e-12).all()
    assert (sched.net_book_value >= -1e-12).all()


@settings(max_examples=60, deadline=None)
@given(values=CAPEX, lives=histories(), later=LIVES, month=st.integers(0, 150))
def test_a_change_of_estimate_never_changes_the_total(
    values: list[float], lives: LifeHistory, later: float, month: int
) -> None:
    capex = _capex(values)
    effective = pd.Timestamp("2018-01-01") + pd.DateOffset(months=month)
    if any(c.effective.to_period("M") == effective.to_period("M") for c in lives.changes):
        return
    changed = LifeHistory(lives.initial_years, (*lives.changes, LifeChange(effective, later)))
    base = schedule(capex, lives, through="2040-12-31").depreciation.sum()
    other = schedule(capex, changed, through="2040-12-31").depreciation.sum()
    assert other == pytest.approx(base, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(values=CAPEX, short=LIVES, long=LIVES)
def test_longer_lives_never_charge_more_to_date(
    values: list[float], short: float, long: float
) -> None:
    short, long = min(short, long), max(short, long)
    capex = _capex(values)
    a = schedule(capex, short, through="2040-12-31").depreciation.cumsum()
    b = schedule(capex, long, through="2040-12-31").depreciation.cumsum()
    assert (b <= a + 1e-9).all()
