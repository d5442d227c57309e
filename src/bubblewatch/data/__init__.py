"""The curated, sourced snapshot shipped in the wheel, and its loaders.

>>> from bubblewatch.data import load_table
>>> deals = load_table("deals")
>>> {"deal_id", "money_from", "money_to", "amount_usd_bn"} <= set(deals.columns)
True
"""

from __future__ import annotations

from bubblewatch.data.loaders import (
    SnapshotInfo,
    coerce,
    load_table,
    raw_bytes,
    read_csv_text,
    snapshot_info,
)
from bubblewatch.data.schema import KNOWN_UNITS, SCHEMAS, SHIPPED_TABLES, TableSchema
from bubblewatch.data.verify import Problem, Verification, verify_tables

__all__ = [
    "KNOWN_UNITS",
    "SCHEMAS",
    "SHIPPED_TABLES",
    "Problem",
    "SnapshotInfo",
    "TableSchema",
    "Verification",
    "coerce",
    "load_table",
    "raw_bytes",
    "read_csv_text",
    "snapshot_info",
    "verify_tables",
]
