"""Price providers: transforms on the recorded Stooq and Yahoo answers, CSV folders, imports."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bubblewatch.data import load_table
from bubblewatch.data.live_schema import PRICES
from bubblewatch.errors import DataError, SourceError, SpecificationError
from bubblewatch.sources import prices as px

RETRIEVED = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def _prices(shared_data: Path) -> Path:
    return shared_data / "api_responses" / "prices"


def _yahoo(shared_data: Path, ticker: str) -> dict[str, Any]:
    name = {
        "NVDA": "yahoo_chart_v8_NVDA_2021-02-01_2022-01-31_split_events.fixture.json",
        "MSFT": "yahoo_chart_v8_MSFT_2021-02-01_2022-01-31_div_events.fixture.json",
    }[ticker]
    wrapper = json.loads((_prices(shared_data) / name).read_text(encoding="utf-8"))
    body: dict[str, Any] = wrapper["response"]["bodyJson"]
    return body


def _typed(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(PRICES.column_names)
    assert frame["date"].dtype == "datetime64[ns]"
    assert frame["published"].equals(frame["date"])
    assert frame["close"].dtype == "float64"
    assert set(frame["adjustment"]) <= {"none", "splits", "splits_dividends"}


def test_stooq_nvda_rows_and_dates(shared_data: Path) -> None:
    raw = (_prices(shared_data) / "stooq_nvda_us_d.csv").read_bytes().decode("utf-8")
    assert "\r\n" in raw  # Stooq ends lines with CRLF
    url = "https://stooq.com/q/d/l/?s=nvda.us&i=d"
    frame = px.stooq_frame(raw, ticker="nvda", url=url, retrieved=RETRIEVED)
    _typed(frame)
    assert len(frame) == 6914
    assert frame["date"].iloc[0] == pd.Timestamp("1999-01-22")
    assert frame["date"].iloc[-1] == pd.Timestamp("2026-07-21")
    assert frame["ticker"].unique().tolist() == ["NVDA"]
    assert set(frame["adjustment"]) == {"splits_dividends"}
    assert frame["close"].iloc[0] == pytest.approx(0.0376, abs=5e-4)  # split-adjusted
    assert set(frame["provider"]) == {"stooq"} and set(frame["url"]) == {url}
    assert set(frame["retrieved"]) == {"2026-12-02T10:00:00Z"}
    assert not frame["ticker"].str.contains("\r").any()


def test_stooq_no_data_answer_is_a_source_error() -> None:
    with pytest.raises(SourceError, match=r"^stooq /q/d/l/: no Date/Close columns for XXXX"):
        px.stooq_frame("No data", ticker="XXXX", url="u", retrieved=RETRIEVED)


def test_stooq_body_cut_mid_line_is_a_source_error(shared_data: Path) -> None:
    raw = (shared_data / "api_responses/prices/stooq_nvda_us_d.csv").read_bytes()
    cut = raw[: len(raw) // 2].decode()
    assert not cut.endswith("\n")  # half the bytes end inside a row
    with pytest.raises(SourceError, match="truncated CSV"):
        px.stooq_frame(cut, ticker="nvda", url="u", retrieved=RETRIEVED)


def test_stooq_provider_uses_the_client(shared_data: Path) -> None:
    raw = (_prices(shared_data) / "stooq_msft_us_d.csv").read_text(encoding="utf-8")

    class Fetched:
        url = "https://stooq.com/q/d/l/?s=msft.us&i=d"
        retrieved = RETRIEVED

        def text(self) -> str:
            return raw

        def json(self) -> Any:
            raise AssertionError

    class Client:
        def __init__(self) -> None:
            self.calls: list[tuple[str, dict[str, str] | None]] = []

        def get(self, path: str, params: Any = None) -> Fetched:
            self.calls.append((path, params))
            return Fetched()

    client = Client()
    provider = px.StooqProvider(client)
    assert isinstance(provider, px.PriceProvider)
    frame = provider.closes(["MSFT"], start=date(2026, 1, 1))
    assert client.calls[0][0] == "/q/d/l/" and client.calls[0][1] == {
        "s": "msft.us",
        "i": "d",
        "d1": "20260101",
    }
    assert frame["date"].min() >= pd.Timestamp("2026-01-01")
    assert "personal" in provider.terms


def test_yahoo_close_is_split_adjusted_across_the_2021_split(shared_data: Path) -> None:
    body = _yahoo(shared_data, "NVDA")
    frame = px.yahoo_frame(body, ticker="NVDA", url="u", retrieved=RETRIEVED)
    _typed(frame)
    assert set(frame["adjustment"]) == {"splits", "splits_dividends"}
    close = frame.loc[frame["adjustment"] == "splits"].set_index("date")["close"]
    assert len(close) == 252
    assert close.index[0] == pd.Timestamp("2021-02-01")
    assert close.index[-1] == pd.Timestamp("2022-01-28")
    splits = px.yahoo_events(body, "splits")
    assert splits["date"].iloc[0].normalize() == pd.Timestamp("2021-07-20")
    assert (splits["numerator"].iloc[0], splits["denominator"].iloc[0]) == (4, 1)
    # Yahoo's `close` is already split-adjusted: no 4x step across the split day.
    step = close.loc["2021-07-20"] / close.loc["2021-07-19"]
    assert 0.9 < step < 1.1
    # and it carries the later 10:1 split of 2024 too (NVDA traded near $530 in Feb 2021)
    assert close.iloc[0] == pytest.approx(13.237, abs=1e-3)


def test_yahoo_adjclose_is_below_close_for_a_dividend_payer(shared_data: Path) -> None:
    body = _yahoo(shared_data, "MSFT")
    frame = px.yahoo_frame(body, ticker="MSFT", url="u", retrieved=RETRIEVED)
    wide = frame.pivot(index="date", columns="adjustment", values="close")
    assert (wide["splits_dividends"] <= wide["splits"]).all()
    assert (wide["splits_dividends"] < wide["splits"]).iloc[0]
    assert len(px.yahoo_events(body, "dividends")) == 4


def test_yahoo_schema_drift_is_a_source_error(shared_data: Path) -> None:
    body = _yahoo(shared_data, "NVDA")
    result = dict(body["chart"]["result"][0])
    result["timestamps"] = result.pop("timestamp")
    drifted = {"chart": {"result": [result], "error": None}}
    with pytest.raises(
        SourceError, match=r"^yahoo /v8/finance/chart/NVDA: missing field 'timestamp'$"
    ):
        px.yahoo_frame(drifted, ticker="NVDA", url="u", retrieved=RETRIEVED)
    error = {"chart": {"result": None, "error": {"code": "Not Found", "description": "No data"}}}
    with pytest.raises(SourceError, match="No data"):
        px.yahoo_frame(error, ticker="NVDA", url="u", retrieved=RETRIEVED)


def test_csv_folder_reads_both_layouts(tmp_path: Path, shared_data: Path) -> None:
    (tmp_path / "NVDA.csv").write_bytes((_prices(shared_data) / "stooq_nvda_us_d.csv").read_bytes())
    (tmp_path / "ABC.csv").write_text("date,close\n2026-01-02,10.5\n2026-01-05,11\n")
    provider = px.CsvFolderProvider(tmp_path, adjustment="splits_dividends")
    assert isinstance(provider, px.PriceProvider)
    frame = provider.closes(["nvda", "ABC"], start=date(2026, 1, 1))
    _typed(frame)
    assert set(frame["ticker"]) == {"NVDA", "ABC"}
    abc = frame.loc[frame["ticker"] == "ABC"]
    assert abc["close"].tolist() == [10.5, 11.0]
    assert abc["url"].iloc[0] == (tmp_path / "ABC.csv").resolve().as_uri()
    assert set(frame["adjustment"]) == {"splits_dividends"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("day,price\n2026-01-02,1\n", "expected columns date,close"),
        ("date,close\n02/01/2026,1\n", "row 1: expected an ISO date"),
        ("date,close\n2026-01-02,abc\n", "row 1: expected a positive close"),
        ("date,close\n2026-01-02,1\n2026-01-02,2\n", "row 2: date 2026-01-02 repeated"),
        ("date,close\n", "no rows"),
    ],
)
def test_csv_folder_bad_file_is_one_line_data_error(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "BAD.csv").write_text(content)
    with pytest.raises(DataError) as info:
        px.CsvFolderProvider(tmp_path).closes(["BAD"])
    text = str(info.value)
    assert "\n" not in text and message in text and "BAD.csv" in text


def test_csv_folder_missing_file_and_bad_adjustment(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read"):
        px.CsvFolderProvider(tmp_path).closes(["NONE"])
    with pytest.raises(SpecificationError, match="adjustment must be one of"):
        px.CsvFolderProvider(tmp_path, adjustment="dividends")


def test_store_imports_provider() -> None:
    series = pd.DataFrame(
        {
            "name": ["abc", "abc"],
            "date": pd.to_datetime(["2026-01-02", "2026-01-05"]),
            "value": [10.0, 11.0],
            "unit": ["usd_per_share"] * 2,
            "source_id": ["user_abc_v3"] * 2,
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["user_abc_v3"],
            "url": ["file:///home/me/abc.csv"],
            "retrieved": [pd.Timestamp("2026-11-30")],
        }
    )
    provider = px.StoreImportsProvider(series, sources, adjustment="splits")
    frame = provider.closes(["ABC"])
    _typed(frame)
    assert frame["ticker"].tolist() == ["ABC", "ABC"]
    assert set(frame["provider"]) == {"user import"}
    assert set(frame["url"]) == {"file:///home/me/abc.csv"}
    assert set(frame["retrieved"]) == {"2026-11-30T00:00:00Z"}
    with pytest.raises(DataError, match="no imported series 'xyz'"):
        provider.closes(["XYZ"])


def test_shipped_price_rows_name_the_provider_whose_values_they_hold() -> None:
    market = load_table("market")
    sources = load_table("sources").set_index("source_id")
    ids = market.loc[market["field"].isin(["adj_close", "daily_adj_close"]), "source_id"].unique()
    assert len(market.loc[market["field"].isin(["adj_close", "daily_adj_close"])]) == 14495
    for sid in ids:
        src = sources.loc[sid]
        assert src["publisher"].startswith("Yahoo Finance (a copy:"), sid
        assert "split- and dividend-adjusted as of 2026-08-03" in src["locator"], sid
        assert "Yahoo Finance terms of service" in src["terms"], sid
        assert "nasdaq.com" not in src["url"] and "nyse.com" not in src["url"], sid
