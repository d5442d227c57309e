"""The ``cycles`` section: the AI build-out placed on the shale, telecom and railway cycles."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch.frames import claim_sources, hyperscaler_years
from bubblewatch.models import cycles
from bubblewatch.report.assessment import Evidence, Section
from bubblewatch.universe import HYPERSCALERS

Tables = Mapping[str, pd.DataFrame]
_LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 30, "t": 60, "b": 40}}


def ai_levels(t: Tables) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The five hyperscalers' summed capex and operating cash flow by fiscal year (USD bn),
    over the years in which all five report both, and the source ids behind them."""
    metrics = ["capex", "operating_cash_flow"]
    _, yearly = hyperscaler_years(t["financials"], metrics)
    yearly.index = [int(str(p).removeprefix("FY")) for p in yearly.index]
    fin = t["financials"]
    ids = fin.loc[fin["entity"].isin(HYPERSCALERS) & fin["metric"].isin(metrics), "source_id"]
    return yearly.sort_index(), tuple(dict.fromkeys(ids.astype(str)))


def build_cycles(t: Tables) -> Section:
    levels, ai_ids = ai_levels(t)
    v = cycles.view(t["cycles"], levels)
    rows = t["cycles"]
    fcf = levels["operating_cash_flow"] - levels["capex"]
    intensity = levels["capex"] / levels["operating_cash_flow"]
    first, latest = int(levels.index.min()), int(levels.index.max())
    evidence: list[Evidence] = [
        Evidence(
            f"Hyperscalers' capex / operating cash flow, {first}",
            float(intensity.loc[first]),
            "share",
            ai_ids,
        ),
        Evidence(
            f"Hyperscalers' capex / operating cash flow, {latest}",
            float(intensity.loc[latest]),
            "share",
            ai_ids,
        ),
        Evidence(
            f"Hyperscalers' free cash flow after capex, {latest}",
            float(fcf.loc[latest]),
            "usd_bn",
            ai_ids,
        ),
        Evidence(
            f"Years {first}-{latest} with negative hyperscaler free cash flow",
            float((fcf < 0).sum()),
            "count",
            ai_ids,
        ),
    ]
    for name, p in v.phases.items():
        lo, hi = p.interval
        evidence.append(
            Evidence(
                f"Phase on {name}: best-matching year of the AI cycle's last {p.window} years",
                float(p.best_year),
                "year",
                cycles.sources_of(rows, name, ["capex", "revenue"]) + ai_ids,
                f"{p.level:.0%} bootstrap interval {lo}-{hi}; measures: {', '.join(p.measures)}",
            )
        )
    shale_fcf = rows.loc[(rows["cycle"] == "shale") & (rows["metric"] == "free_cash_flow_shale33")]
    if len(shale_fcf):
        evidence.append(
            Evidence(
                f"Shale: years {int(shale_fcf['year'].min())}-{int(shale_fcf['year'].max())} with negative "
                "free cash flow (33 producers)",
                float((shale_fcf["value"] < 0).sum()),
                "count",
                tuple(dict.fromkeys(shale_fcf["source_id"])),
            )
        )
    for cycle, metric, label in (
        ("shale", "breakeven_new_well", "Shale new-well breakeven"),
        ("telecom", "it_investment_to_gdp", "Business IT investment / GDP"),
        ("railways", "investment_to_gdp", "Railway investment / GNP"),
    ):
        sub = rows.loc[(rows["cycle"] == cycle) & (rows["metric"] == metric)].sort_values("year")
        for rec in sub.itertuples():
            evidence.append(
                Evidence(
                    f"{label}, {int(rec.year)}",
                    float(rec.value),
                    str(rec.unit),
                    (str(rec.source_id),),
                    str(rec.note) if pd.notna(rec.note) else "",
                )
            )
    evidence.append(
        Evidence(
            "Claimed: shale 2010-15, externally financed, negative FCF ~10 years; breakeven $100 -> $30-40 (C23, C24)",
            "we are in its 2010-12 phase",
            "text",
            claim_sources(t["claims"], "C23", "C24"),
        )
    )
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "Capex growth a year: AI against shale",
            "Hyperscalers: free cash flow and capex / OCF",
        ),
        specs=[[{}, {"secondary_y": True}]],
    )
    shale = v.analogs.get("shale")
    if shale is not None:
        g = shale["capex_growth"].dropna()
        fig.add_trace(
            go.Scatter(x=g.index, y=g.to_numpy(), name="shale capex growth", mode="lines+markers"),
            row=1,
            col=1,
        )
    ag = v.ai["capex_growth"].dropna()
    if "shale" in v.phases:
        shift = v.phases["shale"].best_year - int(ag.index.max())
        fig.add_trace(
            go.Scatter(
                x=ag.index + shift,
                y=ag.to_numpy(),
                name=f"AI capex growth, shifted {shift:+d} years onto shale",
                mode="lines+markers",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Bar(x=fcf.index, y=fcf.to_numpy(), name="hyperscaler FCF (USD bn)"), row=1, col=2
    )
    fig.add_trace(
        go.Scatter(
            x=intensity.index, y=intensity.to_numpy(), name="capex / OCF", mode="lines+markers"
        ),
        row=1,
        col=2,
        secondary_y=True,
    )
    fig.update_layout(**_LAYOUT, height=440)
    ph = v.phases.get("shale")
    place = (
        f"its capex growth over the last {ph.window} years best matches shale's window ending {ph.best_year} "
        f"(80% interval {ph.interval[0]}-{ph.interval[1]}), not 2010-12"
        if ph is not None and not ph.interval[0] <= 2011 <= ph.interval[1]
        else (
            f"its capex growth best matches shale's window ending {ph.best_year}, consistent with 2010-12"
            if ph is not None
            else "no analog shares enough yearly figures for a phase"
        )
    )
    telecom = v.phases.get("telecom")
    tail = ""
    if telecom is not None:
        nxt = v.next_steps.get("telecom", {})
        after = (
            f", after which telecom capex peaked in {nxt['capex_peak_year']} and fell "
            f"{abs(nxt['peak_to_trough']):.0%}"
            if "capex_peak_year" in nxt and "peak_to_trough" in nxt
            else ""
        )
        tail = (
            f"; on telecom it matches the window ending {telecom.best_year} "
            f"(80% interval {telecom.interval[0]}-{telecom.interval[1]}){after}"
        )
    reading = (
        f"Hyperscalers spent {intensity.loc[latest]:.0%} of operating cash flow on capex in {latest} and "
        f"kept free cash flow positive in {int((fcf >= 0).sum())} of {len(fcf)} years, unlike shale's "
        f"negative free cash flow in every year of its boom; {place}{tail}."
    )
    phase_table = pd.DataFrame(
        [
            {
                "analog": k,
                "best_year": p.best_year,
                "interval": f"{p.interval[0]}-{p.interval[1]}",
                "measures": ", ".join(p.measures),
                **{f"next_{a}": b for a, b in v.next_steps.get(k, {}).items()},
            }
            for k, p in v.phases.items()
        ]
        + [
            {"analog": k, "best_year": np.nan, "interval": why}
            for k, why in v.not_estimable.items()
        ]
    )
    return Section(
        "cycles",
        "Like shale in 2010-15?",
        "Is the build-out financed like the shale boom, and where would it sit on past cycles?",
        reading,
        tuple(evidence),
        fig,
        headline=1,
        tables=(
            ("Phase of the AI cycle on each analog (seeded bootstrap)", phase_table),
            ("Analog figures", v.facts),
        ),
    )
