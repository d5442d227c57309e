"""The DuckDB store: creation, round trips, vintages, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubblewatch.data import SHIPPED_TABLES, load_table, read_csv_text
from bubblewatch.data.schema import SCHEMAS
from bubblewatch.errors import DataError, InputPathError, SpecificationError
from bubblewatch.store import LOCK_FILE, STORE_FILE, Store


def _curated(store: Store, name: str) -> pd.DataFrame:
    """A curated table as the store reads it, without the ``published`` column it adds."""
    return store.read(name)[list(SCHEMAS[name].column_names)]


def test_first_use_creates_the_store_from_the_snapshot(home: Path) -> None:
    assert not home.exists()
    with Store.open() as store:
        assert (home / STORE_FILE).exists()
        for name in SHIPPED_TABLES:
            pd.testing.assert_frame_equal(
                _curated(store, name), load_table(name), check_dtype=False
            )
        assert store.verify().ok
    assert {p.name for p in home.iterdir()} == {STORE_FILE, LOCK_FILE}


def test_export_then_parse_round_trips_every_table(built_store: Path) -> None:
    with Store.open(built_store) as store:
        for name in SHIPPED_TABLES:
            text = store.export_csv(name)
            again = read_csv_text(text, SCHEMAS[name], origin=name)
            pd.testing.assert_frame_equal(again, _curated(store, name), check_dtype=False)


def test_reopening_does_not_add_a_vintage(home: Path) -> None:
    with Store.open() as store:
        first = store.vintages()
    with Store.open() as store:
        assert store.vintages().equals(first)


def test_a_new_snapshot_is_added_as_a_vintage_not_an_overwrite(home: Path) -> None:
    with Store.open() as store:
        v1 = store.data_vintage().snapshot_vintage_id
        v2 = store.load_snapshot()
        assert v2 == v1 + 1
        assert set(store.vintages()["vintage_id"]) == {v1, v2}
        assert len(store.read("deals")) == len(load_table("deals"))


def test_a_newer_snapshot_with_added_columns_loads_into_an_older_store(home: Path) -> None:
    """A store built before a table gained a column (here ``debt.sponsor``) takes the newer
    snapshot as a new vintage: the column is added, older rows leave it empty."""
    with Store.open() as store, store._writing() as con:
        con.execute('ALTER TABLE debt DROP COLUMN "sponsor"')
        con.execute("UPDATE bw_vintages SET fingerprint = 'older'")
    with Store.open() as store:
        assert len(store.vintages()["vintage_id"].unique()) == 2
        pd.testing.assert_frame_equal(
            _curated(store, "debt"), load_table("debt"), check_dtype=False
        )


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_import_adds_vintages_and_reads_the_latest(home: Path, tmp_path: Path) -> None:
    a = _write(tmp_path / "a.csv", "date,value\n2024-01-31,1.5\n2024-02-29,2.5\n")
    b = _write(tmp_path / "b.csv", "date,value\n2024-01-31,10\n")
    with Store.open() as store:
        r1 = store.import_series(a, "capex_idx", "index")
        r2 = store.import_series(b, "capex_idx", "index")
        assert r2.vintage_id > r1.vintage_id
        series = store.read("series")
        assert series["value"].tolist() == [10.0]
        sources = store.read("sources")
        assert f"user_capex_idx_v{r2.vintage_id}" in set(sources["source_id"])
        assert store.verify().ok


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("when,value\n2024-01-01,1\n", "expected exactly the columns date,value"),
        ("date,value\n2024-13-01,1\n", "expected an ISO date"),
        ("date,value\n2024-01-01,abc\n", "expected a finite number"),
        ("date,value\n2024-01-01,inf\n", "expected a finite number"),
        ("date,value\n2024-01-01,1\n2024-01-01,2\n", "appears twice"),
        ("date,value\n", "no rows"),
        ('date,value\n"2024-01-01,1\n', "not a readable CSV"),
    ],
)
def test_import_rejects_malformed_csv_and_leaves_the_store_unchanged(
    home: Path, tmp_path: Path, content: str, message: str
) -> None:
    bad = _write(tmp_path / "bad.csv", content)
    with Store.open() as store:
        before = store.vintages()
        with pytest.raises(DataError, match=message):
            store.import_series(bad, "x")
        assert store.vintages().equals(before)


def test_import_rejects_unknown_unit_bad_name_and_missing_file(home: Path, tmp_path: Path) -> None:
    good = _write(tmp_path / "g.csv", "date,value\n2024-01-01,1\n")
    with Store.open() as store:
        with pytest.raises(DataError, match="unknown unit"):
            store.import_series(good, "x", "furlongs")
        with pytest.raises(SpecificationError, match="series name"):
            store.import_series(good, "Bad Name")
        with pytest.raises(InputPathError, match="cannot read"):
            store.import_series(tmp_path / "missing.csv", "x")
        with pytest.raises(SpecificationError, match="unknown table"):
            store.read("nope")


_KILL_DURING_WRITE = """
import os, signal, sys
import bubblewatch.store as st
from bubblewatch.store import Store

