"""The ``power`` argument: how many gigawatts are needed, and how many can be built?

Every sourced US data-centre demand path against every sourced build rate (or build rates of
the user's choosing): the gap a year and the cumulative shortfall by the horizon, with the
conversion of a gigawatt into H100-class accelerators and their cost, from
:func:`bubblewatch.models.power.outlook`. The debate's figures (C32's build rate, C33's gap and
shortfall) are read from the claims table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch._assignments import parse_floats
from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Signal, lean_by, missing
from bubblewatch.charts import CLAIM_COLOUR, style
from bubblewatch.frames import claim_sources
from bubblewatch.models import power
from bubblewatch.models.gpu.assumptions import BOUNDS

if TYPE_CHECKING:
    from bubblewatch.claims.claimed import Claimed

_IDS = r"[\w.,\- ]*"
"""Comma-separated path ids (empty: every sourced path)."""
_NUMBERS = r"[0-9.,eE+\- ]*"
"""Comma-separated numbers (empty: none); each is read in :meth:`PowerParams.build_rates`."""
CONVERSION = ("gpu_tdp_kw", "server_overhead", "pue", "purchase_usd")
"""The assumptions of the GW conversion (:func:`bubblewatch.models.power.conversion`)."""


_FROM_DATA = "unset: the sourced value in the accelerators table"


@dataclass(frozen=True)
class PowerParams(Params):
    argument = "power"
    scenario: str = knob(
        "",
        unit="path ids",
        doc="Demand paths by series id, comma-separated (empty: every sourced forecast).",
        pattern=_IDS,
    )
    supply: str = knob(
        "",
        unit="path ids",
        doc="Build paths by series id, comma-separated (empty: every sourced build rate, "
        "or none when --build is given).",
        pattern=_IDS,
    )
    build: str = knob(
        "",
        unit="GW a year",
        doc=f"Build rates of your own, comma-separated, 0 to {power.MAX_BUILD_GW:g} (e.g. 8,12).",
        pattern=_NUMBERS,
    )
    through: int = knob(
        2030,
        unit="year",
        doc="Last year of the horizon (after the base year of installed capacity).",
        low=2001,
        high=2100,
    )
    gpu_tdp_kw: float | None = knob(
        None,
        unit="kw",
        doc=f"GPU maximum power ({_FROM_DATA}).",
        low=BOUNDS["gpu_tdp_kw"][0],
        high=BOUNDS["gpu_tdp_kw"][1],
    )
    server_overhead: float | None = knob(
        None,
        unit="x",
        doc=f"Server power per GPU over GPU TDP ({_FROM_DATA}).",
        low=BOUNDS["server_overhead"][0],
        high=BOUNDS["server_overhead"][1],
    )
    pue: float | None = knob(
        None,
        unit="x",
        doc=f"Power usage effectiveness ({_FROM_DATA}).",
        low=BOUNDS["pue"][0],
        high=BOUNDS["pue"][1],
    )
    purchase_usd: float | None = knob(
        None,
        unit="usd",
        doc=f"All-in cost of one accelerator ({_FROM_DATA}).",
        low=BOUNDS["purchase_usd"][0],
        high=BOUNDS["purchase_usd"][1],
    )

    def ids(self, name: str) -> list[str]:
        """The path ids of knob ``name`` (``scenario`` or ``supply``)."""
        return [x.strip() for x in str(getattr(self, name)).split(",") if x.strip()]

    def build_rates(self) -> list[float]:
        return parse_floats(self.build, "build") if self.build.strip() else []

    def overrides(self) -> dict[str, float]:
        """The conversion assumptions set by the user."""
        return {n: float(v) for n in CONVERSION if (v := getattr(self, n)) is not None}


def _claim_quantities(claims: pd.DataFrame, claim_id: str) -> tuple[Claimed, ...]:
    """The quantities the claims table states for ``claim_id`` (none if it has no figures)."""
    from bubblewatch.claims.claimed import parse  # the claims package imports the arguments

    rows = claims.loc[claims["claim_id"] == claim_id, "figures"].dropna()
    return parse(str(rows.iloc[0])) if len(rows) else ()


def year_of(quantity: Claimed) -> int | None:
    """The year the words of a claimed quantity name (``"50-100 GW by 2030"``: 2030), if any."""
    found = re.search(r"\b(?:19|20)\d\d\b", quantity.text)
    return int(found.group(0)) if found else None


def _first(quantities: tuple[Claimed, ...], unit: str) -> Claimed | None:
    return next((q for q in quantities if q.unit == unit), None)


@dataclass(frozen=True)
class DebateFigures:
    """What the debate claims: the build rate (C32), the gap a year and the shortfall (C33)."""

    build: Claimed | None
    gap: Claimed | None
    shortfall: Claimed | None
    shortfall_year: int | None

    @classmethod
    def from_claims(cls, claims: pd.DataFrame) -> DebateFigures:
        c33 = _claim_quantities(claims, "C33")
        shortfall = _first(c33, "gw")
        return cls(
            _first(_claim_quantities(claims, "C32"), "gw_per_year"),
            _first(c33, "gw_per_year"),
            shortfall,
            None if shortfall is None else year_of(shortfall),
        )

    def to_dict(self) -> dict[str, Any]:
        def span(q: Claimed | None) -> list[float] | None:
            return None if q is None else [q.low, q.high]

        return {
            "build_gw_per_year": span(self.build),
            "gap_gw_per_year": span(self.gap),
            "shortfall_gw": span(self.shortfall),
            "shortfall_year": self.shortfall_year,
        }


@dataclass(frozen=True)
class PowerView:
    """The model's outlook and the debate's figures it is read against."""

    outlook: power.Outlook
    debate: DebateFigures

    def to_dict(self) -> dict[str, Any]:
        return {**self.outlook.to_dict(), "debate": self.debate.to_dict()}


def _position(value: float, lo: float, hi: float) -> str:
    if value < lo:
        return "below"
    if value > hi:
        return "above"
    return "within"


def _range(q: Claimed) -> str:
    return f"{q.low:g}-{q.high:g}"


def _path_name(name: str, table: pd.DataFrame) -> str:
    """A path as a reader names it: ``"gridstrat2024_us_dc_load_growth_2029-low"`` →
    ``"Grid Strategies (2024 series), low"``; the name itself where no series matches."""
    series, _, case = name.partition("-")
    rows = table.loc[table["series_id"] == series]
    if rows.empty:
        return name
    row = rows.iloc[0]
    metric = re.sub(r"\b(\d+)yr\b", r"over \1 years", str(row["metric"]).replace("_", " "))
    label = f"{row['publisher_short']}, {row['entity']} {metric}"
    label += f" to {int(row['year'])}" if pd.notna(row["year"]) else ""
    return label + (f" ({case})" if case else "")


def analyze(t: Tables, p: PowerParams) -> Result:
    o = power.outlook(
        t["power"],
        t["accelerators"],
        demand=p.ids("scenario"),
        supply=p.ids("supply"),
        build_gw=p.build_rates(),
        through=p.through,
        overrides=p.overrides(),
    )
    claims = t["claims"]
    debate = DebateFigures.from_claims(claims)
    grid, col = o.grid, o.shortfall_column
    demand = pd.Series({q.name: q.gw_per_year for q in o.demand.values()})
    latest, built = o.latest_builds()
    built_gw = np.array([q.gw_per_year for q in built])
    annual, total = grid["annual_gap_gw"], grid[col]
    all_ids = tuple(
        dict.fromkeys(s for q in (*o.demand.values(), *o.supply.values()) for s in q.source_ids)
    )
    conv = o.conversion
    figures: list[KeyFigure] = [
        KeyFigure(
            f"US data-centre capacity installed, {o.base_year} (mean of published figures)",
            o.base_gw,
            "gw",
            o.base_sources,
        ),
        KeyFigure(
            f"Demand growth implied by {len(demand)} sourced forecasts, median",
            float(demand.median()),
            "gw",
            tuple(dict.fromkeys(s for q in o.demand.values() for s in q.source_ids)),
            f"range {demand.min():.1f}-{demand.max():.1f} GW a year",
        ),
    ]
    if len(built):
        figures.append(
            KeyFigure(
                f"Capacity added in {latest}, as published",
                f"{built_gw.min():g}-{built_gw.max():g} GW",
                "text",
                tuple(dict.fromkeys(s for q in built for s in q.source_ids)),
                claim_id="C32",
            )
        )
    figures.append(
        KeyFigure(
            "Gap a year, median over demand x build paths",
            float(annual.median()),
            "gw",
            all_ids,
            f"range {annual.min():+.1f} to {annual.max():+.1f} GW",
            claim_id="C33",
        )
    )
    headline = len(figures)
    figures.append(
        KeyFigure(
            f"Cumulative shortfall by {o.through}, median over paths",
            float(total.median()),
            "gw",
            all_ids,
            f"range {total.min():+.0f} to {total.max():+.0f} GW",
            claim_id="C33",
        )
    )
    if debate.build is not None:
        figures.append(
            KeyFigure(
                "Claimed build rate (C32)",
                f"{_range(debate.build)} GW a year",
                "text",
                claim_sources(claims, "C32"),
                claim_id="C32",
            )
        )
    if debate.gap is not None and debate.shortfall is not None:
        figures.append(
            KeyFigure(
                "Claimed shortfall (C33)",
                f"{_range(debate.gap)} GW a year, {_range(debate.shortfall)} GW"
                + (f" by {debate.shortfall_year}" if debate.shortfall_year else ""),
                "text",
                claim_sources(claims, "C33"),
                claim_id="C33",
            )
        )
    conv_ids = tuple(dict.fromkeys(a.source_id for a in conv.assumptions.values() if a.source_id))
    if conv_ids:  # none when the user sets every conversion assumption: nothing sourced to cite
        figures += [
            KeyFigure(
                "H100-class accelerators per GW at the meter",
                conv.accelerators_per_gw,
                "count",
                conv_ids,
                f"{conv.kw_per_accelerator:.2f} kW each (TDP x server overhead x PUE)",
            ),
            KeyFigure(
                "Accelerator cost of one GW", conv.gw_to_capex_usd_bn(1.0), "usd_bn", conv_ids
            ),
        ]
    table = t["power"]
    figures += [
        KeyFigure(
            f"Published shortfall: {r.publisher_short}"
            + (
                ""  # tables read without the store carry no publication date
                if pd.isna(getattr(r, "published", None))
                else f" ({pd.Timestamp(r.published):%b %Y})"
            )
            + f", by {r.year}",
            f"{r.value:g} GW",
            "text",
            (r.source_id,),
            claim_id="C33",
        )
        for r in table.loc[
            (table["entity"] == "US data centers") & (table["metric"] == "capacity_shortfall")
        ].itertuples()
        if pd.notna(r.value)
    ]
    med_a, med_t = float(annual.median()), float(total.median())
    reading = (
        f"Sourced forecasts put US data-centre demand growth at {demand.min():.0f}-{demand.max():.0f} GW "
        f"a year (median {demand.median():.1f})"
        + (
            f" against {built_gw.min():g}-{built_gw.max():g} GW added in {latest}"
            if len(built)
            else ""
        )
        + f"; the median gap is {med_a:.1f} GW a year and {med_t:.0f} GW by {o.through}"
    )
    if debate.gap is not None and debate.shortfall is not None:
        reading += (
            f", {_position(med_a, debate.gap.low, debate.gap.high)} the debate's "
            f"{_range(debate.gap)} GW a year and "
            f"{_position(med_t, debate.shortfall.low, debate.shortfall.high)} its "
            f"{_range(debate.shortfall)} GW"
        )
    reading += "."
    path_table = pd.DataFrame(
        [
            {
                "path": _path_name(q.name, t["power"]),
                "kind": q.kind,
                "gw_per_year": round(q.gw_per_year, 2),
                "basis": q.basis,
                "sources": ", ".join(q.source_ids),
            }
            for q in (*o.demand.values(), *o.supply.values())
        ]
    )
    assumptions = pd.DataFrame([a.to_dict() for a in conv.assumptions.values()])
    return Result(
        "power",
        p,
        reading,
        tuple(figures),
        tables=(
            ("Demand and build paths (GW a year)", path_table),
            ("Conversion assumptions", assumptions),
        ),
        headline=headline,
        detail=PowerView(o, debate),
    )


def chart(r: Result) -> list[go.Figure]:
    view: PowerView = r.detail
    o, debate = view.outlook, view.debate
    annual = o.grid["annual_gap_gw"]
    steps = np.arange(o.through - o.base_year + 1)
    paths = np.outer(annual.to_numpy(), steps)
    x = o.base_year + steps
    band = f"Range over {len(annual)} demand x build paths"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=paths.max(axis=0),
            mode="lines",
            line={"width": 0},
            name=band,
            legendgroup=band,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=paths.min(axis=0),
            mode="lines",
            fill="tonexty",
            line={"width": 0},
            fillcolor="rgba(31,119,180,0.18)",
            name=band,
            legendgroup=band,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=np.median(paths, axis=0),
            name="Median path",
            line={"color": "#1f77b4", "width": 3},
            hovertemplate="%{x}: %{y:,.1f} GW short<extra></extra>",
        )
    )
    if debate.gap is not None:
        wedge = f"Claimed: {_range(debate.gap)} GW a year, added up (C33)"
        for rate, show in ((debate.gap.low, True), (debate.gap.high, False)):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=rate * steps,
                    mode="lines",
                    line={"color": CLAIM_COLOUR, "dash": "dot", "width": 1.5},
                    name=wedge,
                    legendgroup=wedge,
                    showlegend=show,
                    hovertemplate=f"%{{x}}: %{{y:,.0f}} GW at {rate:g} GW a year<extra></extra>",
                )
            )
    median_total = float(o.grid[o.shortfall_column].median())
    title = f"On the median path US data centres are {median_total:.0f} GW short by {o.through}"
    if debate.shortfall is not None:
        year = debate.shortfall_year or o.through
        when = f" by {debate.shortfall_year}" if debate.shortfall_year else ""
        fig.add_shape(
            type="rect",
            x0=year - 0.15,
            x1=year + 0.15,
            y0=debate.shortfall.low,
            y1=debate.shortfall.high,
            fillcolor=CLAIM_COLOUR,
            opacity=0.3,
            line_width=0,
            name=f"Claimed: {_range(debate.shortfall)} GW short{when} (C33)",
            showlegend=True,
        )
        title += (
            f", {_position(median_total, debate.shortfall.low, debate.shortfall.high)} "
            f"the debate's {_range(debate.shortfall)} GW"
        )
    style(
        fig,
        title=title,
        x_title="Year",
        y_title=f"Shortfall since {o.base_year} (GW)",
    )
    fig.update_xaxes(tickformat="d", dtick=1)
    return [fig]


SCARCE_SHARE = 2 / 3
"""Share of demand x build paths with demand outgrowing the build above which power is scarce."""
GLUT_SHARE = 1 / 3


def signal(r: Result) -> Signal:
    """How many of the demand x build paths show demand growing faster than capacity is built."""
    v: PowerView = r.detail
    grid = v.outlook.grid
    gaps = grid["annual_gap_gw"].dropna() if "annual_gap_gw" in grid else pd.Series(dtype=float)
    share = float((gaps > 0).mean()) if len(gaps) else float("nan")
    sources = tuple(
        dict.fromkeys(
            s.strip() for cell in grid["sources"] for s in str(cell).split(",") if s.strip()
        )
    )
    if gaps.empty:
        return missing(
            "Demand x build paths in which demand grows faster than capacity is built",
            "share",
            "no demand or build path in the data",
            "compares sourced demand growth with the capacity built",
            r.source_ids,
        )
    return Signal(
        indicator="Demand x build paths in which demand grows faster than capacity is built",
        value=share,
        unit="share",
        history=(
            f"no history to rank it in: {len(gaps)} paths of sourced forecasts from "
            f"{v.outlook.base_year} to {v.outlook.through}; median gap "
            f"{float(gaps.median()):+.1f} GW a year"
        ),
        percentile=None,
        lean=lean_by(share, bubble=GLUT_SHARE, boom=SCARCE_SHARE),
        rule=(
            "boom-leaning when more than two-thirds of the paths show demand outgrowing the build "
            "(scarce power, demand ahead of supply), bubble-leaning when a third or fewer do (the "
            "build outruns demand: the glut that ended the telecom boom), neutral between"
        ),
        source_ids=sources or r.key_figure.source_ids,
    )


ARGUMENT = register(
    Argument(
        id="power",
        title="The compute and power gap",
        question="How many gigawatts are needed, and how many can be built?",
        params=PowerParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("power", "accelerators", "claims"),
        command_help=(
            "US data-centre power: sourced demand paths against build rates, and GW conversions."
        ),
    )
)
