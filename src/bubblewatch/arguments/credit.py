"""The ``credit`` argument: do credit markets and neocloud shares signal stress, and where would a
shock travel?

Share-price drawdowns of the neoclouds and Oracle (the gauges of C18), AI-related debt by issuer
type and the instrument mix of :func:`bubblewatch.models.debt.instrument_mix` (C16), and a
one-year clearing and DebtRank stress of the deal network's obligations under named shocks
(:func:`bubblewatch.models.stress.stress`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bubblewatch._assignments import parse_assignments
from bubblewatch.arguments._financing import ASSIGNMENTS, NAMES, names
from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Lean, Signal
from bubblewatch.charts import quarter_axis, style
from bubblewatch.errors import SpecificationError
from bubblewatch.frames import drawdown, market_series
from bubblewatch.models import debt as debt_model
from bubblewatch.models import financing
from bubblewatch.models import stress as stress_model

PRICE = "adj_close"
"""The ``market`` field a gauge's drawdown is measured on."""
_LOSS = 1e-9
"""Losses below this (USD bn) are rounding, not losses."""


MAX_BUFFER = 1e6
"""The largest buffer a firm can be given, USD bn: ten times world GDP, so no real firm is
refused and no table overflows."""


@functools.lru_cache(maxsize=64)
def _shock_shares(text: str) -> tuple[tuple[str, float], ...]:
    """The ``shocks`` knob parsed once per text (validation and analysis share it)."""
    return tuple(stress_model.parse_shocks([text]).items())


