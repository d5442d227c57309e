"""The AI financing network: who pays whom for what, its loops, and how circular its money is.

The ``deals`` table becomes a directed multigraph (:mod:`networkx`): one *money* edge from
payer to payee and, where the deal delivers something, one *goods* edge from supplier to
buyer (compute, chips, shares). Edges keep the deal's id, type, date, status, amount, basis
and source id; where the deal states a term, ``annual_usd_bn`` is the amount over the term.
A party field listing several firms ("Blackstone;Magnetar;other lenders") gives one edge
per firm with an equal share of the amount, marked ``split``; the loop and circularity
measures leave split edges out, since who paid how much is not known.

Measures (money edges; amounts in USD bn):

* **Cycles**: every simple directed cycle of firms, with the smallest amount on it (the most
  money that can go round it).
* **Circular sales** of seller :math:`s` (Gabrieli-style self-financed sales): with
  :math:`S_{b\\to s}` what buyer :math:`b` pays :math:`s` for compute or chips and
  :math:`I_{s\\to b}` what :math:`s` invested in :math:`b` (equity, warrants, backstops,
  loans), the share of :math:`s`'s sales paid with its own money is
  :math:`\\sum_b \\min(S_{b\\to s}, I_{s\\to b}) / \\sum_b S_{b\\to s}`.
* **Concentration**: each seller's largest counterparty's share of its contracted sales, and
  the Herfindahl index :math:`\\sum_b (S_{b\\to s}/\\sum_{b'} S_{b'\\to s})^2`.
* **Network circular share**: money that goes round loops over all money. Loops are
  cancelled greedily, the cycle with the largest bottleneck first, subtracting the
  bottleneck from each of its edges until no cycle remains; the share is the cancelled flow
  (bottleneck times cycle length, summed) over total flow. Greedy cancellation gives a lower
  bound on the largest circulation in the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch._typing import DEAL_STATUSES, DEAL_TYPES
from bubblewatch.errors import DataError, SpecificationError

if TYPE_CHECKING:
    import networkx as nx

MAX_CYCLE_LENGTH = 6
"""Longest loop searched, in firms (a scenario choice)."""
TYPES = DEAL_TYPES
SALES = ("compute_contract", "chip_purchase")
INVESTMENT = ("equity", "warrant", "backstop", "debt", "jv")
#: Deal statuses, most binding first.
STATUSES = DEAL_STATUSES


def _parties(field: Any) -> list[str]:
    if not isinstance(field, str) or not field.strip():
        return []
    return [p.strip() for p in field.split(";") if p.strip()]


def select(
    deals: pd.DataFrame,
    *,
    since: Any = None,
    until: Any = None,
    types: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Deals filtered by date (inclusive), type and status."""
    rows = deals.copy()
    rows["date"] = pd.to_datetime(rows["date"])
    if since is not None:
        rows = rows.loc[rows["date"] >= pd.Timestamp(since)]
    if until is not None:
        rows = rows.loc[rows["date"] <= pd.Timestamp(until)]
    for column, wanted, allowed in (
        ("type", types, set(TYPES)),
        ("status", statuses, set(STATUSES)),
    ):
        if wanted is not None:
            wanted = list(wanted)
            unknown = set(wanted) - allowed
            if unknown:
                raise SpecificationError(
                    f"unknown {column}: {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(allowed))}"
                )
            rows = rows.loc[rows[column].isin(wanted)]
    return rows


def network(deals: pd.DataFrame) -> nx.MultiDiGraph:
    """Money and goods edges of ``deals`` as a directed multigraph."""
    import networkx as nx  # imported on use: the command line starts without it

    graph = nx.MultiDiGraph()
    term = deals["term_years"] if "term_years" in deals else pd.Series(np.nan, index=deals.index)
    for rec, years in zip(deals.itertuples(index=False), term, strict=True):
        amount = float(rec.amount_usd_bn) if pd.notna(rec.amount_usd_bn) else float("nan")
        base = {
            "deal_id": rec.deal_id,
            "type": rec.type,
            "date": pd.Timestamp(rec.date),
            "status": rec.status,
            "basis": rec.amount_basis,
            "source_id": rec.source_id,
            "goods": rec.goods if isinstance(rec.goods, str) else "",
            "term_years": float(years) if pd.notna(years) else float("nan"),
        }
        for kind, src, dst in (
            ("money", rec.money_from, rec.money_to),
            ("goods", rec.goods_from, rec.goods_to),
        ):
            payers, payees = _parties(src), _parties(dst)
            if not payers or not payees:
                continue
            share = 1.0 / (len(payers) * len(payees))
            for a in payers:
                for b in payees:
                    if a == b:
                        continue
                    value = amount * share
                    graph.add_edge(
                        a,
                        b,
                        key=f"{rec.deal_id}:{kind}",
                        kind=kind,
                        amount_usd_bn=value,
                        annual_usd_bn=value / years
                        if pd.notna(years) and years > 0
                        else float("nan"),
                        split=share < 1.0,
                        **base,
                    )
    return graph


