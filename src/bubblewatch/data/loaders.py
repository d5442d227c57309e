"""Read the shipped snapshot tables and give them their schema types."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from bubblewatch.data.schema import SCHEMAS, SHIPPED_TABLES, TableSchema
from bubblewatch.errors import DataError, SpecificationError

_PACKAGE = "bubblewatch.data"
_SNAPSHOT_DIR = "snapshot"


@dataclass(frozen=True)
class SnapshotInfo:
    """Identity of the shipped snapshot: version, the date it was assembled, its fingerprint."""

    version: str
    snapshot_date: str
    licence: str
    fingerprint: str

    def to_dict(self) -> dict[str, str]:
        return {
            "version": self.version,
            "snapshot_date": self.snapshot_date,
            "licence": self.licence,
            "fingerprint": self.fingerprint,
        }


def _schema(name: str) -> TableSchema:
    try:
        return SCHEMAS[name]
    except KeyError:
        known = ", ".join(sorted(SCHEMAS))
        raise SpecificationError(f"unknown table {name!r}; expected one of: {known}") from None


def raw_bytes(name: str) -> bytes:
    """The shipped CSV of table ``name``, byte for byte."""
    schema = _schema(name)
    if not schema.shipped:
        raise SpecificationError(f"table {name!r} is not shipped; it lives only in the store")
    return (resources.files(_PACKAGE) / _SNAPSHOT_DIR / f"{name}.csv").read_bytes()


@cache
def snapshot_info() -> SnapshotInfo:
    """Version, assembly date and content fingerprint of the shipped snapshot."""
    meta = json.loads((resources.files(_PACKAGE) / _SNAPSHOT_DIR / "dataset.json").read_text())
    digest = hashlib.sha256()
    for name in SHIPPED_TABLES:
        digest.update(name.encode())
        digest.update(raw_bytes(name))
    return SnapshotInfo(
        version=str(meta["version"]),
        snapshot_date=str(meta["snapshot_date"]),
        licence=str(meta["licence"]),
        fingerprint=digest.hexdigest()[:16],
    )


def read_csv_text(text: str, schema: TableSchema, *, origin: str) -> pd.DataFrame:
    """Parse CSV text into a typed frame with exactly the schema's columns.

    Raises
    ------
    DataError
        If the text is not CSV, lacks a column, or a value does not parse as its type.
    """
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{origin}: not a readable CSV file ({exc})") from None
    missing = [c for c in schema.column_names if c not in frame.columns]
    if missing:
        raise DataError(
            f"{origin}: expected columns {', '.join(schema.column_names)}; "
            f"missing {', '.join(missing)}"
        )
    return coerce(frame[list(schema.column_names)], schema, origin=origin)


def coerce(frame: pd.DataFrame, schema: TableSchema, *, origin: str) -> pd.DataFrame:
    """Give each column its schema type; strings stay ``object`` with ``None`` for empty."""
    out = pd.DataFrame(index=frame.index)
    for col in schema.columns:
        values = frame[col.name]
        if col.type == "str":
            out[col.name] = values.astype(object).where(values.notna(), None)
        elif col.type in ("float", "int"):
            numbers = pd.to_numeric(values, errors="coerce")
            bad = values.notna() & numbers.isna()
            if bad.any():
                row = int(bad.to_numpy().nonzero()[0][0])
                raise DataError(
                    f"{origin}: column {col.name!r} row {row + 1}: expected a number, "
                    f"found {values.iloc[row]!r}"
                )
            out[col.name] = numbers.astype("float64")
        else:
            dates = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
            bad = values.notna() & dates.isna()
            if bad.any():
                row = int(bad.to_numpy().nonzero()[0][0])
                raise DataError(
                    f"{origin}: column {col.name!r} row {row + 1}: expected an ISO date "
                    f"YYYY-MM-DD, found {values.iloc[row]!r}"
                )
            out[col.name] = dates.astype("datetime64[ns]")
    return out.reset_index(drop=True)


@cache
def _load_shipped(name: str) -> pd.DataFrame:
    text = raw_bytes(name).decode("utf-8")
    return read_csv_text(text, _schema(name), origin=f"shipped table {name}")


def load_table(name: str) -> pd.DataFrame:
    """Load a shipped table as a typed :class:`pandas.DataFrame` (a fresh copy each call)."""
    return _load_shipped(name).copy()
