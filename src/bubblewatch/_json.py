"""Strict JSON for every ``--json`` output and every result's ``to_dict``.

JSON has no NaN or Infinity: :func:`strict` turns them into ``null`` anywhere in a nested
structure, and :func:`dumps` refuses to write them, so a non-finite figure can never reach a
strict parser. Where a figure is null because it is undefined, the result says why in a
sibling ``<field>_note`` or a reason field of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np
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


def strict(obj: Any) -> Any:
    """``obj`` with every NaN, Infinity, NaT and NA as None, numpy scalars and arrays as Python.

    Dicts, lists, tuples and sets are walked (tuples and sets become lists); dict keys become
    text. Anything else that JSON cannot hold is left for :func:`dumps` to write as text.
    """
    if obj is None or (isinstance(obj, (bool, str, int)) and not isinstance(obj, np.generic)):
        return obj
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if obj is pd.NaT or obj is pd.NA:
        return None
    if isinstance(obj, np.generic):
        return strict(obj.item())
    if isinstance(obj, np.ndarray):
        return strict(obj.tolist())
    if isinstance(obj, Mapping):
        return {_key(k): strict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [strict(v) for v in obj]
    if isinstance(obj, pd.Timestamp):
        return f"{obj:%Y-%m-%d}" if obj == obj.normalize() else obj.isoformat()
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, pd.DataFrame):
        return strict(obj.to_dict(orient="records"))
    if isinstance(obj, pd.Series):
        return strict(obj.to_dict())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return strict(dataclasses.asdict(obj))
    return obj


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, np.generic):
        key = key.item()
    return str(key)


def dumps(obj: Any, indent: int | None = 2, *, ensure_ascii: bool = True) -> str:
    """``obj`` as strict JSON text (non-finite numbers as null); never writes NaN or Infinity."""
    text = json.dumps(
        strict(obj), indent=indent, ensure_ascii=ensure_ascii, allow_nan=False, default=str
    )
    return text


def emit(obj: Any, indent: int | None = 2, *, ensure_ascii: bool = True) -> None:
    """Write ``obj`` to standard output as strict JSON and a newline: every ``--json`` output."""
    sys.stdout.write(dumps(obj, indent, ensure_ascii=ensure_ascii) + "\n")


def undefined(value: Any) -> bool:
    """True where a figure cannot be written as a JSON number (None, NaN, Infinity)."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
