"""What an update carries into the curated tables: new Nasdaq closes, new fiscal years."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.data import load_table
from bubblewatch.data.reconcile import reconcile
from bubblewatch.sources import fred, refresh, sec
from bubblewatch.sources.sec_metrics import metrics_frame

RETRIEVED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_month_end_closes_keep_complete_months_only() -> None:
    days = pd.bdate_range("2026-01-01", "2026-03-17")
    daily = pd.Series(range(len(days)), index=days, dtype=float)
    closes = refresh.month_end_closes(daily)
    assert list(closes.index) == [pd.Timestamp("2026-01-31"), pd.Timestamp("2026-02-28")]
    assert closes.iloc[0] == daily[:"2026-01-31"].iloc[-1]
    assert closes.iloc[1] == daily[:"2026-02-28"].iloc[-1]


def test_nasdaq_closes_after_the_snapshot_are_carried_into_market(shared_data: Path) -> None:
    text = (shared_data / "fred_macro_acc102" / "NASDAQCOM.csv").read_text()
    obs = fred.graph_csv_frame(text, "NASDAQCOM", url="u", retrieved=RETRIEVED)
    shipped = load_table("market")
    cut = pd.Timestamp("2025-12-31")
    nasdaq = shipped["series"] == "NASDAQCOM"
    older = shipped.loc[~nasdaq | (shipped["date"] <= cut)]
    rows, sources = refresh.market_from_fred(older, obs, RETRIEVED)
    assert set(rows["source_id"]) == set(sources["source_id"]) == {"fred_nasdaqcom_20261202"}
    # the snapshot's own rows for 2026, built by its script from the same FRED series
    later = shipped.loc[nasdaq & (shipped["date"] > cut)]
    for field in ("daily_close", "close"):
        got = rows[rows["field"] == field].set_index("date")["value"]
        want = later[later["field"] == field].set_index("date")["value"]
        assert list(got.index) == list(want.index), field
        assert got.to_numpy() == pytest.approx(want.to_numpy(), abs=1e-9)
    assert rows.loc[rows["field"] == "close", "date"].max() == pd.Timestamp("2026-03-31")
    # nothing new when the snapshot already holds every close
    again, _ = refresh.market_from_fred(shipped, obs, RETRIEVED)
    assert again.empty


def test_only_fiscal_years_after_the_curated_ones_are_carried(shared_data: Path) -> None:
    path = shared_data / "api_responses/sec_edgar/companyfacts_CIK0001652044_Alphabet.json"
    facts = sec.facts_frame(json.loads(path.read_bytes()), url="u", retrieved=RETRIEVED)
    metrics = metrics_frame(facts, ticker="GOOGL")
    shipped = load_table("financials")
    capex = (shipped["entity"] == "Alphabet") & (shipped["metric"] == "capex")
    without_2025 = shipped.loc[~(capex & (shipped["period"] == "FY2025"))]
    rows, sources = refresh.financials_from_sec(without_2025, metrics, RETRIEVED)
    new_capex = rows[rows["metric"] == "capex"]
    assert list(new_capex["period"]) == ["FY2025"]
    assert new_capex["value"].iloc[0] == pytest.approx(91_447)  # the FY2025 10-K, USD millions
    assert new_capex["source_id"].iloc[0] == "sec_googl_0001652044_26_000018"
    assert set(sources["source_id"]) == set(rows["source_id"])
    # earlier years the curated table lacks (before its first year) are not backfilled
    assert not (rows["period"] < "FY2025").any()
    same, _ = refresh.financials_from_sec(shipped, metrics, RETRIEVED)
    assert "capex" not in set(same["metric"])


def test_figures_sec_confirms_are_re_cited_to_their_filing(shared_data: Path) -> None:
    path = shared_data / "api_responses/sec_edgar/companyfacts_CIK0001652044_Alphabet.json"
    facts = sec.facts_frame(json.loads(path.read_bytes()), url="u", retrieved=RETRIEVED)
    metrics = metrics_frame(facts, ticker="GOOGL")
    shipped = load_table("financials")
    copy = "fin_msft_stockanalysis_is"  # any existing non-filing source stands in for a copy
    alphabet = shipped["entity"] == "Alphabet"
    on_filing = alphabet & shipped["source_id"].str.startswith("sec_googl_")
    disagrees = alphabet & ~shipped["source_id"].str.startswith("sec_googl_")
    as_copies = shipped.assign(source_id=shipped["source_id"].where(~on_filing, copy))
    recited, sources = refresh.recite_from_sec(as_copies, metrics, RETRIEVED)
    # every row SEC confirms cites a filing again: the latest one that carries the figure
    table = reconcile(as_copies, metrics).set_index(["metric", "period"])
    for rec in recited.loc[on_filing].itertuples():
        accn = table.loc[(rec.metric, rec.period), "sec_accn"]
        assert rec.source_id == refresh.filing_source_id("GOOGL", accn)
    # rows SEC does not confirm keep the source they had; values never change
    assert list(recited.loc[disagrees, "source_id"]) == list(shipped.loc[disagrees, "source_id"])
    assert list(recited["value"]) == list(shipped["value"])
    assert set(sources["source_id"]) == set(recited.loc[on_filing, "source_id"])
    assert sources["url"].str.startswith("https://www.sec.gov/Archives/edgar/data/1652044/").all()
