"""The scoreboard: each argument's signal rule at its thresholds, the overall rule, and one row
per argument in every output of the shipped report."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace as Ns
from typing import Any

import pandas as pd
import pytest
from rich.console import Console

from bubblewatch.arguments import (
    ARGUMENTS,
    circularity,
    credit,
    cycles,
    depreciation,
    funding,
    gdp,
    get,
    markets,
    power,
    roi,
)
from bubblewatch.arguments.result import KeyFigure, Lean, Result, Signal
from bubblewatch.arguments.signals import lean_by, percentile_rank
from bubblewatch.errors import ReportError
from bubblewatch.report import Assessment, to_html, to_json, to_markdown
from bubblewatch.report.scoreboard import DISCLAIMER, MARGIN, Row, overall
from bubblewatch.scorecard import scorecard


def _result(argument: str, detail: Any) -> Result:
    figure = KeyFigure("figure", 1.0, "x", ("src_a",))
    return Result(argument, get(argument).params(), "r.", (figure,), detail=detail)


def test_a_signal_names_its_sources_and_the_history_behind_its_percentile() -> None:
    args = ("ind", 1.0, "x", "h")
    with pytest.raises(ReportError, match="no source"):
        Signal(*args, None, Lean.NEUTRAL, "rule", ())
    with pytest.raises(ReportError, match="needs its observations"):
        Signal(*args, 50.0, Lean.NEUTRAL, "rule", ("s",))
    sig = Signal(*args, 50.0, Lean.NEUTRAL, "rule", ("s",), observations=4)
    assert sig.display == "1.0x" and sig.to_dict()["lean"] == "neutral"
    assert (
        Signal("i", float("nan"), "x", "h", None, Lean.NEUTRAL, "r", ("s",)).to_dict()["value"]
        is None
    )


def test_lean_by_both_directions_flip_at_the_thresholds() -> None:
    assert lean_by(0.9, bubble=0.9, boom=0.5) is Lean.BUBBLE
    assert lean_by(0.8999, bubble=0.9, boom=0.5) is Lean.NEUTRAL
    assert lean_by(0.5, bubble=0.9, boom=0.5) is Lean.NEUTRAL
    assert lean_by(0.4999, bubble=0.9, boom=0.5) is Lean.BOOM
    assert lean_by(1.0, bubble=1.0, boom=2.0) is Lean.BUBBLE
    assert lean_by(1.01, bubble=1.0, boom=2.0) is Lean.NEUTRAL
    assert lean_by(2.01, bubble=1.0, boom=2.0) is Lean.BOOM
    assert lean_by(float("nan"), bubble=1.0, boom=2.0) is Lean.NEUTRAL
    assert percentile_rank([1.0, 2.0, 3.0, float("nan")], 2.5) == pytest.approx(200 / 3)
    assert percentile_rank([], 1.0) is None


@pytest.mark.parametrize(
    ("now", "lean"),
    [(90.0, Lean.BUBBLE), (89.0, Lean.NEUTRAL), (50.0, Lean.NEUTRAL), (49.0, Lean.BOOM)],
)
def test_markets_cape_percentile_rule(now: float, lean: Lean) -> None:
    values = [float(x) for x in range(100)] + [now]
    cape = pd.Series(values, index=pd.date_range("1881-01-31", periods=101, freq="ME"))
    sig = markets.signal(_result("markets", Ns(cape=cape, cape_source="src_cape")))
    assert sig.lean is lean
    assert sig.percentile == pytest.approx(now)  # history 0..99: ``now`` of them lie below
    assert "since 1881" in sig.rule and sig.source_ids == ("src_cape",)


@pytest.mark.parametrize(
    ("share", "lean"),
    [(0.5, Lean.BUBBLE), (0.4999, Lean.NEUTRAL), (0.1, Lean.NEUTRAL), (0.0999, Lean.BOOM)],
)
def test_circularity_loop_share_rule(share: float, lean: Lean) -> None:
    detail = Ns(network=Ns(share=share), binding=Ns(share=0.05))
    sig = circularity.signal(_result("circularity", detail))
    assert sig.lean is lean and sig.percentile is None and "no history" in sig.history


@pytest.mark.parametrize(
    ("growth", "lean"),
    [(24.0, Lean.BUBBLE), (23.9, Lean.NEUTRAL), (12.0, Lean.NEUTRAL), (11.9, Lean.BOOM)],
)
def test_gdp_it_growth_against_the_dotcom_pace(growth: float, lean: Lean) -> None:
    yoy = pd.DataFrame(
        {"ipe_and_software": [5.0, 10.0, growth]}, index=["2025Q3", "2025Q4", "2026Q1"]
    )
    then = pd.DataFrame(
        {"series": ["it_real_growth_avg_1995_2000"], "value": [24.0], "source_id": ["s"]}
    )
    sig = gdp.signal(_result("gdp", Ns(yoy=yoy, then=then)))
    assert sig.lean is lean
    assert sig.percentile == 100.0  # above both earlier quarters
    assert "24.0% a year" in sig.rule


@pytest.mark.parametrize(
    ("revenue", "lean"),
    [(25.0, Lean.BUBBLE), (25.1, Lean.NEUTRAL), (100.0, Lean.NEUTRAL), (100.1, Lean.BOOM)],
)
def test_roi_revenue_cover_rule(revenue: float, lean: Lean) -> None:
    current = {
        "accelerator_spend_usd_bn": 25.0,
        "spend_period": "FY2026",
        "datacenter_multiple": 2.0,
        "margin_multiple": 2.0,
        "required_revenue_usd_bn": 100.0,
        "sourced_ai_revenue_usd_bn": revenue,
        "source_ids": ["src_a"],
    }
    sig = roi.signal(_result("roi", Ns(current=current)))
    assert sig.lean is lean and sig.value == pytest.approx(revenue / 100)


@pytest.mark.parametrize(("years", "lean"), [(1, Lean.BUBBLE), (2, Lean.NEUTRAL), (3, Lean.BOOM)])
def test_cycles_position_on_the_analog(years: int, lean: Lean) -> None:
    view = Ns(
        next_steps={"telecom": {"years_to_peak": years, "capex_peak_year": 2000 + years}},
        phases={"telecom": Ns(window=5, best_year=2000)},
        facts=pd.DataFrame({"cycle": ["telecom"], "source_id": ["src_t"]}),
    )
    sig = cycles.signal(_result("cycles", Ns(view=view, ai_source_ids=("src_a",))))
    assert sig.lean is lean and sig.source_ids == ("src_a", "src_t")


@pytest.mark.parametrize(
    ("gaps", "lean"),
    [
        ([1.0, 1.0, -1.0], Lean.NEUTRAL),  # two-thirds is not more than two-thirds
        ([1.0, 1.0, 1.0], Lean.BOOM),
        ([1.0, -1.0, -1.0], Lean.BUBBLE),  # a third or fewer
    ],
)
def test_power_share_of_paths_rule(gaps: list[float], lean: Lean) -> None:
    grid = pd.DataFrame({"annual_gap_gw": gaps, "sources": ["src_a"] * len(gaps)})
    detail = Ns(outlook=Ns(grid=grid, base_year=2025, through=2030))
    assert power.signal(_result("power", detail)).lean is lean


@pytest.mark.parametrize(
    ("last", "lean"), [(0.9, Lean.BUBBLE), (0.6, Lean.NEUTRAL), (0.1, Lean.BOOM)]
)
def test_funding_capex_over_cash_flow_in_its_own_years(last: float, lean: Lean) -> None:
    rows = [
        {
            "company": c,
            "fiscal_year_end": f"{y}-12-31",
            "capex": v * 10,
            "operating_cash_flow": 10.0,
            "sources": f"s_{c}",
        }
        for c in ("A", "B")
        for y, v in zip(range(2020, 2026), [0.2, 0.3, 0.4, 0.5, 0.7, last], strict=True)
    ]
    rows.append(
        {
            "company": "A",
            "fiscal_year_end": "2019-12-31",
            "capex": 99.0,
            "operating_cash_flow": 1.0,
            "sources": "s_A",
        }
    )
    table = pd.DataFrame(rows)
    ratio, sources = funding.capex_to_ocf_by_year(table)
    assert list(ratio.index) == [2019, 2020, 2021, 2022, 2023, 2024, 2025][1:]  # 2019: only A
    assert set(sources) == {"s_A", "s_B"}
    sig = funding.signal(_result("funding", Ns(funding=Ns(table=table), year=2025)))
    assert sig.lean is lean


@pytest.mark.parametrize(
    ("loss", "buffer", "defaulted", "lean"),
    [
        (24.0, 20.0, [], Lean.NEUTRAL),  # a loss beyond a year's cash flow, all obligations paid
        (24.0, 30.0, [], Lean.BOOM),
        (24.0, 0.0, [], Lean.BOOM),  # no buffer in the data: not counted as beyond it
        (24.0, 30.0, ["OpenAI"], Lean.BOOM),  # the shocked firm itself is not contagion
        (24.0, 30.0, ["CoreWeave"], Lean.BUBBLE),
    ],
)
def test_credit_stress_rule(loss: float, buffer: float, defaulted: list[str], lean: Lean) -> None:
    hit = pd.DataFrame({"loss_on_claims": [loss], "buffer": [buffer]}, index=["Oracle"])
    stress = Ns(hit=lambda: hit, clearing=Ns(defaulted=defaulted), source_ids=("src_s",))
    sig = credit.signal(_result("credit", Ns(stress=stress)))
    assert sig.lean is lean
    assert sig.value == (1.0 if buffer and loss > buffer else 0.0)


@pytest.mark.parametrize(
    ("share", "lean"),
    [(0.10, Lean.BUBBLE), (0.0999, Lean.NEUTRAL), (0.05, Lean.NEUTRAL), (0.0499, Lean.BOOM)],
)
def test_depreciation_materiality_rule(share: float, lean: Lean) -> None:
    years = pd.to_datetime(["2024-06-30", "2025-06-30"])
    companies = {
        c: Ns(
            table=pd.DataFrame(
                {"operating_income": [50.0, 50.0], "life_change_benefit": [1.0, share * 50]},
                index=years,
            )
        )
        for c in ("A", "B")
    }
    sig = depreciation.signal(_result("depreciation", Ns(companies=companies)))
    assert sig.value == pytest.approx(share) and sig.lean is lean
    assert sig.percentile == (100.0 if share > 0.02 else 0.0) and sig.observations == 1


def test_missing_data_give_a_neutral_signal_that_says_so() -> None:
    empty = pd.DataFrame({"ipe_and_software": [float("nan")]}, index=["2026Q1"])
    sig = gdp.signal(_result("gdp", Ns(yoy=empty, then=pd.DataFrame())))
    assert sig.lean is Lean.NEUTRAL and sig.to_dict()["value"] is None
    assert "no real IT investment growth" in sig.history
    grid = pd.DataFrame({"annual_gap_gw": [], "sources": []})
    sig = power.signal(_result("power", Ns(outlook=Ns(grid=grid, base_year=2025, through=2030))))
    assert sig.lean is Lean.NEUTRAL and sig.display == "n/a"


def _row(rid: str, lean: Lean | None, pct: float | None = None, n: int = 0) -> Row:
    return Row(
        rid, rid.title(), f"ind {rid}", "1", "h", pct, lean, "rule", "", 0 if pct is None else n
    )


def test_overall_rule_on_synthetic_rows() -> None:
    b, o, n = Lean.BUBBLE, Lean.BOOM, Lean.NEUTRAL
    assert MARGIN == 2
    # top of 5 earlier years: (0 + 1) / 6; 97th percentile of 1,000 months: (30 + 1) / 1,001
    short, long = _row("short", b, 100.0, 5), _row("long", b, 97.0, 1000)
    assert short.rarity() == pytest.approx(1 / 6) and long.rarity() == pytest.approx(31 / 1001)
    two_ahead = overall([short, long, _row("c", n), _row("d", None)])
    assert two_ahead.lean is b and (two_ahead.bubble, two_ahead.neutral, two_ahead.unrated) == (
        2,
        1,
        1,
    )
    assert two_ahead.strongest_bubble is long and two_ahead.strongest_boom is None
    one_ahead = overall(
        [_row("a", b), _row("b", b), _row("c", o, 40.0, 10), _row("d", o, 10.0, 10)]
    )
    assert one_ahead.lean is n
    assert one_ahead.strongest_boom is not None and one_ahead.strongest_boom.id == "d"
    assert one_ahead.strongest_bubble is not None and one_ahead.strongest_bubble.id == "a"
    assert overall([_row("a", b), _row("b", b), _row("c", o)]).lean is n
    boom = overall([_row("a", o), _row("b", o), _row("c", n)])
    assert boom.lean is o and "lean boom" in boom.text
    assert overall([_row("a", o), _row("b", o), _row("c", b)]).lean is n


@pytest.fixture(scope="module")
def assessment(shipped_assessment: Assessment) -> Assessment:
    return shipped_assessment


def test_every_argument_carries_a_signal(assessment: Assessment) -> None:
    sections = assessment.to_dict()["sections"]
    for section in assessment.sections[:-1]:
        sig = section.detail.signal
        assert isinstance(sig, Signal), section.id
        assert sig.rule and sig.history and sig.source_ids
        assert "nan" not in sig.display.lower()
        assert json.dumps(sig.to_dict(), allow_nan=False)
        assert section.detail.to_dict()["signal"]["lean"] == sig.lean.value
        assert sections[section.id]["signal"] == sig.to_dict()
        assert sig.lean.value in section.detail.summary()


def test_cape_percentile_recomputed_by_a_plain_loop(assessment: Assessment) -> None:
    result = assessment.section("markets").detail
    cape = [float(x) for x in result.detail.cape.dropna()]
    below = 0
    for x in cape[:-1]:
        if x < cape[-1]:
            below += 1
    assert result.signal.percentile == pytest.approx(100 * below / (len(cape) - 1))
    share = below / (len(cape) - 1)
    expected = Lean.BUBBLE if share >= 0.9 else Lean.BOOM if share < 0.5 else Lean.NEUTRAL
    assert result.signal.lean is expected


def test_gdp_percentile_recomputed_by_a_plain_loop(assessment: Assessment) -> None:
    result = assessment.section("gdp").detail
    yoy = list(result.detail.yoy["ipe_and_software"].dropna())
    below = sum(1 for x in yoy[:-1] if x < yoy[-1])
    assert result.signal.percentile == pytest.approx(100 * below / (len(yoy) - 1))


def test_scoreboard_has_one_row_per_argument_everywhere(assessment: Assessment) -> None:
    ids = list(ARGUMENTS)
    board = assessment.scoreboard()
    assert [r.id for r in board.rows] == ids
    page = to_html(assessment)
    start = page.index('<table id="scoreboard"')
    table = page[start : page.index("</table>", start)]
    assert re.findall(r'<tr data-argument="([^"]+)"', table) == ids
    for r in board.rows:
        assert f'href="#{r.id}"' in table
        assert f'class="{r.css_class}"' in table
    assert re.findall(r'class="lean-(\w+)"', table)  # colour-coded rows
    assert 'data-label="Signal"' in table and 'class="legend"' in page
    assert "not investment advice" in page[: page.index('<section id="markets"')]
    assert page.index('id="scoreboard"') < page.index('<section id="markets"')
    md = to_markdown(assessment)
    head = md[: md.index('<a id="markets">')]
    assert DISCLAIMER in head
    for r in board.rows:
        assert f"]({r.link}) | {r.indicator}" in head
    payload = json.loads(to_json(assessment))
    rows = payload["scoreboard"]["rows"]
    assert [r["argument"] for r in rows] == ids
    counts = payload["scoreboard"]["overall"]["counts"]
    assert sum(counts.values()) == len(ids)
    assert payload["scoreboard"]["overall"]["lean"] == board.overall.lean.value
    console = Console(width=250, record=True)
    console.print(scorecard(assessment))
    text = console.export_text()
    assert "Bottom line:" in text
    for r in board.rows:
        assert re.search(rf"│ {r.id}\s+│", text), r.id
