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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bubblewatch.detect.psy._input import default_min_window
from bubblewatch.detect.psy.result import PSYResult

if TYPE_CHECKING:
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
    from bubblewatch.detect.psy.stats import test

#: Names loaded on first use: their modules compile kernels, which a command that never tests
#: for a bubble should not wait for.
_LAZY = {
    **dict.fromkeys(
        (
            "CriticalValues",
            "critical_value_table",
            "critical_values",
            "shipped_table",
            "table_sizes",
        ),
        "bubblewatch.detect.psy.critical",
    ),
    **dict.fromkeys(
        (
            "PanelCriticalValues",
            "PanelResult",
            "panel_critical_values",
            "panel_datestamp",
            "panel_test",
        ),
        "bubblewatch.detect.psy.panel",
    ),
    **dict.fromkeys(
        ("DateStamp", "datestamp", "default_min_duration"), "bubblewatch.detect.psy.dating"
    ),
    "test": "bubblewatch.detect.psy.stats",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
