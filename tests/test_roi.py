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


# ---------------------------------------------------------------------------------------------
# The roi argument on the shipped data: counterparties, revenue path, revenue gap, charts


def _openai_commitments() -> pd.DataFrame:
    from bubblewatch.data import load_table

    deals = load_table("deals")
    return deals.loc[
        (deals["money_from"] == "OpenAI")
        & deals["type"].isin(["compute_contract", "chip_purchase"])
    ]


def test_counterparties_counted_apart_from_the_deals_table(shipped_assessment) -> None:  # type: ignore[no-untyped-def]
    """Counterparties with a disclosed amount and those with none, counted here from the deals
    table, are what the figures, the reading and the chart say; no undisclosed one is a zero bar."""
    from bubblewatch.arguments.roi import chart

    rows = _openai_commitments()
    everyone = set(rows["money_to"])
    disclosed = set(rows.loc[rows["amount_usd_bn"].notna(), "money_to"])
    hidden = everyone - disclosed
    assert disclosed and hidden  # the shipped data has both kinds
    r = shipped_assessment.section("roi").detail
    assert r.figure("Counterparties with a disclosed amount").value == len(disclosed)
    assert r.figure("Counterparties with no disclosed amount").value == len(hidden)
    assert r.figure("Deals with no disclosed amount").value == rows["amount_usd_bn"].isna().sum()
    assert r.figure("OpenAI compute and chip commitments with a disclosed amount").value == (
        pytest.approx(rows["amount_usd_bn"].sum())
    )
    assert f"across {len(disclosed)} counterparties" in r.reading
    assert all(name in r.reading for name in hidden)
    bars, marks = chart(r)[0].data[:2]
    assert set(bars.y) == disclosed and min(bars.x) > 0
    assert set(marks.y) == hidden and "undisclosed" in marks.name.lower()
    assert set(marks.text) == {"amount undisclosed"}


def test_a_counterparty_with_one_disclosed_deal_counts_as_disclosed() -> None:
    from bubblewatch.arguments.roi import counterparties

    deals = pd.DataFrame(
        {
            "money_to": ["A", "A", "B", "C"],
            "amount_usd_bn": [10.0, np.nan, np.nan, 5.0],
            "source_id": ["s1", "s2", "s3", "s4"],
        }
    )
    got = counterparties(deals).set_index("counterparty")
    assert list(got.index) == ["A", "C", "B"]  # largest disclosed first, undisclosed last
    assert got.loc["A", "amount_disclosed"] and got.loc["A", "undisclosed_deals"] == 1
    assert got.loc["A", "disclosed_usd_bn"] == 10.0
    assert not got.loc["B", "amount_disclosed"] and np.isnan(got.loc["B", "disclosed_usd_bn"])


def test_revenue_path_against_commitments_on_the_shipped_data(shipped_assessment) -> None:  # type: ignore[no-untyped-def]
    """OpenAI's reported revenue and latest projections, read here from the estimates table, are
    the key figures and the points of the revenue-path chart; the commitments spread evenly over
    the term are the bars; the debate's $1.4tn (C26) and ~$100bn (C28) are named lines."""
    from bubblewatch.arguments.roi import chart
    from bubblewatch.data import load_table

    est = load_table("estimates")
    openai = est.loc[est["subject"] == "OpenAI revenue"].copy()
    openai["year"] = openai["period"].astype(str).str[:4].astype(int)
    actual = openai.loc[openai["metric"] == "revenue"].sort_values("year").iloc[-1]
    projections = (
        openai.loc[openai["metric"] == "revenue_projection"]
        .sort_values("date")
        .groupby("year")
        .last()
    )
    total = float(est.loc[est["estimate_id"] == "openai_commitments_2025", "value"].iloc[0])
    r = shipped_assessment.section("roi").detail
    p = r.params
    kf = r.figure(f"OpenAI revenue, {actual['year']} (reported)")
    assert kf.value == pytest.approx(float(actual["value"])) and kf.source_ids == (
        actual["source_id"],
    )
    for year, row in projections.iterrows():
        kf = r.figure(f"OpenAI revenue, {year} (OpenAI's projection)")
        assert kf.value == pytest.approx(float(row["value"]))
        assert kf.source_ids == (row["source_id"],)
    figs = chart(r)
    path_fig, cumulative = figs[1], figs[2]
    bars = path_fig.data[0]
    assert len(bars.x) == p.commitment_years
    assert list(bars.y) == pytest.approx([total / p.commitment_years] * p.commitment_years)
    reported = next(t for t in path_fig.data if t.name == "OpenAI revenue, reported")
    assert dict(zip(reported.x, reported.y, strict=True))[actual["year"]] == pytest.approx(
        float(actual["value"])
    )
    projected = next(t for t in path_fig.data if t.name == "OpenAI revenue, its projection")
    assert dict(zip(projected.x, projected.y, strict=True)) == pytest.approx(
        projections["value"].astype(float).to_dict()
    )
    claimed = {s.name: s.y0 for f in figs for s in f.layout.shapes if "Claimed" in str(s.name)}
    assert any("C28" in n and y == pytest.approx(100) for n, y in claimed.items())
    assert any("C26" in n and y == pytest.approx(1400) for n, y in claimed.items())
    committed = cumulative.data[0]
    assert committed.y[-1] == pytest.approx(total)
    table = r.table("OpenAI's revenue path against its stated commitments")
    assert {"year", "revenue_usd_bn", "commitments_usd_bn", "revenue_over_commitments_share"} <= (
        set(table.columns)
    )


def test_current_revenue_gap_figures_on_the_shipped_data(shipped_assessment) -> None:  # type: ignore[no-untyped-def]
    from bubblewatch.data import load_table

    est = load_table("estimates")
    spend = est.loc[est["metric"] == "datacenter_revenue"].sort_values("period").iloc[-1]
    r = shipped_assessment.section("roi").detail
    needed = r.figure("Revenue needed")
    assert needed.value == pytest.approx(float(spend["value"]) * 4)
    assert needed.source_ids == (spend["source_id"],)
    sourced = r.figure("Sourced AI revenue").value
    assert r.figure("Revenue gap on the latest figures").value == pytest.approx(
        needed.value - sourced
    )
    assert f"${needed.value:,.0f}bn of end-user revenue" in r.reading
