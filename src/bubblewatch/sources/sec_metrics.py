"""The metrics the models read, derived per fiscal period from SEC XBRL facts (``sec_facts``).

Each metric is read from an ordered list of ``us-gaap`` tags (:data:`METRICS`): within one
filing, for one period, the first tag of the list that the filing reports wins. Companies
change tags: NVIDIA's capex is ``PaymentsToAcquirePropertyPlantAndEquipment`` up to the quarter
ended 2020-07-26 and ``PaymentsToAcquireProductiveAssets`` after it.

Rules (names as in the live table ``sec_metrics``):

- **Forms.** Values from periodic reports (10-K, 10-Q, 20-F, 40-F and their amendments) are
  preferred: a period's values from other forms (8-K, 424B prospectuses, S-1, ...) are used only
  when no periodic report gives that period.
- **Fiscal periods.** ``fiscal_year`` and ``fiscal_period`` come from the period's own dates
  and the company's fiscal year end, not from the fact's ``fy``/``fp``: those name the *filing*
  (a FY2025 10-K's comparative FY2023 figures carry ``fy=2025``). The fiscal year end is the
  month and day of the latest annual (350-380 day) period in a 10-K/20-F/40-F; a period ending
  within 7 days after it belongs to that year, which covers 52/53-week years (NVIDIA: late
  January; Apple: late September). ``fiscal_year`` is the calendar year in which the fiscal
  year ends (NVIDIA's year to 2026-01-25 is FY2026); a year end in the first week of January is
  treated as December 31 of the year before. ``fiscal_period`` is ``FY`` or ``Q1``-``Q4``.
- **Quarters.** A reported 3-month value is used as it is (``derivation = reported``). 10-Q cash
  flows are year to date (6 or 9 months): the quarter is the year-to-date value less the
  previous year-to-date value of the same fiscal year as known when the filing was made
  (``ytd_difference``). Q4 is the fiscal year less Q1-Q3 as known when the 10-K was filed
  (``year_minus_quarters``). Per-share and share-count metrics are not additive and are only
  taken as reported.
- **Instants** (PP&E, RPO) are taken as reported at the period end: ``FY`` at the fiscal year
  end, ``Q1``-``Q3`` at quarter ends.
- **Versions.** Every filing that reports (or lets us derive) a period's value adds a row keyed
  by its accession number; ``published`` is its filing date. :func:`first_reported`,
  :func:`latest` and :func:`known_on` pick one version per period.
- **Units.** USD -> ``usd_m``, shares -> ``m_shares``, USD/share -> ``usd_per_share``, the
  units of the curated ``financials`` table.

Only ``us-gaap`` facts in USD are read: an IFRS filer such as TSMC (``ifrs-full``, mostly TWD)
gets its facts in ``sec_facts`` and no rows here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from bubblewatch.data.live_schema import SEC_METRICS
from bubblewatch.data.loaders import coerce

Kind = Literal["flow", "ratio", "instant"]


@dataclass(frozen=True)
class MetricSpec:
    """One metric: its ``us-gaap`` tags in order of preference, SEC unit and kind.

    ``flow``: an additive duration (quarters derived from year-to-date values and the year);
    ``ratio``: a duration that does not add up (per-share, average share counts);
    ``instant``: a balance at the period end.
    """

    metric: str
    tags: tuple[str, ...]
    unit: str
    kind: Kind
    note: str = ""


#: The fallback tags of every metric, first preferred.
METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        "capex",
        ("PaymentsToAcquirePropertyPlantAndEquipment", "PaymentsToAcquireProductiveAssets"),
        "USD",
        "flow",
        "NVIDIA moved to PaymentsToAcquireProductiveAssets after the quarter to 2020-07-26",
    ),
    MetricSpec(
        "operating_cash_flow",
        (
            "NetCashProvidedByUsedInOperatingActivities",
            "NetCashProvidedByUsedInOperatingActivitiesContinuingOperations",
        ),
        "USD",
        "flow",
    ),
    MetricSpec(
        "depreciation_amortization",
        (
            "DepreciationDepletionAndAmortization",
            "DepreciationAmortizationAndAccretionNet",
            "DepreciationAndAmortization",
            "Depreciation",
        ),
        "USD",
        "flow",
        "the cash-flow add-back; Alphabet tags only Depreciation (of property and equipment)",
    ),
    MetricSpec("net_income", ("NetIncomeLoss", "ProfitLoss"), "USD", "flow"),
    MetricSpec("operating_income", ("OperatingIncomeLoss",), "USD", "flow"),
    MetricSpec(
        "pretax_income",
        (
            "IncomeLossFromContinuingOperationsBeforeIncomeTaxesExtraordinaryItemsNoncontrollingInterest",
            "IncomeLossFromContinuingOperationsBeforeIncomeTaxesMinorityInterestAndIncomeLossFromEquityMethodInvestments",
        ),
        "USD",
        "flow",
    ),
    MetricSpec("income_tax", ("IncomeTaxExpenseBenefit",), "USD", "flow"),
    MetricSpec("eps_diluted", ("EarningsPerShareDiluted",), "USD/shares", "ratio"),
    MetricSpec(
        "shares_diluted", ("WeightedAverageNumberOfDilutedSharesOutstanding",), "shares", "ratio"
    ),
    MetricSpec(
        "ppe_gross_total",
        (
            "PropertyPlantAndEquipmentGross",
            "PropertyPlantAndEquipmentAndFinanceLeaseRightOfUseAssetBeforeAccumulatedDepreciationAndAmortization",
        ),
        "USD",
        "instant",
    ),
    MetricSpec("ppe_land_gross", ("Land", "LandAndLandImprovements"), "USD", "instant"),
    MetricSpec("ppe_construction_in_progress", ("ConstructionInProgressGross",), "USD", "instant"),
    MetricSpec(
        "finance_leases",
        ("RightOfUseAssetObtainedInExchangeForFinanceLeaseLiability",),
        "USD",
        "flow",
        "assets newly obtained under finance leases (non-cash), as the curated metric",
    ),
    MetricSpec(
        "finance_lease_principal_payments",
        ("FinanceLeasePrincipalPayments",),
        "USD",
        "flow",
        "cash repaid on finance-lease liabilities (financing activities)",
    ),
    MetricSpec(
        "remaining_performance_obligations",
        ("RevenueRemainingPerformanceObligation",),
        "USD",
        "instant",
    ),
    MetricSpec(
        "dividends_paid",
        ("PaymentsOfDividends", "PaymentsOfDividendsCommonStock"),
        "USD",
        "flow",
    ),
    MetricSpec("buybacks", ("PaymentsForRepurchaseOfCommonStock",), "USD", "flow"),
)

#: SEC unit -> (dataset unit, factor).
UNITS: dict[str, tuple[str, float]] = {
    "USD": ("usd_m", 1e-6),
    "shares": ("m_shares", 1e-6),
    "USD/shares": ("usd_per_share", 1.0),
}

PERIODIC_FORMS: frozenset[str] = frozenset(
    {"10-K", "10-K/A", "10-Q", "10-Q/A", "20-F", "20-F/A", "40-F", "40-F/A", "10-KT", "10-KT/A"}
)
ANNUAL_FORMS: frozenset[str] = frozenset({"10-K", "10-K/A", "20-F", "20-F/A", "40-F", "40-F/A"})
PERIOD_KEY = ("cik", "metric", "fiscal_year", "fiscal_period")
_QUARTER_DAYS = 365.25 / 4
_SLACK = timedelta(days=7)


def empty_metrics() -> pd.DataFrame:
    """An empty ``sec_metrics`` frame with the schema's column types."""
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in SEC_METRICS.column_names})
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = coerce(frame, SEC_METRICS, origin="sec_metrics")
    out["fiscal_year"] = out["fiscal_year"].astype("Int64")
    return out


