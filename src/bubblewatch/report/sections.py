"""One builder per argument of the debate: sourced figures, a chart and a plain reading.

Each builder takes the store's current tables and returns a :class:`Section`. The analytic
engines of later releases refine these readings; here each states what the sourced data shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch.detect import runup
from bubblewatch.models.market import basket_index
from bubblewatch.models.market import context as market_context
from bubblewatch.report.assessment import Evidence, Section
from bubblewatch.report.depreciation_section import build_depreciation
from bubblewatch.report.frames import (
    drawdown,
    fiscal_panel,
    latest_by_published,
    market_series,
    money_cycles,
)
from bubblewatch.report.lppls_section import add_lppls_rows, lppls_panels, lppls_reading
from bubblewatch.report.psy_section import add_bsadf_rows, episodes_table, psy_panels

Tables = Mapping[str, pd.DataFrame]
HYPERSCALERS = ("Microsoft", "Alphabet", "Amazon", "Meta", "Oracle")
_LAYOUT = {
    "template": "plotly_white",
    "height": 420,
    "margin": {"l": 60, "r": 30, "t": 50, "b": 40},
}


def _claim_sources(claims: pd.DataFrame, *ids: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(claims.loc[claims["claim_id"].isin(ids), "source_id"]))


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
    peak_date = nasdaq.idxmax()
    dd = float(drawdown(nasdaq).iloc[-1])
    pct = float((cape < cape.iloc[-1]).mean())
    qdd = float(drawdown(qqq).iloc[-1])
    evidence: tuple[Evidence, ...] = (
        Evidence(
            f"Nasdaq Composite, close {nasdaq.index[-1]:%b %Y}",
            float(nasdaq.iloc[-1]),
            "index_points",
            (nsrc,),
        ),
        Evidence(
            f"Nasdaq Composite all-time month-end high ({peak_date:%b %Y})",
            float(nasdaq.max()),
            "index_points",
            (nsrc,),
        ),
        Evidence("Nasdaq Composite below its high", dd, "share", (nsrc,)),
        Evidence(f"QQQ below its high ({qqq.index[-1]:%b %Y})", qdd, "share", (qsrc,)),
        Evidence(f"S&P 500 CAPE ({cape.index[-1]:%b %Y})", float(cape.iloc[-1]), "x", (ssrc,)),
        Evidence("Share of months since 1881 with a lower CAPE", pct, "share", (ssrc,)),
        Evidence(
            "Claimed Nasdaq-100 forward P/E, peak and now (C02)",
            "~28x, ~26x",
            "text",
            _claim_sources(claims, "C02"),
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
    ctx = market_context(market)
    evidence += tuple(
        Evidence(
            f"{d.name} below its {d.peak:%b %Y} high ({d.as_of:%b %Y}): a {d.label}",
            d.drawdown,
            "share",
            d.source_ids,
            note=f"{d.percentile:.0f}% of the NASDAQ Composite's completed drawdowns since 1971 "
            "were shallower (month-end closes)",
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
    reading = (
        f"The Nasdaq Composite closed {nasdaq.index[-1]:%B %Y} at {nasdaq.iloc[-1]:,.0f}, "
        f"{-dd:.0%} below its {peak_date:%B %Y} high; the S&P 500 CAPE of {cape.iloc[-1]:.1f} is "
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


def build_circularity(t: Tables) -> Section:
    deals = t["deals"].copy()
    flows = deals.dropna(subset=["money_from", "money_to"])
    flows = flows.loc[~flows["money_from"].str.contains(";") & ~flows["money_to"].str.contains(";")]
    cycles = money_cycles(zip(flows["money_from"], flows["money_to"], strict=True))
    amounts = flows.groupby(["money_from", "money_to"])["amount_usd_bn"].sum(min_count=1)
    money = deals.dropna(subset=["money_from", "money_to"])
    total = float(money["amount_usd_bn"].sum())
    soft = money["status"].ne("binding")
    soft_share = float(money.loc[soft, "amount_usd_bn"].sum() / total) if total else float("nan")
    all_ids = tuple(dict.fromkeys(deals["source_id"]))
    # The debate's loop first (C13), then the shortest loops.
    ranked = sorted(cycles, key=lambda c: (not {"NVIDIA", "OpenAI", "Oracle"} <= set(c), len(c), c))
    key = ranked[0] if ranked else None
    evidence = [
        Evidence(
            f"Deals recorded ({deals['date'].min():%Y}-{deals['date'].max():%Y})",
            float(len(deals)),
            "count",
            all_ids,
        ),
        Evidence("Headline value of deals that move money", total, "usd_bn", all_ids),
        Evidence("Share of headline value not yet binding", soft_share, "share", all_ids),
        Evidence("Closed money loops in the deal graph", float(len(cycles)), "count", all_ids),
    ]
    if key is not None:
        legs = list(zip(key, (*key[1:], key[0]), strict=True))
        leg_ids = tuple(
            dict.fromkeys(
                flows.loc[flows["money_from"].eq(a) & flows["money_to"].eq(b), "source_id"].iloc[0]
                for a, b in legs
            )
        )
        smallest = min((float(amounts.get((a, b), np.nan)) for a, b in legs), default=float("nan"))
        evidence.append(
            Evidence(
                "Loop " + " → ".join((*key, key[0])) + ": smallest disclosed leg",
                smallest,
                "usd_bn",
                leg_ids,
            )
        )
    evidence.append(
        Evidence(
            "The debate's circle (C13)",
            "NVIDIA → OpenAI → Oracle → NVIDIA, ~$100B each",
            "text",
            _claim_sources(t["claims"], "C13"),
        )
    )
    fig = _network_figure(flows)
    loop_text = " → ".join((*key, key[0])) if key else "none"
    reading = (
        f"{len(deals)} deals link the AI firms and the {len(money)} that move money total "
        f"${total:,.0f}bn in headline terms; the money-flow graph has {len(cycles)} closed loops "
        f"(e.g. {loop_text}), and {soft_share:.0%} of that value is not yet binding."
    )
    return Section(
        "circularity",
        "The AI 'debt circle'",
        "Do the NVIDIA–OpenAI–Oracle–AMD deals form a closed loop of money?",
        reading,
        tuple(evidence),
        fig,
        headline=1,
    )


def _network_figure(flows: pd.DataFrame) -> go.Figure:
    received = flows.groupby("money_to")["amount_usd_bn"].sum()
    nodes = sorted(set(flows["money_from"]) | set(flows["money_to"]))
    angle = np.linspace(0, 2 * np.pi, len(nodes), endpoint=False)
    pos = {n: (float(np.cos(a)), float(np.sin(a))) for n, a in zip(nodes, angle, strict=True)}
    fig = go.Figure()
    for rec in flows.itertuples():
        (x0, y0), (x1, y1) = pos[rec.money_from], pos[rec.money_to]
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.2,
            arrowwidth=1,
            arrowcolor="rgba(80,80,160,0.45)",
            standoff=8,
        )
    size = [8 + 2.5 * np.sqrt(float(received.get(n, 0.0))) for n in nodes]
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers+text",
            text=nodes,
            textposition="top center",
            marker={"size": size, "color": "#c0392b"},
            hovertext=[f"{n}: receives ${received.get(n, 0.0):,.1f}bn" for n in nodes],
            hoverinfo="text",
        )
    )
    fig.update_layout(
        **{**_LAYOUT, "height": 620},
        title="Money flows between deal parties (arrow: payer → payee)",
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        showlegend=False,
    )
    return fig


def hyperscaler_years(t: Tables, metrics: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-firm fiscal-year panel of ``metrics`` and its yearly sums over the five hyperscalers.

    Only fiscal years in which every firm reports every metric are summed, so years compare
    like with like; the panel keeps every firm-year with complete metrics.
    """
    panel = fiscal_panel(t["financials"], metrics).dropna(subset=metrics)
    panel = panel.loc[panel["entity"].isin(HYPERSCALERS)]
    counts = panel.groupby("period")["entity"].nunique()
    complete = counts.index[counts == len(HYPERSCALERS)]
    yearly = panel.loc[panel["period"].isin(complete)].groupby("period")[metrics].sum()
    return panel, yearly


