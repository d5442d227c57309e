"""SEC EDGAR companyfacts -> sec_facts and sec_metrics, on recorded real responses."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bubblewatch.data.live_schema import SEC_FACTS, SEC_METRICS
from bubblewatch.errors import SourceError, SpecificationError
from bubblewatch.sources.sec import (
    SecQuery,
    ciks_for,
    companyfacts_endpoint,
    facts_frame,
    fetch,
    ticker_map,
)
from bubblewatch.sources.sec_metrics import (
    METRICS,
    first_reported,
    known_on,
    latest,
    metrics_frame,
)

RETRIEVED = datetime(2026, 7, 9, 12, 0, tzinfo=UTC)
FILES = {
    "NVDA": "companyfacts_CIK0001045810_NVIDIA.json",
    "GOOGL": "companyfacts_CIK0001652044_Alphabet.json",
    "AAPL": "companyfacts_CIK0000320193_Apple.json",
    "TSM": "companyfacts_CIK0001046179_TSMC_ifrs.json",
}
CIKS = {"NVDA": "0001045810", "GOOGL": "0001652044", "AAPL": "0000320193", "TSM": "0001046179"}


def _url(ticker: str) -> str:
    return "https://data.sec.gov" + companyfacts_endpoint(CIKS[ticker])


@pytest.fixture(scope="module")
def payloads(shared_data: Path) -> dict[str, Any]:
    folder = shared_data / "api_responses" / "sec_edgar"
    return {t: json.loads((folder / name).read_text()) for t, name in FILES.items()}


@pytest.fixture(scope="module")
def facts(payloads: dict[str, Any]) -> dict[str, pd.DataFrame]:
    return {t: facts_frame(p, url=_url(t), retrieved=RETRIEVED) for t, p in payloads.items()}


@pytest.fixture(scope="module")
def metrics(facts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {t: metrics_frame(f, ticker=t) for t, f in facts.items()}


# --- sec_facts ---------------------------------------------------------------------------


@pytest.mark.parametrize("ticker", list(FILES))
def test_every_fact_of_every_taxonomy_is_kept(
    ticker: str, payloads: dict[str, Any], facts: dict[str, pd.DataFrame]
) -> None:
    expected: Counter[str] = Counter()
    units: Counter[str] = Counter()
    for taxonomy, tags in payloads[ticker]["facts"].items():
        for concept in tags.values():
            for unit, items in concept["units"].items():
                for _ in items:
                    expected[taxonomy] += 1
                    units[unit] += 1
    frame = facts[ticker]
    assert dict(frame.groupby("taxonomy").size()) == dict(expected)
    assert dict(frame.groupby("unit").size()) == dict(units)
    assert len(frame) == sum(expected.values())


def test_taxonomies_beyond_us_gaap(facts: dict[str, pd.DataFrame]) -> None:
    assert {"us-gaap", "dei", "ecd", "invest", "srt", "ffd"} <= set(facts["NVDA"]["taxonomy"])
    assert {"ifrs-full", "dei"} == set(facts["TSM"]["taxonomy"])
    assert {"TWD", "USD"} <= set(facts["TSM"]["unit"])


def test_facts_have_the_schema_and_provenance(facts: dict[str, pd.DataFrame]) -> None:
    frame = facts["GOOGL"]
    assert tuple(frame.columns) == SEC_FACTS.column_names
    assert str(frame["period_end"].dtype) == "datetime64[ns]"
    assert str(frame["value"].dtype) == "float64"
    assert str(frame["fy"].dtype) == "Int64"
    assert (frame["cik"] == "0001652044").all()
    assert (frame["entity"] == "ALPHABET INC.").all()
    assert (frame["provider"] == "sec").all()
    assert (frame["url"] == _url("GOOGL")).all()
    assert (frame["retrieved"] == "2026-07-09T12:00:00Z").all()
    assert frame["published"].equals(frame["filed"])
    assert not frame.duplicated(list(SEC_FACTS.key)).any()
    # instants have no start; durations do
    assert frame["period_start"].isna().any() and frame["period_start"].notna().any()


def test_amended_and_repeated_versions_are_kept(facts: dict[str, pd.DataFrame]) -> None:
    frame = facts["GOOGL"]
    versions = frame.groupby(["tag", "period_start", "period_end"], dropna=False)["accn"].nunique()
    assert (versions > 1).sum() > 1000
    # Alphabet's FY2024 net income: the FY2024 10-K, the FY2025 10-K and a proxy statement
    ni = frame.loc[
        (frame["tag"] == "NetIncomeLoss")
        & (frame["period_end"] == "2024-12-31")
        & (frame["period_start"] == "2024-01-01")
    ]
    assert set(ni["form"]) == {"10-K", "DEF 14A"}
    assert ni["accn"].nunique() == 3
    assert (ni["value"] == 100_118_000_000).all()
    assert ni["frame"].notna().sum() == 1  # companyfacts gives the frame to one version only


def test_facts_parse_fast(payloads: dict[str, Any]) -> None:
    start = time.perf_counter()
    frame = facts_frame(payloads["NVDA"], url=_url("NVDA"), retrieved=RETRIEVED)
    metrics_frame(frame, ticker="NVDA")
    assert time.perf_counter() - start < 2.0


# --- schema drift ----------------------------------------------------------------------------


def test_renamed_facts_field_is_schema_drift(payloads: dict[str, Any]) -> None:
    payload = dict(payloads["TSM"])
    payload["factz"] = payload.pop("facts")
    with pytest.raises(SourceError) as err:
        facts_frame(payload, url=_url("TSM"), retrieved=RETRIEVED)
    assert str(err.value) == (
        "sec /api/xbrl/companyfacts/CIK0001046179.json: response lacks field 'facts'"
    )


@pytest.mark.parametrize("field", ["cik", "entityName"])
def test_missing_top_level_field_is_schema_drift(payloads: dict[str, Any], field: str) -> None:
    payload = {k: v for k, v in payloads["TSM"].items() if k != field}
    with pytest.raises(SourceError, match=f"lacks field '{field}'"):
        facts_frame(payload, url=_url("TSM"), retrieved=RETRIEVED)


@pytest.mark.parametrize("field", ["accn", "filed", "val", "end", "form"])
def test_one_fact_missing_a_field_raises_without_rows(payloads: dict[str, Any], field: str) -> None:
    original = payloads["TSM"]
    ifrs = dict(original["facts"]["ifrs-full"])
    tag = sorted(ifrs)[-1]
    units = dict(ifrs[tag]["units"])
    unit = next(iter(units))
    broken = [dict(f) for f in units[unit]]
    del broken[-1][field]
    units[unit] = broken
    ifrs[tag] = {**ifrs[tag], "units": units}
    payload = {**original, "facts": {**original["facts"], "ifrs-full": ifrs}}
    with pytest.raises(
        SourceError,
        match=f"^sec /api/xbrl/companyfacts/CIK0001046179.json: response lacks field '{field}'$",
    ):
        facts_frame(payload, url=_url("TSM"), retrieved=RETRIEVED)


# --- tickers and the query -----------------------------------------------------------------


def test_ticker_map_and_unknown_ticker(shared_data: Path) -> None:
    payload = json.loads((shared_data / "api_responses/sec_edgar/company_tickers.json").read_text())
    table = ticker_map(payload)
    assert len(table) == len({r["ticker"] for r in payload.values()})
    assert ciks_for(["NVDA", "GOOGL", "AAPL"], table) == {
        "NVDA": "0001045810",
        "GOOGL": "0001652044",
        "AAPL": "0000320193",
    }
    with pytest.raises(SpecificationError, match="ZZZZQ"):
        ciks_for(["NVDA", "ZZZZQ"], table)
    with pytest.raises(SourceError, match="lacks field 'cik_str'"):
        ticker_map({"0": {"ticker": "A", "title": "x"}})


@pytest.mark.parametrize("tickers", [(), ("nvda",), ("NVDA", "NVDA"), ("",), ("NV DA",)])
def test_query_is_validated(tickers: tuple[str, ...]) -> None:
    with pytest.raises(SpecificationError):
        SecQuery(tickers=tickers)


@dataclass
class _Fetched:
    payload: Any
    url: str
    retrieved: datetime = RETRIEVED

    def json(self) -> Any:
        return self.payload


class _Client:
    def __init__(self, base: str, files: Mapping[str, Any]) -> None:
        self.base = base
        self.files = files
        self.paths: list[str] = []

    def get(self, path: str, params: Mapping[str, str] | None = None) -> _Fetched:
        self.paths.append(path)
        return _Fetched(self.files[path], self.base + path)


def test_fetch_uses_both_hosts_and_returns_live_tables(
    shared_data: Path, payloads: dict[str, Any]
) -> None:
    tickers = json.loads((shared_data / "api_responses/sec_edgar/company_tickers.json").read_text())
    www = _Client("https://www.sec.gov", {"/files/company_tickers.json": tickers})
    data = _Client(
        "https://data.sec.gov",
        {companyfacts_endpoint(CIKS[t]): payloads[t] for t in ("NVDA", "GOOGL")},
    )
    out = fetch(SecQuery(tickers=("NVDA", "GOOGL")), data, www_client=www)
    assert set(out) == {"sec_facts", "sec_metrics"}
    assert www.paths == ["/files/company_tickers.json"]
    assert data.paths == [
        "/api/xbrl/companyfacts/CIK0001045810.json",
        "/api/xbrl/companyfacts/CIK0001652044.json",
    ]
    assert set(out["sec_facts"]["cik"]) == {"0001045810", "0001652044"}
    assert set(out["sec_metrics"]["ticker"]) == {"NVDA", "GOOGL"}
    assert tuple(out["sec_metrics"].columns) == SEC_METRICS.column_names


# --- sec_metrics ---------------------------------------------------------------------------


def test_metrics_have_the_schema(metrics: dict[str, pd.DataFrame]) -> None:
    frame = metrics["GOOGL"]
    assert tuple(frame.columns) == SEC_METRICS.column_names
    assert not frame.duplicated(list(SEC_METRICS.key)).any()
    assert set(frame["derivation"]) == {"reported", "ytd_difference", "year_minus_quarters"}
    assert set(frame["fiscal_period"]) == {"FY", "Q1", "Q2", "Q3", "Q4"}
    assert set(frame["unit"]) == {"usd_m", "m_shares", "usd_per_share"}
    assert frame["published"].equals(frame["filed"])
    # only periodic reports: the DEF 14A repeat of FY2024 net income is not used
    assert set(frame["form"]) <= {"10-K", "10-Q", "10-K/A", "10-Q/A"}


def test_nvidia_capex_tag_switch(metrics: dict[str, pd.DataFrame]) -> None:
    capex = metrics["NVDA"].loc[metrics["NVDA"]["metric"] == "capex"]
    late = capex.loc[capex["period_end"] > "2020-07-26"]
    early = capex.loc[capex["period_end"] < "2019-10-01"]
    assert len(late) > 20
    assert set(late["tag"]) == {"PaymentsToAcquireProductiveAssets"}
    assert set(early["tag"]) == {"PaymentsToAcquirePropertyPlantAndEquipment"}


def test_fiscal_years_come_from_period_dates(metrics: dict[str, pd.DataFrame]) -> None:
    nv = latest(metrics["NVDA"])
    fy = nv.loc[(nv["metric"] == "net_income") & (nv["fiscal_period"] == "FY")]
    ends = dict(zip(fy["fiscal_year"], fy["period_end"].dt.strftime("%Y-%m-%d"), strict=True))
    assert ends[2026] == "2026-01-25"
    assert ends[2025] == "2025-01-26"
    assert ends[2016] == "2016-01-31"
    q1 = nv.loc[(nv["metric"] == "net_income") & (nv["fiscal_period"] == "Q1")]
    assert q1.loc[q1["fiscal_year"] == 2027, "period_end"].item() == pd.Timestamp("2026-04-26")
    apple = latest(metrics["AAPL"])
    a_fy = apple.loc[(apple["metric"] == "capex") & (apple["fiscal_period"] == "FY")]
    assert a_fy.loc[a_fy["fiscal_year"] == 2024, "period_end"].item() == pd.Timestamp("2024-09-28")
    # a comparative year in a later 10-K keeps its own fiscal year (the filing's fy is 2025)
    g = metrics["GOOGL"]
    comp = g.loc[(g["metric"] == "net_income") & (g["accn"] == "0001652044-26-000018")]
    assert set(comp.loc[comp["fiscal_period"] == "FY", "fiscal_year"]) == {2023, 2024, 2025}


@pytest.mark.parametrize(("ticker", "years_checked"), [("GOOGL", 8), ("NVDA", 3), ("AAPL", 8)])
def test_quarters_sum_to_the_year_as_known_when_the_10k_was_filed(
    ticker: str, years_checked: int, metrics: dict[str, pd.DataFrame]
) -> None:
    # (the recorded NVIDIA response lacks the annual capex of several 10-Ks, e.g. FY2021)
    frame = metrics[ticker]
    capex = frame.loc[frame["metric"] == "capex"]
    years = capex.loc[(capex["fiscal_period"] == "FY") & (capex["form"] == "10-K")]
    checked = 0
    for year, filed in years.groupby("fiscal_year")["filed"].min().items():
        view = known_on(capex, filed)
        view = view.loc[view["fiscal_year"] == year].set_index("fiscal_period")["value"]
        if not {"Q1", "Q2", "Q3", "Q4", "FY"} <= set(view.index):
            continue
        quarters = view[["Q1", "Q2", "Q3", "Q4"]].sum()
        assert quarters == pytest.approx(view["FY"], rel=1e-9, abs=1e-9)
        checked += 1
    assert checked >= years_checked


def test_alphabet_quarters_by_derivation(metrics: dict[str, pd.DataFrame]) -> None:
    # Hand-checked against companyfacts_CIK0001652044_Alphabet.json,
    # us-gaap:PaymentsToAcquirePropertyPlantAndEquipment (USD):
    #   2025-01-01..2025-12-31 val 91447000000, accn 0001652044-26-000018 (10-K, filed 2026-02-05)
    #   2025-01-01..2025-09-30 val 63596000000, accn 0001652044-25-000091 (10-Q, filed 2025-10-30)
    # so Q4 2025 = 91,447 - 63,596 = 27,851 (USD m).
    view = latest(metrics["GOOGL"])
    capex = view.loc[(view["metric"] == "capex") & (view["fiscal_year"] == 2025)]
    q = capex.set_index("fiscal_period")
    assert q.loc["FY", "value"] == pytest.approx(91_447)
    assert q.loc["Q4", "value"] == pytest.approx(27_851)
    assert q.loc["Q4", "derivation"] == "year_minus_quarters"
    assert q.loc["Q4", "accn"] == "0001652044-26-000018"
    assert q.loc["Q4", "period_start"] == pd.Timestamp("2025-10-01")
    assert q.loc["Q3", "derivation"] == "ytd_difference"
    assert q.loc["Q3", "period_start"] == pd.Timestamp("2025-07-01")
    assert q.loc["Q1", "derivation"] == "reported"
    # the income statement gives 3-month quarters: reported, not derived
    ni = view.loc[(view["metric"] == "net_income") & (view["fiscal_year"] == 2025)]
    assert set(ni.loc[ni["fiscal_period"] != "Q4", "derivation"]) == {"reported"}
    # per-share figures are never differenced
    eps = metrics["GOOGL"].loc[metrics["GOOGL"]["metric"] == "eps_diluted"]
    assert set(eps["derivation"]) == {"reported"}


def test_instants_are_taken_at_period_end(metrics: dict[str, pd.DataFrame]) -> None:
    frame = metrics["GOOGL"]
    rpo = frame.loc[frame["metric"] == "remaining_performance_obligations"]
    assert len(rpo) > 0
    assert rpo["period_start"].isna().all()
    assert set(rpo["derivation"]) == {"reported"}
    ppe = latest(frame.loc[frame["metric"] == "ppe_gross_total"])
    fy2019 = ppe.loc[(ppe["fiscal_year"] == 2019) & (ppe["fiscal_period"] == "FY")]
    assert fy2019["value"].item() == pytest.approx(104_207)
    assert fy2019["period_end"].item() == pd.Timestamp("2019-12-31")


def test_first_reported_and_latest_differ_on_a_restatement(
    metrics: dict[str, pd.DataFrame],
) -> None:
    # Alphabet's FY2015 capex: 9,915 in the FY2015 10-K (0001652044-16-000012), restated to
    # 9,950 in later 10-Ks.
    frame = metrics["GOOGL"]
    capex = frame.loc[
        (frame["metric"] == "capex")
        & (frame["fiscal_year"] == 2015)
        & (frame["fiscal_period"] == "FY")
    ]
    first = first_reported(capex).iloc[0]
    last = latest(capex).iloc[0]
    assert first["value"] == pytest.approx(9_915)
    assert first["accn"] == "0001652044-16-000012"
    assert last["value"] == pytest.approx(9_950)
    assert last["filed"] > first["filed"]
    # and the 2022 stock split: FY2020 diluted EPS first 58.61, latest 2.93
    eps = frame.loc[
        (frame["metric"] == "eps_diluted")
        & (frame["fiscal_year"] == 2020)
        & (frame["fiscal_period"] == "FY")
    ]
    assert first_reported(eps)["value"].item() == pytest.approx(58.61)
    assert latest(eps)["value"].item() == pytest.approx(2.93)


def test_known_on_excludes_later_filings(metrics: dict[str, pd.DataFrame]) -> None:
    frame = metrics["GOOGL"]
    day = pd.Timestamp("2025-06-30")
    view = known_on(frame, day)
    assert (view["filed"] <= day).all()
    assert view["fiscal_year"].max() == 2025
    assert not ((view["fiscal_year"] == 2025) & (view["fiscal_period"] == "FY")).any()
    capex = view.loc[(view["metric"] == "capex") & (view["fiscal_year"] == 2015)]
    assert capex.loc[capex["fiscal_period"] == "FY", "value"].item() == pytest.approx(9_950)
    early = known_on(frame, "2017-01-01")
    capex15 = early.loc[
        (early["metric"] == "capex")
        & (early["fiscal_year"] == 2015)
        & (early["fiscal_period"] == "FY")
    ]
    assert capex15["value"].item() == pytest.approx(9_915)
    # one version per period
    assert not view.duplicated(["cik", "metric", "fiscal_year", "fiscal_period"]).any()


def test_ifrs_filer_keeps_facts_and_yields_no_metrics(
    facts: dict[str, pd.DataFrame], metrics: dict[str, pd.DataFrame]
) -> None:
    # TSMC files 20-F under ifrs-full, mostly in TWD: the metrics read us-gaap USD tags only.
    assert (facts["TSM"]["taxonomy"] == "ifrs-full").sum() == 5971
    assert metrics["TSM"].empty
    assert tuple(metrics["TSM"].columns) == SEC_METRICS.column_names


def test_fallback_table_is_documented() -> None:
    names = [spec.metric for spec in METRICS]
    assert len(names) == len(set(names))
    capex = next(s for s in METRICS if s.metric == "capex")
    assert capex.tags == (
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
    )