target = sys.argv[1]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
with Store.open() as store:
    original = store._insert
    def insert_then_die(con, schema, frame, vintage):
        original(con, schema, frame, vintage)   # rows are written inside the transaction ...
        die()                                   # ... and the process dies before COMMIT
    store._insert = insert_then_die
    if target == "import":
        store.import_series(sys.argv[2], "killed")
    else:
        store.load_snapshot()
"""


@pytest.mark.parametrize("target", ["import", "snapshot"])
def test_kill_during_write_keeps_the_previous_vintage(
    home: Path, tmp_path: Path, target: str
) -> None:
    with Store.open() as store:
        before = store.vintages()
        deals = store.read("deals")
    csv_path = _write(tmp_path / "s.csv", "date,value\n2024-01-01,1\n2024-02-01,2\n")
    script = tmp_path / "kill.py"
    script.write_text(_KILL_DURING_WRITE, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), target, str(csv_path)],
        env={**os.environ, "BUBBLEWATCH_HOME": str(home)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL
    with Store.open() as store:
        assert store.vintages().equals(before)
        assert store.read("series").empty
        pd.testing.assert_frame_equal(store.read("deals"), deals)
        assert store.verify().ok


_KILL_DURING_CREATE = """
import os, signal
import bubblewatch.store as st
original = st.Store.load_snapshot
def die(self):
    original(self)
    os.kill(os.getpid(), signal.SIGKILL)
