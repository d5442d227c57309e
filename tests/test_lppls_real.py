"""The LPPLS confidence indicator on the dot-com bubble (../shared/data).

The NASDAQ Composite peaked at 5048.62 on 10 March 2000 (close). Johansen &
Sornette (2000, Eur. Phys. J. B 17) fitted the run-up from 1997 with the LPPLS
model; here the Sornette et al. (2015) indicator, computed every 10 trading days
through 1999 and early 2000, must rise before the peak and its qualified tc
estimates must gather around it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.detect import lppls

PEAK = pd.Timestamp("2000-03-10")


pytestmark = pytest.mark.slow  # a quality gate on real data: run by CI's slow leg


@pytest.fixture(scope="module")
def dotcom(shared_data: Path) -> lppls.Confidence:
    raw = pd.read_csv(
        shared_data / "nasdaq_composite_daily" / "NASDAQCOM_1971-2025.csv", na_values=["", "."]
    ).dropna()
    prices = pd.Series(
        raw["NASDAQCOM"].to_numpy(float),
        index=pd.to_datetime(raw["observation_date"]),
        name="NASDAQ Composite",
    ).loc["1995-06-01":PEAK]
    return lppls.confidence(prices, since="1999-01-01", end_step=10)


def test_positive_indicator_rises_in_the_months_before_the_peak(dotcom: lppls.Confidence) -> None:
    early = dotcom.positive.loc[:"1999-08-31"]
    late = dotcom.positive.loc["1999-09-01":]
    assert early.max() == 0.0
    assert late.mean() > 0.03
    assert dotcom.positive.loc["2000-02-01":].max() >= 0.2
    assert dotcom.positive.idxmax() >= pd.Timestamp("1999-11-01")


def test_tc_estimates_cluster_near_the_peak(dotcom: lppls.Confidence) -> None:
    fits = dotcom.fits
    chosen = fits[fits["qualified"] & (fits["B"] < 0) & (fits["end"] >= "2000-01-01")]
    assert len(chosen) >= 30
    assert abs((chosen["tc"].median() - PEAK).days) <= 30
    q25, q75 = chosen["tc"].quantile([0.25, 0.75])
    assert pd.Timestamp("2000-01-15") <= q25 and q75 <= pd.Timestamp("2000-06-30")
    last = dotcom.tc.loc[PEAK]
    assert last["count"] >= 30 and abs((last["median"] - PEAK).days) <= 14
