"""Default assumptions of the GPU model, read from the ``accelerators`` table with their sources.

Each sourced default names the row it comes from; the rest are scenario choices and say so.
:func:`gpu_life` runs :func:`~bubblewatch.models.gpu.economics.accelerator_life` with these
defaults, any user overrides, and a named price path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models.gpu.assumptions import Assumption, override
from bubblewatch.models.gpu.economics import AcceleratorLife, accelerator_life, running_cost
from bubblewatch.models.gpu.fleet import FleetScenario
from bubblewatch.models.gpu.prices import (
    PATHS,
    PriceTrend,
    explicit_path,
    fit_trend,
    flat_path,
    generational_path,
    observed_path,
)

CHIP = "H100 SXM"
PURCHASED = pd.Timestamp("2023-07-01")
"""H100 cloud capacity arrives in volume from mid-2023 (the first quotes in the table)."""
HORIZON_YEARS = 10


def _row(table: pd.DataFrame, item: str, metric: str) -> pd.Series:
    rows = table.loc[(table["item"] == item) & (table["metric"] == metric)]
    if rows.empty:
        raise DataError(f"accelerators table has no {metric!r} for {item!r}")
    return rows.sort_values("date").iloc[-1]


def rental_quotes(table: pd.DataFrame, item: str = CHIP) -> pd.DataFrame:
    """On-demand rental quotes for ``item`` (date, provider, value, source_id), by date."""
    rows = table.loc[(table["item"] == item) & (table["metric"] == "rental_usd_per_gpu_hour")]
    if rows.empty:
        raise DataError(f"no rental quotes for {item!r}")
    return rows.sort_values("date")[["date", "provider", "detail", "value", "source_id"]]


def trend(table: pd.DataFrame, item: str = CHIP) -> PriceTrend:
    """The log-linear trend of ``item``'s on-demand quotes."""
    return fit_trend(rental_quotes(table, item))


def default_assumptions(table: pd.DataFrame) -> dict[str, Assumption]:
    """The model's inputs for an H100-class GPU, sourced where the table has them."""

    def sourced(
        name: str, item: str, metric: str, desc: str, scale: float = 1.0, unit: str = ""
    ) -> Assumption:
        row = _row(table, item, metric)
        return Assumption(
            name,
            float(row["value"]) * scale,
            unit or str(row["unit"]),
            desc,
            str(row["source_id"]),
            f"{item}, {row['detail']} ({row['date']:%Y-%m})",
        )

    tdp = float(_row(table, CHIP, "tdp_w")["value"]) / 1000.0
    system = _row(table, "DGX H100", "system_power_kw")
    return {
        "purchase_usd": sourced(
            "purchase_usd",
            CHIP,
            "all_in_capex_usd_per_gpu",
            "purchase and installation cost per GPU, cluster networking included",
        ),
        "gpu_tdp_kw": sourced("gpu_tdp_kw", CHIP, "tdp_w", "GPU maximum power", 1e-3, "kw"),
        "server_overhead": Assumption(
            "server_overhead",
            float(system["value"]) / 8.0 / tdp,
            "x",
            "server power per GPU over GPU TDP (CPUs, memory, network): DGX H100 maximum / 8 / TDP",
            str(system["source_id"]),
        ),
        "load_factor": sourced(
            "load_factor", "AI server", "load_factor", "average draw as a share of maximum power"
        ),
        "pue": sourced("pue", "New large data centres", "pue", "power usage effectiveness"),
        "electricity_usd_per_kwh": sourced(
            "electricity_usd_per_kwh",
            "US industrial electricity",
            "electricity_usd_per_kwh",
            "electricity price",
        ),
        "facility_usd_per_kw_month": sourced(
            "facility_usd_per_kw_month",
            "North American colocation",
            "colocation_usd_per_kw_month",
            "space and cooling per kW of IT load a month (colocation asking rate, power excluded)",
        ),
        "other_opex_share": Assumption(
            "other_opex_share",
            0.02,
            "share",
            "repairs, staff and spares a year, as a share of the purchase cost",
        ),
        "utilisation": Assumption(
            "utilisation", 0.80, "share", "share of hours rented out (no public occupancy series)"
        ),
        "discount_rate": Assumption("discount_rate", 0.10, "share", "yearly discount rate"),
        "generation_years": sourced(
            "generation_years",
            "ML GPUs",
            "price_performance_doubling_years",
            "years for compute per dollar to double (generational path)",
        ),
        "generation_gain": Assumption(
            "generation_gain",
            2.0,
            "x",
            "compute-per-dollar gain over one doubling time (2 by definition)",
        ),
    }


def _assumptions(
    table: pd.DataFrame,
    overrides: Mapping[str, float] | None,
    assumptions: Mapping[str, Assumption] | None,
) -> dict[str, Assumption]:
    """The defaults (read from ``table`` unless given) with ``overrides`` applied."""
    base = default_assumptions(table) if assumptions is None else assumptions
    return override(base, overrides) if overrides else dict(base)