def _ids(rows: pd.DataFrame, metrics: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sid for m in metrics for sid in rows[f"src_{m}"]))


def build_funding(t: Tables) -> Section:
    metrics = ["capex", "operating_cash_flow"]
    panel, yearly = hyperscaler_years(t, metrics)
    latest = yearly.index.max()
    last = panel.loc[panel["period"] == latest]
    ids = _ids(last, metrics)
    debt = t["debt"]
    debt_total = float(debt["amount_usd_bn"].sum())
    private = float(
        debt.loc[
            debt["instrument"].isin(["private_credit", "project_finance", "term_loan"]),
            "amount_usd_bn",
        ].sum()
    )
    debt_ids = tuple(dict.fromkeys(debt["source_id"]))
    ratio = float(yearly.loc[latest, "capex"] / yearly.loc[latest, "operating_cash_flow"])
    evidence = [
        Evidence(
            f"Capex, {len(last)} hyperscalers, {latest}",
            float(yearly.loc[latest, "capex"]),
            "usd_bn",
            ids,
        ),
        Evidence(
            f"Operating cash flow, same firms, {latest}",
            float(yearly.loc[latest, "operating_cash_flow"]),
            "usd_bn",
            ids,
        ),
        Evidence(f"Capex as a share of operating cash flow, {latest}", ratio, "share", ids),
    ]
    for rec in last.sort_values("entity").itertuples():
        evidence.append(
            Evidence(
                f"{rec.entity}: capex / operating cash flow, {latest}",
                float(rec.capex / rec.operating_cash_flow),
                "share",
                tuple(dict.fromkeys((rec.src_capex, rec.src_operating_cash_flow))),
            )
        )
    evidence += [
        Evidence(
            f"Bonds and loans by AI issuers, {debt['date'].min():%Y}-{debt['date'].max():%Y}",
            debt_total,
            "usd_bn",
            debt_ids,
        ),
        Evidence(
            "of which private credit, term loans and project finance", private, "usd_bn", debt_ids
        ),
    ]
    fig = go.Figure()
    for entity in HYPERSCALERS:
        rows = panel.loc[panel["entity"] == entity].sort_values("period")
        fig.add_trace(
            go.Bar(x=rows["period"], y=rows["capex"] / rows["operating_cash_flow"], name=entity)
        )
    fig.add_hline(y=1.0, line_dash="dot", annotation_text="capex = operating cash flow")
    fig.update_layout(
        **_LAYOUT,
        barmode="group",
        title="Capex / operating cash flow by fiscal year",
        yaxis={"tickformat": ".0%"},
    )
    reading = (
        f"In {latest} the hyperscalers' capex was {ratio:.0%} of their operating cash flow, and AI issuers "
        f"raised ${debt_total:,.0f}bn of bonds and loans in the table, ${private:,.0f}bn of it private "
        "credit or project finance: outside money is still flowing in."
    )
    return Section(
        "funding",
        "Who funds the build-out?",
        "Is the build-out paid from cash flow, or does it need outside money that could stop?",
        reading,
        tuple(evidence),
        fig,
        headline=2,
    )


