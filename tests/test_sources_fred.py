"""FRED/ALFRED fetcher on real recorded responses (../shared/data/api_responses/fred/)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bubblewatch.data.live_schema import FRED_OBSERVATIONS
from bubblewatch.errors import SourceError, SpecificationError
from bubblewatch.sources import fred

RETRIEVED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
ALL = "fredapi_series_observations_GDP_realtime_1776-07-04_9999-12-31_all_vintages.json"
ASOF = "fredapi_series_observations_GDP_realtime_1776-07-04_2019-01-01_asof.json"
FIRST = "fredapi_series_observations_GDP_output_type4_initial_release.json"
URL = (
    "https://api.stlouisfed.org/fred/series/observations?series_id=GDP&api_key=REDACTED"
    "&file_type=json&realtime_start=1776-07-04&realtime_end=9999-12-31"
)


@pytest.fixture(scope="module")
def fred_dir(shared_data: Path) -> Path:
    return shared_data / "api_responses" / "fred"


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vintages(fred_dir: Path) -> pd.DataFrame:
    return fred.observations_frame(_json(fred_dir / ALL), "GDP", url=URL, retrieved=RETRIEVED)


def _schema_ok(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == [c.name for c in FRED_OBSERVATIONS.columns]
    for col in ("date", "realtime_start", "realtime_end", "published"):
        assert str(frame[col].dtype) == "datetime64[ns]"
    assert str(frame["value"].dtype) == "float64"


def test_all_vintages_rows_and_missing(vintages: pd.DataFrame, fred_dir: Path) -> None:
    raw = _json(fred_dir / ALL)["observations"]
    _schema_ok(vintages)
    assert len(vintages) == 3201
    dots = sum(1 for o in raw if o["value"] == ".")
    assert dots > 0
    assert int(vintages["value"].isna().sum()) == dots
    assert set(vintages["provider"]) == {"fred"}
    assert set(vintages["retrieved"]) == {"2026-12-02T10:00:00Z"}
    assert (vintages["published"] == vintages["realtime_start"]).all()
    assert "api_key=REDACTED" in vintages["url"].iloc[0]
    # the current vintage's open end is kept as the open end, not as a date in 9999
    open_rows = [o for o in raw if o["realtime_end"] == "9999-12-31"]
    assert int((vintages["realtime_end"] == fred.OPEN_END).sum()) == len(open_rows)
    first = vintages.iloc[0]
    assert first["date"] == pd.Timestamp("1946-01-01")
    assert first["value"] == pytest.approx(199.7)
    assert first["realtime_start"] == pd.Timestamp("1992-12-22")


def test_as_known_on_reproduces_alfred_asof_answer(vintages: pd.DataFrame, fred_dir: Path) -> None:
    day = pd.Timestamp("2019-01-01")
    ours = fred.as_known_on(vintages, "2019-01-01")
    # ALFRED's own answer for realtime_end=2019-01-01: the rows whose period reaches that day
    alfred = [
        o for o in _json(fred_dir / ASOF)["observations"] if o["realtime_end"] == "2019-01-01"
    ]
    assert len(ours) == len(alfred) == 291
    assert (ours["realtime_start"] <= day).all() and (ours["realtime_end"] >= day).all()
    theirs = {o["date"]: (None if o["value"] == "." else float(o["value"])) for o in alfred}
    starts = {o["date"]: o["realtime_start"] for o in alfred}
    for rec in ours.itertuples():
        key = rec.date.strftime("%Y-%m-%d")
        want = theirs[key]
        if want is None:
            assert pd.isna(rec.value), key
        else:
            assert rec.value == want, key
        assert rec.realtime_start.strftime("%Y-%m-%d") == starts[key]


def test_first_release_reproduces_alfred_initial_release(
    vintages: pd.DataFrame, fred_dir: Path
) -> None:
    alfred = _json(fred_dir / FIRST)["observations"]
    ours = fred.first_release(vintages, releases_only=True)
    assert len(ours) == len(alfred) == 132
    got = {
        r.date.strftime("%Y-%m-%d"): (r.value, r.realtime_start.strftime("%Y-%m-%d"))
        for r in ours.itertuples()
    }
    for o in alfred:
        assert got[o["date"]] == (float(o["value"]), o["realtime_start"]), o["date"]
    # without the exclusion every observation has a first-known value
    assert fred.first_release(vintages)["date"].nunique() == vintages["date"].nunique()


def test_latest_vintage_file_parses(fred_dir: Path) -> None:
    frame = fred.observations_frame(
        _json(fred_dir / "fredapi_series_observations_GDP.json"),
        "GDP",
        url=URL,
        retrieved=RETRIEVED,
    )
    assert len(frame) == 315
    assert (frame["realtime_start"] == pd.Timestamp("2024-12-19")).all()


@pytest.mark.parametrize(
    ("name", "rows", "missing"),
    [("BAMLC0A0CM", 7063, 82), ("BAMLH0A0HYM2", 7064, 81)],
)
def test_fredgraph_csv(fred_dir: Path, name: str, rows: int, missing: int) -> None:
    text = (fred_dir / f"fredgraph_{name}.csv").read_text(encoding="utf-8")
    url = f"https://fred.stlouisfed.org/graph/fredgraph.csv?id={name}"
    frame = fred.graph_csv_frame(text, name, url=url, retrieved=RETRIEVED)
    _schema_ok(frame)
    assert len(frame) == rows
    assert int(frame["value"].isna().sum()) == missing
    assert frame["date"].iloc[0] == pd.Timestamp("1999-01-04")
    day = pd.Timestamp("2026-12-02")
    # keyless downloads carry no vintage: known on the day they were fetched, and only then
    assert (frame["realtime_start"] == day).all() and (frame["realtime_end"] == day).all()
    assert (frame["published"] == day).all()
    assert set(frame["provider"]) == {"fred_graph"}
    assert len(fred.as_known_on(frame, day)) == rows
    assert fred.as_known_on(frame, "2026-12-01").empty


def test_fredgraph_header_drift(fred_dir: Path) -> None:
    text = (fred_dir / "fredgraph_BAMLC0A0CM.csv").read_text(encoding="utf-8")
    renamed = text.replace("observation_date,", "DATE,", 1)
    with pytest.raises(SourceError, match=r"^fred_graph /graph/fredgraph\.csv: .*observation_date"):
        fred.graph_csv_frame(renamed, "BAMLC0A0CM", url="u", retrieved=RETRIEVED)
    with pytest.raises(SourceError, match=r"fred_graph /graph/fredgraph\.csv"):
        fred.graph_csv_frame(text, "BAMLH0A0HYM2", url="u", retrieved=RETRIEVED)
    with pytest.raises(SourceError, match="not a number"):
        fred.graph_csv_frame(
            "observation_date,X\n2020-01-01,abc\n", "X", url="u", retrieved=RETRIEVED
        )


def test_observations_drift(fred_dir: Path) -> None:
    payload = _json(fred_dir / "fredapi_series_observations_GDP.json")
    renamed = {k: v for k, v in payload.items() if k != "observations"} | {
        "observation": payload["observations"]
    }
    with pytest.raises(SourceError, match=r"^fred /fred/series/observations: .*'observations'"):
        fred.observations_frame(renamed, "GDP", url=URL, retrieved=RETRIEVED)
    rows = [dict(o) for o in payload["observations"]]
    del rows[7]["realtime_start"]
    with pytest.raises(SourceError, match=r"observation 7 has no field 'realtime_start'"):
        fred.observations_frame(
            payload | {"observations": rows}, "GDP", url=URL, retrieved=RETRIEVED
        )


def test_fred_error_body(fred_dir: Path) -> None:
    body = _json(fred_dir / "fredapi_error_429_too_many_requests.json")
    with pytest.raises(
        SourceError, match=r"^fred /fred/series/observations: FRED error 429: Too Many"
    ):
        fred.observations_frame(body, "BAMLC0A0CM", url=URL, retrieved=RETRIEVED)


class _Fetched:
    def __init__(self, url: str, body: str) -> None:
        self.url = url
        self.retrieved = RETRIEVED
        self.from_cache = False
        self._body = body

    def json(self) -> Any:
        return json.loads(self._body)

    def text(self) -> str:
        return self._body


class _Client:
    def __init__(
        self, provider: str, bodies: dict[str, str], calls: list[tuple[str, str, dict[str, str]]]
    ) -> None:
        self.provider, self.bodies, self.calls = provider, bodies, calls

    def get(self, path: str, params: dict[str, str] | None = None) -> _Fetched:
        params = dict(params or {})
        self.calls.append((self.provider, path, params))
        sid = params.get("series_id") or params["id"]
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return _Fetched(fred.redact(f"https://example.test{path}?{query}"), self.bodies[sid])


def test_fetch_keyless_and_with_key(fred_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, dict[str, str]]] = []
    csvs = {
        n: (fred_dir / f"fredgraph_{n}.csv").read_text(encoding="utf-8")
        for n in ("BAMLC0A0CM", "BAMLH0A0HYM2")
    }
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    query = fred.FredQuery(series=("BAMLC0A0CM", "BAMLH0A0HYM2"))
    out = fred.fetch(query, lambda p: _Client(p, csvs, calls))
    assert list(out) == ["fred_observations"]
    assert len(out["fred_observations"]) == 7063 + 7064
    assert {c[0] for c in calls} == {"fred_graph"}

    calls.clear()
    monkeypatch.setenv("FRED_API_KEY", "abcdef0123456789abcdef0123456789")
    bodies = {"GDP": (fred_dir / ALL).read_text(encoding="utf-8")}
    out = fred.fetch(fred.FredQuery(series=("GDP",)), lambda p: _Client(p, bodies, calls))
    frame = out["fred_observations"]
    assert len(frame) == 3201
    ((provider, path, params),) = calls
    assert (provider, path) == ("fred", "/fred/series/observations")
    assert params["realtime_start"] == "1776-07-04" and params["realtime_end"] == "9999-12-31"
    assert params["api_key"] == "abcdef0123456789abcdef0123456789"
    assert not frame["url"].str.contains("abcdef").any()


def test_query_validation() -> None:
    assert set(fred.FredQuery().series) >= {
        "NASDAQCOM",
        "SP500",
        "BAMLC0A0CM",
        "BAMLH0A0HYM2",
        "DGS10",
        "GDPC1",
        "A191RL1Q225SBEA",
    }
    with pytest.raises(SpecificationError):
        fred.FredQuery(series=())
    with pytest.raises(SpecificationError):
        fred.FredQuery(series=("gdp; drop",))
    with pytest.raises(SpecificationError):
        fred.FredQuery(series=("GDP", "GDP"))


def test_redact() -> None:
    assert fred.redact("x?api_key=abc&UserID=def&y=1") == "x?api_key=REDACTED&UserID=REDACTED&y=1"


def test_malformed_dates_are_source_errors() -> None:
    with pytest.raises(SourceError, match=r"^fred_graph /graph/fredgraph\.csv: .*'date'"):
        fred.graph_csv_frame(
            "observation_date,X\n01/02/2020,1.0\n", "X", url="u", retrieved=RETRIEVED
        )
    payload = {
        "observations": [
            {
                "realtime_start": "2020-01-01",
                "realtime_end": "9999-12-31",
                "date": "2020/1/1",
                "value": "1",
            }
        ]
    }
    with pytest.raises(SourceError, match=r"^fred /fred/series/observations: .*'date'"):
        fred.observations_frame(payload, "X", url="u", retrieved=RETRIEVED)