def fiscal_year_end(facts: pd.DataFrame) -> tuple[int, int] | None:
    """(month, day) of the company's fiscal year end, from its latest annual period."""
    days = (facts["period_end"] - facts["period_start"]).dt.days
    annual = facts.loc[facts["form"].isin(ANNUAL_FORMS) & days.between(350, 380), "period_end"]
    if annual.empty:
        return None
    end = annual.max()
    if end.month == 1 and end.day <= 7:
        return (12, 31)
    return (int(end.month), int(end.day))


class _Calendar:
    """Fiscal year and quarter of dates, for one fiscal year end (month, day)."""

    def __init__(self, month: int, day: int) -> None:
        self.month = month
        self.day = day
        self._cache: dict[date, tuple[int, int]] = {}

    def anchor(self, year: int) -> date:
        return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))

    def locate(self, end: date) -> tuple[int, int]:
        """(fiscal year, quarter 1-4 whose end is nearest) of a period ending on ``end``."""
        hit = self._cache.get(end)
        if hit is not None:
            return hit
        year = end.year - 1
        while end > self.anchor(year) + _SLACK:
            year += 1
        days = (end - self.anchor(year - 1)).days
        quarter = min(4, max(1, round(days / _QUARTER_DAYS)))
        self._cache[end] = (year, quarter)
        return year, quarter

    def year_start(self, year: int) -> date:
        return self.anchor(year - 1) + timedelta(days=1)


