"""Cycle analogs: measures by hand, the distance twin, the bootstrap phase, what came next."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.data import load_table
from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models import cycles


def test_measures_by_hand() -> None:
    """Capex 10 -> 15 on revenue 50 -> 60 with OCF 12 -> 14 and 3 raised outside in year two:
    growth 50%, capex/revenue 0.25, FCF/revenue (14 - 15) / 60, external share 3 / 15."""
    lv = pd.DataFrame(
        {"capex": [10.0, 15.0], "revenue": [50.0, 60.0], "operating_cash_flow": [12.0, 14.0]},
        index=[2020, 2021],
    )
    lv["external_financing"] = [np.nan, 3.0]
    m = cycles.measures(lv)
    assert m.loc[2021, "capex_growth"] == pytest.approx(0.5)
    assert m.loc[2021, "capex_to_revenue"] == pytest.approx(0.25)
    assert m.loc[2021, "fcf_to_revenue"] == pytest.approx(-1 / 60)
    assert m.loc[2021, "external_share"] == pytest.approx(0.2)
    assert np.isnan(m.loc[2020, "capex_growth"])


def test_growth_skips_missing_years() -> None:
    m = cycles.measures(pd.DataFrame({"capex": [10.0, 20.0]}, index=[2010, 2012]))
    assert m["capex_growth"].isna().all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1, 1), min_size=14, max_size=14),
    st.integers(4, 13),
    st.integers(2, 4),
)
def test_distances_equal_the_loop_twin(values: list[float], cut: int, window: int) -> None:
    years = np.arange(2000, 2014)
    analog = pd.DataFrame({"capex_growth": values, "capex_to_revenue": values[::-1]}, index=years)
    analog.iloc[cut % 14, 0] = np.nan
    ai = analog.iloc[:cut].copy()
    ai.index = ai.index + 20
    fast = cycles.distances(ai, analog, window)
    slow = cycles.distances_reference(ai, analog, window)
    np.testing.assert_allclose(fast.to_numpy(), slow[fast.columns].to_numpy(), atol=1e-12)


def test_an_exact_shift_is_found_with_no_spread() -> None:
    years = np.arange(2000, 2016)
    x = pd.DataFrame(
        {"capex_growth": np.sin(years / 2.0), "capex_to_revenue": np.cos(years / 3.0)}, index=years
    )
    ai = x.loc[2003:2008].copy()
    ai.index = ai.index + 15  # the AI cycle's 2018-2023 equal the analog's 2003-2008
    p = cycles.phase(ai, x, window=5, draws=300, seed=1)
    assert p.best_year == 2008 and p.interval == (2008, 2008)
    assert p.probabilities().loc[2008] == 1.0


def test_phase_is_seeded_and_rejects_bad_requests() -> None:
    rng = np.random.default_rng(0)
    years = np.arange(2000, 2016)
    x = pd.DataFrame({"capex_growth": rng.normal(size=16)}, index=years)
    ai = pd.DataFrame({"capex_growth": rng.normal(size=6)}, index=range(2020, 2026))
    a = cycles.phase(ai, x, draws=200, seed=5)
    b = cycles.phase(ai, x, draws=200, seed=5)
    assert np.array_equal(a.draws, b.draws)
    for kwargs in ({"level": 1.0}, {"draws": 0}, {"window": 0}):
        with pytest.raises(SpecificationError):
            cycles.phase(ai, x, **kwargs)
    with pytest.raises(DataError):
        cycles.phase(ai, pd.DataFrame({"capex_to_gdp": [0.1]}, index=[1847]))


def test_what_next_by_hand() -> None:
    """From 2011: capex 2, 4, 8, 5, 3, 4 peaks in 2013 (two years on), falls 62.5% to 3; FCF turns
    positive in 2014; a gap in the years ends the run."""
    lv = pd.DataFrame(
        {"capex": [1, 2, 4, 8, 5, 3, 4.0], "operating_cash_flow": [2, 2, 3, 4, 6, 5, 6.0]},
        index=range(2010, 2017),
    )
    n = cycles.what_next(lv, 2011, 3)
    assert (n["capex_peak_year"], n["years_to_peak"]) == (2013, 2)
    assert n["peak_to_trough"] == pytest.approx(-0.625)
    assert n["capex_change"] == pytest.approx(5 / 2 - 1)
    assert n["first_positive_fcf_year"] == 2014
    gap = cycles.what_next(lv.drop(index=2012), 2011)
    assert "capex_peak_year" not in gap


def test_shipped_view_places_the_ai_cycle_on_shale_and_telecom() -> None:
    from bubblewatch.arguments.cycles import ai_levels
    from bubblewatch.data import SHIPPED_TABLES

    t = {n: load_table(n) for n in SHIPPED_TABLES}
    levels, ids = ai_levels(t)
    v = cycles.view(t["cycles"], levels, draws=300)
    assert "shale" in v.phases and ids
    lo, hi = v.phases["shale"].interval
    assert 2009 <= lo <= v.phases["shale"].best_year <= hi <= 2020
    t_lo, t_hi = v.phases["telecom"].interval
    assert 1995 <= t_lo <= v.phases["telecom"].best_year <= t_hi <= 2005
    # the Federal Reserve's carrier series peaks in 2001 and falls 47% to 2003
    assert v.next_steps["telecom"]["capex_peak_year"] == 2001
    assert v.next_steps["telecom"]["peak_to_trough"] == pytest.approx(40.71 / 76.99 - 1, abs=1e-9)
    assert set(v.not_estimable) == {"railways"}
    known = set(t["sources"]["source_id"])
    assert set(v.facts["source_id"]) <= known
