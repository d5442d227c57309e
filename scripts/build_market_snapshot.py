"""Build the shipped monthly market snapshot (``market.csv``) from public daily and monthly series.

Month-end closes are the last close of each *complete* calendar month. Shiller's S&P 500 price is
his monthly average of daily closes (field ``mean_close``), shipped with his dividends, earnings and
CPI. Each row is attributed to the provider whose values it holds: the stock and ETF closes
are Yahoo Finance adjusted closes (split- and dividend-adjusted, as Yahoo computes them on the
day of download), read from a public copy, not exchange closes. The script also refreshes
the ``mkt_*`` and ``val_*`` rows of ``sources.csv``. The Nasdaq-100 forward P/E figures are
curated below, each from the article or data page cited.

Usage::

    python scripts/build_market_snapshot.py DATA_DIR

where ``DATA_DIR`` holds the provider downloads laid out as ``nasdaq_composite_daily/``,
``fred_macro_acc102/``, ``shiller_sp500_monthly/`` and ``stocks_adjclose_daily_long/``.
Needs the ``build-data`` extra (``xlrd``) to read Shiller's workbook.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pandas as pd

from bubblewatch.sources.refresh import month_end_closes

SNAPSHOT = Path(__file__).resolve().parents[1] / "src" / "bubblewatch" / "data" / "snapshot"
RETRIEVED = "2026-11-24"
STOCKS = {
    # ticker: listing exchange (kept in the source id, which other tables cite)
    "NVDA": "nasdaq", "MSFT": "nasdaq", "GOOGL": "nasdaq", "AMZN": "nasdaq",
    "META": "nasdaq", "ORCL": "nyse", "AMD": "nasdaq", "AVGO": "nasdaq",
    "PLTR": "nasdaq", "CRWV": "nasdaq", "NBIS": "nasdaq", "QQQ": "nasdaq",
}  # fmt: skip
NASDAQ_START = "1971-01-01"
DAILY_START = "2021-01-01"
"""Daily closes ship from this date: enough history for LPPLS windows of 750 trading days
before the report's most recent year of end dates."""
FORWARD_PE = [
    # Nasdaq-100 12-month forward P/E: (date the figure refers to, value, source id)
    ("2021-11-19", 30.0, "val_bloomberg_ndx_2022"),
    ("2025-01-01", 26.41, "val_siblis_ndx_2025"),
    ("2025-06-05", 26.6, "val_lpl_ndx_2025"),
    ("2025-10-24", 27.39, "val_trendometric_ndx_2025"),
]
FORWARD_PE_SOURCES = [
    {
        "source_id": "val_bloomberg_ndx_2022",
        "publisher": "Bloomberg Opinion",
        "title": "Nasdaq 100 Peaked a Year Ago. Now We Know It Was a Bubble",
        "url": "https://www.bloomberg.com/opinion/articles/2022-11-21/nasdaq-100-peak-a-year-later-it-was-a-bubble-after-all",
        "published": "2022-11-21",
        "locator": "second paragraph: forward P/E of about 30 at the index's peak of 19 November 2021",
        "terms": "news commentary; one figure cited",
    },
    {
        "source_id": "val_siblis_ndx_2025",
        "publisher": "Siblis Research",
        "title": "NASDAQ 100 Index P/E, EPS & Earnings Growth",
        "url": "https://siblisresearch.com/data/nasdaq-100-pe-ratio/",
        "published": "2025-01-01",
        "locator": "opening sentence: forward P/E 26.41 (trailing 32.36) as of 1 January 2025",
        "terms": "data vendor page; one figure cited",
    },
    {
        "source_id": "val_lpl_ndx_2025",
        "publisher": "LPL Financial (Adam Turnquist), reported by Benzinga",
        "title": "Nasdaq 100's premium valuation is easier to digest",
        "url": "https://www.financetom.com/market/nasdaq-100s-premium-valuation-is-easier-to-digest-383615.htm",
        "published": "2025-06-05",
        "locator": "'What Happened' paragraph: 12-month forward P/E 26.6 against a 10-year average of 22.0",
        "terms": "news article; figures cited",
    },
    {
        "source_id": "val_trendometric_ndx_2025",
        "publisher": "Trendometric (aggregator; underlying data vendor not named)",
        "title": "Nasdaq 100 Forward PE Ratio",
        "url": "https://trendometric.com/united-states/stock-market/nasdaq-100/forward-pe-ratio",
        "published": "2025-10-24",
        "locator": "opening sentence and 'Historical Data' table: forward P/E 27.39 on 24 October 2025",
        "terms": "aggregator page; one figure cited",
    },
]
DAILY_TICKERS = ("NVDA", "MSFT", "GOOGL", "AMZN", "META", "AVGO", "AMD", "ORCL")
PRICE_COPY = {
    "repository": "dsturdy/Factor_Attribution",
    "commit": "712ab00cb7d01c788507bc417162a4269e29bf69",
    "path": "data/{ticker}.csv",
}
"""The public copy of Yahoo Finance's adjusted closes that ``stocks_adjclose_daily_long/``
holds (columns Date, Close; no licence stated)."""


