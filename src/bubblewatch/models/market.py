"""Market context: today's drawdowns against history, and valuation levels against theirs.

*Drawdowns.* A drawdown episode runs from a month-end high to the next month-end
that regains it; its depth is the lowest close over the high, minus one.
Episodes are measured on month-end closes (intramonth troughs are deeper). The
current drawdown of each series is ranked against the depths of all completed
episodes of the NASDAQ Composite since 1971 deeper than 5%, and labelled by the
usual market conventions: a *correction* below −10%, a *bear market* below
−20%, a *crash* below −40% (Greenwood, Shleifer & You 2019 call a 40% fall a crash).

*Valuations.* Shiller's CAPE (real price over the ten-year average of real
earnings; Campbell & Shiller 1998) and trailing P/E are computed from his
monthly price, earnings and CPI, ranked within their history since 1881, and
set beside their peaks around 2000 and 2021. Nasdaq-100 forward P/E figures are
shipped as cited points, not as a history, so they get no percentile.

*Common date.* Series that are compared with each other (the NASDAQ Composite, QQQ and the
AI basket) are read on the latest month-end they all have, so that one series' newer data
does not make it look stronger or weaker than another whose data stops earlier; each
series' own last date is kept and stated beside the comparison.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError

CORRECTION, BEAR, CRASH = -0.10, -0.20, -0.40
EPISODE_FLOOR = -0.05
"""Declines shallower than this are not counted as episodes."""

AI_BASKET = ("NVDA", "MSFT", "GOOGL", "AMZN", "META", "AVGO", "AMD", "ORCL")
"""The equal-weight AI basket: eight AI-linked large caps."""

COMPOSITE, NASDAQ_100, BASKET = (
    "NASDAQ Composite",
    "Nasdaq-100 (QQQ, total return)",
    "AI basket (equal weight)",
)
"""Names of the series compared on a common date."""


def classify(depth: float) -> str:
    """'new high', 'dip', 'correction', 'bear market' or 'crash' for a drawdown ≤ 0."""
    if depth >= 0:
        return "new high"
    if depth > CORRECTION:
        return "dip"
    if depth > BEAR:
        return "correction"
    if depth > CRASH:
        return "bear market"
    return "crash"


def drawdown_episodes(prices: pd.Series, floor: float = EPISODE_FLOOR) -> pd.DataFrame:
    """Every peak-to-recovery episode deeper than ``floor``: peak, trough, recovery, depth.

    ``recovery`` is NaT for the episode still open at the end of the series.
    """
    prices = prices.dropna().sort_index()
    if (prices <= 0).any():
        raise DataError("drawdowns need positive prices")
    rows = []
    peak_value, peak_date = -np.inf, None
    trough_value, trough_date = np.inf, None
    for date, value in prices.items():
        if value >= peak_value:
            if peak_date is not None and trough_value / peak_value - 1 <= floor:
                rows.append((peak_date, trough_date, date, trough_value / peak_value - 1))
            peak_value, peak_date = value, date
            trough_value, trough_date = value, date
        elif value < trough_value:
            trough_value, trough_date = value, date
    if peak_date is not None and trough_value / peak_value - 1 <= floor:
        rows.append((peak_date, trough_date, pd.NaT, trough_value / peak_value - 1))
    return pd.DataFrame(rows, columns=["peak", "trough", "recovery", "depth"])


@dataclass(frozen=True)
class DrawdownReading:
    """One series' current drawdown and where it ranks among past episodes."""

    name: str
    as_of: pd.Timestamp
    peak: pd.Timestamp
    drawdown: float
    label: str
    percentile: float
    """Share (%) of the reference episodes at least as deep as this one is shallow:
    the percentage of past episodes that were shallower than today's drawdown."""
    reference: str
    source_ids: tuple[str, ...]
    last: pd.Timestamp | None = None
    """The series' own last date (``as_of`` is the common date it is compared on)."""

    @property
    def readings_phrase(self) -> str:
        """A clause for a sentence: the fall from the high, its label and its rank."""
        return (
            f"the {self.name}'s {abs(self.drawdown):.0%} fall from its {self.peak:%B %Y} high is "
            f"a {self.label}, deeper than {self.percentile:.0f}% of its completed drawdowns "
            "since 1971"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "as_of": self.as_of.date().isoformat(),
            "peak": self.peak.date().isoformat(),
            "drawdown": self.drawdown,
            "label": self.label,
            "percentile": self.percentile,
            "reference": self.reference,
            "source_ids": list(self.source_ids),
            "last": (self.last if self.last is not None else self.as_of).date().isoformat(),
        }


