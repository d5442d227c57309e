"""BEA NIPA fetcher on responses BUILT from BEA's API documentation (tests/data/bea/README.md)."""

from __future__ import annotations

import copy
import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bubblewatch.data.live_schema import BEA_NIPA
from bubblewatch.errors import SourceError, SpecificationError
from bubblewatch.sources import bea, fred

HERE = Path(__file__).resolve().parent / "data" / "bea"
RETRIEVED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
URL = (
    "https://apps.bea.gov/api/data?UserID=REDACTED&method=GetData&datasetname=NIPA"
    "&TableName=T10105&Frequency=Q&Year=ALL&ResultFormat=json"
)


def _load(name: str) -> Any:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def latest() -> pd.DataFrame:
    return bea.data_frame(_load("T10105_Q_built.json"), "T10105", url=URL, retrieved=RETRIEVED)


def test_built_files_are_small() -> None:
    assert sum(p.stat().st_size for p in HERE.glob("*.json")) < 200_000
    assert "BUILT" in (HERE / "README.md").read_text(encoding="utf-8")


def test_built_response_parses(latest: pd.DataFrame) -> None:
    assert list(latest.columns) == [c.name for c in BEA_NIPA.columns]
    assert len(latest) == 10 * 5
    assert str(latest["line_number"].dtype) == "int64"
    assert str(latest["value"].dtype) == "float64"
    assert str(latest["published"].dtype) == "datetime64[ns]"
    # the release date stated in the note, not the production time
    assert set(latest["published"]) == {pd.Timestamp("2026-05-28")}
    assert set(latest["provider"]) == {"bea"}
    assert set(latest["unit"]) == {"Current Dollars: Level"}
    assert set(latest["unit_mult"]) == {6}
    gdp = latest.loc[(latest["line_number"] == 1) & (latest["time_period"] == "2026Q1")]
    assert gdp["series_code"].item() == "A191RC"
    assert gdp["line_description"].item() == "Gross domestic product"
    assert gdp["value"].item() == 31_819_500.0
    # no partial key duplicates: one row per line, period and release
    assert not latest.duplicated(list(BEA_NIPA.key)).any()


def _source_values(shared_data: Path, vintage: str) -> dict[tuple[int, str], float]:
    path = shared_data / "bea_nipa_tables_bsvars" / vintage / "Table1.1.5.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    periods = [f"{y}{q}" for y, q in zip(rows[3][2:], rows[4][2:], strict=True)]
    out = {}
    for row in rows[5:]:
        if row and row[0].strip().isdigit():
            for p, v in zip(periods, row[2:], strict=False):
                if v.strip():
                    out[(int(row[0]), p)] = float(v)
    return out


@pytest.mark.parametrize(
    ("name", "vintage", "published"),
    [
        ("T10105_Q_built.json", "vintage_2026-05-28", "2026-05-28"),
        ("T10105_Q_2026-03-13_built.json", "vintage_2026-03-13", "2026-03-13"),
    ],
)
def test_values_match_bea_table_downloads(
    shared_data: Path, name: str, vintage: str, published: str
) -> None:
    frame = bea.data_frame(_load(name), "T10105", url=URL, retrieved=RETRIEVED)
    source = _source_values(shared_data, vintage)
    for rec in frame.itertuples():
        assert rec.value == pytest.approx(source[(rec.line_number, rec.time_period)] * 1000)
    assert set(frame["published"]) == {pd.Timestamp(published)}


def test_two_releases_are_two_vintages(latest: pd.DataFrame) -> None:
    older = bea.data_frame(
        _load("T10105_Q_2026-03-13_built.json"), "T10105", url=URL, retrieved=RETRIEVED
    )
    both = pd.concat([older, latest], ignore_index=True)
    assert not both.duplicated(list(BEA_NIPA.key)).any()
    q4 = both.loc[(both["line_number"] == 1) & (both["time_period"] == "2025Q4")]
    assert len(q4) == 2 and q4["published"].nunique() == 2


def test_production_time_when_no_release_note() -> None:
    payload = _load("T10105_Q_built.json")
    payload["BEAAPI"]["Results"]["Notes"] = []
    payload["BEAAPI"]["Results"]["UTCProductionTime"] = "2026-06-02T14:05:11.393"
    frame = bea.data_frame(payload, "T10105", url=URL, retrieved=RETRIEVED)
    assert set(frame["published"]) == {pd.Timestamp("2026-06-02")}


