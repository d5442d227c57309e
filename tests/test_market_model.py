"""Market context: drawdown episodes by hand, classification, CAPE, the shipped readings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.data import load_table
from bubblewatch.models import market as mk


def test_drawdown_episodes_by_hand() -> None:
    """100 → 80 → 110 (recovered at 110) → 99 → 88 (open): two episodes, −20% and −20%."""
    dates = pd.date_range("2000-01-31", periods=6, freq="ME")
    prices = pd.Series([100.0, 80.0, 110.0, 99.0, 88.0, 95.0], index=dates)
    ep = mk.drawdown_episodes(prices)
    assert list(ep["depth"].round(10)) == [-0.2, -0.2]
    assert ep["peak"].tolist() == [dates[0], dates[2]]
    assert ep["trough"].tolist() == [dates[1], dates[4]]
    assert ep["recovery"].iloc[0] == dates[2] and pd.isna(ep["recovery"].iloc[1])


@pytest.mark.parametrize(
    ("depth", "label"),
    [(0.0, "new high"), (-0.05, "dip"), (-0.15, "correction"), (-0.3, "bear market"),
     (-0.5, "crash")],
)  # fmt: skip
def test_classify(depth: float, label: str) -> None:
    assert mk.classify(depth) == label


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.5, 2.0), min_size=3, max_size=60))
def test_episode_depths_are_negative_and_peaks_precede_troughs(steps: list[float]) -> None:
    prices = pd.Series(
        100 * np.cumprod(steps), index=pd.date_range("2000-01-31", periods=len(steps), freq="ME")
    )
    ep = mk.drawdown_episodes(prices)
    assert (ep["depth"] <= mk.EPISODE_FLOOR).all()
    assert (ep["peak"] < ep["trough"]).all()
    done = ep.dropna(subset=["recovery"])
    assert (done["trough"] < done["recovery"]).all()
    # the deepest episode is the maximum drawdown of the path
    if len(ep):
        assert ep["depth"].min() == pytest.approx(float((prices / prices.cummax() - 1).min()))


def test_cape_matches_a_direct_computation() -> None:
    dates = pd.date_range("1990-01-31", periods=130, freq="ME")
    rng = np.random.default_rng(1)
    price = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.03, 130))), index=dates)
    earnings = pd.Series(5 + rng.uniform(0, 1, 130), index=dates)
    cpi = pd.Series(np.linspace(100, 130, 130), index=dates)
    got = mk.cape(price, earnings, cpi)
    real_e = earnings / cpi * 130
    want = price.iloc[-1] / cpi.iloc[-1] * 130 / real_e.iloc[-120:].mean()
    assert got.iloc[-1] == pytest.approx(want, rel=1e-12)
    assert len(got) == 11


def test_shipped_context_reads_history() -> None:
    ctx = mk.context(load_table("market"))
    deepest = ctx.episodes.loc[ctx.episodes["depth"].idxmin()]
    assert deepest["peak"] == pd.Timestamp("2000-02-29")  # the dot-com month-end peak
    assert deepest["depth"] == pytest.approx(1172.06 / 4696.69 - 1, abs=1e-6)  # Sep 2002 close
    assert ctx.episodes["peak"].min().year in (1971, 1972)
    cape = ctx.valuations[0]
    assert cape.peak_2000[0] == pd.Timestamp("1999-12-31")
    assert 43 < cape.peak_2000[1] < 45  # Shiller's published CAPE peak is 44.2 (Dec 1999)
    assert len(ctx.readings()) == 5 and len(ctx.forward_pe) == 4
