"""The ``gdp`` argument: is AI capex carrying US GDP growth?

BEA's contributions of IT equipment, software and data centres to real GDP growth, Furman's
chained-dollar arithmetic (C19) and the speakers' consumer/business split (C20), from
:func:`bubblewatch.models.gdp.view`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Lean, Signal, lean_by, missing, ranked, share_below
from bubblewatch.charts import (
    CLAIM_COLOUR,
    claimed_line,
    quarter_axis,
    reference_line,
    shade,
    style,
)
from bubblewatch.frames import claim_sources
from bubblewatch.models import gdp


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


CLAIMED_HALF = "2025H1"
CLAIMED_SPLIT = {"gdp_growth": 2.0, "pce": 1.0, "business_investment": 1.0}
"""The speakers' split of :data:`CLAIMED_HALF` (C20): growth about 2%, about 1 pp each from
consumers and business investment (drawn only on that half-year)."""


def quarter_dates(periods: object) -> pd.DatetimeIndex:
    """``2025Q2``-style labels as the first day of each quarter (a real, ordered date axis)."""
    return pd.PeriodIndex(pd.Index(periods).astype(str), freq="Q").to_timestamp(how="start")


def _split_chart(v: gdp.GdpView) -> go.Figure:
    """The half-year's growth, its parts and growth without IT, beside the debate's figures."""
    h, s, f = v.half_year, v.split, v.furman_recomputed
    on_claim = v.half.upper() == CLAIMED_HALF
    said: dict[str, float] = dict(CLAIMED_SPLIT) if on_claim else {}
    furman_said = v.furman_published.get("growth_excluding") if on_claim else None
    rows = [
        ("Real GDP<br>growth (%)", s["gdp_growth"], said.get("gdp_growth")),
        ("Consumer<br>spending (pp)", s["pce"], said.get("pce")),
        ("Business<br>investment (pp)", s["business_investment"], said.get("business_investment")),
        ("IT equipment, software,<br>data centres (pp)", float(h["ai_related"]), None),
        ("Growth without IT,<br>BEA's formula (%)", float(h["growth_excluding_ai_related"]), None),
        (
            f"Without IT, Furman's<br>arithmetic {f.start}-{f.end[-2:]} (%)",
            f.growth_excluding,
            furman_said,
        ),
    ]
    labels = [label for label, _, _ in rows][::-1]
    values = [value for _, value, _ in rows][::-1]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            name=f"{v.half}, BEA (SAAR, mean of quarters)",
            marker={"color": ["#1f77b4" if "IT" not in lb else "#ff7f0e" for lb in labels]},
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    claimed = [(label, c) for label, _, c in rows if c is not None]
    if claimed:
        fig.add_trace(
            go.Scatter(
                y=[label for label, _ in claimed],
                x=[c for _, c in claimed],
                mode="markers",
                marker={"symbol": "diamond", "size": 12, "color": CLAIM_COLOUR},
                name="Claimed in the debate (C19, C20)",
                hovertemplate="claimed: %{x:g}<extra></extra>",
            )
        )
    share = float(h["ai_related"]) / s["gdp_growth"]
    style(
        fig,
        title=(
            f"{v.half}: IT added {float(h['ai_related']):.1f} pp of {s['gdp_growth']:.1f}% growth "
            f"({share:.0%}) by BEA's formula;<br>Furman's arithmetic leaves "
            f"{f.growth_excluding:.1f}% without it"
            + (f", claimed {furman_said:g}% (C19)" if furman_said is not None else "")
        ),
        x_title="% or pp of growth, annual rate",
        height=440,
    )
    fig.update_yaxes(title_text=f"Figure, {v.half}")
    return fig


def _contributions_chart(v: gdp.GdpView) -> go.Figure:
    """IT's contributions to growth quarter by quarter, stacked, under real GDP growth."""
    c = v.contributions
    dates = quarter_dates(c.index)
    fig = go.Figure()
    for col, label in gdp.IT_PARTS.items():
        fig.add_trace(
            go.Bar(
                x=dates,
                y=c[col].to_numpy(),
                name=label[0].upper() + label[1:],
                xperiod="M3",
                xperiodalignment="middle",
                customdata=list(c.index),
                hovertemplate="%{customdata}: %{y:.2f} pp<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=c["gdp_growth"].to_numpy(),
            name="Real GDP growth (%)",
            mode="lines+markers",
            line={"color": "black"},
            xperiod="M3",
            xperiodalignment="middle",
        )
    )
    latest = c.index[-1]
    ai, growth = float(c.loc[latest, "ai_related"]), float(c.loc[latest, "gdp_growth"])
    part = "more than all" if ai > growth > 0 else f"{ai / growth:.0%}"
    above = c.loc[c["ai_related"] >= ai].index
    style(
        fig,
        title=(
            f"In {latest} IT added {ai:.1f} pp, {part} of {growth:.1f}% growth;<br>"
            f"{len(above)} of {len(c)} quarters since {c.index[0]} saw as much"
        ),
        x_title="Quarter",
        y_title="Percent / pp of growth, annual rate",
    )
    fig.update_layout(barmode="relative")
    quarter_axis(fig)
    return fig


