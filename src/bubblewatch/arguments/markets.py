"""The ``markets`` argument: healthy correction or bubble?

Drawdowns of the NASDAQ Composite, the Nasdaq-100 (QQQ) and the AI basket against the
Composite's history, and the S&P 500 CAPE against its own (:func:`bubblewatch.models.market.context`
and :func:`~bubblewatch.models.market.shiller_cape`); the explosive-root test of Phillips, Shi &
Yu (2015) on three monthly series, with its episodes dated against the shipped Monte Carlo
critical values; the two-year run-up rule of Greenwood, Shleifer & You (2019); and the LPPLS
confidence indicator (Sornette et al. 2015) on the daily closes of the Composite and the basket
over the most recent year of end dates.

The indicator's windows step by 25 trading days (the paper steps by 5; the coarser step keeps the
report fast and reads the same share of qualified windows to within a few points) and its end
dates by 10. Each engine runs once per series; the charts draw from the result's detail.

The shipped daily closes start in 2021, so the indicator's reading of the 2000 bubble is taken
on the Composite's month-end closes (from 1971): the same filters (Sornette et al. 2015 by default),
whose conditions are fractions of the window span and so hold for any sampling, over windows of 20 to
60 months at every month-end of 1997-2001, and over the latest 24 month-ends with the same
settings, so that today's month-end reading sits beside what a bubble reading looked like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch import engine_cache
from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import (
    PERCENTILE_RULE,
    Signal,
    missing,
    ordinal,
    percentile_lean,
    ranked,
    share_below,
)
from bubblewatch.charts import (
    CLAIM_COLOUR,
    REFERENCE_COLOUR,
    claimed_line,
    reference_line,
    style,
)
from bubblewatch.detect import lppls, psy, runup
from bubblewatch.detect.lppls.space import FILTER_SETS
from bubblewatch.detect.psy.result import episode_spans, plot_x
from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.frames import claim_sources, drawdown
from bubblewatch.models import market as mk

EPISODE_2000 = ("1997-01-01", "2001-12-31")
"""The month-ends at which the LPPLS indicator is read across the dot-com episode."""
MONTHLY_WINDOWS = (20, 60, 2)
"""Window lengths of the month-end LPPLS indicator (shortest, longest, step), in months."""
MONTHLY_RECENT = 24
"""The latest month-ends read with the same settings."""

FILTER_NAMES = {
    "sornette2015": "Sornette et al. (2015)",
    "shu2020": "Shu & Zhu (2020)",
    "lppls": "lppls package",
}
"""How the reading names each LPPLS filter set."""


def _names_pattern(names: Any) -> str:
    one = "|".join(re.escape(n) for n in names)
    return rf"({one})(\s*,\s*({one}))*"


def _split(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


@dataclass(frozen=True)
class MarketsParams(Params):
    argument = "markets"
    basket: str = knob(
        ",".join(mk.AI_BASKET),
        unit="tickers",
        doc="Members of the equal-weight AI basket (comma-separated tickers of the market table).",
        pattern=r"[A-Za-z][A-Za-z0-9.\-]*(\s*,\s*[A-Za-z][A-Za-z0-9.\-]*)*",
    )
    psy_series: str = knob(
        ",".join(mk.PSY_SERIES),
        unit="series",
        doc="Monthly series the PSY explosive-root test runs on (comma-separated).",
        pattern=_names_pattern(mk.PSY_SERIES),
    )
    psy_start: str = knob(
        "1985-01",
        unit="month",
        doc="First month of the NASDAQ Composite tested by PSY (its data reach back to 1971).",
        pattern=r"(18|19|20)\d\d-(0[1-9]|1[0-2])",
    )
    psy_level: float = knob(
        0.95,
        unit="share",
        doc="Critical-value level of the PSY test and of its episode dating.",
        choices=(0.90, 0.95, 0.99),
    )
    psy_rule: str = knob(
        "pointwise",
        unit="rule",
        doc="BSADF critical-value sequence that dates PSY episodes (pointwise: PSY 2015).",
        choices=("pointwise", "cummax", "familywise"),
    )
    psy_seed: int = knob(
        0,
        unit="seed",
        doc="Seed of the simulated PSY critical values, used only for a series length the "
        "shipped Monte Carlo table lacks (a changed start or basket).",
        low=0,
        high=10**9,
    )
    lppls_series: str = knob(
        ",".join(mk.DAILY_SERIES),
        unit="series",
        doc="Daily series the LPPLS confidence indicator runs on (comma-separated).",
        pattern=_names_pattern(mk.DAILY_SERIES),
    )
    lppls_filters: str = knob(
        "sornette2015",
        unit="filter set",
        doc="LPPLS search space and filter conditions.",
        choices=tuple(FILTER_SETS),
    )
    lppls_min_window: int = knob(
        125, unit="trading days", doc="Shortest LPPLS window.", low=20, high=2500
    )
    lppls_max_window: int = knob(
        750, unit="trading days", doc="Longest LPPLS window.", low=20, high=2500
    )
    lppls_window_step: int = knob(
        25, unit="trading days", doc="Step between LPPLS window lengths.", low=1, high=500
    )
    lppls_end_step: int = knob(
        10, unit="trading days", doc="Step between LPPLS end dates.", low=1, high=250
    )
    lppls_recent: int = knob(
        250,
        unit="trading days",
        doc="LPPLS end dates reach back this many observations (about a year).",
        low=1,
        high=2520,
    )
    lppls_seed: int = knob(0, unit="seed", doc="Seed of the LPPLS search grid.", low=0, high=10**9)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.lppls_min_window > self.lppls_max_window:
            raise SpecificationError(
                f"markets knob lppls_min_window={self.lppls_min_window} exceeds "
                f"lppls_max_window={self.lppls_max_window}"
            )

    @property
    def tickers(self) -> tuple[str, ...]:
        """The basket's tickers, upper case, each once."""
        return _split(self.basket.upper())

    @property
    def psy_names(self) -> tuple[str, ...]:
        return _split(self.psy_series)

    @property
    def lppls_names(self) -> tuple[str, ...]:
        return _split(self.lppls_series)

    @property
    def level_label(self) -> str:
        """``"95%"`` for 0.95: the column of the critical values."""
        return f"{self.psy_level:.0%}"