def common_end(series: Mapping[str, pd.Series]) -> pd.Timestamp:
    """The latest date every one of ``series`` has data for (the earliest of their last dates)."""
    ends = [s.dropna().index.max() for s in series.values()]
    if not ends or any(pd.isna(e) for e in ends):
        raise DataError("a compared series has no data")
    return pd.Timestamp(min(ends))


def coverage_phrase(last: Mapping[str, pd.Timestamp], on: pd.Timestamp) -> str:
    """'A through 2026-03-31, B through 2026-07-31; compared on 2026-03-31'."""
    spans = ", ".join(f"{name} through {end:%Y-%m-%d}" for name, end in last.items())
    return f"{spans}; compared on {on:%Y-%m-%d}"


def drawdown_reading(
    name: str,
    prices: pd.Series,
    reference: pd.DataFrame,
    reference_name: str,
    sources: tuple[str, ...],
    as_of: pd.Timestamp | None = None,
) -> DrawdownReading:
    """The drawdown of ``prices`` on ``as_of`` (default: its last date) ranked among the
    completed episodes in ``reference``."""
    prices = prices.dropna().sort_index()
    last = prices.index[-1]
    if as_of is not None:
        prices = prices.loc[:as_of]
        if prices.empty:
            raise DataError(f"{name} has no data on or before {as_of:%Y-%m-%d}")
    running = prices.cummax()
    depth = float(prices.iloc[-1] / running.iloc[-1] - 1)
    peak = prices.loc[: prices.index[-1]][prices == running.iloc[-1]].index[-1]
    done = reference.loc[reference["recovery"].notna(), "depth"].to_numpy()
    shallower = float((done > depth).mean() * 100) if done.size else float("nan")
    return DrawdownReading(
        name=name,
        as_of=prices.index[-1],
        peak=peak,
        drawdown=depth,
        label=classify(depth),
        percentile=shallower,
        reference=reference_name,
        source_ids=sources,
        last=last,
    )


def cape(price: pd.Series, earnings: pd.Series, cpi: pd.Series) -> pd.Series:
    """Shiller's cyclically adjusted P/E: real price / mean real earnings of the past 120 months."""
    real_price = price / cpi * cpi.iloc[-1]
    real_earnings = earnings / cpi * cpi.iloc[-1]
    return (real_price / real_earnings.rolling(120, min_periods=120).mean()).dropna()


@dataclass(frozen=True)
class ValuationReading:
    """A valuation series now, its percentile in its own history, and its two peaks."""

    name: str
    as_of: pd.Timestamp
    value: float
    percentile: float
    peak_2000: tuple[pd.Timestamp, float]
    peak_2021: tuple[pd.Timestamp, float]
    since: pd.Timestamp
    source_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "as_of": self.as_of.date().isoformat(),
            "value": self.value,
            "percentile": self.percentile,
            "peak_2000": {"date": self.peak_2000[0].date().isoformat(), "value": self.peak_2000[1]},
            "peak_2021": {"date": self.peak_2021[0].date().isoformat(), "value": self.peak_2021[1]},
            "since": self.since.date().isoformat(),
            "source_ids": list(self.source_ids),
        }


def valuation_reading(name: str, series: pd.Series, sources: tuple[str, ...]) -> ValuationReading:
    """Latest value, its percentile (share of months at or below it) and the 2000/2021 peaks."""
    series = series.dropna().sort_index()
    value = float(series.iloc[-1])
    p2000 = series.loc["1998-01":"2001-12"]
    p2021 = series.loc["2020-01":"2022-06"]
    return ValuationReading(
        name=name,
        as_of=series.index[-1],
        value=value,
        percentile=float((series <= value).mean() * 100),
        peak_2000=(p2000.idxmax(), float(p2000.max())),
        peak_2021=(p2021.idxmax(), float(p2021.max())),
        since=series.index[0],
        source_ids=sources,
    )


