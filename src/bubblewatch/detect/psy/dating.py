"""Date-stamping explosive episodes from BSADF (PSY 2015) or BADF (PWY 2011).

An episode originates at the first date the statistic rises above its critical
value and terminates at the first later date it falls back below (PSY 2015,
eqs. 10–11; PWY 2011, eq. 9). Runs shorter than the minimum duration are
dropped; the default minimum is ``round(δ·log T)`` observations with ``δ = 1``
(PSY 2015, Section 4).

Episodes are ``"positive"`` (the series rose over the flagged run: exuberance)
or ``"negative"`` (it fell: an explosive collapse, as in PSY's 2009 subprime
episode). ``peak`` is the date of the series' maximum within a positive
episode and of its minimum (the trough) within a negative one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblewatch._typing import BSADF_RULES, BsadfRule
from bubblewatch.detect.psy.critical import LABELS, LEVELS, CriticalValues
from bubblewatch.detect.psy.result import PSYResult, _label
from bubblewatch.errors import SpecificationError

Statistic = Literal["bsadf", "badf"]
COLUMNS = ["origination", "peak", "termination", "duration", "direction", "ongoing"]


def default_min_duration(nobs: int, delta: float = 1.0) -> int:
    """``round(δ·log T)`` observations (PSY 2015, Section 4)."""
    return round(delta * math.log(nobs))


def _level_label(level: float | str) -> str:
    if isinstance(level, str):
        if level in LABELS:
            return level
    elif isinstance(level, float | int) and not isinstance(level, bool):
        for value, label in zip(LEVELS, LABELS, strict=True):
            if math.isclose(float(level), value):
                return label
    raise SpecificationError(f"level must be one of 0.90, 0.95, 0.99 (or '90%' ...), got {level!r}")


@dataclass(frozen=True, eq=False)
class DateStamp:
    """Episodes found by :func:`datestamp`, one row each in :attr:`table`."""

    table: pd.DataFrame
    level: str
    rule: BsadfRule
    statistic: Statistic
    min_duration: int
    name: str | None = None

    @property
    def positive(self) -> pd.DataFrame:
        """Exuberance episodes (the series rose)."""
        return self.table[self.table["direction"] == "positive"]

    @property
    def negative(self) -> pd.DataFrame:
        """Collapse episodes (the series fell)."""
        return self.table[self.table["direction"] == "negative"]

    def to_frame(self) -> pd.DataFrame:
        """The episodes table (a copy)."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary of settings and episodes."""
        rows = []
        for ep in self.table.itertuples(index=False):
            rows.append(
                {
                    "origination": _label(ep.origination),
                    "peak": _label(ep.peak),
                    "termination": None if pd.isna(ep.termination) else _label(ep.termination),
                    "duration": int(ep.duration),
                    "direction": ep.direction,
                    "ongoing": bool(ep.ongoing),
                }
            )
        return {
            "name": self.name,
            "level": self.level,
            "rule": self.rule,
            "statistic": self.statistic,
            "min_duration": self.min_duration,
            "episodes": rows,
        }

    def summary(self) -> str:
        """One line per episode."""
        head = (
            f"{len(self.table)} episode(s) where {self.statistic.upper()} exceeds its "
            f"{self.level} critical value ({self.rule} rule) for at least {self.min_duration} observations"
        )
        lines = [head]
        for ep in self.to_dict()["episodes"]:
            end = ep["termination"] or "ongoing"
            lines.append(
                f"  {ep['origination']} → {end}  peak {ep['peak']}  "
                f"{ep['duration']} obs  {ep['direction']}"
            )
        return "\n".join(lines)


def datestamp(
    result: PSYResult,
    cv: CriticalValues,
    level: float | str = 0.95,
    min_duration: int | None = None,
    *,
    rule: BsadfRule = "pointwise",
    statistic: Statistic = "bsadf",
) -> DateStamp:
    """Date the explosive episodes of ``result`` against ``cv``.

    Parameters
    ----------
    result, cv
        A test result and critical values made for the same specification.
    level : {0.90, 0.95, 0.99}
        Size of the pointwise test.
    min_duration : int, optional
        Shortest run, in observations, kept as an episode; default ``round(log T)``.
    rule : {"pointwise", "cummax", "familywise"}
        BSADF critical-value sequence (see :mod:`.critical`); ``"pointwise"``
        reproduces PSY (2015, Section 6) (ignored for ``statistic="badf"``).
    statistic : {"bsadf", "badf"}
        PSY's backward sup ADF (default) or PWY's forward BADF sequence.
    """
    cv.check(result)
    label = _level_label(level)
    if rule not in BSADF_RULES:
        raise SpecificationError(f"rule must be one of {', '.join(BSADF_RULES)}, got {rule!r}")
    if statistic not in ("bsadf", "badf"):
        raise SpecificationError(f"statistic must be 'bsadf' or 'badf', got {statistic!r}")
    if min_duration is None:
        min_duration = default_min_duration(result.nobs)
    if (
        isinstance(min_duration, bool)
        or not isinstance(min_duration, int | np.integer)
        or min_duration < 1
    ):
        raise SpecificationError(f"min_duration must be a positive integer, got {min_duration!r}")
    stat = (result.bsadf if statistic == "bsadf" else result.badf).to_numpy()
    crit = (cv.sequence(rule) if statistic == "bsadf" else cv.badf)[label].to_numpy()
    table = episodes(stat, crit, result.bsadf.index, result.series.to_numpy(), int(min_duration))
    return DateStamp(
        table=table,
        level=label,
        rule=rule,
        statistic=statistic,
        min_duration=int(min_duration),
        name=result.name,
    )


def episodes(
    stat: np.ndarray, crit: np.ndarray, labels: pd.Index, values: np.ndarray, min_duration: int
) -> pd.DataFrame:
    """Runs of ``stat > crit`` lasting at least ``min_duration`` entries, as a table.

    ``labels`` label the entries of ``stat``; ``values`` is the whole series,
    whose last ``len(labels)`` observations the entries belong to.
    """
    above = stat > crit
    offset = values.size - labels.size
    rows: list[dict[str, Any]] = []
    i = 0
    while i < above.size:
        if not above[i]:
            i += 1
            continue
        end = i
        while end < above.size and above[end]:
            end += 1
        if end - i >= min_duration:
            before = values[offset + i - 1]
            span = values[offset + i : offset + end]
            rising = bool(span[-1] >= before)
            peak = int(np.argmax(span) if rising else np.argmin(span))
            rows.append(
                {
                    "origination": labels[i],
                    "peak": labels[i + peak],
                    "termination": labels[end] if end < above.size else pd.NaT,
                    "duration": end - i,
                    "direction": "positive" if rising else "negative",
                    "ongoing": end == above.size,
                }
            )
        i = end
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["duration"] = table["duration"].astype(int)
    table["ongoing"] = table["ongoing"].astype(bool)
    return table
