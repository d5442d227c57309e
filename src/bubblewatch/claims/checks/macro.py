"""Checks of the macro claims: GDP (C19–C22), shale (C23–C24), OpenAI's money (C26, C28) and
power (C31–C35)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from bubblewatch.arguments._claimed_amounts import usd_bn
from bubblewatch.arguments.cycles import SHALE_FCF, CyclesDetail, ShaleRecord, span_text
from bubblewatch.arguments.cycles import absent as cycles_absent
from bubblewatch.arguments.gdp import GdpParams
from bubblewatch.arguments.power import PowerParams, year_of
from bubblewatch.arguments.roi import COMMITMENTS, TARGET, RoiDetail
from bubblewatch.arguments.roi import absent as roi_absent
from bubblewatch.arguments.session import Session
from bubblewatch.claims.claimed import claimed, periods
from bubblewatch.claims.findings import Figure, MissingEvidenceError
from bubblewatch.claims.registry import (
    Answer,
    Claim,
    check,
    estimate_figure,
    need,
    qualitative,
)
from bubblewatch.claims.verdicts import Verdict, across_methods, grade, inverse, worst
from bubblewatch.models import gdp, power

HALF: str = GdpParams().half
"""The half-year the GDP claims are judged on: the ``gdp`` argument's default."""


GDP_LEVELS = (
    "gdp_nominal_level",
    "gdp_real_level",
    "ipe_software_nominal_level",
    "ipe_software_real_level",
    "software_nominal_level",
    "software_real_level",
    "ipe_real_level",
    "datacenter_nominal_level",
    "datacenter_real_level",
)
"""The BEA levels the GDP view is computed from."""
GDP_SPLIT = ("gdp_growth", "contrib_pce", "contrib_nonres_fixed_investment")
"""BEA's computed contributions the speakers' split is read from."""


def _half_quarters(half: str) -> list[str]:
    """The quarters of ``half`` and the one before it (growth needs the prior level)."""
    year, h = half.split("H")
    first = pd.Period(f"{year}Q{1 if h == '1' else 3}", freq="Q")
    return [str(first - 1), str(first), str(first + 1)]


def _absent(rows: pd.DataFrame, series: tuple[str, ...], quarters: list[str]) -> list[str]:
    """``"series quarter"`` for each series and quarter that ``rows`` hold no figure of."""
    held = set(zip(rows["series"].astype(str), rows["period"].astype(str), strict=True))
    return [f"{s} {q}" for s in series for q in quarters if (s, q) not in held]


def _gdp_view(session: Session) -> gdp.GdpView:
    """The ``gdp`` argument's view at its default half-year, or :class:`MissingEvidenceError`
    when BEA's figures for that half are not in the store (as of the date asked)."""
    macro = session.tables["macro"]
    quarters = _half_quarters(HALF)
    computed = macro.loc[macro["source_id"].astype(str).str.startswith("macro_bea_calc_")]
    missing = _absent(macro, GDP_LEVELS, quarters) + _absent(computed, GDP_SPLIT, quarters[1:])
    if missing:
        raise MissingEvidenceError(f"no BEA figures for {', '.join(missing)}")
    view: gdp.GdpView = session.result("gdp").detail
    return view


