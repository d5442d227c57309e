"""How recent the data behind a section is: the latest observation date of its tables.

Each argument declares the store tables it reads (``Argument.tables``). A table's observation
date is its ``date`` column where it has one (prices, deals, debt, quotes, estimates), else the
fiscal year end (``fiscal_year_end``), else the end of the latest quarter in ``period``
(``2026Q1`` → 31 Mar 2026), else the date its figures were published (``published``). A row dated after its own
publication is a forecast or guidance, not an observation, and does not count; nor does the
claims table (what was said, not data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

#: Tables that hold no observations of their own.
NOT_DATA = frozenset({"claims", "sources"})


def _quarter_end(period: pd.Series) -> pd.Series:
    quarters = period.astype("string").str.extract(r"^(\d{4})Q([1-4])$").dropna()
    if quarters.empty:
        return pd.Series(dtype="datetime64[ns]")
    starts = pd.PeriodIndex.from_fields(
        year=quarters[0].astype(int).to_numpy(), quarter=quarters[1].astype(int).to_numpy()
    )
    return pd.Series(starts.end_time.normalize())


def observed(frame: pd.DataFrame) -> date | None:
    """The latest observation date of one table (see the module docstring), or ``None``."""
    published = (
        pd.to_datetime(frame["published"], errors="coerce")
        if "published" in frame.columns
        else None
    )
    for column in ("date", "fiscal_year_end"):
        if column in frame.columns:
            stamps = pd.to_datetime(frame[column], errors="coerce")
            if published is not None:
                stamps = stamps.where(~(stamps > published))
            stamps = stamps.dropna()
            if not stamps.empty:
                return date.fromisoformat(f"{stamps.max():%Y-%m-%d}")
    if "period" in frame.columns:
        ends = _quarter_end(frame["period"])
        if not ends.empty:
            return date.fromisoformat(f"{ends.max():%Y-%m-%d}")
    if "published" in frame.columns:
        stamps = pd.to_datetime(frame["published"], errors="coerce").dropna()
        if not stamps.empty:
            return date.fromisoformat(f"{stamps.max():%Y-%m-%d}")
    return None


def data_through(tables: Mapping[str, pd.DataFrame], names: Iterable[str]) -> date | None:
    """The latest observation date over the tables ``names`` (those absent are skipped)."""
    dates = [
        d
        for name in names
        if name not in NOT_DATA and name in tables
        for d in (observed(tables[name]),)
        if d is not None
    ]
    return max(dates, default=None)


def describe(day: date | None) -> str:
    """``date(2026, 3, 31)`` → ``"Data through 31 Mar 2026"``; ``None`` → ``""``."""
    return "" if day is None else f"Data through {day.day} {day:%b %Y}"