@dataclass(frozen=True)
class CreditParams(Params):
    argument = "credit"
    gauges: str = knob(
        "CoreWeave=CRWV,Nebius=NBIS,Oracle=ORCL",
        unit="firm=ticker",
        doc="Share prices read as credit gauges, COMPANY=TICKER (comma-separated; first one leads).",
        pattern=ASSIGNMENTS,
    )
    shocks: str = knob(
        "OpenAI=0.4",
        unit="firm=share",
        doc="Share of a year's obligations each named firm fails to pay, FIRM=SHARE (comma-separated).",
        pattern=ASSIGNMENTS,
    )
    default_term: float = knob(
        stress_model.DEFAULT_TERM,
        unit="years",
        doc="Years over which a deal without a stated term (every loan) is owed.",
        low=0.25,
        high=50.0,
    )
    other_buffer: float = knob(
        stress_model.OTHER_BUFFER,
        unit="usd_bn",
        doc="Buffer of firms without operating cash flow in the data.",
        low=0.0,
        high=MAX_BUFFER,
    )
    buffers: str = knob(
        "",
        unit="firm=usd_bn",
        doc="Buffers set by hand, FIRM=USD bn (comma-separated; empty: none).",
        pattern=f"|{ASSIGNMENTS}",
    )
    statuses: str = knob(
        "binding",
        unit="statuses",
        doc="Deal statuses whose obligations count: binding, announced, letter_of_intent.",
        pattern=NAMES,
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        for firm, share in self.shock_shares().items():
            if not 0.0 <= share <= 1.0:
                raise SpecificationError(
                    f"credit knob shocks: the share {firm!r} fails to pay must be between 0 and 1"
                )
        for firm, value in self.buffer_overrides().items():
            if not (math.isfinite(value) and 0 <= value <= MAX_BUFFER):
                raise SpecificationError(
                    f"credit knob buffers: the buffer of {firm!r} must be between 0 and "
                    f"{MAX_BUFFER:g} (USD bn)"
                )
        unknown = set(self.status_list()) - set(financing.STATUSES)
        if unknown:
            raise SpecificationError(
                f"credit knob statuses={self.statuses!r}: unknown {', '.join(sorted(unknown))} "
                f"(known: {', '.join(financing.STATUSES)})"
            )
        for pair in names(self.gauges):
            if not pair.partition("=")[2].strip():
                raise SpecificationError(f"credit knob gauges: {pair!r} is not COMPANY=TICKER")

    def shock_shares(self) -> dict[str, float]:
        """The shocks as ``{firm: share it fails to pay}``."""
        return dict(_shock_shares(self.shocks))

    def buffer_overrides(self) -> dict[str, float]:
        return parse_assignments([self.buffers] if self.buffers.strip() else [], form="FIRM=USD_BN")

    def status_list(self) -> tuple[str, ...]:
        return names(self.statuses)

    def gauge_list(self) -> tuple[tuple[str, str], ...]:
        """``((company, ticker), ...)``."""
        out = []
        for pair in names(self.gauges):
            company, _, ticker = pair.partition("=")
            out.append((company.strip(), ticker.strip()))
        return tuple(out)


@dataclass(frozen=True)
class CreditView:
    """The model output behind the section: the stress run and the debt's instrument mix."""

    stress: stress_model.StressResult
    mix: debt_model.InstrumentMix | None
    """None where the debt table lacks either hyperscaler or other issuers' debt."""
    issuance: pd.DataFrame
    """Debt issued by instrument (columns) and quarter (rows), USD bn."""

    def to_dict(self) -> dict[str, Any]:
        mix = self.mix
        return {
            "stress": self.stress.to_dict(),
            "instrument_mix": None
            if mix is None
            else {
                "hyperscaler_ig_share": mix.hyperscaler_ig_share,
                "other_risky_share": mix.other_risky_share,
                "risky_instruments": list(debt_model.RISKY),
                "hyperscaler_sources": list(mix.hyperscaler_sources),
                "other_sources": list(mix.other_sources),
            },
        }


def _pays(shocks: Mapping[str, float], verb: str) -> str:
    return " and ".join(f"{firm} {verb} {1 - share:.0%}" for firm, share in shocks.items())


def _obligations(statuses: tuple[str, ...]) -> str:
    if statuses == ("binding",):
        return "binding obligations"
    return "obligations (" + ", ".join(s.replace("_", " ") for s in statuses) + ")"


def _both_kinds(debt: pd.DataFrame) -> bool:
    hyperscaler = debt["issuer_type"] == "hyperscaler"
    return bool(hyperscaler.any() and not hyperscaler.all())


#: Issuer types as a reader says them (others: the type's words, plural).
_ISSUERS = {"ai_lab": "AI labs", "dc_vehicle": "data-centre vehicles"}


def analyze(t: Tables, p: CreditParams) -> Result:
    debt, market = t["debt"], t["market"]
    shocks = p.shock_shares()
    figures = []
    for _, ticker in p.gauge_list():
        if not ((market["series"] == ticker) & (market["field"] == PRICE)).any():
            raise SpecificationError(f"credit knob gauges: no {PRICE} prices of {ticker!r}")
        prices, src = market_series(market, ticker, PRICE)
        figures.append(
            KeyFigure(
                f"{ticker} below its month-end high ({prices.index[-1]:%b %Y})",
                float(drawdown(prices).iloc[-1]),
                "share",
                (src,),
                claim_id="C18",
            )
        )
    by_type = debt.groupby("issuer_type")["amount_usd_bn"].sum().sort_values(ascending=False)
    for issuer_type, amount in by_type.items():
        figures.append(
            KeyFigure(
                f"Debt raised by {_ISSUERS.get(str(issuer_type), str(issuer_type).replace('_', ' ') + 's')}",
                float(amount),
                "usd_bn",
                tuple(dict.fromkeys(debt.loc[debt["issuer_type"] == issuer_type, "source_id"])),
                claim_id="C16",
            )
        )
    result = stress_model.stress(
        t["deals"],
        t["financials"],
        shocks,
        buffer_overrides=p.buffer_overrides(),
        other_buffer=p.other_buffer,
        statuses=p.status_list(),
        default_term=p.default_term,
    )
    mix = debt_model.instrument_mix(debt) if _both_kinds(debt) else None
    hit = result.hit()
    losers = hit.loc[hit["loss_on_claims"] > _LOSS]
    for firm, row in losers.iterrows():
        figures.append(
            KeyFigure(
                f"If {_pays(shocks, 'pays')} of a year's obligations: {firm} loses",
                float(row["loss_on_claims"]),
                "usd_bn",
                result.source_ids,
                f"buffer ${row['buffer']:,.1f}bn ({result.buffer_origin[str(firm)]})",
            )
        )
    figures.append(
        KeyFigure(
            "DebtRank of that shock (share of the network's economic value hit, 0 to 1)",
            result.debtrank.debtrank,
            "stat",
            result.source_ids,
        )
    )
    beyond = losers.loc[(losers["loss_on_claims"] > losers["buffer"]) & (losers["buffer"] > 0)]
    failing = [f for f in result.clearing.defaulted if f not in shocks]
    obligations = _obligations(p.status_list())
    lead = p.gauge_list()[0][0]
    reading = (
        f"{lead}'s shares close {-float(figures[0].value):.0%} below their month-end high and the "
        f"table holds ${debt['amount_usd_bn'].sum():,.0f}bn of AI-related debt. If "
        f"{_pays(shocks, 'paid only')} of a year's {obligations}, "
        f"{', '.join(map(str, losers.index))} would lose "
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
    quarters = debt.assign(quarter=pd.to_datetime(debt["date"]).dt.to_period("Q").astype(str))
    issuance = quarters.pivot_table(
        index="quarter", columns="instrument", values="amount_usd_bn", aggfunc="sum"
    )
    return Result(
        "credit",
        p,
        reading,
        tuple(figures),
        tables=(
            (
                f"Stress: {_pays(shocks, 'pays')} of a year's {obligations} (USD bn)",
                _stress_table(result),
            ),
        ),
        detail=CreditView(result, mix, issuance),
    )


def _stress_table(result: stress_model.StressResult) -> pd.DataFrame:
    """The stress run per firm, with where each buffer comes from (a firm without a cash-flow
    figure in the data gets the ``other_buffer`` knob's value, zero unless set)."""
    frame = result.to_frame().round(2)
    origin = {
        firm: (
            text.rsplit(" (", 1)[0]
            if text.startswith("operating cash flow")
            else "none in the data: --other-buffer, 0 unless set"
            if text == "scenario choice"
            else text
        )
        for firm, text in result.buffer_origin.items()
    }
    frame.insert(1, "buffer_from", pd.Series(origin).reindex(frame.index))
    return frame.reset_index()


INSTRUMENTS = {
    "ig_bond": ("Investment grade", "#1f77b4"),
    "convertible": ("Convertibles", "#9ecae1"),
    "hy_bond": ("High-yield bonds", "#ff7f0e"),
    "private_credit": ("Private credit", "#9467bd"),
    "project_finance": ("Project finance", "#d62728"),
    "term_loan": ("Term loans", "#8c564b"),
}
"""How the chart names and colours each instrument of the ``debt`` table (others are spelt
out in grey): safer instruments in blues, the riskier ones (:data:`debt_model.RISKY`) warm."""


def _instrument(name: object) -> tuple[str, str]:
    """The instrument's label and colour."""
    return INSTRUMENTS.get(str(name), (str(name).replace("_", " ").capitalize(), "#7f7f7f"))


def _issuance_chart(v: CreditView) -> go.Figure:
    """Debt issued each quarter by instrument, on a date axis (a bar spans its quarter)."""
    issuance = v.issuance.sort_index()
    quarters = pd.PeriodIndex(issuance.index, freq="Q")
    full = pd.period_range(quarters.min(), quarters.max(), freq="Q")
    issuance = issuance.set_axis(quarters).reindex(full)
    starts = full.to_timestamp(how="start")
    labels = [f"{q.year} Q{q.quarter}" for q in full]
    fig = go.Figure()
    order = sorted(issuance.columns, key=lambda c: (c in debt_model.RISKY, str(c)))
    for instrument in order:
        fig.add_trace(
            go.Bar(
                x=starts,
                y=issuance[instrument].fillna(0.0).to_numpy(),
                name=_instrument(instrument)[0],
                marker={"color": _instrument(instrument)[1]},
                xperiod="M3",
                xperiodalignment="middle",
                customdata=labels,
                hovertemplate="%{customdata}: $%{y:,.1f}bn<extra>%{fullData.name}</extra>",
            )
        )
    total = issuance.sum(axis=1)
    peak = total.idxmax()
    mix = v.mix
    finding = (
        f"hyperscalers borrowed {mix.hyperscaler_ig_share:.0%} in investment-grade bonds, "
        f"other issuers {mix.other_risky_share:.0%} in private credit, project finance or "
        "high yield (C16)"
        if mix is not None
        else f"the largest quarter was {peak.year} Q{peak.quarter}"
    )
    style(
        fig,
        title=(
            f"AI-related debt: ${total.sum():,.0f}bn in {len(full)} quarters, "
            f"${total.max():,.0f}bn in {peak.year} Q{peak.quarter} alone;<br>{finding}"
        ),
        x_title="Quarter issued",
        y_title="Debt raised (USD bn)",
    )
    fig.update_layout(barmode="stack")
    quarter_axis(fig)
    return fig


def _stress_chart(r: Result) -> go.Figure:
    """Each firm's loss under the shock against its buffer (a year's operating cash flow)."""
    v: CreditView = r.detail
    p: CreditParams = r.params  # type: ignore[assignment]
    hit = v.stress.hit()
    losers = hit.loc[hit["loss_on_claims"] > _LOSS].sort_values("loss_on_claims")
    origin = v.stress.buffer_origin
    firms = [
        str(f) if str(origin.get(str(f), "")).startswith("operating cash flow") else f"{f}*"
        for f in losers.index
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=firms,
            x=losers["loss_on_claims"].to_numpy(),
            orientation="h",
            name="Loss on its claims on the shocked firms",
            marker={"color": "#d62728"},
        )
    )
    fig.add_trace(
        go.Bar(
            y=firms,
            x=losers["buffer"].to_numpy(),
            orientation="h",
            name="Buffer: a year's cash flow (*: no data)"
            if any(f.endswith("*") for f in firms)
            else "Buffer: a year's operating cash flow",
            marker={"color": "#bbbbbb"},
        )
    )
    beyond = [f for f, row in losers.iterrows() if 0 < row["buffer"] < row["loss_on_claims"]]
    shocks = _pays(p.shock_shares(), "pays")
    lost = float(losers["loss_on_claims"].sum())
    title = f"If {shocks} of a year's obligations, {len(firms)} firms lose ${lost:,.0f}bn"
    title += (
        f";<br>{', '.join(map(str, beyond))} more than a year's operating cash flow"
        if beyond
        else ";<br>each less than a year's operating cash flow"
    )
    style(
        fig,
        title=title,
        x_title="Loss or buffer (USD bn)",
        y_title="Firm",
        height=max(320, 120 + 48 * len(firms)),
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(
        type="log" if losers["buffer"].max() > 20 * losers["loss_on_claims"].max() else "linear"
    )
    return fig


def chart(r: Result) -> list[go.Figure]:
    """Debt issuance by quarter and instrument, and the stress run's losses against buffers."""
    figures = [_issuance_chart(r.detail)]
    if (r.detail.stress.hit()["loss_on_claims"] > _LOSS).any():
        figures.append(_stress_chart(r))
    return figures


def signal(r: Result) -> Signal:
    """Where the stress lands: a default in turn, a loss beyond a year's cash flow, or neither."""
    v: CreditView = r.detail
    params: CreditParams = r.params  # type: ignore[assignment]
    shocks = params.shock_shares()
    hit = v.stress.hit()
    losers = hit.loc[hit["loss_on_claims"] > _LOSS]
    beyond = losers.loc[(losers["loss_on_claims"] > losers["buffer"]) & (losers["buffer"] > 0)]
    failing = [f for f in v.stress.clearing.defaulted if f not in shocks]
    lean = Lean.BUBBLE if failing else Lean.NEUTRAL if len(beyond) else Lean.BOOM
    named = ", ".join(map(str, beyond.index)) or "none"
    return Signal(
        indicator=(
            f"Firms that lose more than a year's operating cash flow if {_pays(shocks, 'pays')} "
            "of a year's obligations"
        ),
        value=float(len(beyond)),
        unit="count",
        history=(
            f"no history to rank it in (one stress of the deal network): {named}; "
            + (
                f"{', '.join(failing)} could not pay in full in turn"
                if failing
                else "no other firm's obligations would go unpaid"
            )
        ),
        percentile=None,
        lean=lean,
        rule=(
            "bubble-leaning when the shock leaves another firm unable to pay its own "
            "obligations (contagion), neutral when it costs a firm more than a year's operating "
            "cash flow but every obligation is paid, boom-leaning when every loss fits within a "
            "year's operating cash flow"
        ),
        source_ids=v.stress.source_ids,
    )


ARGUMENT = register(
    Argument(
        id="credit",
        title="Credit and neocloud gauges",
        question="Do credit markets and neocloud shares signal stress, and where would a shock travel?",
        params=CreditParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("market", "debt", "deals", "financials"),
        command_help=(
            "Credit and neocloud gauges: share drawdowns, AI-related debt, and a clearing and "
            "DebtRank stress of the deal network (--shocks, --default-term, --buffers)."
        ),
    )
)
