"""The DuckDB store: the shipped snapshot, users' series and the live tables, with vintages.

The store lives in one DuckDB file under :func:`bubblewatch.paths.data_home`. It is created from
the shipped snapshot on first use. Every write adds a *vintage*: a refresh, an import or a live
load adds rows and never overwrites earlier vintages. Reads return the latest vintage of each
table (of each series for imported series, of each partition for live tables).

Many processes can read at once and a writer never waits for readers. DuckDB lets one file be
opened either by one read-write process or by many read-only ones
(https://duckdb.org/docs/connect/concurrency), so the store is written copy-on-write, one
*generation* at a time:

- readers attach the current ``store.duckdb`` read-only and never block each other;
- a writer takes the exclusive lock ``store.lock`` (waiting at most ``BUBBLEWATCH_STORE_WAIT``
  seconds, default 10, then failing with :class:`~bubblewatch.errors.StoreBusyError` naming the
  holder recorded in ``store.lock.json``), copies the file to a temporary file beside it, applies
  one transaction there, checkpoints, fsyncs and atomically renames it over ``store.duckdb``;
- a reader that opened the previous generation keeps reading it until it closes (POSIX keeps a
  renamed-over file alive while it is open), new opens see the new generation;
- a writer killed mid-write leaves only its temporary file, which the next writer deletes.

Every row read from the store carries ``published``, the date its figure became public, so that
"as known on D" is a filter on publication (``Store.read(name, as_of=D)``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd
from filelock import FileLock, Timeout

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
from bubblewatch.data.live_schema import ADJUSTMENTS, LIVE_SCHEMAS, PARTITIONS
from bubblewatch.data.loaders import coerce
from bubblewatch.data.schema import Column
from bubblewatch.data.series_csv import parse_series_csv
from bubblewatch.errors import (
    DataError,
    InputPathError,
    SpecificationError,
    StoreBusyError,
    StoreError,
)
from bubblewatch.paths import data_home

STORE_FILE = "store.duckdb"
LOCK_FILE = "store.lock"
HOLDER_FILE = "store.lock.json"
WAIT_ENV = "BUBBLEWATCH_STORE_WAIT"
DEFAULT_WAIT_S = 10.0

#: Every table the store serves: the curated tables of :data:`~bubblewatch.data.SCHEMAS` and
#: the live tables of :data:`~bubblewatch.data.live_schema.LIVE_SCHEMAS`. The live tables are
#: kept out of ``SCHEMAS`` because the report, the claims and ``data verify`` iterate it.
STORE_SCHEMAS: dict[str, TableSchema] = {**SCHEMAS, **LIVE_SCHEMAS}

#: Columns that say where and when a row came from, not what it measures.
PROVENANCE_COLUMNS: frozenset[str] = frozenset(
    {"source_id", "provider", "url", "retrieved", "published"}
)

#: Key columns of a live table that name a *version* of a figure rather than the figure: an
#: "as of" read keeps, per figure, the version published last on or before the date.
_VERSION_COLUMNS: dict[str, tuple[str, ...]] = {
    "sec_facts": ("accn", "frame"),
    "sec_metrics": ("accn",),
    "fred_observations": ("realtime_start",),
    "bea_nipa": ("published",),
    "prices": (),
}

_PUBLISHED = Column("published", "date", required=False)
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
    provider_loads: tuple[tuple[str, int, str], ...] = ()
    """The latest load of each provider since the snapshot: (provider, vintage, loaded at)."""

    def to_dict(self) -> dict[str, object]:
        return {
            "snapshot_version": self.snapshot_version,
            "snapshot_date": self.snapshot_date,
            "fingerprint": self.fingerprint,
            "snapshot_vintage_id": self.snapshot_vintage_id,
            "loaded_at": self.loaded_at,
            "imported_series": self.imported_series,
            "provider_loads": [
                {"provider": p, "vintage_id": v, "loaded_at": at}
                for p, v, at in self.provider_loads
            ],
        }

    def describe(self) -> str:
        text = (
            f"dataset {self.snapshot_version} (assembled {self.snapshot_date}, "
            f"fingerprint {self.fingerprint}), store vintage {self.snapshot_vintage_id} "
            f"loaded {self.loaded_at}"
        )
        if self.provider_loads:
            text += "; updated from " + ", ".join(
                f"{p} (vintage {v}, {at})" for p, v, at in self.provider_loads
            )
        return text


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


class _UnchangedError(Exception):
    """Raised inside a write that turned out to have nothing to write: no new generation."""


class Store:
    """The DuckDB store at ``home`` (default: :func:`~bubblewatch.paths.data_home`).

    Use as a context manager::

        with Store.open() as store:
            deals = store.read("deals")

    The store reads one generation of the file, read-only; its own writes make a new
    generation, which it then reads. Other :class:`Store` objects keep the generation they
    opened until they write or are reopened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con: duckdb.DuckDBPyConnection | None = None
        self._writer: duckdb.DuckDBPyConnection | None = None
        self._sources: pd.DataFrame | None = None

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, home: Path | str | None = None) -> Store:
        """Open the store, creating it from the shipped snapshot on first use.

        Loads the shipped snapshot as a new vintage when the package carries a newer one; if
        another process is writing at that moment, reads the current generation instead.

        Raises
        ------
        StoreBusyError
            If the store must be created and another process held the writer lock longer
            than the wait.
        StoreError
            If the data directory or the store cannot be opened.
        """
        root = Path(home) if home is not None else data_home()
        path = root / STORE_FILE
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {root}: {exc.strerror}") from None
        store = cls(path)
        try:
            if not path.exists():
                with store._writing():
                    if not store._ensure_snapshot():
                        raise _UnchangedError
            else:
                store._connect()
                if not store._snapshot_current():
                    with contextlib.suppress(StoreBusyError), store._writing(wait=0.0):
                        if not store._ensure_snapshot():
                            raise _UnchangedError
        except BaseException:
            store.close()
            raise
        return store

    def _connect(self) -> None:
        """(Re)attach the current generation read-only."""
        if self._con is not None:
            self._con.close()
            self._con = None
        self._sources = None
        self._con = _connect_read_only(self.path)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def _db(self) -> duckdb.DuckDBPyConnection:
        """The connection reads go to: the write in progress, else the generation read."""
        if self._writer is not None:
            return self._writer
        if self._con is None:
            raise StoreError(f"the store at {self.path} is closed")
        return self._con

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write: a new generation of the store file, built from the current one.

        Takes the writer lock (waiting ``wait`` seconds, default :func:`store_wait`), copies
        the current file to a temporary file, yields a read-write connection to it inside one
        transaction, and on success checkpoints, fsyncs and renames it over the store file;
        then this object reads the new generation. On any error the temporary file is deleted
        and the store is as it was. A write inside a write joins the outer one.
        """
        if self._writer is not None:
            yield self._writer
            return
        with _writer_lock(self.path, store_wait() if wait is None else wait):
            _remove_temporary_files(self.path)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            replaced = False
            try:
                try:
                    if self.path.exists():
                        shutil.copyfile(self.path, tmp)
                        wal = self.path.with_name(self.path.name + ".wal")
                        if wal.exists():
                            shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))
                except OSError as exc:
                    raise StoreError(f"cannot copy the store at {self.path}: {exc}") from None
                try:
                    con = duckdb.connect(str(tmp))
                except duckdb.Error as exc:
                    raise StoreError(f"cannot write the store at {self.path}: {exc}") from None
                self._writer = con
                self._sources = None
                try:
                    for stmt in _META_DDL:
                        con.execute(stmt)
                    con.execute("BEGIN TRANSACTION")
                    try:
                        yield con
                    except BaseException:
                        con.execute("ROLLBACK")
                        raise
                    con.execute("COMMIT")
                    con.execute("CHECKPOINT")
                except _UnchangedError:
                    pass
                except duckdb.Error as exc:
                    raise StoreError(f"cannot write the store at {self.path}: {exc}") from None
                else:
                    replaced = True
                finally:
                    self._writer = None
                    self._sources = None
                    con.close()
                if replaced:
                    try:
                        _fsync(tmp)
                        tmp.replace(self.path)
                        _fsync(self.path.parent)
                    except OSError as exc:
                        raise StoreError(
                            f"cannot replace the store at {self.path}: {exc}"
                        ) from None
            finally:
                for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
                    stale.unlink(missing_ok=True)
        if replaced or self._con is None:
            self._connect()

    def _next_vintage(self, con: duckdb.DuckDBPyConnection) -> int:
        row = con.execute(
            "SELECT coalesce(max(v), 0) FROM (SELECT max(vintage_id) v FROM bw_vintages "
            "UNION ALL SELECT max(vintage_id) FROM bw_imports)"
        ).fetchone()
        return int(row[0]) + 1 if row else 1

    def _snapshot_current(self) -> bool:
        if not self._has_table("bw_vintages"):
            return False
        current = self._db.execute(
            "SELECT fingerprint FROM bw_vintages WHERE origin = 'snapshot' "
            "ORDER BY vintage_id DESC LIMIT 1"
        ).fetchone()
        return current is not None and current[0] == snapshot_info().fingerprint

    def _ensure_snapshot(self) -> bool:
        """Inside a write: load the shipped snapshot unless the store holds it; True if loaded."""
        if self._snapshot_current():
            return False
        self.load_snapshot()
        return True

    def load_snapshot(self) -> int:
        """Load every shipped table as one new vintage (one write); return its id."""
        info = snapshot_info()
        frames = {name: load_table(name) for name in SHIPPED_TABLES}
        with self._writing() as con:
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
        StoreBusyError
            If another process kept the store busy for longer than the wait.
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
        with self._writing() as con:
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

    def write_live(
        self,
        frames: Mapping[str, pd.DataFrame],
        *,
        origin: str,
        curated: Mapping[str, pd.DataFrame] | None = None,
    ) -> int:
        """Store one provider's load of live tables as one new vintage; return its id.

        ``frames`` maps live-table names (:data:`~bubblewatch.data.live_schema.LIVE_SCHEMAS`)
        to rows with exactly the schema's columns; ``origin`` names the provider (``"sec"``).
        ``curated`` carries whole new versions of curated tables the provider extends
        (``financials``, ``market``, ``sources``) into the same vintage; they are checked as
        ``data verify`` checks the snapshot, and written only if every check passes.
        Every frame is validated before anything is written: one write, one vintage, recorded
        per table in ``bw_vintages``. Each partition a frame holds (one company, one series, one
        ticker: :data:`~bubblewatch.data.live_schema.PARTITIONS`) then reads from this vintage;
        earlier vintages stay in the store.

        Raises
        ------
        SpecificationError
            If a name is not a live table, ``frames`` is empty or ``origin`` is blank.
        DataError
            If a frame lacks a column, a value does not parse as its type, a required value is
            missing, an adjustment is unknown or a key repeats. Nothing is written.
        StoreBusyError
            If another process kept the store busy for longer than the wait.
        """
        if not origin.strip():
            raise SpecificationError("a live load needs an origin (the provider's name)")
        if not frames:
            raise SpecificationError("a live load needs at least one table")
        unknown = [n for n in curated or {} if n not in SHIPPED_TABLES]
        if unknown:
            raise SpecificationError(f"{unknown[0]!r} is not a curated table")
        typed = {name: _validate_live(name, frame, origin) for name, frame in frames.items()}
        typed.update(self._validate_curated(curated or {}, origin))
        with self._writing() as con:
            vintage = self._next_vintage(con)
            loaded_at = _now()
            for name, frame in typed.items():
                schema = STORE_SCHEMAS[name]
                self._insert(con, schema, frame, vintage)
                digest = hashlib.sha256(frame_to_csv(frame, schema).encode()).hexdigest()[:16]
                con.execute(
                    "INSERT INTO bw_vintages VALUES (?, ?, ?, ?, ?, ?)",
                    [vintage, name, origin, digest, len(frame), loaded_at],
                )
        return vintage

    def _validate_curated(
        self, frames: Mapping[str, pd.DataFrame], origin: str
    ) -> dict[str, pd.DataFrame]:
        """Whole curated tables a provider carries forward, checked as ``data verify`` checks
        the snapshot (every row sourced, units known, keys unique) before anything is written."""
        if not frames:
            return {}
        typed = {
            name: coerce(
                _dates_to_text(frame[list(SCHEMAS[name].column_names)], SCHEMAS[name]),
                SCHEMAS[name],
                origin=f"{origin} load of {name}",
            )
            for name, frame in frames.items()
        }
        tables = {
            name: typed.get(name, self._curated(name, None).drop(columns="vintage_id"))
            for name in SHIPPED_TABLES
        }
        result = verify_tables(tables)
        if not result.ok:
            first = result.problems[0]
            raise DataError(
                f"{origin} load: the curated tables would not verify: "
                f"{first.table}[{first.row}] {first.check}: {first.message}"
            )
        return typed

    # -- reading ---------------------------------------------------------------------------
    def _has_table(self, name: str) -> bool:
        row = self._db.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(row and row[0])

    def read(self, name: str, *, as_of: date | None = None) -> pd.DataFrame:
        """Table ``name`` as a typed DataFrame: its latest vintage, with a ``published`` column.

        ``published`` is the date each row's figure became public. Live tables and ``sources``
        carry it as a column of their own. Curated tables get it here: a ``market`` close is
        public on its trading ``date``; any other row takes the ``published`` date of the
        source its ``source_id`` names (for imported ``series``, the import date); a row whose
        source does not resolve has none. ``published`` comes after the schema's columns and
        is not part of :meth:`export_csv`.

        With ``as_of``, keeps the rows published on or before that date; in a live table,
        where one figure has several versions (filings, real-time periods, releases, reloads
        of a partition), every stored vintage counts and the version published last on or
        before ``as_of`` is kept for each figure.

        Raises
        ------
        SpecificationError
            If ``name`` is not a table of the store.
        """
        if name not in STORE_SCHEMAS:
            known = ", ".join(sorted(STORE_SCHEMAS))
            raise SpecificationError(f"unknown table {name!r}; expected one of: {known}")
        if name in LIVE_SCHEMAS:
            return self._read_live(name, as_of)
        frame = self._curated(name, None).drop(columns="vintage_id")
        if name != "sources":
            if name == "market":
                frame["published"] = frame["date"]
            else:
                sources = self._sources_frame()
                published = sources.drop_duplicates("source_id").set_index("source_id")
                frame["published"] = frame["source_id"].map(published["published"])
            frame["published"] = pd.to_datetime(frame["published"]).astype("datetime64[ns]")
        if as_of is not None:
            keep = frame["published"] <= pd.Timestamp(as_of)
            frame = frame.loc[keep.to_numpy(dtype=bool)].reset_index(drop=True)
        return frame

    def _sources_frame(self) -> pd.DataFrame:
        if self._sources is None or self._writer is not None:
            self._sources = self._curated("sources", None)
        return self._sources

    def _curated(self, name: str, upto: int | None) -> pd.DataFrame:
        """The rows of curated table ``name`` at vintage ``upto`` (default: now), with their
        ``vintage_id``."""
        schema = SCHEMAS[name]
        cols = ", ".join(f't."{c}"' for c in schema.column_names)
        limit = "" if upto is None else f" AND vintage_id <= {int(upto)}"
        if name == "series":
            if not self._has_table("series"):
                frame = pd.DataFrame({c: [] for c in [*schema.column_names, "vintage_id"]})
            else:
                frame = self._db.execute(
                    f"SELECT {cols}, t.vintage_id FROM series t JOIN (SELECT name, "
                    f"max(vintage_id) v FROM bw_imports WHERE true{limit} GROUP BY name) l "
                    "ON t.name = l.name AND t.vintage_id = l.v ORDER BY t.name, t.date"
                ).df()
        elif not self._has_table(name):
            frame = pd.DataFrame({c: [] for c in [*schema.column_names, "vintage_id"]})
        else:
            frame = self._db.execute(
                f'SELECT {cols}, t.vintage_id FROM "{name}" t WHERE t.vintage_id = '
                f"(SELECT max(vintage_id) FROM bw_vintages WHERE table_name = ?{limit}) "
                "ORDER BY rowid",
                [name],
            ).df()
        vintages = frame["vintage_id"].astype("Int64")
        typed = coerce(_dates_to_text(frame, schema), schema, origin=f"store table {name}")
        typed["vintage_id"] = vintages.array
        if name == "sources":
            imports = self._import_sources(upto)
            if len(imports):
                typed = pd.concat([typed, imports], ignore_index=True)
        return typed

    def _read_live(self, name: str, as_of: date | None) -> pd.DataFrame:
        frame = self._live(name, None, every_vintage=as_of is not None)
        if as_of is not None:
            frame = frame.loc[(frame["published"] <= pd.Timestamp(as_of)).to_numpy(dtype=bool)]
            schema = LIVE_SCHEMAS[name]
            figure = [k for k in schema.key if k not in _VERSION_COLUMNS[name]]
            order = frame.sort_values(["published", "vintage_id"], kind="stable")
            latest = order.drop_duplicates(figure, keep="last").index
            frame = frame.loc[frame.index.isin(latest)]
        return frame.drop(columns="vintage_id").reset_index(drop=True)

    def _live(self, name: str, upto: int | None, *, every_vintage: bool = False) -> pd.DataFrame:
        """Rows of live table ``name``: per partition, those of its latest vintage at ``upto``
        (default: now), or of every vintage; with their ``vintage_id``."""
        schema = LIVE_SCHEMAS[name]
        if not self._has_table(name):
            empty = pd.DataFrame({c: [] for c in schema.column_names})
            typed = coerce(_dates_to_text(empty, schema), schema, origin=f"store table {name}")
            typed["vintage_id"] = pd.Series([], dtype="Int64")
            return typed
        cols = ", ".join(f't."{c}"' for c in schema.column_names)
        upto_sql = "" if upto is None else f" WHERE vintage_id <= {int(upto)}"
        if every_vintage:
            sql = f'SELECT {cols}, t.vintage_id FROM "{name}" t{upto_sql}'
        else:
            parts = PARTITIONS[name]
            plist = ", ".join(f'"{p}"' for p in parts)
            on = " AND ".join(f't."{p}" IS NOT DISTINCT FROM l."{p}"' for p in parts)
            sql = (
                f'SELECT {cols}, t.vintage_id FROM "{name}" t JOIN (SELECT {plist}, '
                f'max(vintage_id) v FROM "{name}"{upto_sql} GROUP BY {plist}) l '
                f"ON {on} AND t.vintage_id = l.v"
            )
        frame = self._db.execute(sql + " ORDER BY t.vintage_id, t.rowid").df()
        vintages = frame["vintage_id"].astype("Int64")
        typed = coerce(_dates_to_text(frame, schema), schema, origin=f"store table {name}")
        typed["vintage_id"] = vintages.array
        return typed

    def _import_sources(self, upto: int | None = None) -> pd.DataFrame:
        limit = "" if upto is None else f" WHERE vintage_id <= {int(upto)}"
        rows = self._db.execute(
            "SELECT vintage_id, name, path, sha256, rows, imported_at FROM bw_imports"
            f"{limit} ORDER BY vintage_id"
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
        typed = coerce(frame, schema, origin="store imports")
        typed["vintage_id"] = pd.array([r[0] for r in rows], dtype="Int64")
        return typed

    def tables(self) -> list[TableInfo]:
        """Every table, curated and live, with its row count and the vintage it is read from."""
        out = []
        for name, schema in STORE_SCHEMAS.items():
            rows = len(self.read(name))
            if name == "series":
                meta = self._db.execute(
                    "SELECT vintage_id, imported_at, 'import' FROM bw_imports "
                    "ORDER BY vintage_id DESC LIMIT 1"
                ).fetchone()
            else:
                meta = self._db.execute(
                    "SELECT vintage_id, loaded_at, origin FROM bw_vintages WHERE table_name = ? "
                    "ORDER BY vintage_id DESC LIMIT 1",
                    [name],
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
        return self._db.execute(
            "SELECT vintage_id, table_name, origin, fingerprint, rows, loaded_at FROM bw_vintages "
            "UNION ALL SELECT vintage_id, 'series:' || name, 'import', sha256, rows, imported_at "
            "FROM bw_imports ORDER BY vintage_id DESC, table_name"
        ).df()

    def changes(self, since: int | None = None) -> pd.DataFrame:
        """The figures that moved between vintage ``since`` and now, table by table.

        Compares each table as it read at vintage ``since`` with how it reads now, row by row
        on the table's key. By default each table is compared with how it read just before its
        latest load (tables loaded once are left out: nothing earlier to compare with). Rows
        that changed give one row per non-key value column that differs (provenance columns
        ``source_id``, ``provider``, ``url``, ``retrieved`` and ``published`` are not
        compared); added and removed rows give one row per numeric value column (one with an
        empty ``field`` if the table has none).

        Returns columns ``table, key, field, old, new, old_vintage, new_vintage, status``;
        ``key`` reads ``"k1=v1, k2=v2"``; ``status`` is ``added``, ``removed`` or ``changed``.

        Raises
        ------
        SpecificationError
            If ``since`` is not a vintage of the store.
        """
        history = self.vintages()
        known = {int(v) for v in history["vintage_id"]}
        if since is not None and since not in known:
            span = f"{min(known)}..{max(known)}" if known else "none"
            raise SpecificationError(
                f"unknown vintage {since}; the store holds vintages {span} "
                "(see `bubblewatch data list`)"
            )
        records: list[dict[str, object]] = []
        for name, schema in STORE_SCHEMAS.items():
            label = history["table_name"].astype(str)
            mine = history.loc[
                label.str.startswith("series:") if name == "series" else label.eq(name),
                "vintage_id",
            ]
            loads = sorted({int(v) for v in mine})
            if not loads:
                continue
            if since is None:
                if len(loads) < 2:
                    continue
                before = loads[-1] - 1
            else:
                before = since
            if before >= loads[-1]:
                continue
            old = self._state(name, before)
            new = self._state(name, None)
            records.extend(_diff(name, schema, old, new))
        columns = ["table", "key", "field", "old", "new", "old_vintage", "new_vintage", "status"]
        frame = pd.DataFrame(records, columns=columns, dtype=object)
        for col in ("old_vintage", "new_vintage"):
            frame[col] = frame[col].astype("Int64")
        return frame

    def _state(self, name: str, upto: int | None) -> pd.DataFrame:
        if name in LIVE_SCHEMAS:
            return self._live(name, upto)
        return self._curated(name, upto)

    def data_vintage(self) -> DataVintage:
        """Identity of the data the store serves now."""
        info = snapshot_info()
        row = self._db.execute(
            "SELECT vintage_id, loaded_at, fingerprint FROM bw_vintages WHERE origin = 'snapshot' "
            "ORDER BY vintage_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise StoreError(f"the store at {self.path} holds no snapshot")
        imports = self._db.execute("SELECT count(DISTINCT name) FROM bw_imports").fetchone()
        loads = self._db.execute(
            "SELECT origin, max(vintage_id), max(loaded_at) FROM bw_vintages "
            "WHERE origin <> 'snapshot' AND vintage_id > ? GROUP BY origin ORDER BY 2",
            [int(row[0])],
        ).fetchall()
        return DataVintage(
            snapshot_version=info.version,
            snapshot_date=info.snapshot_date,
            fingerprint=str(row[2]),
            snapshot_vintage_id=int(row[0]),
            loaded_at=f"{row[1]:%Y-%m-%d %H:%M:%S} UTC",
            imported_series=int(imports[0]) if imports else 0,
            provider_loads=tuple(
                (str(o), int(v), f"{at:%Y-%m-%d %H:%M:%S} UTC") for o, v, at in loads
            ),
        )

    def verify(self) -> Verification:
        """Verify the curated tables: sources resolve, units are known, keys are unique."""
        return verify_tables(
            {name: self.read(name)[list(s.column_names)] for name, s in SCHEMAS.items()}
        )

    def export_csv(self, name: str) -> str:
        """The latest vintage of ``name`` as CSV text (the schema's columns, ISO dates,
        full-precision numbers); it parses back with the table's schema."""
        frame = self.read(name)
        return frame_to_csv(frame, STORE_SCHEMAS[name])


