"""The ``circularity`` argument: do the AI deals form a closed loop of money, and how much of it
goes round?

The deal network of :func:`bubblewatch.models.financing.view`, on every deal and on binding deals
only: the debate's loop (C13) and its smallest leg, the network's circular share, each seller's
concentration and self-financed sales, and a buyer's contract set against the seller's reported
remaining performance obligations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments._claimed_amounts import claimed_amount
from bubblewatch.arguments._financing import NAME, NAMES, ids, names
from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Signal, lean_by
from bubblewatch.charts import claimed_line, style
from bubblewatch.errors import SpecificationError
from bubblewatch.frames import claim_sources
from bubblewatch.models import financing

BACKLOG_METRIC = "remaining_performance_obligations"
"""The ``financials`` metric a seller's backlog is read from."""


@dataclass(frozen=True)
class CircularityParams(Params):
    argument = "circularity"
    loop: str = knob(
        "NVIDIA,OpenAI,Oracle",
        unit="firms",
        doc="The debate's loop: its firms in the order money goes round (comma-separated).",
        pattern=NAMES,
    )
    sellers: str = knob(
        "Microsoft,Amazon,CoreWeave,Nebius",
        unit="firms",
        doc="Sellers whose largest buyer and self-financed sales are shown (comma-separated).",
        pattern=NAMES,
    )
    backlog_seller: str = knob(
        "Oracle",
        unit="firm",
        doc="Seller whose remaining performance obligations a buyer's contracts are set against.",
        pattern=NAME,
    )
    backlog_buyer: str = knob(
        "OpenAI",
        unit="firm",
        doc="Buyer whose compute contracts are set against the seller's backlog.",
        pattern=NAME,
    )
    max_loop_length: int = knob(
        financing.MAX_CYCLE_LENGTH,
        unit="firms",
        doc="Longest money loop searched (loops and the circular share).",
        low=2,
        high=8,
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        loop = names(self.loop)
        if len(loop) < 2 or len(set(loop)) != len(loop):
            raise SpecificationError(
                f"circularity knob loop={self.loop!r} must name two or more different firms"
            )


@dataclass(frozen=True)
class CircularityView:
    """The model output behind the section: the network on all deals and on binding ones."""

    network: financing.NetworkView
    binding: financing.NetworkView
    loop: financing.Cycle | None
    """The debate's loop where the deals close it."""
    headline_usd_bn: float
    """Headline value of the deals that move money."""
    not_binding_share: float
    """Share of that value not yet binding."""
    claimed_leg_usd_bn: float = float("nan")
    """The money the debate says goes along each leg of the loop (C13; NaN if it states none)."""

    def to_dict(self) -> dict[str, Any]:
        loop = self.loop
        return {
            "all_deals": self.network.to_dict(),
            "binding_deals": self.binding.to_dict(),
            "loop": None
            if loop is None
            else {
                "firms": list(loop.firms),
                "amounts_usd_bn": list(loop.amounts),
                "bottleneck_usd_bn": loop.bottleneck,
                "deal_ids": [list(d) for d in loop.deal_ids],
                "source_ids": list(loop.source_ids),
            },
            "headline_usd_bn": self.headline_usd_bn,
            "not_binding_share": self.not_binding_share,
        }


def _find_loop(
    loops: tuple[financing.Cycle, ...], firms: tuple[str, ...]
) -> financing.Cycle | None:
    for c in loops:
        if set(c.firms) == set(firms) and len(c.firms) == len(firms):
            return c
    return None


def _backlog(financials: pd.DataFrame, seller: str) -> tuple[pd.Series, tuple[str, ...]]:
    rows = financials.loc[
        (financials["entity"] == seller) & (financials["metric"] == BACKLOG_METRIC)
    ].copy()
    rows["fiscal_year_end"] = pd.to_datetime(rows["fiscal_year_end"])
    rows = rows.sort_values("fiscal_year_end")
    values = pd.Series(rows["value"].to_numpy(dtype=float), index=rows["period"].to_numpy())
    return values, tuple(rows["source_id"])


def loop_label(firms: tuple[str, ...]) -> str:
    return " → ".join((*firms, firms[0]))


def analyze(t: Tables, p: CircularityParams) -> Result:
    deals = t["deals"]
    everything = financing.view(deals, max_length=p.max_loop_length)
    binding = financing.view(
        financing.select(deals, statuses=["binding"]), max_length=p.max_loop_length
    )
    loops, share, sales, money = (
        everything.loops,
        everything.share,
        everything.sales,
        everything.money,
    )
    moving = deals.loc[deals["deal_id"].isin(set(money["deal_id"]))]
    total = float(moving["amount_usd_bn"].sum())
    soft = float(moving.loc[moving["status"] != "binding", "amount_usd_bn"].sum())
    soft_share = soft / total if total > 0 else float("nan")
    all_ids = tuple(dict.fromkeys(deals["source_id"]))
    firms = names(p.loop)
    debate = _find_loop(loops, firms)
    dates = pd.to_datetime(deals["date"])
    figures = [
        KeyFigure(
            f"Deals recorded ({dates.min():%Y}-{dates.max():%Y})",
            float(len(deals)),
            "count",
            all_ids,
        ),
        KeyFigure("Headline value of deals that move money", total, "usd_bn", all_ids),
        KeyFigure("Share of that value not yet binding", soft_share, "share", all_ids),
        KeyFigure(
            "Closed money loops: all deals / binding deals only",
            f"{len(loops)} / {len(binding.loops)}",
            "text",
            all_ids,
        ),
        KeyFigure(
            "Money flow that goes round loops: all deals / binding only",
            f"{share:.0%} / {binding.share:.0%}",
            "text",
            all_ids,
            "greedy cycle cancellation, a lower bound on the circulation",
        ),
    ]
    if debate is not None:
        # Each leg's money by deal status: "$30bn binding, $100bn letter_of_intent".
        statuses = [
            ", ".join(
                f"${amount:,.0f}bn {status}"
                for status, amount in money.loc[money["deal_id"].isin(list(d))]
                .groupby("status")["amount_usd_bn"]
                .sum()
                .items()
            )
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
        figures.append(
            KeyFigure(
                f"The {debate.label()} loop exists: its legs",
                legs,
                "text",
                debate.source_ids,
                claim_id="C13",
            )
        )
        figures.append(
            KeyFigure(
                "Most money that can go round that loop (its smallest leg)",
                debate.bottleneck,
                "usd_bn",
                debate.source_ids,
                claim_id="C13",
            )
        )
    seller, buyer = p.backlog_seller.strip(), p.backlog_buyer.strip()
    backlog, backlog_ids = _backlog(t["financials"], seller)
    contracts = money.loc[
        (money["payer"] == buyer)
        & (money["payee"] == seller)
        & money["type"].isin(financing.SALES),
        ["amount_usd_bn", "source_id"],
    ]
    if len(backlog) and len(contracts):
        tied = float(contracts["amount_usd_bn"].sum())
        first, last = backlog.index[1] if len(backlog) > 1 else backlog.index[0], backlog.index[-1]
        figures.append(
            KeyFigure(
                f"{seller}: {buyer}'s ${tied:,.0f}bn contract over its RPO, {first} / {last}",
                f"{tied / backlog[first]:.0%} / {tied / backlog[last]:.0%}",
                "text",
                ids(backlog_ids, contracts["source_id"]),
                f"if the whole contract is booked in RPO ({seller} does not say)",
            )
        )
    for name in names(p.sellers):
        if name in sales.index:
            row = sales.loc[name]
            figures.append(
                KeyFigure(
                    f"{name}: contracted sales from its largest buyer ({row['largest_buyer']}) / "
                    "paid with its own investment",
                    f"{row['largest_buyer_share']:.0%} / {row['self_financed_share']:.0%}",
                    "text",
                    ids(money.loc[money["payee"] == name, "source_id"]),
                )
            )
    figures.append(
        KeyFigure(
            "The debate's circle (C13)",
            "NVIDIA → OpenAI → Oracle → NVIDIA, ~$100B each",
            "text",
            claim_sources(t["claims"], "C13"),
            "sources: NVIDIA's $100bn is a letter of intent; OpenAI-Oracle is ~$300bn; "
            "Oracle's NVIDIA purchase is a ~$40bn estimate",
            claim_id="C13",
        )
    )
    reading = (
        f"The {loop_label(firms)} loop is real in the deals announced, but at most "
        f"${debate.bottleneck if debate else 0:,.0f}bn can go round it and it closes only through "
        f"non-binding or estimated legs; across all deals {share:.0%} of the money flow goes round "
        f"loops ({binding.share:.0%} among binding deals), and {soft_share:.0%} of the headline "
        "value is not yet binding."
    )
    binding_firms = {b.firms for b in binding.loops}
    loops_table = pd.DataFrame(
        [
            {
                "loop": c.label(),
                "legs_usd_bn": ", ".join(f"{a:,.1f}" for a in c.amounts),
                "can_go_round_usd_bn": round(c.bottleneck, 1),
                "binding_only": c.firms in binding_firms,
                "deals": "; ".join(",".join(d) for d in c.deal_ids),
                "sources": ", ".join(c.source_ids),
            }
            for c in loops
        ]
    )
    return Result(
        "circularity",
        p,
        reading,
        tuple(figures),
        tables=(
            ("Closed money loops", loops_table),
            ("Sellers: concentration and self-financed sales", sales.reset_index().round(3)),
        ),
        headline=4,
        detail=CircularityView(
            everything,
            binding,
            debate,
            total,
            soft_share,
            claimed_amount(t["claims"], "C13").usd_bn,
        ),
    )


_GROUPS = {
    "chip_purchase": "Sales: chips and compute",
    "compute_contract": "Sales: chips and compute",
    "equity": "Investment: equity, warrants, joint ventures",
    "warrant": "Investment: equity, warrants, joint ventures",
    "jv": "Investment: equity, warrants, joint ventures",
    "debt": "Debt and backstops",
    "backstop": "Debt and backstops",
}
"""Deal types grouped into the legend entries of the network drawing."""
_GROUP_COLOURS = {
    "Sales: chips and compute": "#ff7f0e",
    "Investment: equity, warrants, joint ventures": "#1f77b4",
    "Debt and backstops": "#7f7f7f",
    "Other deals": "#bbbbbb",
}
_LOOP_COLOUR = "#d62728"


def _spread(nodes: list[str], loop: tuple[str, ...]) -> list[str]:
    """``nodes`` in circle order with the firms of ``loop`` spaced evenly round it (in loop order),
    so the loop's legs cross the drawing rather than hug one arc."""
    on_loop = [f for f in loop if f in nodes]
    rest = [n for n in nodes if n not in on_loop]
    if not on_loop:
        return nodes
    step = len(nodes) / len(on_loop)
    out = list(rest)
    for i, firm in enumerate(on_loop):
        out.insert(round(i * step), firm)
    return out


def network_figure(
    net: financing.NetworkView,
    highlight: financing.Cycle | None,
    loop: tuple[str, ...],
    binding_share: float | None = None,
) -> go.Figure:
    """Firms sized by money in and out, edges coloured by kind of deal and scaled by amount; the
    debate's loop in red. One legend entry per kind of deal (its edges share its legend group)."""
    money = net.money
    size = (
        money.groupby("payer")["amount_usd_bn"]
        .sum()
        .add(money.groupby("payee")["amount_usd_bn"].sum(), fill_value=0.0)
    )
    nodes = _spread(sorted(net.graph.nodes), loop)
    import networkx as nx  # imported on use: the command line starts without it

    pos = nx.circular_layout(nodes)
    on_any_loop = {
        pair for c in net.loops for pair in zip(c.firms, (*c.firms[1:], c.firms[0]), strict=True)
    }
    loop_pairs = set()
    if highlight is not None:
        loop_pairs = set(
            zip(highlight.firms, (*highlight.firms[1:], highlight.firms[0]), strict=True)
        )
    loop_name = f"The {' → '.join(loop)} loop"
    fig = go.Figure()
    biggest = float(money["amount_usd_bn"].max()) if len(money) else 1.0
    shown: set[str] = set()
    for rec in money.sort_values("type").itertuples(index=False):
        deal_type = str(rec.type)
        (x0, y0), (x1, y1) = pos[rec.payer], pos[rec.payee]
        on_loop = (rec.payer, rec.payee) in loop_pairs
        in_cycle = (rec.payer, rec.payee) in on_any_loop
        group = loop_name if on_loop else _GROUPS.get(deal_type, "Other deals")
        colour = _LOOP_COLOUR if on_loop else _GROUP_COLOURS[group]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                line={"width": 1 + 8 * rec.amount_usd_bn / biggest, "color": colour},
                opacity=0.95 if on_loop else (0.8 if in_cycle else 0.35),
                hoverinfo="text",
                text=(
                    f"{rec.payer} → {rec.payee}: ${rec.amount_usd_bn:,.1f}bn "
                    f"{deal_type.replace('_', ' ')} ({rec.status.replace('_', ' ')}; "
                    f"source {rec.source_id})" + ("; on a money loop" if in_cycle else "")
                ),
                name=group,
                legendgroup=group,
                showlegend=False,
            )
        )
        shown.add(group)
    for rank, group in enumerate((loop_name, *_GROUP_COLOURS)):
        if group in shown:  # one full-strength legend entry per kind of deal
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="lines",
                    line={"color": _GROUP_COLOURS.get(group, _LOOP_COLOUR), "width": 3},
                    name=group,
                    legendgroup=group,
                    legendrank=rank,
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
            name="Firms (sized by money in and out)",
        )
    )
    if highlight is not None:
        title = (
            f"At most ${highlight.bottleneck:,.0f}bn can go round the {' → '.join(loop)} loop; "
            f"{net.share:.0%} of all money flow goes round loops"
        )
    else:
        title = (
            f"The deals do not close the {' → '.join(loop)} loop; {net.share:.0%} of all money "
            "flow goes round other loops"
        )
    if binding_share is not None:
        title += f" ({binding_share:.0%} among binding deals)"
    style(fig, title=title, height=640)
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        margin={"b": 24},
    )
    return fig


