"""Every argument's charts meet the chart standard (:func:`bubblewatch.charts.chart_problems`)."""

from __future__ import annotations

from typing import Any

import pytest

from bubblewatch.arguments import ARGUMENTS
from bubblewatch.arguments.registry import argument_ids
from bubblewatch.charts import chart_problems


@pytest.mark.parametrize("argument_id", argument_ids())
def test_every_chart_of_an_argument_stands_alone(shipped_assessment: Any, argument_id: str) -> None:
    result = shipped_assessment.section(argument_id).detail
    draw = ARGUMENTS[argument_id].chart
    assert draw is not None, f"{argument_id} has no chart function"
    charts = list(draw(result))
    assert charts, f"{argument_id} draws no chart"
    for i, fig in enumerate(charts):
        assert chart_problems(fig) == [], f"{argument_id} chart {i}: {chart_problems(fig)}"