def _read_daily(path: Path, date_col: str, value_col: str) -> pd.Series:
    frame = pd.read_csv(path, na_values=["", "."])
    return pd.Series(frame[value_col].to_numpy(dtype=float), index=pd.to_datetime(frame[date_col]))


def _shiller(path: Path) -> pd.DataFrame:
    raw = pd.read_excel(path, sheet_name="Data", header=7, engine="xlrd")
    raw = raw[pd.to_numeric(raw["Date"], errors="coerce").notna()].copy()
    stamp = raw["Date"].astype(float)
    year = stamp.astype(int)
    month = ((stamp - year) * 100).round().astype(int)
    dates = pd.to_datetime({"year": year, "month": month, "day": 1}) + pd.offsets.MonthEnd(0)
    out = pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "mean_close": pd.to_numeric(raw["P"], errors="coerce").to_numpy(),
            "dividend": pd.to_numeric(raw["D"], errors="coerce").to_numpy(),
            "earnings": pd.to_numeric(raw["E"], errors="coerce").to_numpy(),
            "cpi": pd.to_numeric(raw["CPI"], errors="coerce").to_numpy(),
        }
    )
    # The workbook's final month quotes a single early-month close, not a monthly mean.
    return out.iloc[:-1]


def _fmt(value: float) -> str:
    return f"{value:.8g}"


