"""Shipped figures against independent public data beside the project."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.data import load_table


def _month_end_reference(path: Path, date_col: str, value_col: str) -> pd.Series:
    """Independent month-end close: sort, drop blanks, keep the last row of each year-month."""
    frame = pd.read_csv(path, na_values=["", "."]).dropna(subset=[value_col])
    frame["ym"] = frame[date_col].str[:7]
    last = frame.sort_values(date_col).groupby("ym").tail(1)
    return pd.Series(last[value_col].to_numpy(float), index=last["ym"].to_numpy())


@pytest.mark.parametrize("ticker", ["NVDA", "MSFT", "ORCL", "CRWV", "QQQ", "PLTR"])
def test_stock_month_ends_match_the_daily_series(shared_data: Path, ticker: str) -> None:
    market = load_table("market")
    shipped = market.loc[(market["series"] == ticker) & (market["field"] == "adj_close")]
    ref = _month_end_reference(
        shared_data / "stocks_adjclose_daily_long" / f"{ticker}.csv", "Date", "Close"
    )
    got = pd.Series(
        shipped["value"].to_numpy(), index=shipped["date"].dt.strftime("%Y-%m").to_numpy()
    )
    # The final, incomplete month of the daily file is left out of the snapshot.
    assert set(got.index) == set(ref.index) - {ref.index[-1]} or set(got.index) == set(ref.index)
    np.testing.assert_allclose(got.to_numpy(), ref.loc[got.index].to_numpy(), rtol=1e-7)


def test_nasdaq_month_ends_match_fred(shared_data: Path) -> None:
    market = load_table("market")
    shipped = market.loc[(market["series"] == "NASDAQCOM") & (market["field"] == "close")]
    ref = pd.concat(
        [
            _month_end_reference(
                shared_data / "nasdaq_composite_daily" / "NASDAQCOM_1971-2025.csv",
                "observation_date",
                "NASDAQCOM",
            ),
            _month_end_reference(
                shared_data / "fred_macro_acc102" / "NASDAQCOM.csv", "observation_date", "NASDAQCOM"
            ),
        ]
    )
    ref = ref[~ref.index.duplicated(keep="last")]
    got = pd.Series(
        shipped["value"].to_numpy(), index=shipped["date"].dt.strftime("%Y-%m").to_numpy()
    )
    np.testing.assert_allclose(got.to_numpy(), ref.loc[got.index].to_numpy(), rtol=1e-7)
    assert got.loc["2000-02"] == pytest.approx(4696.69)  # the dot-com month-end peak


@pytest.mark.parametrize(
    ("series", "field"), [("NASDAQCOM", "daily_close"), ("NVDA", "daily_adj_close")]
)
def test_daily_closes_match_the_daily_files(shared_data: Path, series: str, field: str) -> None:
    market = load_table("market")
    shipped = market.loc[(market["series"] == series) & (market["field"] == field)]
    if series == "NASDAQCOM":
        paths = [
            (
                shared_data / "nasdaq_composite_daily" / "NASDAQCOM_1971-2025.csv",
                "observation_date",
            ),
            (shared_data / "fred_macro_acc102" / "NASDAQCOM.csv", "observation_date"),
        ]
        column = "NASDAQCOM"
    else:
        paths = [(shared_data / "stocks_adjclose_daily_long" / f"{series}.csv", "Date")]
        column = "Close"
    frames = [pd.read_csv(p, na_values=["", "."]).dropna() for p, _ in paths]
    ref = pd.concat(
        [
            pd.Series(f[column].to_numpy(float), index=pd.to_datetime(f[d]))
            for f, (_, d) in zip(frames, paths, strict=True)
        ]
    )
    ref = ref[~ref.index.duplicated(keep="last")]
    got = pd.Series(shipped["value"].to_numpy(), index=pd.DatetimeIndex(shipped["date"]))
    assert got.index.min() == ref["2021-01-01":].index.min()
    np.testing.assert_allclose(got.to_numpy(), ref.loc[got.index].to_numpy(), rtol=1e-7)
    assert len(got) == len(ref["2021-01-01":])


def test_shiller_columns_match_the_tidy_copy(shared_data: Path) -> None:
    """Shiller's workbook as shipped vs the independent tidy CSV of the 2023 vintage (to 2023-06)."""
    market = load_table("market")
    sp = market.loc[market["series"] == "SP500"].pivot(
        index="date", columns="field", values="value"
    )
    tidy = pd.read_csv(shared_data / "shiller_sp500_monthly" / "data.csv", parse_dates=["Date"])
    tidy = tidy.loc[(tidy["Date"] >= "1900-01-01") & (tidy["Date"] <= "2023-06-01")]
    tidy.index = tidy["Date"] + pd.offsets.MonthEnd(0)
    joined = sp.join(tidy[["SP500", "Dividend", "Earnings"]], how="inner")
    assert len(joined) > 1400
    np.testing.assert_allclose(joined["mean_close"], joined["SP500"], rtol=5e-3)
    np.testing.assert_allclose(joined["dividend"], joined["Dividend"], rtol=2e-2, atol=0.02)


@pytest.mark.parametrize(("ticker", "entity"), [("GOOG", "Alphabet"), ("AMZN", "Amazon")])
def test_annual_capex_matches_sec_companyfacts(shared_data: Path, ticker: str, entity: str) -> None:
    """10-K capex as shipped vs the SEC XBRL company facts (annual, quarter = 0)."""
    facts = pd.read_csv(
        shared_data / "hyperscaler_capex_sec_quarterly" / "capex_history_quarterly.csv"
    )
    annual = facts.loc[(facts["ticker"] == ticker) & (facts["quarter"] == 0)].set_index("year")[
        "payments_usd"
    ]
    fin = load_table("financials")
    capex = fin.loc[
        (fin["entity"] == entity) & (fin["metric"] == "capex") & (fin["unit"] == "usd_m")
    ]
    checked = 0
    for rec in capex.itertuples():
        year = int(rec.period[2:])
        if year in annual.index:
            assert rec.value == pytest.approx(annual[year] / 1e6), rec.period
            checked += 1
    assert checked >= 6
