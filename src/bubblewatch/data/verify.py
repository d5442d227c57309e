"""Dataset verification: every figure sourced, every unit known, no duplicates.

``bubblewatch data verify`` runs :func:`verify_tables` over the store's current tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from bubblewatch.data.schema import KNOWN_UNITS, SCHEMAS

_SOURCE_ID = re.compile(r"^[a-z0-9_]+$")
_URL = re.compile(r"^(https?://[^\s/$.?#]|file:///)[^\s]*$")


@dataclass(frozen=True)
class Problem:
    """One failed check: where it is and what was expected."""

    table: str
    row: int | None
    check: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"table": self.table, "row": self.row, "check": self.check, "message": self.message}


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify_tables`."""

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    rows_checked: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        total = sum(self.rows_checked.values())
        head = (
            f"verified {total} rows in {len(self.rows_checked)} tables: "
            f"{len(self.problems)} problems, {len(self.warnings)} warnings"
        )
        lines = [head]
        lines += [f"  FAIL {p.table}[{p.row}] {p.check}: {p.message}" for p in self.problems]
        lines += [f"  warn {p.table}[{p.row}] {p.check}: {p.message}" for p in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "rows_checked": dict(self.rows_checked),
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [p.to_dict() for p in self.warnings],
        }


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT


def verify_tables(tables: Mapping[str, pd.DataFrame]) -> Verification:
    """Check typed tables against their schemas and the sources table.

    Fails on: a missing required value, a value outside a closed vocabulary, an unknown unit,
    a duplicated key, a ``source_id`` that does not resolve, an incomplete source.
    Warns on sources that no row cites.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if "sources" not in tables:
        return Verification((Problem("sources", None, "present", "no sources table"),), ())
    sources = tables["sources"]
    known_ids = set(sources["source_id"].dropna())
    cited: set[str] = set()
    for name, frame in tables.items():
        schema = SCHEMAS[name]
        missing = [c for c in schema.column_names if c not in frame.columns]
        if missing:
            problems.append(Problem(name, None, "columns", f"missing {', '.join(missing)}"))
            continue
        records = frame[list(schema.column_names)].to_dict("records")
        for i, rec in enumerate(records):
            for col in schema.columns:
                value = rec[col.name]
                if _empty(value):
                    if col.required:
                        problems.append(Problem(name, i, "required", f"{col.name} is empty"))
                    continue
                if col.allowed is not None and value not in col.allowed:
                    problems.append(
                        Problem(
                            name,
                            i,
                            "vocabulary",
                            f"{col.name}={value!r}; expected one of {sorted(col.allowed)}",
                        )
                    )
            if schema.unit_column and not _empty(rec[schema.unit_column]):
                unit = rec[schema.unit_column]
                if unit not in KNOWN_UNITS:
                    problems.append(Problem(name, i, "unit", f"unknown unit {unit!r}"))
            if schema.sourced:
                sid = rec["source_id"]
                if not _empty(sid):
                    cited.add(str(sid))
                    if sid not in known_ids:
                        problems.append(
                            Problem(name, i, "source", f"source_id {sid!r} does not resolve")
                        )
        dup = frame.duplicated(list(schema.key), keep="first")
        for i in dup.to_numpy().nonzero()[0]:
            key = ", ".join(f"{k}={records[i][k]!r}" for k in schema.key)
            problems.append(Problem(name, int(i), "duplicate", f"duplicate key ({key})"))
    problems.extend(_check_sources(sources))
    for i, sid in enumerate(sources["source_id"]):
        if sid not in cited:
            warnings.append(Problem("sources", i, "unused", f"source {sid!r} is cited by no row"))
    rows = {name: len(frame) for name, frame in tables.items()}
    return Verification(tuple(problems), tuple(warnings), rows)


def _check_sources(sources: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    for i, rec in enumerate(sources.to_dict("records")):
        sid = rec["source_id"]
        if not _empty(sid) and not _SOURCE_ID.match(str(sid)):
            problems.append(Problem("sources", i, "source_id", f"malformed id {sid!r}"))
        if not _empty(rec["url"]) and not _URL.match(str(rec["url"])):
            problems.append(Problem("sources", i, "url", f"not an http(s) URL: {rec['url']!r}"))
        pub, ret = rec["published"], rec["retrieved"]
        if not _empty(pub) and not _empty(ret) and pd.Timestamp(ret) < pd.Timestamp(pub):
            problems.append(
                Problem("sources", i, "dates", f"retrieved {ret:%Y-%m-%d} before published")
            )
    return problems