def _label(cal: _Calendar, kind: Kind, start: Any, end: Any) -> tuple[int, str] | None:
    """(fiscal year, label) of one fact: ``Q1``-``Q4``, ``FY``, ``YTD2``/``YTD3``, or None."""
    year, quarter = cal.locate(end.date())
    if kind == "instant":
        return year, "FY" if quarter == 4 else f"Q{quarter}"
    if pd.isna(start):
        return None
    days = (end - start).days + 1
    if 80 <= days <= 100:
        return year, f"Q{quarter}"
    quarters = round(days / _QUARTER_DAYS)
    if quarters != quarter or abs((start.date() - cal.year_start(year)).days) > 10:
        return None
    if quarter == 4:
        return year, "FY"
    if kind == "ratio" or quarter == 1:
        return None
    return year, f"YTD{quarter}"


def _candidates(facts: pd.DataFrame, spec: MetricSpec, cal: _Calendar) -> pd.DataFrame:
    """The facts of one metric, labelled by fiscal period, one per (period, filing)."""
    rank = {tag: i for i, tag in enumerate(spec.tags)}
    sub = facts.loc[
        (facts["taxonomy"] == "us-gaap") & facts["tag"].isin(rank) & (facts["unit"] == spec.unit)
    ]
    if sub.empty:
        return sub
    labels = [
        _label(cal, spec.kind, s, e)
        for s, e in zip(sub["period_start"], sub["period_end"], strict=True)
    ]
    sub = sub.assign(
        fiscal_year=[lab[0] if lab else None for lab in labels],
        label=[lab[1] if lab else None for lab in labels],
        tag_rank=sub["tag"].map(rank),
        form_rank=(~sub["form"].isin(PERIODIC_FORMS)).astype(int),
    )
    sub = sub.loc[sub["label"].notna()]
    # Periodic reports first: other forms only for periods no 10-K/10-Q gives.
    best_form = sub.groupby(["fiscal_year", "label"])["form_rank"].transform("min")
    sub = sub.loc[sub["form_rank"] == best_form]
    # Within one filing, the first tag of the list; then one fact per (period, filing).
    sub = sub.sort_values(["fiscal_year", "label", "accn", "tag_rank", "frame"], na_position="last")
    return sub.drop_duplicates(["fiscal_year", "label", "accn"], keep="first")


@dataclass
class _Version:
    fiscal_year: int
    label: str
    start: Any
    end: Any
    value: float
    tag: str
    accn: str
    form: str
    filed: Any
    derivation: str


def _known(versions: list[_Version], filed: Any, accn: str) -> _Version | None:
    """The version known when ``accn`` was filed: its own, else the latest filed by then."""
    own = [v for v in versions if v.accn == accn]
    if own:
        return own[0]
    prior = [v for v in versions if v.filed <= filed]
    return max(prior, key=lambda v: (v.filed, v.accn)) if prior else None