@check("C19", "BEA contributions of IT equipment, software and data centres to H1 2025 growth")
def furman(session: Session, claim: Claim) -> Answer:
    v = _gdp_view(session)
    h, f = v.half_year, v.furman_recomputed
    growth = float(h["gdp_growth"])
    bea_without = float(h["growth_excluding_ai_related"])
    levels = v.sources["levels"]
    evidence = (
        Figure("Real GDP growth, H1 2025 (SAAR)", growth, "pct", levels, period=HALF),
        Figure(
            "Growth without IT equipment, software and data centres, BEA's formula",
            bea_without,
            "pct",
            levels,
            period=HALF,
            note=f"IT share of growth {float(h['ai_related']) / growth:.0%}",
        ),
        Figure(
            "Growth without IT equipment and software, Furman's chained-dollar arithmetic",
            f.growth_excluding,
            "pct",
            levels,
            period=f"{f.start}-{f.end}",
            note=f"IT share of growth {f.share_of_growth:.0%}",
        ),
    )
    (said,) = claimed(claim, "pct")
    methods = [
        grade(said.value, bea_without, scale=growth),
        grade(said.value, f.growth_excluding, scale=growth),
    ]
    return Answer(
        across_methods(methods),
        f"Furman's arithmetic gives {f.growth_excluding:.2f}% without IT ({f.share_of_growth:.0%} "
        f"of growth), but BEA's contributions leave {bea_without:.2f}% ({float(h['ai_related']) / growth:.0%}): "
        "the 0.1% holds on his method only, and neither is a counterfactual.",
        evidence,
    )


@check("C20", "BEA's contributions of consumption and business investment to H1 2025 growth")
def split(session: Session, claim: Claim) -> Answer:
    v = _gdp_view(session)
    s = v.split
    ids = v.sources["split"]
    evidence = (
        Figure("Real GDP growth, H1 2025 (SAAR)", s["gdp_growth"], "pct", ids, period=HALF),
        Figure("Contribution of consumers", s["pce"], "pp", ids, period=HALF),
        Figure(
            "Contribution of business fixed investment",
            s["business_investment"],
            "pp",
            ids,
            period=HALF,
        ),
    )
    (growth,) = claimed(claim, "pct")
    consumers, business = claimed(claim, "pp")
    verdict = worst(
        [
            grade(growth.value, s["gdp_growth"]),
            grade(consumers.value, s["pce"]),
            grade(business.value, s["business_investment"]),
        ]
    )
    return Answer(
        verdict,
        f"Growth was {s['gdp_growth']:.1f}%, not ~{growth.value:g}%, but the split holds: {s['pce']:.1f} pp from "
        f"consumers and {s['business_investment']:.1f} pp from business investment.",
        evidence,
    )


@check("C21", "real IT-investment growth year by year, 1990s and 2023 on")
def twenty_percent(session: Session, claim: Claim) -> Answer:
    t = session.tables
    v = _gdp_view(session)
    dotcom, _years, threshold = claimed(claim)
    (named_quarter,) = periods(claim.figures)
    ipe = v.yoy["info_processing_equipment"].dropna()
    ipe = ipe.loc[[p >= "2023Q1" for p in ipe.index]]
    first = next((p for p, g in ipe.items() if g >= threshold.value), None)
    macro = t["macro"]
    doms = need(
        macro.loc[macro["series"] == "it_real_growth_avg_1995_2000"], "dot-com IT-investment growth"
    )
    then = float(doms["value"].iloc[0])
    evidence = [
        Figure(
            "Real IT investment growth, average a year 1995-2000",
            then,
            "pct",
            (str(doms["source_id"].iloc[0]),),
            period="1995-2000",
        ),
    ]
    parts = [grade(dotcom.value, then)]
    if first is None:
        peak = ipe.idxmax()
        evidence.append(
            Figure(
                "Peak four-quarter growth of real IT equipment since 2023",
                float(ipe.max()),
                "pct",
                v.sources["yoy"],
                period=str(peak),
            )
        )
        parts.append(grade(threshold.value, float(ipe.max())))
        now = f"IT equipment has not yet reached {threshold.value:g}% (peak {ipe.max():.1f}% in {peak})"
    else:
        evidence.append(
            Figure(
                f"First quarter since 2023 with real IT equipment up {threshold.value:g}% or more",
                float(ipe.loc[first]),
                "pct",
                v.sources["yoy"],
                period=str(first),
            )
        )
        on_time = first == named_quarter
        parts.append(Verdict.SUPPORTED if on_time else Verdict.ROUGHLY_RIGHT)
        now = f"the first quarter at {threshold.value:g}% was {first} ({ipe.loc[first]:.1f}%)" + (
            "" if on_time else f", not {named_quarter}"
        )
    return Answer(
        worst(parts),
        f"Dot-com IT investment grew {then:.0f}% a year over 1995-2000 (a six-year average; no "
        f"year-by-year real series is stored) and {now}.",
        tuple(evidence),
    )


