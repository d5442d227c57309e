"""Named assumptions: a value, its unit and where it comes from, or that it is a scenario choice.

Every input of the GPU and fleet models is an :class:`Assumption`. One with a ``source_id``
was read from a cited source in the dataset (the ``gpu`` table); one without is a scenario
choice the user is expected to vary, and says so wherever it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from bubblewatch._assignments import parse_assignments
from bubblewatch.errors import SpecificationError

__all__ = ["Assumption", "assumptions_frame", "override", "parse_assignments"]


@dataclass(frozen=True)
class Assumption:
    """One model input: name, value, unit, description, and its source id (``None``: scenario)."""

    name: str
    value: float
    unit: str
    description: str
    source_id: str | None = None
    note: str = ""

    @property
    def origin(self) -> str:
        return self.source_id if self.source_id else "scenario choice"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "description": self.description,
            "source_id": self.source_id,
            "origin": self.origin,
            "note": self.note,
        }


def assumptions_frame(items: Iterable[Assumption]) -> pd.DataFrame:
    """A table of assumptions, one row each, for reports and ``--json`` output."""
    return pd.DataFrame(
        [
            {
                "assumption": a.name,
                "value": a.value,
                "unit": a.unit,
                "meaning": a.description,
                "source": a.origin,
            }
            for a in items
        ]
    )


#: Bounds of each assumption a user may set. Physical: a PUE below 1 would mean the facility
#: makes power, a share of hours or of load above 1 is more than all of them, and a chip
#: drawing under 10 W or over 10 kW is not a data-centre GPU. The other upper bounds lie far
#: beyond any observed value; they keep every figure derived from them a finite number.
BOUNDS: dict[str, tuple[float, float]] = {
    "purchase_usd": (0.0, 1e7),
    "gpu_tdp_kw": (0.01, 10.0),
    "server_overhead": (1.0, 10.0),
    "load_factor": (0.0, 1.0),
    "pue": (1.0, 5.0),
    "electricity_usd_per_kwh": (0.0, 10.0),
    "facility_usd_per_kw_month": (0.0, 10_000.0),
    "other_opex_share": (0.0, 1.0),
    "utilisation": (0.0, 1.0),
    "discount_rate": (0.0, 1.0),
    "generation_years": (0.25, 50.0),
    "generation_gain": (1.0, 100.0),
}


def override(items: Mapping[str, Assumption], values: Mapping[str, float]) -> dict[str, Assumption]:
    """Replace values by name; an overridden assumption becomes a scenario choice."""
    out = dict(items)
    for name, value in values.items():
        if name not in out:
            known = ", ".join(sorted(out))
            raise SpecificationError(f"unknown assumption {name!r}; known: {known}")
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise SpecificationError(f"assumption {name!r} needs a number, got {value!r}") from exc
        if not math.isfinite(number) or number < 0:
            raise SpecificationError(
                f"assumption {name!r} must be a finite number >= 0, got {value!r}"
            )
        lo, hi = BOUNDS.get(name, (0.0, math.inf))
        if not lo <= number <= hi:
            raise SpecificationError(
                f"assumption {name!r} must lie in [{lo:g}, {hi:g}], got {value!r}"
            )
        if number != out[name].value:
            out[name] = replace(out[name], value=number, source_id=None, note="set by the user")
    return out
