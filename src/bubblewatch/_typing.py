"""Literal option types shared across the package."""

from __future__ import annotations

from typing import Literal, get_args

ReportFormat = Literal["html", "md", "json"]
DealType = Literal[
    "equity", "compute_contract", "chip_purchase", "debt", "warrant", "backstop", "jv"
]
DealStatus = Literal["binding", "announced", "letter_of_intent"]
"""A deal's status, strongest commitment first."""

DEAL_TYPES: tuple[DealType, ...] = get_args(DealType)
DEAL_STATUSES: tuple[DealStatus, ...] = get_args(DealStatus)
REPORT_FORMATS: tuple[ReportFormat, ...] = ("html", "md", "json")

LagSelection = Literal["aic", "bic"]
CriticalValueMethod = Literal["mc", "wild", "wild-ps"]
BsadfRule = Literal["pointwise", "cummax", "familywise"]
CRITICAL_VALUE_METHODS: tuple[CriticalValueMethod, ...] = ("mc", "wild", "wild-ps")
BSADF_RULES: tuple[BsadfRule, ...] = ("pointwise", "cummax", "familywise")
