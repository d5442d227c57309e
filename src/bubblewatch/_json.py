"""JSON-safe rows of a DataFrame, shared by every result's ``to_dict``."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts: NaN, NaT and NA as None, dates as ISO text, numpy scalars as Python numbers."""
    rows = []
    for rec in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for k, v in rec.items():
            if v is pd.NaT or v is pd.NA:
                clean[str(k)] = None
            elif isinstance(v, pd.Timestamp):
                clean[str(k)] = f"{v:%Y-%m-%d}"
            elif isinstance(v, float) and math.isnan(v):
                clean[str(k)] = None
            elif hasattr(v, "item"):
                clean[str(k)] = v.item()
            else:
                clean[str(k)] = v
        rows.append(clean)
    return rows
