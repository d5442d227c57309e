"""Schemas of the live tables that ``bubblewatch update`` fills from the providers.

These tables are not shipped: they start empty and each provider's load adds a vintage. Every
row carries its provenance (``provider``, the endpoint ``url`` without secrets, the UTC
``retrieved`` time) and ``published``, the date the figure became public (filing date, release
date, real-time start, or the trading day for a close), kept apart from the period it describes,
so that "as known on D" is a filter on ``published``.

A load replaces one *partition* (one company, one series, one NIPA table, one ticker from one
provider) with a new vintage; reads take the latest vintage of each partition, and earlier
vintages stay in the store.
"""

from __future__ import annotations

from bubblewatch.data.schema import Column, TableSchema
from bubblewatch.data.schema import column as _c

PROVENANCE: tuple[Column, ...] = (
    _c("provider"),
    _c("url"),
    _c("retrieved"),
    _c("published", "date"),
)
"""Columns every live row carries: who served it, from where, when we fetched it, when it was public."""

SEC_FACTS = TableSchema(
    name="sec_facts",
    description="Every XBRL fact of a company from SEC EDGAR companyfacts, all filed versions.",
    columns=(
        _c("cik"),
        _c("entity"),
        _c("taxonomy"),
        _c("tag"),
        _c("unit"),
        _c("period_start", "date", required=False),
        _c("period_end", "date"),
        _c("value", "float"),
        _c("accn"),
        _c("form"),
        _c("filed", "date"),
        _c("fy", "int", required=False),
        _c("fp", required=False),
        _c("frame", required=False),
        *PROVENANCE,
    ),
    key=("cik", "taxonomy", "tag", "unit", "period_start", "period_end", "accn", "frame"),
    sourced=False,
    shipped=False,
)

SEC_METRICS = TableSchema(
    name="sec_metrics",
    description=(
        "The metrics the models read, derived from SEC facts per fiscal period: every filed "
        "version, year-to-date values turned into quarters, Q4 derived from the year."
    ),
    columns=(
        _c("ticker"),
        _c("cik"),
        _c("entity"),
        _c("metric"),
        _c("fiscal_year", "int"),
        _c("fiscal_period"),
        _c("period_start", "date", required=False),
        _c("period_end", "date"),
        _c("value", "float"),
        _c("unit"),
        _c("taxonomy"),
        _c("tag"),
        _c("accn"),
        _c("form"),
        _c("filed", "date"),
        _c("derivation"),
        *PROVENANCE,
    ),
    key=("cik", "metric", "fiscal_year", "fiscal_period", "accn"),
    unit_column="unit",
    sourced=False,
    shipped=False,
)

FRED_OBSERVATIONS = TableSchema(
    name="fred_observations",
    description="FRED/ALFRED observations with their real-time periods (vintages).",
    columns=(
        _c("series_id"),
        _c("date", "date"),
        _c("value", "float", required=False),
        _c("realtime_start", "date"),
        _c("realtime_end", "date"),
        *PROVENANCE,
    ),
    key=("series_id", "date", "realtime_start"),
    sourced=False,
    shipped=False,
)

BEA_NIPA = TableSchema(
    name="bea_nipa",
    description="BEA NIPA table lines by period, as released (one vintage per release).",
    columns=(
        _c("table_name"),
        _c("line_number", "int"),
        _c("line_description"),
        _c("series_code"),
        _c("time_period"),
        _c("value", "float", required=False),
        _c("unit"),
        _c("unit_mult", "int", required=False),
        _c("note_ref", required=False),
        *PROVENANCE,
    ),
    key=("table_name", "line_number", "time_period", "published"),
    sourced=False,
    shipped=False,
)

PRICES = TableSchema(
    name="prices",
    description="Daily closes by provider, each saying whether it is adjusted for splits and dividends.",
    columns=(
        _c("ticker"),
        _c("date", "date"),
        _c("close", "float"),
        _c("adjustment"),
        *PROVENANCE,
    ),
    key=("ticker", "date", "provider", "adjustment"),
    sourced=False,
    shipped=False,
)

#: How a load partitions each live table: a load replaces the partitions it holds.
PARTITIONS: dict[str, tuple[str, ...]] = {
    "sec_facts": ("cik",),
    "sec_metrics": ("cik",),
    "fred_observations": ("series_id",),
    "bea_nipa": ("table_name",),
    "prices": ("ticker", "provider"),
}

#: Allowed values of ``prices.adjustment``.
ADJUSTMENTS: frozenset[str] = frozenset({"none", "splits", "splits_dividends"})

LIVE_SCHEMAS: dict[str, TableSchema] = {
    s.name: s for s in (SEC_FACTS, SEC_METRICS, FRED_OBSERVATIONS, BEA_NIPA, PRICES)
}
