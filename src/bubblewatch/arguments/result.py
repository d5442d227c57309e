"""What an argument's analysis returns: its reading, key figures, named tables and model output.

A :class:`Result` is immutable and self-describing: the params and data vintage that made it, the
reading computed from the figures, each key figure with its source ids (and the claim it tests,
where it tests one), named tables, charts (built on demand by the argument's ``chart``), a text
summary, a long frame and strict JSON (no NaN or Infinity anywhere: ``null`` with a reason).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch._json import records, strict
from bubblewatch.errors import ReportError

if TYPE_CHECKING:
    from bubblewatch.arguments.params import Params
    from bubblewatch.store import DataVintage

MINUS = "\u2212"
"""The minus sign of displayed negatives (``−$28,412``), not a hyphen."""

_UNIT_FORMATS: Mapping[str, str] = {
    "usd_bn": "${:,.1f}bn",
    "usd_m": "${:,.0f}m",
    "usd": "${:,.0f}",
    "pct": "{:.1f}%",
    "pp": "{:.2f} pp",
    "gw": "{:,.1f} GW",
    "mw": "{:,.0f} MW",
    "kw": "{:,.2f} kW",
    "twh": "{:,.0f} TWh",
    "x": "{:.1f}x",
    "count": "{:,.0f}",
    "index_points": "{:,.2f}",
    "usd_per_share": "${:,.2f}",
    "stat": "{:.2f}",
}

#: Units whose trailing zeros after the decimal point say nothing (``4.0 years`` → ``4 years``).
_TRIMMED = {"gw", "kw", "years", "usd_tn"}

#: How the denominators of ``usd_per_*`` units read (``usd_per_bbl`` → ``$58/bbl``).
_PER = {
    "gpu_hour": "GPU-hour",
    "bbl": "bbl",
    "share": "share",
    "kwh": "kWh",
    "mwh": "MWh",
    "kw_month": "kW-month",
    "kw_year": "kW-year",
}


def _trim(text: str) -> str:
    """``4.00`` → ``4``, ``1.40`` → ``1.4``; digits before the point are kept."""
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


def unit_text(unit: str) -> str:
    """A unit code in words, for units :func:`format_value` has no format of its own for."""
    if unit.startswith("usd_per_"):
        return "$/" + _PER.get(unit.removeprefix("usd_per_"), unit.removeprefix("usd_per_"))
    known = {"gw": "GW", "mw": "MW", "kw": "kW", "twh": "TWh", "pct": "%", "pp": "pp"}
    if unit in known:
        return known[unit]
    return unit.replace("_per_", "/").replace("_", " ")


def _magnitude(value: float, unit: str) -> str:
    """``value`` (not negative) in ``unit``, without a sign."""
    if unit == "usd_bn" and value >= 1000:
        return _magnitude(value / 1000, "usd_tn")
    if unit == "usd_tn":
        return "$" + _trim(f"{value:,.2f}") + "tn"
    if unit == "share":
        return f"{value:.1%}" if 0 < value < 0.01 else f"{value:.0%}"
    if unit == "years":
        text = _trim(f"{value:,.1f}")
        return text + (" year" if text == "1" else " years")
    if unit in ("gw", "kw") and value >= 100:
        return f"{value:,.0f} " + unit_text(unit)
    if unit.startswith("usd_per_") and unit != "usd_per_share":
        return "$" + _trim(f"{value:,.2f}") + "/" + unit_text(unit).removeprefix("$/")
    if unit in _UNIT_FORMATS:
        text = _UNIT_FORMATS[unit].format(value)
        return _trim_number(text) if unit in _TRIMMED else text
    number = f"{value:,.0f}" if value >= 1000 or value == int(value) else f"{value:,.2f}"
    return f"{number} {unit_text(unit)}".rstrip()


def _trim_number(text: str) -> str:
    head, _, tail = text.partition(" ")
    return f"{_trim(head)} {tail}".rstrip()


def format_value(value: float | str, unit: str) -> str:
    """Human-readable figure: ``format_value(64.551, "usd_bn") == "$64.6bn"``.

    Money in $m/$bn (``$tn`` from a thousand billion), shares as percent, years as years
    (``2018``), ``usd_per_*`` as ``$58/bbl``; negatives with a minus sign before the currency
    (``−$28,412``); a figure that rounds to zero has no sign (``0.00 pp``, not ``+0.00 pp``);
    a unit without a format of its own is written in words, never as its code.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "unbounded" if value > 0 else MINUS + "unbounded"
    if unit == "year":
        return f"{value:.0f}" if value == round(value) else f"{value:.1f}"
    body = _magnitude(abs(value), unit)
    if not any(ch in "123456789" for ch in body.split(" ")[0]):
        return body
    if value < 0:
        return MINUS + body
    return "+" + body if unit == "pp" else body


