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
    hyperscaler_years,
    market_series,
)
from bubblewatch.models import roi
from bubblewatch.models.market import basket_index, common_end, coverage_phrase
from bubblewatch.models.market import context as market_context
from bubblewatch.report.assessment import Evidence, Section
from bubblewatch.report.claims_section import build_claims
from bubblewatch.report.cycles_section import build_cycles
from bubblewatch.report.financing_section import build_circularity, build_credit, build_funding
from bubblewatch.report.lppls_section import add_lppls_rows, lppls_panels, lppls_reading
from bubblewatch.report.power_section import build_power
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


def _ids(rows: pd.DataFrame, metrics: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sid for m in metrics for sid in rows[f"src_{m}"]))


def build_roi(t: Tables) -> Section:
    deals = t["deals"]
    openai = deals.loc[
        deals["money_from"].eq("OpenAI") & deals["type"].isin(["compute_contract", "chip_purchase"])
    ]
    by_party = (
        openai.groupby("money_to")["amount_usd_bn"].sum(min_count=1).sort_values(ascending=False)
    )
    ids = tuple(dict.fromkeys(openai["source_id"]))
    undisclosed = int(openai["amount_usd_bn"].isna().sum())
    claims = t["claims"]
    panel, yearly = hyperscaler_years(t["financials"], ["capex"])
    latest = yearly.index.max()
    capex = float(yearly.loc[latest, "capex"])
    cap_ids = _ids(panel.loc[panel["period"] == latest], ["capex"])
    evidence: tuple[Evidence, ...] = (
        Evidence(
            "OpenAI compute and chip commitments with a disclosed amount",
            float(by_party.sum()),
            "usd_bn",
            ids,
        ),
        Evidence("Counterparties of those commitments", float(len(by_party)), "count", ids),
        Evidence("Commitments with no disclosed amount", float(undisclosed), "count", ids),
        Evidence(
            "Claimed OpenAI commitments (C26)", 1400.0, "usd_bn", claim_sources(claims, "C26")
        ),
        Evidence(
            "Claimed OpenAI revenue target for 2027 (C28)",
            100.0,
            "usd_bn",
            claim_sources(claims, "C28"),
        ),
        Evidence(f"Hyperscaler capex, {latest}", capex, "usd_bn", cap_ids),
    )
    check = roi.sequoia_check(t["estimates"])
    sim = roi.monte_carlo(roi.default_ranges(t["estimates"]), n=10_000, seed=0)
    median_gap = float(sim.quantiles().loc[0.5, "gap_usd_bn"])
    for year, row in check.iterrows():
        evidence += (
            Evidence(
                f"Sequoia {year}: ${row['accelerator_spend_usd_bn']:,.0f}bn x "
                f"{row['datacenter_multiple']:g} x {row['margin_multiple']:g}, recomputed",
                float(row["required_recomputed_usd_bn"]),
                "usd_bn",
                tuple(str(row["sources"]).split(", ")),
                f"published ${row['required_published_usd_bn']:,.0f}bn, gap ${row['gap_published_usd_bn']:,.0f}bn",
            ),
        )
    evidence += (
        Evidence(
            "Median revenue gap over Sequoia's input ranges (10,000 seeded draws)",
            median_gap,
            "usd_bn",
            tuple(dict.fromkeys(sid for cell in check["sources"] for sid in str(cell).split(", "))),
            "ranges: a scenario choice spanning the 2023 and 2024 analyses",
        ),
    )
    fig = go.Figure(go.Bar(x=by_party.index, y=by_party.to_numpy(), name="USD bn"))
    fig.update_layout(
        **_LAYOUT, title="OpenAI's disclosed compute and chip commitments by counterparty (USD bn)"
    )
    reading = (
        f"Deals in the table commit OpenAI to ${by_party.sum():,.0f}bn of compute and chips across "
        f"{len(by_party)} counterparties ({undisclosed} more undisclosed), against the ~$1.4tn the debate "
        "cites and a ~$100bn revenue target for 2027; Sequoia's $200bn and $600bn questions recompute "
        f"exactly from their inputs, and over their ranges the median gap is ${median_gap:,.0f}bn."
    )
    return Section(
        "roi",
        "Where do the trillions come from?",
        "Can revenue catch up with the commitments being signed?",
        reading,
        evidence,
        fig,
        tables=(
            ("Sequoia's revenue gap recomputed from its published inputs", check.reset_index()),
        ),
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


build_depreciation = from_argument("depreciation")
build_gdp = from_argument("gdp")


BUILDERS: dict[str, Callable[[Tables], Section]] = {
    "markets": build_markets,
    "circularity": build_circularity,
    "funding": build_funding,
    "depreciation": build_depreciation,
    "gdp": build_gdp,
    "cycles": build_cycles,
    "roi": build_roi,
    "power": build_power,
    "credit": build_credit,
    "claims": build_claims,
}
