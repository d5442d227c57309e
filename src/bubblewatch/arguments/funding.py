"""The ``funding`` argument: is the build-out paid from cash flow, or does it need outside money?

The internal-loop test of :func:`bubblewatch.models.funding.funding` (C15): the hyperscalers'
capex, leases and payouts against operating cash flow, the outside money that covers the gap,
outside money raised across AI issuers by year, and Meta's Hyperion vehicle (C25).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments._financing import ids
from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import (
    PERCENTILE_RULE,
    Lean,
    Signal,
    ordinal,
    percentile_lean,
    ranked,
    share_below,
)
from bubblewatch.charts import style
from bubblewatch.models import funding as funding_model
from bubblewatch.universe import HYPERSCALERS

HYPERION = ("hyperion_outside_ownership", "hyperion_development_cost", "hyperion_bonds")
"""The ``estimates`` rows of Meta's Hyperion vehicle: outside ownership (%), cost, bonds."""
_COUNT = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_TABLE_COLUMNS = [
    "company",
    "period",
    "capex",
    "finance_leases",
    "operating_cash_flow",
    "free_cash_flow",
    "gap",
    "bonds_and_loans",
    "sponsored_vehicles",
    "equity_issued",
    "external_share",
    "gap_coverage",
    "sources",
]


@dataclass(frozen=True)
class FundingParams(Params):
    argument = "funding"
    table_since: int = knob(
        2023,
        unit="year",
        doc="First fiscal year shown in the funding table.",
        low=1990,
        high=2100,
    )


@dataclass(frozen=True)
class FundingView:
    """The model output behind the section: funding by source and each company's latest year."""

    funding: funding_model.Funding
    latest: pd.DataFrame
    """Each hyperscaler's latest fiscal year with operating cash flow and capex."""
    year: int
    """The latest fiscal year the gap and coverage are measured on."""

    def to_dict(self) -> dict[str, Any]:
        return {**self.funding.to_dict(), "fiscal_year": self.year}


def _count(n: int) -> str:
    return _COUNT[n] if 0 <= n < len(_COUNT) else str(n)


def analyze(t: Tables, p: FundingParams) -> Result:
    fin = t["financials"]
    result = funding_model.funding(fin, t["debt"], t["deals"], HYPERSCALERS)
    table = result.table
    latest = result.latest()
    gap, outside, cover = result.coverage()
    missing = result.missing_payouts()
    year = int(
        table.dropna(subset=["operating_cash_flow", "capex"])["fiscal_year_end"].dt.year.max()
    )
    fin_ids = tuple(
        dict.fromkeys(
            fin.loc[
                fin["metric"].isin(["capex", "operating_cash_flow", "finance_leases"]), "source_id"
            ]
        )
    )
    figures = [
        KeyFigure(
            f"Fiscal {year}: capex, leases and payouts beyond operating cash flow (summed gaps)",
            gap,
            "usd_bn",
            fin_ids,
            claim_id="C15",
        ),
        KeyFigure(
            f"Fiscal {year}: bonds, loans and sponsored vehicles, "
            f"{_count(len(HYPERSCALERS))} hyperscalers",
            float(table.loc[table["fiscal_year_end"].dt.year == year, "outside_money"].sum()),
            "usd_bn",
            result.source_ids,
            claim_id="C15",
        ),
        KeyFigure(
            f"Fiscal {year}: of which raised by the hyperscalers with a gap",
            outside,
            "usd_bn",
            result.source_ids,
            claim_id="C15",
        ),
        KeyFigure(
            "Outside money over the gap"
            + (
                f" (at most: payouts missing for {', '.join(missing)}, counted as zero)"
                if missing and np.isfinite(cover)
                else ""
            ),
            cover if np.isfinite(cover) else "no gap",
            "x" if np.isfinite(cover) else "text",
            ids(fin_ids, result.source_ids),
            claim_id="C15",
        ),
    ]
    for company, row in latest.iterrows():
        figures.append(
            KeyFigure(
                f"{company} {row['period']}: capex / operating cash flow",
                float(row["capex_to_ocf"]),
                "share",
                fin_ids,
            )
        )
    for y, row in result.ecosystem.iterrows():
        figures.append(
            KeyFigure(
                f"{y}: outside money raised by AI issuers (bonds, loans, vehicles, equity into labs)",
                float(row["outside_money"]),
                "usd_bn",
                result.source_ids,
                claim_id="C15",
            )
        )
    reading = result.reading()
    est = t["estimates"].set_index("estimate_id")
    if set(HYPERION) <= set(est.index):
        own, cost, bonds = (est.loc[e] for e in HYPERION)
        figures += [
            KeyFigure(
                "Meta's Hyperion vehicle: owned by outside funds (Blue Owl)",
                float(own["value"]) / 100.0,
                "share",
                (str(own["source_id"]),),
                claim_id="C25",
            ),
            KeyFigure(
                "Hyperion: bonds sold to outside investors / development cost",
                float(bonds["value"]) / float(cost["value"]),
                "x",
                (str(bonds["source_id"]), str(cost["source_id"])),
                "the debt, like the equity, sits off Meta's balance sheet",
            ),
        ]
        reading += (
            f" Meta's Hyperion vehicle is {float(own['value']):.0f}% owned by outside funds, as the "
            f"debate said, and ${float(bonds['value']):,.1f}bn of bonds sold to outside investors "
            f"cover its ~${float(cost['value']):,.0f}bn cost."
        )
    shown = table.loc[table["fiscal_year_end"].dt.year >= p.table_since, _TABLE_COLUMNS].round(3)
    return Result(
        "funding",
        p,
        reading,
        tuple(figures),
        tables=(("Funding by source, USD bn", shown),),
        headline=1,
        detail=FundingView(result, latest, year),
    )


