"""Explosive-root (bubble) tests of Phillips, Wu & Yu (2011) and Phillips, Shi & Yu (2015).

>>> from bubblewatch.detect import psy
>>> result = psy.test(prices)                          # doctest: +SKIP
>>> cv = psy.critical_values(result.nobs)              # doctest: +SKIP
>>> psy.datestamp(result, cv).table                    # doctest: +SKIP

* :func:`test` — ADF, SADF, GSADF and the BADF/BSADF sequences of one series;
* :func:`critical_values` — Monte Carlo or wild-bootstrap critical values
  (:func:`critical_value_table` for many sample sizes in one pass);
* :func:`datestamp` — origination, peak and termination of each episode;
* :func:`panel_test`, :func:`panel_critical_values`, :func:`panel_datestamp` —
  the panel GSADF with sieve-bootstrap critical values.
"""

from bubblewatch.detect.psy._input import default_min_window
from bubblewatch.detect.psy.critical import (
    CriticalValues,
    critical_value_table,
    critical_values,
    shipped_table,
    table_sizes,
)
from bubblewatch.detect.psy.dating import DateStamp, datestamp, default_min_duration
from bubblewatch.detect.psy.panel import (
    PanelCriticalValues,
    PanelResult,
    panel_critical_values,
    panel_datestamp,
    panel_test,
)
from bubblewatch.detect.psy.result import PSYResult
from bubblewatch.detect.psy.stats import test

__all__ = [
    "CriticalValues",
    "DateStamp",
    "PSYResult",
    "PanelCriticalValues",
    "PanelResult",
    "critical_value_table",
    "critical_values",
    "datestamp",
    "default_min_duration",
    "default_min_window",
    "panel_critical_values",
    "panel_datestamp",
    "panel_test",
    "shipped_table",
    "table_sizes",
    "test",
]