@check("C22", "real residential investment and motor-vehicle output, last three years")
def cyclicals(session: Session, claim: Claim) -> Answer:
    t = session.tables
    macro = t["macro"]
    rows = macro.loc[macro["series"] == "contrib_residential"]
    rows = rows.loc[rows["vintage"].str.startswith("BEA release")]
    need(rows, "computed contributions of residential investment")
    gdp_rows = macro.loc[
        (macro["series"] == "gdp_growth") & macro["vintage"].eq(rows["vintage"].iloc[0])
    ]
    (span,) = claimed(claim, "years")
    quarters = round(4 * span.value)
    res = rows.set_index("period")["value"].astype(float).sort_index().tail(quarters)
    growth = gdp_rows.set_index("period")["value"].astype(float).reindex(res.index)
    mean = float(res.mean())
    scale = float(growth.mean()) if growth.notna().all() else 1.0
    ids = tuple(dict.fromkeys(rows["source_id"].astype(str)))
    return Answer(
        grade(0.0, mean, scale=scale),
        f"Housing added {mean:+.2f} pp a quarter on average over {res.index[0]}-{res.index[-1]}, "
        f"against growth of {scale:.1f}%: flat; autos have no series here.",
        (
            Figure(
                "Contribution of residential investment, mean a quarter",
                mean,
                "pp",
                ids,
                period=f"{res.index[0]}-{res.index[-1]}",
            ),
        ),
    )


def _shale(session: Session, what: str, *metrics: str) -> ShaleRecord:
    """The ``cycles`` argument's shale record, or :class:`MissingEvidenceError` when the store
    holds none of ``metrics`` for shale (``what``), or not what the argument needs (as of the
    date asked)."""
    rows = session.tables["cycles"]
    need(rows.loc[rows["cycle"].eq("shale") & rows["metric"].isin(metrics)], what)
    missing = cycles_absent(session.tables)
    if missing:
        raise MissingEvidenceError(f"no {', '.join(missing)}")
    detail: CyclesDetail = session.result("cycles").detail
    return detail.shale


@check("C23", "shale producers' free cash flow, financing and the oil price, year by year")
def shale_fcf(session: Session, claim: Claim) -> Answer:
    shale = _shale(session, "shale free cash flow", *SHALE_FCF)
    years, negative = shale.free_cash_flow, shale.negative_years
    (span,) = claimed(claim, "years")
    (oil_said,) = claimed(claim, "usd")
    evidence = [
        Figure(
            "Years of negative shale free cash flow",
            float(negative),
            "count",
            shale.free_cash_flow_ids,
            period=f"{years.index.min()}-{years.index.max()}",
        )
    ]
    parts = [grade(span.value, float(negative))]
    first, last = shale.oil_years
    if shale.oil_mean is not None:
        boom = shale.oil
        evidence.append(
            Figure(
                f"WTI crude, average {first}-{last}",
                shale.oil_mean,
                "usd_per_bbl",
                tuple(dict.fromkeys(boom["source_id"].astype(str))),
            )
        )
        parts.append(grade(oil_said.value, shale.oil_mean))
    return Answer(
        worst(parts),
        f"Shale free cash flow was negative in {negative} of {len(years)} recorded years "
        f"({years.index.min()}-{years.index.max()})"
        + (
            f", with WTI averaging ${evidence[1].value:.0f} in {span_text(first, last)}."
            if len(evidence) > 1
            else "."
        ),
        tuple(evidence),
    )