st.Store.load_snapshot = die
st.Store.open()
"""


def test_kill_during_first_creation_leaves_no_store(home: Path, tmp_path: Path) -> None:
    script = tmp_path / "create.py"
    script.write_text(_KILL_DURING_CREATE, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "BUBBLEWATCH_HOME": str(home)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL
    assert not (home / STORE_FILE).exists()
    with Store.open() as store:  # the next open builds a complete store
        assert store.verify().ok
    assert {p.name for p in home.iterdir()} == {STORE_FILE, LOCK_FILE}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.dates(
            min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-12-31").date()
        ),
        st.floats(allow_nan=False, allow_infinity=False, width=64),
        min_size=1,
        max_size=30,
    )
)
def test_import_round_trips_any_series_exactly(
    built_store: Path, tmp_path: Path, points: dict
) -> None:  # type: ignore[type-arg]
    lines = ["date,value"] + [f"{d.isoformat()},{v!r}" for d, v in points.items()]
    path = tmp_path / "h.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(built_store) as store:
        store.import_series(path, "prop")
        got = store.read("series")
    got = got.loc[got["name"] == "prop"]
    want = sorted(points.items())
    assert [d.date() for d in got["date"]] == [d for d, _ in want]
    assert got["value"].tolist() == [v for _, v in want]


# -- live tables, publication dates, changes ---------------------------------------------------
def _prices(ticker: str, closes: dict[str, float], *, provider: str = "stooq") -> pd.DataFrame:
    dates = pd.to_datetime(list(closes)).astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": dates,
            "close": list(closes.values()),
            "adjustment": "none",
            "provider": provider,
            "url": f"https://stooq.example/q/d/l/?s={ticker.lower()}.us",
            "retrieved": "2026-12-02T10:00:00Z",
            "published": dates,
        }
    )


def _fred(series_id: str, rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    """``rows``: (date, value, realtime_start) triples."""
    return pd.DataFrame(
        {
            "series_id": series_id,
            "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
            "value": [r[1] for r in rows],
            "realtime_start": pd.to_datetime([r[2] for r in rows]).astype("datetime64[ns]"),
            "realtime_end": pd.Timestamp("2026-12-02"),
            "provider": "fred",
            "url": "https://api.stlouisfed.org/fred/series/observations?api_key=REDACTED",
            "retrieved": "2026-12-02T10:00:00Z",
            "published": pd.to_datetime([r[2] for r in rows]).astype("datetime64[ns]"),
        }
    )


def test_live_tables_start_empty_and_are_listed(home: Path) -> None:
    from bubblewatch.data.live_schema import LIVE_SCHEMAS

    with Store.open() as store:
        infos = {i.name: i for i in store.tables()}
        for name, schema in LIVE_SCHEMAS.items():
            frame = store.read(name)
            assert frame.empty and list(frame.columns) == list(schema.column_names)
            assert infos[name].rows == 0 and infos[name].vintage_id is None


def test_write_live_adds_vintages_and_reads_the_latest_of_each_partition(home: Path) -> None:
    with Store.open() as store:
        v1 = store.write_live(
            {
                "prices": pd.concat(
                    [
                        _prices("NVDA", {"2026-11-27": 100.0, "2026-11-28": 101.0}),
                        _prices("MSFT", {"2026-11-28": 400.0}),
                    ]
                )
            },
            origin="prices",
        )
        v2 = store.write_live({"prices": _prices("NVDA", {"2026-11-28": 102.0})}, origin="prices")
        assert v2 == v1 + 1
        prices = store.read("prices")
        # NVDA from its latest vintage only, MSFT still from the first load
        assert sorted(zip(prices["ticker"], prices["close"], strict=True)) == [
            ("MSFT", 400.0),
            ("NVDA", 102.0),
        ]
        info = next(i for i in store.tables() if i.name == "prices")
        assert (info.rows, info.vintage_id, info.origin) == (2, v2, "prices")
        history = store.vintages()
        assert set(history.loc[history["table_name"] == "prices", "vintage_id"]) == {v1, v2}
        # the earlier vintage stays in the store
        kept = store._db.execute(
            "SELECT count(*) FROM prices WHERE vintage_id = ?", [v1]
        ).fetchone()
        assert kept == (3,)
    with Store.open() as store:  # a new process-level open reads the same
        assert len(store.read("prices")) == 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.drop(columns="url"), "missing columns url"),
        (lambda f: f.assign(close="abc"), "expected a number"),
        (lambda f: f.assign(ticker=None), "a value is required"),
        (lambda f: f.assign(adjustment="weird"), "expected one of"),
        (lambda f: pd.concat([f, f]), "repeats the key"),
    ],
)
def test_a_bad_live_frame_writes_nothing(home: Path, mutate: object, message: str) -> None:
    good = _prices("MSFT", {"2026-11-28": 400.0})
    fred = _fred("DGS10", [("2026-11-27", 4.1, "2026-11-28")])
    with Store.open() as store:
        before = store.vintages()
        with pytest.raises(DataError, match=message):
            store.write_live(
                {"fred_observations": fred, "prices": mutate(good)},  # type: ignore[operator]
                origin="prices",
            )
        assert store.vintages().equals(before)
        assert store.read("fred_observations").empty and store.read("prices").empty
        with pytest.raises(SpecificationError, match="not a live table"):
            store.write_live({"deals": good}, origin="x")


def test_every_table_has_a_publication_date(home: Path, tmp_path: Path) -> None:
    csv_path = _write(tmp_path / "s.csv", "date,value\n2024-01-01,1\n")
    with Store.open() as store:
        store.import_series(csv_path, "mine")
        sources = store.read("sources").set_index("source_id")["published"]
        for name in SCHEMAS:
            frame = store.read(name)
            assert frame["published"].dtype == "datetime64[ns]", name
            if name == "market":
                assert frame["published"].equals(frame["date"])
            elif name != "sources":
                want = frame["source_id"].map(sources)
                assert frame["published"].equals(want.astype("datetime64[ns]")), name
        series = store.read("series")
        assert series["published"].iloc[0].date() == pd.Timestamp.now("UTC").date()
        # export keeps the table's own columns
        assert "published" not in store.export_csv("deals").splitlines()[0].split(",")


def test_as_of_keeps_rows_published_on_or_before_the_date(home: Path) -> None:
    with Store.open() as store:
        deals = store.read("deals")
        cut = pd.Timestamp("2025-06-30")
        early = store.read("deals", as_of=cut.date())
        assert 0 < len(early) < len(deals)
        assert (early["published"] <= cut).all()
        assert set(early["deal_id"]) == set(deals.loc[deals["published"] <= cut, "deal_id"])
        market = store.read("market", as_of=cut.date())
        assert market["date"].max() <= cut


def test_as_of_on_a_live_table_takes_the_version_published_last(home: Path) -> None:
    with Store.open() as store:
        # GDP for 2026Q2, first released in July, revised in August and again in September
        store.write_live(
            {
                "fred_observations": _fred(
                    "GDP",
                    [("2026-04-01", 100.0, "2026-07-30"), ("2026-04-01", 101.0, "2026-08-28")],
                )
            },
            origin="fred",
        )
        store.write_live(
            {
                "fred_observations": _fred(
                    "GDP",
                    [
                        ("2026-04-01", 100.0, "2026-07-30"),
                        ("2026-04-01", 101.0, "2026-08-28"),
                        ("2026-04-01", 102.5, "2026-09-25"),
                    ],
                )
            },
            origin="fred",
        )
        assert len(store.read("fred_observations")) == 3  # every version of the latest load
        for day, want in (
            ("2026-07-29", []),
            ("2026-08-01", [100.0]),
            ("2026-09-01", [101.0]),
            ("2026-12-01", [102.5]),
        ):
            got = store.read("fred_observations", as_of=pd.Timestamp(day).date())
            assert got["value"].tolist() == want, day


def test_changes_lists_the_figures_that_moved(home: Path, tmp_path: Path) -> None:
    with Store.open() as store:
        assert store.changes().empty  # one load of each table: nothing to compare
        v1 = store.write_live(
            {
                "prices": pd.concat(
                    [
                        _prices("NVDA", {"2026-11-27": 100.0, "2026-11-28": 101.0}),
                        _prices("MSFT", {"2026-11-28": 400.0}),
                    ]
                )
            },
            origin="prices",
        )
        v2 = store.write_live(
            {"prices": _prices("NVDA", {"2026-11-28": 101.5, "2026-11-29": 103.0})},
            origin="prices",
        )
        moved = store.changes()
        rows = {(r.key.split(", ")[1], r.status): r for r in moved.itertuples()}
        assert set(moved["table"]) == {"prices"}
        changed = rows[("date=2026-11-28", "changed")]
        assert (changed.field, changed.old, changed.new) == ("close", 101.0, 101.5)
        assert (changed.old_vintage, changed.new_vintage) == (v1, v2)
        assert rows[("date=2026-11-27", "removed")].old == 100.0
        assert rows[("date=2026-11-29", "added")].new == 103.0
        assert len(moved) == 3  # MSFT did not move
        since = store.changes(since=v1)
        assert len(since) == 3
        with pytest.raises(SpecificationError, match="unknown vintage 99"):
            store.changes(since=99)
        # the import of a series shows up too
        store.import_series(_write(tmp_path / "a.csv", "date,value\n2024-01-01,1\n"), "mine")
        store.import_series(_write(tmp_path / "b.csv", "date,value\n2024-01-01,2\n"), "mine")
        series = store.changes().query("table == 'series'")
        assert series[["field", "old", "new", "status"]].values.tolist() == [
            ["value", 1.0, 2.0, "changed"]
        ]
