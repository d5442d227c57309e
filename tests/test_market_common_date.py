"""Series compared with each other are read on the latest date they all have."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.arguments import markets
from bubblewatch.arguments.result import Result
from bubblewatch.data import load_table
from bubblewatch.errors import DataError
from bubblewatch.models import market as mk


def test_common_end_is_the_earliest_last_date() -> None:
    a = pd.Series([1.0, 2.0], index=pd.to_datetime(["2026-02-27", "2026-03-31"]))
    b = pd.Series(
        [1.0, 2.0, None], index=pd.to_datetime(["2026-03-31", "2026-07-31", "2026-08-31"])
    )
    assert mk.common_end({"a": a, "b": b}) == pd.Timestamp("2026-03-31")
    with pytest.raises(DataError):
        mk.common_end({"a": a, "empty": pd.Series(dtype=float)})


def test_drawdown_read_on_an_earlier_date_keeps_the_series_last_date() -> None:
    dates = pd.date_range("2025-10-31", periods=6, freq="ME")
    prices = pd.Series([100.0, 90.0, 95.0, 120.0, 125.0, 130.0], index=dates)
    ref = mk.drawdown_episodes(prices)
    later = mk.drawdown_reading("X", prices, ref, "X", ("s",))
    assert later.drawdown == 0 and later.label == "new high"
    on = mk.drawdown_reading("X", prices, ref, "X", ("s",), as_of=dates[2])
    assert on.as_of == dates[2] and on.last == dates[-1]
    assert on.drawdown == pytest.approx(-0.05) and on.peak == dates[0]
    assert on.to_dict()["last"] == "2026-03-31"


def _markets(market: pd.DataFrame) -> Result:
    return markets.analyze(
        {"market": market, "claims": load_table("claims")}, markets.MarketsParams()
    )


@pytest.fixture(scope="module")
def early_composite() -> pd.DataFrame:
    """The shipped market table with the Composite's month-ends cut at December 2025."""
    market = load_table("market")
    cut = (
        (market["series"] == "NASDAQCOM")
        & (market["field"] == "close")
        & (pd.to_datetime(market["date"]) > "2025-12-31")
    )
    return market.loc[~cut].reset_index(drop=True)


def test_context_compares_on_the_common_date(early_composite: pd.DataFrame) -> None:
    ctx = mk.context(early_composite)
    on = pd.Timestamp("2025-12-31")
    assert ctx.compared_on == on
    assert all(d.as_of == on for d in ctx.drawdowns)
    qqq = next(d for d in ctx.drawdowns if "QQQ" in d.name)
    assert qqq.last == pd.Timestamp("2026-07-31")
    assert ctx.last_dates["NASDAQ Composite"] == on
    assert "NASDAQ Composite through 2025-12-31" in ctx.coverage
    assert "(QQQ, total return) through 2026-07-31" in ctx.coverage
    assert ctx.coverage.endswith("compared on 2025-12-31")
    assert "its data run to 2026-07-31" in ctx.readings()[1]


def test_markets_reading_names_each_last_date(early_composite: pd.DataFrame) -> None:
    section = _markets(early_composite)
    assert (
        "Nasdaq Composite through 2025-12-31, QQQ through 2026-07-31; compared on 2025-12-31"
        in section.reading
    )
    ev = {e.label: e for e in section.key_figures}
    assert "QQQ below its high (Dec 2025)" in ev
    qqq = early_composite.loc[
        (early_composite["series"] == "QQQ") & (early_composite["field"] == "adj_close")
    ]
    q = pd.Series(qqq["value"].to_numpy(float), index=pd.to_datetime(qqq["date"])).sort_index()
    q = q.loc[:"2025-12-31"]
    assert ev["QQQ below its high (Dec 2025)"].value == pytest.approx(q.iloc[-1] / q.max() - 1)


def test_shipped_markets_reading_states_the_common_date() -> None:
    section = _markets(load_table("market"))
    assert "compared on 2026-03-31" in section.reading
    assert "QQQ through 2026-07-31" in section.reading
