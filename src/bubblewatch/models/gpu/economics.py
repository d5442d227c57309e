"""The economic life of one accelerator: when does its rent stop covering its running cost?

For year of life :math:`k` with rental price :math:`p_k` (USD per GPU-hour),

.. math::

    R_k &= p_k \\cdot 8760 \\cdot u, \\\\
    C_k &= P \\, \\ell \\, \\text{PUE} \\cdot 8760 \\cdot e + 12 P f + o \\cdot K,

where :math:`u` is the share of hours rented, :math:`P` the all-in IT power per GPU (kW: the
GPU's TDP times the server's overhead for CPUs, memory and network), :math:`\\ell` the average
draw as a share of that, :math:`e` the electricity price (USD/kWh), :math:`f` the facility
cost per kW of IT load a month (space and cooling, power excluded), :math:`o` other running
cost as a share of the purchase cost :math:`K` a year (repairs, staff, network).

*Cash breakeven* is the first year with :math:`R_k < C_k`. *Value in use* at the start of
year :math:`k` is the discounted value of operating on, with the option to retire the chip
at any year end (backward induction, IAS 36's value in use with a retirement option):

.. math:: V_{H+1} = 0, \\qquad V_k = \\max\\left(0, \\frac{R_k - C_k + V_{k+1}}{1 + r}\\right).

The economic depreciation curve is :math:`V_k / V_1`; the straight-line book value of an
:math:`L`-year life is :math:`\\max(0, 1 - (k-1)/L)`, and the *matched life* is the
:math:`L` (in half-years) whose straight line is closest to the economic curve in least
squares. See Hotelling (1925), "A General Mathematical Theory of Depreciation", JASA 20(151)
for economic depreciation as the fall in the value of the remaining services.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.errors import SpecificationError
from bubblewatch.models.gpu.assumptions import Assumption, assumptions_frame
from bubblewatch.models.gpu.prices import PricePath

HOURS_PER_YEAR = 8760.0
STRAIGHT_LINES = (4.0, 5.0, 6.0)
MATCH_LIVES = tuple(np.arange(1.0, 15.01, 0.5))

REQUIRED = (
    "purchase_usd",
    "gpu_tdp_kw",
    "server_overhead",
    "load_factor",
    "pue",
    "electricity_usd_per_kwh",
    "facility_usd_per_kw_month",
    "other_opex_share",
    "utilisation",
    "discount_rate",
)


def running_cost(a: Mapping[str, Assumption]) -> float:
    """Yearly running cost :math:`C` of one GPU (USD), independent of the rental price."""
    it_kw = a["gpu_tdp_kw"].value * a["server_overhead"].value
    power = (
        it_kw
        * a["load_factor"].value
        * a["pue"].value
        * HOURS_PER_YEAR
        * a["electricity_usd_per_kwh"].value
    )
    facility = 12.0 * it_kw * a["facility_usd_per_kw_month"].value
    other = a["other_opex_share"].value * a["purchase_usd"].value
    return float(power + facility + other)


def value_in_use(margins: np.ndarray, rate: float) -> np.ndarray:
    """:math:`V_k` for k = 1..H+1 by backward induction with a free option to retire."""
    values = np.zeros(len(margins) + 1)
    for k in range(len(margins) - 1, -1, -1):
        values[k] = max(0.0, (margins[k] + values[k + 1]) / (1.0 + rate))
    return values


def straight_line(life: float, years: int) -> np.ndarray:
    """Book value share at the start of years 1..``years``+1 under an ``life``-year line."""
    k = np.arange(0, years + 1, dtype=float)
    return np.clip(1.0 - k / life, 0.0, 1.0)


def matched_life(curve: np.ndarray, lives: Sequence[float] = MATCH_LIVES) -> float:
    """The straight-line life closest (least squares) to the curve ``V_k / V_1``."""
    years = len(curve) - 1
    errors = [float(np.sum((straight_line(L, years) - curve) ** 2)) for L in lives]
    return float(lives[int(np.argmin(errors))])


@dataclass(frozen=True)
class AcceleratorLife:
    """Year-by-year cash flows, value in use and economic life of one accelerator."""

    name: str
    path: PricePath
    assumptions: Mapping[str, Assumption]
    table: pd.DataFrame
    cash_breakeven_year: int | None
    matched_straight_line_life: float

    @property
    def value_at_purchase(self) -> float:
        return float(self.table["value_in_use"].iloc[0])

    @property
    def npv(self) -> float:
        """Value in use at purchase less the purchase cost."""
        return self.value_at_purchase - self.assumptions["purchase_usd"].value

    def assumptions_table(self) -> pd.DataFrame:
        return assumptions_frame(self.assumptions.values())

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "price_path": self.path.to_dict(),
            "cash_breakeven_year": self.cash_breakeven_year,
            "matched_straight_line_life": self.matched_straight_line_life,
            "value_at_purchase_usd": self.value_at_purchase,
            "npv_usd": self.npv,
            "assumptions": [a.to_dict() for a in self.assumptions.values()],
            "years": self.table.reset_index().to_dict(orient="records"),
        }

    def summary(self) -> str:
        breakeven = (
            f"stops covering running cost in year {self.cash_breakeven_year}"
            if self.cash_breakeven_year
            else f"covers running cost in all {len(self.table)} years modelled"
        )
        return (
            f"{self.name}, {self.path.name} prices ({self.path.description}): rent "
            f"{breakeven}; value in use at purchase ${self.value_at_purchase:,.0f} "
            f"against a cost of ${self.assumptions['purchase_usd'].value:,.0f} (NPV "
            f"${self.npv:,.0f}); over a {len(self.table)}-year horizon the economic "
            f"depreciation curve is closest to straight-line over "
            f"{self.matched_straight_line_life:g} years."
        )

    def figure(self) -> go.Figure:
        years = self.table.index.to_numpy()
        curve = self.table["economic_book_share"].to_numpy()
        fig = go.Figure()
        fig.add_trace(
            go.Scatter(x=years, y=curve, name="economic (value in use)", line={"width": 3})
        )
        for life in STRAIGHT_LINES:
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=self.table[f"straight_line_{life:g}y"],
                    name=f"straight-line {life:g} years",
                    line={"dash": "dot"},
                )
            )
        fig.update_layout(
            template="plotly_white",
            height=420,
            title=f"{self.name}: share of value left at the start of each year",
            xaxis_title="year of life",
            yaxis={"tickformat": ".0%"},
        )
        return fig


def accelerator_life(
    path: PricePath, assumptions: Mapping[str, Assumption], *, name: str = "H100-class GPU"
) -> AcceleratorLife:
    """Cash flows, cash breakeven, value in use and economic depreciation of one GPU."""
    missing = [k for k in REQUIRED if k not in assumptions]
    if missing:
        raise SpecificationError(f"missing assumptions: {', '.join(missing)}")
    a = assumptions
    for key in ("purchase_usd", "gpu_tdp_kw", "server_overhead", "pue"):
        if a[key].value <= 0:
            raise SpecificationError(f"{key} must be positive")
    for key in ("utilisation", "load_factor"):
        if not 0 <= a[key].value <= 1:
            raise SpecificationError(f"{key} must be between 0 and 1")
    if a["discount_rate"].value <= -1:
        raise SpecificationError("discount_rate must be above -100%")
    years = len(path.prices)
    revenue = path.prices * HOURS_PER_YEAR * a["utilisation"].value
    cost = np.full(years, running_cost(a))
    margin = revenue - cost
    values = value_in_use(margin, a["discount_rate"].value)
    below = np.nonzero(margin < 0)[0]
    breakeven = int(below[0]) + 1 if len(below) else None
    start = values[:-1]
    share = start / start[0] if start[0] > 0 else np.zeros(years)
    curve = np.append(share, 0.0)
    table = pd.DataFrame(
        {
            "price_usd_per_gpu_hour": path.prices,
            "revenue_usd": revenue,
            "running_cost_usd": cost,
            "cash_margin_usd": margin,
            "value_in_use": start,
            "economic_book_share": share,
        },
        index=pd.RangeIndex(1, years + 1, name="year_of_life"),
    )
    for life in STRAIGHT_LINES:
        table[f"straight_line_{life:g}y"] = straight_line(life, years)[:-1]
    return AcceleratorLife(name, path, dict(a), table, breakeven, matched_life(curve))
