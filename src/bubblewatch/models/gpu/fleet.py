"""A fleet of accelerators bought in annual vintages and cascaded from training to inference.

Vintage :math:`v` buys :math:`n_v = n_0 (1 + g_n)^{v - s}` GPUs (:math:`s` the first year).
Each GPU of vintage :math:`v` does :math:`(1 + g_c)^{v - s}` times the compute of the first
vintage, and compute rents at :math:`P_t = p_0 (1 - d)^{t - s}` per first-vintage GPU-hour in
year :math:`t`. At age :math:`a = t - v` a GPU sits in the tier whose ``min_age`` is the largest
not above :math:`a` (newest on training, older ones on inference), and earns

.. math:: R_{v,t} = 8760 \\, u_{\\text{tier}} \\, f_{\\text{tier}} \\, P_t (1 + g_c)^{v - s},

with :math:`u` the tier's utilisation and :math:`f` its price relative to the market rate
for that compute (inference capacity rents for less). Its running cost is
:math:`C_v = c_0 (1 + g_p)^{v - s}` a year (newer chips draw more power). A vintage is
retired, for good, in the first year its revenue no longer covers its running cost; its
*economic life* is its age then. The fleet's utilisation is the unit-weighted mean of the
tiers' utilisation over the GPUs in service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch._json import records
from bubblewatch.errors import SpecificationError
from bubblewatch.models.gpu.economics import HOURS_PER_YEAR


@dataclass(frozen=True)
class Tier:
    """A use of the fleet by age: from ``min_age`` years, at ``utilisation``, priced at
    ``price_factor`` times the market rate for the chip's compute."""

    name: str
    min_age: int
    utilisation: float
    price_factor: float

    def __post_init__(self) -> None:
        if self.min_age < 0 or not 0 <= self.utilisation <= 1 or self.price_factor < 0:
            raise SpecificationError(f"tier {self.name!r}: invalid age, utilisation or price")


DEFAULT_TIERS = (
    Tier("training", 0, 0.90, 1.00),
    Tier("inference", 2, 0.80, 0.85),
    Tier("inference (older)", 4, 0.65, 0.70),
)


@dataclass(frozen=True)
class FleetScenario:
    """Scenario inputs of the cascade; every field is a scenario choice the user sets."""

    start_year: int = 2023
    end_year: int = 2035
    first_purchase: float = 1000.0
    purchase_growth: float = 0.30
    initial_price: float = 2.50
    compute_price_decline: float = 0.30
    compute_growth: float = 0.45
    running_cost: float = 2500.0
    running_cost_growth: float = 0.15
    last_purchase_year: int | None = None
    tiers: tuple[Tier, ...] = field(default=DEFAULT_TIERS)

    def __post_init__(self) -> None:
        if self.end_year < self.start_year:
            raise SpecificationError("end_year must not be before start_year")
        if not 0 <= self.compute_price_decline < 1:
            raise SpecificationError("compute_price_decline must be in [0, 1)")
        if self.first_purchase <= 0 or self.initial_price <= 0 or self.running_cost < 0:
            raise SpecificationError("purchases, prices and running cost must be positive")
        ages = [t.min_age for t in self.tiers]
        if not self.tiers or ages[0] != 0 or sorted(set(ages)) != ages:
            raise SpecificationError("tiers must start at age 0 with increasing min_age")

    def tier_at(self, age: int) -> Tier:
        chosen = self.tiers[0]
        for tier in self.tiers:
            if tier.min_age <= age:
                chosen = tier
        return chosen

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "tiers"}
        out["tiers"] = [vars(t) | {} for t in self.tiers]
        return out


