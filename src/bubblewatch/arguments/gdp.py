"""The ``gdp`` argument: is AI capex carrying US GDP growth?

BEA's contributions of IT equipment, software and data centres to real GDP growth, Furman's
chained-dollar arithmetic (C19) and the speakers' consumer/business split (C20), from
:func:`bubblewatch.models.gdp.view`.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Lean, Signal, lean_by, missing, ranked
from bubblewatch.frames import claim_sources
from bubblewatch.models import gdp

_LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 30, "t": 60, "b": 40}}


@dataclass(frozen=True)
class GdpParams(Params):
    argument = "gdp"
    half: str = knob(
        "2025H1",
        unit="half-year",
        doc="Half-year of the speakers' split and Furman's arithmetic (e.g. 2025H1).",
        pattern=r"(?i)(19|20)\d\dH[12]",
    )


def analyze(t: Tables, p: GdpParams) -> Result:
    v = gdp.view(t["macro"], p.half)
    h, f, s, src = v.half_year, v.furman_recomputed, v.split, v.sources
    c = v.contributions
    latest = c.index[-1]
    both = v.yoy["ipe_and_software"].dropna()
    ipe_runs = v.runs_now.loc[v.runs_now["series"] == "info_processing_equipment"]
    then = v.then.loc[v.then["series"] == "it_real_growth_avg_1995_2000"]
    figures: tuple[KeyFigure, ...] = (
        KeyFigure(
            f"Real GDP growth, {v.half} (SAAR, mean of quarters)",
            s["gdp_growth"],
            "pct",
            src["split"],
            claim_id="C20",
        ),
        KeyFigure(
            f"Contribution of consumer spending, {v.half}",
            s["pce"],
            "pp",
            src["split"],
            claim_id="C20",
        ),
        KeyFigure(
            f"Contribution of business fixed investment, {v.half}",
            s["business_investment"],
            "pp",
            src["split"],
            claim_id="C20",
        ),
        KeyFigure(
            f"Contribution of IT equipment, software and data centres, {v.half}",
            float(h["ai_related"]),
            "pp",
            src["levels"],
            f"{h['ai_related'] / h['gdp_growth']:.0%} of growth, BEA's chain-type formula",
        ),
        KeyFigure(
            f"Growth without them, {v.half} (arithmetic, not a counterfactual)",
            float(h["growth_excluding_ai_related"]),
            "pct",
            src["levels"],
            claim_id="C19",
        ),
        KeyFigure(
            f"Furman's arithmetic recomputed: IT share of growth, {f.start}-{f.end}",
            100 * f.share_of_growth,
            "pct",
            src["levels"],
            "change in chained dollars of IT equipment and software over that of real GDP",
        ),
        KeyFigure(
            f"Furman's arithmetic recomputed: growth without IT, {f.start}-{f.end}",
            f.growth_excluding,
            "pct",
            src["levels"],
            claim_id="C19",
        ),
        KeyFigure(
            "Furman's published figure (C19)",
            v.furman_published.get("growth_excluding", float("nan")),
            "pct",
            src["furman"],
            claim_id="C19",
        ),
        KeyFigure(
            "Claimed split (C20)",
            "~2% growth: ~1 pp consumers, ~1 pp business",
            "text",
            claim_sources(t["claims"], "C20"),
            claim_id="C20",
        ),
        KeyFigure(
            f"Contribution of IT equipment, software and data centres, {latest}",
            float(c.loc[latest, "ai_related"]),
            "pp",
            src["levels"],
        ),
        KeyFigure(
            f"Real IT equipment and software, growth over four quarters, {both.index[-1]}",
            float(both.iloc[-1]),
            "pct",
            src["yoy"],
            f"peak {both.max():.1f}% in {both.idxmax()}",
            claim_id="C21",
        ),
        KeyFigure(
            "Quarters since 2008 with real IT equipment alone up >= 20% over four quarters",
            float(ipe_runs["length"].sum()),
            "count",
            src["yoy"],
            ", ".join(f"{a}-{b}" for a, b in zip(ipe_runs["first"], ipe_runs["last"], strict=True)),
            claim_id="C21",
        ),
    )
    if len(then):
        figures += (
            KeyFigure(
                "Real IT investment growth, 1995-2000 average (then)",
                float(then["value"].iloc[0]),
                "pct",
                tuple(then["source_id"].astype(str)),
                claim_id="C21",
            ),
        )
    share = h["ai_related"] / h["gdp_growth"]
    reading = (
        f"In {v.half} growth was {s['gdp_growth']:.1f}%, with {s['pce']:.1f} pp from consumers and "
        f"{s['business_investment']:.1f} pp from business investment; IT equipment, software and data "
        f"centres added {h['ai_related']:.2f} pp ({share:.0%}) by BEA's formula, while Furman's "
        f"chained-dollar arithmetic gives {f.share_of_growth:.0%} and {f.growth_excluding:.1f}% without "
        f"them, and real IT equipment grew 20% or more over four quarters in {len(ipe_runs)} "
        f"stretch{'es' if len(ipe_runs) != 1 else ''} since 2024 against 24% a year in 1995-2000."
    )
    return Result(
        "gdp",
        p,
        reading,
        figures,
        tables=(
            (
                "IT contributions to real GDP growth by quarter (pp, SAAR)",
                c.round(3).reset_index(names="period"),
            ),
            ("Computed IT contributions against BEA's published figures", v.published_checks),
        ),
        headline=3,
        detail=v,
    )


def chart(r: Result) -> list[go.Figure]:
    v: gdp.GdpView = r.detail
    c, yoy = v.contributions, v.yoy
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "IT contributions to real GDP growth (pp, SAAR)",
            "Real IT investment, growth over four quarters (%)",
        ),
    )
    for col, label in gdp.IT_PARTS.items():
        fig.add_trace(go.Bar(x=c.index, y=c[col], name=label), row=1, col=1)
    fig.add_trace(
        go.Scatter(
            x=c.index,
            y=c["gdp_growth"],
            name="real GDP growth",
            mode="lines+markers",
            line={"color": "black"},
        ),
        row=1,
        col=1,
    )
    for col, label in (
        ("ipe_and_software", "equipment + software"),
        ("info_processing_equipment", "equipment alone"),
    ):
        ser = yoy[col].dropna()
        fig.add_trace(
            go.Scatter(x=ser.index, y=ser.to_numpy(), name=label, mode="lines"), row=1, col=2
        )
    fig.add_hline(y=gdp.RUN_THRESHOLD, line_dash="dot", line_color="red", row=1, col=2)
    fig.update_layout(**_LAYOUT, height=440, barmode="relative")
    return [fig]


def signal(r: Result) -> Signal:
    """Real IT investment growth now against its 1995-2000 pace (and ranked since 2008)."""
    v: gdp.GdpView = r.detail
    if "ipe_and_software" not in v.yoy or v.yoy["ipe_and_software"].dropna().empty:
        return missing(
            "Real IT equipment and software investment, growth over four quarters",
            "pct",
            "no real IT investment growth in the data",
            "compares real IT investment growth with its 1995-2000 pace",
            r.source_ids,
        )
    yoy = v.yoy["ipe_and_software"].dropna()
    now, period = float(yoy.iloc[-1]), str(yoy.index[-1])
    then_rows = v.then.loc[v.then["series"] == "it_real_growth_avg_1995_2000"]
    pct, seen = ranked(yoy.iloc[:-1], now)
    rank_text = (
        f"; above {pct:.0f}% of the quarters since {yoy.index[0]}" if pct is not None else ""
    )
    sources = (
        tuple(
            dict.fromkeys(sid for f in r.key_figures if f.claim_id == "C21" for sid in f.source_ids)
        )
        or r.source_ids
    )
    if then_rows.empty:
        return Signal(
            f"Real IT equipment and software investment, growth over four quarters, {period}",
            now,
            "pct",
            "the 1995-2000 pace is not in the data" + rank_text,
            pct,
            Lean.NEUTRAL,
            "needs the 1995-2000 pace of real IT investment to compare with",
            sources,
            observations=seen,
        )
    then = float(then_rows["value"].iloc[0])
    return Signal(
        indicator=f"Real IT equipment and software investment, growth over four quarters, {period}",
        value=now,
        unit="pct",
        history=f"{now / then:.0%} of the 1995-2000 pace ({then:.1f}% a year){rank_text}",
        percentile=pct,
        observations=seen,
        lean=lean_by(now, bubble=then, boom=then / 2),
        rule=(
            f"bubble-leaning at or above the 1995-2000 average pace ({then:.1f}% a year), "
            f"boom-leaning below half of it ({then / 2:.1f}%), neutral between"
        ),
        source_ids=sources,
    )


ARGUMENT = register(
    Argument(
        id="gdp",
        title="Is AI capex carrying US GDP?",
        question="How much of US growth comes from consumers, business investment and IT equipment?",
        params=GdpParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("macro", "claims"),
        command_help="AI-related investment in US real GDP growth: contributions, Furman's 0.1%, the split.",
    )
)