def money_edges(graph: nx.MultiDiGraph, *, include_split: bool = True) -> pd.DataFrame:
    """One row per money edge with a known amount; ``include_split=False`` leaves out edges
    whose amount is an equal share of a deal with several payers or payees."""
    rows = [
        {"payer": a, "payee": b, **data}
        for a, b, data in graph.edges(data=True)
        if data["kind"] == "money"
        and np.isfinite(data["amount_usd_bn"])
        and (include_split or not data["split"])
    ]
    columns = [
        "payer",
        "payee",
        "deal_id",
        "type",
        "amount_usd_bn",
        "annual_usd_bn",
        "status",
        "source_id",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows)


def flow_matrix(graph: nx.MultiDiGraph, *, types: Sequence[str] | None = None) -> pd.DataFrame:
    """Money owed or paid from row firm to column firm, summed over deals (USD bn); split
    shares of multi-party deals are left out (who paid how much is not known)."""
    edges = money_edges(graph, include_split=False)
    if types is not None:
        edges = edges.loc[edges["type"].isin(list(types))]
    firms = sorted(set(graph.nodes))
    matrix = pd.DataFrame(0.0, index=firms, columns=firms)
    for rec in edges.itertuples(index=False):
        matrix.loc[rec.payer, rec.payee] += rec.amount_usd_bn
    return matrix


@dataclass(frozen=True)
class Cycle:
    """A closed money loop: firms in order, each edge's amount, and the bottleneck."""

    firms: tuple[str, ...]
    amounts: tuple[float, ...]
    deal_ids: tuple[tuple[str, ...], ...]
    source_ids: tuple[str, ...]

    @property
    def bottleneck(self) -> float:
        return float(min(self.amounts))

    def label(self) -> str:
        return " → ".join((*self.firms, self.firms[0]))


def cycles(graph: nx.MultiDiGraph, *, max_length: int = MAX_CYCLE_LENGTH) -> list[Cycle]:
    """Every simple money cycle up to ``max_length`` firms, largest bottleneck first (edges
    from multi-party deals, whose per-firm amounts are not known, are left out)."""
    edges = money_edges(graph, include_split=False)
    import networkx as nx

    simple = nx.DiGraph()
    for rec in edges.itertuples(index=False):
        if simple.has_edge(rec.payer, rec.payee):
            data = simple[rec.payer][rec.payee]
            data["amount"] += rec.amount_usd_bn
            data["deals"].append(rec.deal_id)
            data["sources"].append(rec.source_id)
        else:
            simple.add_edge(
                rec.payer,
                rec.payee,
                amount=rec.amount_usd_bn,
                deals=[rec.deal_id],
                sources=[rec.source_id],
            )
    found = []
    for path in nx.simple_cycles(simple, length_bound=max_length):
        start = path.index(min(path))
        path = path[start:] + path[:start]
        pairs = list(zip(path, path[1:] + path[:1], strict=True))
        found.append(
            Cycle(
                tuple(path),
                tuple(float(simple[a][b]["amount"]) for a, b in pairs),
                tuple(tuple(simple[a][b]["deals"]) for a, b in pairs),
                tuple(dict.fromkeys(s for a, b in pairs for s in simple[a][b]["sources"])),
            )
        )
    found.sort(key=lambda c: (-c.bottleneck, c.firms))
    return found


def circular_share(graph: nx.MultiDiGraph, *, max_length: int = MAX_CYCLE_LENGTH) -> float:
    """Share of all money flow removed by greedy cycle cancellation (largest bottleneck first)."""
    matrix = flow_matrix(graph)
    total = float(matrix.to_numpy().sum())
    if total <= 0:
        return 0.0
    work = matrix.copy()
    cancelled = 0.0
    while True:
        import networkx as nx

        g = nx.DiGraph()
        for a in work.index:
            for b in work.columns:
                if work.loc[a, b] > 1e-12:
                    g.add_edge(a, b)
        best: tuple[float, list[str]] | None = None
        for path in nx.simple_cycles(g, length_bound=max_length):
            pairs = list(zip(path, path[1:] + path[:1], strict=True))
            neck = min(float(work.loc[a, b]) for a, b in pairs)
            key = (neck, sorted(path))
            if best is None or key > (best[0], sorted(best[1])):
                best = (neck, path)
        if best is None:
            break
        neck, path = best
        for a, b in zip(path, path[1:] + path[:1], strict=True):
            work.loc[a, b] -= neck
        cancelled += neck * len(path)
    return cancelled / total


