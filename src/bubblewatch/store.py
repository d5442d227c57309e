"""The DuckDB store: the shipped snapshot and users' series, with vintages and provenance.

The store lives in one DuckDB file under :func:`bubblewatch.paths.data_home`. It is created from
the shipped snapshot on first use. Every write is one transaction that adds a *vintage*: a
refresh or an import adds rows and never overwrites earlier vintages. Reads return the latest
vintage of each table (of each series, for imported series). A write that fails, or a process
killed mid-write, leaves the previous state intact: DuckDB discards the uncommitted transaction,
and a first-time creation is built in a temporary file and moved into place only when complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from bubblewatch.data import (
    KNOWN_UNITS,
    SCHEMAS,
    SHIPPED_TABLES,
    TableSchema,
    Verification,
    load_table,
    snapshot_info,
    verify_tables,
)
from bubblewatch.data.loaders import coerce
from bubblewatch.errors import DataError, InputPathError, SpecificationError, StoreError
from bubblewatch.paths import data_home

STORE_FILE = "store.duckdb"
_SQL_TYPES = {"str": "VARCHAR", "float": "DOUBLE", "int": "BIGINT", "date": "DATE"}
_SERIES_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class TableInfo:
    """One table as the store holds it now."""

    name: str
    description: str
    rows: int
    vintage_id: int | None
    loaded_at: str | None
    origin: str | None


@dataclass(frozen=True)
class ImportResult:
    """What ``import_series`` stored."""

    name: str
    rows: int
    vintage_id: int
    unit: str
    first_date: str
    last_date: str
    sha256: str


@dataclass(frozen=True)
class DataVintage:
    """The data a result was computed from: snapshot identity and store vintages."""

    snapshot_version: str
    snapshot_date: str
    fingerprint: str
    snapshot_vintage_id: int
    loaded_at: str
    imported_series: int

    def to_dict(self) -> dict[str, object]:
        return {
            "snapshot_version": self.snapshot_version,
            "snapshot_date": self.snapshot_date,
            "fingerprint": self.fingerprint,
            "snapshot_vintage_id": self.snapshot_vintage_id,
            "loaded_at": self.loaded_at,
            "imported_series": self.imported_series,
        }

    def describe(self) -> str:
        return (
            f"dataset {self.snapshot_version} (assembled {self.snapshot_date}, "
            f"fingerprint {self.fingerprint}), store vintage {self.snapshot_vintage_id} "
            f"loaded {self.loaded_at}"
        )


def _ddl(schema: TableSchema) -> str:
    cols = ", ".join(f'"{c.name}" {_SQL_TYPES[c.type]}' for c in schema.columns)
    return f'CREATE TABLE IF NOT EXISTS "{schema.name}" ({cols}, vintage_id BIGINT NOT NULL)'


def _add_missing_columns(con: duckdb.DuckDBPyConnection, schema: TableSchema) -> None:
    """Columns a newer dataset adds to a table an older store already holds (empty in old rows)."""
    have = {
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [schema.name]
        ).fetchall()
    }
    for column in schema.columns:
        if column.name not in have:
            con.execute(
                f'ALTER TABLE "{schema.name}" ADD COLUMN "{column.name}" {_SQL_TYPES[column.type]}'
            )


_META_DDL = (
    "CREATE TABLE IF NOT EXISTS bw_vintages (vintage_id BIGINT, table_name VARCHAR, "
    "origin VARCHAR, fingerprint VARCHAR, rows BIGINT, loaded_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS bw_imports (vintage_id BIGINT, name VARCHAR, unit VARCHAR, "
    "path VARCHAR, sha256 VARCHAR, rows BIGINT, imported_at TIMESTAMP)",
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class Store:
    """The DuckDB store at ``home`` (default: :func:`~bubblewatch.paths.data_home`).

    Use as a context manager::

        with Store.open() as store:
            deals = store.read("deals")
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self._con = con
        self.path = path

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, home: Path | str | None = None) -> Store:
        """Open the store, creating it from the shipped snapshot on first use.

        Loads the shipped snapshot as a new vintage when the package carries a newer one.
        """
        root = Path(home) if home is not None else data_home()
        path = root / STORE_FILE
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {root}: {exc.strerror}") from None
        if not path.exists():
            cls._create(path)
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from None
        store = cls(con, path)
        try:
            store._ensure_snapshot()
        except Exception:
            con.close()
            raise
        return store

    @classmethod
    def _create(cls, path: Path) -> None:
        _remove_orphaned_builds(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            con = duckdb.connect(str(tmp))
            try:
                store = cls(con, tmp)
                store._ensure_snapshot()
                con.execute("CHECKPOINT")
            finally:
                con.close()
            tmp.replace(path)
        except duckdb.Error as exc:
            raise StoreError(f"cannot create the store at {path}: {exc}") from None
        finally:
            for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
                stale.unlink(missing_ok=True)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------
    def _next_vintage(self, con: duckdb.DuckDBPyConnection) -> int:
        row = con.execute(
            "SELECT coalesce(max(v), 0) FROM (SELECT max(vintage_id) v FROM bw_vintages "
            "UNION ALL SELECT max(vintage_id) FROM bw_imports)"
        ).fetchone()
        return int(row[0]) + 1 if row else 1

    def _ensure_snapshot(self) -> None:
        info = snapshot_info()
        for stmt in _META_DDL:
            self._con.execute(stmt)
        current = self._con.execute(
            "SELECT fingerprint FROM bw_vintages WHERE origin = 'snapshot' "
            "ORDER BY vintage_id DESC LIMIT 1"
        ).fetchone()
        if current is not None and current[0] == info.fingerprint:
            return
        self.load_snapshot()

    def load_snapshot(self) -> int:
        """Load every shipped table as one new vintage (one transaction); return its id."""
        info = snapshot_info()
        frames = {name: load_table(name) for name in SHIPPED_TABLES}
        with self._transaction() as con:
            vintage = self._next_vintage(con)
            loaded_at = _now()
            for name, frame in frames.items():
                self._insert(con, SCHEMAS[name], frame, vintage)
                con.execute(
                    "INSERT INTO bw_vintages VALUES (?, ?, 'snapshot', ?, ?, ?)",
                    [vintage, name, info.fingerprint, len(frame), loaded_at],
                )
        return vintage

    def _insert(
        self,
        con: duckdb.DuckDBPyConnection,
        schema: TableSchema,
        frame: pd.DataFrame,
        vintage: int,
    ) -> None:
        con.execute(_ddl(schema))
        _add_missing_columns(con, schema)
        staged = frame[list(schema.column_names)]
        con.register("bw_staged", staged)
        try:
            names = ", ".join(f'"{c.name}"' for c in schema.columns)
            casts = ", ".join(f'CAST("{c.name}" AS {_SQL_TYPES[c.type]})' for c in schema.columns)
            con.execute(
                f'INSERT INTO "{schema.name}" ({names}, vintage_id) '
                f"SELECT {casts}, {vintage} FROM bw_staged"
            )
        finally:
            con.unregister("bw_staged")

    def import_series(self, path: Path | str, name: str, unit: str = "number") -> ImportResult:
        """Import a user's ``date,value`` CSV as a new vintage of series ``name``.

        Raises
        ------
        SpecificationError
            If ``name`` is not a lowercase identifier.
        DataError
            If ``unit`` is unknown or the file is not a ``date,value`` CSV with ISO dates,
            finite numbers and no repeated dates.
        InputPathError
            If the file cannot be read.
        """
        if not _SERIES_NAME.match(name):
            raise SpecificationError(
                f"series name must be lowercase letters, digits and _, starting with a letter; "
                f"found {name!r}"
            )
        if unit not in KNOWN_UNITS:
            raise DataError(
                f"unknown unit {unit!r}; expected one of {', '.join(sorted(KNOWN_UNITS))}"
            )
        source = Path(path)
        try:
            payload = source.read_bytes()
        except OSError as exc:
            raise InputPathError(f"cannot read {source}: {exc.strerror or exc}") from None
        frame = _parse_series_csv(payload, origin=str(source))
        digest = hashlib.sha256(payload).hexdigest()
        with self._transaction() as con:
            vintage = self._next_vintage(con)
            sid = f"user_{name}_v{vintage}"
            frame = frame.assign(name=name, unit=unit, source_id=sid)
            self._insert(con, SCHEMAS["series"], frame, vintage)
            con.execute(
                "INSERT INTO bw_imports VALUES (?, ?, ?, ?, ?, ?, ?)",
                [vintage, name, unit, str(source.resolve()), digest, len(frame), _now()],
            )
        return ImportResult(
            name=name,
            rows=len(frame),
            vintage_id=vintage,
            unit=unit,
            first_date=f"{frame['date'].min():%Y-%m-%d}",
            last_date=f"{frame['date'].max():%Y-%m-%d}",
            sha256=digest,
        )

    # -- reading ---------------------------------------------------------------------------
    def _has_table(self, name: str) -> bool:
        row = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(row and row[0])

    def read(self, name: str) -> pd.DataFrame:
        """The latest vintage of table ``name`` as a typed DataFrame."""
        if name not in SCHEMAS:
            known = ", ".join(sorted(SCHEMAS))
            raise SpecificationError(f"unknown table {name!r}; expected one of: {known}")
        schema = SCHEMAS[name]
        cols = ", ".join(f't."{c}"' for c in schema.column_names)
        if name == "series":
            if not self._has_table("series"):
                frame = pd.DataFrame({c: [] for c in schema.column_names})
            else:
                frame = self._con.execute(
                    f"SELECT {cols} FROM series t JOIN (SELECT name, max(vintage_id) v "
                    "FROM bw_imports GROUP BY name) l ON t.name = l.name AND t.vintage_id = l.v "
                    "ORDER BY t.name, t.date"
                ).df()
        else:
            frame = self._con.execute(
                f'SELECT {cols} FROM "{name}" t WHERE t.vintage_id = (SELECT max(vintage_id) '
                "FROM bw_vintages WHERE table_name = ?) ORDER BY rowid",
                [name],
            ).df()
        typed = coerce(_dates_to_text(frame, schema), schema, origin=f"store table {name}")
        if name == "sources":
            typed = pd.concat([typed, self._import_sources()], ignore_index=True)
        return typed

    def _import_sources(self) -> pd.DataFrame:
        rows = self._con.execute(
            "SELECT vintage_id, name, path, sha256, rows, imported_at FROM bw_imports "
            "ORDER BY vintage_id"
        ).fetchall()
        records = [
            {
                "source_id": f"user_{name}_v{vid}",
                "publisher": "user import",
                "title": f"{Path(path).name} imported as series {name!r}",
                "url": Path(path).as_uri(),
                "published": f"{stamp:%Y-%m-%d}",
                "retrieved": f"{stamp:%Y-%m-%d}",
                "locator": f"columns date,value; {n} rows; sha256 {digest[:16]}",
                "terms": "the user's own data",
            }
            for vid, name, path, digest, n, stamp in rows
        ]
        schema = SCHEMAS["sources"]
        frame = pd.DataFrame(records, columns=list(schema.column_names))
        return coerce(frame, schema, origin="store imports")

    def tables(self) -> list[TableInfo]:
        """Every table with its row count and the vintage it is read from."""
        out = []
        for name, schema in SCHEMAS.items():
            rows = len(self.read(name))
            meta = self._con.execute(
                "SELECT vintage_id, loaded_at, origin FROM bw_vintages WHERE table_name = ? "
                "ORDER BY vintage_id DESC LIMIT 1",
                [name],
            ).fetchone()
            if name == "series":
                meta = self._con.execute(
                    "SELECT vintage_id, imported_at, 'import' FROM bw_imports "
                    "ORDER BY vintage_id DESC LIMIT 1"
                ).fetchone()
            out.append(
                TableInfo(
                    name=name,
                    description=schema.description,
                    rows=rows,
                    vintage_id=int(meta[0]) if meta else None,
                    loaded_at=f"{meta[1]:%Y-%m-%d %H:%M:%S}" if meta else None,
                    origin=str(meta[2]) if meta else None,
                )
            )
        return out

    def vintages(self) -> pd.DataFrame:
        """The history of loads and imports, newest first."""
        return self._con.execute(
            "SELECT vintage_id, table_name, origin, fingerprint, rows, loaded_at FROM bw_vintages "
            "UNION ALL SELECT vintage_id, 'series:' || name, 'import', sha256, rows, imported_at "
            "FROM bw_imports ORDER BY vintage_id DESC, table_name"
        ).df()

    def data_vintage(self) -> DataVintage:
        """Identity of the data the store serves now."""
        info = snapshot_info()
        row = self._con.execute(
            "SELECT vintage_id, loaded_at, fingerprint FROM bw_vintages WHERE origin = 'snapshot' "
            "ORDER BY vintage_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise StoreError(f"the store at {self.path} holds no snapshot")
        imports = self._con.execute("SELECT count(DISTINCT name) FROM bw_imports").fetchone()
        return DataVintage(
            snapshot_version=info.version,
            snapshot_date=info.snapshot_date,
            fingerprint=str(row[2]),
            snapshot_vintage_id=int(row[0]),
            loaded_at=f"{row[1]:%Y-%m-%d %H:%M:%S} UTC",
            imported_series=int(imports[0]) if imports else 0,
        )

    def verify(self) -> Verification:
        """Verify the current tables: sources resolve, units are known, keys are unique."""
        return verify_tables({name: self.read(name) for name in SCHEMAS})

    def export_csv(self, name: str) -> str:
        """The latest vintage of ``name`` as CSV text (ISO dates, full-precision numbers)."""
        return frame_to_csv(self.read(name), SCHEMAS[name])


def _remove_orphaned_builds(path: Path) -> None:
    """Delete half-built stores left by creators whose process no longer exists."""
    for stale in path.parent.glob(f".{path.name}.*.tmp*"):
        pid_text = stale.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid_text.isdigit() and not _alive_elsewhere(int(pid_text)):
            stale.unlink(missing_ok=True)


def _alive_elsewhere(pid: int) -> bool:
    """Whether ``pid`` is a running process other than this one."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def frame_to_text(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """A typed table as display strings: ISO dates, exact numbers, ``""`` for missing."""
    out = pd.DataFrame(index=frame.index)
    for col in schema.columns:
        values = frame[col.name]
        if col.type == "date":
            out[col.name] = values.dt.strftime("%Y-%m-%d").fillna("")
        elif col.type in ("float", "int"):
            out[col.name] = [
                "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v)))
                for v in values
            ]
        else:
            out[col.name] = values.astype(object).where(values.notna(), "")
    return out


def frame_to_csv(frame: pd.DataFrame, schema: TableSchema) -> str:
    """Write a typed table as CSV text: ISO dates, ``repr`` floats, empty for missing."""
    buffer = io.StringIO()
    frame_to_text(frame, schema).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _dates_to_text(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    frame = frame.copy()
    for col in schema.columns:
        if col.type == "date":
            frame[col.name] = pd.to_datetime(frame[col.name]).dt.strftime("%Y-%m-%d")
        elif col.type == "str":
            frame[col.name] = frame[col.name].astype(object).where(frame[col.name].notna(), None)
    return frame


def _parse_series_csv(payload: bytes, *, origin: str) -> pd.DataFrame:
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{origin}: not UTF-8 text") from None
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{origin}: not a readable CSV file ({exc})") from None
    columns = [str(c).strip().lower() for c in raw.columns]
    if columns != ["date", "value"]:
        raise DataError(
            f"{origin}: expected exactly the columns date,value; found {','.join(columns) or 'none'}"
        )
    raw.columns = pd.Index(["date", "value"])
    if raw.empty:
        raise DataError(f"{origin}: no rows after the header")
    dates = pd.to_datetime(raw["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(dates.isna().to_numpy().nonzero()[0][0])
        raise DataError(
            f"{origin}: row {row + 2}: expected an ISO date YYYY-MM-DD, found {raw['date'].iloc[row]!r}"
        )
    values = pd.to_numeric(raw["value"].str.strip(), errors="coerce")
    finite = values.map(lambda v: not pd.isna(v) and math.isfinite(v))
    if not finite.all():
        row = int((~finite).to_numpy().nonzero()[0][0])
        raise DataError(
            f"{origin}: row {row + 2}: expected a finite number, found {raw['value'].iloc[row]!r}"
        )
    if dates.duplicated().any():
        row = int(dates.duplicated().to_numpy().nonzero()[0][0])
        raise DataError(f"{origin}: row {row + 2}: date {raw['date'].iloc[row]} appears twice")
    frame = pd.DataFrame({"date": dates.astype("datetime64[ns]"), "value": values.astype(float)})
    return frame.sort_values("date").reset_index(drop=True)
