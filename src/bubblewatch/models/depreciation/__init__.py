"""Vintage depreciation of hyperscaler servers, and what longer useful lives do to profits."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from bubblewatch.models.depreciation.critics import Understatement, understatement
from bubblewatch.models.depreciation.disclosures import DisclosureCheck, disclosed_effects
from bubblewatch.models.depreciation.inputs import CompanyInputs, company_inputs, life_history
from bubblewatch.models.depreciation.schedule import (
    DepreciationSchedule,
    LifeChange,
    LifeHistory,
    compare,
    schedule,
)
from bubblewatch.models.depreciation.sensitivity import ProfitSensitivity, sensitivity
from bubblewatch.universe import HYPERSCALERS


def hyperscaler_inputs(
    financials: pd.DataFrame,
    useful_lives: pd.DataFrame,
    companies: Iterable[str] = HYPERSCALERS,
) -> dict[str, CompanyInputs]:
    """:class:`CompanyInputs` for each company, in order."""
    return {c: company_inputs(financials, useful_lives, c) for c in companies}


__all__ = [
    "HYPERSCALERS",
    "CompanyInputs",
    "DepreciationSchedule",
    "DisclosureCheck",
    "LifeChange",
    "LifeHistory",
    "ProfitSensitivity",
    "Understatement",
    "company_inputs",
    "compare",
    "disclosed_effects",
    "hyperscaler_inputs",
    "life_history",
    "schedule",
    "sensitivity",
    "understatement",
]
