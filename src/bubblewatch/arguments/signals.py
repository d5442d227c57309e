"""Helpers of the arguments' scoreboard signals: a value's percentile in its own history and the
two-threshold rule that turns a value into a lean (:class:`~bubblewatch.arguments.result.Lean`).

Each argument states its own rule beside its signal (``signal`` in its module); the thresholds
live there, and these helpers only apply them the same way everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from bubblewatch.arguments.result import Lean, Signal

BUBBLE_PERCENTILE = 90.0
"""A value in the top tenth of its own history leans bubble."""
BOOM_PERCENTILE = 50.0
"""A value below the median of its own history leans boom."""
PERCENTILE_RULE = (
    "bubble-leaning at or above the 90th percentile of its history{since}, "
    "boom-leaning below the 50th, neutral between"
)


def percentile_rank(history: Iterable[float], value: float) -> float | None:
    """Share of the finite ``history`` values strictly below ``value``, in percent (0-100).

    ``history`` holds the earlier observations, not the value itself; None when it has none or
    ``value`` is not finite.
    """
    earlier = [float(x) for x in history if math.isfinite(float(x))]
    if not earlier or not math.isfinite(value):
        return None
    return 100.0 * sum(x < value for x in earlier) / len(earlier)


def ranked(history: Iterable[float], value: float) -> tuple[float | None, int]:
    """:func:`percentile_rank` of ``value`` and how many finite earlier values it ranks among
    (0 where there is no percentile)."""
    earlier = [float(x) for x in history if math.isfinite(float(x))]
    pct = percentile_rank(earlier, value)
    return pct, 0 if pct is None else len(earlier)


def lean_by(value: float | None, *, bubble: float, boom: float) -> Lean:
    """The lean of ``value`` under two thresholds, bubble side inclusive, boom side strict.

    With ``bubble > boom`` a high value leans bubble: at or above ``bubble`` bubble-leaning,
    below ``boom`` boom-leaning. With ``bubble < boom`` a low value leans bubble: at or below
    ``bubble`` bubble-leaning, above ``boom`` boom-leaning. Neutral between, and when ``value``
    is missing.
    """
    if bubble == boom:
        raise ValueError("the bubble and boom thresholds must differ")
    if value is None or not math.isfinite(value):
        return Lean.NEUTRAL
    if bubble > boom:
        if value >= bubble:
            return Lean.BUBBLE
        return Lean.BOOM if value < boom else Lean.NEUTRAL
    if value <= bubble:
        return Lean.BUBBLE
    return Lean.BOOM if value > boom else Lean.NEUTRAL


def percentile_lean(percentile: float | None) -> Lean:
    """The lean of a percentile under :data:`PERCENTILE_RULE`."""
    return lean_by(percentile, bubble=BUBBLE_PERCENTILE, boom=BOOM_PERCENTILE)


def missing(indicator: str, unit: str, why: str, rule: str, source_ids: tuple[str, ...]) -> Signal:
    """The neutral signal of an indicator the data cannot give (``why`` says what is absent)."""
    return Signal(indicator, float("nan"), unit, why, None, Lean.NEUTRAL, rule, source_ids)


def share_below(pct: float) -> str:
    """``share_below(98.6) == "98%"``: a percentile rank rounded down, so "above 98% of the
    quarters" stays true (98.6 rounded to 99 would overstate it)."""
    return f"{math.floor(pct)}%"


def ordinal(n: float) -> str:
    """``ordinal(97.2) == "97th"``: a percentile as a reader says it."""
    k = round(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


__all__ = [
    "BOOM_PERCENTILE",
    "BUBBLE_PERCENTILE",
    "PERCENTILE_RULE",
    "Lean",
    "Signal",
    "lean_by",
    "missing",
    "ordinal",
    "percentile_lean",
    "percentile_rank",
    "ranked",
    "share_below",
]