_GDP_PARTS = {
    "contrib_pce": "consumer spending",
    "contrib_nonres_fixed_investment": "business fixed investment",
    "contrib_residential": "housing",
    "contrib_inventories": "inventories",
    "contrib_net_exports": "net exports",
    "contrib_government": "government",
}


def build_gdp(t: Tables) -> Section:
    macro = latest_by_published(t["macro"], t["sources"], ["series", "period"])
    quarters = macro.loc[macro["period"].str.fullmatch(r"\d{4}Q\d")]
    growth = quarters.loc[quarters["series"] == "gdp_growth"].set_index("period")
    parts = quarters.loc[quarters["series"].isin(list(_GDP_PARTS))]
    latest_q = growth.index.max()
    covered = parts.groupby("period")["series"].nunique()
    decomposed = covered.index[covered >= 2]
    dq = decomposed.max() if len(decomposed) else latest_q
    evidence = [
        Evidence(
            f"Real GDP growth, {latest_q} (SAAR)",
            float(growth.loc[latest_q, "value"]),
            "pct",
            (str(growth.loc[latest_q, "source_id"]),),
        )
    ]
    for series, label in _GDP_PARTS.items():
        row = parts.loc[(parts["series"] == series) & (parts["period"] == dq)]
        if len(row):
            evidence.append(
                Evidence(
                    f"Contribution of {label}, {dq}",
                    float(row["value"].iloc[0]),
                    "pp",
                    (str(row["source_id"].iloc[0]),),
                )
            )
    ipe = quarters.loc[quarters["series"] == "contrib_info_processing_equipment"].sort_values(
        "period"
    )
    if len(ipe):
        evidence.append(
            Evidence(
                f"Contribution of information-processing equipment, {ipe['period'].iloc[-1]}",
                float(ipe["value"].iloc[-1]),
                "pp",
                (str(ipe["source_id"].iloc[-1]),),
            )
        )
    furman = macro.loc[macro["series"] == "furman_gdp_ex_it_h1_2025"]
    if len(furman):
        evidence.append(
            Evidence(
                "Furman: H1 2025 growth without IT investment",
                float(furman["value"].iloc[0]),
                "pct",
                (str(furman["source_id"].iloc[0]),),
            )
        )
    fig = go.Figure()
    for series, label in _GDP_PARTS.items():
        rows = parts.loc[parts["series"] == series].sort_values("period")
        fig.add_trace(go.Bar(x=rows["period"], y=rows["value"], name=label))
    g = growth.sort_index()
    fig.add_trace(
        go.Scatter(
            x=g.index,
            y=g["value"],
            name="real GDP growth",
            mode="lines+markers",
            line={"color": "black"},
        )
    )
    fig.update_layout(
        **_LAYOUT, barmode="relative", title="Contributions to US real GDP growth (pp, SAAR)"
    )
    pce = next(
        (e.value for e in evidence if e.label.startswith("Contribution of consumer")), float("nan")
    )
    bfi = next(
        (e.value for e in evidence if e.label.startswith("Contribution of business")), float("nan")
    )
    reading = (
        f"US real GDP grew {growth.loc[latest_q, 'value']:.1f}% (SAAR) in {latest_q}; in {dq}, the latest "
        f"quarter with a decomposition here, consumers added {pce:+.2f} pp and business fixed investment "
        f"{bfi:+.2f} pp."
    )
    return Section(
        "gdp",
        "Is AI capex carrying US GDP?",
        "How much of US growth comes from consumers, business investment and IT equipment?",
        reading,
        tuple(evidence),
        fig,
    )


