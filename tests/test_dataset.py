"""The shipped dataset: schemas, sourcing, coverage of what the debate needs."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.data import (
    KNOWN_UNITS,
    SCHEMAS,
    SHIPPED_TABLES,
    load_table,
    raw_bytes,
    verify_tables,
)

HYPERSCALERS = ("Microsoft", "Alphabet", "Amazon", "Meta", "Oracle")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: load_table(name) for name in SHIPPED_TABLES}


def test_shipped_tables_have_exactly_their_schema_columns() -> None:
    for name in SHIPPED_TABLES:
        header = raw_bytes(name).decode("utf-8").splitlines()[0].split(",")
        assert header == list(SCHEMAS[name].column_names), name


def test_snapshot_verifies_cleanly(tables: dict[str, pd.DataFrame]) -> None:
    result = verify_tables(tables)
    assert result.ok, result.summary()
    assert not result.warnings, result.summary()


def test_every_source_is_complete(tables: dict[str, pd.DataFrame]) -> None:
    sources = tables["sources"]
    for col in ("publisher", "title", "url", "published", "retrieved", "locator"):
        assert sources[col].notna().all(), col
    assert sources["url"].str.match(r"^https?://").all()
    assert (sources["retrieved"] >= sources["published"]).all()
    assert sources["source_id"].is_unique


def test_no_long_prose_copied_into_sources(tables: dict[str, pd.DataFrame]) -> None:
    # Locators point at figures; they are short, in our words, and carry no quotation marks.
    locators = tables["sources"]["locator"]
    assert (locators.str.len() < 1000).all()
    assert not locators.str.contains('"').any()


def test_units_are_known(tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        unit_col = SCHEMAS[name].unit_column
        if unit_col:
            assert set(frame[unit_col]) <= KNOWN_UNITS, name


def test_financials_cover_the_hyperscalers_2019_2025(tables: dict[str, pd.DataFrame]) -> None:
    fin = tables["financials"]
    for entity in HYPERSCALERS:
        rows = fin.loc[fin["entity"] == entity]
        for metric in ("capex", "operating_cash_flow", "depreciation_amortization"):
            years = set(rows.loc[rows["metric"] == metric, "period"])
            # Each company/metric has at least six of the seven fiscal years 2019-2025.
            assert len(years & {f"FY{y}" for y in range(2019, 2026)}) >= 6, (entity, metric, years)
        assert {"capex_guidance_low", "capex_guidance_high"} <= set(rows["metric"]), entity


def test_fiscal_year_ends_match_each_company(tables: dict[str, pd.DataFrame]) -> None:
    fin = tables["financials"]
    fy = fin.loc[fin["period"].str.fullmatch(r"FY\d{4}")]
    month = {"Microsoft": 6, "Oracle": 5, "Alphabet": 12, "Amazon": 12, "Meta": 12}
    for entity, m in month.items():
        ends = fy.loc[fy["entity"] == entity, "fiscal_year_end"].dt.month
        assert (ends == m).all(), entity


def test_capex_guidance_ranges_are_ordered(tables: dict[str, pd.DataFrame]) -> None:
    fin = tables["financials"]
    wide = fin.loc[fin["metric"].str.startswith("capex_guidance")].pivot_table(
        index=["entity", "period"], columns="metric", values="value"
    )
    assert (wide["capex_guidance_low"] <= wide["capex_guidance_high"]).all()


def test_deals_network_is_large_and_dated(tables: dict[str, pd.DataFrame]) -> None:
    deals = tables["deals"]
    assert len(deals) >= 35
    assert deals["date"].dt.year.between(2023, 2026).all()
    assert deals["deal_id"].is_unique
    # The debate's circle is in the data: NVIDIA -> OpenAI, OpenAI -> Oracle, Oracle -> NVIDIA.
    flows = set(zip(deals["money_from"], deals["money_to"], strict=True))
    assert {("NVIDIA", "OpenAI"), ("OpenAI", "Oracle"), ("Oracle", "NVIDIA")} <= flows
    assert {
        "equity",
        "compute_contract",
        "chip_purchase",
        "warrant",
        "backstop",
        "jv",
        "debt",
    } <= set(deals["type"])


def test_useful_lives_record_old_and_new(tables: dict[str, pd.DataFrame]) -> None:
    lives = tables["useful_lives"]
    assert (lives["old_years"] != lives["new_years"]).all()
    assert lives["effective_date"].dt.year.min() >= 2020
    assert {"Microsoft", "Alphabet", "Amazon", "Meta"} <= set(lives["company"])


def test_debt_is_2024_2026_and_positive(tables: dict[str, pd.DataFrame]) -> None:
    debt = tables["debt"]
    assert debt["date"].dt.year.between(2024, 2026).all()
    assert (debt["amount_usd_bn"] > 0).all()


def test_macro_decomposes_every_quarter_from_2023q1(tables: dict[str, pd.DataFrame]) -> None:
    macro = tables["macro"]
    needed = (
        "gdp_growth",
        "contrib_pce",
        "contrib_nonres_fixed_investment",
        "contrib_equipment",
        "contrib_ipp",
    )
    quarters = [f"{y}Q{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
    for series in needed:
        have = set(macro.loc[macro["series"] == series, "period"])
        assert set(quarters) <= have, (series, sorted(set(quarters) - have))


def test_power_rows_have_a_value_or_a_range(tables: dict[str, pd.DataFrame]) -> None:
    power = tables["power"]
    assert (power["value"].notna() | power["value_low"].notna()).all()
    ranged = power.dropna(subset=["value_low", "value_high"])
    assert (ranged["value_low"] <= ranged["value_high"]).all()


def test_market_snapshot_series_and_history(tables: dict[str, pd.DataFrame]) -> None:
    market = tables["market"]
    first = market.groupby("series")["date"].min()
    assert first["NASDAQCOM"].year == 1971
    assert first["SP500"].year == 1871
    tickers = {
        "NVDA",
        "MSFT",
        "GOOGL",
        "AMZN",
        "META",
        "ORCL",
        "AMD",
        "AVGO",
        "PLTR",
        "CRWV",
        "NBIS",
        "QQQ",
    }
    assert tickers <= set(market["series"])
    monthly = market.loc[~market["field"].str.startswith("daily_") & (market["series"] != "NDX")]
    assert (monthly["date"] == monthly["date"] + pd.offsets.MonthEnd(0)).all()
    daily = market.loc[market["field"].str.startswith("daily_")]
    assert set(daily["series"]) == {"NASDAQCOM", "NVDA", "MSFT", "GOOGL", "AMZN", "META",
                                    "AVGO", "AMD", "ORCL"}  # fmt: skip
    assert daily.groupby("series")["date"].min().max() <= pd.Timestamp("2021-01-08")
    sp = market.loc[market["series"] == "SP500"]
    assert {"mean_close", "dividend", "earnings", "cpi"} <= set(sp["field"])


def test_claims_are_the_debates_c01_to_c35(
    tables: dict[str, pd.DataFrame], shared_research: Path
) -> None:
    claims = tables["claims"]
    assert list(claims["claim_id"]) == [f"C{i:02d}" for i in range(1, 36)]
    text = (shared_research / "debate.md").read_text(encoding="utf-8")
    for rec in claims.itertuples():
        match = re.search(rf"^- {rec.claim_id} \(([^)]+)\)", text, flags=re.M)
        assert match is not None, rec.claim_id
        assert match.group(1) == rec.speaker