def build(data_dir: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rows: list[dict[str, str]] = []

    nasdaq = pd.concat(
        [
            _read_daily(
                data_dir / "nasdaq_composite_daily" / "NASDAQCOM_1971-2025.csv",
                "observation_date",
                "NASDAQCOM",
            ),
            _read_daily(
                data_dir / "fred_macro_acc102" / "NASDAQCOM.csv", "observation_date", "NASDAQCOM"
            ),
        ]
    )
    nasdaq = nasdaq[~nasdaq.index.duplicated(keep="last")]
    for date, value in month_end_closes(nasdaq[NASDAQ_START:]).items():
        rows.append(_row("NASDAQCOM", "close", date, value, "index_points", "mkt_fred_nasdaqcom"))
    for date, value in nasdaq[DAILY_START:].dropna().items():
        rows.append(
            _row("NASDAQCOM", "daily_close", date, value, "index_points", "mkt_fred_nasdaqcom")
        )

    for date, value, sid in FORWARD_PE:
        rows.append(_row("NDX", "forward_pe", pd.Timestamp(date), value, "x", sid))

    shiller = _shiller(data_dir / "shiller_sp500_monthly" / "ie_data_2026-05.xls")
    units = {"mean_close": "index_points", "dividend": "index_points",
             "earnings": "index_points", "cpi": "index"}  # fmt: skip
    for rec in shiller.to_dict("records"):
        for field, unit in units.items():
            if pd.notna(rec[field]):
                rows.append(_row("SP500", field, rec["date"], rec[field], unit, "mkt_shiller"))

    for ticker, exchange in STOCKS.items():
        daily = _read_daily(
            data_dir / "stocks_adjclose_daily_long" / f"{ticker}.csv", "Date", "Close"
        )
        sid = f"mkt_{exchange}_{ticker.lower()}"
        for date, value in month_end_closes(daily).items():
            rows.append(_row(ticker, "adj_close", date, value, "usd_per_share", sid))
        if ticker in DAILY_TICKERS:
            for date, value in daily[DAILY_START:].dropna().items():
                rows.append(_row(ticker, "daily_adj_close", date, value, "usd_per_share", sid))

    last = {
        "nasdaq": month_end_closes(nasdaq).index[-1].date(),
        "stocks": max(r["date"] for r in rows if r["field"] in ("adj_close", "daily_adj_close")),
        "shiller": shiller["date"].iloc[-1].date(),
    }
    sources = _sources(last)
    return rows, sources


def _row(
    series: str, field: str, date: pd.Timestamp, value: float, unit: str, sid: str
) -> dict[str, str]:
    return {
        "series": series,
        "field": field,
        "date": pd.Timestamp(date).strftime("%Y-%m-%d"),
        "value": _fmt(float(value)),
        "unit": unit,
        "source_id": sid,
    }


def _sources(last: dict[str, object]) -> list[dict[str, str]]:
    out = [{**src, "retrieved": RETRIEVED} for src in FORWARD_PE_SOURCES] + [
        {
            "source_id": "mkt_fred_nasdaqcom",
            "publisher": "Federal Reserve Bank of St. Louis (FRED), data from Nasdaq, Inc.",
            "title": "NASDAQ Composite Index (NASDAQCOM), daily close",
            "url": "https://fred.stlouisfed.org/series/NASDAQCOM",
            "published": str(last["nasdaq"]),
            "retrieved": RETRIEVED,
            "locator": (
                "series NASDAQCOM; close of the last trading day of each month from 1971, "
                f"and every daily close from {DAILY_START}"
            ),
            "terms": "index values owned by Nasdaq, Inc.; closing values cited",
        },
        {
            "source_id": "mkt_shiller",
            "publisher": "Robert J. Shiller, Yale University",
            "title": "U.S. Stock Markets 1871-Present and CAPE Ratio (ie_data.xls)",
            "url": "http://www.econ.yale.edu/~shiller/data.htm",
            "published": str(last["shiller"]),
            "retrieved": RETRIEVED,
            "locator": "sheet Data; columns P (monthly mean of daily closes), D, E, CPI",
            "terms": "public academic dataset; figures cited with attribution",
        },
    ]
    for ticker, exchange in STOCKS.items():
        path = PRICE_COPY["path"].format(ticker=ticker)
        out.append(
            {
                "source_id": f"mkt_{exchange}_{ticker.lower()}",
                "publisher": (
                    f"Yahoo Finance (a copy: {PRICE_COPY['repository']} on GitHub, {path})"
                ),
                "title": f"{ticker} adjusted close (Yahoo Finance historical data)",
                "url": f"https://finance.yahoo.com/quote/{ticker}/history/",
                "published": str(last["stocks"]),
                "retrieved": RETRIEVED,
                "locator": (
                    "Yahoo's adjusted close, split- and dividend-adjusted as of "
                    f"{last['stocks']} (the copy's last date), not the exchange's official "
                    "close; the last close of each month"
                    + (
                        f", and every daily close from {DAILY_START}"
                        if ticker in DAILY_TICKERS
                        else ""
                    )
                    + f"; copy at commit {PRICE_COPY['commit'][:12]}, columns Date, Close"
                ),
                "terms": (
                    "Yahoo Finance terms of service (personal, non-commercial use); values from "
                    "a copy in a public repository with no licence stated; figures cited"
                ),
            }
        )
    return out


def _write_csv(path: Path, rows: list[dict[str, str]], fields: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args()
    rows, sources = build(args.data_dir)
    _write_csv(
        SNAPSHOT / "market.csv", rows, ["series", "field", "date", "value", "unit", "source_id"]
    )
    src_path = SNAPSHOT / "sources.csv"
    existing: list[dict[str, str]] = []
    fields = [
        "source_id",
        "publisher",
        "title",
        "url",
        "published",
        "retrieved",
        "locator",
        "terms",
    ]
    if src_path.exists():
        with src_path.open(encoding="utf-8") as fh:
            existing = [
                r for r in csv.DictReader(fh) if not r["source_id"].startswith(("mkt_", "val_"))
            ]
    _write_csv(src_path, existing + sources, fields)
    print(f"market.csv: {len(rows)} rows; sources: {len(sources)} market sources")


if __name__ == "__main__":
    main()