@dataclass(frozen=True)
class PsyPanel:
    """One tested series: result, critical values, episodes and the sources used."""

    label: str
    result: psy.PSYResult
    cv: psy.CriticalValues
    episodes: psy.DateStamp
    source_ids: tuple[str, ...]

    def to_dict(self, level: str) -> dict[str, Any]:
        r = self.result
        return {
            "label": self.label,
            "source_ids": list(self.source_ids),
            "first": str(r.bsadf.index[0]),
            "last": str(r.bsadf.index[-1]),
            "nobs": r.nobs,
            "min_window": r.min_window,
            "lags": r.lags,
            "adf": r.adf,
            "sadf": r.sadf,
            "gsadf": r.gsadf,
            "critical_values": {"sadf": self.cv.sadf, "gsadf": self.cv.gsadf},
            "critical_values_source": self.cv.describe(),
            "p_value_gsadf": self.cv.pvalue(r.gsadf),
            "explosive": bool(r.gsadf > self.cv.gsadf[level]),
            "episodes": self.episodes.to_dict(),
        }


@dataclass(frozen=True)
class LpplsPanel:
    """One series' indicator over the most recent end dates, with its sources."""

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

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "source_ids": list(self.source_ids)} | (
            self.confidence.to_dict()
        )


@dataclass(frozen=True)
class LpplsHistory:
    """The indicator on month-end closes across the 2000 episode and over the latest months."""

    label: str
    episode: lppls.Confidence
    recent: lppls.Confidence
    source_ids: tuple[str, ...]

    @property
    def episode_high(self) -> tuple[pd.Timestamp, float]:
        """The episode's highest positive reading and its month-end (the first, if tied)."""
        pos = self.episode.positive
        return pd.Timestamp(pos.idxmax()), float(pos.max())

    @property
    def price_peak(self) -> tuple[pd.Timestamp, float]:
        """The highest month-end close among the episode's end dates."""
        prices = self.episode.prices.loc[self.episode.positive.index]
        return pd.Timestamp(prices.idxmax()), float(prices.max())

    @property
    def now(self) -> tuple[pd.Timestamp, float]:
        """The latest month-end and its positive reading."""
        pos = self.recent.positive
        return pd.Timestamp(pos.index[-1]), float(pos.iloc[-1])

    def to_dict(self) -> dict[str, Any]:
        (high_on, high), (peak_on, peak), (now_on, now) = (
            self.episode_high,
            self.price_peak,
            self.now,
        )
        return {
            "label": self.label,
            "source_ids": list(self.source_ids),
            "sampling": "month-end closes",
            "episode_high": {"date": high_on.date().isoformat(), "positive": high},
            "price_peak": {"date": peak_on.date().isoformat(), "close": peak},
            "now": {"date": now_on.date().isoformat(), "positive": now},
            "episode": self.episode.to_dict(),
            "recent": self.recent.to_dict(),
        }