@dataclass(frozen=True)
class FleetResult:
    """Year-by-year fleet (``years``) and per-vintage retirement ages (``vintages``)."""

    scenario: FleetScenario
    years: pd.DataFrame
    vintages: pd.DataFrame

    @property
    def economic_life(self) -> float:
        """Mean age at retirement of the vintages retired within the horizon (NaN if none)."""
        retired = self.vintages.dropna(subset=["retired_at_age"])
        if retired.empty:
            return float("nan")
        return float(np.average(retired["retired_at_age"], weights=retired["units"]))

    def to_frame(self) -> pd.DataFrame:
        return self.years.copy()

    def to_dict(self) -> dict[str, Any]:
        life = self.economic_life
        return {
            "scenario": self.scenario.to_dict(),
            "economic_life_years": None if np.isnan(life) else life,
            "years": records(self.years.reset_index()),
            "vintages": records(self.vintages.reset_index()),
        }

    def summary(self) -> str:
        last = self.years.iloc[-1]
        life = self.economic_life
        life_text = (
            f"retired vintages served {life:.1f} years on average"
            if not np.isnan(life)
            else "no vintage reaches its cash breakeven within the horizon"
        )
        return (
            f"Fleet {self.scenario.start_year}-{self.scenario.end_year}: {last['units']:,.0f} GPUs "
            f"in service in {self.years.index[-1]} at {last['utilisation']:.0%} average utilisation; "
            f"{life_text}."
        )

    def figure(self) -> go.Figure:
        fig = go.Figure()
        for tier in self.scenario.tiers:
            fig.add_trace(
                go.Bar(x=self.years.index, y=self.years[f"units_{tier.name}"], name=tier.name)
            )
        fig.add_trace(
            go.Scatter(
                x=self.years.index,
                y=self.years["utilisation"],
                name="fleet utilisation",
                yaxis="y2",
                line={"width": 3},
            )
        )
        fig.update_layout(
            template="plotly_white",
            height=420,
            barmode="stack",
            title="Fleet cascade: GPUs in service by tier, and utilisation",
            yaxis={"title": "GPUs"},
            yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "range": [0, 1]},
        )
        return fig


def _age(age: int | None) -> float:
    return float("nan") if age is None else float(age)


def simulate(scenario: FleetScenario, *, purchases: Sequence[float] | None = None) -> FleetResult:
    """Run the cascade; ``purchases`` (units per year from ``start_year``) overrides growth."""
    s = scenario
    years = np.arange(s.start_year, s.end_year + 1)
    last_buy = s.end_year if s.last_purchase_year is None else s.last_purchase_year
    if purchases is not None:
        bought = {int(s.start_year + i): float(n) for i, n in enumerate(purchases)}
        if any(n < 0 for n in bought.values()):
            raise SpecificationError("purchases must be non-negative")
    else:
        bought = {
            int(v): s.first_purchase * (1 + s.purchase_growth) ** (v - s.start_year)
            for v in years
            if v <= last_buy
        }
    retired_at: dict[int, int | None] = {v: None for v in bought}
    rows = []
    for t in years:
        rec: dict[str, float] = {f"units_{tier.name}": 0.0 for tier in s.tiers}
        revenue = cost = used = units = 0.0
        retired_now = 0.0
        price = s.initial_price * (1 - s.compute_price_decline) ** (t - s.start_year)
        for v, n in bought.items():
            if v > t or n == 0 or retired_at[v] is not None:
                continue
            age = int(t - v)
            tier = s.tier_at(age)
            compute = (1 + s.compute_growth) ** (v - s.start_year)
            r = HOURS_PER_YEAR * tier.utilisation * tier.price_factor * price * compute
            c = s.running_cost * (1 + s.running_cost_growth) ** (v - s.start_year)
            if r < c:
                retired_at[v] = age
                retired_now += n
                continue
            rec[f"units_{tier.name}"] += n
            revenue += n * r
            cost += n * c
            used += n * tier.utilisation
            units += n
        rows.append(
            {
                "year": int(t),
                "units": units,
                **rec,
                "utilisation": used / units if units else float("nan"),
                "revenue_usd": revenue,
                "running_cost_usd": cost,
                "cash_margin_usd": revenue - cost,
                "retired_units": retired_now,
            }
        )
    frame = pd.DataFrame(rows).set_index("year")
    vintages = pd.DataFrame(
        [
            {
                "vintage": v,
                "units": n,
                "retired_at_age": _age(retired_at[v]),
            }
            for v, n in bought.items()
        ]
    ).set_index("vintage")
    return FleetResult(s, frame, vintages)