_INSTRUMENTS = {
    "ig_bond": "Investment-grade bonds",
    "hy_bond": "High-yield bonds",
    "convertible": "Convertible bonds",
    "private_credit": "Private credit",
    "project_finance": "Project finance",
    "equity_into_ai_labs_and_neoclouds": "Equity into AI labs and neoclouds",
}
"""The instruments of outside money, in the order they stack, with their legend names."""


def sources_figure(v: FundingView) -> go.Figure:
    """Each hyperscaler's latest fiscal year: operating cash flow, bonds and loans and sponsored
    vehicles stacked against capex."""
    latest = v.latest
    labels = [f"{company} {row['period']}" for company, row in latest.iterrows()]
    fig = go.Figure()
    for column, name, colour in (
        ("operating_cash_flow", "Operating cash flow", "#1f77b4"),
        ("bonds_and_loans", "Bonds and loans", "#ff7f0e"),
        ("sponsored_vehicles", "Sponsored vehicles", "#9467bd"),
    ):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=latest[column].to_numpy(),
                name=name,
                marker_color=colour,
                hovertemplate="%{x}: $%{y:,.1f}bn<extra>" + name + "</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=latest["capex"].to_numpy(),
            mode="markers",
            marker={"size": 14, "symbol": "diamond", "color": "#222222"},
            name="Capex",
            hovertemplate="%{x}: capex $%{y:,.1f}bn<extra></extra>",
        )
    )
    covered = latest.loc[latest["capex"] <= latest["operating_cash_flow"]]
    over = latest.loc[latest["capex"] > latest["operating_cash_flow"]]
    title = (
        f"Operating cash flow covered capex at {len(covered)} of {len(latest)} hyperscalers "
        "in their latest fiscal year"
    )
    if len(over):
        title += "; not at " + ", ".join(
            f"{c} ({float(r['capex_to_ocf']):.0%} of it)" for c, r in over.iterrows()
        )
    style(
        fig,
        title=title,
        x_title="Company, latest fiscal year",
        y_title="USD bn in the fiscal year",
    )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    return fig


