"""Straight-line depreciation of capex vintages, with changes of useful life applied prospectively.

*Vintages.* Each fiscal year's capex is spread evenly over the twelve months of that year,
and each month's tranche is placed in service at the start of the month it is spent in (a
"full-month" convention; the annual equivalent is close to the usual half-year convention).
A tranche of cost :math:`c` with life :math:`L` months loses :math:`c/L` a month and reaches
zero after :math:`L` months (no salvage value).

*Changes of estimate.* US GAAP treats a change of useful life as a change in accounting
estimate, accounted for prospectively (FASB ASC 250-10-45-17; IAS 8 ¶36-38 likewise): at the
effective date :math:`e`, a tranche bought at month :math:`a` with net book value
:math:`N_e` is depreciated over its *remaining* new life, :math:`r = L_{new} - (e - a)`, at
:math:`N_e / r` a month. Past depreciation is never restated. When a shortening leaves
:math:`r \\le 0` the tranche is already past its new life, and its whole net book value is
written off in the month of the change. Tranches bought on or after :math:`e` take
:math:`L_{new}` from the start.

The engine is closed-form and vectorised over tranches and month boundaries;
:mod:`bubblewatch.models.depreciation._reference` steps the same rules month by month and
the tests hold the two equal to 1e-9.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import SpecificationError

MONTHS_PER_YEAR = 12


def month_index(date: Any) -> int:
    """Months since year 0 of the month containing ``date`` (``2023-07-01`` -> 2023*12+6)."""
    ts = pd.Timestamp(date)
    return int(ts.year) * MONTHS_PER_YEAR + int(ts.month) - 1


#: The longest useful life accepted, in years: longer than any building's.
MAX_LIFE_YEARS = 100.0


def months_of_life(years: float) -> int:
    """A useful life in whole months; lives that are not whole months are rejected."""
    months = float(years) * MONTHS_PER_YEAR
    if not np.isfinite(months) or months < 1 or float(years) > MAX_LIFE_YEARS:
        raise SpecificationError(
            f"a useful life must be positive, from one month to {MAX_LIFE_YEARS:g} years, "
            f"got {years!r} years"
        )
    if abs(months - round(months)) > 1e-9:
        raise SpecificationError(
            f"a useful life must be a whole number of months, got {years!r} years"
        )
    return round(months)


@dataclass(frozen=True)
class LifeChange:
    """A new useful life (years) in force from the first day of ``effective`` 's month."""

    effective: pd.Timestamp
    years: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "effective", pd.Timestamp(self.effective))
        months_of_life(self.years)


@dataclass(frozen=True)
class LifeHistory:
    """The useful life of an asset class over time: an initial life and dated changes.

    >>> h = LifeHistory(4, (LifeChange("2022-07-01", 6),))
    >>> h.life_at("2022-06-30"), h.life_at("2022-07-01")
    (4.0, 6.0)
    """

    initial_years: float
    changes: tuple[LifeChange, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "initial_years", float(self.initial_years))
        months_of_life(self.initial_years)
        ordered = tuple(sorted(self.changes, key=lambda c: c.effective))
        months = [month_index(c.effective) for c in ordered]
        if len(set(months)) != len(months):
            raise SpecificationError("two useful-life changes take effect in the same month")
        object.__setattr__(self, "changes", ordered)

    @classmethod
    def constant(cls, years: float) -> LifeHistory:
        return cls(years)

    def life_at(self, date: Any) -> float:
        """The life (years) that applies to an asset bought on ``date``."""
        month = month_index(date)
        life = self.initial_years
        for change in self.changes:
            if month_index(change.effective) <= month:
                life = float(change.years)
        return life

    def without_changes_from(self, date: Any) -> LifeHistory:
        """The history as if no change took effect on or after ``date`` (the counterfactual)."""
        cut = month_index(date)
        return LifeHistory(
            self.initial_years, tuple(c for c in self.changes if month_index(c.effective) < cut)
        )

    def describe(self) -> str:
        parts = [f"{self.initial_years:g}y"]
        parts += [f"{c.years:g}y from {c.effective:%Y-%m}" for c in self.changes]
        return " -> ".join(parts)