@dataclass(frozen=True)
class MarketContext:
    """Drawdowns, valuations and the cited Nasdaq-100 forward P/E points."""

    drawdowns: list[DrawdownReading]
    valuations: list[ValuationReading]
    forward_pe: pd.DataFrame
    episodes: pd.DataFrame
    compared_on: pd.Timestamp | None = None
    """The common date the drawdowns are read on."""
    last_dates: dict[str, pd.Timestamp] = dataclasses.field(default_factory=dict)
    """Each compared series' own last date."""
    compared: dict[str, tuple[pd.Series, tuple[str, ...]]] = dataclasses.field(
        default_factory=dict, repr=False
    )
    """Each compared series (month-end closes, by name) with its source ids."""

    @property
    def coverage(self) -> str:
        """Each compared series' last date and the common date they are compared on."""
        on = self.compared_on if self.compared_on is not None else self.drawdowns[0].as_of
        last = self.last_dates or {d.name: d.last or d.as_of for d in self.drawdowns}
        return coverage_phrase(last, on)

    def drawdown_frame(self) -> pd.DataFrame:
        return pd.DataFrame([d.to_dict() for d in self.drawdowns])

    def valuation_frame(self) -> pd.DataFrame:
        return pd.DataFrame([v.to_dict() for v in self.valuations])

    def to_dict(self) -> dict[str, Any]:
        return {
            "drawdowns": [d.to_dict() for d in self.drawdowns],
            "valuations": [v.to_dict() for v in self.valuations],
            "forward_pe": [
                {"date": r.date.date().isoformat(), "value": r.value, "source_id": r.source_id}
                for r in self.forward_pe.itertuples()
            ],
            "nasdaq_episodes": len(self.episodes),
            "compared_on": None
            if self.compared_on is None
            else self.compared_on.date().isoformat(),
            "last_dates": {k: v.date().isoformat() for k, v in self.last_dates.items()},
        }

    def readings(self) -> list[str]:
        """One sentence per series: the drawdown by history's measure, the valuation rank;
        the drawdowns are read on a common date, stated with each series' last date."""
        out = []
        for d in self.drawdowns:
            own = (
                f", the common date of the compared series (its data run to {d.last:%Y-%m-%d})"
                if d.last is not None and d.last != d.as_of
                else ""
            )
            out.append(
                f"{d.name} is {abs(d.drawdown):.1%} below its {d.peak:%B %Y} high as of "
                f"{d.as_of:%B %Y}{own} (a {d.label}); {d.percentile:.0f}% of the "
                f"{d.reference}'s completed drawdowns since 1971 were shallower."
            )
        for v in self.valuations:
            out.append(
                f"{v.name} is {v.value:.1f} ({v.as_of:%B %Y}), above {v.percentile:.0f}% of "
                f"months since {v.since:%Y}; it peaked at {v.peak_2000[1]:.1f} in "
                f"{v.peak_2000[0]:%B %Y} and {v.peak_2021[1]:.1f} in {v.peak_2021[0]:%B %Y}."
            )
        return out


def _series(market: pd.DataFrame, series: str, field: str) -> tuple[pd.Series, str]:
    rows = market.loc[(market["series"] == series) & (market["field"] == field)]
    if rows.empty:
        raise DataError(f"the market table has no {series} {field} rows")
    values = pd.Series(
        rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"])
    ).sort_index()
    return values, str(rows["source_id"].iloc[0])


def basket_index(
    market: pd.DataFrame, tickers: tuple[str, ...] = AI_BASKET, field: str = "adj_close"
) -> tuple[pd.Series, tuple[str, ...]]:
    """Equal-weight basket (100 at the first date all members trade): the geometric mean of
    the members' price relatives, from month-end (``adj_close``) or daily closes."""
    logs, ids = {}, []
    for ticker in tickers:
        s, sid = _series(market, ticker, field)
        logs[ticker] = np.log(s)
        ids.append(sid)
    frame = pd.DataFrame(logs).dropna()
    return np.exp((frame - frame.iloc[0]).mean(axis=1)) * 100, tuple(ids)


def context(market: pd.DataFrame, tickers: tuple[str, ...] = AI_BASKET) -> MarketContext:
    """Market context from the shipped (or stored) ``market`` table; ``tickers`` make the AI
    basket."""
    nasdaq, nsrc = _series(market, "NASDAQCOM", "close")
    episodes = drawdown_episodes(nasdaq)
    qqq, qsrc = _series(market, "QQQ", "adj_close")
    basket, bsrc = basket_index(market, tickers)
    ref = COMPOSITE
    compared = {
        COMPOSITE: (nasdaq, (nsrc,)),
        NASDAQ_100: (qqq, (qsrc,)),
        BASKET: (basket, bsrc),
    }
    on = common_end({name: s for name, (s, _) in compared.items()})
    drawdowns = [
        drawdown_reading(name, s, episodes, ref, ids, as_of=on)
        for name, (s, ids) in compared.items()
    ]
    last = {name: pd.Timestamp(s.dropna().index.max()) for name, (s, _) in compared.items()}
    price, ssrc = _series(market, "SP500", "mean_close")
    earnings, _ = _series(market, "SP500", "earnings")
    cpi, _ = _series(market, "SP500", "cpi")
    frame = pd.DataFrame({"price": price, "earnings": earnings, "cpi": cpi}).dropna()
    valuations = [
        valuation_reading(
            "S&P 500 CAPE", cape(frame["price"], frame["earnings"], frame["cpi"]), (ssrc,)
        ),
        valuation_reading(
            "S&P 500 trailing P/E", (frame["price"] / frame["earnings"]).loc["1881":], (ssrc,)
        ),
    ]
    fpe = market.loc[(market["series"] == "NDX") & (market["field"] == "forward_pe")]
    forward = fpe[["date", "value", "source_id"]].sort_values("date").reset_index(drop=True)
    return MarketContext(drawdowns, valuations, forward, episodes, on, last, compared)


