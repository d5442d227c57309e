"""The internal-loop test: who pays for the build-out, and does outside money still come in?

For hyperscaler :math:`c` in fiscal year :math:`y` (USD bn):

* capex :math:`K` (cash purchases of PP&E) plus finance leases :math:`F` where reported;
* operating cash flow :math:`O`; free cash flow after capex :math:`O - K`; capex over
  operating cash flow :math:`K / O`;
* the *gap* :math:`G = \\max(0, K + F + P - O)`, with :math:`P` buybacks and dividends where
  the dataset has them (money returned to shareholders must be funded too; a missing line
  counts as zero and ``payouts_known`` flags it). :math:`F` is as each company reports it:
  right-of-use assets obtained under finance leases for Microsoft and Amazon, principal
  payments on finance leases for Meta (see the sources' locators);
* outside money :math:`X`: debt the company issued in the year (the cash-flow statement's
  proceeds from issuing debt, ``debt_issued``, plus any net rise in commercial paper; where
  the dataset lacks that line, the ``debt`` table's bonds and loans whose ``sponsor`` is the
  company) and off-balance-sheet vehicles it sponsors (data-centre vehicles whose tenant it
  is, e.g. Meta's Hyperion joint venture);
* the *external-funding share* :math:`X / (X + O)` and the *gap coverage* :math:`X / G`.

The debate's test ("a loop exists only when outside money stops") is stated as a reading:
outside money still covers :math:`X/G` of the gap. For the ecosystem (all issuers in the
``debt`` table and binding equity raised by AI labs and neoclouds in ``deals``) outside
money is summed by calendar year, and the part of it that chipmakers put into their own
customers (equity, warrants, capacity backstops) is shown as vendor financing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch._json import records
from bubblewatch.data.units import usd_bn
from bubblewatch.errors import DataError
from bubblewatch.universe import HYPERSCALERS

AI_RAISERS = ("OpenAI", "Anthropic", "xAI", "CoreWeave", "Nebius", "Mistral")
VENDORS = ("NVIDIA", "AMD", "Broadcom")
"""Chipmakers whose equity stakes in AI labs and neoclouds (their customers) count as vendor
financing; contingent backstops are left out."""


def _fiscal(financials: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    rows = financials.loc[
        financials["metric"].isin(list(metrics))
        & financials["period"].astype(str).str.fullmatch(r"FY\d{4}")
    ].copy()
    rows["usd_bn"] = usd_bn(rows)
    rows["fiscal_year_end"] = pd.to_datetime(rows["fiscal_year_end"])
    return rows


def _year_of(date: pd.Timestamp, ends: pd.Series) -> pd.Timestamp | None:
    """The fiscal-year end whose year contains ``date`` (ends sorted ascending)."""
    for end in ends:
        if date <= end and date > end - pd.DateOffset(years=1):
            return pd.Timestamp(end)
    return None


@dataclass(frozen=True)
class Funding:
    """Funding of capex by source, per hyperscaler and year, and for the ecosystem."""

    table: pd.DataFrame
    ecosystem: pd.DataFrame
    source_ids: tuple[str, ...]

    def latest(self) -> pd.DataFrame:
        """Each company's latest fiscal year with operating cash flow and capex."""
        t = self.table.dropna(subset=["operating_cash_flow", "capex"])
        return t.sort_values("fiscal_year_end").groupby("company").tail(1).set_index("company")

    def coverage(self, year: int | None = None) -> tuple[float, float, float]:
        """(gap, outside money of the companies with a gap, coverage) for fiscal years ending
        in ``year``; companies without a gap do not count towards covering others' gaps."""
        t = self.table.dropna(subset=["operating_cash_flow", "capex"])
        year = int(t["fiscal_year_end"].dt.year.max()) if year is None else year
        rows = t.loc[(t["fiscal_year_end"].dt.year == year) & (t["gap"] > 0)]
        gap = float(rows["gap"].sum())
        outside = float(rows["outside_money"].sum())
        return gap, outside, (outside / gap if gap > 0 else float("nan"))

    def missing_payouts(self, year: int | None = None) -> list[str]:
        """Companies whose buybacks or dividends for fiscal ``year`` are not in the data.

        Their payouts count as zero, so their gap is a lower bound and outside money over the
        gap an upper bound.
        """
        t = self.table.dropna(subset=["operating_cash_flow", "capex"])
        year = int(t["fiscal_year_end"].dt.year.max()) if year is None else year
        return list(t.loc[(t["fiscal_year_end"].dt.year == year) & ~t["payouts_known"], "company"])

    def reading(self) -> str:
        t = self.table.dropna(subset=["operating_cash_flow", "capex"])
        year = int(t["fiscal_year_end"].dt.year.max())
        gap, outside, cover = self.coverage(year)
        raised = float(t.loc[t["fiscal_year_end"].dt.year == year, "outside_money"].sum())
        unknown = t.loc[(t["fiscal_year_end"].dt.year == year) & ~t["payouts_known"], "company"]
        caveat = (
            f" (buybacks or dividends missing for {', '.join(unknown)}, counted as zero)"
            if len(unknown)
            else ""
        )
        eco = self.ecosystem
        eco_text = ""
        if year in eco.index:
            eco_text = (
                f" Across AI issuers outside money reached ${float(eco.loc[year, 'outside_money']):,.0f}bn "
                f"in {year}."
            )
        capex = float(t.loc[t["fiscal_year_end"].dt.year == year, "capex"].sum())
        rows = t.loc[(t["fiscal_year_end"].dt.year == year) & (t["gap"] > 0)]
        short = "".join(
            f" (all but {'at least ' if r.company in set(unknown) else ''}"
            f"${r.gap:,.1f}bn at {r.company})"
            for r in rows.itertuples()
            if len(rows) == 1
        )
        if gap <= 0.05 * capex:
            return (
                f"In fiscal {year} operating cash flow covered the hyperscalers' capex, finance "
                f"leases and payouts{short}{caveat}, and they still raised ${raised:,.0f}bn of bonds, "
                f"loans and sponsored vehicles: no loop is needed yet.{eco_text}"
            )
        if cover >= 1:
            return (
                f"In fiscal {year} capex, finance leases and payouts exceeded operating cash flow by "
                f"${gap:,.0f}bn at the hyperscalers with a gap{caveat}, and their outside money "
                f"brought ${outside:,.0f}bn, {cover:.1f}x the gap: the bond and private-credit "
                f"markets are still open.{eco_text}"
            )
        return (
            f"In fiscal {year} capex, finance leases and payouts exceeded operating cash flow by "
            f"${gap:,.0f}bn at the hyperscalers with a gap{caveat}; their outside money covers only "
            f"{cover:.0%} of it.{eco_text}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "reading": self.reading(),
            "companies": records(self.table),
            "ecosystem": records(self.ecosystem.reset_index()),
            "source_ids": list(self.source_ids),
        }


