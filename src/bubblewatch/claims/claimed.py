"""The figures a claim states, parsed from the ``figures`` column of the claims table.

Checks grade measured figures against these, so a claimed number is typed once, in the sourced
claims table, and never again in code. ``"shortfall 10-20 GW/yr; 50-100 GW by 2030"`` parses to
two quantities, 10–20 GW a year and 50–100 GW; years (2030), quarter and half labels (Q2, H1)
and model names (H100) are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bubblewatch.claims.findings import MissingEvidenceError

if TYPE_CHECKING:
    from bubblewatch.claims.registry import Claim

_NUMBER = r"\d+(?:\.\d+)?"
_QUANTITY = re.compile(
    r"(?<![A-Za-z0-9.])"
    r"(?P<cmp>[<>]=?\s*)?(?P<sign>\+)?(?P<approx>~)?(?P<cur>\$)?(?P<lo>" + _NUMBER + r")"
    r"(?:\s*-\s*~?\$?(?P<hi>" + _NUMBER + r"))?"
    r"\s*(?P<unit>%|x\b|pp\b|GW/yr|GW\b|B\b|T\b|M\b|years?\b|months?\b)?"
)
_MONEY = {"B": "usd_bn", "T": "usd_tn", "M": "usd_m", None: "usd"}
_UNITS = {
    "%": "pct",
    "x": "x",
    "pp": "pp",
    "GW/yr": "gw_per_year",
    "GW": "gw",
    "year": "years",
    "years": "years",
    "month": "months",
    "months": "months",
}


@dataclass(frozen=True)
class Claimed:
    """One stated quantity: a point (``low == high``) or a range, its unit and its wording."""

    low: float
    high: float
    unit: str
    approximate: bool
    bound: str = ""
    """``"<"``, ``">"``, ``"<="`` or ``">="`` when the claim states a bound, else empty."""
    text: str = ""
    """The words of the part of the claim the quantity was read from."""

    @property
    def value(self) -> float:
        """The point claimed: the figure itself, or the middle of a range."""
        return (self.low + self.high) / 2

    @property
    def is_range(self) -> bool:
        return self.high != self.low

    @property
    def span(self) -> tuple[float, float]:
        return self.low, self.high

    @property
    def target(self) -> float | tuple[float, float]:
        """What :func:`~bubblewatch.claims.verdicts.grade` takes: the figure, or the range."""
        return self.span if self.is_range else self.value


def parse(figures: str) -> tuple[Claimed, ...]:
    """Every quantity of a claim's ``figures`` text, in order (parts split on ``;``)."""
    found: list[Claimed] = []
    for part in figures.replace("->", " → ").split(";"):
        part = part.strip()
        for m in _QUANTITY.finditer(part):
            lo = float(m["lo"])
            hi = float(m["hi"]) if m["hi"] else lo
            unit_text = m["unit"]
            money = bool(m["cur"])
            marked = money or m["approx"] or unit_text or m["hi"] or m["cmp"] or m["sign"]
            if not marked and "." not in m["lo"] and 1900 <= lo <= 2100:
                continue  # a year, not a quantity
            unit = _MONEY.get(unit_text, "usd") if money else _UNITS.get(unit_text or "", "")
            found.append(
                Claimed(
                    low=lo,
                    high=hi,
                    unit=unit,
                    approximate=bool(m["approx"]),
                    bound=(m["cmp"] or "").strip(),
                    text=part,
                )
            )
    return tuple(found)


_PERIOD = re.compile(r"\b(?:(?P<q>Q[1-4])|(?P<h>H[12]))\s+(?P<year>(?:19|20)\d\d)\b")


def periods(figures: str) -> tuple[str, ...]:
    """The quarters and half-years a claim names, as ``2025Q2`` / ``2025H1``, in order."""
    return tuple(f"{m['year']}{m['q'] or m['h']}" for m in _PERIOD.finditer(figures))


def claimed(claim: Claim, unit: str | None = None) -> tuple[Claimed, ...]:
    """The quantities ``claim`` states (only those in ``unit`` when given).

    Raises :class:`MissingEvidenceError` when it states none: a check that grades a figure
    needs the claimed one from the claims table.
    """
    quantities = parse(claim.figures)
    if unit is not None:
        quantities = tuple(q for q in quantities if q.unit == unit)
    if not quantities:
        what = f" in {unit}" if unit else ""
        raise MissingEvidenceError(
            f"claim {claim.claim_id} states no figure{what} in the claims table"
        )
    return quantities
