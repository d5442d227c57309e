"""The chart standard's checker: it passes a chart that stands alone and names what another lacks."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch.charts import (
    chart_problems,
    claimed_line,
    reference_line,
    shade,
    style,
    year_axis,
)


def _good() -> go.Figure:
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=pd.date_range("2020-01-31", periods=4, freq="ME"), y=[1, 2, 3, 4], name="BSADF"
        )
    )
    fig.add_trace(
        go.Scatter(
            x=pd.date_range("2020-01-31", periods=4, freq="ME"),
            y=[2, 2, 2, 2],
            name="95% critical value",
        )
    )
    reference_line(fig, 0.0, "zero")
    claimed_line(fig, 3.5, "C01", "3.5")
    shade(fig, "2020-02-01", "2020-03-01", "explosive episode")
    shade(fig, "2020-03-15", "2020-04-01", "explosive episode", showlegend=False)
    return style(
        fig,
        title="The statistic crosses its critical value twice",
        x_title="Month",
        y_title="BSADF statistic",
    )


def test_a_chart_that_stands_alone_passes() -> None:
    assert chart_problems(_good()) == []


def test_each_missing_part_is_named() -> None:
    fig = _good()
    fig.update_layout(title_text="")
    fig.update_yaxes(title_text="")
    fig.add_trace(go.Scatter(x=[1, 2], y=[1, 2], showlegend=False))
    fig.add_vrect(x0=1, x1=2)
    problems = chart_problems(fig)
    assert "no title" in problems
    assert "yaxis has no title" in problems
    assert any(p.startswith("trace 2") and "no name" in p for p in problems)
    assert any(p.startswith("trace 2") and "not in the legend" in p for p in problems)
    assert any(p.startswith("shape 4") and "no name" in p for p in problems)


def test_period_categories_must_be_in_date_order() -> None:
    fig = go.Figure()
    fig.add_trace(go.Bar(x=["2025Q2", "2025Q3"], y=[1, 2], name="bonds"))
    fig.add_trace(go.Bar(x=["2024Q3", "2025Q2"], y=[1, 2], name="loans"))
    style(fig, title="t", x_title="Quarter", y_title="USD bn")
    assert chart_problems(fig) == ["xaxis: period categories out of date order"]
    fig.update_xaxes(categoryorder="array", categoryarray=["2024Q3", "2025Q2", "2025Q3"])
    assert chart_problems(fig) == []


def test_whole_years_need_a_year_format() -> None:
    fig = make_subplots(rows=1, cols=2)
    fig.add_trace(go.Scatter(x=[2024, 2025, 2026], y=[1, 2, 3], name="a"), row=1, col=1)
    fig.add_trace(go.Scatter(x=[0.5, 1.5], y=[1, 2], name="b"), row=1, col=2)
    style(fig, title="t", x_title="Year", y_title="USD bn")
    problem = ["xaxis: whole years need tickformat 'd' and a whole dtick"]
    assert chart_problems(fig) == problem
    fig.update_xaxes(tickformat="d", row=1, col=1)
    assert chart_problems(fig) == problem  # half-year ticks would print one year twice
    year_axis(fig, 2024, 2026, row=1, col=1)
    assert chart_problems(fig) == []
    assert fig.layout.xaxis.dtick == 1


def test_year_axis_keeps_at_most_ten_ticks() -> None:
    for first, last, step in ((2020, 2022, 1), (2000, 2026, 5), (1880, 2026, 20)):
        fig = year_axis(go.Figure(go.Scatter(x=[first, last], y=[0, 1])), first, last)
        assert fig.layout.xaxis.dtick == step
        assert (last - first) / step <= 10


def test_a_single_unnamed_trace_needs_no_legend() -> None:
    fig = style(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), title="t", x_title="x", y_title="y")
    assert chart_problems(fig) == []