def display_schema(name: str) -> TableSchema:
    """The schema of table ``name`` as :meth:`Store.read` returns it: with ``published``."""
    schema = STORE_SCHEMAS[name]
    if "published" in schema.column_names:
        return schema
    return replace(schema, columns=(*schema.columns, _PUBLISHED))


def _validate_live(name: str, frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    if name not in LIVE_SCHEMAS:
        known = ", ".join(sorted(LIVE_SCHEMAS))
        raise SpecificationError(f"{name!r} is not a live table; expected one of: {known}")
    schema = LIVE_SCHEMAS[name]
    where = f"{origin} load of {name}"
    missing = [c for c in schema.column_names if c not in frame.columns]
    if missing:
        raise DataError(f"{where}: missing columns {', '.join(missing)}")
    typed = coerce(frame[list(schema.column_names)], schema, origin=where)
    for col in schema.columns:
        if col.required and typed[col.name].isna().any():
            row = int(typed[col.name].isna().to_numpy().nonzero()[0][0])
            raise DataError(f"{where}: column {col.name!r} row {row + 1}: a value is required")
    if name == "prices":
        bad = ~typed["adjustment"].isin(list(ADJUSTMENTS))
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(
                f"{where}: column 'adjustment' row {row + 1}: expected one of "
                f"{', '.join(sorted(ADJUSTMENTS))}, found {typed['adjustment'].iloc[row]!r}"
            )
    dup = typed.duplicated(list(schema.key))
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][0])
        raise DataError(f"{where}: row {row + 1} repeats the key {', '.join(schema.key)}")
    return typed


