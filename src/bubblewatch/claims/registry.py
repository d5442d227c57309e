"""The registry: one :class:`Check` per claim id, filled by the ``@check`` decorator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from bubblewatch.claims.findings import Figure, MissingEvidenceError
from bubblewatch.claims.verdicts import Verdict

Tables = Mapping[str, pd.DataFrame]

if TYPE_CHECKING:
    from bubblewatch.arguments.session import Session


@dataclass(frozen=True)
class Claim:
    """One claim of the debate, as recorded in the ``claims`` table."""

    claim_id: str
    section: str
    speaker: str
    date: date
    text: str
    figures: str
    source_id: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Claim:
        figures = row.get("figures")
        return cls(
            claim_id=str(row["claim_id"]),
            section=str(row["section"]),
            speaker=str(row["speaker"]),
            date=pd.Timestamp(row["date"]).date(),
            text=str(row["claim"]),
            figures="" if figures is None or pd.isna(figures) else str(figures),
            source_id=str(row["source_id"]),
        )


class Answer(NamedTuple):
    """What a test returns: the verdict, one sentence why, and the evidence."""

    verdict: Verdict
    reason: str
    evidence: tuple[Figure, ...]


Test = Callable[["Session", Claim], Answer]
"""A check: grades a claim from the session of the store as known on a date."""


@dataclass(frozen=True)
class Check:
    """How a claim is tested: a test over a session's results and tables, and what would verify it.

    A claim no public figure can test has no test; ``would_verify`` then says what data would.
    A test raises :class:`MissingEvidenceError` when the store lacks its figures (as of the date asked).
    """

    claim_id: str
    would_verify: str
    test: Test | None = None


CHECKS: dict[str, Check] = {}


def check(claim_id: str, would_verify: str) -> Callable[[Test], Test]:
    """Register ``test`` as the check of ``claim_id``."""

    def register(test: Test) -> Test:
        if claim_id in CHECKS:
            raise ValueError(f"claim {claim_id} has two checks")
        CHECKS[claim_id] = Check(claim_id, would_verify, test)
        return test

    return register


def qualitative(claim_id: str, would_verify: str) -> None:
    """Register a claim that no public figure in the store can test."""
    if claim_id in CHECKS:
        raise ValueError(f"claim {claim_id} has two checks")
    CHECKS[claim_id] = Check(claim_id, would_verify)


def need(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """``frame`` if it has rows, else :class:`MissingEvidenceError` naming ``what``."""
    if frame.empty:
        raise MissingEvidenceError(f"no {what} in the store")
    return frame


def estimate(t: Tables, estimate_id: str) -> pd.Series:
    """One row of the ``estimates`` table, or :class:`MissingEvidenceError`."""
    rows = t["estimates"].loc[t["estimates"]["estimate_id"] == estimate_id]
    return need(rows, f"estimate {estimate_id!r}").iloc[-1]


def estimate_figure(t: Tables, estimate_id: str, label: str, note: str = "") -> Figure:
    """A :class:`Figure` from one row of the ``estimates`` table."""
    row = estimate(t, estimate_id)
    return Figure(
        label,
        float(row["value"]),
        str(row["unit"]),
        (str(row["source_id"]),),
        period=str(row["period"]),
        note=note or f"{row['author']}, {pd.Timestamp(row['date']):%Y-%m-%d}",
    )
