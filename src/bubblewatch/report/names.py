"""The figures that moved between vintages, named in words.

:meth:`Store.changes` keys each moved row by its table's key (``"deal_id=nvda_openai_2024"``,
``"series=NASDAQCOM, field=close, date=2026-03-31"``). A deal or debt issue is named by its
parties, kind and month (``NVIDIA – OpenAI equity (Sep 2025)``); any other key by its values.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from bubblewatch.report.labels import humanize_text, missing, words


def _deal(row: pd.Series) -> str:
    when = pd.Timestamp(row["date"])
    kind = words(str(row.get("type", ""))) if not missing(row.get("type")) else "deal"
    stamp = "" if pd.isna(when) else f" ({when:%b %Y})"
    return f"{row['party_a']} – {row['party_b']} {kind}{stamp}"


def _issue(row: pd.Series) -> str:
    when = pd.Timestamp(row["date"])
    stamp = "" if pd.isna(when) else f" ({when:%b %Y})"
    return f"{row['issuer']} {words(str(row['instrument']))}{stamp}"


#: Id columns that a row of another table describes in words: column → (table, describer).
_DESCRIBED = {"deal_id": ("deals", _deal), "issue_id": ("debt", _issue)}


def id_names(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Deal and debt-issue ids → what they are in words (``NVIDIA – OpenAI equity (Sep 2025)``)."""
    names: dict[str, str] = {}
    for column, (table, describe) in _DESCRIBED.items():
        frame = tables.get(table)
        if frame is None or column not in frame.columns:
            continue
        for _, row in frame.iterrows():
            names.setdefault(str(row[column]), describe(row))
    return names


def describe_key(key: str, names: Mapping[str, str]) -> str:
    """A changed row's key (``"deal_id=nvda_openai_2024"``, ``"series=X, field=close"``) in
    words: ids by what they name, other parts by their values."""
    parts = []
    for part in str(key).split(", "):
        _column, sep, value = part.partition("=")
        value = value if sep else part
        parts.append(names.get(value, humanize_text(value)))
    return ", ".join(parts)


def label_changes(
    changes: pd.DataFrame | None, tables: Mapping[str, pd.DataFrame]
) -> pd.DataFrame | None:
    """``changes`` (:meth:`Store.changes`) with a ``figure`` column naming each row in words."""
    if changes is None or changes.empty or "key" not in changes.columns:
        return changes
    names = id_names(tables)
    return changes.assign(figure=[describe_key(k, names) for k in changes["key"]])
