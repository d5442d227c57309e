"""The ``cycles`` argument: is the AI build-out financed like the shale boom?

The five hyperscalers' capex against their operating cash flow, the phase of the AI cycle on
the shale, telecom and railway cycles (:func:`bubblewatch.models.cycles.view`, a seeded
bootstrap), and the shale record the debate's claims are graded on: free cash flow year by year
and the oil price (C23), break-evens before and after the price war (C24).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Lean, Signal, lean_by
from bubblewatch.charts import claimed_line, shade, style
from bubblewatch.errors import SpecificationError
from bubblewatch.frames import claim_sources, hyperscaler_years
from bubblewatch.models import cycles
from bubblewatch.universe import HYPERSCALERS

AI_METRICS = ["capex", "operating_cash_flow"]
"""The hyperscalers' figures the AI cycle is built from (USD bn, by fiscal year)."""

SHALE_FCF = ("free_cash_flow_shale33", "free_cash_flow_shale")
"""Shale free-cash-flow samples, the 33-producer series first (it wins a year both cover)."""

FACTS = (
    ("shale", "breakeven_new_well", "Shale new-well breakeven"),
    ("telecom", "it_investment_to_gdp", "Business IT investment / GDP"),
    ("railways", "investment_to_gdp", "Railway investment / GNP"),
)
"""Analog figures shown year by year: (cycle, metric, label)."""

RECORDS: tuple[tuple[str, str], ...] = (
    *(("shale", m) for m in SHALE_FCF),
    ("shale", "wti_price"),
    ("shale", "breakeven_wellhead"),
    *((cycle, metric) for cycle, metric, _ in FACTS),
)
"""Every (cycle, metric) series of the ``cycles`` table the argument reads row by row."""