@dataclass(frozen=True)
class MarketsView:
    """Everything the markets argument measured: the model objects its figures come from."""

    context: mk.MarketContext
    compared_on: pd.Timestamp
    coverage: str
    nasdaq: pd.Series
    """NASDAQ Composite month-end closes (the whole history)."""
    cape: pd.Series
    cape_source: str
    psy: tuple[PsyPanel, ...]
    runups: tuple[tuple[runup.RunupAssessment, tuple[str, ...]], ...]
    lppls: tuple[LpplsPanel, ...]
    lppls_history: LpplsHistory
    level: str
    """The PSY critical-value column used (``"95%"``)."""
    rule: str
    claimed_pe: tuple[tuple[str, float], ...] = ()
    """The Nasdaq-100 forward P/E figures the debate claims (C02): their wording and value."""

    @property
    def explosive(self) -> tuple[PsyPanel, ...]:
        """The series whose GSADF exceeds its critical value."""
        return tuple(p for p in self.psy if p.result.gsadf > p.cv.gsadf[self.level])

    @property
    def live(self) -> tuple[PsyPanel, ...]:
        """The series in an explosive episode in their last month."""
        return tuple(p for p in self.psy if p.episodes.table["ongoing"].any())

    def episodes_table(self) -> pd.DataFrame:
        """All episodes of all PSY series."""
        rows = []
        for p in self.psy:
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "compared_on": self.compared_on.date().isoformat(),
            "coverage": self.coverage,
            "context": self.context.to_dict(),
            "cape": {
                "as_of": self.cape.index[-1].date().isoformat(),
                "value": float(self.cape.iloc[-1]),
                "share_of_months_lower": float((self.cape < self.cape.iloc[-1]).mean()),
                "since": self.cape.index[0].date().isoformat(),
                "source_id": self.cape_source,
            },
            "psy": {
                "level": self.level,
                "rule": self.rule,
                "series": [p.to_dict(self.level) for p in self.psy],
            },
            "runups": [
                {k: v for k, v in r.to_dict().items() if k != "history"} | {"source_ids": list(ids)}
                for r, ids in self.runups
            ],
            "lppls": [p.to_dict() for p in self.lppls],
            "lppls_history": self.lppls_history.to_dict(),
        }


def _check_basket(market: pd.DataFrame, p: MarketsParams) -> None:
    """Every basket member has the prices the chosen series need."""
    fields = ("adj_close", "daily_adj_close") if "ai-basket" in p.lppls_names else ("adj_close",)
    tickers = p.tickers
    for field in fields:
        held = set(market.loc[market["field"] == field, "series"].astype(str))
        missing = [t for t in tickers if t not in held]
        if missing:
            raise SpecificationError(
                f"markets knob basket: the market table has no {field} prices for "
                f"{', '.join(missing)}"
            )


def _psy_panels(market: pd.DataFrame, p: MarketsParams) -> tuple[PsyPanel, ...]:
    """Test each series, date-stamp at the chosen level (pointwise BSADF rule, PSY 2015)."""
    panels = []
    sizes = set(psy.table_sizes())
    inputs = mk.psy_inputs(market, start=p.psy_start, tickers=p.tickers, names=p.psy_names)
    for series, sources in inputs.values():
        label = str(series.name)
        try:
            result = psy.test(series)
        except (SpecificationError, DataError) as exc:
            raise SpecificationError(
                f"markets knobs psy_series/psy_start: {label} from {p.psy_start}: {exc}"
            ) from exc
        shipped = result.nobs in sizes
        cv = psy.critical_values(result.nobs, seed=None if shipped else p.psy_seed)
        stamps = psy.datestamp(result, cv, p.psy_level, rule=p.psy_rule)  # type: ignore[arg-type]
        panels.append(PsyPanel(label, result, cv, stamps, sources))
    return tuple(panels)


def _lppls_panels(market: pd.DataFrame, p: MarketsParams) -> tuple[LpplsPanel, ...]:
    """The indicator for each daily input over its most recent end dates."""
    panels = []
    for prices, sources in mk.daily_inputs(market, tickers=p.tickers, names=p.lppls_names).values():
        if p.lppls_max_window > len(prices):
            raise SpecificationError(
                f"markets knob lppls_max_window={p.lppls_max_window} is longer than the "
                f"{prices.name} series ({len(prices)} observations)"
            )
        since = prices.index[max(len(prices) - p.lppls_recent, 0)]
        # kept on disk for unchanged prices and settings (bubblewatch.engine_cache)
        conf = engine_cache.call(
            lppls.confidence,
            prices,
            min_window=p.lppls_min_window,
            max_window=p.lppls_max_window,
            window_step=p.lppls_window_step,
            end_step=p.lppls_end_step,
            since=since,
            filters=p.lppls_filters,
            seed=p.lppls_seed,
        )
        panels.append(LpplsPanel(str(prices.name), conf, sources))
    return tuple(panels)


def _lppls_history(nasdaq: pd.Series, sources: tuple[str, ...], p: MarketsParams) -> LpplsHistory:
    """The indicator on the Composite's month-end closes at every month-end of
    :data:`EPISODE_2000` and of the latest :data:`MONTHLY_RECENT` months, same settings."""
    lo, hi, step = MONTHLY_WINDOWS
    prices = nasdaq.dropna().rename(mk.COMPOSITE)
    settings: dict[str, Any] = {
        "min_window": lo,
        "max_window": hi,
        "window_step": step,
        "end_step": 1,
        "filters": p.lppls_filters,
        "seed": p.lppls_seed,
    }
    first, last = EPISODE_2000
    # kept on disk for unchanged prices and settings (bubblewatch.engine_cache)
    episode = engine_cache.call(lppls.confidence, prices.loc[:last], since=first, **settings)
    since = prices.index[max(len(prices) - MONTHLY_RECENT, 0)]
    recent = engine_cache.call(lppls.confidence, prices, since=since, **settings)
    return LpplsHistory(mk.COMPOSITE, episode, recent, sources)


def _claimed(claims: pd.DataFrame, claim_id: str, unit: str) -> list[Any]:
    """The quantities a claim states in ``unit``, in the order the claims table gives them."""
    from bubblewatch.claims.claimed import parse

    rows = claims.loc[claims["claim_id"] == claim_id, "figures"].dropna()
    return [q for text in rows for q in parse(str(text)) if q.unit == unit]


