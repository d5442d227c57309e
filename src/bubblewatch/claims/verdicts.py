"""The fixed verdict scale, and the rule that grades a measured figure against a claimed one.

A claim's figure is either a number ("about 28x") or a range ("8–12 GW"). The measured figure
is compared with the nearest end of the claimed range, as a share of a *scale*: by default the
claimed figure itself; for a figure that is a part of a whole (growth without IT, a share of
growth) the whole, so that 0.13 against 0.1 out of 1.6% growth reads as close, not as 30% off.

* inside the range, or within :data:`CLOSE` of it: **supported**;
* within :data:`ROUGH`: **roughly right**;
* further below: **overstated** (the claim is bigger than the data);
* further above: **understated**.

**Contradicted** is kept for claims the data say the opposite of (a direction or a fact), and
**not verifiable** for claims no figure in the store can test; each check says which figure
would.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum

from bubblewatch.errors import SpecificationError


class Verdict(StrEnum):
    """The six verdicts, from best-supported to untestable."""

    SUPPORTED = "supported"
    ROUGHLY_RIGHT = "roughly right"
    OVERSTATED = "overstated"
    UNDERSTATED = "understated"
    CONTRADICTED = "contradicted"
    NOT_VERIFIABLE = "not verifiable"


SCALE: dict[Verdict, str] = {
    Verdict.SUPPORTED: "the data match the claim: inside its range or within 10% of it",
    Verdict.ROUGHLY_RIGHT: "the data are within 25% of the claim, or the claim holds on one "
    "method and not another",
    Verdict.OVERSTATED: "the data are more than 25% below the claim",
    Verdict.UNDERSTATED: "the data are more than 25% above the claim",
    Verdict.CONTRADICTED: "the data say the opposite of what is claimed",
    Verdict.NOT_VERIFIABLE: "no public figure in the store tests the claim; the check says "
    "which would",
}
"""What each verdict means, as printed with every ledger."""

CLOSE = 0.10
"""Largest distance, as a share of the scale, that still reads as *supported*."""

ROUGH = 0.25
"""Largest distance, as a share of the scale, that still reads as *roughly right*."""

_SEVERITY = {
    Verdict.SUPPORTED: 0,
    Verdict.ROUGHLY_RIGHT: 1,
    Verdict.UNDERSTATED: 2,
    Verdict.OVERSTATED: 2,
    Verdict.CONTRADICTED: 3,
}


def distance(
    claimed: float | tuple[float, float], measured: float, scale: float | None = None
) -> float:
    """Signed distance of ``measured`` from the claimed figure or range, as a share of ``scale``.

    Zero inside the range; negative below it, positive above. ``scale`` defaults to the absolute
    value of the nearest end of the range.
    """
    low, high = claimed if isinstance(claimed, tuple) else (claimed, claimed)
    if not all(math.isfinite(v) for v in (low, high, measured)):
        raise SpecificationError(f"cannot grade non-finite figures: {claimed!r} vs {measured!r}")
    if low > high:
        raise SpecificationError(f"a claimed range needs low <= high, got {low}..{high}")
    if low <= measured <= high:
        return 0.0
    nearest = low if measured < low else high
    denominator = abs(nearest) if scale is None else abs(scale)
    if denominator == 0:
        raise SpecificationError("grading against zero needs an explicit non-zero scale")
    return (measured - nearest) / denominator


def grade(
    claimed: float | tuple[float, float],
    measured: float,
    *,
    scale: float | None = None,
    close: float = CLOSE,
    rough: float = ROUGH,
) -> Verdict:
    """The verdict on ``measured`` against ``claimed`` (see the module's rule).

    >>> grade(28.0, 27.39)
    <Verdict.SUPPORTED: 'supported'>
    >>> grade((10.0, 20.0), 5.5)
    <Verdict.OVERSTATED: 'overstated'>
    """
    if not 0 <= close <= rough:
        raise SpecificationError("tolerances need 0 <= close <= rough")
    d = distance(claimed, measured, scale)
    if abs(d) <= close:
        return Verdict.SUPPORTED
    if abs(d) <= rough:
        return Verdict.ROUGHLY_RIGHT
    return Verdict.OVERSTATED if d < 0 else Verdict.UNDERSTATED


def inverse(verdict: Verdict) -> Verdict:
    """Swap *overstated* and *understated*, for figures where a lower value is the bigger claim.

    A claim that break-evens fell to $30–40 claims a fall: data at $52 mean the claim
    overstated the fall, though the measured level is above the claimed one.
    """
    swap = {Verdict.OVERSTATED: Verdict.UNDERSTATED, Verdict.UNDERSTATED: Verdict.OVERSTATED}
    return swap.get(verdict, verdict)


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict of a claim made of several figures: its least-supported part.

    Parts no figure tests are left out; a claim with no tested part is not verifiable.
    Between an overstated and an understated part, the first one listed wins.
    """
    tested = [v for v in verdicts if v is not Verdict.NOT_VERIFIABLE]
    if not tested:
        return Verdict.NOT_VERIFIABLE
    return max(tested, key=lambda v: _SEVERITY[v])


def across_methods(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict on one figure measured several ways.

    All methods agree: their verdict. One supports the claim and another does not: roughly right
    (the claim holds on a method, not on all). None supports it: the least-supported.
    """
    tested = [v for v in verdicts if v is not Verdict.NOT_VERIFIABLE]
    if not tested:
        return Verdict.NOT_VERIFIABLE
    if len(set(tested)) == 1:
        return tested[0]
    if Verdict.SUPPORTED in tested and Verdict.CONTRADICTED not in tested:
        return Verdict.ROUGHLY_RIGHT
    return worst(tested)
