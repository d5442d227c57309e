"""Literal option types shared across the package."""

from __future__ import annotations

from typing import Literal

ReportFormat = Literal["html", "md", "json"]
SectionId = Literal[
    "markets",
    "circularity",
    "funding",
    "depreciation",
    "gdp",
    "cycles",
    "roi",
    "power",
    "credit",
    "claims",
]
DealType = Literal[
    "equity", "compute_contract", "chip_purchase", "debt", "warrant", "backstop", "jv"
]
DealStatus = Literal["announced", "binding", "letter_of_intent"]

SECTION_IDS: tuple[SectionId, ...] = (
    "markets",
    "circularity",
    "funding",
    "depreciation",
    "gdp",
    "cycles",
    "roi",
    "power",
    "credit",
    "claims",
)
REPORT_FORMATS: tuple[ReportFormat, ...] = ("html", "md", "json")

LagSelection = Literal["aic", "bic"]
CriticalValueMethod = Literal["mc", "wild", "wild-ps"]
BsadfRule = Literal["pointwise", "cummax", "familywise"]
CRITICAL_VALUE_METHODS: tuple[CriticalValueMethod, ...] = ("mc", "wild", "wild-ps")
BSADF_RULES: tuple[BsadfRule, ...] = ("pointwise", "cummax", "familywise")
