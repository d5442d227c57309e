"""Rental-price paths for one accelerator, year by year from its purchase.

Four paths, each a function of the year of life :math:`k = 1, 2, \\dots` (prices are the
average over year :math:`k`, evaluated at its midpoint :math:`k - 1/2`):

* ``observed``: a log-linear trend fitted by least squares to dated rental quotes,
  :math:`\\ln p = a + g t`, so :math:`p_k = e^{a + g (t_0 + k - 1/2)}` with :math:`t_0` the
  purchase date in years; :math:`e^{g} - 1` is the fitted yearly change.
* ``generational``: a new generation every :math:`c` years sells compute :math:`G` times
  cheaper, and the old chip's rent falls to keep its price per unit of compute in line:
  :math:`p_k = p_0 \\, G^{-(k - 1/2)/c}`.
* ``flat``: :math:`p_k = p_0` (the "rental prices hold up" case).
* ``explicit``: prices the user gives for years 1, 2, ...; the last one holds afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError, SpecificationError

DAYS_PER_YEAR = 365.25
PATHS = ("observed", "generational", "flat", "explicit")


def _years(dates: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    stamps = pd.DatetimeIndex(dates)
    return np.asarray(stamps.year + (stamps.day_of_year - 1) / DAYS_PER_YEAR, dtype=float)


@dataclass(frozen=True)
class PriceTrend:
    """A log-linear fit of rental quotes: ``ln p = intercept + slope * year``."""

    intercept: float
    slope: float
    quotes: int
    first: pd.Timestamp
    last: pd.Timestamp
    source_ids: tuple[str, ...]

    @property
    def yearly_change(self) -> float:
        return float(np.expm1(self.slope))

    def price_at(self, date: Any) -> float:
        return float(np.exp(self.intercept + self.slope * _years(pd.DatetimeIndex([date]))[0]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "yearly_change": self.yearly_change,
            "quotes": self.quotes,
            "first": f"{self.first:%Y-%m-%d}",
            "last": f"{self.last:%Y-%m-%d}",
            "source_ids": list(self.source_ids),
        }


def fit_trend(quotes: pd.DataFrame) -> PriceTrend:
    """Fit :class:`PriceTrend` to quotes with columns ``date``, ``value`` and ``source_id``."""
    if len(quotes) < 3:
        raise DataError("a price trend needs at least three dated quotes")
    values = quotes["value"].to_numpy(dtype=float)
    if np.any(values <= 0) or not np.all(np.isfinite(values)):
        raise DataError("rental quotes must be positive numbers")
    dates = pd.DatetimeIndex(pd.to_datetime(quotes["date"]))
    t = _years(dates)
    if np.ptp(t) <= 0:
        raise DataError("rental quotes must span more than one date")
    design = np.column_stack([np.ones_like(t), t])
    (intercept, slope), *_ = np.linalg.lstsq(design, np.log(values), rcond=None)
    return PriceTrend(
        float(intercept),
        float(slope),
        len(values),
        dates.min(),
        dates.max(),
        tuple(dict.fromkeys(quotes["source_id"])),
    )


@dataclass(frozen=True)
class PricePath:
    """A named rental-price path (USD per GPU-hour) over years of life 1..``years``."""

    name: str
    prices: np.ndarray
    description: str
    source_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "prices_usd_per_gpu_hour": [float(p) for p in self.prices],
            "source_ids": list(self.source_ids),
        }


def observed_path(trend: PriceTrend, purchased: Any, years: int) -> PricePath:
    t0 = _years(pd.DatetimeIndex([purchased]))[0]
    k = np.arange(1, years + 1, dtype=float)
    prices = np.exp(trend.intercept + trend.slope * (t0 + k - 0.5))
    return PricePath(
        "observed",
        prices,
        f"log-linear trend of {trend.quotes} quotes {trend.first:%Y-%m} to {trend.last:%Y-%m}, "
        f"{trend.yearly_change:+.0%} a year, extrapolated",
        trend.source_ids,
    )


def generational_path(
    initial: float, years: int, *, cadence_years: float, cost_per_compute_gain: float
) -> PricePath:
    if cadence_years <= 0 or cost_per_compute_gain < 1:
        raise SpecificationError("cadence must be > 0 and the gain per generation >= 1")
    k = np.arange(1, years + 1, dtype=float)
    prices = initial * cost_per_compute_gain ** (-(k - 0.5) / cadence_years)
    return PricePath(
        "generational",
        prices,
        f"a generation every {cadence_years:g} years, {cost_per_compute_gain:g}x cheaper compute each",
    )


def flat_path(initial: float, years: int) -> PricePath:
    return PricePath("flat", np.full(years, float(initial)), "rent holds at its initial level")


#: The highest rent a user may set, USD per GPU-hour: hundreds of times any observed rent.
MAX_PRICE_USD_PER_HOUR = 1_000.0


def explicit_path(prices: Sequence[float], years: int) -> PricePath:
    values = [float(p) for p in prices]
    if not values or any(not np.isfinite(p) or p < 0 for p in values):
        raise SpecificationError("an explicit price path needs non-negative prices")
    if any(p > MAX_PRICE_USD_PER_HOUR for p in values):
        raise SpecificationError(
            f"an explicit price must lie in [0, {MAX_PRICE_USD_PER_HOUR:g}] USD per GPU-hour"
        )
    padded = (values + [values[-1]] * years)[:years]
    return PricePath("explicit", np.array(padded), "prices given by the user, last one held")
