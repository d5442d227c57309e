"""Sequoia's revenue-gap arithmetic, the growth to close it, and the seeded Monte Carlo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubblewatch.errors import SpecificationError
from bubblewatch.models import roi


def test_chain_of_multiples_by_hand() -> None:
    """$50bn of GPUs, doubled for the rest of the data centre and doubled again for a 50%
    end-user margin, needs $200bn of revenue; $150bn needs $600bn."""
    assert roi.required_revenue(50, 2, 2) == 200
    assert roi.required_revenue(150, 2, 2) == 600


def test_growth_to_close_by_hand() -> None:
    """From 100 to 400 in two years needs 100% a year (100 x 2 x 2)."""
    assert roi.growth_to_close(400, 100, 2) == pytest.approx(1.0)
    with pytest.raises(SpecificationError):
        roi.growth_to_close(400, 0, 2)


RANGES = {
    "accelerator_spend_usd_bn": roi.Range(100, 200, 150),
    "datacenter_multiple": roi.Range(1.5, 2.5),
    "margin_multiple": roi.Range(2, 2),
    "ai_revenue_usd_bn": roi.Range(50, 150),
}


def test_monte_carlo_is_seeded_and_reproducible() -> None:
    a = roi.monte_carlo(RANGES, n=2000, seed=7)
    b = roi.monte_carlo(RANGES, n=2000, seed=7)
    c = roi.monte_carlo(RANGES, n=2000, seed=8)
    assert a.draws.equals(b.draws) and not a.draws.equals(c.draws)
    d = a.draws
    assert np.allclose(
        d["required_revenue_usd_bn"],
        d["accelerator_spend_usd_bn"] * d["datacenter_multiple"] * d["margin_multiple"],
    )
    q = a.quantiles()
    assert 300 < q.loc[0.5, "required_revenue_usd_bn"] < 900
    assert a.to_dict()["seed"] == 7


def test_monte_carlo_rejects_bad_ranges() -> None:
    with pytest.raises(SpecificationError, match="missing"):
        roi.monte_carlo({"accelerator_spend_usd_bn": roi.Range(1, 2)})
    with pytest.raises(SpecificationError):
        roi.Range(3, 2)
    with pytest.raises(SpecificationError):
        roi.Range(1, 2, 5)


@given(spend=st.floats(0, 1e4), dc=st.floats(0, 5), margin=st.floats(0, 5), extra=st.floats(0, 100))
def test_required_revenue_grows_with_each_input(
    spend: float, dc: float, margin: float, extra: float
) -> None:
    base = roi.required_revenue(spend, dc, margin)
    assert roi.required_revenue(spend + extra, dc, margin) >= base
    assert roi.required_revenue(spend, dc + extra, margin) >= base


def test_commitments_against_revenue() -> None:
    """$1,400bn over 8 years is $175bn a year; $100bn of revenue in 2027 pays 57% of it."""
    c = roi.commitments_against_revenue(1400, 8, {2027: 100.0}, 2026)
    assert c.table.loc[2027, "commitments_usd_bn"] == pytest.approx(175)
    assert c.table.loc[2027, "revenue_over_commitments"] == pytest.approx(100 / 175)


def test_sequoia_figures_reproduced_from_their_published_inputs() -> None:
    """$50bn x 2 x 2 = $200bn (2023) and $150bn x 2 x 2 = $600bn (2024), as published."""
    from bubblewatch.data import load_table

    check = roi.sequoia_check(load_table("estimates"))
    assert (
        check.loc[2023, "required_recomputed_usd_bn"]
        == check.loc[2023, "required_published_usd_bn"]
        == 200
    )
    assert (
        check.loc[2024, "required_recomputed_usd_bn"]
        == check.loc[2024, "required_published_usd_bn"]
        == 600
    )
    assert check.loc[2024, "implied_ai_revenue_usd_bn"] == 100
    assert all(check["sources"].str.len() > 0)


def test_parse_ranges() -> None:
    base = {name: roi.Range(1, 2) for name in roi.PARAMETERS}
    got = roi.parse_ranges(["margin_multiple=1.5:2.5:2", "ai_revenue_usd_bn=90"], base)
    assert got["margin_multiple"] == roi.Range(1.5, 2.5, 2)
    assert got["ai_revenue_usd_bn"] == roi.Range(90, 90)
    for bad in ("nope=1:2", "margin_multiple=a:b", "margin_multiple=1:2:3:4", "margin_multiple"):
        with pytest.raises(SpecificationError):
            roi.parse_ranges([bad], base)


def _est(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "estimate_id": f"e{i}",
                "author": "a",
                "date": pd.Timestamp(d),
                "subject": subject,
                "metric": metric,
                "period": period,
                "value": value,
                "unit": "usd_bn",
                "source_id": f"s{i}",
            }
            for i, (subject, metric, period, value, d) in enumerate(rows)
        ]
    )


def test_current_gap_hand_computed() -> None:
    est = _est(
        [
            ("NVIDIA Data Center revenue", "datacenter_revenue", "FY2025", 115.2, "2025-02-26"),
            ("NVIDIA Data Center revenue", "datacenter_revenue", "FY2026", 193.7, "2026-02-26"),
            ("OpenAI revenue", "revenue", "2024", 3.7, "2026-06-18"),
            ("OpenAI revenue", "revenue", "2025", 13.0, "2026-02-21"),
            ("Microsoft AI run-rate", "ai_revenue_run_rate", "2024Q4", 13.0, "2025-01-29"),
        ]
    )
    g = roi.current_gap(est)
    assert g["required_revenue_usd_bn"] == pytest.approx(193.7 * 4, abs=1e-9)
    assert g["sourced_ai_revenue_usd_bn"] == pytest.approx(26.0, abs=1e-9)  # latest of each seller
    assert g["gap_usd_bn"] == pytest.approx(774.8 - 26.0, abs=1e-9)
    with pytest.raises(SpecificationError):
        roi.current_gap(est.loc[est["metric"] != "datacenter_revenue"])


def test_openai_revenue_path_actuals_win_and_gaps_grow_at_a_constant_rate() -> None:
    est = _est(
        [
            ("OpenAI revenue", "revenue_projection", "2025", 11.6, "2024-09-29"),
            ("OpenAI revenue", "revenue", "2025", 13.0, "2026-02-21"),
            ("OpenAI revenue", "revenue_projection", "2029", 125.0, "2025-04-15"),
            ("OpenAI revenue", "revenue_projection", "2029", 145.0, "2026-01-19"),
        ]
    )
    path = roi.openai_revenue_path(est)
    assert list(path.index) == [2025, 2026, 2027, 2028, 2029]
    assert path.loc[2025, "revenue_usd_bn"] == pytest.approx(13.0)
    assert path.loc[2025, "kind"] == "actual"
    assert path.loc[2029, "revenue_usd_bn"] == pytest.approx(145.0)  # the later projection
    growth = (145.0 / 13.0) ** 0.25
    for k, year in enumerate(range(2026, 2029), start=1):
        assert path.loc[year, "revenue_usd_bn"] == pytest.approx(13.0 * growth**k, rel=1e-9)
        assert path.loc[year, "kind"] == "interpolated"