def funding(
    financials: pd.DataFrame,
    debt: pd.DataFrame,
    deals: pd.DataFrame,
    companies: Sequence[str] = HYPERSCALERS,
) -> Funding:
    """Capex funding by source for ``companies``, and outside money for the ecosystem."""
    metrics = [
        "capex",
        "finance_leases",
        "operating_cash_flow",
        "buybacks",
        "dividends_paid",
        "debt_issued",
        "commercial_paper_net",
        "equity_issued",
    ]
    fin = _fiscal(financials, metrics)
    fin = fin.loc[fin["entity"].isin(list(companies))]
    if fin.empty:
        raise DataError("no fiscal-year capex or cash flow for the companies asked")
    wide = fin.pivot_table(
        index=["entity", "fiscal_year_end"], columns="metric", values="usd_bn", aggfunc="first"
    )
    for m in metrics:
        if m not in wide:
            wide[m] = np.nan
    wide = wide.reset_index().rename(columns={"entity": "company"})
    wide["period"] = [f"FY{d.year}" for d in wide["fiscal_year_end"]]
    loans = debt.copy()
    loans["date"] = pd.to_datetime(loans["date"])
    on_balance = dict.fromkeys(range(len(wide)), 0.0)
    row_debt_ids: dict[int, list[str]] = {}
    off_balance = dict.fromkeys(range(len(wide)), 0.0)
    sources: list[str] = list(fin["source_id"])
    for company, group in wide.groupby("company"):
        ends = group["fiscal_year_end"].sort_values()
        own = loans.loc[loans.get("sponsor", pd.Series(index=loans.index)) == company]
        for rec in own.itertuples(index=False):
            end = _year_of(rec.date, ends)
            if end is None:
                continue
            i = group.index[group["fiscal_year_end"] == end][0]
            if rec.issuer_type == "dc_vehicle":
                off_balance[i] += float(rec.amount_usd_bn)
            else:
                on_balance[i] += float(rec.amount_usd_bn)
            sources.append(rec.source_id)
            row_debt_ids.setdefault(int(i), []).append(str(rec.source_id))
    from_table = pd.Series(on_balance)
    reported = wide["debt_issued"] + wide["commercial_paper_net"].fillna(0.0).clip(lower=0.0)
    wide["bonds_and_loans"] = reported.where(wide["debt_issued"].notna(), from_table)
    ids = fin.groupby(["entity", "fiscal_year_end"])["source_id"].agg(
        lambda x: list(dict.fromkeys(x))
    )
    row_ids = []
    for i, rec in wide.iterrows():
        own_ids = list(ids.get((rec["company"], rec["fiscal_year_end"]), []))
        own_ids += row_debt_ids.get(i, [])
        row_ids.append(", ".join(dict.fromkeys(own_ids)))
    wide["sources"] = row_ids
    wide["sponsored_vehicles"] = pd.Series(off_balance)
    leases = wide["finance_leases"].fillna(0.0)
    payouts = wide["buybacks"].fillna(0.0) + wide["dividends_paid"].fillna(0.0)
    wide["payouts_known"] = wide["buybacks"].notna() & wide["dividends_paid"].notna()
    wide["free_cash_flow"] = wide["operating_cash_flow"] - wide["capex"]
    wide["capex_to_ocf"] = wide["capex"] / wide["operating_cash_flow"]
    wide["gap"] = (wide["capex"] + leases + payouts - wide["operating_cash_flow"]).clip(lower=0.0)
    wide["outside_money"] = wide["bonds_and_loans"] + wide["sponsored_vehicles"]
    wide["external_share"] = wide["outside_money"] / (
        wide["outside_money"] + wide["operating_cash_flow"]
    )
    wide["gap_coverage"] = np.where(wide["gap"] > 0, wide["outside_money"] / wide["gap"], np.nan)
    wide = wide.sort_values(["company", "fiscal_year_end"]).reset_index(drop=True)

    loans["year"] = loans["date"].dt.year
    eco = loans.pivot_table(
        index="year", columns="instrument", values="amount_usd_bn", aggfunc="sum", fill_value=0.0
    )
    sources += list(loans["source_id"])
    eq = deals.loc[
        (deals["type"] == "equity")
        & (deals["status"] == "binding")
        & deals["money_to"].isin(list(AI_RAISERS))
    ].copy()
    eq["year"] = pd.to_datetime(eq["date"]).dt.year
    years = sorted(set(eco.index) | set(eq["year"]))
    eco = eco.reindex(years)
    eco["equity_into_ai_labs_and_neoclouds"] = eq.groupby("year")["amount_usd_bn"].sum()
    vendor = eq.loc[eq["money_from"].isin(list(VENDORS))].copy()
    vendor["year"] = pd.to_datetime(vendor["date"]).dt.year
    eco["of_which_vendor_financing"] = vendor.groupby("year")["amount_usd_bn"].sum()
    sources += list(vendor["source_id"])
    eco = eco.fillna(0.0)
    eco["outside_money"] = eco.drop(columns="of_which_vendor_financing").sum(axis=1)
    sources += list(eq["source_id"])
    return Funding(wide, eco, tuple(dict.fromkeys(sources)))
