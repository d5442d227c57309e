"""The power gap: US data-centre capacity demand against what gets built, and GW conversions.

*Conversions.* One accelerator draws, at the facility meter,
:math:`P = \\text{TDP} \\cdot o \\cdot \\text{PUE}` kW (server overhead :math:`o` for CPUs,
memory and network), so a gigawatt holds :math:`10^6 / P` accelerators and costs
:math:`10^6 / P \\cdot K` dollars at an all-in cost :math:`K` per accelerator. The inputs
come from the ``accelerators`` table with their sources (H100: 700 W TDP, DGX H100 10.2 kW
for 8 GPUs, PUE 1.3 for new large facilities, about $50,000 all-in per GPU).

*Gap.* Demand is a path of installed capacity the user picks from the sourced forecasts
(e.g. LBNL's 74-132 GW for 2028) or sets; supply starts from the same base and adds a
build rate a year (the debate's 8-12 GW). The annual gap is demand growth less what is
built; the cumulative shortfall is demand less installed supply at each year end:

.. math:: D_t = D_0 + (D_T - D_0)\\frac{t - t_0}{T - t_0}, \\qquad S_t = D_0 + b (t - t_0),
          \\qquad \\text{shortfall}_t = D_t - S_t .
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models.gpu.assumptions import Assumption
from bubblewatch.models.gpu.defaults import default_assumptions

#: The largest build rate a user may set, GW a year: over three times the whole US grid's
#: capacity (about 1,300 GW), so every figure derived from it stays a finite number.
MAX_BUILD_GW = 5_000.0


@dataclass(frozen=True)
class Conversion:
    """Facility kW per accelerator and what a gigawatt holds and costs."""

    kw_per_accelerator: float
    usd_per_accelerator: float
    assumptions: Mapping[str, Assumption]

    @property
    def accelerators_per_gw(self) -> float:
        return 1e6 / self.kw_per_accelerator

    def gw_to_accelerators(self, gw: float) -> float:
        return float(gw) * self.accelerators_per_gw

    def accelerators_to_gw(self, n: float) -> float:
        return float(n) / self.accelerators_per_gw

    def gw_to_capex_usd_bn(self, gw: float) -> float:
        return self.gw_to_accelerators(gw) * self.usd_per_accelerator / 1e9

    def to_dict(self) -> dict[str, Any]:
        return {
            "kw_per_accelerator": self.kw_per_accelerator,
            "accelerators_per_gw": self.accelerators_per_gw,
            "capex_usd_bn_per_gw": self.gw_to_capex_usd_bn(1.0),
            "assumptions": [a.to_dict() for a in self.assumptions.values()],
        }


def conversion(
    accelerators: pd.DataFrame, overrides: Mapping[str, float] | None = None
) -> Conversion:
    """The H100-class conversion from the ``accelerators`` table (overrides as in ``gpu-life``)."""
    from bubblewatch.models.gpu.assumptions import override

    a = override(default_assumptions(accelerators), overrides or {})
    kw = a["gpu_tdp_kw"].value * a["server_overhead"].value * a["pue"].value
    if kw <= 0:
        raise SpecificationError("power per accelerator must be positive")
    keep = {k: a[k] for k in ("gpu_tdp_kw", "server_overhead", "pue", "purchase_usd")}
    return Conversion(kw, a["purchase_usd"].value, keep)


@dataclass(frozen=True)
class PowerGap:
    """Demand, supply and the gap by year, with the scenario that made them."""

    table: pd.DataFrame
    scenario: Mapping[str, Any]

    @property
    def cumulative_shortfall(self) -> float:
        return float(self.table["shortfall_gw"].iloc[-1])

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": dict(self.scenario),
            "cumulative_shortfall_gw": self.cumulative_shortfall,
            "years": self.table.reset_index().to_dict(orient="records"),
        }


def gap(
    *, base_year: int, base_gw: float, target_year: int, target_gw: float, build_gw_per_year: float
) -> PowerGap:
    """Linear demand from ``base_gw`` to ``target_gw`` against a constant build rate."""
    if target_year <= base_year:
        raise SpecificationError("the target year must come after the base year")
    for name, v in (
        ("base_gw", base_gw),
        ("target_gw", target_gw),
        ("build_gw_per_year", build_gw_per_year),
    ):
        if not np.isfinite(v) or v < 0:
            raise SpecificationError(f"{name} must be a finite number >= 0")
    years = np.arange(base_year, target_year + 1)
    t = years - base_year
    demand = base_gw + (target_gw - base_gw) * t / (target_year - base_year)
    supply = base_gw + build_gw_per_year * t
    table = pd.DataFrame(
        {"demand_gw": demand, "supply_gw": supply},
        index=pd.Index(years, name="year"),
    )
    table["annual_gap_gw"] = table["demand_gw"].diff().fillna(0.0) - np.where(
        t > 0, build_gw_per_year, 0.0
    )
    table["shortfall_gw"] = table["demand_gw"] - table["supply_gw"]
    return PowerGap(
        table,
        {
            "base_year": base_year,
            "base_gw": base_gw,
            "target_year": target_year,
            "target_gw": target_gw,
            "build_gw_per_year": build_gw_per_year,
        },
    )


def forecasts(power: pd.DataFrame) -> pd.DataFrame:
    """US data-centre capacity-demand forecasts in GW, one row per source (low, high, point)."""
    rows = power.loc[
        (power["entity"] == "US data centers")
        & (power["metric"] == "capacity_demand")
        & (power["unit"] == "gw")
    ]
    if rows.empty:
        raise DataError("no US data-centre capacity-demand forecasts in the power table")
    return rows[
        ["series_id", "publisher_short", "year", "value", "value_low", "value_high", "source_id"]
    ]


@dataclass(frozen=True)
class Path:
    """A sourced linear path: ``gw_per_year`` of demand growth or of capacity built."""

    name: str
    kind: str
    gw_per_year: float
    basis: str
    source_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "gw_per_year": self.gw_per_year,
            "basis": self.basis,
            "source_ids": list(self.source_ids),
        }


def _bounds(rec: Any) -> list[tuple[str, float]]:
    """``[(suffix, value)]``: the point value, or the low and high ends of a range."""
    if pd.notna(rec.value):
        return [("", float(rec.value))]
    out = []
    if pd.notna(rec.value_low):
        out.append(("-low", float(rec.value_low)))
    if pd.notna(rec.value_high):
        out.append(("-high", float(rec.value_high)))
    return out


def base_capacity(power: pd.DataFrame) -> tuple[int, float, tuple[str, ...]]:
    """US data-centre installed capacity in the latest year with actual figures (GW).

    Publishers measure it differently (grid power, IT load, leased markets), so where several
    give a figure for that year the base is their mean: ``(year, gw, source_ids)``.
    """
    rows = _installed(power)
    if rows.empty:
        raise DataError("no US data-centre installed capacity in the power table")
    latest = rows.loc[rows["y"] == rows["y"].max()]
    return int(latest["y"].iloc[0]), float(latest["gw"].mean()), tuple(latest["source_id"])


def _installed(power: pd.DataFrame) -> pd.DataFrame:
    rows = power.loc[
        (power["entity"] == "US data centers")
        & (power["metric"] == "capacity_installed")
        & (power["unit"] == "gw")
        & (power["kind"] == "actual")
        & power["year"].astype(str).str.fullmatch(r"\d{4}")
    ].copy()
    rows["y"] = rows["year"].astype(int)
    rows["gw"] = rows["value"].fillna((rows["value_low"] + rows["value_high"]) / 2)
    return rows.sort_values("y")


def demand_paths(power: pd.DataFrame) -> dict[str, Path]:
    """Demand growth a year implied by each sourced US forecast.

    A level forecast :math:`D_T` grows :math:`(D_T - D_{t_0}) / (T - t_0)` a year from the
    publisher's own base :math:`D_{t_0}` (its latest actual ``capacity_installed`` figure,
    else :func:`base_capacity`); a growth forecast :math:`\\Delta` over :math:`n` years
    (metric ``capacity_demand_growth_<n>yr``) grows :math:`\\Delta / n`. Ranges give a low
    and a high path; each path is named by its ``series_id`` (``-low``/``-high`` for ranges).
    """
    us = power.loc[(power["entity"] == "US data centers") & (power["unit"] == "gw")]
    installed = _installed(power)
    default_base = base_capacity(power)
    paths: dict[str, Path] = {}
    for rec in us.loc[us["kind"] == "forecast"].itertuples():
        if rec.metric == "capacity_demand":
            own = installed.loc[installed["publisher_short"] == rec.publisher_short]
            if len(own):
                by, bg = int(own["y"].iloc[-1]), float(own["gw"].iloc[-1])
                bsrc: tuple[str, ...] = (str(own["source_id"].iloc[-1]),)
            else:
                by, bg, bsrc = default_base
            target_year = int(rec.year)
            if target_year <= by:
                continue
            for suffix, value in _bounds(rec):
                name = f"{rec.series_id}{suffix}"
                paths[name] = Path(
                    name,
                    "demand",
                    (value - bg) / (target_year - by),
                    f"{value:g} GW in {target_year} from {bg:g} GW in {by}",
                    tuple(dict.fromkeys((str(rec.source_id), *bsrc))),
                )
        elif span := re.fullmatch(r"capacity_demand_growth_(\d+)yr", str(rec.metric)):
            n = int(span.group(1))
            for suffix, value in _bounds(rec):
                name = f"{rec.series_id}{suffix}"
                paths[name] = Path(
                    name,
                    "demand",
                    value / n,
                    f"+{value:g} GW over the {n} years to {rec.year}",
                    (str(rec.source_id),),
                )
    if not paths:
        raise DataError("no US data-centre demand forecasts in the power table")
    return paths


def supply_paths(power: pd.DataFrame) -> dict[str, Path]:
    """Capacity built a year: each sourced US ``capacity_added`` figure for one year."""
    rows = power.loc[
        (power["entity"] == "US data centers")
        & (power["metric"] == "capacity_added")
        & (power["unit"] == "gw")
        & power["year"].astype(str).str.fullmatch(r"\d{4}")
    ]
    paths: dict[str, Path] = {}
    for rec in rows.itertuples():
        for suffix, value in _bounds(rec):
            name = f"{rec.series_id}{suffix}"
            paths[name] = Path(
                name,
                "supply",
                value,
                f"{value:g} GW added in {rec.year} ({rec.kind})",
                (str(rec.source_id),),
            )
    return paths


def scenarios(
    demand: Mapping[str, Path],
    supply: Mapping[str, Path],
    *,
    base_year: int,
    through: int,
    conv: Conversion | None = None,
) -> pd.DataFrame:
    """Every demand path against every build path: the gap a year and the shortfall by ``through``.

    With linear paths the gap is the same each year, :math:`g - b`, and the cumulative
    shortfall after :math:`n = \\text{through} - \\text{base\\_year}` years is :math:`n(g - b)`
    (see :func:`gap` for the year-by-year table).
    """
    if through <= base_year:
        raise SpecificationError(
            f"the horizon (through={through}) must come after the base year {base_year}"
        )
    years = through - base_year
    rows = []
    for d in demand.values():
        for s in supply.values():
            annual = d.gw_per_year - s.gw_per_year
            row = {
                "demand": d.name,
                "supply": s.name,
                "demand_growth_gw_per_year": d.gw_per_year,
                "build_gw_per_year": s.gw_per_year,
                "annual_gap_gw": annual,
                f"shortfall_{through}_gw": annual * years,
            }
            if conv is not None:
                row["annual_gap_accelerators_m"] = conv.gw_to_accelerators(annual) / 1e6
                row["annual_gap_capex_usd_bn"] = conv.gw_to_capex_usd_bn(annual)
            row["sources"] = ", ".join(dict.fromkeys(d.source_ids + s.source_ids))
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Outlook:
    """Base, paths, conversion and the scenario grid that ``bubblewatch power`` reports."""

    base_year: int
    base_gw: float
    base_sources: tuple[str, ...]
    through: int
    demand: Mapping[str, Path]
    supply: Mapping[str, Path]
    conversion: Conversion
    grid: pd.DataFrame

    def latest_builds(self) -> tuple[int | None, list[Path]]:
        """The latest year with published capacity added (actuals), and its build paths."""
        actual = [p for p in self.supply.values() if "(actual)" in p.basis]
        if not actual:
            return None, []
        latest = max(int(p.name.rsplit("_", 1)[-1]) for p in actual)
        return latest, [p for p in actual if p.name.endswith(str(latest))]

    @property
    def shortfall_column(self) -> str:
        return f"shortfall_{self.through}_gw"

    def summary(self) -> str:
        s = self.grid[self.shortfall_column]
        a = self.grid["annual_gap_gw"]
        c = self.conversion
        return (
            f"{len(self.demand)} demand paths x {len(self.supply)} build paths from {self.base_year}: "
            f"the gap runs {a.min():+.1f} to {a.max():+.1f} GW a year (median {a.median():+.1f}) and "
            f"{s.min():+.0f} to {s.max():+.0f} GW by {self.through} (median {s.median():+.0f}). "
            f"One GW holds {c.accelerators_per_gw:,.0f} H100-class accelerators at "
            f"{c.kw_per_accelerator:.2f} kW each and costs ${c.gw_to_capex_usd_bn(1.0):,.1f}bn in them."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": {
                "year": self.base_year,
                "gw": self.base_gw,
                "source_ids": list(self.base_sources),
            },
            "through": self.through,
            "conversion": self.conversion.to_dict(),
            "demand_paths": [p.to_dict() for p in self.demand.values()],
            "supply_paths": [p.to_dict() for p in self.supply.values()],
            "scenarios": self.grid.to_dict(orient="records"),
        }


def _pick(paths: Mapping[str, Path], names: list[str], kind: str) -> dict[str, Path]:
    unknown = [n for n in names if n not in paths]
    if unknown:
        raise SpecificationError(
            f"unknown {kind} path(s): {', '.join(unknown)}; known: {', '.join(paths)}"
        )
    return {n: paths[n] for n in dict.fromkeys(names)}


def outlook(
    power: pd.DataFrame,
    accelerators: pd.DataFrame,
    *,
    demand: list[str] | None = None,
    supply: list[str] | None = None,
    build_gw: list[float] | None = None,
    through: int = 2030,
    overrides: Mapping[str, float] | None = None,
) -> Outlook:
    """The scenario grid from the sourced paths (all by default) and any user build rates.

    ``demand`` and ``supply`` name paths (see :func:`demand_paths`, :func:`supply_paths`);
    ``build_gw`` adds build rates of the user's choosing, marked as scenario choices.
    """
    d_all, s_all = demand_paths(power), supply_paths(power)
    d = _pick(d_all, demand, "demand") if demand else dict(d_all)
    s = _pick(s_all, supply, "supply") if supply else ({} if build_gw else dict(s_all))
    for gw in build_gw or []:
        if not np.isfinite(gw) or not 0 <= gw <= MAX_BUILD_GW:
            raise SpecificationError(
                f"a build rate must be a number of GW a year in [0, {MAX_BUILD_GW:g}], got {gw:g}"
            )
        name = f"build-{gw:g}gw"
        s[name] = Path(name, "supply", float(gw), f"{gw:g} GW a year (scenario choice)", ())
    if not s:
        raise DataError("no build path: the power table has no US capacity additions")
    base_year, base_gw, base_src = base_capacity(power)
    conv = conversion(accelerators, overrides)
    grid = scenarios(d, s, base_year=base_year, through=through, conv=conv)
    return Outlook(base_year, base_gw, base_src, through, d, s, conv, grid)