def outside_money_figure(v: FundingView) -> go.Figure | None:
    """Outside money raised across AI issuers by year and instrument."""
    eco = v.funding.ecosystem
    if eco.empty:
        return None
    years = [int(y) for y in eco.index]
    fig = go.Figure()
    for column, name in _INSTRUMENTS.items():
        if column in eco.columns and float(eco[column].abs().sum()) > 0:
            fig.add_trace(
                go.Bar(
                    x=years,
                    y=eco[column].to_numpy(),
                    name=name,
                    hovertemplate="%{x}: $%{y:,.1f}bn<extra>" + name + "</extra>",
                )
            )
    total = eco["outside_money"]
    peak = int(total.idxmax())
    title = (
        f"Outside money raised by AI issuers went from ${float(total.iloc[0]):,.0f}bn in "
        f"{years[0]} to ${float(total.loc[peak]):,.0f}bn in {peak}"
    )
    if peak != years[-1]:
        title += f" (${float(total.iloc[-1]):,.0f}bn in {years[-1]})"
    style(fig, title=title, x_title="Year", y_title="USD bn raised in the year")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickformat="d", dtick=1)
    return fig


def chart(r: Result) -> list[go.Figure]:
    v: FundingView = r.detail
    figures = [sources_figure(v), outside_money_figure(v)]
    return [f for f in figures if f is not None]


def capex_to_ocf_by_year(table: pd.DataFrame) -> tuple[pd.Series, tuple[str, ...]]:
    """Summed capex over summed operating cash flow by fiscal year, in the years every firm of
    ``table`` reports both, and the sources of those rows."""
    frame = table.assign(year=pd.to_datetime(table["fiscal_year_end"]).dt.year).dropna(
        subset=["capex", "operating_cash_flow"]
    )
    firms = table["company"].nunique()
    sums = frame.groupby("year").agg(
        capex=("capex", "sum"), ocf=("operating_cash_flow", "sum"), firms=("company", "nunique")
    )
    full = sums.loc[sums["firms"] == firms]
    rows = frame.loc[frame["year"].isin(full.index), "sources"]
    sources = tuple(
        dict.fromkeys(s.strip() for cell in rows for s in str(cell).split(",") if s.strip())
    )
    return full["capex"] / full["ocf"], sources


def signal(r: Result) -> Signal:
    """The hyperscalers' capex over operating cash flow, ranked among their own earlier years."""
    v: FundingView = r.detail
    ratio, sources = capex_to_ocf_by_year(v.funding.table)
    ratio = ratio.loc[: v.year]
    if ratio.empty:
        return Signal(
            indicator="Hyperscalers' capex / operating cash flow",
            value=float("nan"),
            unit="share",
            history="no fiscal year in which every hyperscaler reports both",
            percentile=None,
            lean=Lean.NEUTRAL,
            rule=PERCENTILE_RULE.format(since=" (the hyperscalers' own years)"),
            source_ids=r.key_figure.source_ids,
        )
    now, year = float(ratio.iloc[-1]), int(ratio.index[-1])
    pct, seen = ranked(ratio.iloc[:-1], now)
    first = int(ratio.index[0])
    history = (
        "no earlier year to rank it in"
        if pct is None
        else f"the highest of the fiscal years {first}-{year}"
        if pct == 100
        else f"above {share_below(pct)} of the fiscal years {first}-{year - 1} ({ordinal(pct)} percentile)"
    )
    return Signal(
        indicator=f"Five hyperscalers' capex / operating cash flow, fiscal {year}",
        value=now,
        unit="share",
        history=history,
        percentile=pct,
        observations=seen,
        lean=percentile_lean(pct),
        rule=PERCENTILE_RULE.format(since=f" since fiscal {first} (the hyperscalers' own years)"),
        source_ids=sources or r.key_figure.source_ids,
    )


ARGUMENT = register(
    Argument(
        id="funding",
        title="Who funds the build-out?",
        question="Is the build-out paid from cash flow, or does it need outside money that could stop?",
        params=FundingParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("financials", "debt", "deals", "estimates"),
        command_help=(
            "Who funds the build-out: capex against operating cash flow, the gap, outside money "
            "and Meta's Hyperion vehicle."
        ),
    )
)