@dataclass(frozen=True)
class KeyFigure:
    """One figure of an argument, with the sources it rests on and the claim it tests."""

    label: str
    value: float | str
    unit: str
    source_ids: tuple[str, ...]
    note: str = ""
    claim_id: str = ""
    """The claim this figure tests or states (``"C26"``), if any."""

    def __post_init__(self) -> None:
        if not self.source_ids:
            raise ReportError(f"figure {self.label!r} has no source")

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def is_missing(self) -> bool:
        return isinstance(self.value, float) and not math.isfinite(self.value)

    def to_dict(self) -> dict[str, Any]:
        value: Any = self.value
        out: dict[str, Any] = {
            "label": self.label,
            "value": None if self.is_missing else value,
            "unit": self.unit,
            "display": self.display,
            "source_ids": list(self.source_ids),
            "note": self.note,
        }
        if self.claim_id:
            out["claim_id"] = self.claim_id
        if self.is_missing:
            out["value_note"] = self.note or "not available in the data"
        return out


class Lean(Enum):
    """Which way one argument's evidence leans on the question "bubble or boom?"."""

    BUBBLE = "bubble-leaning"
    BOOM = "boom-leaning"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Signal:
    """The scoreboard line of one argument: the indicator that carries it, where it sits in its
    own history, and the stated rule that turns it into a lean."""

    indicator: str
    """Human label of the indicator (``"S&P 500 CAPE (Shiller), Mar 2026"``)."""
    value: float | str
    unit: str
    history: str
    """Where the value sits in its own history (a percentile, or its position on the historical
    analog); where the data have no history, that is said plainly."""
    percentile: float | None
    """Share of the indicator's earlier observations below the value now, 0-100 (None: no
    history to rank it in)."""
    lean: Lean
    rule: str
    """The rule that sets the lean, written for a reader."""
    source_ids: tuple[str, ...]
    observations: int = 0
    """How many earlier observations the percentile ranks the value among (0: none)."""

    def __post_init__(self) -> None:
        if not self.source_ids:
            raise ReportError(f"signal {self.indicator!r} has no source")
        if (self.percentile is None) != (self.observations == 0):
            raise ReportError(f"signal {self.indicator!r}: a percentile needs its observations")

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        missing = isinstance(value, float) and not math.isfinite(value)
        payload: dict[str, Any] = strict(
            {
                "indicator": self.indicator,
                "value": None if missing else value,
                "unit": self.unit,
                "display": self.display,
                "history": self.history,
                "percentile": self.percentile,
                "observations": self.observations,
                "lean": self.lean.value,
                "rule": self.rule,
                "source_ids": list(self.source_ids),
            }
        )
        return payload


