"""Sums of money the debate's claims state, read from the claims table (shared by arguments)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from bubblewatch.errors import SpecificationError

_USD_BN = {"usd_bn": 1.0, "usd_tn": 1000.0, "usd_m": 0.001}


@dataclass(frozen=True)
class ClaimedAmount:
    """A sum of money a claim of the debate states, from the claims table."""

    claim_id: str
    usd_bn: float
    approximate: bool
    year: int | None
    """The year the claim names, if any (a target's year)."""

    @property
    def text(self) -> str:
        """``~$1.4tn``, ``~$100bn`` (``n/a`` when the claim states no sum)."""
        if pd.isna(self.usd_bn):
            return "n/a"
        tn = abs(self.usd_bn) >= 1000
        amount = f"${self.usd_bn / 1000:g}tn" if tn else f"${self.usd_bn:g}bn"
        return ("~" if self.approximate else "") + amount


def usd_bn(value: float, unit: str) -> float:
    """A claimed sum of money in USD bn (``unit`` as :func:`bubblewatch.claims.claimed.parse`
    gives it: ``usd_bn``, ``usd_tn`` or ``usd_m``)."""
    if unit not in _USD_BN:
        raise SpecificationError(f"a claimed sum in {unit!r} is not in USD bn, tn or m")
    return value * _USD_BN[unit]


def claimed_amount(claims: pd.DataFrame, claim_id: str) -> ClaimedAmount:
    """The first sum of money the claim ``claim_id`` states in the claims table (NaN if none)."""
    from bubblewatch.claims.claimed import parse  # the claims package imports the arguments

    rows = claims.loc[claims["claim_id"] == claim_id, "figures"]
    text = str(rows.iloc[0]) if len(rows) and pd.notna(rows.iloc[0]) else ""
    money = [q for q in parse(text) if q.unit in _USD_BN]
    named = re.search(r"\b(?:19|20)\d\d\b", text)
    year = int(named.group(0)) if named else None
    if not money:
        return ClaimedAmount(claim_id, float("nan"), False, year)
    q = money[0]
    return ClaimedAmount(claim_id, usd_bn(q.value, q.unit), q.approximate, year)