def build_cycles(t: Tables) -> Section:
    metrics = ["capex", "operating_cash_flow"]
    panel, yearly = hyperscaler_years(t, metrics)
    panel = panel.loc[panel["period"].isin(yearly.index)]
    yearly["fcf"] = yearly["operating_cash_flow"] - yearly["capex"]
    yearly["intensity"] = yearly["capex"] / yearly["operating_cash_flow"]
    ids = _ids(panel, metrics)
    first, latest = yearly.index.min(), yearly.index.max()
    negative = int((yearly["fcf"] < 0).sum())
    evidence = (
        Evidence(
            f"Aggregate capex intensity (capex / OCF), {first}",
            float(yearly.loc[first, "intensity"]),
            "share",
            ids,
        ),
        Evidence(
            f"Aggregate capex intensity, {latest}",
            float(yearly.loc[latest, "intensity"]),
            "share",
            ids,
        ),
        Evidence(
            f"Aggregate free cash flow (OCF - capex), {latest}",
            float(yearly.loc[latest, "fcf"]),
            "usd_bn",
            ids,
        ),
        Evidence(
            f"Fiscal years {first}-{latest} with negative aggregate free cash flow",
            float(negative),
            "count",
            ids,
        ),
        Evidence(
            "Shale 2008-2015 (C23)",
            "externally financed, negative FCF ~10 years",
            "text",
            _claim_sources(t["claims"], "C23"),
        ),
    )
    fig = go.Figure()
    fig.add_trace(go.Bar(x=yearly.index, y=yearly["fcf"], name="free cash flow (USD bn)"))
    fig.add_trace(
        go.Scatter(
            x=yearly.index,
            y=yearly["intensity"],
            name="capex / OCF",
            yaxis="y2",
            mode="lines+markers",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        title="Hyperscalers: free cash flow and capex intensity",
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%"},
    )
    reading = (
        f"Hyperscaler capex absorbed {yearly.loc[latest, 'intensity']:.0%} of operating cash flow in {latest}, "
        f"up from {yearly.loc[first, 'intensity']:.0%} in {first}; aggregate free cash flow was negative in "
        f"{negative} of {len(yearly)} fiscal years, unlike shale's decade of negative free cash flow."
    )
    return Section(
        "cycles",
        "Like shale in 2010-15?",
        "Is the build-out financed like the shale boom, with years of negative free cash flow?",
        reading,
        evidence,
        fig,
        headline=1,
    )


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
    panel, yearly = hyperscaler_years(t, ["capex"])
    latest = yearly.index.max()
    capex = float(yearly.loc[latest, "capex"])
    cap_ids = _ids(panel.loc[panel["period"] == latest], ["capex"])
    evidence = (
        Evidence(
            "OpenAI compute and chip commitments with a disclosed amount",
            float(by_party.sum()),
            "usd_bn",
            ids,
        ),
        Evidence("Counterparties of those commitments", float(len(by_party)), "count", ids),
        Evidence("Commitments with no disclosed amount", float(undisclosed), "count", ids),
        Evidence(
            "Claimed OpenAI commitments (C26)", 1400.0, "usd_bn", _claim_sources(claims, "C26")
        ),
        Evidence(
            "Claimed OpenAI revenue target for 2027 (C28)",
            100.0,
            "usd_bn",
            _claim_sources(claims, "C28"),
        ),
        Evidence(f"Hyperscaler capex, {latest}", capex, "usd_bn", cap_ids),
    )
    fig = go.Figure(go.Bar(x=by_party.index, y=by_party.to_numpy(), name="USD bn"))
    fig.update_layout(
        **_LAYOUT, title="OpenAI's disclosed compute and chip commitments by counterparty (USD bn)"
    )
    reading = (
        f"Deals in the table commit OpenAI to ${by_party.sum():,.0f}bn of compute and chips across "
        f"{len(by_party)} counterparties ({undisclosed} more undisclosed), against the ~$1.4tn the debate "
        "cites and a ~$100bn revenue target for 2027."
    )
    return Section(
        "roi",
        "Where do the trillions come from?",
        "Can revenue catch up with the commitments being signed?",
        reading,
        evidence,
        fig,
    )


def build_power(t: Tables) -> Section:
    power = t["power"]
    gw = power.loc[(power["unit"] == "gw") & power["entity"].str.startswith("US")].copy()
    gw["mid"] = gw["value"].fillna(gw[["value_low", "value_high"]].mean(axis=1))
    gw["lo"] = gw["value_low"].fillna(gw["value"])
    gw["hi"] = gw["value_high"].fillna(gw["value"]).fillna(gw["lo"])
    demand = gw.loc[gw["metric"] == "capacity_demand"]
    short = gw.loc[gw["metric"] == "capacity_shortfall"]
    evidence = []
    for rec in pd.concat([demand, short]).itertuples():
        label = f"{rec.publisher_short}: {rec.metric.replace('_', ' ')}, {rec.year}"
        value = (
            rec.value
            if pd.notna(rec.value)
            else (f"{rec.lo:,.0f}-{rec.hi:,.0f} GW" if rec.hi != rec.lo else f">{rec.lo:,.0f} GW")
        )
        evidence.append(
            Evidence(
                label, float(value) if not isinstance(value, str) else value, "gw", (rec.source_id,)
            )
        )
    evidence.append(
        Evidence(
            "Claimed shortfall (C33)",
            "10-20 GW a year, 50-100 GW by 2030",
            "text",
            _claim_sources(t["claims"], "C33"),
        )
    )
    fig = go.Figure()
    for metric, rows in gw.groupby("metric"):
        fig.add_trace(
            go.Scatter(
                x=rows["publisher_short"] + " " + rows["year"].astype(str),
                y=rows["mid"],
                mode="markers",
                name=str(metric),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (rows["hi"] - rows["mid"]).fillna(0),
                    "arrayminus": (rows["mid"] - rows["lo"]).fillna(0),
                },
            )
        )
    fig.add_hrect(
        y0=50,
        y1=100,
        fillcolor="orange",
        opacity=0.12,
        line_width=0,
        annotation_text="debate: 50-100 GW gap by 2030",
    )
    fig.update_layout(**_LAYOUT, title="US data-center power: published figures and forecasts (GW)")
    lo = float(short["lo"].min()) if len(short) else float("nan")
    hi = float(short["hi"].max()) if len(short) else float("nan")
    dlo, dhi = float(demand["lo"].min()), float(demand["hi"].max())
    if hi < 50:
        position = "above every published shortfall estimate"
    elif lo > 100:
        position = "below every published shortfall estimate"
    else:
        position = "within the range of published shortfall estimates"
    reading = (
        f"Published forecasts of US data-center power demand span {dlo:,.0f}-{dhi:,.0f} GW and shortfall "
        f"estimates {lo:,.0f}-{hi:,.0f} GW ({len(gw)} figures from {gw['publisher_short'].nunique()} "
        f"publishers); the debate's 50-100 GW gap by 2030 lies {position}."
    )
    return Section(
        "power",
        "The compute and power gap",
        "How many gigawatts are needed, and how many can be built?",
        reading,
        tuple(evidence),
        fig,
    )