def _cell(value: object, kind: str) -> object:
    """A value as ``changes`` reports it: None, a float, or text (dates in ISO form)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if kind in ("float", "int"):
        return float(value)  # type: ignore[arg-type]
    return str(value)


def _diff(
    name: str, schema: TableSchema, old: pd.DataFrame, new: pd.DataFrame
) -> list[dict[str, object]]:
    key = list(schema.key)
    kinds = {c.name: c.type for c in schema.columns}
    fields = [
        c.name
        for c in schema.columns
        if c.name not in schema.key
        and c.name not in PROVENANCE_COLUMNS
        and c.type in ("float", "int", "str")
    ]
    figures = [f for f in fields if kinds[f] in ("float", "int")] or [""]
    old = old.drop_duplicates(key, keep="last")
    new = new.drop_duplicates(key, keep="last")
    both = old[[*key, *fields, "vintage_id"]].merge(
        new[[*key, *fields, "vintage_id"]],
        on=key,
        how="outer",
        suffixes=("_old", "_new"),
        indicator=True,
    )
    out: list[dict[str, object]] = []
    for rec in both.to_dict("records"):
        text = ", ".join(
            f"{k}={'' if (v := _cell(rec[k], kinds[k])) is None else _key_text(v)}" for k in key
        )
        base = {
            "table": name,
            "key": text,
            "old_vintage": None if rec["_merge"] == "right_only" else rec["vintage_id_old"],
            "new_vintage": None if rec["_merge"] == "left_only" else rec["vintage_id_new"],
        }
        if rec["_merge"] == "both":
            for f in fields:
                a, b = _cell(rec[f + "_old"], kinds[f]), _cell(rec[f + "_new"], kinds[f])
                if a != b:
                    out.append({**base, "field": f, "old": a, "new": b, "status": "changed"})
            continue
        status = "added" if rec["_merge"] == "right_only" else "removed"
        side = "_new" if status == "added" else "_old"
        for f in figures:
            value = _cell(rec[f + side], kinds[f]) if f else None
            out.append(
                {
                    **base,
                    "field": f,
                    "old": value if status == "removed" else None,
                    "new": value if status == "added" else None,
                    "status": status,
                }
            )
    return out


def _key_text(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# -- the writer lock and generations ---------------------------------------------------------
def store_wait() -> float:
    """Seconds a writer waits for another writer: ``BUBBLEWATCH_STORE_WAIT``, default 10."""
    text = os.environ.get(WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_WAIT_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise SpecificationError(f"{WAIT_ENV} must be a number of seconds >= 0, got {text!r}")
    return value


def _command_line(limit: int = 80) -> str:
    args = list(sys.argv) or ["python"]
    head = Path(args[0]).name
    if head in ("cli.py", "__main__.py") or "bubblewatch" in args[0]:
        head = "bubblewatch"
    text = " ".join([head, *args[1:]])
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextlib.contextmanager
def _writer_lock(path: Path, wait: float) -> Iterator[None]:
    """Hold the store's writer lock; record who holds it in ``store.lock.json``."""
    lock = FileLock(str(path.with_name(LOCK_FILE)), timeout=wait)
    holder = path.with_name(HOLDER_FILE)
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusyError(_busy_message(holder)) from None
    except OSError as exc:
        raise StoreError(f"cannot lock the store at {path}: {exc.strerror or exc}") from None
    try:
        record = {
            "pid": os.getpid(),
            "command": _command_line(),
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        staged = holder.with_name(f".{holder.name}.{os.getpid()}")
        staged.write_text(json.dumps(record), encoding="utf-8")
        staged.replace(holder)
        try:
            yield
        finally:
            holder.unlink(missing_ok=True)
    finally:
        lock.release()


def _busy_message(holder: Path) -> str:
    try:
        record = json.loads(holder.read_text(encoding="utf-8"))
        since = datetime.strptime(str(record["since"]), "%Y-%m-%dT%H:%M:%SZ")
        who = f"pid {int(record['pid'])} ({record['command']}) has been writing since {since:%H:%M:%S} UTC"
    except (OSError, ValueError, KeyError, TypeError):
        who = "another process is writing"
    return f"store is busy: {who}; try again when it finishes"


def _connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection reading the current generation of ``path`` read-only.

    The file is attached to a private in-memory database rather than opened with
    ``duckdb.connect(path, read_only=True)``: DuckDB caches one database instance per path
    and process, which would keep serving an old generation to later opens in this process.
    """
    con = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS bw (READ_ONLY)")
        con.execute("USE bw")
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
    return con


def _remove_temporary_files(path: Path) -> None:
    """Delete generations left half-built by writers that died (the caller holds the lock)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp*"):
        stale.unlink(missing_ok=True)
    for stale in path.parent.glob(f".{HOLDER_FILE}.*"):
        stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    """A user's ``date,value`` CSV as the ``series`` table's date and value columns."""
    series = parse_series_csv(payload, origin=origin, columns=("date", "value"))
    return pd.DataFrame({"date": series.index.to_numpy(), "value": series.to_numpy()})
