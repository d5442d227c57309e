"""Checks on what users pass to the PSY functions: series, windows, lags.

Every problem is a :class:`~bubblewatch.errors.SpecificationError` that says
what was expected and what was found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bubblewatch._typing import LagSelection
from bubblewatch.errors import SpecificationError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Spec:
    """A validated test specification: sample size, minimum window (rows) and lags."""

    nobs: int
    min_window: int
    lags: int
    lag_selection: LagSelection | None

    @property
    def rows(self) -> int:
        """Rows of the full-sample ADF regression."""
        return self.nobs - 1 - self.lags

    @property
    def points(self) -> int:
        """Length of the BADF and BSADF sequences."""
        return self.rows - self.min_window + 1


def default_min_window(nobs: int) -> int:
    """PSY (2015, Section 5) rule ``floor((0.01 + 1.8/√T)·T)``, in regression rows."""
    return math.floor((0.01 + 1.8 / math.sqrt(nobs)) * nobs)


def make_spec(
    nobs: int,
    min_window: int | float | None,
    lags: int,
    lag_selection: str | None,
) -> Spec:
    """Validate the window and lag options against a sample of ``nobs`` observations."""
    if isinstance(lags, bool) or not isinstance(lags, int | np.integer) or lags < 0:
        raise SpecificationError(f"lags must be a non-negative integer, got {lags!r}")
    if lag_selection is not None and lag_selection not in ("aic", "bic"):
        raise SpecificationError(
            f"lag_selection must be 'aic', 'bic' or None, got {lag_selection!r}"
        )
    lags = int(lags)
    if min_window is None:
        window = default_min_window(nobs)
    elif isinstance(min_window, float) and 0.0 < min_window < 1.0:
        window = math.floor(min_window * nobs)
    elif isinstance(min_window, int | np.integer) and not isinstance(min_window, bool):
        window = int(min_window)
    else:
        raise SpecificationError(
            "min_window must be a number of observations (int) or a fraction of the "
            f"sample in (0, 1), got {min_window!r}"
        )
    smallest = lags + 4
    rows = nobs - 1 - lags
    if min_window is None and (window < smallest or rows < window):
        need = next(
            n
            for n in range(smallest, 10 * smallest + 100)
            if default_min_window(n) >= smallest and n - 1 - lags >= default_min_window(n)
        )
        raise SpecificationError(
            f"series too short: {nobs} observations; with lags={lags} and the default "
            f"minimum window the test needs at least {need}"
        )
    if window < smallest:
        raise SpecificationError(
            f"min_window must be at least {smallest} observations with lags={lags} "
            f"(an ADF regression needs more rows than coefficients), got {window}"
        )
    if rows < window:
        raise SpecificationError(
            f"series too short: {nobs} observations give {rows} regression rows with "
            f"lags={lags}, fewer than the minimum window of {window}; "
            f"at least {window + 1 + lags} observations are needed"
        )
    selection: LagSelection | None = lag_selection  # type: ignore[assignment]
    return Spec(nobs=nobs, min_window=window, lags=lags, lag_selection=selection)


def as_series(y: Any, *, what: str = "y") -> pd.Series:
    """Return ``y`` as a float Series with a checked, increasing index.

    Accepts a Series, a one-column DataFrame, a 1-D array or a list. Rejects
    non-numeric values, NaN or infinite values, constant series, and date labels
    that are unordered, duplicated or of mixed frequency.
    """
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise SpecificationError(
                f"{what} must be one series; got a DataFrame with {y.shape[1]} columns "
                "(pick a column, or use psy.panel_test for a panel)"
            )
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        series = y
    else:
        array = np.asarray(y)
        if array.ndim != 1:
            raise SpecificationError(f"{what} must be one-dimensional, got shape {array.shape}")
        series = pd.Series(array)
    if not (
        pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
    ):
        raise SpecificationError(f"{what} must be numeric, got values of type {series.dtype}")
    values = series.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        where = series.index[int(np.argmax(bad))]
        raise SpecificationError(
            f"{what} has {int(bad.sum())} missing or infinite value(s), the first at {where!r}; "
            "drop or fill them before testing"
        )
    if values.size and float(np.ptp(values)) == 0.0:
        raise SpecificationError(
            f"{what} is constant (every value is {values[0]!r}); nothing to test"
        )
    _check_index(series.index, what)
    return pd.Series(values, index=series.index, name=series.name)


def _check_index(index: pd.Index, what: str) -> None:
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise SpecificationError(f"{what} has duplicate index labels, e.g. {dup!r}")
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) and not index.is_monotonic_increasing:
        raise SpecificationError(f"{what} dates must be in increasing order")
    if isinstance(index, pd.PeriodIndex) and len(index) > 1:
        steps = np.diff(index.asi8)
        if not (steps == 1).all():
            gap = index[1:][steps != 1][0]
            raise SpecificationError(
                f"{what} periods must be consecutive ({index.freqstr}); a gap ends at {gap}"
            )
    if isinstance(index, pd.DatetimeIndex) and len(index) > 2:
        days = np.asarray((index[1:] - index[:-1]) / pd.Timedelta(days=1), dtype=float)
        median = float(np.median(days))
        short = days < 0.5 * median
        if short.any():
            at = index[1:][short][0]
            raise SpecificationError(
                f"{what} dates mix frequencies: the typical spacing is {median:g} days but "
                f"{at.date()} follows its predecessor after {days[short][0]:g}; resample to one "
                "frequency first"
            )
        if median >= 25 and (days > 1.5 * median).any():
            at = index[1:][days > 1.5 * median][0]
            raise SpecificationError(
                f"{what} has a missing period before {at.date()} (spacing {median:g} days "
                "elsewhere); the test needs equally spaced observations"
            )


def as_frame(data: Any, *, what: str = "data") -> pd.DataFrame:
    """Return a panel as a float DataFrame: two or more checked, aligned columns."""
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"{what} must be a DataFrame with one column per series")
    if data.shape[1] < 2:
        raise SpecificationError(f"{what} must have at least two series, got {data.shape[1]}")
    columns = {str(c): as_series(data[c], what=f"series {c!r}") for c in data.columns}
    _check_index(data.index, what)
    return pd.DataFrame(columns, index=data.index)