def _claimed_text(claims: pd.DataFrame, claim_id: str, unit: str, suffix: str) -> str:
    """The figures a claim states in ``unit``, as the claims table words them (``~28x, ~26x``)."""
    quantities = _claimed(claims, claim_id, unit)
    return ", ".join(f"{'~' if q.approximate else ''}{q.value:g}{suffix}" for q in quantities)


def _lppls_reading(panels: tuple[LpplsPanel, ...]) -> str:
    """One sentence on the latest readings and the tc of qualified positive fits."""
    parts = []
    for p in panels:
        date, pos, neg = p.last
        tc = p.confidence.tc.iloc[-1]
        where = (
            f", with tc estimates centred on {tc['median'].day} {tc['median']:%B %Y}"
            if tc["count"] and not pd.isna(tc["median"])
            else ""
        )
        parts.append(
            f"{p.label} {pos:.0%} positive / {neg:.0%} negative on {date.day} {date:%B %Y}{where}"
        )
    return "The LPPLS confidence indicator (share of qualified windows) reads " + "; ".join(parts)


def analyze(t: Tables, p: MarketsParams) -> Result:
    market, claims = t["market"], t["claims"]
    _check_basket(market, p)
    ctx = mk.context(market, p.tickers)
    nasdaq, (nsrc,) = ctx.compared[mk.COMPOSITE]
    qqq, (qsrc,) = ctx.compared[mk.NASDAQ_100]
    basket, bsrc = ctx.compared[mk.BASKET]
    # The Composite and QQQ are compared on the latest month-end both have.
    last = {"Nasdaq Composite": ctx.last_dates[mk.COMPOSITE], "QQQ": ctx.last_dates[mk.NASDAQ_100]}
    on = min(last.values())
    coverage = mk.coverage_phrase(last, on)
    n_on, q_on = nasdaq.loc[:on], qqq.loc[:on]
    peak_date = n_on.idxmax()
    dd = float(drawdown(n_on).iloc[-1])
    qdd = float(drawdown(q_on).iloc[-1])
    cape = mk.shiller_cape(market)
    ssrc = ctx.valuations[0].source_ids[0]
    pct = float((cape < cape.iloc[-1]).mean())
    figures: tuple[KeyFigure, ...] = (
        KeyFigure(
            f"Nasdaq Composite, close {n_on.index[-1]:%b %Y}",
            float(n_on.iloc[-1]),
            "index_points",
            (nsrc,),
        ),
        KeyFigure(
            f"Nasdaq Composite all-time month-end high ({peak_date:%b %Y})",
            float(n_on.max()),
            "index_points",
            (nsrc,),
        ),
        KeyFigure(f"Nasdaq Composite below its high ({on:%b %Y})", dd, "share", (nsrc,)),
        KeyFigure(f"QQQ below its high ({on:%b %Y})", qdd, "share", (qsrc,)),
        KeyFigure(
            "Series last dates and the common date compared on", coverage, "text", (nsrc, qsrc)
        ),
        KeyFigure(f"S&P 500 CAPE ({cape.index[-1]:%b %Y})", float(cape.iloc[-1]), "x", (ssrc,)),
        KeyFigure(
            f"Share of months since {cape.index[0]:%Y} with a lower CAPE", pct, "share", (ssrc,)
        ),
        KeyFigure(
            "Claimed Nasdaq-100 forward P/E, peak and now (C02)",
            _claimed_text(claims, "C02", "x", "x"),
            "text",
            claim_sources(claims, "C02"),
            claim_id="C02",
        ),
    )
    level = p.level_label
    panels = _psy_panels(market, p)
    figures += tuple(
        KeyFigure(
            f"PSY GSADF statistic, {q.label} ({q.result.bsadf.index[0]}–{q.result.bsadf.index[-1]})",
            q.result.gsadf,
            "stat",
            q.source_ids,
            note=(
                f"{level} critical value {q.cv.gsadf[level]:.2f}, p = {q.cv.pvalue(q.result.gsadf):.3f}; "
                f"{len(q.episodes.positive)} exuberance and {len(q.episodes.negative)} collapse episode(s)"
            ),
        )
        for q in panels
    )
    figures += tuple(
        KeyFigure(
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
    figures += tuple(
        KeyFigure(
            f"{v.name} ({v.as_of:%b %Y}), percentile since {v.since:%Y}",
            v.percentile / 100,
            "share",
            v.source_ids,
            note=f"now {v.value:.1f}; {v.peak_2000[1]:.1f} at the {v.peak_2000[0]:%b %Y} peak, "
            f"{v.peak_2021[1]:.1f} at the {v.peak_2021[0]:%b %Y} peak",
        )
        for v in ctx.valuations
    )
    figures += tuple(
        KeyFigure(
            f"Nasdaq-100 forward P/E, {r.date.day} {r.date:%b %Y} (cited figure)",
            float(r.value),
            "x",
            (str(r.source_id),),
            claim_id="C02",
        )
        for r in ctx.forward_pe.itertuples()
    )
    runups = (
        (runup.assess(nasdaq, name="NASDAQ Composite"), (nsrc,)),
        (runup.assess(basket, benchmark=qqq, name="AI basket vs QQQ"), (*bsrc, qsrc)),
    )
    figures += tuple(
        KeyFigure(
            f"Two-year {r.basis} return, {r.name} ({r.as_of:%b %Y})",
            r.measured_return,
            "share",
            ids,
            note=r.reading,
        )
        for r, ids in runups
    )
    lp = _lppls_panels(market, p)
    figures += tuple(
        KeyFigure(
            f"LPPLS positive-bubble confidence, {q.label} ({q.last[0].day} {q.last[0]:%b %Y})",
            q.last[1],
            "share",
            q.source_ids,
            note=f"negative-bubble confidence {q.last[2]:.0%}; "
            f"{FILTER_NAMES.get(q.confidence.filters, q.confidence.filters)} filters, "
            f"windows of {q.confidence.windows[0]}-{q.confidence.windows[1]} trading days",
        )
        for q in lp
    )
    hist = _lppls_history(nasdaq, (nsrc,), p)
    (high_on, high), (peak_on, _), (now_on, now) = hist.episode_high, hist.price_peak, hist.now
    lo, hi, _step = MONTHLY_WINDOWS
    figures += (
        KeyFigure(
            f"LPPLS positive-bubble confidence, NASDAQ Composite month-end, 1997-2001 high "
            f"({high_on:%b %Y})",
            high,
            "share",
            (nsrc,),
            note=f"on month-end closes, windows of {lo}-{hi} months; the Composite's "
            f"month-end close peaked in {peak_on:%b %Y}",
        ),
        KeyFigure(
            f"LPPLS positive-bubble confidence, NASDAQ Composite month-end ({now_on:%b %Y})",
            now,
            "share",
            (nsrc,),
            note="on month-end closes, with the settings read across 1997-2001",
        ),
    )
    view = MarketsView(
        context=ctx,
        compared_on=on,
        coverage=coverage,
        nasdaq=nasdaq,
        cape=cape,
        cape_source=ssrc,
        psy=panels,
        runups=runups,
        lppls=lp,
        lppls_history=hist,
        level=level,
        rule=p.psy_rule,
        claimed_pe=tuple((q.text, float(q.value)) for q in _claimed(claims, "C02", "x")),
    )
    explosive, live = view.explosive, [q.label for q in view.live]
    q_state = "at a new high" if qdd >= 0 else f"{-qdd:.0%} below its high"
    reading = (
        f"On {on.day} {on:%B %Y}, the latest month-end both have ({coverage}), the Nasdaq Composite "
        f"closed at {n_on.iloc[-1]:,.0f}, {-dd:.0%} below its {peak_date:%B %Y} high, and QQQ "
        f"was {q_state}; the S&P 500 CAPE of {cape.iloc[-1]:.1f} is "
        f"above {pct:.0%} of months since {cape.index[0]:%Y}. The PSY test rejects a random walk at "
        f"{1 - p.psy_level:.0%} for {len(explosive)} of {len(panels)} series"
        + (f" ({', '.join(q.label for q in explosive)})" if explosive else "")
        + (
            f"; an explosive episode is under way in the last month for {', '.join(live)}."
            if live
            else "; none of them is in an explosive episode in its last month."
        )
        + (f" {_lppls_reading(lp)}." if lp else "")
        + f" On month-end closes the same indicator reached {high:.0%} in {high_on:%B %Y} "
        + (
            "at the Composite's month-end peak"
            if high_on == peak_on
            else f"(the Composite's month-end peak came in {peak_on:%B %Y})"
        )
        + f" and reads {now:.0%} in {now_on:%B %Y}."
        + f" By history's measure, {ctx.drawdowns[0].readings_phrase}."
    )
    return Result(
        "markets",
        p,
        reading,
        figures,
        tables=(
            (
                f"PSY episodes by series ({level} level, {p.psy_rule} BSADF critical values)",
                view.episodes_table(),
            ),
        ),
        headline=2,
        detail=view,
    )


# ---------------------------------------------------------------------------------------------
# Charts: four figures drawn from the detail, each titled with its finding


PRICE_START = "1995-01-01"
"""The price and drawdown charts start here: the dot-com run-up and crash give today's scale."""
CLAIM_MARK = "#c0392b"
SERIES_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
EPISODE_NAMES = {
    "positive": "Explosive episode (BSADF above the critical value, rising)",
    "negative": "Collapse episode (BSADF above the critical value, falling)",
}
"""Legend names of the shaded PSY episodes, by direction."""
THRESHOLDS = (
    (mk.CORRECTION, "Correction", "dot"),
    (mk.BEAR, "Bear market", "dash"),
    (mk.CRASH, "Crash", "dashdot"),
)


def _versus(now: float, then: float) -> str:
    """``"4% below"`` or ``"2% above"``: ``now`` against ``then``."""
    change = now / then - 1.0
    return f"{abs(change):.0%} {'below' if change < 0 else 'above'}"


def _below(d: mk.DrawdownReading) -> str:
    """``"9% below its October 2025 high"``, or ``"at a new high"``."""
    return (
        "at a new high" if d.drawdown >= 0 else f"{-d.drawdown:.0%} below its {d.peak:%B %Y} high"
    )


def _mark_points(fig: go.Figure, *points: tuple[Any, float, str, str, str]) -> None:
    """One named marker per point: (date, value, legend label, colour, symbol)."""
    for when, value, label, colour, symbol in points:
        fig.add_trace(
            go.Scatter(
                x=[when],
                y=[value],
                mode="markers",
                marker={"color": colour, "size": 10, "symbol": symbol},
                name=label,
            )
        )


def _price_figure(v: MarketsView) -> go.Figure:
    """Month-end closes of the Composite since :data:`PRICE_START`, its high and the compared
    month marked."""
    composite = v.context.drawdowns[0]
    nasdaq = v.nasdaq.dropna()
    shown = nasdaq.loc[PRICE_START:]
    fig = go.Figure(
        go.Scatter(
            x=shown.index,
            y=shown.to_numpy(),
            name="Nasdaq Composite, month-end close",
            line={"color": SERIES_COLOURS[0], "width": 1.5},
        )
    )
    high = float(nasdaq.loc[composite.peak])
    close = float(nasdaq.loc[composite.as_of])
    _mark_points(
        fig,
        (
            composite.peak,
            high,
            f"High, {composite.peak:%b %Y}: {high:,.0f}",
            CLAIM_MARK,
            "triangle-down",
        ),
        (
            composite.as_of,
            close,
            f"{composite.as_of:%b %Y}: {close:,.0f} ({composite.drawdown:.0%})",
            "#333333",
            "circle",
        ),
    )
    style(
        fig,
        title=f"Nasdaq Composite closed {composite.as_of:%B %Y} at {close:,.0f}, "
        f"{_below(composite)} of {high:,.0f}",
        x_title="Month-end",
        y_title="Index points (log scale)",
        height=440,
    )
    ticks = [t for t in (500, 1000, 2000, 5000, 10000, 20000, 50000) if t <= 1.5 * shown.max()]
    fig.update_yaxes(type="log", tickvals=ticks, tickformat=",")
    return fig


SHORT_NAMES = {mk.COMPOSITE: "Nasdaq Composite", mk.NASDAQ_100: "QQQ", mk.BASKET: "AI basket"}
"""Names of the compared series in chart titles."""


def _drawdown_figure(v: MarketsView) -> go.Figure:
    """Each compared series below its running high since :data:`PRICE_START`, with the usual
    thresholds of a correction, a bear market and a crash."""
    fig = go.Figure()
    for k, (name, (series, _ids)) in enumerate(v.context.compared.items()):
        dd = drawdown(series.dropna()).loc[PRICE_START:]
        fig.add_trace(
            go.Scatter(
                x=dd.index,
                y=dd.to_numpy(),
                name=name,
                line={"color": SERIES_COLOURS[k], "width": 1.5},
            )
        )
    for level, label, dash in THRESHOLDS:
        reference_line(fig, level, f"{label} ({level:.0%})", dash=dash)
    on = v.context.drawdowns[0].as_of
    now = ", ".join(
        f"{SHORT_NAMES.get(d.name, d.name)} {d.drawdown:.0%} (a {d.label})"
        for d in v.context.drawdowns
    )
    style(
        fig,
        title=f"Below their running highs on {on.day} {on:%b %Y}: {now}",
        x_title="Month-end",
        y_title="Below running high (%)",
        height=440,
    )
    fig.update_yaxes(tickformat=".0%")
    return fig


def _cape_figure(v: MarketsView) -> go.Figure:
    """CAPE since 1881 with its 2000 and 2021 peaks and today's reading marked."""
    cape, val = v.cape, v.context.valuations[0]
    now_on, now = cape.index[-1], float(cape.iloc[-1])
    share = float((cape < now).mean())
    (d00, p00), (d21, p21) = val.peak_2000, val.peak_2021
    fig = go.Figure(
        go.Scatter(
            x=cape.index,
            y=cape.to_numpy(),
            name="S&P 500 CAPE, monthly",
            line={"color": SERIES_COLOURS[0], "width": 1.5},
        )
    )
    _mark_points(
        fig,
        (d00, p00, f"Dot-com peak, {d00:%b %Y}: {p00:.1f}", "#7f7f7f", "diamond"),
        (d21, p21, f"2021 peak, {d21:%b %Y}: {p21:.1f}", "#ff7f0e", "diamond"),
        (
            now_on,
            now,
            f"{now_on:%b %Y}: {now:.1f}, above {share:.0%} of months",
            CLAIM_MARK,
            "circle",
        ),
    )
    median = float(cape.median())
    reference_line(fig, median, f"Median since {cape.index[0]:%Y}: {median:.1f}")
    return style(
        fig,
        title=f"S&P 500 CAPE of {now:.1f} is above {share:.0%} of months since "
        f"{cape.index[0]:%Y}: {_versus(now, p21)} its {d21:%Y} peak, {_versus(now, p00)} "
        f"its {d00:%Y} peak",
        x_title="Month",
        y_title="Cyclically adjusted P/E (x)",
        height=460,
    )


def _forward_pe_figure(v: MarketsView) -> go.Figure:
    """The cited Nasdaq-100 forward P/E figures beside the debate's claimed ones (C02)."""
    fpe = v.context.forward_pe
    fig = go.Figure(
        go.Scatter(
            x=pd.DatetimeIndex(fpe["date"]),
            y=fpe["value"].to_numpy(dtype=float),
            mode="markers",
            marker={"size": 10, "color": SERIES_COLOURS[0]},
            name="Nasdaq-100 forward P/E, cited figures",
        )
    )
    for k, (text, value) in enumerate(v.claimed_pe):
        if k == 0:
            claimed_line(fig, value, "C02", text)
        else:  # same colour as the first claimed figure, another dash to tell them apart
            reference_line(fig, value, f"Claimed: {text} (C02)", colour=CLAIM_COLOUR, dash="dash")
    first, last = fpe.iloc[0], fpe.iloc[-1]
    title = (
        f"Cited Nasdaq-100 forward P/E: {last['value']:.1f}x on {last['date'].day} {last['date']:%b %Y}, "
        f"{_versus(float(last['value']), float(first['value']))} the {first['value']:.1f}x of "
        f"{first['date']:%b %Y}"
    )
    values = [*fpe["value"].astype(float), *(value for _text, value in v.claimed_pe)]
    style(fig, title=title, x_title="Date cited", y_title="Forward P/E (x)", height=400)
    fig.update_yaxes(range=[min(values) - 1.0, max(values) + 1.0])
    return fig


def _psy_figure(v: MarketsView) -> go.Figure:
    """BSADF against its critical-value sequence for each series, episodes shaded and named."""
    panels = v.psy
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        vertical_spacing=0.33 / max(len(panels), 1),
        subplot_titles=[f"{p.label}, monthly" for p in panels],
    )
    shapes: list[dict[str, Any]] = []
    named: set[str] = set()
    for k, p in enumerate(panels):
        row = k + 1
        x = plot_x(p.result.bsadf.index)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=p.result.bsadf.to_numpy(),
                name=f"BSADF: {p.label}",
                line={"color": SERIES_COLOURS[k % len(SERIES_COLOURS)], "width": 1.5},
            ),
            row=row,
            col=1,
        )
        crit = p.cv.sequence(v.rule)[v.level].to_numpy()  # type: ignore[arg-type]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=crit,
                name=f"{v.level} critical value ({v.rule})",
                legendgroup="critical",
                showlegend=k == 0,
                line={"dash": "dash", "color": REFERENCE_COLOUR, "width": 1.5},
            ),
            row=row,
            col=1,
        )
        shapes += _episode_shapes(fig, p, row, named)
    # One assignment instead of one add_vrect per episode (each re-validates every shape).
    fig.layout.shapes = shapes
    explosive, live = v.explosive, v.live
    title = (
        f"Explosive-root (PSY) test: {len(explosive)} of {len(panels)} series explosive "
        f"at {v.level}"
    )
    for q in live:
        since = q.episodes.table.loc[q.episodes.table["ongoing"], "origination"].iloc[0]
        title += f"; {q.label} in an episode since {_point(since):%b %Y}"
    style(
        fig, title=title, x_title="Month", y_title="BSADF statistic", height=160 + 260 * len(panels)
    )
    return fig


