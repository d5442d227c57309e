"""The bottom line and the bubble scoreboard: one row per argument, from its signal.

Each row shows the indicator that carries an argument, its value now, where that value sits in
its own history, the lean its stated rule gives, and how the debate's claims on it fared. The
overall reading is computed from the rows by :data:`OVERALL_RULE`; it is a reading of public
data, not investment advice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bubblewatch._json import strict
from bubblewatch.arguments.result import Lean, Result
from bubblewatch.claims import Verdict

if TYPE_CHECKING:
    from bubblewatch.report.assessment import Assessment

DISCLAIMER = "A reading of public data, not investment advice."
MARGIN = 2
"""How many more arguments one side needs than the other for the overall reading to lean."""
LEAN_RULE = (
    f"The data lean bubble when at least {MARGIN} more arguments lean bubble than boom, lean "
    f"boom when at least {MARGIN} more lean boom than bubble, and are mixed otherwise."
)
STRONGEST_RULE = (
    "The strongest evidence on a side is the argument leaning that way whose indicator is the "
    "rarest in its own history: the smallest (k + 1) / (n + 1), where k of its n earlier "
    "observations are at least as high (bubble side) or lower (boom side); where none has a "
    "history, the first such argument in report order."
)
OVERALL_RULE = f"{LEAN_RULE} {STRONGEST_RULE}"
NO_SIGNAL = "no signal"
LEGEND = (
    (Lean.BUBBLE, "on the bubble side of its rule"),
    (Lean.BOOM, "on the boom side of its rule"),
    (Lean.NEUTRAL, "between the two sides of its rule"),
)


@dataclass(frozen=True)
class Row:
    """One argument on the scoreboard."""

    id: str
    title: str
    indicator: str
    value: str
    """The value now, as displayed."""
    history: str
    percentile: float | None
    lean: Lean | None
    """None where the argument computes no signal."""
    rule: str
    claims: str
    """How the debate's claims on this argument fared (``"2 supported, 1 overstated"``)."""
    observations: int = 0
    """How many earlier observations the percentile ranks the value among."""

    def rarity(self) -> float | None:
        """(k + 1) / (n + 1) on the side the row leans: k of its n earlier observations at least
        as high (bubble) or lower (boom); None without a history or a lean."""
        n = self.observations
        if self.percentile is None or n == 0 or self.lean not in (Lean.BUBBLE, Lean.BOOM):
            return None
        below = n * self.percentile / 100
        k = n - below if self.lean is Lean.BUBBLE else below
        return (k + 1) / (n + 1)

    @property
    def link(self) -> str:
        return f"#{self.id}"

    @property
    def signal(self) -> str:
        return NO_SIGNAL if self.lean is None else self.lean.value

    @property
    def css_class(self) -> str:
        """``lean-bubble``, ``lean-boom``, ``lean-neutral`` or ``lean-none``."""
        return "lean-none" if self.lean is None else f"lean-{self.lean.name.lower()}"

    def to_dict(self) -> dict[str, Any]:
        payload: dict[str, Any] = strict(
            {
                "argument": self.id,
                "title": self.title,
                "indicator": self.indicator,
                "value": self.value,
                "history": self.history,
                "percentile": self.percentile,
                "observations": self.observations,
                "signal": self.signal,
                "rule": self.rule,
                "claims": self.claims,
                "link": self.link,
            }
        )
        return payload