@dataclass(frozen=True)
class CyclesParams(Params):
    argument = "cycles"
    window: int = knob(
        5, unit="years", doc="Years of the AI cycle matched against each analog.", low=2
    )
    draws: int = knob(2000, unit="draws", doc="Bootstrap draws of the phase.", low=1)
    seed: int = knob(0, unit="seed", doc="Seed of the bootstrap.", low=0)
    level: float = knob(
        0.8,
        unit="share",
        doc="Coverage of the bootstrap interval of the best-matching year.",
        low=0.5,
        high=0.99,
    )
    phase_from: int = knob(
        2010,
        unit="year",
        doc="First year of the shale phase the debate placed the AI build-out in.",
        low=1800,
        high=2100,
    )
    phase_to: int = knob(
        2012,
        unit="year",
        doc="Last year of the shale phase the debate placed the AI build-out in.",
        low=1800,
        high=2100,
    )
    oil_from: int = knob(
        2011,
        unit="year",
        doc="First year of the boom's WTI average, set against the claimed ~$100 (C23).",
        low=1800,
        high=2100,
    )
    oil_to: int = knob(
        2014,
        unit="year",
        doc="Last year of the boom's WTI average (C23).",
        low=1800,
        high=2100,
    )
    price_war: int = knob(
        2015,
        unit="year",
        doc="Year of the Saudi price war: wellhead break-evens before and after it (C24).",
        low=1800,
        high=2100,
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for first, last in (("phase_from", "phase_to"), ("oil_from", "oil_to")):
            if getattr(self, first) > getattr(self, last):
                raise SpecificationError(
                    f"cycles knob {first}={getattr(self, first)} is after "
                    f"{last}={getattr(self, last)}"
                )


def ai_levels(t: Tables) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The five hyperscalers' summed capex and operating cash flow by fiscal year (USD bn),
    over the years in which all five report both, and the source ids behind them."""
    _, yearly = hyperscaler_years(t["financials"], AI_METRICS)
    yearly.index = [int(str(p).removeprefix("FY")) for p in yearly.index]
    fin = t["financials"]
    ids = fin.loc[fin["entity"].isin(HYPERSCALERS) & fin["metric"].isin(AI_METRICS), "source_id"]
    return yearly.sort_index(), tuple(dict.fromkeys(ids.astype(str)))


def absent(t: Tables, p: CyclesParams | None = None) -> list[str]:
    """What the analysis needs and ``t`` lacks (empty when it can run): the checks ask this
    before the result, so missing data make a claim not verifiable rather than an error."""
    window = (p or CyclesParams()).window
    missing = []
    if t["cycles"].empty:
        missing.append("investment-cycle figures")
    levels, _ = ai_levels(t)
    if len(levels) < window:
        missing.append(
            f"{window} fiscal years of capex and operating cash flow from all five hyperscalers"
        )
    return missing


def _ids(rows: pd.DataFrame) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rows["source_id"].astype(str)))


@dataclass(frozen=True)
class Change:
    """A figure's last value before a year and its first after it, and the fall between."""

    before: pd.Series
    after: pd.Series

    @property
    def fall(self) -> float:
        return 1.0 - float(self.after["value"]) / float(self.before["value"])


@dataclass(frozen=True)
class ShaleRecord:
    """The shale boom's figures the debate's claims are graded on (C23, C24)."""

    free_cash_flow: pd.Series
    """Free cash flow by year (USD bn), the 33-producer series first where samples overlap."""
    free_cash_flow_ids: tuple[str, ...]
    oil: pd.DataFrame
    """WTI's yearly averages over the boom years."""
    oil_years: tuple[int, int]
    """The boom years WTI is averaged over (``oil_from``, ``oil_to``)."""
    new_well: pd.DataFrame
    """New-well break-evens by year."""
    wellhead: Change | None
    """The wellhead break-even before the price war and after it (None without both)."""

    @property
    def negative_years(self) -> int:
        return int((self.free_cash_flow < 0).sum())

    @property
    def oil_mean(self) -> float | None:
        return float(self.oil["value"].mean()) if len(self.oil) else None

    def to_dict(self) -> dict[str, Any]:
        fcf = self.free_cash_flow
        return {
            "free_cash_flow_usd_bn": {int(y): float(v) for y, v in fcf.items()},
            "negative_free_cash_flow_years": self.negative_years,
            "free_cash_flow_source_ids": list(self.free_cash_flow_ids),
            "oil_mean_usd_per_bbl": self.oil_mean,
            "oil_years": list(self.oil_years),
            "new_well_breakeven": {int(r.year): float(r.value) for r in self.new_well.itertuples()},
            "wellhead_fall": None if self.wellhead is None else self.wellhead.fall,
        }


def shale_record(records: dict[tuple[str, str], pd.DataFrame], p: CyclesParams) -> ShaleRecord:
    """The shale record from the argument's rows of the ``cycles`` table."""
    fcf = pd.concat([records[("shale", m)] for m in SHALE_FCF])
    by_year = fcf.groupby(fcf["year"].astype(int))["value"].first().astype(float)
    oil = records[("shale", "wti_price")]
    wellhead = records[("shale", "breakeven_wellhead")]
    before = wellhead.loc[wellhead["year"] < p.price_war]
    after = wellhead.loc[wellhead["year"] > p.price_war]
    return ShaleRecord(
        by_year,
        _ids(fcf),
        oil.loc[oil["year"].between(p.oil_from, p.oil_to)],
        (p.oil_from, p.oil_to),
        records[("shale", "breakeven_new_well")],
        Change(before.iloc[-1], after.iloc[0]) if len(before) and len(after) else None,
    )


@dataclass(frozen=True)
class CyclesDetail:
    """The model output behind the cycles argument."""

    view: cycles.CyclesView
    levels: pd.DataFrame
    """The hyperscalers' summed capex and operating cash flow by fiscal year (USD bn)."""
    ai_source_ids: tuple[str, ...]
    free_cash_flow: pd.Series
    intensity: pd.Series
    """Capex over operating cash flow, by fiscal year."""
    records: dict[tuple[str, str], pd.DataFrame]
    shale: ShaleRecord

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.view.to_dict(),
            "ai_source_ids": list(self.ai_source_ids),
            "shale": self.shale.to_dict(),
        }


