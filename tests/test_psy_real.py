"""Published applications reproduced on the real data in ../shared/data.

Published figures (Phillips, Shi & Yu 2015, IER 56(4), Section 6, Table 8 and
Figure 7; Phillips, Wu & Yu 2011, IER 52(1)) are written out below. Differences
come from the data vintage: Shiller revises his dividend series, and the file
here is the September 2023 workbook, not the 2011 one the paper used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.detect import psy

# PSY (2015), Section 6: statistics and the T = 1680 finite-sample critical values (Table 8)
PSY_SADF, PSY_GSADF = 3.30, 4.21
PSY_TABLE8 = {
    "sadf": {"90%": 1.30, "95%": 1.59, "99%": 2.14},
    "gsadf": {"90%": 2.17, "95%": 2.34, "99%": 2.74},
}
# PSY (2015), Figure 7: episodes dated by BSADF against its 95% critical values
PSY_EPISODES = [
    ("1879-10", "1880-04"),  # post long-depression boom
    ("1917-08", "1918-04"),  # 1917 stock-market crash
    ("1928-11", "1929-10"),  # great crash
    ("1955-01", "1956-04"),  # postwar boom
    ("1986-06", "1987-09"),  # black Monday
    ("1995-11", "2001-08"),  # dot-com bubble
]


@pytest.fixture(scope="module")
def pd_ratio(shared_data: Path) -> pd.Series:
    raw = pd.read_csv(shared_data / "shiller_sp500_monthly" / "data.csv", parse_dates=["Date"])
    raw = raw.set_index("Date").loc["1871-01":"2010-12"]
    ratio = (raw["SP500"] / raw["Dividend"]).rename("S&P 500 price/dividend")
    ratio.index = ratio.index.to_period("M")
    return ratio


def test_psy_statistics_on_the_sp500_price_dividend_ratio(pd_ratio: pd.Series) -> None:
    result = psy.test(pd_ratio)
    assert result.nobs == 1680 and result.min_window == 90 and result.lags == 0
    # this vintage gives SADF 3.46 and GSADF 4.16
    assert result.sadf == pytest.approx(PSY_SADF, abs=0.25)
    assert result.gsadf == pytest.approx(PSY_GSADF, abs=0.15)
    cv = psy.critical_values(result.nobs)
    assert result.gsadf > cv.gsadf["99%"] and result.sadf > cv.sadf["99%"]


def test_monte_carlo_critical_values_at_t_1680_agree_with_table_8() -> None:
    cv = psy.critical_values(1680)
    assert cv.reps == 2000 and "shipped table" in cv.source  # PSY also used 2000 replications
    rng = np.random.default_rng(0)
    for stat, draws in (("sadf", cv.sadf_draws), ("gsadf", cv.gsadf_draws)):
        boot = np.array(
            [np.quantile(rng.choice(draws, draws.size), [0.9, 0.95, 0.99]) for _ in range(400)]
        )
        se = boot.std(axis=0)
        for k, label in enumerate(("90%", "95%", "99%")):
            ours = getattr(cv, stat)[label]
            assert abs(ours - PSY_TABLE8[stat][label]) < 3 * se[k], (stat, label, ours, se[k])


def test_psy_date_stamps_the_historical_episodes(pd_ratio: pd.Series) -> None:
    result = psy.test(pd_ratio)
    stamps = psy.datestamp(result, psy.critical_values(result.nobs), 0.95)
    found = stamps.table
    starts = pd.PeriodIndex(found["origination"])
    ends = pd.PeriodIndex(found["termination"])
    for begin, end in PSY_EPISODES:
        overlap = (starts <= pd.Period(end, "M")) & (ends >= pd.Period(begin, "M"))
        assert overlap.any(), f"no episode overlaps PSY's {begin}..{end}"
    dotcom_start = starts[
        (starts >= pd.Period("1995-01", "M")) & (starts <= pd.Period("1997-12", "M"))
    ]
    assert dotcom_start.min() == pd.Period("1995-11", "M")
    assert (ends >= pd.Period("2001-01", "M")).any() and (ends <= pd.Period("2001-12", "M")).any()
    # the 1917 episode is a collapse: the ratio fell through it
    crash = found[(starts >= pd.Period("1917-01", "M")) & (starts <= pd.Period("1918-12", "M"))]
    assert (crash["direction"] == "negative").all()


def test_pwy_nasdaq_episode_originates_in_mid_1995(shared_data: Path) -> None:
    daily = (
        pd.read_csv(
            shared_data / "nasdaq_composite_daily" / "NASDAQCOM_1971-2025.csv",
            parse_dates=["observation_date"],
        )
        .set_index("observation_date")["NASDAQCOM"]
        .dropna()
    )
    monthly = daily.resample("ME").mean()
    monthly.index = monthly.index.to_period("M")
    cpi = pd.read_csv(shared_data / "shiller_sp500_monthly" / "data.csv", parse_dates=["Date"])
    cpi = cpi.set_index(cpi["Date"].dt.to_period("M"))["Consumer Price Index"]
    sample = monthly.loc["1973-02":"2005-06"]  # PWY's sample, 389 months
    y = np.log(sample / cpi.loc[sample.index]).rename("log real Nasdaq")
    result = psy.test(y, min_window=0.1)  # PWY's r0
    cv = psy.critical_values(result.nobs, min_window=0.1, reps=2000, seed=2011)
    assert result.sadf > cv.sadf["95%"]
    pwy = psy.datestamp(result, cv, 0.95, min_duration=6, statistic="badf").table
    nineties = pwy[pd.PeriodIndex(pwy["termination"]).year >= 2000].iloc[0]
    assert pd.Period("1995-04", "M") <= nineties["origination"] <= pd.Period("1995-09", "M")
    assert pd.Period("2000-06", "M") <= nineties["termination"] <= pd.Period("2001-12", "M")
    assert nineties["peak"].year == 2000
