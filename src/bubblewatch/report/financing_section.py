"""The ``circularity``, ``funding`` and ``credit`` sections: the deal network, who funds the
build-out, and how a shock would travel through the network's obligations."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.frames import claim_sources, drawdown, market_series
from bubblewatch.models import financing
from bubblewatch.models.funding import funding
from bubblewatch.models.stress import stress
from bubblewatch.report.assessment import Evidence, Section

Tables = Mapping[str, pd.DataFrame]
DEBATE_LOOP = ("NVIDIA", "OpenAI", "Oracle")
STRESS_SHOCK = {"OpenAI": 0.4}
_LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 30, "t": 50, "b": 40}}
_COLOURS = {
    "equity": "#1f77b4",
    "compute_contract": "#ff7f0e",
    "chip_purchase": "#2ca02c",
    "debt": "#7f7f7f",
    "warrant": "#9467bd",
    "backstop": "#8c564b",
    "jv": "#e377c2",
}


def _ids(*groups: object) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for g in groups:
        for sid in g:  # type: ignore[attr-defined]
            if isinstance(sid, str) and sid:
                out.setdefault(sid, None)
    return tuple(out)


def _debate_cycle(loops: list[financing.Cycle]) -> financing.Cycle | None:
    for c in loops:
        if set(c.firms) == set(DEBATE_LOOP) and len(c.firms) == 3:
            return c
    return None


def _rpo(financials: pd.DataFrame) -> tuple[pd.Series, tuple[str, ...]]:
    rows = financials.loc[
        (financials["entity"] == "Oracle")
        & (financials["metric"] == "remaining_performance_obligations")
    ].copy()
    rows["fiscal_year_end"] = pd.to_datetime(rows["fiscal_year_end"])
    rows = rows.sort_values("fiscal_year_end")
    values = pd.Series(rows["value"].to_numpy(dtype=float), index=rows["period"].to_numpy())
    return values, tuple(rows["source_id"])


def build_circularity(t: Tables) -> Section:
    deals = t["deals"]
    graph = financing.network(deals)
    binding = financing.network(financing.select(deals, statuses=["binding"]))
    loops = financing.cycles(graph)
    loops_binding = financing.cycles(binding)
    share = financing.circular_share(graph)
    share_binding = financing.circular_share(binding)
    sales = financing.circular_sales(graph)
    money = financing.money_edges(graph)
    moving = deals.loc[deals["deal_id"].isin(set(money["deal_id"]))]
    total = float(moving["amount_usd_bn"].sum())
    soft_share = float(moving.loc[moving["status"] != "binding", "amount_usd_bn"].sum() / total)
    all_ids = tuple(dict.fromkeys(deals["source_id"]))
    debate = _debate_cycle(loops)
    evidence = [
        Evidence(
            f"Deals recorded ({pd.to_datetime(deals['date']).min():%Y}-{pd.to_datetime(deals['date']).max():%Y})",
            float(len(deals)),
            "count",
            all_ids,
        ),
        Evidence("Headline value of deals that move money", total, "usd_bn", all_ids),
        Evidence("Share of that value not yet binding", soft_share, "share", all_ids),
        Evidence(
            "Closed money loops: all deals / binding deals only",
            f"{len(loops)} / {len(loops_binding)}",
            "text",
            all_ids,
        ),
        Evidence(
            "Money flow that goes round loops: all deals / binding only",
            f"{share:.0%} / {share_binding:.0%}",
            "text",
            all_ids,
            "greedy cycle cancellation, a lower bound on the circulation",
        ),
    ]
    if debate is not None:
        statuses = [
            ", ".join(sorted(set(money.loc[money["deal_id"].isin(list(d)), "status"])))
            for d in debate.deal_ids
        ]
        legs = "; ".join(
            f"{a}→{b} ${v:,.0f}bn ({s})"
            for a, b, v, s in zip(
                debate.firms,
                (*debate.firms[1:], debate.firms[0]),
                debate.amounts,
                statuses,
                strict=True,
            )
        )
        evidence.append(
            Evidence(
                "The NVIDIA → OpenAI → Oracle → NVIDIA loop exists: its legs",
                legs,
                "text",
                debate.source_ids,
            )
        )
        evidence.append(
            Evidence(
                "Most money that can go round that loop (its smallest leg)",
                debate.bottleneck,
                "usd_bn",
                debate.source_ids,
            )
        )
    rpo, rpo_ids = _rpo(t["financials"])
    oracle_openai = money.loc[
        (money["payer"] == "OpenAI")
        & (money["payee"] == "Oracle")
        & money["type"].isin(financing.SALES),
        ["amount_usd_bn", "source_id"],
    ]
    if len(rpo) and len(oracle_openai):
        tied = float(oracle_openai["amount_usd_bn"].sum())
        first, last = rpo.index[1] if len(rpo) > 1 else rpo.index[0], rpo.index[-1]
        evidence.append(
            Evidence(
                f"Oracle: OpenAI's ${tied:,.0f}bn contract over its RPO, {first} / {last}",
                f"{tied / rpo[first]:.0%} / {tied / rpo[last]:.0%}",
                "text",
                _ids(rpo_ids, oracle_openai["source_id"]),
                "if the whole contract is booked in RPO (Oracle does not say)",
            )
        )
    for seller in ("Microsoft", "Amazon", "CoreWeave", "Nebius"):
        if seller in sales.index:
            row = sales.loc[seller]
            ids = money.loc[money["payee"] == seller, "source_id"]
            evidence.append(
                Evidence(
                    f"{seller}: contracted sales from its largest buyer ({row['largest_buyer']}) / "
                    "paid with its own investment",
                    f"{row['largest_buyer_share']:.0%} / {row['self_financed_share']:.0%}",
                    "text",
                    _ids(ids),
                )
            )
    evidence.append(
        Evidence(
            "The debate's circle (C13)",
            "NVIDIA → OpenAI → Oracle → NVIDIA, ~$100B each",
            "text",
            claim_sources(t["claims"], "C13"),
            "sources: NVIDIA's $100bn is a letter of intent; OpenAI-Oracle is ~$300bn; "
            "Oracle's NVIDIA purchase is a ~$40bn estimate",
        )
    )
    reading = (
        f"The NVIDIA → OpenAI → Oracle → NVIDIA loop is real in the deals announced, but at most "
        f"${debate.bottleneck if debate else 0:,.0f}bn can go round it and it closes only through "
        f"non-binding or estimated legs; across all deals {share:.0%} of the money flow goes round "
        f"loops ({share_binding:.0%} among binding deals), and {soft_share:.0%} of the headline "
        "value is not yet binding."
    )
    loops_table = pd.DataFrame(
        [
            {
                "loop": c.label(),
                "legs_usd_bn": ", ".join(f"{a:,.1f}" for a in c.amounts),
                "can_go_round_usd_bn": round(c.bottleneck, 1),
                "binding_only": c.firms in {b.firms for b in loops_binding},
                "deals": "; ".join(",".join(d) for d in c.deal_ids),
                "sources": ", ".join(c.source_ids),
            }
            for c in loops
        ]
    )
    sellers = sales.reset_index().round(3)
    return Section(
        "circularity",
        "The AI 'debt circle'",
        "Do the NVIDIA–OpenAI–Oracle–AMD deals form a closed loop of money, and how much of the money is circular?",
        reading,
        tuple(evidence),
        network_figure(graph, debate),
        headline=4,
        tables=(
            ("Closed money loops", loops_table),
            ("Sellers: concentration and self-financed sales", sellers),
        ),
    )


def network_figure(graph: nx.MultiDiGraph, highlight: financing.Cycle | None = None) -> go.Figure:
    """Firms sized by money in and out, edges coloured by deal type and scaled by amount."""
    money = financing.money_edges(graph)
    size = (
        money.groupby("payer")["amount_usd_bn"]
        .sum()
        .add(money.groupby("payee")["amount_usd_bn"].sum(), fill_value=0.0)
    )
    nodes = sorted(graph.nodes)
    pos = nx.circular_layout(nodes)
    on_any_loop = {
        pair
        for c in financing.cycles(graph)
        for pair in zip(c.firms, (*c.firms[1:], c.firms[0]), strict=True)
    }
    loop_pairs = set()
    if highlight is not None:
        loop_pairs = set(
            zip(highlight.firms, (*highlight.firms[1:], highlight.firms[0]), strict=True)
        )
    fig = go.Figure()
    biggest = float(money["amount_usd_bn"].max()) if len(money) else 1.0
    for deal_type, rows in money.groupby("type"):
        for rec in rows.itertuples(index=False):
            (x0, y0), (x1, y1) = pos[rec.payer], pos[rec.payee]
            on_loop = (rec.payer, rec.payee) in loop_pairs
            in_cycle = (rec.payer, rec.payee) in on_any_loop
            fig.add_trace(
                go.Scatter(
                    x=[x0, x1],
                    y=[y0, y1],
                    mode="lines",
                    line={
                        "width": 1 + 8 * rec.amount_usd_bn / biggest,
                        "color": "#d62728" if on_loop else _COLOURS.get(str(deal_type), "#999"),
                    },
                    opacity=0.95 if on_loop else (0.8 if in_cycle else 0.35),
                    hoverinfo="text",
                    text=(
                        f"{rec.payer} → {rec.payee}: ${rec.amount_usd_bn:,.1f}bn {deal_type} "
                        f"({rec.status}; {rec.deal_id}; source {rec.source_id})"
                        + ("; on a money loop" if in_cycle else "")
                    ),
                    name=str(deal_type),
                    legendgroup=str(deal_type),
                    showlegend=False,
                )
            )
    for deal_type, colour in _COLOURS.items():
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="lines", line={"color": colour, "width": 3}, name=deal_type
            )
        )
    xs = [pos[n][0] for n in nodes]
    ys = [pos[n][1] for n in nodes]
    sizes = [8 + 40 * np.sqrt(float(size.get(n, 0.0)) / max(float(size.max()), 1.0)) for n in nodes]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=nodes,
            textposition="top center",
            marker={"size": sizes, "color": "#333"},
            hovertext=[f"{n}: ${float(size.get(n, 0.0)):,.1f}bn in and out" for n in nodes],
            hoverinfo="text",
            name="firms",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        height=640,
        title=(
            "Money flows between AI firms (red: the NVIDIA → OpenAI → Oracle loop; "
            "bold: edges on any loop)"
        ),
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
    )
    return fig


def build_funding(t: Tables) -> Section:
    result = funding(t["financials"], t["debt"], t["deals"])
    latest = result.latest()
    gap, outside, cover = result.coverage()
    missing = result.missing_payouts()
    year = int(
        result.table.dropna(subset=["operating_cash_flow", "capex"])[
            "fiscal_year_end"
        ].dt.year.max()
    )
    fin_ids = tuple(
        dict.fromkeys(
            t["financials"].loc[
                t["financials"]["metric"].isin(["capex", "operating_cash_flow", "finance_leases"]),
                "source_id",
            ]
        )
    )
    evidence = [
        Evidence(
            f"Fiscal {year}: capex, leases and payouts beyond operating cash flow (summed gaps)",
            gap,
            "usd_bn",
            fin_ids,
        ),
        Evidence(
            f"Fiscal {year}: bonds, loans and sponsored vehicles, five hyperscalers",
            float(
                result.table.loc[
                    result.table["fiscal_year_end"].dt.year == year, "outside_money"
                ].sum()
            ),
            "usd_bn",
            result.source_ids,
        ),
        Evidence(
            f"Fiscal {year}: of which raised by the hyperscalers with a gap",
            outside,
            "usd_bn",
            result.source_ids,
        ),
        Evidence(
            "Outside money over the gap"
            + (
                f" (at most: payouts missing for {', '.join(missing)}, counted as zero)"
                if missing and np.isfinite(cover)
                else ""
            ),
            cover if np.isfinite(cover) else "no gap",
            "x" if np.isfinite(cover) else "text",
            _ids(fin_ids, result.source_ids),
        ),
    ]
    for company, row in latest.iterrows():
        evidence.append(
            Evidence(
                f"{company} {row['period']}: capex / operating cash flow",
                float(row["capex_to_ocf"]),
                "share",
                fin_ids,
            )
        )
    eco = result.ecosystem
    for y, row in eco.iterrows():
        evidence.append(
            Evidence(
                f"{y}: outside money raised by AI issuers (bonds, loans, vehicles, equity into labs)",
                float(row["outside_money"]),
                "usd_bn",
                result.source_ids,
            )
        )
    reading = result.reading()
    est = t["estimates"].set_index("estimate_id")
    if {"hyperion_outside_ownership", "hyperion_development_cost", "hyperion_bonds"} <= set(
        est.index
    ):
        own = est.loc["hyperion_outside_ownership"]
        cost = est.loc["hyperion_development_cost"]
        bonds = est.loc["hyperion_bonds"]
        evidence += [
            Evidence(
                "Meta's Hyperion vehicle: owned by outside funds (Blue Owl)",
                float(own["value"]) / 100.0,
                "share",
                (str(own["source_id"]),),
            ),
            Evidence(
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
    fig = go.Figure()
    for column, name in (
        ("operating_cash_flow", "operating cash flow"),
        ("bonds_and_loans", "bonds and loans"),
        ("sponsored_vehicles", "sponsored vehicles"),
    ):
        fig.add_trace(go.Bar(x=latest.index, y=latest[column], name=name))
    fig.add_trace(
        go.Scatter(
            x=latest.index,
            y=latest["capex"],
            mode="markers",
            marker={"size": 14, "symbol": "diamond"},
            name="capex",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        height=420,
        barmode="stack",
        title="Latest fiscal year: sources of funds against capex (USD bn)",
    )
    table = result.table.loc[
        result.table["fiscal_year_end"].dt.year >= 2023,
        [
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
        ],
    ].round(3)
    return Section(
        "funding",
        "Who funds the build-out?",
        "Is the build-out paid from cash flow, or does it need outside money that could stop?",
        reading,
        tuple(evidence),
        fig,
        headline=1,
        tables=(("Funding by source, USD bn", table),),
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
                f"Debt raised by {str(issuer_type).replace('_', ' ')}s",
                float(amount),
                "usd_bn",
                ids,
            )
        )
    result = stress(t["deals"], t["financials"], STRESS_SHOCK)
    hit = result.hit()
    for firm, row in hit.loc[hit["loss_on_claims"] > 1e-9].iterrows():
        evidence.append(
            Evidence(
                f"If OpenAI pays 60% of a year's obligations: {firm} loses",
                float(row["loss_on_claims"]),
                "usd_bn",
                result.source_ids,
                f"buffer ${row['buffer']:,.1f}bn ({result.buffer_origin[str(firm)]})",
            )
        )
    evidence.append(
        Evidence("DebtRank of that shock", result.debtrank.debtrank, "stat", result.source_ids)
    )
    frame = debt.assign(quarter=pd.to_datetime(debt["date"]).dt.to_period("Q").astype(str))
    fig = go.Figure()
    for instrument, rows in frame.groupby("instrument"):
        q = rows.groupby("quarter")["amount_usd_bn"].sum()
        fig.add_trace(go.Bar(x=q.index, y=q.to_numpy(), name=str(instrument)))
    fig.update_layout(
        **_LAYOUT,
        height=420,
        barmode="stack",
        title="AI-related debt issuance by quarter and instrument (USD bn)",
    )
    losers = hit.loc[hit["loss_on_claims"] > 1e-9]
    beyond = losers.loc[(losers["loss_on_claims"] > losers["buffer"]) & (losers["buffer"] > 0)]
    failing = [f for f in result.clearing.defaulted if f not in STRESS_SHOCK]
    reading = (
        f"CoreWeave's shares close {-float(evidence[0].value):.0%} below their month-end high and the "
        f"table holds ${debt['amount_usd_bn'].sum():,.0f}bn of AI-related debt. If OpenAI paid only "
        f"60% of a year's binding obligations, {', '.join(map(str, losers.index))} would lose "
        f"${losers['loss_on_claims'].sum():,.0f}bn between them"
        + (
            f"; {', '.join(map(str, beyond.index))} would lose more than a year's operating cash flow"
            if len(beyond)
            else ", each less than a year's operating cash flow where the data give one"
        )
        + (
            f", and {', '.join(failing)} could not pay in full in turn."
            if failing
            else "; no other firm's obligations inside the network would go unpaid."
        )
    )
    stress_table = result.to_frame().round(2).reset_index()
    return Section(
        "credit",
        "Credit and neocloud gauges",
        "Do credit markets and neocloud shares signal stress, and where would a shock travel?",
        reading,
        tuple(evidence),
        fig,
        tables=(
            ("Stress: OpenAI pays 60% of a year's binding obligations (USD bn)", stress_table),
        ),
    )
