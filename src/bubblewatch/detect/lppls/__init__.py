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

from bubblewatch.detect.lppls.confidence import DEFINITIONS, Confidence, confidence, window_lengths
from bubblewatch.detect.lppls.fit import LPPLSFit, fit, log_price
from bubblewatch.detect.lppls.space import FILTER_SETS, Conditions, FilterSet, SearchSpace

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