def _point(label: Any) -> pd.Timestamp:
    return pd.Timestamp(label.to_timestamp() if isinstance(label, pd.Period) else label)


def _episode_shapes(
    fig: go.Figure, panel: PsyPanel, row: int, named: set[str]
) -> list[dict[str, Any]]:
    """The shaded episodes of one PSY row, each named by its direction in the legend (once)."""
    sub = fig.get_subplot(row, 1)
    xref = sub.xaxis.plotly_name.replace("axis", "")
    yref = sub.yaxis.plotly_name.replace("axis", "") + " domain"
    shapes = []
    table = panel.episodes.table
    spans = episode_spans(table, panel.result.bsadf.index[-1])
    for direction, (x0, x1, colour) in zip(table["direction"], spans, strict=True):
        name = EPISODE_NAMES["positive" if direction == "positive" else "negative"]
        shapes.append(
            {
                "fillcolor": colour,
                "layer": "below",
                "legendgroup": name,
                "line": {"width": 0},
                "name": name,
                "showlegend": name not in named,
                "type": "rect",
                "x0": x0,
                "x1": x1,
                "xref": xref,
                "y0": 0,
                "y1": 1,
                "yref": yref,
            }
        )
        named.add(name)
    return shapes


def _lppls_figure(v: MarketsView) -> go.Figure:
    """The month-end indicator across 1997-2001 beside its latest readings (and the daily ones)."""
    h = v.lppls_history
    (high_on, high), (peak_on, _peak), (now_on, now) = h.episode_high, h.price_peak, h.now
    lo, hi, _step = MONTHLY_WINDOWS
    first = h.recent.positive.index[0]
    fig = make_subplots(
        rows=2,
        cols=1,
        vertical_spacing=0.2,
        row_heights=[0.6, 0.4],
        specs=[[{"secondary_y": True}], [{}]],
        subplot_titles=(
            f"Dot-com episode, {h.episode.positive.index[0]:%Y}–{h.episode.positive.index[-1]:%Y}",
            f"Latest months, since {first:%b %Y}",
        ),
    )
    fig.add_trace(
        go.Bar(
            x=h.episode.positive.index,
            y=h.episode.positive.to_numpy(),
            name=f"Month-end closes, 1997–2001 ({lo}–{hi}-month windows)",
            marker={"color": "firebrick"},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=h.recent.positive.index,
            y=h.recent.positive.to_numpy(),
            name="Month-end closes, latest months (same windows)",
            mode="lines+markers",
            marker={"size": 6},
            line={"color": "firebrick", "width": 1.5},
        ),
        row=2,
        col=1,
    )
    prices = h.episode.prices.loc[h.episode.positive.index]
    fig.add_trace(
        go.Scatter(
            x=prices.index,
            y=prices.to_numpy(),
            name=f"{h.label}, month-end close (right axis)",
            line={"color": REFERENCE_COLOUR, "width": 1.5},
        ),
        row=1,
        col=1,
        secondary_y=True,
    )
    for k, q in enumerate(v.lppls):
        w0, w1, _ = q.confidence.windows
        fig.add_trace(
            go.Scatter(
                x=q.confidence.positive.index,
                y=q.confidence.positive.to_numpy(),
                name=f"{q.label}, daily closes ({w0}–{w1}-day windows)",
                mode="lines+markers",
                marker={"size": 4},
                line={"color": SERIES_COLOURS[(k + 1) % len(SERIES_COLOURS)], "width": 1.5},
            ),
            row=2,
            col=1,
        )
    gap = (high_on.year - peak_on.year) * 12 + high_on.month - peak_on.month
    when = (
        "at the dot-com peak"
        if gap == 0
        else f"{abs(gap)} month{'s' if abs(gap) > 1 else ''} "
        f"{'before' if gap < 0 else 'after'} the dot-com peak"
    )
    style(
        fig,
        title=f"LPPLS bubble confidence reached {high:.0%} in {high_on:%b %Y}, {when}; "
        f"read the same way it is {now:.0%} in {now_on:%b %Y}",
        height=680,
    )
    share = "Windows qualifying (%)"
    fig.update_yaxes(
        title_text=share, tickformat=".0%", range=[0, 1], row=1, col=1, secondary_y=False
    )
    fig.update_yaxes(
        title_text="Index points",
        tickformat=",.0f",
        tickmode="auto",
        nticks=6,
        rangemode="tozero",
        showgrid=False,
        row=1,
        col=1,
        secondary_y=True,
    )
    fig.update_yaxes(title_text=share, tickformat=".0%", range=[0, 1], row=2, col=1)
    fig.update_xaxes(title_text="Month-end", row=1, col=1)
    fig.update_xaxes(title_text="End date of the windows", row=2, col=1)
    return fig


