"""One builder per argument of the debate: sourced figures, a chart and a plain reading.

Each builder takes the store's current tables and returns a :class:`Section`. The analytic
engines of later releases refine these readings; here each states what the sourced data shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch.detect import runup
from bubblewatch.frames import (
    claim_sources,
    drawdown,
    market_series,
)
from bubblewatch.models.market import basket_index, common_end, coverage_phrase
from bubblewatch.models.market import context as market_context
from bubblewatch.report.assessment import Evidence, Section
from bubblewatch.report.claims_section import build_claims
from bubblewatch.report.depreciation_section import build_depreciation
from bubblewatch.report.lppls_section import add_lppls_rows, lppls_panels, lppls_reading
from bubblewatch.report.psy_section import add_bsadf_rows, episodes_table, psy_panels

Tables = Mapping[str, pd.DataFrame]
_LAYOUT = {
    "template": "plotly_white",
    "height": 420,
    "margin": {"l": 60, "r": 30, "t": 50, "b": 40},
}


def shiller_cape(market: pd.DataFrame) -> pd.Series:
    """Shiller's cyclically adjusted P/E: real price over the 10-year mean of real earnings.

    References
    ----------
    Campbell, J. Y. and Shiller, R. J. (1998), "Valuation Ratios and the Long-Run Stock Market
    Outlook", Journal of Portfolio Management 24(2), 11-26.
    """
    price, _ = market_series(market, "SP500", "mean_close")
    earnings, _ = market_series(market, "SP500", "earnings")
    cpi, _ = market_series(market, "SP500", "cpi")
    frame = pd.concat({"p": price, "e": earnings, "cpi": cpi}, axis=1).dropna()
    deflator = frame["cpi"].iloc[-1] / frame["cpi"]
    real_e = frame["e"] * deflator
    cape = (frame["p"] * deflator) / real_e.rolling(120, min_periods=120).mean()
    return cape.dropna()


def build_markets(t: Tables) -> Section:
    market, claims = t["market"], t["claims"]
    nasdaq, nsrc = market_series(market, "NASDAQCOM", "close")
    qqq, qsrc = market_series(market, "QQQ", "adj_close")
    cape = shiller_cape(market)
    _, ssrc = market_series(market, "SP500", "earnings")
    ctx = market_context(market)
    # The Composite and QQQ are compared on the latest month-end both have.
    on = common_end({"Nasdaq Composite": nasdaq, "QQQ": qqq})
    n_on, q_on = nasdaq.loc[:on], qqq.loc[:on]
    coverage = coverage_phrase({"Nasdaq Composite": nasdaq.index[-1], "QQQ": qqq.index[-1]}, on)
    peak_date = n_on.idxmax()
    dd = float(drawdown(n_on).iloc[-1])
    pct = float((cape < cape.iloc[-1]).mean())
    qdd = float(drawdown(q_on).iloc[-1])
    evidence: tuple[Evidence, ...] = (
        Evidence(
            f"Nasdaq Composite, close {n_on.index[-1]:%b %Y}",
            float(n_on.iloc[-1]),
            "index_points",
            (nsrc,),
        ),
        Evidence(
            f"Nasdaq Composite all-time month-end high ({peak_date:%b %Y})",
            float(n_on.max()),
            "index_points",
            (nsrc,),
        ),
        Evidence(f"Nasdaq Composite below its high ({on:%b %Y})", dd, "share", (nsrc,)),
        Evidence(f"QQQ below its high ({on:%b %Y})", qdd, "share", (qsrc,)),
        Evidence(
            "Series last dates and the common date compared on", coverage, "text", (nsrc, qsrc)
        ),
        Evidence(f"S&P 500 CAPE ({cape.index[-1]:%b %Y})", float(cape.iloc[-1]), "x", (ssrc,)),
        Evidence("Share of months since 1881 with a lower CAPE", pct, "share", (ssrc,)),
        Evidence(
            "Claimed Nasdaq-100 forward P/E, peak and now (C02)",
            "~28x, ~26x",
            "text",
            claim_sources(claims, "C02"),
        ),
    )
    panels = psy_panels(market)
    evidence += tuple(
        Evidence(
            f"PSY GSADF statistic, {p.label} ({p.result.bsadf.index[0]}–{p.result.bsadf.index[-1]})",
            p.result.gsadf,
            "stat",
            p.source_ids,
            note=(
                f"95% critical value {p.cv.gsadf['95%']:.2f}, p = {p.cv.pvalue(p.result.gsadf):.3f}; "
                f"{len(p.episodes.positive)} exuberance and {len(p.episodes.negative)} collapse episode(s)"
            ),
        )
        for p in panels
    )
    evidence += tuple(
        Evidence(
            f"{d.name} below its {d.peak:%b %Y} high ({d.as_of:%b %Y}): a {d.label}",
            d.drawdown,
            "share",
            d.source_ids,
            note=f"{d.percentile:.0f}% of the NASDAQ Composite's completed drawdowns since 1971 "
            "were shallower (month-end closes); "
            + f"compared on {d.as_of:%Y-%m-%d}, series through {(d.last or d.as_of):%Y-%m-%d}",
        )
        for d in ctx.drawdowns
    )
    evidence += tuple(
        Evidence(
            f"{v.name} ({v.as_of:%b %Y}), percentile since {v.since:%Y}",
            v.percentile / 100,
            "share",
            v.source_ids,
            note=f"now {v.value:.1f}; {v.peak_2000[1]:.1f} at the {v.peak_2000[0]:%b %Y} peak, "
            f"{v.peak_2021[1]:.1f} at the {v.peak_2021[0]:%b %Y} peak",
        )
        for v in ctx.valuations
    )
    evidence += tuple(
        Evidence(
            f"Nasdaq-100 forward P/E, {r.date:%d %b %Y} (cited figure)",
            float(r.value),
            "x",
            (str(r.source_id),),
        )
        for r in ctx.forward_pe.itertuples()
    )
    basket, bsrc = basket_index(market)
    runups = [
        (runup.assess(nasdaq, name="NASDAQ Composite"), (nsrc,)),
        (runup.assess(basket, benchmark=qqq, name="AI basket vs QQQ"), (*bsrc, qsrc)),
    ]
    evidence += tuple(
        Evidence(
            f"Two-year {r.basis} return, {r.name} ({r.as_of:%b %Y})",
            r.measured_return,
            "share",
            ids,
            note=r.reading,
        )
        for r, ids in runups
    )
    lp = lppls_panels(market)
    evidence += tuple(
        Evidence(
            f"LPPLS positive-bubble confidence, {p.label} ({p.last[0]:%d %b %Y})",
            p.last[1],
            "share",
            p.source_ids,
            note=f"negative-bubble confidence {p.last[2]:.0%}; Sornette et al. (2015) filters, "
            "windows of 125-750 trading days",
        )
        for p in lp
    )
    fig = make_subplots(
        rows=2 + len(panels) + len(lp),
        cols=1,
        shared_xaxes=False,
        vertical_spacing=0.04,
        subplot_titles=(
            "Nasdaq Composite, month-end close (log)",
            "S&P 500 CAPE (Shiller)",
            *(f"BSADF vs 95% critical value: {p.label}" for p in panels),
            *(f"LPPLS confidence (positive red, negative green): {p.label}" for p in lp),
        ),
    )
    add_bsadf_rows(fig, panels, first_row=3)
    add_lppls_rows(fig, lp, first_row=3 + len(panels))
    fig.add_trace(
        go.Scatter(x=nasdaq.index, y=nasdaq.to_numpy(), name="Nasdaq Composite"), row=1, col=1
    )
    fig.add_trace(go.Scatter(x=cape.index, y=cape.to_numpy(), name="CAPE"), row=2, col=1)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_layout(**{**_LAYOUT, "height": 1700}, showlegend=False)
    explosive = [p for p in panels if p.result.gsadf > p.cv.gsadf["95%"]]
    live = [p.label for p in panels if p.episodes.table["ongoing"].any()]
    q_state = "at a new high" if qdd >= 0 else f"{-qdd:.0%} below its high"
    reading = (
        f"On {on:%d %B %Y}, the latest month-end both have ({coverage}), the Nasdaq Composite "
        f"closed at {n_on.iloc[-1]:,.0f}, {-dd:.0%} below its {peak_date:%B %Y} high, and QQQ "
        f"was {q_state}; the S&P 500 CAPE of {cape.iloc[-1]:.1f} is "
        f"above {pct:.0%} of months since 1881. The PSY test rejects a random walk at 5% for "
        f"{len(explosive)} of {len(panels)} series"
        + (f" ({', '.join(p.label for p in explosive)})" if explosive else "")
        + (
            f"; an explosive episode is under way in the last month for {', '.join(live)}."
            if live
            else "; none of them is in an explosive episode in its last month."
        )
        + f" {lppls_reading(lp)}."
        + f" By history's measure, {ctx.drawdowns[0].readings_phrase}."
    )
    return Section(
        "markets",
        "Markets: healthy correction or bubble?",
        "Are valuations near past bubble highs, and is the sell-off an ordinary correction?",
        reading,
        evidence,
        fig,
        table=episodes_table(panels),
        headline=2,
    )


def from_argument(argument_id: str) -> Callable[[Tables], Section]:
    """A builder that renders a registered argument's result on the given tables."""

    def build(t: Tables) -> Section:
        from bubblewatch.arguments import Session, get

        argument = get(argument_id)
        return Section.from_result(
            Session(t).result(argument_id), argument.title, argument.question
        )

    build.__name__ = f"build_{argument_id}"
    return build


build_gdp = from_argument("gdp")
build_circularity = from_argument("circularity")
build_funding = from_argument("funding")
build_credit = from_argument("credit")
build_cycles = from_argument("cycles")
build_roi = from_argument("roi")


BUILDERS: dict[str, Callable[[Tables], Section]] = {
    "markets": build_markets,
    "circularity": build_circularity,
    "funding": build_funding,
    "depreciation": build_depreciation,
    "gdp": build_gdp,
    "cycles": build_cycles,
    "roi": build_roi,
    "power": from_argument("power"),
    "credit": build_credit,
    "claims": build_claims,
}