def circular_sales(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Per seller: contracted sales, the part paid with money it invested in the buyer, shares."""
    edges = money_edges(graph, include_split=False)
    sales = edges.loc[edges["type"].isin(SALES)].groupby(["payee", "payer"])["amount_usd_bn"].sum()
    invest = (
        edges.loc[edges["type"].isin(INVESTMENT)].groupby(["payer", "payee"])["amount_usd_bn"].sum()
    )
    rows = []
    for seller in sorted(set(sales.index.get_level_values(0))):
        by_buyer = sales.loc[seller]
        total = float(by_buyer.sum())
        circular = sum(
            min(float(v), float(invest.get((seller, buyer), 0.0))) for buyer, v in by_buyer.items()
        )
        shares = by_buyer / total if total > 0 else by_buyer * 0
        ids = (
            edges.loc[(edges["payee"] == seller) & edges["type"].isin(SALES), "source_id"].tolist()
            + edges.loc[
                (edges["payer"] == seller) & edges["type"].isin(INVESTMENT), "source_id"
            ].tolist()
        )
        top = str(by_buyer.idxmax()) if total > 0 else ""
        rows.append(
            {
                "seller": seller,
                "sales_usd_bn": total,
                "self_financed_usd_bn": circular,
                "self_financed_share": circular / total if total > 0 else float("nan"),
                "largest_buyer": top,
                "largest_buyer_share": float(shares.max()) if total > 0 else float("nan"),
                "hhi": float((shares**2).sum()) if total > 0 else float("nan"),
                "sources": ", ".join(dict.fromkeys(ids)),
            }
        )
    return pd.DataFrame(rows).set_index("seller") if rows else pd.DataFrame()


@dataclass(frozen=True)
class NetworkView:
    """One set of deals as a network: its money edges, loops, sellers and circular share."""

    deals: int
    """How many deals the network is built from."""
    graph: nx.MultiDiGraph
    money: pd.DataFrame
    """:func:`money_edges` of the graph."""
    loops: tuple[Cycle, ...]
    """:func:`cycles`, largest bottleneck first."""
    sales: pd.DataFrame
    """:func:`circular_sales`, one row per seller."""
    share: float
    """:func:`circular_share`: money flow that goes round loops over all money flow."""
    max_length: int

    @property
    def firms(self) -> int:
        return int(self.graph.number_of_nodes())

    def to_dict(self) -> dict[str, Any]:
        return {
            "deals": self.deals,
            "firms": self.firms,
            "circular_share": self.share,
            "max_cycle_length": self.max_length,
            "cycles": [
                {
                    "firms": list(c.firms),
                    "amounts_usd_bn": list(c.amounts),
                    "bottleneck_usd_bn": c.bottleneck,
                    "deal_ids": [list(d) for d in c.deal_ids],
                    "source_ids": list(c.source_ids),
                }
                for c in self.loops
            ],
            "sellers": self.sales.reset_index().to_dict(orient="records"),
        }


def view(deals: pd.DataFrame, *, max_length: int = MAX_CYCLE_LENGTH) -> NetworkView:
    """The network of ``deals`` with its loops (up to ``max_length`` firms), sellers and
    circular share, each computed once."""
    if not 2 <= max_length <= 12:
        raise SpecificationError(f"max_length must be between 2 and 12 firms, got {max_length}")
    graph = network(deals)
    return NetworkView(
        deals=len(deals),
        graph=graph,
        money=money_edges(graph),
        loops=tuple(cycles(graph, max_length=max_length)),
        sales=circular_sales(graph),
        share=circular_share(graph, max_length=max_length),
        max_length=max_length,
    )


def backlog_share(graph: nx.MultiDiGraph, seller: str, buyer: str, backlog_usd_bn: float) -> float:
    """Share of ``seller``'s reported backlog (e.g. RPO) that ``buyer``'s contracts account for."""
    if not backlog_usd_bn or backlog_usd_bn <= 0:
        raise DataError("backlog must be positive")
    edges = money_edges(graph)
    tied = edges.loc[
        (edges["payee"] == seller) & (edges["payer"] == buyer) & edges["type"].isin(SALES),
        "amount_usd_bn",
    ].sum()
    return float(tied) / float(backlog_usd_bn)