@check("C24", "shale break-evens before and after 2015 (Dallas Fed, Rystad)")
def breakevens(session: Session, claim: Claim) -> Answer:
    shale = _shale(session, "post-2015 new-well break-evens", "breakeven_new_well")
    after = shale.new_well
    before_said, after_said = claimed(claim, "usd")
    parts, evidence = [], []
    latest = after.iloc[-1]
    evidence.append(
        Figure(
            f"New-well break-even, {int(latest['year'])}",
            float(latest["value"]),
            "usd_per_bbl",
            (str(latest["source_id"]),),
            note="Dallas Fed survey",
        )
    )
    parts.append(inverse(grade(after_said.span, float(latest["value"]))))
    change = shale.wellhead
    if change is not None:
        a, b, fall = change.before, change.after, change.fall
        evidence.append(
            Figure(
                f"Fall in wellhead break-even, {int(a['year'])}-{int(b['year'])}",
                fall,
                "share",
                (str(a["source_id"]), str(b["source_id"])),
                note=f"${a['value']:.0f} to ${b['value']:.0f}",
            )
        )
        said_fall = (
            1.0 - after_said.high / before_said.value,
            1.0 - after_said.low / before_said.value,
        )
        parts.append(grade(said_fall, fall))
    verdict = across_methods(parts)
    said = (
        f"${after_said.low:g}-{after_said.high:g}"
        if after_said.is_range
        else f"${after_said.value:g}"
    )
    return Answer(
        verdict,
        f"Break-evens fell, but new wells still needed ${latest['value']:.0f} in "
        f"{int(latest['year'])}, above the claimed {said}"
        + (f"; the wellhead average fell {evidence[1].value:.0%}." if len(evidence) > 1 else "."),
        tuple(evidence),
    )


def _roi(session: Session) -> RoiDetail:
    """The ``roi`` argument's model output, or :class:`MissingEvidenceError` when the store
    lacks what the argument needs (as of the date asked)."""
    missing = roi_absent(session.tables)
    if missing:
        raise MissingEvidenceError(f"no {', '.join(missing)}")
    detail: RoiDetail = session.result("roi").detail
    return detail


@check("C26", "OpenAI's stated commitments and the disclosed deals")
def openai_commitments(session: Session, claim: Claim) -> Answer:
    t = session.tables
    stated = estimate_figure(t, COMMITMENTS, "OpenAI's stated commitments")
    disclosed = _roi(session).openai_deals
    (said,) = claimed(claim)
    evidence = [stated]
    if not disclosed.empty:
        evidence.append(
            Figure(
                "OpenAI compute and chip deals with a disclosed amount",
                float(disclosed["amount_usd_bn"].sum()),
                "usd_bn",
                tuple(dict.fromkeys(disclosed["source_id"].astype(str))),
            )
        )
    return Answer(
        grade(usd_bn(said.value, said.unit), float(stated.value)),
        f"OpenAI's chief executive put its commitments at ${float(stated.value):,.0f}bn; the deals "
        "with a disclosed amount add up to less"
        + (f" (${evidence[1].value:,.0f}bn)." if len(evidence) > 1 else "."),
        tuple(evidence),
    )


@check("C28", "OpenAI's revenue and its own revenue projections")
def openai_revenue(session: Session, claim: Claim) -> Answer:
    t = session.tables
    target = estimate_figure(t, TARGET, "OpenAI's revenue target")
    target = replace(target, label=f"{target.label} for {target.period}")
    reached = _roi(session).target
    (said,) = claimed(claim)
    evidence = [target]
    tail = ""
    if reached is not None:
        evidence.append(
            Figure(
                f"OpenAI revenue, {reached.revenue_year}",
                reached.revenue_usd_bn,
                "usd_bn",
                (reached.revenue_source_id,),
                period=str(reached.revenue_year),
            )
        )
        tail = (
            f"; from ${reached.revenue_usd_bn:.1f}bn in {reached.revenue_year} that needs "
            f"{reached.growth:.0%} growth a year"
        )
    return Answer(
        grade(usd_bn(said.value, said.unit), float(target.value)),
        f"Altman named ${float(target.value):.0f}bn for {target.period}{tail}.",
        tuple(evidence),
    )


