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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models.gpu.assumptions import Assumption
from bubblewatch.models.gpu.defaults import default_assumptions


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
