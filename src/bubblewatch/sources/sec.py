"""SEC EDGAR: every XBRL fact of a company, with its lineage, from the ``companyfacts`` API.

Endpoints (SEC, "EDGAR Application Programming Interfaces",
https://www.sec.gov/search-filings/edgar-application-programming-interfaces):

- ``https://www.sec.gov/files/company_tickers.json``: ticker -> CIK, an object of
  ``{"cik_str": int, "ticker": str, "title": str}`` records;
- ``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json``: ``{"cik", "entityName",
  "facts": {taxonomy: {tag: {"label", "description", "units": {unit: [fact, ...]}}}}}``, where
  each fact carries ``end``, ``val``, ``accn``, ``fy``, ``fp``, ``form``, ``filed`` and, for
  durations, ``start``, and, for the one fact per period that best fits a calendar frame,
  ``frame``.

:func:`facts_frame` keeps every fact of every taxonomy and unit, including the versions an
amendment or a later filing repeats for the same period (they differ in ``accn``/``filed``), so
the table can be read as known on any date (``published`` is the filing date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from bubblewatch.data.live_schema import SEC_FACTS
from bubblewatch.data.loaders import coerce
from bubblewatch.errors import SourceError, SpecificationError
from bubblewatch.sources._protocols import Getter

PROVIDER = "sec"
TICKERS_ENDPOINT = "/files/company_tickers.json"
_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,9}$")
_FACT_FIELDS = ("end", "val", "accn", "form", "filed")


def companyfacts_endpoint(cik: str) -> str:
    """The ``companyfacts`` path of a company: ``/api/xbrl/companyfacts/CIK##########.json``."""
    return f"/api/xbrl/companyfacts/CIK{cik}.json"


@dataclass(frozen=True)
class SecQuery:
    """Which companies to fetch, by upper-case exchange ticker (``("NVDA", "GOOGL")``)."""

    tickers: tuple[str, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.tickers, tuple) or not self.tickers:
            raise SpecificationError("sec: tickers must be a non-empty tuple of tickers")
        for ticker in self.tickers:
            if not isinstance(ticker, str) or not _TICKER.match(ticker):
                raise SpecificationError(
                    f"sec: ticker {ticker!r} is not an upper-case exchange ticker (e.g. 'NVDA')"
                )
        if len(set(self.tickers)) != len(self.tickers):
            raise SpecificationError(f"sec: tickers repeat: {', '.join(self.tickers)}")


def _drift(endpoint: str, field: str) -> SourceError:
    return SourceError(f"{PROVIDER} {endpoint}: response lacks field {field!r}")


def _endpoint(url: str) -> str:
    return urlsplit(url).path or url