def build_credit(t: Tables) -> Section:
    debt, market = t["debt"], t["market"]
    evidence = []
    for ticker in ("CRWV", "NBIS", "ORCL"):
        prices, src = market_series(market, ticker, "adj_close")
        evidence.append(
            Evidence(
                f"{ticker} below its month-end high ({prices.index[-1]:%b %Y})",
                float(drawdown(prices).iloc[-1]),
                "share",
                (src,),
            )
        )
    by_type = debt.groupby("issuer_type")["amount_usd_bn"].sum().sort_values(ascending=False)
    for issuer_type, amount in by_type.items():
        ids = tuple(dict.fromkeys(debt.loc[debt["issuer_type"] == issuer_type, "source_id"]))
        evidence.append(
            Evidence(
                f"Debt raised by {issuer_type.replace('_', ' ')}s", float(amount), "usd_bn", ids
            )
        )
    frame = debt.assign(quarter=debt["date"].dt.to_period("Q").astype(str))
    fig = go.Figure()
    for instrument, rows in frame.groupby("instrument"):
        q = rows.groupby("quarter")["amount_usd_bn"].sum()
        fig.add_trace(go.Bar(x=q.index, y=q.to_numpy(), name=str(instrument)))
    fig.update_layout(
        **_LAYOUT,
        barmode="stack",
        title="AI-related debt issuance by quarter and instrument (USD bn)",
    )
    crwv = evidence[0].value
    reading = (
        f"CoreWeave's shares close {-float(crwv):.0%} below their month-end high and the table holds "
        f"${debt['amount_usd_bn'].sum():,.0f}bn of AI-related debt, with neoclouds and data-center vehicles "
        f"carrying ${by_type.get('neocloud', 0.0) + by_type.get('dc_vehicle', 0.0):,.0f}bn of it."
    )
    return Section(
        "credit",
        "Credit and neocloud gauges",
        "Do credit markets and neocloud shares signal stress?",
        reading,
        tuple(evidence),
        fig,
    )


