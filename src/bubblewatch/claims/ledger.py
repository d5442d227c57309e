"""Run every check as of the claim's date and as of a chosen date; the ledger of verdicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from bubblewatch.arguments.registry import section_ids
from bubblewatch.arguments.session import ArgumentError, Session
from bubblewatch.claims import checks as _checks  # noqa: F401  (registers every check)
from bubblewatch.claims.findings import Finding, MissingEvidenceError
from bubblewatch.claims.registry import CHECKS, Check, Claim
from bubblewatch.claims.verdicts import SCALE, Verdict
from bubblewatch.errors import CheckError, DataError, SpecificationError


@dataclass(frozen=True)
class ClaimResult:
    """One claim with its findings as of the claim's date (``then``) and as of ``now``."""

    claim: Claim
    then: Finding
    now: Finding
    would_verify: str

    @property
    def verdict(self) -> Verdict:
        return self.now.verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim.claim_id,
            "section": self.claim.section,
            "speaker": self.claim.speaker,
            "date": self.claim.date.isoformat(),
            "claim": self.claim.text,
            "figures": self.claim.figures,
            "source_id": self.claim.source_id,
            "verdict": self.verdict.value,
            "reason": self.now.reason,
            "would_verify": self.would_verify,
            "as_of_claim_date": self.then.to_dict(),
            "as_of": self.now.to_dict(),
        }


@dataclass(frozen=True)
class Ledger:
    """Every claim's verdict and evidence, and the date it was judged as of."""

    results: tuple[ClaimResult, ...]
    as_of: date

    def counts(self) -> dict[Verdict, int]:
        """How many claims got each verdict (every verdict listed, zeros included)."""
        tally = Counter(r.verdict for r in self.results)
        return {v: tally.get(v, 0) for v in Verdict}

    def result(self, claim_id: str) -> ClaimResult:
        for r in self.results:
            if r.claim.claim_id == claim_id:
                return r
        raise KeyError(claim_id)

    @property
    def source_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for r in self.results:
            seen.setdefault(r.claim.source_id, None)
            for sid in r.now.source_ids:
                seen.setdefault(sid, None)
        return tuple(seen)

    def tally(self) -> str:
        """``"9 supported, 7 roughly right, ..."``: the non-zero counts, in scale order."""
        return ", ".join(f"{n} {v.value}" for v, n in self.counts().items() if n)

    def summary(self) -> str:
        lines = [f"{len(self.results)} claims as of {self.as_of:%Y-%m-%d}: {self.tally()}"]
        lines += [f"{r.claim.claim_id} [{r.verdict.value}] {r.now.reason}" for r in self.results]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per claim: id, section, speaker, claim, verdict then and now, reason."""
        return pd.DataFrame(
            [
                {
                    "claim_id": r.claim.claim_id,
                    "section": r.claim.section,
                    "speaker": r.claim.speaker,
                    "claim": r.claim.text,
                    "verdict": r.verdict.value,
                    "verdict_on_claim_date": r.then.verdict.value,
                    "reason": r.now.reason,
                    "evidence": len(r.now.evidence),
                    "source_ids": ";".join(r.now.source_ids),
                }
                for r in self.results
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "scale": {v.value: text for v, text in SCALE.items()},
            "counts": {v.value: n for v, n in self.counts().items()},
            "claims": [r.to_dict() for r in self.results],
        }


def _finding(check: Check, session: Session, claim: Claim, as_of: date) -> Finding:
    if check.test is None:
        return Finding(
            Verdict.NOT_VERIFIABLE,
            f"No public figure in the store tests this; it would take {check.would_verify}.",
            (),
            as_of,
        )
    try:
        verdict, reason, evidence = check.test(session, claim)
        return Finding(verdict, reason, evidence, as_of)
    except MissingEvidenceError as exc:
        return Finding(
            Verdict.NOT_VERIFIABLE,
            f"Not verifiable as of {as_of:%Y-%m-%d} ({exc}); it would take {check.would_verify}.",
            (),
            as_of,
        )
    except Exception as exc:
        # Only absent data make a claim "not verifiable"; anything else stops the run.
        raise CheckError(
            f"claim {claim.claim_id} ({claim.section}): check failed: "
            + (str(exc) if isinstance(exc, ArgumentError) else f"{type(exc).__name__}: {exc}")
        ) from exc


def latest_date(tables: Mapping[str, pd.DataFrame]) -> date:
    """The latest date any dated observation in the store describes (the default 'now')."""
    market = tables["market"]
    latest: date = pd.Timestamp(pd.to_datetime(market["date"]).max()).date()
    return latest


def ledger(source: Session | Mapping[str, pd.DataFrame], as_of: date | None = None) -> Ledger:
    """Judge every claim of the ``claims`` table as of its own date and as of ``as_of``.

    ``source`` is a :class:`~bubblewatch.arguments.Session` (the report shares its own, so no
    argument is analysed twice) or the store's tables. ``as_of`` defaults to the latest date in
    the store. A claim with no registered check is a :class:`DataError`: every claim C01–C35
    has one.
    """
    session = source if isinstance(source, Session) else Session(source)
    tables = session.tables
    claims = [Claim.from_row(row) for row in tables["claims"].to_dict(orient="records")]
    unchecked = [c.claim_id for c in claims if c.claim_id not in CHECKS]
    if unchecked:
        raise DataError(f"claims without a check: {', '.join(unchecked)}")
    known = section_ids()
    stray = [f"{c.claim_id} ({c.section})" for c in claims if c.section not in known]
    if stray:
        raise DataError(
            f"claims of no registered argument: {', '.join(stray)} (arguments: {', '.join(known)})"
        )
    now = latest_date(tables) if as_of is None else as_of
    earliest = min((c.date for c in claims), default=now)
    if as_of is not None and as_of < earliest:
        raise SpecificationError(
            f"--as-of {as_of:%Y-%m-%d} is before the first claim ({earliest:%Y-%m-%d})"
        )
    known_now = session.as_of(now)
    results = []
    for claim in claims:
        check = CHECKS[claim.claim_id]
        results.append(
            ClaimResult(
                claim,
                _finding(check, session.as_of(claim.date), claim, claim.date),
                _finding(check, known_now, claim, now),
                check.would_verify,
            )
        )
    return Ledger(tuple(results), now)
