"""The PSY statistics of one series: ADF, SADF, GSADF and the BADF/BSADF sequences.

Conventions (exuber's, so results compare element by element):

* regression rows are observations ``t = lags + 1 … T − 1`` of ``Δy_t`` on an
  intercept, ``y_{t−1}`` and ``Δy_{t−1} … Δy_{t−lags}``; a window's lagged
  differences may reach back before the window's first row;
* the minimum window ``r0`` counts regression rows; the default is
  ``floor((0.01 + 1.8/√T)·T)`` (PSY 2015, Section 5);
* BADF/BSADF entry ``j`` belongs to the window(s) ending at row ``r0 − 1 + j``,
  i.e. observation ``r0 + lags + j``, whose date labels the entry; there are
  ``T − r0 − lags`` entries;
* ``adf`` is the full-sample statistic, ``sadf = max BADF`` (PWY 2011, eq. 7),
  ``gsadf = max BSADF`` (PSY 2015, eqs. 5–6).

With ``lag_selection`` set, ``lags`` is the maximum: every window chooses its own
number of lagged differences by AIC or BIC on the rows common to all candidates
(those of ``lags``), and reports that model's t statistic.

References
----------
Phillips, P.C.B., Wu, Y. and Yu, J. (2011), "Explosive behavior in the 1990s
Nasdaq", *International Economic Review* 52(1), 201–226.
Phillips, P.C.B., Shi, S. and Yu, J. (2015), "Testing for multiple bubbles",
*International Economic Review* 56(4), 1043–1078.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bubblewatch._typing import LagSelection
from bubblewatch.detect.psy import _kernels
from bubblewatch.detect.psy._design import FloatArray, design
from bubblewatch.detect.psy._input import Spec, as_series, make_spec
from bubblewatch.detect.psy.result import PSYResult

_SELECT = {None: _kernels.FIXED, "aic": _kernels.AIC, "bic": _kernels.BIC}


def sequences(y: FloatArray, spec: Spec) -> tuple[FloatArray, FloatArray]:
    """BADF and BSADF sequences (each ``spec.points`` long) of a validated array."""
    dep, regs = design(y, spec.lags)
    widths = np.array([spec.min_window], dtype=np.int64)
    last = np.array([spec.rows - 1], dtype=np.int64)
    offsets = np.zeros(1, dtype=np.int64)
    badf, bsadf = _kernels.sweep(
        dep, regs, widths, last, offsets, _SELECT[spec.lag_selection], spec.points
    )
    return np.asarray(badf[spec.min_window - 1 :]), np.asarray(bsadf)


def test(
    y: Any,
    *,
    min_window: int | float | None = None,
    lags: int = 0,
    lag_selection: LagSelection | None = None,
) -> PSYResult:
    """Run the PWY/PSY recursive right-tailed ADF tests on one series.

    Parameters
    ----------
    y : Series, 1-D array or list
        The series (a price, or a valuation ratio such as price/dividend). A
        Series keeps its index: BADF and BSADF come back labelled by it.
    min_window : int or float, optional
        Smallest window in regression rows; a float in (0, 1) is a fraction of
        the sample. Default ``floor((0.01 + 1.8/√T)·T)``.
    lags : int
        Lagged differences in every ADF regression (the maximum when
        ``lag_selection`` is set). Default 0, as in PSY's application.
    lag_selection : {"aic", "bic"}, optional
        Choose the lag order per window by this criterion.

    Returns
    -------
    PSYResult

    Raises
    ------
    SpecificationError
        Non-numeric, missing, infinite or constant values; unordered or
        mixed-frequency dates; a series too short for the window and lags.

    Examples
    --------
    >>> import numpy as np
    >>> from bubblewatch.detect import psy
    >>> y = np.cumsum(np.random.default_rng(0).standard_normal(200))
    >>> r = psy.test(y)
    >>> r.min_window, len(r.bsadf)
    (27, 173)
    >>> bool(r.gsadf >= r.sadf)
    True
    """
    series = as_series(y)
    spec = make_spec(len(series), min_window, lags, lag_selection)
    values = series.to_numpy()
    badf, bsadf = sequences(values, spec)
    labels = series.index[spec.min_window + spec.lags :]
    name = None if series.name is None else str(series.name)
    adf = float(badf[-1])
    return PSYResult(
        adf=adf,
        sadf=float(np.nanmax(badf)),
        gsadf=float(np.nanmax(bsadf)),
        badf=pd.Series(badf, index=labels, name="badf"),
        bsadf=pd.Series(bsadf, index=labels, name="bsadf"),
        series=series,
        min_window=spec.min_window,
        lags=spec.lags,
        lag_selection=spec.lag_selection,
        nobs=spec.nobs,
        name=name,
    )
