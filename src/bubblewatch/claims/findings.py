"""What a check returns: the evidence figures, the verdict and the sentence that says why."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from bubblewatch.claims.verdicts import Verdict
from bubblewatch.errors import DataError


class MissingEvidenceError(DataError):
    """The figures a check needs are not in the store (as of the date asked)."""


@dataclass(frozen=True)
class Figure:
    """One evidence figure: what it is, its value and unit, the period it describes, its sources."""

    label: str
    value: float | str
    unit: str
    source_ids: tuple[str, ...]
    period: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not self.source_ids:
            raise DataError(f"evidence {self.label!r} has no source")

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, float) and not math.isfinite(value):
            value = None  # type: ignore[assignment]
        return {
            "label": self.label,
            "value": value,
            "unit": self.unit,
            "period": self.period,
            "note": self.note,
            "source_ids": list(self.source_ids),
        }


@dataclass(frozen=True)
class Finding:
    """A check's answer as of one date: verdict, one-sentence reason, evidence."""

    verdict: Verdict
    reason: str
    evidence: tuple[Figure, ...]
    as_of: date

    def __post_init__(self) -> None:
        if self.verdict is not Verdict.NOT_VERIFIABLE and not self.evidence:
            raise DataError(f"a {self.verdict.value!r} verdict needs evidence")
        if not self.reason:
            raise DataError("a finding needs a reason")

    @property
    def source_ids(self) -> tuple[str, ...]:
        """Every source the evidence cites, in first-cited order."""
        return tuple(dict.fromkeys(s for f in self.evidence for s in f.source_ids))

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict.value,
            "reason": self.reason,
            "evidence": [f.to_dict() for f in self.evidence],
        }
