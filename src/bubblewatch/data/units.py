"""US-dollar amounts in billions, whatever USD unit a table row carries."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.errors import DataError

USD_BN_PER_UNIT: dict[str, float] = {"usd_bn": 1.0, "usd_m": 1e-3, "usd_tn": 1e3}


def usd_bn(rows: pd.DataFrame, value: str = "value", unit: str = "unit") -> np.ndarray:
    """``rows[value]`` in USD bn; a row whose unit is not a USD amount is a :class:`DataError`."""
    units = set(rows[unit])
    if not units <= set(USD_BN_PER_UNIT):
        raise DataError(f"expected USD amounts, found units {sorted(units - set(USD_BN_PER_UNIT))}")
    scale = rows[unit].map(USD_BN_PER_UNIT).to_numpy(dtype=float)
    return np.asarray(rows[value].to_numpy(dtype=float) * scale, dtype=float)