def _growth_chart(v: gdp.GdpView) -> go.Figure:
    """Real IT investment's growth over four quarters, the 20% line the debate draws, the
    stretches above it and the 1995-2000 average."""
    yoy = v.yoy
    fig = go.Figure()
    for col, label in (
        ("ipe_and_software", "IT equipment and software"),
        ("info_processing_equipment", "IT equipment alone"),
    ):
        ser = yoy[col].dropna()
        fig.add_trace(
            go.Scatter(
                x=quarter_dates(ser.index),
                y=ser.to_numpy(),
                name=label,
                mode="lines",
                xperiod="M3",
                xperiodalignment="middle",
                customdata=list(ser.index),
                hovertemplate="%{customdata}: %{y:.1f}%<extra>%{fullData.name}</extra>",
            )
        )
    claimed_line(fig, gdp.RUN_THRESHOLD, "C21", f"~{gdp.RUN_THRESHOLD:g}% a year")
    then = v.then.loc[v.then["series"] == "it_real_growth_avg_1995_2000"]
    if len(then):
        reference_line(
            fig,
            float(then["value"].iloc[0]),
            f"1995-2000 average ({float(then['value'].iloc[0]):g}%)",
        )
    runs = v.runs_now.loc[v.runs_now["series"] == "info_processing_equipment"]
    for i, run in enumerate(runs.itertuples()):
        first = quarter_dates([run.first])[0]
        last = quarter_dates([run.last])[0] + pd.offsets.QuarterEnd(0)
        shade(fig, first, last, f"Equipment up {gdp.RUN_THRESHOLD:g}%+", showlegend=i == 0)
    both = yoy["ipe_and_software"].dropna()
    spans = ", ".join(f"{a}-{b}" for a, b in zip(runs["first"], runs["last"], strict=True))
    style(
        fig,
        title=(
            f"Real IT equipment grew {gdp.RUN_THRESHOLD:g}%+ over four quarters in {len(runs)} "
            f"stretch{'es' if len(runs) != 1 else ''} since {both.index[0][:4]}"
            + (f" ({spans})" if spans else "")
            + f";<br>equipment and software {both.iloc[-1]:.0f}% in {both.index[-1]}"
        ),
        x_title="Quarter",
        y_title="Real growth over four quarters (%)",
        height=480,
    )
    quarter_axis(fig)
    return fig


def chart(r: Result) -> list[go.Figure]:
    """The half-year split against the debate, IT's quarterly contributions, IT's growth."""
    v: gdp.GdpView = r.detail
    return [_split_chart(v), _contributions_chart(v), _growth_chart(v)]


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
        f"; above {share_below(pct)} of the quarters since {yoy.index[0]}"
        if pct is not None
        else ""
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
