"""The curated ``financials`` table set against SEC EDGAR's figures (live table ``sec_metrics``).

For every curated row of a company whose SEC metrics are loaded, :func:`reconcile` gives the
curated figure, the SEC figure (latest filed version, in the curated row's unit), the difference,
the SEC accession number and, where the two differ by more than :data:`TOLERANCE_PCT` or SEC
lacks the figure, the reason, from :data:`REASONS`: each states why that company's curated line
and the SEC tag are not the same thing (a different line, a derived figure, a share split, a
figure disclosed only in text or under a dimension that ``companyfacts`` omits).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from bubblewatch.errors import DataError
from bubblewatch.sources.sec_metrics import latest
from bubblewatch.universe import HYPERSCALER_IDS

TOLERANCE_PCT = 0.5

#: Curated entity name -> (ticker, 10-digit CIK).
ENTITIES: dict[str, tuple[str, str]] = {
    **HYPERSCALER_IDS,
    "NVIDIA": ("NVDA", "0001045810"),
    "Apple": ("AAPL", "0000320193"),
    "TSMC": ("TSM", "0001046179"),
}

#: Why a curated figure differs from SEC's or has no SEC counterpart, per (entity, metric).
REASONS: dict[tuple[str, str], str] = {
    ("Alphabet", "depreciation_amortization"): (
        "FY2019-FY2020: no us-gaap element carries the line in companyfacts; the 10-Ks of "
        "those years tagged 'Depreciation and impairment of property and equipment' with an "
        "element companyfacts does not hold, and us-gaap:Depreciation starts with FY2021 "
        "(first filed in the FY2023 10-K, 0001652044-24-000022)"
    ),
    ("Alphabet", "capex_guidance_low"): (
        "guidance given on the Q1 2026 earnings call, not a figure of any filing"
    ),
    ("Alphabet", "capex_guidance_high"): (
        "guidance given on the Q1 2026 earnings call, not a figure of any filing"
    ),
    ("Alphabet", "eps_diluted"): (
        "FY2019: the latest SEC figure is the pre-split $49.16 of the FY2021 10-K "
        "(0001652044-22-000019), filed before the 20-for-1 split of July 2022; no later filing "
        "repeats FY2019, and the curated figure is split-adjusted, 49.16 / 20 = 2.46"
    ),
    ("Alphabet", "shares_diluted"): (
        "FY2020-FY2021: Alphabet's 10-Ks of those years give diluted shares only per share "
        "class (Class A, B, C members of a dimension companyfacts omits); the undimensioned "
        "WeightedAverageNumberOfDilutedSharesOutstanding starts with FY2022 in the FY2024 10-K; "
        "the curated figure is Class A plus Class C"
    ),
    ("Alphabet", "ppe_servers_network_gross"): (
        "no us-gaap element for servers and network equipment: Alphabet's PP&E classes "
        "('Information technology assets', later 'Technical infrastructure') are members of "
        "PropertyPlantAndEquipmentByTypeAxis, which companyfacts omits; FY2025 is 60% of "
        "technical infrastructure per the 10-K footnote"
    ),
    ("Alphabet", "ppe_land_gross"): (
        "'Land and buildings' is a member of PropertyPlantAndEquipmentByTypeAxis, which "
        "companyfacts omits; Alphabet tags no undimensioned Land element"
    ),
    ("Alphabet", "ppe_construction_in_progress"): (
        "FY2018-FY2020: construction in progress was a member of "
        "PropertyPlantAndEquipmentByTypeAxis (omitted by companyfacts); the undimensioned "
        "ConstructionInProgressGross ('assets not yet in service') exists only for 2023-12-31 "
        "to 2025-03-31, and the FY2025 10-K (0001652044-26-000018) does not tag it"
    ),
    ("Alphabet", "ppe_gross_total"): (
        "since the FY2024 10-K (0001652044-25-000014) PropertyPlantAndEquipmentGross tags "
        "'Property and equipment, in service' only (FY2023 restated from 201,803 to 166,667); "
        "the curated figure adds 'assets not yet in service' (ConstructionInProgressGross): "
        "166,667 + 35,136 and 199,829 + 50,597; the FY2025 10-K tags neither line"
    ),
    ("Alphabet", "debt_issued"): (
        "the curated figure is 2025 bond issuance only (USD and EUR notes at the debt table's "
        "FX); the filing's cash-flow line (ProceedsFromDebtNetOfIssuanceCosts, 64,564) also "
        "counts commercial paper and other borrowings, so it is not used for this metric"
    ),
    ("Alphabet", "commercial_paper_net"): (
        "a change in a balance, not a filed figure: us-gaap:CommercialPaper outstanding went "
        "from 2,300 at 2024-12-31 to 0 at 2025-12-31"
    ),
    ("Alphabet", "leases_not_commenced"): (
        "stated in the text of the leases note ($5.8bn short-term plus $52.7bn long-term "
        "future payments), which carries no XBRL fact in companyfacts"
    ),
}

COLUMNS = (
    "entity",
    "ticker",
    "cik",
    "metric",
    "period",
    "fiscal_year",
    "fiscal_period",
    "unit",
    "curated_value",
    "curated_source_id",
    "sec_value",
    "sec_first_reported",
    "difference",
    "pct_difference",
    "within_tolerance",
    "sec_accn",
    "sec_tag",
    "sec_form",
    "sec_filed",
    "reason",
)

#: (SEC unit, curated unit) -> factor from the SEC figure to the curated unit.
_CONVERT: dict[tuple[str, str], float] = {
    ("usd_m", "usd_m"): 1.0,
    ("usd_m", "usd_bn"): 1e-3,
    ("usd_m", "usd_tn"): 1e-6,
    ("m_shares", "m_shares"): 1.0,
    ("usd_per_share", "usd_per_share"): 1.0,
}
_INSTANTS = frozenset(
    {
        "ppe_gross_total",
        "ppe_land_gross",
        "ppe_construction_in_progress",
        "ppe_servers_network_gross",
        "remaining_performance_obligations",
    }
)
_PERIOD = re.compile(r"^(?:FY)?(\d{4})(Q[1-4])?$")


def parse_period(period: str, metric: str) -> tuple[int, str]:
    """Curated ``period`` -> (fiscal year, fiscal period): ``FY2025`` -> (2025, "FY")."""
    match = _PERIOD.match(period)
    if match is None:
        raise DataError(f"financials: period {period!r} is not FYyyyy or FYyyyyQn")
    quarter = match.group(2) or "FY"
    if quarter == "Q4" and metric in _INSTANTS:
        quarter = "FY"  # a balance at the fourth quarter's end is the year-end balance
    return int(match.group(1)), quarter


def reconcile(financials: pd.DataFrame, sec_metrics: pd.DataFrame) -> pd.DataFrame:
    """Every curated row of each company in ``sec_metrics``, against SEC's latest figure."""
    loaded = set(sec_metrics["cik"].unique())
    firsts = sec_metrics.sort_values(["filed", "accn"]).drop_duplicates(
        ["cik", "metric", "fiscal_year", "fiscal_period"], keep="first"
    )
    first_value = {
        (c, m, int(y), p): v
        for c, m, y, p, v in zip(
            firsts["cik"],
            firsts["metric"],
            firsts["fiscal_year"],
            firsts["fiscal_period"],
            firsts["value"],
            strict=True,
        )
    }
    last = latest(sec_metrics).set_index(["cik", "metric", "fiscal_year", "fiscal_period"])
    rows: list[dict[str, object]] = []
    for rec in financials.itertuples(index=False):
        entity = str(rec.entity)
        if entity not in ENTITIES or ENTITIES[entity][1] not in loaded:
            continue
        ticker, cik = ENTITIES[entity]
        metric, unit = str(rec.metric), str(rec.unit)
        year, fperiod = parse_period(str(rec.period), metric)
        curated = float(rec.value)
        row: dict[str, object] = {
            "entity": entity,
            "ticker": ticker,
            "cik": cik,
            "metric": metric,
            "period": rec.period,
            "fiscal_year": year,
            "fiscal_period": fperiod,
            "unit": unit,
            "curated_value": curated,
            "curated_source_id": rec.source_id,
            "sec_value": math.nan,
            "sec_first_reported": math.nan,
            "difference": math.nan,
            "pct_difference": math.nan,
            "within_tolerance": False,
            "sec_accn": None,
            "sec_tag": None,
            "sec_form": None,
            "sec_filed": pd.NaT,
            "reason": None,
        }
        key = (cik, metric, year, fperiod)
        factor = None
        if key in last.index:
            sec = last.loc[key]
            factor = _CONVERT.get((str(sec["unit"]), unit))
        if factor is not None:
            sec_value = float(sec["value"]) * factor
            diff = curated - sec_value
            if sec_value != 0:
                pct = diff / abs(sec_value) * 100.0
            else:
                pct = 0.0 if curated == 0 else math.inf
            row.update(
                sec_value=sec_value,
                sec_first_reported=first_value[key] * factor,
                difference=diff,
                pct_difference=pct,
                within_tolerance=abs(pct) <= TOLERANCE_PCT,
                sec_accn=sec["accn"],
                sec_tag=sec["tag"],
                sec_form=sec["form"],
                sec_filed=sec["filed"],
            )
        if not row["within_tolerance"]:
            row["reason"] = REASONS.get((entity, metric))
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["sec_filed"] = pd.to_datetime(out["sec_filed"]).astype("datetime64[ns]")
    out["within_tolerance"] = out["within_tolerance"].astype(bool)
    return out
