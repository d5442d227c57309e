"""The LPPLS confidence indicator, run-up and market-context parts of the ``markets`` section.

The report computes the indicator on the shipped daily closes of the NASDAQ
Composite and of the AI basket for the most recent year of end dates, every 10th
trading day, with the Sornette et al. (2015) search space and filter conditions
on windows of 125 to 750 trading days in steps of 25 (the paper steps by 5; the
coarser step keeps the report fast and reads the same share of qualified windows
to within a few points).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.detect import lppls
from bubblewatch.frames import market_series
from bubblewatch.models.market import basket_index

REPORT_SETTINGS = {"window_step": 25, "end_step": 10}
RECENT_OBSERVATIONS = 250
"""End dates reach back this many trading days (about a year)."""


@dataclass(frozen=True)
class LpplsPanel:
    """One series' indicator over the most recent year, with its sources."""

    label: str
    confidence: lppls.Confidence
    source_ids: tuple[str, ...]

    @property
    def last(self) -> tuple[pd.Timestamp, float, float]:
        """Latest end date with its positive and negative readings."""
        date = self.confidence.positive.index[-1]
        return (
            date,
            float(self.confidence.positive.iloc[-1]),
            float(self.confidence.negative.iloc[-1]),
        )


def daily_inputs(market: pd.DataFrame) -> dict[str, tuple[pd.Series, tuple[str, ...]]]:
    """Daily NASDAQ Composite closes and the equal-weight AI basket (100 at its first date)."""
    nasdaq, nsrc = market_series(market, "NASDAQCOM", "daily_close")
    basket, ids = basket_index(market, field="daily_adj_close")
    return {
        "NASDAQ Composite": (nasdaq.rename("NASDAQ Composite"), (nsrc,)),
        "AI basket": (basket.rename("AI basket"), tuple(ids)),
    }


def lppls_panels(market: pd.DataFrame) -> list[LpplsPanel]:
    """The indicator for each daily input over its most recent year of end dates."""
    panels = []
    for label, (prices, sources) in daily_inputs(market).items():
        since = prices.index[max(len(prices) - RECENT_OBSERVATIONS, 0)]
        conf = lppls.confidence(prices, since=since, **REPORT_SETTINGS)  # type: ignore[arg-type]
        panels.append(LpplsPanel(label, conf, sources))
    return panels


def add_lppls_rows(fig: go.Figure, panels: list[LpplsPanel], first_row: int) -> None:
    """Draw each panel's positive and negative indicator, one subplot row per series."""
    for k, p in enumerate(panels):
        row = first_row + k
        for name, values, colour in (
            ("positive", p.confidence.positive, "firebrick"),
            ("negative", p.confidence.negative, "seagreen"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=values.index,
                    y=values.to_numpy(),
                    name=f"LPPLS {name}: {p.label}",
                    line={"color": colour},
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(range=[0, 1], row=row, col=1)


def lppls_reading(panels: list[LpplsPanel]) -> str:
    """One sentence on the latest readings and the tc of qualified positive fits."""
    parts = []
    for p in panels:
        date, pos, neg = p.last
        tc = p.confidence.tc.iloc[-1]
        where = (
            f", with tc estimates centred on {tc['median']:%d %B %Y}"
            if tc["count"] and not pd.isna(tc["median"])
            else ""
        )
        parts.append(f"{p.label} {pos:.0%} positive / {neg:.0%} negative on {date:%d %B %Y}{where}")
    return "The LPPLS confidence indicator (share of qualified windows) reads " + "; ".join(parts)
