"""Log-periodic power law singularity (LPPLS) bubble fits and the confidence indicator.

>>> from bubblewatch.detect import lppls
>>> fit = lppls.fit(prices)                                # doctest: +SKIP
>>> conf = lppls.confidence(prices, end_step=5)            # doctest: +SKIP
>>> conf.positive.tail()                                   # doctest: +SKIP

* :func:`fit` — one window: (tc, m, ω) searched on a seeded global grid and refined,
  (A, B, C1, C2) solved exactly (Filimonov & Sornette 2013);
* :func:`confidence` — the share of windows ending at each date whose fit
  qualifies as a positive or negative bubble (Sornette et al. 2015);
* :data:`FILTER_SETS` — named search spaces and filter conditions.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bubblewatch.detect.lppls.space import FILTER_SETS, Conditions, FilterSet, SearchSpace

if TYPE_CHECKING:
    from bubblewatch.detect.lppls.confidence import (
        DEFINITIONS,
        Confidence,
        confidence,
        window_lengths,
    )
    from bubblewatch.detect.lppls.fit import LPPLSFit, fit, log_price

#: Names loaded on first use: their modules compile kernels, which a command that never fits
#: a bubble should not wait for.
_LAZY = {
    **dict.fromkeys(
        ("DEFINITIONS", "Confidence", "confidence", "window_lengths"),
        "bubblewatch.detect.lppls.confidence",
    ),
    **dict.fromkeys(("LPPLSFit", "fit", "log_price"), "bubblewatch.detect.lppls.fit"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFINITIONS",
    "FILTER_SETS",
    "Conditions",
    "Confidence",
    "FilterSet",
    "LPPLSFit",
    "SearchSpace",
    "confidence",
    "fit",
    "log_price",
    "window_lengths",
]