@dataclass(frozen=True)
class Result:
    """One argument evaluated on one params set and one data vintage."""

    argument: str
    params: Params
    reading: str
    key_figures: tuple[KeyFigure, ...]
    tables: tuple[tuple[str, pd.DataFrame], ...] = field(default=(), compare=False, repr=False)
    headline: int = 0
    """Index of the key figure that sums the argument up (the scorecard shows it)."""
    extra_source_ids: tuple[str, ...] = ()
    detail: Any = field(default=None, compare=False, repr=False)
    """The model output behind the figures (what claim checks grade), typed per argument."""
    vintage: DataVintage | None = field(default=None, compare=False)
    signal: Signal | None = None
    """The argument's scoreboard signal (set by its registered ``signal`` function)."""

    def __post_init__(self) -> None:
        if self.key_figures and not 0 <= self.headline < len(self.key_figures):
            raise ReportError(f"{self.argument}: headline {self.headline} is not a key figure")

    def __repr__(self) -> str:
        from bubblewatch._repr import clip, count

        head = f"; {self.key_figure.label}: {self.key_figure.display}" if self.key_figures else ""
        vintage = "" if self.vintage is None else f", data {self.vintage.describe()}"
        return clip(
            f"<Result {self.argument}: {count(len(self.key_figures), 'key figure')}, "
            f"{count(len(self.tables), 'table')}{vintage}{head}>",
            300,
        )

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        from bubblewatch._repr import text_card

        p.text(
            repr(self)
            if cycle
            else text_card(
                f"{self.argument} (params {type(self.params).__name__})",
                self.reading,
                self.key_figures,
                ".summary() lists every figure; .figures() draws the charts; .to_dict() has all.",
            )
        )

    def _repr_html_(self) -> str:
        from bubblewatch._repr import count, html_card

        vintage = "" if self.vintage is None else f"; data vintage {self.vintage.describe()}"
        return html_card(
            self.argument,
            f"{count(len(self.key_figures), 'key figure')}, {count(len(self.tables), 'table')}",
            self.reading,
            self.key_figures,
            f"Result of {self.argument}{vintage}.",
        )

    def with_vintage(self, vintage: DataVintage | None) -> Result:
        return replace(self, vintage=vintage)

    @property
    def one_line(self) -> str:
        first, sep, _ = self.reading.partition(". ")
        return first + "." if sep else self.reading

    @property
    def key_figure(self) -> KeyFigure:
        return self.key_figures[self.headline]

    def figure(self, label: str) -> KeyFigure:
        """The key figure whose label starts with ``label``."""
        for fig in self.key_figures:
            if fig.label.startswith(label):
                return fig
        raise KeyError(f"{self.argument}: no key figure labelled {label!r}")

    def table(self, title: str) -> pd.DataFrame:
        for name, frame in self.tables:
            if name == title:
                return frame
        raise KeyError(f"{self.argument}: no table titled {title!r}")

    @property
    def source_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for fig in self.key_figures:
            for sid in fig.source_ids:
                seen.setdefault(sid, None)
        for sid in self.extra_source_ids:
            seen.setdefault(sid, None)
        return tuple(seen)

    def figures(self) -> list[Any]:
        """The argument's Plotly charts, built from this result."""
        from bubblewatch.arguments.registry import get

        chart = get(self.argument).chart
        return [] if chart is None else list(chart(self))

    def summary(self) -> str:
        lines = [f"{self.argument}: {self.reading}", ""]
        width = max((len(f.label) for f in self.key_figures), default=0)
        for fig in self.key_figures:
            tail = f"  [{', '.join(fig.source_ids)}]"
            note = f"  ({fig.note})" if fig.note else ""
            lines.append(f"{fig.label:<{width}}  {fig.display}{note}{tail}")
        if self.signal is not None:
            sig = self.signal
            lines += [
                "",
                f"signal: {sig.lean.value}: {sig.indicator} {sig.display} ({sig.history})",
                f"rule: {sig.rule}",
            ]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per key figure."""
        return pd.DataFrame(
            [
                {
                    "argument": self.argument,
                    **fig.to_dict(),
                    "source_ids": ";".join(fig.source_ids),
                    "claim_id": fig.claim_id,
                }
                for fig in self.key_figures
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """Strict-JSON form: params, vintage, reading, key figures, tables and the model output."""
        detail = self.detail
        model = detail.to_dict() if hasattr(detail, "to_dict") else None
        payload: dict[str, Any] = strict(
            {
                "argument": self.argument,
                "params": self.params.to_dict(),
                "data_vintage": None if self.vintage is None else self.vintage.to_dict(),
                "reading": self.reading,
                "headline": self.headline,
                "key_figures": [fig.to_dict() for fig in self.key_figures],
                "tables": [{"title": t, "rows": records(frame)} for t, frame in self.tables],
                "source_ids": list(self.source_ids),
                "signal": None if self.signal is None else self.signal.to_dict(),
                "model": model,
            }
        )
        return payload
