"""The explosive-root (PSY) part of the markets section.

Three series from the shipped snapshot are tested with lag 0 and the default
window, against the committed Monte Carlo table: the log Nasdaq Composite, the
S&P 500 price–dividend ratio (Shiller) and an equal-weighted AI basket (the mean
log price, rebased, of eight AI-linked large caps over their common history).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.detect import psy
from bubblewatch.detect.psy.result import plot_x, shade_episodes
from bubblewatch.frames import market_series

AI_BASKET = ("NVDA", "MSFT", "GOOGL", "AMZN", "META", "AVGO", "AMD", "ORCL")


@dataclass(frozen=True)
class PsyPanel:
    """One tested series: result, critical values, episodes and the sources used."""

    label: str
    result: psy.PSYResult
    cv: psy.CriticalValues
    episodes: psy.DateStamp
    source_ids: tuple[str, ...]


PSY_NASDAQ_START = "1985-01"
"""The Nasdaq series tested from 1985 (the shipped months reach back to 1971)."""


def _monthly(market: pd.DataFrame, series: str, field: str) -> tuple[pd.Series, str]:
    values, source_id = market_series(market, series, field)
    return values.set_axis(values.index.to_period("M")), source_id


def _inputs_with_sources(market: pd.DataFrame) -> dict[str, tuple[pd.Series, tuple[str, ...]]]:
    nasdaq, nsrc = _monthly(market, "NASDAQCOM", "close")
    nasdaq = nasdaq.loc[PSY_NASDAQ_START:]
    price, ssrc = _monthly(market, "SP500", "mean_close")
    dividend, _ = _monthly(market, "SP500", "dividend")
    ratio = (price / dividend).dropna()
    logs, ids = {}, []
    for ticker in AI_BASKET:
        s, sid = _monthly(market, ticker, "adj_close")
        logs[ticker] = np.log(s)
        ids.append(sid)
    frame = pd.DataFrame(logs).dropna()
    basket = (frame - frame.iloc[0]).mean(axis=1)
    return {
        "Nasdaq Composite (log)": (np.log(nasdaq).rename("Nasdaq Composite (log)"), (nsrc,)),
        "S&P 500 price/dividend": (ratio.rename("S&P 500 price/dividend"), (ssrc,)),
        "AI basket (mean log price)": (basket.rename("AI basket (mean log price)"), tuple(ids)),
    }


def psy_inputs(market: pd.DataFrame) -> dict[str, pd.Series]:
    """The three monthly series the report tests, by label."""
    return {k: v for k, (v, _) in _inputs_with_sources(market).items()}


def psy_panels(market: pd.DataFrame) -> list[PsyPanel]:
    """Test each series, date-stamp at 95% (pointwise BSADF rule, PSY 2015)."""
    panels = []
    for label, (series, sources) in _inputs_with_sources(market).items():
        result = psy.test(series)
        cv = psy.critical_values(result.nobs)
        stamps = psy.datestamp(result, cv, 0.95)
        panels.append(PsyPanel(label, result, cv, stamps, sources))
    return panels


def add_bsadf_rows(fig: go.Figure, panels: list[PsyPanel], first_row: int) -> None:
    """Draw each panel's BSADF, its 95% critical value and shaded episodes."""
    for k, p in enumerate(panels):
        row = first_row + k
        x = plot_x(p.result.bsadf.index)
        fig.add_trace(
            go.Scatter(x=x, y=p.result.bsadf.to_numpy(), name=f"BSADF: {p.label}"), row=row, col=1
        )
        crit = p.cv.sequence("pointwise")["95%"].to_numpy()
        fig.add_trace(
            go.Scatter(
                x=x, y=crit, name="95% critical value", line={"dash": "dash", "color": "#555"}
            ),
            row=row,
            col=1,
        )
        shade_episodes(fig, p.episodes.table, p.result.bsadf.index[-1], row=row, col=1)


def episodes_table(panels: list[PsyPanel]) -> pd.DataFrame:
    """All episodes of all panels, for the section's table."""
    rows = []
    for p in panels:
        for ep in p.episodes.to_dict()["episodes"]:
            rows.append(
                {
                    "series": p.label,
                    "origination": ep["origination"],
                    "peak": ep["peak"],
                    "termination": ep["termination"] or "ongoing",
                    "months": ep["duration"],
                    "direction": ep["direction"],
                }
            )
    return pd.DataFrame(
        rows, columns=["series", "origination", "peak", "termination", "months", "direction"]
    )