def chart(r: Result) -> list[go.Figure]:
    """The Composite's closes; drawdowns; CAPE since 1880; cited and claimed forward P/E; the
    PSY test by series; the LPPLS indicator across the 2000 episode and now."""
    v: MarketsView = r.detail
    return [
        _price_figure(v),
        _drawdown_figure(v),
        _cape_figure(v),
        _forward_pe_figure(v),
        _psy_figure(v),
        _lppls_figure(v),
    ]


def signal(r: Result) -> Signal:
    """The S&P 500 CAPE ranked among its own earlier months (the percentile rule)."""
    v: MarketsView = r.detail
    cape = v.cape.dropna()
    if cape.empty:
        return missing(
            "S&P 500 cyclically adjusted P/E (CAPE)",
            "x",
            "no CAPE in the data",
            PERCENTILE_RULE.format(since=""),
            (v.cape_source,),
        )
    now = float(cape.iloc[-1])
    pct, seen = ranked(cape.iloc[:-1], now)
    since = f"{cape.index[0]:%Y}"
    history = (
        f"above {share_below(pct)} of the months since {since} ({ordinal(pct)} percentile); its high is "
        f"{cape.max():.1f} in {cape.idxmax():%b %Y}"
        if pct is not None
        else "no earlier months to rank it in"
    )
    return Signal(
        indicator=f"S&P 500 cyclically adjusted P/E (CAPE), {cape.index[-1]:%b %Y}",
        value=now,
        unit="x",
        history=history,
        percentile=pct,
        observations=seen,
        lean=percentile_lean(pct),
        rule=PERCENTILE_RULE.format(since=f" since {since}"),
        source_ids=(v.cape_source,),
    )


ARGUMENT = register(
    Argument(
        id="markets",
        title="Markets: healthy correction or bubble?",
        question="Are valuations near past bubble highs, and is the sell-off an ordinary correction?",
        params=MarketsParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("market", "claims"),
        command_help="Drawdowns, CAPE, PSY explosive-root tests, run-ups and LPPLS confidence: "
        "healthy correction or bubble?",
    )
)
