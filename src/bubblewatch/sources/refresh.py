"""Carry fresh provider figures into the curated tables the models read.

An update loads the providers' rows into the live tables with their full lineage. The models
read the curated tables (``financials``, ``market``), so an update also adds to them what the
curated snapshot does not yet hold:

- ``financials``: fiscal years reported to the SEC after the curated table's latest, for the
  companies it covers, each row citing its filing (accession number) in a new source row; and
  every curated figure that SEC's latest filing confirms (within 0.5%) re-cited to that filing
  instead of the copy it was read from;
- ``market``: Nasdaq Composite closes from FRED after the snapshot's last day, daily and at
  complete month-ends, citing the FRED download.

Curated values are never overwritten: where the snapshot and a provider disagree on a figure
the snapshot holds, ``bubblewatch data reconcile`` shows both, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from bubblewatch.data import SCHEMAS
from bubblewatch.universe import HYPERSCALER_IDS

#: Curated entity name -> ticker, for the companies of the ``financials`` table.
CURATED_ENTITIES: Mapping[str, str] = {
    name: ticker for name, (ticker, _cik) in HYPERSCALER_IDS.items()
}

_USD_SCALE: Mapping[str, tuple[float, str]] = {
    "usd": (1e-6, "usd_m"),
    "usd_m": (1.0, "usd_m"),
    "usd_per_share": (1.0, "usd_per_share"),
    "shares": (1e-6, "m_shares"),
    "m_shares": (1.0, "m_shares"),
}


def _archive_url(cik: str, accn: str) -> str:
    return (
        f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accn.replace('-', '')}/"
        f"{accn}-index.htm"
    )


def filing_source_id(ticker: str, accn: str) -> str:
    """The source id of one SEC filing: ``sec_msft_0000950170_25_100235``."""
    return f"sec_{ticker.lower()}_{accn.replace('-', '_')}"


def financials_from_sec(
    financials: pd.DataFrame, sec_metrics: pd.DataFrame, retrieved: datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fiscal-year rows SEC holds that ``financials`` lacks, and a source row per filing.

    Only annual (``FY``) figures of the curated companies and metrics are added, for fiscal
    years after the latest one the curated table holds for that company and metric, at the
    latest filed version, in the curated units (``usd_m``, ``usd_per_share``, ``m_shares``).
    Returns ``(new_financial_rows, new_source_rows)``; both empty when nothing is new.
    """
    fin_cols = list(financials.columns)
    if sec_metrics.empty:
        return financials.iloc[0:0], _empty_sources()
    by_ticker = {t: e for e, t in CURATED_ENTITIES.items()}
    metrics = set(financials["metric"])
    annual = sec_metrics[
        (sec_metrics["fiscal_period"] == "FY")
        & sec_metrics["ticker"].isin(list(by_ticker))
        & sec_metrics["metric"].isin(list(metrics))
    ]
    annual = annual.sort_values("filed").drop_duplicates(
        subset=["ticker", "metric", "fiscal_year"], keep="last"
    )
    # only years after the latest one the curated table holds for that company and metric:
    # older years are not backfilled (a per-share figure of a year before a split, for one,
    # stays as first filed in SEC's data while the curated table holds it split-adjusted)
    years = financials["period"].str.extract(r"^FY(\d{4})$")[0].astype(float)
    newest = years.groupby([financials["entity"], financials["metric"]]).max().to_dict()
    rows: list[dict[str, object]] = []
    sources: dict[str, dict[str, object]] = {}
    for rec in annual.itertuples(index=False):
        entity = by_ticker[str(rec.ticker)]
        period = f"FY{int(rec.fiscal_year)}"
        latest_curated = newest.get((entity, rec.metric))
        if latest_curated is None or int(rec.fiscal_year) <= latest_curated:
            continue
        scale, unit = _USD_SCALE.get(str(rec.unit).lower(), (1.0, str(rec.unit)))
        sid = filing_source_id(str(rec.ticker), str(rec.accn))
        rows.append(
            {
                "entity": entity,
                "metric": rec.metric,
                "period": period,
                "fiscal_year_end": pd.Timestamp(rec.period_end),
                "value": float(rec.value) * scale,
                "unit": unit,
                "source_id": sid,
            }
        )
        _cite_filing(
            sources,
            entity,
            str(rec.ticker),
            str(rec.cik),
            str(rec.accn),
            str(rec.form),
            rec.filed,
            f"{rec.taxonomy}:{rec.tag}",
            retrieved,
        )
    new = pd.DataFrame(rows, columns=fin_cols)
    return new, pd.DataFrame(list(sources.values()), columns=_SOURCE_COLUMNS)


def _cite_filing(
    sources: dict[str, dict[str, object]],
    entity: str,
    ticker: str,
    cik: str,
    accn: str,
    form: str,
    filed: object,
    tag: str,
    retrieved: datetime,
) -> str:
    """The source row of one filing (created on first use, its locator naming each tag read)."""
    sid = filing_source_id(ticker, accn)
    src = sources.setdefault(
        sid,
        {
            "source_id": sid,
            "publisher": f"{entity} (SEC EDGAR filing)",
            "title": f"Form {form} filed {pd.Timestamp(filed):%Y-%m-%d}",
            "url": _archive_url(cik, accn),
            "published": pd.Timestamp(filed),
            "retrieved": pd.Timestamp(retrieved.date()),
            "locator": f"XBRL companyfacts, accession {accn}; tags",
            "terms": "SEC filing (public)",
        },
    )
    if tag not in str(src["locator"]):
        src["locator"] = f"{src['locator']} {tag}"
    return sid


