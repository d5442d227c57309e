"""The ``power`` section: sourced demand paths against build rates, and GW conversions."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.frames import claim_sources
from bubblewatch.models import power
from bubblewatch.report.assessment import Evidence, Section

Tables = Mapping[str, pd.DataFrame]
_LAYOUT = {
    "template": "plotly_white",
    "height": 420,
    "margin": {"l": 60, "r": 30, "t": 50, "b": 40},
}


def _position(value: float, lo: float, hi: float) -> str:
    if value < lo:
        return "below"
    if value > hi:
        return "above"
    return "within"


def build_power(t: Tables) -> Section:
    o = power.outlook(t["power"], t["accelerators"])
    grid, col = o.grid, o.shortfall_column
    years = o.through - o.base_year
    demand = pd.Series({p.name: p.gw_per_year for p in o.demand.values()})
    latest, built = o.latest_builds()
    built_gw = np.array([p.gw_per_year for p in built])
    annual, total = grid["annual_gap_gw"], grid[col]
    all_ids = tuple(
        dict.fromkeys(sid for p in (*o.demand.values(), *o.supply.values()) for sid in p.source_ids)
    )
    claims = t["claims"]
    conv = o.conversion
    evidence = [
        Evidence(
            f"US data-centre capacity installed, {o.base_year} (mean of published figures)",
            o.base_gw,
            "gw",
            o.base_sources,
        ),
        Evidence(
            f"Demand growth implied by {len(demand)} sourced forecasts, median",
            float(demand.median()),
            "gw",
            tuple(dict.fromkeys(s for p in o.demand.values() for s in p.source_ids)),
            f"range {demand.min():.1f}-{demand.max():.1f} GW a year",
        ),
    ]
    if len(built):
        evidence.append(
            Evidence(
                f"Capacity added in {latest}, as published",
                f"{built_gw.min():g}-{built_gw.max():g} GW",
                "text",
                tuple(dict.fromkeys(s for p in built for s in p.source_ids)),
            )
        )
    evidence += [
        Evidence(
            "Gap a year, median over demand x build paths",
            float(annual.median()),
            "gw",
            all_ids,
            f"range {annual.min():+.1f} to {annual.max():+.1f} GW",
        ),
        Evidence(
            f"Cumulative shortfall by {o.through}, median over paths",
            float(total.median()),
            "gw",
            all_ids,
            f"range {total.min():+.0f} to {total.max():+.0f} GW",
        ),
        Evidence(
            "Claimed build rate (C32)", "8-12 GW a year", "text", claim_sources(claims, "C32")
        ),
        Evidence(
            "Claimed shortfall (C33)",
            "10-20 GW a year, 50-100 GW by 2030",
            "text",
            claim_sources(claims, "C33"),
        ),
    ]
    conv_ids = tuple(dict.fromkeys(a.source_id for a in conv.assumptions.values() if a.source_id))
    evidence += [
        Evidence(
            "H100-class accelerators per GW at the meter",
            conv.accelerators_per_gw,
            "count",
            conv_ids,
            f"{conv.kw_per_accelerator:.2f} kW each (TDP x server overhead x PUE)",
        ),
        Evidence("Accelerator cost of one GW", conv.gw_to_capex_usd_bn(1.0), "usd_bn", conv_ids),
    ]
    evidence += [
        Evidence(
            f"Published shortfall: {r.publisher_short}, {r.year}",
            f"{r.value:g} GW",
            "text",
            (r.source_id,),
        )
        for r in t["power"]
        .loc[
            (t["power"]["entity"] == "US data centers")
            & (t["power"]["metric"] == "capacity_shortfall")
        ]
        .itertuples()
        if pd.notna(r.value)
    ]
    steps = np.arange(years + 1)
    paths = np.outer(annual.to_numpy(), steps)
    x = o.base_year + steps
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=x, y=paths.max(axis=0), line={"width": 0}, showlegend=False, hoverinfo="skip")
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=paths.min(axis=0),
            fill="tonexty",
            line={"width": 0},
            fillcolor="rgba(31,119,180,0.18)",
            name="range over demand x build paths",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=np.median(paths, axis=0),
            name="median path",
            line={"color": "#1f77b4", "width": 3},
        )
    )
    fig.add_shape(
        type="rect",
        x0=o.through - 0.15,
        x1=o.through + 0.15,
        y0=50,
        y1=100,
        fillcolor="orange",
        opacity=0.35,
        line_width=0,
    )
    fig.add_annotation(
        x=o.through, y=100, text="debate: 50-100 GW by 2030", showarrow=False, yshift=10
    )
    fig.update_layout(
        **_LAYOUT,
        title=f"US data-centre power: cumulative shortfall from {o.base_year} (GW)",
        yaxis_title="demand less capacity built (GW)",
    )
    med_a, med_t = float(annual.median()), float(total.median())
    reading = (
        f"Sourced forecasts put US data-centre demand growth at {demand.min():.0f}-{demand.max():.0f} GW "
        f"a year (median {demand.median():.1f})"
        + (
            f" against {built_gw.min():g}-{built_gw.max():g} GW added in {latest}"
            if len(built)
            else ""
        )
        + f"; the median gap is {med_a:.1f} GW a year and {med_t:.0f} GW by {o.through}, "
        f"{_position(med_a, 10, 20)} the debate's 10-20 GW a year and "
        f"{_position(med_t, 50, 100)} its 50-100 GW."
    )
    path_table = pd.DataFrame(
        [
            {
                "path": p.name,
                "kind": p.kind,
                "gw_per_year": round(p.gw_per_year, 2),
                "basis": p.basis,
                "sources": ", ".join(p.source_ids),
            }
            for p in (*o.demand.values(), *o.supply.values())
        ]
    )
    assumptions = pd.DataFrame([a.to_dict() for a in conv.assumptions.values()])
    return Section(
        "power",
        "The compute and power gap",
        "How many gigawatts are needed, and how many can be built?",
        reading,
        tuple(evidence),
        fig,
        headline=4,
        tables=(
            ("Demand and build paths (GW a year)", path_table),
            ("Conversion assumptions", assumptions),
        ),
    )