def _derive_flows(rows: list[_Version]) -> list[_Version]:
    """Quarters from year-to-date differences and Q4 from the year, per filing version."""
    by: dict[tuple[int, str], list[_Version]] = {}
    for v in rows:
        by.setdefault((v.fiscal_year, v.label), []).append(v)
    out = [v for v in rows if v.label.startswith("Q") or v.label == "FY"]
    for year in sorted({v.fiscal_year for v in rows}):

        def quarters(q: int, _year: int = year) -> list[_Version]:
            return [v for v in out if v.fiscal_year == _year and v.label == f"Q{q}"]

        # Q1 is its own year to date; Q2 and Q3 from the 6- and 9-month values.
        for q in (2, 3):
            reported = {v.accn for v in quarters(q)}
            previous = by.get((year, f"YTD{q - 1}"), []) if q == 3 else quarters(1)
            for ytd in by.get((year, f"YTD{q}"), []):
                if ytd.accn in reported:
                    continue
                before = _known(previous, ytd.filed, ytd.accn)
                if before is None:
                    continue
                out.append(
                    _Version(
                        year,
                        f"Q{q}",
                        pd.Timestamp(before.end) + pd.Timedelta(days=1),
                        ytd.end,
                        ytd.value - before.value,
                        ytd.tag,
                        ytd.accn,
                        ytd.form,
                        ytd.filed,
                        "ytd_difference",
                    )
                )
        reported4 = {v.accn for v in quarters(4)}
        for fy in by.get((year, "FY"), []):
            if fy.accn in reported4:
                continue
            known = [_known(quarters(q), fy.filed, fy.accn) for q in (1, 2, 3)]
            if any(k is None for k in known):
                continue
            parts = [k for k in known if k is not None]
            out.append(
                _Version(
                    year,
                    "Q4",
                    pd.Timestamp(parts[2].end) + pd.Timedelta(days=1),
                    fy.end,
                    fy.value - sum(p.value for p in parts),
                    fy.tag,
                    fy.accn,
                    fy.form,
                    fy.filed,
                    "year_minus_quarters",
                )
            )
    return out


def metrics_frame(facts: pd.DataFrame, *, ticker: str) -> pd.DataFrame:
    """Rows of ``sec_metrics`` for one company's ``sec_facts`` (every filed version)."""
    if facts.empty:
        return empty_metrics()
    anchor = fiscal_year_end(facts)
    if anchor is None:
        return empty_metrics()
    cal = _Calendar(*anchor)
    head = facts.iloc[0]
    records: list[dict[str, Any]] = []
    for spec in METRICS:
        cands = _candidates(facts, spec, cal)
        if cands.empty:
            continue
        versions = [
            _Version(int(y), lab, s, e, float(val), tag, accn, form, filed, "reported")
            for y, lab, s, e, val, tag, accn, form, filed in zip(
                cands["fiscal_year"],
                cands["label"],
                cands["period_start"],
                cands["period_end"],
                cands["value"],
                cands["tag"],
                cands["accn"],
                cands["form"],
                cands["filed"],
                strict=True,
            )
        ]
        if spec.kind == "flow":
            versions = _derive_flows(versions)
        unit, factor = UNITS[spec.unit]
        records.extend(
            {
                "metric": spec.metric,
                "fiscal_year": v.fiscal_year,
                "fiscal_period": v.label,
                "period_start": None if spec.kind == "instant" else v.start,
                "period_end": v.end,
                "value": v.value * factor,
                "unit": unit,
                "tag": v.tag,
                "accn": v.accn,
                "form": v.form,
                "filed": v.filed,
                "derivation": v.derivation,
            }
            for v in versions
        )
    if not records:
        return empty_metrics()
    frame = pd.DataFrame.from_records(records)
    frame.insert(0, "ticker", ticker)
    frame.insert(1, "cik", head["cik"])
    frame.insert(2, "entity", head["entity"])
    frame["taxonomy"] = "us-gaap"
    frame["provider"] = head["provider"]
    frame["url"] = head["url"]
    frame["retrieved"] = head["retrieved"]
    frame["published"] = frame["filed"]
    frame = frame.sort_values(["metric", "fiscal_year", "fiscal_period", "filed", "accn"])
    return _typed(frame[list(SEC_METRICS.column_names)])


def _pick(metrics: pd.DataFrame, *, first: bool) -> pd.DataFrame:
    ordered = metrics.sort_values([*PERIOD_KEY, "filed", "accn"], kind="mergesort")
    return ordered.drop_duplicates(list(PERIOD_KEY), keep="first" if first else "last").reset_index(
        drop=True
    )


def first_reported(metrics: pd.DataFrame) -> pd.DataFrame:
    """Each period's value as first filed (earliest ``filed``, then accession)."""
    return _pick(metrics, first=True)


def latest(metrics: pd.DataFrame) -> pd.DataFrame:
    """Each period's value as last filed (latest ``filed``, then accession)."""
    return _pick(metrics, first=False)


def known_on(metrics: pd.DataFrame, on: date | str | pd.Timestamp) -> pd.DataFrame:
    """Each period's value as known on ``on``: the latest version filed on or before it."""
    cutoff = pd.Timestamp(on).normalize()
    return latest(metrics.loc[metrics["filed"] <= cutoff])