def recite_from_sec(
    financials: pd.DataFrame, sec_metrics: pd.DataFrame, retrieved: datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``financials`` with every figure SEC confirms citing the filing instead of a copy.

    A curated row whose value is within :data:`~bubblewatch.data.reconcile.TOLERANCE_PCT`
    of SEC's latest figure (:func:`~bubblewatch.data.reconcile.reconcile`) cites the filing
    that carries it (accession number); its value stays as curated. Rows SEC does not confirm
    keep their source, and ``bubblewatch data reconcile`` says why they differ.
    Returns ``(financials, new_source_rows)``.
    """
    from bubblewatch.data.reconcile import reconcile

    if sec_metrics.empty:
        return financials, _empty_sources()
    table = reconcile(financials, sec_metrics)
    agree = table[table["within_tolerance"] & table["sec_accn"].notna()]
    sources: dict[str, dict[str, object]] = {}
    cite: dict[tuple[str, str, str], str] = {}
    for rec in agree.itertuples(index=False):
        if str(rec.curated_source_id).startswith("sec_"):
            continue  # already cites a filing
        cite[(str(rec.entity), str(rec.metric), str(rec.period))] = _cite_filing(
            sources,
            str(rec.entity),
            str(rec.ticker),
            str(rec.cik),
            str(rec.sec_accn),
            str(rec.sec_form),
            rec.sec_filed,
            f"us-gaap:{rec.sec_tag}",
            retrieved,
        )
    if not cite:
        return financials, _empty_sources()
    keys = list(zip(financials["entity"], financials["metric"], financials["period"], strict=True))
    out = financials.copy()
    out["source_id"] = [cite.get(k, sid) for k, sid in zip(keys, out["source_id"], strict=True)]
    return out, pd.DataFrame(list(sources.values()), columns=_SOURCE_COLUMNS)


_SOURCE_COLUMNS = list(SCHEMAS["sources"].column_names)


def _empty_sources() -> pd.DataFrame:
    return pd.DataFrame(columns=_SOURCE_COLUMNS)


def month_end_closes(daily: pd.Series) -> pd.Series:
    """Last observation of each calendar month, dropping a final month that is not complete.

    A month is complete when the series has an observation on or after the month's last
    business day, or any observation in a later month.
    """
    daily = daily.dropna().sort_index()
    grouped = daily.groupby(daily.index.to_period("M"))
    closes = grouped.last()
    final_month = closes.index[-1]
    last_business_day = pd.offsets.BMonthEnd().rollforward(final_month.to_timestamp())
    if daily.index[-1] < last_business_day:
        closes = closes.iloc[:-1]
    closes.index = closes.index.to_timestamp(how="end").normalize()
    return closes


def market_from_fred(
    market: pd.DataFrame, fred: pd.DataFrame, retrieved: datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nasdaq Composite closes FRED holds after the curated ones, and their source row."""
    fred = fred[fred["series_id"] == "NASDAQCOM"].dropna(subset=["value"])
    if fred.empty:
        return market.iloc[0:0], _empty_sources()
    latest = fred.sort_values("realtime_start").drop_duplicates("date", keep="last")
    daily = latest.set_index(pd.to_datetime(latest["date"]))["value"].astype(float).sort_index()
    mine = market[market["series"] == "NASDAQCOM"]
    last_daily = pd.to_datetime(mine.loc[mine["field"] == "daily_close", "date"]).max()
    last_month = pd.to_datetime(mine.loc[mine["field"] == "close", "date"]).max()
    sid = f"fred_nasdaqcom_{retrieved:%Y%m%d}"
    new_daily = daily[daily.index > last_daily] if pd.notna(last_daily) else daily
    months = month_end_closes(daily)
    new_months = months[months.index > last_month] if pd.notna(last_month) else months
    rows = [
        {"series": "NASDAQCOM", "field": "daily_close", "date": d, "value": float(v)}
        for d, v in new_daily.items()
    ] + [
        {"series": "NASDAQCOM", "field": "close", "date": d, "value": float(v)}
        for d, v in new_months.items()
    ]
    if not rows:
        return market.iloc[0:0], _empty_sources()
    new = pd.DataFrame(rows).assign(unit="index_points", source_id=sid)[list(market.columns)]
    url = str(fred.loc[fred["series_id"] == "NASDAQCOM", "url"].iloc[0])
    source = pd.DataFrame(
        [
            {
                "source_id": sid,
                "publisher": (
                    "Federal Reserve Bank of St. Louis, FRED (series NASDAQCOM; "
                    "a copy of Nasdaq OMX Group's index values)"
                ),
                "title": "NASDAQ Composite Index (NASDAQCOM), daily close",
                "url": url,
                "published": pd.Timestamp(daily.index.max()),
                "retrieved": pd.Timestamp(retrieved.date()),
                "locator": (
                    f"series NASDAQCOM, closes {new_daily.index.min():%Y-%m-%d}.."
                    f"{daily.index.max():%Y-%m-%d} and month-ends after "
                    f"{last_month:%Y-%m-%d}"
                    if len(new_daily)
                    else "series NASDAQCOM"
                ),
                "terms": "FRED: index values copyright Nasdaq OMX Group; cited, short excerpt",
            }
        ],
        columns=_SOURCE_COLUMNS,
    )
    return new, source