def span_text(first: int, last: int) -> str:
    """``2010-12`` for 2010 and 2012 (``1999-2002`` across centuries)."""
    return f"{first}-{last % 100:02d}" if first // 100 == last // 100 else f"{first}-{last}"


def analyze(t: Tables, p: CyclesParams) -> Result:
    levels, ai_ids = ai_levels(t)
    rows = t["cycles"]
    v = cycles.view(rows, levels, window=p.window, draws=p.draws, seed=p.seed, level=p.level)
    records = {(c, m): cycles.metric_rows(rows, c, m) for c, m in RECORDS}
    shale = shale_record(records, p)
    fcf = levels["operating_cash_flow"] - levels["capex"]
    intensity = levels["capex"] / levels["operating_cash_flow"]
    first, latest = int(levels.index.min()), int(levels.index.max())
    figures: list[KeyFigure] = [
        KeyFigure(
            f"Hyperscalers' capex / operating cash flow, {first}",
            float(intensity.loc[first]),
            "share",
            ai_ids,
        ),
        KeyFigure(
            f"Hyperscalers' capex / operating cash flow, {latest}",
            float(intensity.loc[latest]),
            "share",
            ai_ids,
        ),
        KeyFigure(
            f"Hyperscalers' free cash flow after capex, {latest}",
            float(fcf.loc[latest]),
            "usd_bn",
            ai_ids,
        ),
        KeyFigure(
            f"Years {first}-{latest} with negative hyperscaler free cash flow",
            float((fcf < 0).sum()),
            "count",
            ai_ids,
        ),
    ]
    for name, found in v.phases.items():
        lo, hi = found.interval
        figures.append(
            KeyFigure(
                f"Phase on {name}: best-matching year of the AI cycle's last {found.window} years",
                float(found.best_year),
                "year",
                cycles.sources_of(rows, name, ["capex", "revenue"]) + ai_ids,
                f"{found.level:.0%} bootstrap interval {lo}-{hi}; measures: {', '.join(found.measures)}",
            )
        )
    shale33 = records[("shale", SHALE_FCF[0])]
    if len(shale33):
        figures.append(
            KeyFigure(
                f"Shale: years {int(shale33['year'].min())}-{int(shale33['year'].max())} with "
                "negative free cash flow (33 producers)",
                float((shale33["value"] < 0).sum()),
                "count",
                tuple(dict.fromkeys(shale33["source_id"])),
                claim_id="C23",
            )
        )
    for cycle, metric, label in FACTS:
        for rec in records[(cycle, metric)].itertuples():
            figures.append(
                KeyFigure(
                    f"{label}, {int(rec.year)}",
                    float(rec.value),
                    str(rec.unit),
                    (str(rec.source_id),),
                    str(rec.note) if pd.notna(rec.note) else "",
                    claim_id="C24" if metric == "breakeven_new_well" else "",
                )
            )
    claimed_phase = span_text(p.phase_from, p.phase_to)
    figures.append(
        KeyFigure(
            "Claimed: shale 2010-15, externally financed, negative FCF ~10 years; "
            "breakeven $100 -> $30-40 (C23, C24)",
            f"we are in its {claimed_phase} phase",
            "text",
            claim_sources(t["claims"], "C23", "C24"),
            claim_id="C23",
        )
    )
    ph = v.phases.get("shale")
    middle = (p.phase_from + p.phase_to) // 2
    interval = f"{p.level:.0%} interval"
    place = (
        f"its capex growth over the last {ph.window} years best matches shale's window ending "
        f"{ph.best_year} ({interval} {ph.interval[0]}-{ph.interval[1]}), not {claimed_phase}"
        if ph is not None and not ph.interval[0] <= middle <= ph.interval[1]
        else (
            f"its capex growth best matches shale's window ending {ph.best_year}, consistent "
            f"with {claimed_phase}"
            if ph is not None
            else "no analog shares enough yearly figures for a phase"
        )
    )
    telecom = v.phases.get("telecom")
    tail = ""
    if telecom is not None:
        nxt = v.next_steps.get("telecom", {})
        after = (
            f", after which telecom capex peaked in {nxt['capex_peak_year']} and fell "
            f"{abs(nxt['peak_to_trough']):.0%}"
            if "capex_peak_year" in nxt and "peak_to_trough" in nxt
            else ""
        )
        tail = (
            f"; on telecom it matches the window ending {telecom.best_year} "
            f"({interval} {telecom.interval[0]}-{telecom.interval[1]}){after}"
        )
    reading = (
        f"Hyperscalers spent {intensity.loc[latest]:.0%} of operating cash flow on capex in "
        f"{latest} and kept free cash flow positive in {int((fcf >= 0).sum())} of {len(fcf)} "
        f"years, unlike shale's negative free cash flow in every year of its boom; {place}{tail}."
    )
    phase_table = pd.DataFrame(
        [
            {
                "analog": k,
                "best_year": q.best_year,
                "interval": f"{q.interval[0]}-{q.interval[1]}",
                "measures": ", ".join(q.measures),
                **{f"next_{a}": b for a, b in v.next_steps.get(k, {}).items()},
            }
            for k, q in v.phases.items()
        ]
        + [
            {"analog": k, "best_year": np.nan, "interval": why}
            for k, why in v.not_estimable.items()
        ]
    )
    return Result(
        "cycles",
        p,
        reading,
        tuple(figures),
        tables=(
            ("Phase of the AI cycle on each analog (seeded bootstrap)", phase_table),
            ("Analog figures", v.facts),
        ),
        headline=1,
        detail=CyclesDetail(v, levels, ai_ids, fcf, intensity, records, shale),
    )