@dataclass(frozen=True)
class Overall:
    """The overall reading of the rows under :data:`OVERALL_RULE`."""

    lean: Lean
    bubble: int
    boom: int
    neutral: int
    unrated: int
    strongest_bubble: Row | None
    strongest_boom: Row | None

    @property
    def verdict(self) -> str:
        return {
            Lean.BUBBLE: "on balance the data lean bubble",
            Lean.BOOM: "on balance the data lean boom",
            Lean.NEUTRAL: "the data are mixed",
        }[self.lean]

    @property
    def text(self) -> str:
        rated = self.bubble + self.boom + self.neutral
        counts = (
            f"{self.bubble} of {rated} arguments lean bubble, {self.boom} lean boom, "
            f"{self.neutral} are neutral"
        )
        if self.unrated:
            counts += f" ({self.unrated} without a signal)"
        parts = [f"{self.verdict.capitalize()}: {counts}."]
        for side, row in (("bubble", self.strongest_bubble), ("boom", self.strongest_boom)):
            if row is not None:
                parts.append(
                    f"Strongest on the {side} side: {row.indicator} at {row.value} ({row.history})."
                )
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lean": self.lean.value,
            "counts": {
                Lean.BUBBLE.value: self.bubble,
                Lean.BOOM.value: self.boom,
                Lean.NEUTRAL.value: self.neutral,
                NO_SIGNAL: self.unrated,
            },
            "strongest_bubble": None if self.strongest_bubble is None else self.strongest_bubble.id,
            "strongest_boom": None if self.strongest_boom is None else self.strongest_boom.id,
            "text": self.text,
            "rule": OVERALL_RULE,
            "disclaimer": DISCLAIMER,
        }


def _strongest(rows: Sequence[Row], lean: Lean) -> Row | None:
    side = [r for r in rows if r.lean is lean]
    ranked = [(rarity, i) for i, r in enumerate(side) if (rarity := r.rarity()) is not None]
    if ranked:
        return side[min(ranked)[1]]
    return side[0] if side else None


def overall(rows: Sequence[Row]) -> Overall:
    """The overall reading of ``rows`` under :data:`OVERALL_RULE`."""
    counts = Counter(r.lean for r in rows)
    bubble, boom = counts[Lean.BUBBLE], counts[Lean.BOOM]
    lean = (
        Lean.BUBBLE
        if bubble - boom >= MARGIN
        else Lean.BOOM
        if boom - bubble >= MARGIN
        else Lean.NEUTRAL
    )
    return Overall(
        lean,
        bubble,
        boom,
        counts[Lean.NEUTRAL],
        counts[None],
        _strongest(rows, Lean.BUBBLE),
        _strongest(rows, Lean.BOOM),
    )


def claims_tally(assessment: Assessment, section_id: str) -> str:
    """How the debate's claims on ``section_id`` fared: ``"2 supported, 1 overstated"``."""
    book = assessment.ledger
    if book is None:
        return ""
    mine = [r for r in book.results if r.claim.section == section_id]
    counts = Counter(r.verdict for r in mine)
    return ", ".join(f"{counts[v]} {v.value}" for v in Verdict if counts[v]) or "none"


def row(section_id: str, title: str, result: Result | None, claims: str) -> Row:
    """The scoreboard row of one argument's result (``no signal`` where it has none)."""
    sig = None if result is None else result.signal
    if sig is None:
        figure = None if result is None or not result.key_figures else result.key_figure
        return Row(
            section_id,
            title,
            "" if figure is None else figure.label,
            "" if figure is None else figure.display,
            "this argument states no signal rule",
            None,
            None,
            "",
            claims,
        )
    return Row(
        section_id,
        title,
        sig.indicator,
        sig.display,
        sig.history,
        sig.percentile,
        sig.lean,
        sig.rule,
        claims,
        sig.observations,
    )


@dataclass(frozen=True)
class Scoreboard:
    """Every argument's row, in report order, and the overall reading computed from them."""

    rows: tuple[Row, ...]
    overall: Overall

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.overall.to_dict(), "rows": [r.to_dict() for r in self.rows]}


def scoreboard(assessment: Assessment) -> Scoreboard:
    """The scoreboard of ``assessment``: one row per argument (the claims ledger is not one)."""
    rows = tuple(
        row(
            s.id,
            s.title,
            s.detail if isinstance(s.detail, Result) else None,
            claims_tally(assessment, s.id),
        )
        for s in assessment.sections
        if s.id != "claims"
    )
    return Scoreboard(rows, overall(rows))