def tranches(capex: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Monthly tranches (acquisition month index, cost) of annual capex by fiscal-year end.

    ``capex`` is indexed by fiscal-year-end dates; each value is spread evenly over the
    twelve months ending in that month.
    """
    if not isinstance(capex, pd.Series) or len(capex) == 0:
        raise SpecificationError("capex must be a non-empty Series indexed by fiscal-year end")
    values = capex.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise SpecificationError("capex must be finite and non-negative")
    ends = np.array([month_index(d) for d in capex.index])
    if len(set(ends.tolist())) != len(ends):
        raise SpecificationError("capex has two values for the same fiscal year")
    if np.any(np.diff(np.sort(ends)) % MONTHS_PER_YEAR != 0):
        raise SpecificationError("capex fiscal-year ends must fall in the same month every year")
    offsets = np.arange(-MONTHS_PER_YEAR + 1, 1)
    months = (ends[:, None] + offsets[None, :]).ravel()
    costs = np.repeat(values / MONTHS_PER_YEAR, MONTHS_PER_YEAR)
    return months, costs


def net_book_value(
    acquired: np.ndarray, cost: np.ndarray, lives: LifeHistory, boundaries: np.ndarray
) -> np.ndarray:
    """Net book value of each tranche at the start of each month in ``boundaries``.

    Returns an array (tranches x boundaries). Value at a boundary is taken before any
    write-off that happens in that month, so a write-off falls in the month of the change.
    """
    a = np.asarray(acquired, dtype=float)[:, None]
    c = np.asarray(cost, dtype=float)[:, None]
    t = np.asarray(boundaries, dtype=float)[None, :]
    life0 = _initial_months(np.asarray(acquired), lives)
    start = a.copy()
    level = c.copy()
    rate = c / life0[:, None].astype(float)
    alive = np.ones_like(a, dtype=bool)
    nbv = np.where(t > a, np.maximum(level - rate * (t - start), 0.0), 0.0)
    for change in lives.changes:
        e = float(month_index(change.effective))
        existing = a < e
        level_e = np.where(alive, np.maximum(level - rate * (e - start), 0.0), 0.0)
        remaining = months_of_life(change.years) - (e - a)
        after = existing & (t > e)
        writes_off = remaining <= 0
        new_rate = np.where(writes_off, 0.0, level_e / np.where(writes_off, 1.0, remaining))
        value_after = np.where(writes_off, 0.0, np.maximum(level_e - new_rate * (t - e), 0.0))
        nbv = np.where(after, value_after, nbv)
        start = np.where(existing, e, start)
        level = np.where(existing, level_e, level)
        rate = np.where(existing, new_rate, rate)
        alive = np.where(existing, ~writes_off & (level_e > 0), alive)
    return nbv


def _initial_months(acquired: np.ndarray, lives: LifeHistory) -> np.ndarray:
    """The life in months that applies to a tranche bought in each month of ``acquired``.

    :meth:`LifeHistory.life_at` over every tranche at once: the changes are in date order, so
    the last one in force at a tranche's month sets its life.
    """
    years = np.full(len(acquired), lives.initial_years, dtype=float)
    for change in lives.changes:
        years[acquired >= month_index(change.effective)] = float(change.years)
    months = {y: months_of_life(y) for y in set(years.tolist())}
    return np.array([months[y] for y in years.tolist()])


def _month_start(month: int) -> pd.Timestamp:
    return pd.Timestamp(year=month // MONTHS_PER_YEAR, month=month % MONTHS_PER_YEAR + 1, day=1)


@dataclass(frozen=True)
class DepreciationSchedule:
    """Depreciation and net book value by fiscal year for one capex history and life history.

    ``annual`` has one row per fiscal year (index: fiscal-year end) with ``capex``,
    ``depreciation`` (charged during the year) and ``net_book_value`` (at year end).
    """

    annual: pd.DataFrame
    lives: LifeHistory
    capex: pd.Series = field(repr=False)
    acquired_before: pd.Timestamp | None = None

    @property
    def depreciation(self) -> pd.Series:
        return self.annual["depreciation"]

    @property
    def net_book_value(self) -> pd.Series:
        return self.annual["net_book_value"]

    def versus(self, other: DepreciationSchedule) -> pd.DataFrame:
        """This schedule beside ``other``: depreciation, net book value and their differences."""
        frame = pd.concat(
            {
                "depreciation": self.depreciation,
                "depreciation_other": other.depreciation,
                "net_book_value": self.net_book_value,
                "net_book_value_other": other.net_book_value,
            },
            axis=1,
        ).fillna(0.0)
        frame["depreciation_difference"] = frame["depreciation"] - frame["depreciation_other"]
        frame["net_book_value_difference"] = frame["net_book_value"] - frame["net_book_value_other"]
        return frame

    def to_frame(self) -> pd.DataFrame:
        return self.annual.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "lives": self.lives.describe(),
            "acquired_before": None
            if self.acquired_before is None
            else f"{self.acquired_before:%Y-%m-%d}",
            "years": [
                {"fiscal_year_end": f"{idx:%Y-%m-%d}", **{k: float(v) for k, v in row.items()}}
                for idx, row in self.annual.iterrows()
            ],
        }

    def summary(self) -> str:
        last = self.annual.index[-1]
        return (
            f"Straight-line schedule, lives {self.lives.describe()}: depreciation "
            f"{self.depreciation.iloc[-1]:,.1f} and net book value "
            f"{self.net_book_value.iloc[-1]:,.1f} in the year to {last:%Y-%m}."
        )


def schedule(
    capex: pd.Series,
    lives: LifeHistory | float,
    *,
    through: Any = None,
    acquired_before: Any = None,
) -> DepreciationSchedule:
    """Depreciate ``capex`` (by fiscal-year end) under ``lives``, year by year.

    Parameters
    ----------
    capex
        Spending by fiscal year, indexed by fiscal-year-end dates (month ends).
    lives
        A :class:`LifeHistory`, or a constant life in years.
    through
        Last fiscal-year end to report; default the last capex year. Later years continue the
        same fiscal calendar.
    acquired_before
        Keep only tranches bought before this date: the assets "in service" at a change date,
        as companies state the anticipated effect of a change.
    """
    history = lives if isinstance(lives, LifeHistory) else LifeHistory.constant(float(lives))
    capex = capex.sort_index()
    months, costs = tranches(capex)
    if acquired_before is not None:
        keep = months < month_index(acquired_before)
        months, costs = months[keep], costs[keep]
    first_end = month_index(capex.index[0])
    last_end = month_index(capex.index[-1] if through is None else through)
    if last_end < first_end:
        raise SpecificationError("'through' is before the first fiscal year of capex")
    year_ends = np.arange(first_end, last_end + 1, MONTHS_PER_YEAR)
    # boundaries: start of the first month of each fiscal year, and start of the month after
    # each year end; depreciation in a year is the fall in book value between them, net of
    # the tranches bought during the year.
    boundaries = np.concatenate([[year_ends[0] - MONTHS_PER_YEAR + 1], year_ends + 1])
    nbv = net_book_value(months, costs, history, boundaries).sum(axis=0)
    bought = np.array(
        [costs[(months > end - MONTHS_PER_YEAR) & (months <= end)].sum() for end in year_ends]
    )
    depreciation = nbv[:-1] + bought - nbv[1:]
    index = pd.DatetimeIndex([_month_start(int(m)) + pd.offsets.MonthEnd(0) for m in year_ends])
    annual = pd.DataFrame(
        {"capex": bought, "depreciation": depreciation, "net_book_value": nbv[1:]}, index=index
    )
    annual.index.name = "fiscal_year_end"
    return DepreciationSchedule(
        annual,
        history,
        capex,
        None if acquired_before is None else pd.Timestamp(acquired_before),
    )


def compare(
    capex: pd.Series, base: LifeHistory | float, alternatives: Iterable[float], **kwargs: Any
) -> pd.DataFrame:
    """Depreciation by fiscal year under ``base`` and each constant alternative life.

    Columns: ``base`` and one per alternative (``"4y"``, ...), plus ``base_minus_<alt>``.
    """
    base_sched = schedule(capex, base, **kwargs)
    out = {"base": base_sched.depreciation}
    for years in alternatives:
        alt = schedule(capex, float(years), **kwargs)
        out[f"{float(years):g}y"] = alt.depreciation
        out[f"base_minus_{float(years):g}y"] = base_sched.depreciation - alt.depreciation
    return pd.DataFrame(out)


def total_charge(schedules: Sequence[DepreciationSchedule]) -> float:
    """Sum of depreciation over the years of every schedule (for invariants)."""
    return float(sum(s.depreciation.sum() for s in schedules))