GREY = "rgba(120,120,120,0.18)"


def year_dates(years: Any) -> list[pd.Timestamp]:
    """Years as the first day of each (a date axis: whole years, never 2,024.5)."""
    return [pd.Timestamp(year=int(y), month=1, day=1) for y in years]


def year_span(first: int, last: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the start of ``first`` to the end of ``last``."""
    return pd.Timestamp(year=first, month=1, day=1), pd.Timestamp(year=last, month=12, day=31)


_BY_YEAR = {"xperiod": "M12", "xperiodalignment": "middle"}
"""A point or bar placed on (and spanning) its year."""


def _year_axis(fig: go.Figure) -> None:
    """A date axis labelled by year, each label centred on its year; Plotly spaces the labels
    by the width, so they never collide."""
    fig.update_xaxes(type="date", tickformat="%Y", ticklabelmode="period", hoverformat="%Y")


def _phase_chart(r: Result) -> go.Figure:
    """Shale's capex growth by year and the AI cycle's, shifted onto its best-matching window,
    beside the phase the debate placed it in."""
    d: CyclesDetail = r.detail
    p: CyclesParams = r.params  # type: ignore[assignment]
    v = d.view
    fig = go.Figure()
    shale = v.analogs.get("shale")
    if shale is not None:
        g = shale["capex_growth"].dropna()
        fig.add_trace(
            go.Scatter(
                x=year_dates(g.index),
                **_BY_YEAR,
                y=g.to_numpy(),
                name="Shale producers' capex growth",
                mode="lines+markers",
            )
        )
    ag = v.ai["capex_growth"].dropna()
    ph = v.phases.get("shale")
    claimed = span_text(p.phase_from, p.phase_to)
    shade(
        fig,
        *year_span(p.phase_from, p.phase_to),
        f"Claimed phase: shale {claimed} (C23)",
        colour="rgba(192,57,43,0.15)",
    )
    if ph is not None:
        shift = ph.best_year - int(ag.index.max())
        fig.add_trace(
            go.Scatter(
                x=year_dates(int(y) + shift for y in ag.index),
                **_BY_YEAR,
                y=ag.to_numpy(),
                name=f"Hyperscalers' capex growth "
                f"{span_text(int(ag.index.min()), int(ag.index.max()))}, moved {shift:+d} years",
                mode="lines+markers",
                customdata=[int(y) for y in ag.index],
                hovertemplate="%{customdata}: %{y:.0%}<extra>hyperscalers</extra>",
            )
        )
        lo, hi = ph.interval
        shade(
            fig,
            *year_span(lo, hi),
            f"{ph.level:.0%} bootstrap interval of the match",
            colour=GREY,
        )
        title = (
            f"The hyperscalers' capex growth of the last {ph.window} years best matches shale's "
            f"{span_text(ph.best_year - ph.window + 1, ph.best_year)},<br>"
            + (
                f"not the claimed {claimed} ({ph.level:.0%} interval {lo}-{hi})"
                if not lo <= (p.phase_from + p.phase_to) // 2 <= hi
                else f"consistent with the claimed {claimed} ({ph.level:.0%} interval {lo}-{hi})"
            )
        )
        x_title = f"Shale's year (hyperscalers' moved {shift:+d})"
    else:
        title = "No shale window shares enough yearly figures with the AI cycle for a phase"
        x_title = "Shale's year"
    style(fig, title=title, x_title=x_title, y_title="Capex growth, year on year", height=460)
    fig.update_yaxes(tickformat=".0%")
    _year_axis(fig)
    return fig


def _free_cash_flow_chart(d: CyclesDetail) -> go.Figure:
    """Free cash flow by year: the five hyperscalers' against shale producers' (C23)."""
    ai, oil = d.free_cash_flow, d.shale.free_cash_flow
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=year_dates(oil.index),
            **_BY_YEAR,
            y=oil.to_numpy(),
            name="Shale producers",
            marker={"color": "#8c564b"},
        )
    )
    fig.add_trace(
        go.Bar(
            x=year_dates(ai.index),
            **_BY_YEAR,
            y=ai.to_numpy(),
            name="Five hyperscalers",
            marker={"color": "#1f77b4"},
        )
    )
    positive = int((ai >= 0).sum())
    oil_span = span_text(int(oil.index.min()), int(oil.index.max()))
    ai_span = span_text(int(ai.index.min()), int(ai.index.max()))
    title = (
        f"Shale producers' free cash flow was negative in {d.shale.negative_years} of {len(oil)} "
        f"years {oil_span} (C23);<br>the hyperscalers' was positive in {positive} of {len(ai)} "
        f"({ai_span}), with capex at {d.intensity.iloc[-1]:.0%} of operating cash flow in "
        f"{int(ai.index.max())}"
    )
    style(fig, title=title, x_title="Year", y_title="Free cash flow (USD bn)")
    fig.update_layout(barmode="overlay")
    _year_axis(fig)
    return fig


def _shale_prices_chart(r: Result) -> go.Figure:
    """WTI and shale break-evens by year, the price war and the debate's figures (C23, C24)."""
    d: CyclesDetail = r.detail
    p: CyclesParams = r.params  # type: ignore[assignment]
    fig = go.Figure()
    for metric, name, mode in (
        ("wti_price", "WTI, yearly average", "lines+markers"),
        ("breakeven_wellhead", "Wellhead break-even", "markers"),
        ("breakeven_new_well", "New-well break-even", "lines+markers"),
    ):
        rows = d.records[("shale", metric)]
        if len(rows):
            fig.add_trace(
                go.Scatter(
                    x=year_dates(rows["year"]),
                    **_BY_YEAR,
                    y=rows["value"].astype(float).to_numpy(),
                    name=name,
                    mode=mode,
                    marker={"size": 9},
                )
            )
    shade(
        fig, *year_span(p.price_war, p.price_war), f"Saudi price war ({p.price_war})", colour=GREY
    )
    claimed_line(fig, 100.0, "C23, C24", "oil, break-even ~$100")
    fig.add_hrect(
        y0=30,
        y1=40,
        fillcolor="rgba(192,57,43,0.12)",
        line_width=0,
        layer="below",
        name="Claimed: break-even $30-40 (C24)",
        showlegend=True,
    )
    oil, wellhead = d.shale.oil_mean, d.shale.wellhead
    lo, hi = d.shale.oil_years
    parts = []
    if oil is not None:
        parts.append(f"WTI averaged ${oil:,.0f} in {span_text(lo, hi)}")
    if wellhead is not None:
        before, after = wellhead.before, wellhead.after
        parts.append(
            f"the wellhead break-even fell {wellhead.fall:.0%}, from "
            f"${float(before['value']):,.0f} ({int(before['year'])}) to "
            f"${float(after['value']):,.0f} ({int(after['year'])})"
        )
    title = ";<br>".join(parts) or "Shale's oil price and break-evens"
    style(
        fig,
        title=title[0].upper() + title[1:],
        x_title="Year",
        y_title="USD per barrel",
        height=480,
    )
    fig.update_yaxes(rangemode="tozero")
    _year_axis(fig)
    return fig


def chart(r: Result) -> list[go.Figure]:
    """The AI cycle's phase on shale, free cash flow against shale's, and shale's prices."""
    d: CyclesDetail = r.detail
    return [_phase_chart(r), _free_cash_flow_chart(d), _shale_prices_chart(r)]


LATE_YEARS = 1
"""A best match this many years or fewer before an analog's capex peak is its last phase."""
EARLY_YEARS = 2


def signal(r: Result) -> Signal:
    """Where the AI cycle sits on the analogs: years from its best match to their capex peak."""
    v: CyclesDetail = r.detail
    rule = (
        f"bubble-leaning when the AI cycle's best match on an analog sits {LATE_YEARS} year or "
        f"less before that analog's capex peak (the phase just before its bust), boom-leaning "
        f"more than {EARLY_YEARS} years before it, neutral between or where no analog has a peak "
        "after the match"
    )
    found = [
        (analog, step)
        for analog, step in v.view.next_steps.items()
        if step.get("years_to_peak") is not None
    ]
    matched = "; ".join(
        f"on {analog}: the window ending {phase.best_year}"
        for analog, phase in v.view.phases.items()
    )
    if not found:
        return Signal(
            "Years from the AI cycle's best-matching analog year to that analog's capex peak",
            float("nan"),
            "years",
            (matched or "no analog could be matched") + "; no analog has a capex peak after it",
            None,
            Lean.NEUTRAL,
            rule,
            v.ai_source_ids,
        )
    analog, step = min(found, key=lambda item: float(item[1]["years_to_peak"]))
    years = float(step["years_to_peak"])
    phase = v.view.phases[analog]
    fall = step.get("peak_to_trough")
    facts = v.view.facts
    sources = tuple(
        dict.fromkeys(
            (*v.ai_source_ids, *facts.loc[facts["cycle"] == analog, "source_id"].astype(str))
        )
    )
    return Signal(
        indicator=f"Years from the AI cycle's best match on {analog} to {analog}'s capex peak",
        value=years,
        unit="years",
        history=(
            f"its last {phase.window} years of capex growth best match {analog}'s window ending "
            f"{phase.best_year}; {analog} capex peaked in {step['capex_peak_year']}"
            + (f" and then fell {-float(fall):.0%}" if fall is not None else "")
            + "".join(
                f"; on {other}: the window ending {p.best_year}"
                for other, p in v.view.phases.items()
                if other != analog
            )
        ),
        percentile=None,
        lean=lean_by(years, bubble=LATE_YEARS, boom=EARLY_YEARS),
        rule=rule,
        source_ids=sources,
    )


ARGUMENT = register(
    Argument(
        id="cycles",
        title="Like shale in 2010-15?",
        question=(
            "Is the build-out financed like the shale boom, and where would it sit on past cycles?"
        ),
        params=CyclesParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("cycles", "financials", "claims"),
        command_help=(
            "The AI build-out on past investment cycles: phase on each analog and what came next."
        ),
    )
)
