"""bubblewatch: measure the AI-bubble debate on sourced data.

The library layers: :mod:`bubblewatch.data` (the shipped, sourced snapshot),
:mod:`bubblewatch.store` (the DuckDB store with vintages), :mod:`bubblewatch.report`
(the assessment and its renderers) and :mod:`bubblewatch.cli`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from bubblewatch.data import load_table
from bubblewatch.errors import (
    BubblewatchError,
    DataError,
    InputPathError,
    ReportError,
    SourceError,
    SpecificationError,
    StoreError,
    VerificationError,
)
from bubblewatch.store import Store

__all__ = [
    "BubblewatchError",
    "DataError",
    "InputPathError",
    "ReportError",
    "SourceError",
    "SpecificationError",
    "Store",
    "StoreError",
    "VerificationError",
    "__version__",
    "load_table",
]
