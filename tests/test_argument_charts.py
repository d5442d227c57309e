"""The charts of cycles, gdp, depreciation and credit: ordered date axes, whole years, the
debate's figures drawn where the argument tests them, and legends a phone can hold."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from bubblewatch.arguments import ARGUMENTS

OWN = ("cycles", "gdp", "depreciation", "credit")


def _charts(assessment: Any, argument_id: str) -> list[go.Figure]:
    chart = ARGUMENTS[argument_id].chart
    assert chart is not None
    return list(chart(assessment.section(argument_id).detail))


def _figure(assessment: Any, argument_id: str, words: str) -> go.Figure:
    """The chart of ``argument_id`` whose title contains ``words``."""
    found = [f for f in _charts(assessment, argument_id) if words in f.layout.title.text]
    assert len(found) == 1, [f.layout.title.text for f in _charts(assessment, argument_id)]
    return found[0]


def _legend_entries(fig: go.Figure) -> int:
    groups: set[str] = set()
    count = 0
    for mark in [*fig.data, *(fig.layout.shapes or ())]:
        if mark.showlegend is False or (mark.legendgroup and mark.legendgroup in groups):
            continue
        if isinstance(mark, go.layout.Shape) and not mark.showlegend:
            continue
        groups.add(mark.legendgroup or "")
        count += 1
    return count


@pytest.mark.parametrize("argument_id", OWN)
def test_each_figure_keeps_its_legend_short(shipped_assessment: Any, argument_id: str) -> None:
    for fig in _charts(shipped_assessment, argument_id):
        assert _legend_entries(fig) <= 6, fig.layout.title.text


def test_credit_quarters_run_in_date_order(shipped_assessment: Any) -> None:
    fig = _figure(shipped_assessment, "credit", "AI-related debt")
    assert fig.layout.xaxis.type == "date"
    for trace in fig.data:
        x = pd.to_datetime(list(trace.x))
        assert x.is_monotonic_increasing and x.is_unique, trace.name
    issuance = shipped_assessment.section("credit").detail.detail.issuance
    total = np.sum([np.asarray(t.y, dtype=float) for t in fig.data])
    assert total == pytest.approx(issuance.sum().sum())


def test_gdp_quarters_are_dates_and_the_claims_are_drawn(shipped_assessment: Any) -> None:
    view = shipped_assessment.section("gdp").detail.detail
    for words in ("quarters since", "Real IT equipment grew"):
        fig = _figure(shipped_assessment, "gdp", words)
        assert fig.layout.xaxis.type == "date"
        for trace in fig.data:
            x = pd.to_datetime(list(trace.x))
            assert x.is_monotonic_increasing and x.is_unique, trace.name
    split = _figure(shipped_assessment, "gdp", "Furman")
    claimed = next(t for t in split.data if str(t.name).startswith("Claimed"))
    assert view.furman_published["growth_excluding"] in list(claimed.x)


def test_depreciation_years_are_whole_years_and_the_critics_figure_is_drawn(
    shipped_assessment: Any,
) -> None:
    view = shipped_assessment.section("depreciation").detail.detail
    benefit = _figure(shipped_assessment, "depreciation", "Longer server lives add")
    assert benefit.layout.xaxis.tickformat == "d"
    years = [x for t in benefit.data for x in t.x]
    assert all(float(x).is_integer() for x in years)
    critics = _figure(shipped_assessment, "depreciation", "critics'")
    lines = [s for s in critics.layout.shapes if "Claimed" in str(s.name)]
    assert [s.y0 for s in lines] == [pytest.approx(view.critics_figure)]
    assert f"${view.critics_figure:,.0f}bn" in critics.layout.title.text


def test_cycles_years_are_whole_and_the_claimed_phase_is_shaded(shipped_assessment: Any) -> None:
    result = shipped_assessment.section("cycles").detail
    params = result.params
    phase = _figure(shipped_assessment, "cycles", "best matches")
    assert (phase.layout.xaxis.type, phase.layout.xaxis.tickformat) == ("date", "%Y")
    starts = pd.to_datetime([x for t in phase.data for x in t.x])
    assert ((starts.month == 1) & (starts.day == 1)).all()
    band = next(s for s in phase.layout.shapes if "Claimed phase" in str(s.name))
    assert (pd.Timestamp(band.x0).year, pd.Timestamp(band.x1).year) == (
        params.phase_from,
        params.phase_to,
    )
    best = result.detail.view.phases["shale"].best_year
    assert str(best)[-2:] in phase.layout.title.text