def build_claims(t: Tables) -> Section:
    claims = t["claims"]
    linked = claims["tested_by"].notna()
    ids = tuple(dict.fromkeys(claims["source_id"]))
    by_section = claims.groupby("section").size()
    evidence = (
        Evidence("Claims recorded from the debate", float(len(claims)), "count", ids),
        Evidence(
            "Claims linked to data in bubblewatch's tables", float(linked.sum()), "count", ids
        ),
        Evidence("Speakers", float(claims["speaker"].nunique()), "count", ids),
    )
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=by_section.index,
            y=claims.loc[linked].groupby("section").size().reindex(by_section.index, fill_value=0),
            name="linked to data",
        )
    )
    fig.add_trace(
        go.Bar(
            x=by_section.index,
            y=claims.loc[~linked].groupby("section").size().reindex(by_section.index, fill_value=0),
            name="not yet testable",
        )
    )
    fig.update_layout(**_LAYOUT, barmode="stack", title="Claims by argument")
    table = claims[["claim_id", "speaker", "claim", "figures", "tested_by", "section"]]
    reading = (
        f"{len(claims)} claims from {claims['speaker'].nunique()} speakers are on record; {int(linked.sum())} "
        "are linked to a table that can test them, and verdicts follow as the analytic engines land."
    )
    return Section(
        "claims",
        "The claims ledger",
        "Which of the debate's figures hold up?",
        reading,
        evidence,
        fig,
        table=table,
        headline=1,
    )


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
