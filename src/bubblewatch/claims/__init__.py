"""The claims ledger: every quantitative claim of the debate, tested against the store.

>>> from bubblewatch.claims import ledger                        # doctest: +SKIP
>>> book = ledger(tables, as_of=date(2025, 11, 15))               # doctest: +SKIP
>>> book.counts()                                                 # doctest: +SKIP
"""

from bubblewatch.claims.findings import Figure, Finding, MissingEvidenceError
from bubblewatch.claims.ledger import ClaimResult, Ledger, ledger
from bubblewatch.claims.registry import CHECKS, Check, Claim
from bubblewatch.claims.verdicts import SCALE, Verdict, grade

__all__ = [
    "CHECKS",
    "SCALE",
    "Check",
    "Claim",
    "ClaimResult",
    "Figure",
    "Finding",
    "Ledger",
    "MissingEvidenceError",
    "Verdict",
    "grade",
    "ledger",
]