def shiller_cape(market: pd.DataFrame) -> pd.Series:
    """Shiller's cyclically adjusted P/E from the ``market`` table: real price over the 10-year
    mean of real earnings, both deflated to the last month's prices.

    References
    ----------
    Campbell, J. Y. and Shiller, R. J. (1998), "Valuation Ratios and the Long-Run Stock Market
    Outlook", Journal of Portfolio Management 24(2), 11-26.
    """
    price, _ = _series(market, "SP500", "mean_close")
    earnings, _ = _series(market, "SP500", "earnings")
    cpi, _ = _series(market, "SP500", "cpi")
    frame = pd.concat({"p": price, "e": earnings, "cpi": cpi}, axis=1).dropna()
    deflator = frame["cpi"].iloc[-1] / frame["cpi"]
    real_e = frame["e"] * deflator
    cape = (frame["p"] * deflator) / real_e.rolling(120, min_periods=120).mean()
    return cape.dropna()


PSY_SERIES = {
    "nasdaq": "Nasdaq Composite (log)",
    "sp500-pd": "S&P 500 price/dividend",
    "ai-basket": "AI basket (mean log price)",
}
"""The monthly series the explosive-root (PSY) test runs on, by short name: their labels."""

DAILY_SERIES = {"nasdaq": "NASDAQ Composite", "ai-basket": "AI basket"}
"""The daily series the LPPLS confidence indicator runs on, by short name: their labels."""

Tested = dict[str, tuple[pd.Series, tuple[str, ...]]]
"""Series to test, by short name: the values (named by their label) and their source ids."""


def _monthly(market: pd.DataFrame, series: str, field: str) -> tuple[pd.Series, str]:
    values, source_id = _series(market, series, field)
    return values.set_axis(values.index.to_period("M")), source_id


def _unknown(names: tuple[str, ...], known: Mapping[str, str]) -> None:
    wrong = [n for n in names if n not in known]
    if wrong:
        raise DataError(f"unknown series {', '.join(wrong)} (known: {', '.join(known)})")


def psy_inputs(
    market: pd.DataFrame,
    *,
    start: str,
    tickers: tuple[str, ...] = AI_BASKET,
    names: tuple[str, ...] = tuple(PSY_SERIES),
) -> Tested:
    """The monthly series of :data:`PSY_SERIES` named in ``names``, with their sources.

    ``nasdaq``: the log NASDAQ Composite from ``start`` (a month, e.g. ``"1985-01"``);
    ``sp500-pd``: the S&P 500 price-dividend ratio (Shiller); ``ai-basket``: the mean log price
    relative of ``tickers`` over their common history (0 at its first month).
    """
    _unknown(names, PSY_SERIES)
    out: Tested = {}
    for name in names:
        label = PSY_SERIES[name]
        if name == "nasdaq":
            nasdaq, nsrc = _monthly(market, "NASDAQCOM", "close")
            out[name] = (np.log(nasdaq.loc[start:]).rename(label), (nsrc,))
        elif name == "sp500-pd":
            price, ssrc = _monthly(market, "SP500", "mean_close")
            dividend, _ = _monthly(market, "SP500", "dividend")
            out[name] = ((price / dividend).dropna().rename(label), (ssrc,))
        else:
            logs, ids = {}, []
            for ticker in tickers:
                s, sid = _monthly(market, ticker, "adj_close")
                logs[ticker] = np.log(s)
                ids.append(sid)
            frame = pd.DataFrame(logs).dropna()
            out[name] = ((frame - frame.iloc[0]).mean(axis=1).rename(label), tuple(ids))
    return out


def daily_inputs(
    market: pd.DataFrame,
    *,
    tickers: tuple[str, ...] = AI_BASKET,
    names: tuple[str, ...] = tuple(DAILY_SERIES),
) -> Tested:
    """The daily series of :data:`DAILY_SERIES` named in ``names``, with their sources: the
    NASDAQ Composite's closes and the equal-weight basket of ``tickers`` (100 at its first date)."""
    _unknown(names, DAILY_SERIES)
    out: Tested = {}
    for name in names:
        label = DAILY_SERIES[name]
        if name == "nasdaq":
            nasdaq, nsrc = _series(market, "NASDAQCOM", "daily_close")
            out[name] = (nasdaq.rename(label), (nsrc,))
        else:
            basket, ids = basket_index(market, tickers, field="daily_adj_close")
            out[name] = (basket.rename(label), ids)
    return out
