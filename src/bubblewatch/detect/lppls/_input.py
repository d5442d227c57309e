"""Checks on prices passed to the LPPLS functions, and the mapping of time to dates.

Time is counted in observations. A Series with a :class:`~pandas.DatetimeIndex`
keeps its dates, and a time ``t`` beyond the last observation maps to a date by
the window's average calendar spacing (so 252 trading days ahead land about a
year ahead).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bubblewatch.errors import DataError, SpecificationError

Floats = npt.NDArray[np.float64]

MIN_OBSERVATIONS = 20
"""Shortest window fitted: seven parameters need several times as many points."""

GAP_FACTOR = 10.0
"""A date spacing this many times the median spacing is a gap in the data."""


def as_prices(prices: Any, *, what: str = "prices") -> pd.Series:
    """Return positive prices as a float Series; reject gaps, NaN and bad dates."""
    if isinstance(prices, pd.DataFrame):
        if prices.shape[1] != 1:
            raise SpecificationError(
                f"{what} must be one series; got a DataFrame with {prices.shape[1]} columns"
            )
        prices = prices.iloc[:, 0]
    if isinstance(prices, pd.Series):
        series = prices
    else:
        array = np.asarray(prices)
        if array.ndim != 1:
            raise SpecificationError(f"{what} must be one-dimensional, got shape {array.shape}")
        series = pd.Series(array)
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise DataError(f"{what} must be numeric, got values of type {series.dtype}")
    values = series.to_numpy(dtype=float)
    missing = ~np.isfinite(values)
    if missing.any():
        where = series.index[int(np.argmax(missing))]
        raise DataError(
            f"{what} has a gap: {int(missing.sum())} missing or infinite value(s), the first "
            f"at {_label(where)}; LPPLS needs a complete price path"
        )
    if (values <= 0).any():
        where = series.index[int(np.argmax(values <= 0))]
        raise DataError(
            f"{what} must be positive (the model fits log prices); found "
            f"{values[values <= 0][0]!r} at {_label(where)}"
        )
    index = series.index
    if isinstance(index, pd.DatetimeIndex):
        _check_dates(index, what)
    return pd.Series(values, index=index, name=series.name)


def _label(value: Any) -> str:
    return str(value.date()) if isinstance(value, pd.Timestamp) else repr(value)


def _check_dates(index: pd.DatetimeIndex, what: str) -> None:
    if index.has_duplicates:
        raise DataError(f"{what} has duplicate dates, e.g. {index[index.duplicated()][0].date()}")
    if not index.is_monotonic_increasing:
        raise DataError(f"{what} dates must be in increasing order")
    if len(index) < 3:
        return
    days = np.asarray((index[1:] - index[:-1]) / pd.Timedelta(days=1), dtype=float)
    median = float(np.median(days))
    wide = days > GAP_FACTOR * median
    if wide.any():
        at = int(np.argmax(wide))
        raise DataError(
            f"{what} has a gap: {days[at]:g} days between {index[at].date()} and "
            f"{index[at + 1].date()}, against a typical spacing of {median:g}; fill or "
            "split the series"
        )


def check_length(nobs: int, needed: int, what: str) -> None:
    """Raise if ``nobs`` observations cannot hold ``needed``."""
    if needed < MIN_OBSERVATIONS:
        raise SpecificationError(
            f"{what} must be at least {MIN_OBSERVATIONS} observations, got {needed}"
        )
    if nobs < needed:
        raise SpecificationError(f"series too short: {nobs} observations, but {what} is {needed}")


def to_dates(index: pd.Index, t: Floats, start: Any, end: Any) -> Any:
    """Dates of observation times ``t`` (fractional), extrapolated past the sample.

    Beyond the sample a time moves by the average calendar spacing of the fitted
    window ``start..end`` (observation numbers, broadcast with ``t``). Returns ``t``
    unchanged when the index holds no dates; NaN maps to ``NaT``.
    """
    t = np.asarray(t, dtype=float)
    if not isinstance(index, pd.DatetimeIndex):
        return t
    stamps = index.as_unit("ns").asi8.astype(float)
    last = len(index) - 1
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    spacing = (stamps[end.astype(int)] - stamps[start.astype(int)]) / np.maximum(end - start, 1)
    inside = np.interp(np.clip(t, 0, last), np.arange(len(index)), stamps)
    after = stamps[last] + (t - last) * spacing
    before = stamps[0] + t * spacing
    value = np.where(t > last, after, np.where(t < 0, before, inside))
    ok = np.isfinite(value)
    out = pd.to_datetime(np.where(ok, value, 0).round().astype("int64"), unit="ns")
    out = out.floor("D")
    if index.tz is not None:
        out = out.tz_localize(index.tz)
    return out.where(ok, pd.NaT)


def to_date(index: pd.Index, t: float, start: int, end: int) -> Any:
    """The date of one observation time (see :func:`to_dates`)."""
    if not isinstance(index, pd.DatetimeIndex):
        return float(t)
    return to_dates(index, np.array([t]), np.array([start]), np.array([end]))[0]