def loop_figure(v: CircularityView, loop: tuple[str, ...]) -> go.Figure | None:
    """Each leg of the debate's loop as recorded in the deals, against the ~$100bn a leg the
    debate claims (C13)."""
    c = v.loop
    if c is None:
        return None
    legs = [f"{a} → {b}" for a, b in zip(c.firms, (*c.firms[1:], c.firms[0]), strict=True)]
    fig = go.Figure(
        go.Bar(
            x=[leg.replace(" → ", " →<br>") for leg in legs],  # two short lines fit a phone
            y=list(c.amounts),
            name="Recorded in the deals, all statuses (red: the smallest leg)",
            marker_color=[_LOOP_COLOUR if a == c.bottleneck else "#1f77b4" for a in c.amounts],
            text=[f"${a:,.0f}bn" for a in c.amounts],
            textposition="outside",
            hovertemplate="%{x}: $%{y:,.1f}bn<extra></extra>",
        )
    )
    if np.isfinite(v.claimed_leg_usd_bn):
        claimed_line(fig, v.claimed_leg_usd_bn, "C13", f"~${v.claimed_leg_usd_bn:,.0f}bn a leg")
    smallest = legs[list(c.amounts).index(c.bottleneck)]
    style(
        fig,
        title=(
            f"The loop's smallest leg, {smallest}, caps what can go round at ${c.bottleneck:,.0f}bn"
        ),
        x_title="Leg of the loop (payer → payee)",
        y_title="Money in the deals (USD bn)",
    )
    fig.update_yaxes(range=[0, max(*c.amounts, v.claimed_leg_usd_bn or 0) * 1.15])
    return fig