def _outlook(session: Session, params: PowerParams | None = None) -> power.Outlook:
    """The ``power`` argument's sourced outlook (on ``params``, else its defaults), or
    :class:`MissingEvidenceError` when the store holds no installed base, no demand forecast or
    no build rate for US data centres (as of the date asked)."""
    table = session.tables["power"]
    us = table.loc[(table["entity"] == "US data centers") & (table["unit"] == "gw")]
    yearly = us["year"].astype(str).str.fullmatch(r"\d{4}")
    need(
        us.loc[us["metric"].eq("capacity_installed") & us["kind"].eq("actual") & yearly],
        "US data-centre installed capacity",
    )
    need(
        us.loc[
            us["kind"].eq("forecast") & us["metric"].astype(str).str.startswith("capacity_demand")
        ],
        "US data-centre demand forecasts",
    )
    need(us.loc[us["metric"].eq("capacity_added") & yearly], "US data-centre capacity added")
    outlook: power.Outlook = session.result("power", params).detail.outlook
    return outlook


@check("C32", "published US data-centre capacity added per year")
def build_rate(session: Session, claim: Claim) -> Answer:
    o = _outlook(session)
    latest, built = o.latest_builds()
    if not built:
        raise MissingEvidenceError("published capacity added in a past year")
    (rate,) = claimed(claim, "gw_per_year")
    gw = np.array([p.gw_per_year for p in built])
    median = float(np.median(gw))
    return Answer(
        grade(rate.span, median),
        f"Published figures put capacity added in {latest} at {gw.min():g}-{gw.max():g} GW "
        f"(median {median:g}) against the claimed {rate.low:g}-{rate.high:g} GW.",
        (
            Figure(
                f"US data-centre capacity added, {latest}, median of published figures",
                median,
                "gw",
                tuple(dict.fromkeys(s for p in built for s in p.source_ids)),
                note=", ".join(f"{p.name} {p.gw_per_year:g}" for p in built),
            ),
        ),
    )


@check("C33", "sourced demand forecasts against build rates, to 2030")
def power_gap(session: Session, claim: Claim) -> Answer:
    (gap,) = claimed(claim, "gw_per_year")
    (shortfall,) = claimed(claim, "gw")
    by = year_of(shortfall)
    o = _outlook(session, None if by is None else PowerParams(through=by))
    annual = o.grid["annual_gap_gw"]
    total = o.grid[o.shortfall_column]
    ids = tuple(
        dict.fromkeys(s for p in (*o.demand.values(), *o.supply.values()) for s in p.source_ids)
    )
    evidence = (
        Figure(
            "Gap a year, median over demand x build paths",
            float(annual.median()),
            "gw",
            ids,
            note=f"range {annual.min():+.1f} to {annual.max():+.1f}",
        ),
        Figure(
            f"Shortfall by {o.through}, median over paths",
            float(total.median()),
            "gw",
            ids,
            note=f"range {total.min():+.0f} to {total.max():+.0f}",
        ),
    )
    verdict = worst(
        [grade(gap.span, float(annual.median())), grade(shortfall.span, float(total.median()))]
    )
    return Answer(
        verdict,
        f"Over {len(o.grid)} sourced scenarios the median gap is {annual.median():.1f} GW a year "
        f"and {total.median():.0f} GW by {o.through}; the claimed figures sit near the top of the "
        f"range ({annual.max():.0f} GW a year, {total.max():.0f} GW).",
        evidence,
    )


qualitative(
    "C31",
    "gas-turbine makers' production capacity, order backlogs and slot reservations by year",
)
qualitative(
    "C34",
    "on-site (behind-the-meter) generation at data centres from EIA-860, and battery additions",
)
qualitative(
    "C35",
    "a forecast: testable only once orbital data centres run at commercial scale",
)
