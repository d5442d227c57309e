"""The curated financials reconciled against SEC EDGAR, on Alphabet's recorded companyfacts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.data.loaders import load_table
from bubblewatch.data.reconcile import (
    COLUMNS,
    ENTITIES,
    REASONS,
    TOLERANCE_PCT,
    parse_period,
    reconcile,
)
from bubblewatch.errors import DataError
from bubblewatch.sources.sec import facts_frame
from bubblewatch.sources.sec_metrics import metrics_frame


@pytest.fixture(scope="module")
def alphabet_metrics(shared_data: Path) -> pd.DataFrame:
    path = shared_data / "api_responses/sec_edgar/companyfacts_CIK0001652044_Alphabet.json"
    facts = facts_frame(
        json.loads(path.read_text()),
        url="https://data.sec.gov/api/xbrl/companyfacts/CIK0001652044.json",
        retrieved=datetime(2026, 7, 9, tzinfo=UTC),
    )
    return metrics_frame(facts, ticker="GOOGL")


@pytest.fixture(scope="module")
def result(alphabet_metrics: pd.DataFrame) -> pd.DataFrame:
    return reconcile(load_table("financials"), alphabet_metrics)


def test_every_curated_alphabet_row_is_listed(result: pd.DataFrame) -> None:
    curated = load_table("financials")
    alphabet = curated.loc[curated["entity"] == "Alphabet"]
    assert tuple(result.columns) == COLUMNS
    assert len(result) == len(alphabet) == 93
    assert set(zip(result["metric"], result["period"], strict=True)) == set(
        zip(alphabet["metric"], alphabet["period"], strict=True)
    )
    # companies without loaded SEC metrics are not listed
    assert set(result["entity"]) == {"Alphabet"}
    assert set(result["cik"]) == {"0001652044"}


def test_each_row_agrees_or_carries_a_stated_reason(result: pd.DataFrame) -> None:
    agree = result["pct_difference"].abs() <= TOLERANCE_PCT
    assert result["within_tolerance"].equals(agree)
    differing = result.loc[~agree]
    assert differing["reason"].notna().all(), differing[["metric", "period"]]
    assert result.loc[agree, "reason"].isna().all()
    for rec in differing.itertuples():
        assert rec.reason == REASONS[(rec.entity, rec.metric)]
    assert int(agree.sum()) == 69
    assert len(differing) == 24
    # a reason explains, it does not restate the difference
    assert all(len(r) > 60 for r in differing["reason"])


def test_hand_checked_figures(result: pd.DataFrame) -> None:
    rows = result.set_index(["metric", "period"])
    # companyfacts_CIK0001652044_Alphabet.json, us-gaap:OperatingIncomeLoss (USD),
    # 2024-01-01..2024-12-31: val 112390000000 in 0001652044-25-000014 (10-K filed 2025-02-05)
    # and again in 0001652044-26-000018 (10-K filed 2026-02-05) -> latest 112,390.
    oi = rows.loc[("operating_income", "FY2024")]
    assert oi["sec_value"] == pytest.approx(112_390)
    assert oi["sec_accn"] == "0001652044-26-000018"
    assert oi["difference"] == pytest.approx(0)
    # us-gaap:PropertyPlantAndEquipmentGross (USD), end 2023-12-31: val 201803000000 in the
    # FY2023 10-K (0001652044-24-000022), then 166667000000 in the FY2024 10-K
    # (0001652044-25-000014), which moved 'assets not yet in service' out of the gross line.
    ppe = rows.loc[("ppe_gross_total", "FY2023")]
    assert ppe["sec_value"] == pytest.approx(166_667)
    assert ppe["sec_first_reported"] == pytest.approx(201_803)
    assert ppe["curated_value"] == pytest.approx(201_803)
    assert ppe["sec_accn"] == "0001652044-25-000014"
    assert "in service" in ppe["reason"]
    # the pre-split EPS of FY2019
    eps = rows.loc[("eps_diluted", "FY2019")]
    assert eps["sec_value"] == pytest.approx(49.16)
    assert eps["pct_difference"] == pytest.approx((2.46 - 49.16) / 49.16 * 100)
    assert "split" in eps["reason"]


def test_units_convert_to_the_curated_unit(alphabet_metrics: pd.DataFrame) -> None:
    curated = pd.DataFrame(
        {
            "entity": ["Alphabet", "Alphabet"],
            "metric": ["capex", "capex"],
            "period": ["FY2025", "FY2025Q4"],
            "fiscal_year_end": pd.to_datetime(["2025-12-31", "2025-12-31"]),
            "value": [91.45, 27.85],
            "unit": ["usd_bn", "usd_bn"],
            "source_id": ["x", "y"],
        }
    )
    out = reconcile(curated, alphabet_metrics).set_index("period")
    assert out.loc["FY2025", "sec_value"] == pytest.approx(91.447)
    assert bool(out.loc["FY2025", "within_tolerance"])
    assert out.loc["FY2025Q4", "sec_value"] == pytest.approx(27.851)
    assert out.loc["FY2025Q4", "fiscal_period"] == "Q4"


def test_switched_rows_cite_the_filing_with_the_same_figure(
    alphabet_metrics: pd.DataFrame,
) -> None:
    curated = load_table("financials")
    sources = load_table("sources").set_index("source_id")
    cited = curated.loc[curated["source_id"].str.startswith("sec_googl_")]
    assert len(cited) == 69
    for rec in cited.itertuples():
        accn = rec.source_id.removeprefix("sec_googl_").replace("_", "-")
        source = sources.loc[rec.source_id]
        assert source["publisher"] == "Alphabet Inc. (SEC EDGAR filing)"
        assert source["title"].startswith("Form 10-K for fiscal year ended ")
        assert source["url"] == (
            f"https://www.sec.gov/Archives/edgar/data/1652044/{accn.replace('-', '')}/"
            f"{accn}-index.htm"
        )
        assert accn in source["locator"]
        year, period = parse_period(rec.period, rec.metric)
        version = alphabet_metrics.loc[
            (alphabet_metrics["accn"] == accn)
            & (alphabet_metrics["metric"] == rec.metric)
            & (alphabet_metrics["fiscal_year"] == year)
            & (alphabet_metrics["fiscal_period"] == period)
        ]
        assert len(version) == 1, (rec.metric, rec.period)
        assert version["value"].item() == pytest.approx(rec.value, rel=1e-12)
        assert version["tag"].item() in source["locator"]
        assert source["published"] == version["filed"].item()


def test_periods_parse() -> None:
    assert parse_period("FY2025", "capex") == (2025, "FY")
    assert parse_period("FY2026Q1", "capex") == (2026, "Q1")
    assert parse_period("FY2025Q4", "capex") == (2025, "Q4")
    assert parse_period("FY2025Q4", "remaining_performance_obligations") == (2025, "FY")
    assert parse_period("2026", "capex_guidance_low") == (2026, "FY")
    with pytest.raises(DataError, match="H1 2025"):
        parse_period("H1 2025", "capex")


def test_entities_map_to_ciks() -> None:
    curated = load_table("financials")
    assert set(curated["entity"]) <= set(ENTITIES)
    assert all(len(cik) == 10 and cik.isdigit() for _, cik in ENTITIES.values())
