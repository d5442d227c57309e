"""Small, tested transformations of the store's tables that the report and the claims share."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from bubblewatch.data.units import USD_BN_PER_UNIT, usd_bn


def financials_bn(financials: pd.DataFrame) -> pd.DataFrame:
    """Financials with every USD figure in billions, in a ``usd_bn`` column."""
    frame = financials.loc[financials["unit"].isin(list(USD_BN_PER_UNIT))].copy()
    frame["usd_bn"] = usd_bn(frame)
    return frame


def fiscal_panel(financials: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """Wide panel (entity, period) x metric in USD bn, with each cell's source id.

    Returns columns ``entity, period, <metric>..., src_<metric>...`` for fiscal-year periods.
    """
    frame = financials_bn(financials)
    frame = frame.loc[
        frame["period"].str.fullmatch(r"FY\d{4}") & frame["metric"].isin(list(metrics))
    ]
    values = frame.pivot_table(
        index=["entity", "period"], columns="metric", values="usd_bn", aggfunc="first"
    )
    sources = frame.pivot_table(
        index=["entity", "period"], columns="metric", values="source_id", aggfunc="first"
    ).add_prefix("src_")
    return values.join(sources).reset_index()


def claim_sources(claims: pd.DataFrame, *claim_ids: str) -> tuple[str, ...]:
    """Source ids of the debate's claims ``claim_ids`` (in first-cited order)."""
    rows = claims.loc[claims["claim_id"].isin(claim_ids), "source_id"]
    return tuple(dict.fromkeys(rows.astype(str)))


from bubblewatch.universe import HYPERSCALERS  # noqa: E402  (re-exported)


def hyperscaler_years(
    financials: pd.DataFrame, metrics: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-firm fiscal-year panel of ``metrics`` and its yearly sums over the five hyperscalers.

    Only fiscal years in which every firm reports every metric are summed, so years compare
    like with like; the panel keeps every firm-year with complete metrics.
    """
    panel = fiscal_panel(financials, metrics).dropna(subset=metrics)
    panel = panel.loc[panel["entity"].isin(HYPERSCALERS)]
    counts = panel.groupby("period")["entity"].nunique()
    complete = counts.index[counts == len(HYPERSCALERS)]
    yearly = panel.loc[panel["period"].isin(complete)].groupby("period")[metrics].sum()
    return panel, yearly


def market_series(market: pd.DataFrame, series: str, field: str) -> tuple[pd.Series, str]:
    """One series of the ``market`` table, dated and sorted, with its source id."""
    rows = market.loc[(market["series"] == series) & (market["field"] == field)]
    values = pd.Series(
        rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"])
    ).sort_index()
    return values, str(rows["source_id"].iloc[0])


def drawdown(series: pd.Series) -> pd.Series:
    """Fractional distance below the running maximum (0 at a new high, negative below)."""
    return series / series.cummax() - 1.0


def latest_by_published(
    frame: pd.DataFrame, sources: pd.DataFrame, keys: list[str]
) -> pd.DataFrame:
    """Per key, the row whose source was published last (ties: the later row)."""
    published = sources.set_index("source_id")["published"]
    ranked = frame.assign(_published=frame["source_id"].map(published), _order=range(len(frame)))
    ranked = ranked.sort_values(["_published", "_order"])
    return ranked.groupby(keys, as_index=False).last().drop(columns=["_published", "_order"])


def money_cycles(edges: Iterable[tuple[str, str]], max_length: int = 5) -> list[tuple[str, ...]]:
    """Simple directed cycles (length >= 2) in a money-flow graph, each listed once.

    A depth-first enumeration from each node, keeping only cycles whose smallest node (in sort
    order) is the start, so every cycle appears once in a canonical rotation.
    """
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        if a != b:
            graph.setdefault(a, set()).add(b)
    found: list[tuple[str, ...]] = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start and len(path) >= 2:
                found.append(tuple(path))
            elif nxt > start and nxt not in path and len(path) < max_length:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return found