def iso_utc(moment: datetime) -> str:
    """``2026-12-02T10:00:00Z``: a retrieval time as the live tables store it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticker_map(payload: Any) -> pd.DataFrame:
    """Ticker -> zero-padded 10-digit CIK and company title, from ``company_tickers.json``."""
    if not isinstance(payload, Mapping):
        raise SourceError(f"{PROVIDER} {TICKERS_ENDPOINT}: response is not a JSON object")
    rows: list[tuple[str, str, str]] = []
    for record in payload.values():
        for field in ("cik_str", "ticker", "title"):
            if not isinstance(record, Mapping) or field not in record:
                raise _drift(TICKERS_ENDPOINT, field)
        rows.append(
            (str(record["ticker"]).upper(), f"{int(record['cik_str']):010d}", record["title"])
        )
    frame = pd.DataFrame(rows, columns=["ticker", "cik", "title"], dtype=object)
    return frame.drop_duplicates("ticker", keep="first").reset_index(drop=True)


def ciks_for(tickers: Iterable[str], tickers_table: pd.DataFrame) -> dict[str, str]:
    """CIK of each ticker; a ticker SEC does not list is a :class:`SpecificationError`."""
    known = dict(zip(tickers_table["ticker"], tickers_table["cik"], strict=True))
    wanted = list(tickers)
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise SpecificationError(
            f"sec: ticker(s) not in SEC's company_tickers.json: {', '.join(unknown)}"
        )
    return {t: known[t] for t in wanted}


def facts_frame(payload: Any, *, url: str, retrieved: datetime) -> pd.DataFrame:
    """Every fact of a ``companyfacts`` response as rows of the live table ``sec_facts``.

    All taxonomies (``us-gaap``, ``ifrs-full``, ``dei``, ``srt``, ``ecd``, ``invest``, ...), all
    units and all filed versions are kept. A missing field raises :class:`SourceError` naming it,
    before any row is built.
    """
    endpoint = _endpoint(url)
    if not isinstance(payload, Mapping):
        raise SourceError(f"{PROVIDER} {endpoint}: response is not a JSON object")
    for field in ("cik", "entityName", "facts"):
        if field not in payload:
            raise _drift(endpoint, field)
    cik = f"{int(payload['cik']):010d}"
    entity = str(payload["entityName"])
    taxonomies = payload["facts"]
    if not isinstance(taxonomies, Mapping):
        raise SourceError(f"{PROVIDER} {endpoint}: field 'facts' is not an object")

    cols: dict[str, list[Any]] = {
        name: []
        for name in (
            "taxonomy",
            "tag",
            "unit",
            "period_start",
            "period_end",
            "value",
            "accn",
            "form",
            "filed",
            "fy",
            "fp",
            "frame",
        )
    }
    for taxonomy, tags in taxonomies.items():
        for tag, concept in tags.items():
            if "units" not in concept:
                raise _drift(endpoint, "units")
            for unit, facts in concept["units"].items():
                for fact in facts:
                    for field in _FACT_FIELDS:
                        if field not in fact:
                            raise _drift(endpoint, field)
                cols["taxonomy"].extend([taxonomy] * len(facts))
                cols["tag"].extend([tag] * len(facts))
                cols["unit"].extend([unit] * len(facts))
                cols["period_start"].extend([f.get("start") for f in facts])
                cols["period_end"].extend([f["end"] for f in facts])
                cols["value"].extend([f["val"] for f in facts])
                cols["accn"].extend([f["accn"] for f in facts])
                cols["form"].extend([f["form"] for f in facts])
                cols["filed"].extend([f["filed"] for f in facts])
                cols["fy"].extend([f.get("fy") for f in facts])
                cols["fp"].extend([f.get("fp") for f in facts])
                cols["frame"].extend([f.get("frame") for f in facts])
    frame = pd.DataFrame(cols)
    frame.insert(0, "cik", cik)
    frame.insert(1, "entity", entity)
    frame["provider"] = PROVIDER
    frame["url"] = url
    frame["retrieved"] = iso_utc(retrieved)
    frame["published"] = frame["filed"]
    out = coerce(frame, SEC_FACTS, origin=f"{PROVIDER} {endpoint}")
    out["fy"] = out["fy"].astype("Int64")
    return out


def empty_facts() -> pd.DataFrame:
    """An empty ``sec_facts`` frame with the schema's column types."""
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in SEC_FACTS.column_names})
    out = coerce(frame, SEC_FACTS, origin="sec_facts")
    out["fy"] = out["fy"].astype("Int64")
    return out


def _default_client(provider: str) -> Getter:
    # imported here so that the transforms work without the HTTP stack
    from bubblewatch.sources.http import Client  # type: ignore[import-not-found,unused-ignore]

    client: Getter = Client.for_provider(provider)
    return client


def fetch(
    query: SecQuery,
    client: Getter | None = None,
    *,
    www_client: Getter | None = None,
) -> dict[str, pd.DataFrame]:
    """Fetch ``query``'s companies: ``{"sec_facts": ..., "sec_metrics": ...}``.

    ``client`` serves ``data.sec.gov`` (provider ``sec``), ``www_client`` serves
    ``www.sec.gov`` (provider ``sec_www``, for ``company_tickers.json``); both default to
    ``bubblewatch.sources.http.Client``. Every response is checked in full before any row is
    returned, so a failure yields no partial rows.
    """
    from bubblewatch.sources.sec_metrics import metrics_frame

    data_client = client if client is not None else _default_client("sec")
    www = www_client if www_client is not None else _default_client("sec_www")
    tickers = ticker_map(www.get(TICKERS_ENDPOINT).json())
    ciks = ciks_for(query.tickers, tickers)
    facts: list[pd.DataFrame] = []
    metrics: list[pd.DataFrame] = []
    for ticker, cik in ciks.items():
        fetched = data_client.get(companyfacts_endpoint(cik))
        frame = facts_frame(fetched.json(), url=fetched.url, retrieved=fetched.retrieved)
        facts.append(frame)
        metrics.append(metrics_frame(frame, ticker=ticker))
    return {
        "sec_facts": _concat(facts),
        "sec_metrics": _concat(metrics),
    }


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    return pd.concat(list(frames), ignore_index=True)