def test_values_with_commas_and_suppression_marks() -> None:
    payload = _load("T10105_Q_built.json")
    data = payload["BEAAPI"]["Results"]["Data"]
    data[0]["DataValue"] = "---"
    data[1]["DataValue"] = "(NA)"
    data[2]["DataValue"] = "-1,234.5"
    frame = bea.data_frame(payload, "T10105", url=URL, retrieved=RETRIEVED)
    assert frame["value"].iloc[:2].isna().all()
    assert frame["value"].iloc[2] == -1234.5
    data[3]["DataValue"] = "n/a?"
    with pytest.raises(SourceError, match=r"^bea /api/data: Data row 3: DataValue"):
        bea.data_frame(payload, "T10105", url=URL, retrieved=RETRIEVED)


def test_error_body_raises_with_description() -> None:
    with pytest.raises(
        SourceError,
        match=r"^bea /api/data: BEA error 3: The UserID provided in the request is not valid\.",
    ):
        bea.data_frame(
            _load("error_invalid_userid_built.json"), "T10105", url=URL, retrieved=RETRIEVED
        )
    top = {"BEAAPI": {"Error": {"APIErrorCode": "1", "APIErrorDescription": "Invalid Request"}}}
    with pytest.raises(SourceError, match="BEA error 1: Invalid Request"):
        bea.data_frame(top, "T10105", url=URL, retrieved=RETRIEVED)


def test_schema_drift() -> None:
    payload = _load("T10105_Q_built.json")
    no_data = copy.deepcopy(payload)
    del no_data["BEAAPI"]["Results"]["Data"]
    with pytest.raises(SourceError, match=r"^bea /api/data: response has no field 'Data'"):
        bea.data_frame(no_data, "T10105", url=URL, retrieved=RETRIEVED)
    with pytest.raises(SourceError, match="no field 'BEAAPI'"):
        bea.data_frame({"beaapi": {}}, "T10105", url=URL, retrieved=RETRIEVED)
    renamed = copy.deepcopy(payload)
    row = renamed["BEAAPI"]["Results"]["Data"][4]
    row["Value"] = row.pop("DataValue")
    with pytest.raises(SourceError, match=r"Data row 4 has no field 'DataValue'"):
        bea.data_frame(renamed, "T10105", url=URL, retrieved=RETRIEVED)
    with pytest.raises(SourceError, match="not T10106"):
        bea.data_frame(payload, "T10106", url=URL, retrieved=RETRIEVED)


class _Fetched:
    def __init__(self, url: str, body: Any) -> None:
        self.url, self.retrieved, self._body = url, RETRIEVED, body

    def json(self) -> Any:
        return self._body


class _Client:
    def __init__(self, calls: list[dict[str, str]]) -> None:
        self.calls = calls

    def get(self, path: str, params: dict[str, str] | None = None) -> _Fetched:
        assert path == "/api/data"
        params = dict(params or {})
        self.calls.append(params)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return _Fetched(f"https://apps.bea.gov{path}?{query}", _load("T10105_Q_built.json"))


def test_fetch_needs_key(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, str]] = []
    monkeypatch.delenv("BEA_API_KEY", raising=False)
    assert bea.needs_key()
    assert bea.fetch(bea.BeaQuery(), lambda p: _Client(calls)) == {}
    assert calls == []
    monkeypatch.setenv("BEA_API_KEY", "SECRET-KEY-0123")
    assert not bea.needs_key()
    out = bea.fetch(bea.BeaQuery(tables=("T10105",)), lambda p: _Client(calls))
    frame = out["bea_nipa"]
    assert len(frame) == 50
    assert calls[0]["UserID"] == "SECRET-KEY-0123" and calls[0]["TableName"] == "T10105"
    assert calls[0]["Year"] == "ALL" and calls[0]["Frequency"] == "Q"
    assert not frame["url"].str.contains("SECRET").any()
    assert frame["url"].str.contains("UserID=REDACTED").all()


def test_query_validation() -> None:
    assert bea.BeaQuery().tables == (
        "T10105",
        "T10106",
        "T10109",
        "T50305",
        "T50306",
        "T50405",
        "T50406",
    )
    for bad in ({"tables": ()}, {"tables": ("1.1.5",)}, {"frequency": "W"}, {"years": "last"}):
        with pytest.raises(SpecificationError):
            bea.BeaQuery(**bad)  # type: ignore[arg-type]
    assert bea.BeaQuery(years="2024,2025").years == "2024,2025"


def test_fred_mirrors_are_fetched_by_default() -> None:
    mirrors = bea.fred_mirrors()
    assert mirrors[("T10105", 1)] == "GDP" and mirrors[("T10106", 1)] == "GDPC1"
    assert mirrors[("T50306", 32)] == "A679RX1Q020SBEA"
    assert set(mirrors.values()) <= set(fred.DEFAULT_SERIES)
    assert {t for t, _ in mirrors} - {"T10101"} <= set(bea.DEFAULT_TABLES)