def chart(r: Result) -> list[go.Figure]:
    v: CircularityView = r.detail
    p: CircularityParams = r.params  # type: ignore[assignment]
    figures = [
        network_figure(v.network, v.loop, names(p.loop), v.binding.share),
        loop_figure(v, names(p.loop)),
    ]
    return [f for f in figures if f is not None]


LOOP_BUBBLE_SHARE = 0.5
"""Half the money flow going round closed loops: most sales then pay for themselves."""
LOOP_BOOM_SHARE = 0.1


def signal(r: Result) -> Signal:
    """The share of the deals' money flow that goes round closed loops (all deals)."""
    v: CircularityView = r.detail
    share = float(v.network.share)
    return Signal(
        indicator="Money flow of the deals that goes round closed loops",
        value=share,
        unit="share",
        history=(
            "no history to rank it in (one snapshot of the deals recorded); "
            f"{float(v.binding.share):.0%} among binding deals alone"
        ),
        percentile=None,
        lean=lean_by(share, bubble=LOOP_BUBBLE_SHARE, boom=LOOP_BOOM_SHARE),
        rule=(
            f"bubble-leaning when {LOOP_BUBBLE_SHARE:.0%} or more of the money flow goes round "
            "closed loops (most sales then paid for with the seller's own money), boom-leaning "
            f"below {LOOP_BOOM_SHARE:.0%}, neutral between"
        ),
        source_ids=r.key_figure.source_ids,
    )


ARGUMENT = register(
    Argument(
        id="circularity",
        title="The AI 'debt circle'",
        question=(
            "Do the NVIDIA–OpenAI–Oracle–AMD deals form a closed loop of money, and how much of "
            "the money is circular?"
        ),
        params=CircularityParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("deals", "financials", "claims"),
        command_help=(
            "The AI 'debt circle': the debate's loop, money loops, the circular share and "
            "self-financed sales."
        ),
    )
)
