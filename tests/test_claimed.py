"""Claimed figures are read from the claims table's wording, not retyped in the checks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubblewatch.claims.claimed import claimed, parse, periods
from bubblewatch.claims.findings import MissingEvidenceError
from bubblewatch.claims.registry import Claim


def _spans(text: str) -> list[tuple[float, float, str]]:
    return [(q.low, q.high, q.unit) for q in parse(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dec 2025 cut odds ~50%", [(50, 50, "pct")]),
        ("H1 2025 growth ex data centers & IT ~0.1%", [(0.1, 0.1, "pct")]),
        ("OpenAI commitments ~$1.4T", [(1.4, 1.4, "usd_tn")]),
        ("AI capex $5-7T", [(5, 7, "usd_tn")]),
        ("break-even $100 -> $30-40", [(100, 100, "usd"), (30, 40, "usd")]),
        ("useful life 4-5 -> 6 years", [(4, 5, ""), (6, 6, "years")]),
        ("shortfall 10-20 GW/yr; 50-100 GW by 2030", [(10, 20, "gw_per_year"), (50, 100, "gw")]),
        ("H100 rental price stable", []),
        (
            "~20% y/y for 6-7 years (dot-com); Q2 2025 first quarter at 20% y/y",
            [(20, 20, "pct"), (6, 7, "years"), (20, 20, "pct")],
        ),
    ],
)
def test_quantities_years_and_labels(text: str, expected: list[tuple[float, float, str]]) -> None:
    assert _spans(text) == expected


def test_named_quarters_and_halves() -> None:
    text = "~20% y/y for 6-7 years (dot-com); Q2 2025 first quarter at 20% y/y; H1 2026"
    assert periods(text) == ("2025Q2", "2026H1")
    assert periods("Dec 2025 cut odds ~50%") == ()


def test_a_bound_and_its_wording() -> None:
    (q,) = parse("puts premium < $10M")
    assert (q.bound, q.unit, q.value, q.text) == ("<", "usd_m", 10.0, "puts premium < $10M")


def test_a_claim_without_figures_is_missing_evidence() -> None:
    claim = Claim("C99", "gdp", "someone", date(2025, 11, 1), "a claim", "prices stable", "s")
    with pytest.raises(MissingEvidenceError, match="C99 states no figure"):
        claimed(claim)
    with pytest.raises(MissingEvidenceError, match="in gw"):
        claimed(Claim("C98", "power", "x", date(2025, 11, 1), "c", "~2%", "s"), unit="gw")


@given(
    lo=st.decimals(min_value=0, max_value=999, places=1, allow_nan=False),
    width=st.decimals(min_value=0, max_value=99, places=1, allow_nan=False),
    unit=st.sampled_from(
        [("%", "pct"), (" pp", "pp"), ("x", "x"), (" GW", "gw"), (" years", "years")]
    ),
)
def test_round_trip(lo: object, width: object, unit: tuple[str, str]) -> None:
    low, high = float(lo), float(lo) + float(width)  # type: ignore[arg-type]
    text = f"~{low:g}{unit[0]}" if high == low else f"{low:g}-{high:g}{unit[0]}"
    (q,) = parse(f"some words {text} more words")
    assert (q.low, q.high, q.unit) == (pytest.approx(low), pytest.approx(high), unit[1])