def gpu_life(
    table: pd.DataFrame,
    *,
    price_path: str = "observed",
    prices: Sequence[float] | None = None,
    overrides: Mapping[str, float] | None = None,
    purchased: Any = PURCHASED,
    years: int = HORIZON_YEARS,
    assumptions: Mapping[str, Assumption] | None = None,
    fitted: PriceTrend | None = None,
) -> AcceleratorLife:
    """Economic life of an H100-class GPU under a named price path.

    ``observed`` extrapolates the quotes' trend; ``generational`` starts from the trend's
    price at purchase and halves the price of compute every ``generation_years``; ``flat``
    holds that price; ``explicit`` takes ``prices`` per year of life. ``assumptions`` (the
    :func:`default_assumptions`) and ``fitted`` (the :func:`trend`) pass what the caller has
    already read from ``table``.
    """
    if price_path not in PATHS:
        raise SpecificationError(
            f"price path must be one of {', '.join(PATHS)}; got {price_path!r}"
        )
    if years < 1 or years > 30:
        raise SpecificationError("years must be between 1 and 30")
    a = _assumptions(table, overrides, assumptions)
    if fitted is None:
        fitted = trend(table)
    start = fitted.price_at(pd.Timestamp(purchased) + pd.DateOffset(months=6))
    if price_path == "observed":
        path = observed_path(fitted, purchased, years)
    elif price_path == "generational":
        path = generational_path(
            start,
            years,
            cadence_years=a["generation_years"].value,
            cost_per_compute_gain=a["generation_gain"].value,
        )
        path = type(path)(path.name, path.prices, path.description, fitted.source_ids)
    elif price_path == "flat":
        path = flat_path(start, years)
        path = type(path)(path.name, path.prices, path.description, fitted.source_ids)
    else:
        if not prices:
            raise SpecificationError("the explicit price path needs --prices P1,P2,...")
        path = explicit_path(prices, years)
    return accelerator_life(path, a, name=f"{CHIP} bought {pd.Timestamp(purchased):%Y-%m}")


def fleet_assumptions(
    table: pd.DataFrame,
    overrides: Mapping[str, float] | None = None,
    *,
    assumptions: Mapping[str, Assumption] | None = None,
    fitted: PriceTrend | None = None,
) -> dict[str, Assumption]:
    """Fleet-cascade inputs derived from the table (prices, running cost, compute growth);
    ``overrides`` of the single-GPU assumptions flow into the running cost. ``assumptions``
    and ``fitted`` are the table's defaults and trend where the caller has them."""
    a = _assumptions(table, overrides, assumptions)
    if fitted is None:
        fitted = trend(table)
    h100 = _row(table, CHIP, "bf16_dense_tflops")
    b200 = _row(table, "B200", "bf16_dense_tflops")
    gap = (pd.Timestamp(b200["date"]) - pd.Timestamp(h100["date"])).days / 365.25
    growth = (float(b200["value"]) / float(h100["value"])) ** (1.0 / gap) - 1.0
    decline = 1.0 - 2.0 ** (-1.0 / a["generation_years"].value)
    return {
        "initial_price": Assumption(
            "initial_price",
            fitted.price_at(PURCHASED + pd.DateOffset(months=6)),
            "usd_per_gpu_hour",
            "rent of a new GPU-hour in the first year (trend of the H100 quotes)",
            fitted.source_ids[0],
        ),
        "running_cost": Assumption(
            "running_cost",
            running_cost(a),
            "usd",
            "yearly running cost of one first-vintage GPU (power, facility, other)",
            a["electricity_usd_per_kwh"].source_id,
            "from the single-GPU assumptions",
        ),
        "compute_growth": Assumption(
            "compute_growth",
            growth,
            "share",
            "yearly growth of compute per GPU across vintages (B200 over H100 dense BF16)",
            str(b200["source_id"]),
        ),
        "compute_price_decline": Assumption(
            "compute_price_decline",
            decline,
            "share",
            "yearly fall in the price of compute (compute per dollar doubling time)",
            a["generation_years"].source_id,
        ),
    }


def default_fleet(
    table: pd.DataFrame,
    overrides: Mapping[str, float] | None = None,
    *,
    assumptions: Mapping[str, Assumption] | None = None,
    fitted: PriceTrend | None = None,
    **changes: Any,
) -> tuple[FleetScenario, dict[str, Assumption]]:
    """A fleet scenario whose prices and costs come from the table; ``changes`` override its
    fields, ``overrides`` the single-GPU assumptions behind its running cost (``assumptions``
    and ``fitted`` as in :func:`fleet_assumptions`)."""
    a = fleet_assumptions(table, overrides, assumptions=assumptions, fitted=fitted)
    values: dict[str, Any] = {k: v.value for k, v in a.items()}
    values["start_year"] = PURCHASED.year
    unknown = set(changes) - set(FleetScenario.__dataclass_fields__)
    if unknown:
        raise SpecificationError(f"unknown fleet setting(s): {', '.join(sorted(unknown))}")
    for key in changes:
        if key in a:
            a[key] = Assumption(
                key, float(changes[key]), a[key].unit, a[key].description, None, "set by the user"
            )
    values.update(changes)
    return FleetScenario(**values), a
