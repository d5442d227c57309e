"""Daily closes from price providers into the live table ``prices``.

Every row says which provider served it, from where (``url``), when it was retrieved, the
trading day it closed (``published``) and how it is adjusted: ``none`` (the close as traded),
``splits`` (earlier closes divided by later split ratios) or ``splits_dividends`` (also scaled
down for cash dividends, as "adjusted close" series are).

Built in, with no network: :class:`CsvFolderProvider` (one ``TICKER.csv`` per ticker; the user
states the adjustment) and :class:`StoreImportsProvider` (series imported with
``bubblewatch import``). Optional, behind the ``prices`` extra and the shared HTTP client,
each labelled with its terms: :class:`StooqProvider` (Stooq's CSV download, split- and
dividend-adjusted) and :class:`YahooChartProvider` (Yahoo's v8 chart JSON, which carries both
a split-adjusted ``close`` and a split- and dividend-adjusted ``adjclose``).
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from bubblewatch.data.live_schema import ADJUSTMENTS, PRICES
from bubblewatch.data.loaders import coerce
from bubblewatch.errors import DataError, SourceError, SpecificationError
from bubblewatch.sources._protocols import Getter

STOOQ_TERMS = "Stooq terms of use: personal, non-commercial use; data not to be redistributed"
YAHOO_TERMS = "Yahoo terms of service: personal, non-commercial use; data not to be redistributed"


@runtime_checkable
class PriceProvider(Protocol):
    """A source of daily closes: its name, terms, adjustment and a ``closes`` query."""

    name: str
    terms: str
    adjustment: str

    def closes(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> pd.DataFrame:
        """Rows of the ``prices`` table for ``tickers`` between ``start`` and ``end``."""
        ...


def _client(provider: str) -> Getter:
    """The shared HTTP client for ``provider`` (module ``bubblewatch.sources.http``)."""
    http = importlib.import_module("bubblewatch.sources.http")
    client: Getter = http.Client.for_provider(provider)
    return client


def _stamp(moment: datetime) -> str:
    """ISO 8601 UTC, second precision: ``2026-12-02T10:00:00Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_adjustment(adjustment: str) -> str:
    if adjustment not in ADJUSTMENTS:
        raise SpecificationError(
            f"adjustment must be one of {', '.join(sorted(ADJUSTMENTS))}; found {adjustment!r}"
        )
    return adjustment


def _rows(
    ticker: str,
    days: pd.Series,
    closes: pd.Series,
    *,
    adjustment: str,
    provider: str,
    url: str,
    retrieved: str,
    origin: str,
) -> pd.DataFrame:
    """Typed ``prices`` rows; ``published`` is the trading day itself."""
    frame = pd.DataFrame(
        {
            "ticker": ticker,
            "date": pd.to_datetime(days.to_numpy()).normalize(),
            "close": pd.to_numeric(closes, errors="coerce").to_numpy(dtype=float),
        }
    ).dropna(subset=["close"])
    frame = frame.assign(
        adjustment=adjustment,
        provider=provider,
        url=url,
        retrieved=retrieved,
        published=frame["date"],
    )
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame["published"] = frame["published"].dt.strftime("%Y-%m-%d")
    return coerce(frame[list(PRICES.column_names)], PRICES, origin=origin)


def _between(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    if start is not None:
        frame = frame.loc[frame["date"] >= pd.Timestamp(start)]
    if end is not None:
        frame = frame.loc[frame["date"] <= pd.Timestamp(end)]
    return frame.reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return coerce(pd.DataFrame({c: [] for c in PRICES.column_names}), PRICES, origin="prices")


# -- CSV layouts ------------------------------------------------------------------------------
def read_close_csv(text: str, *, origin: str) -> tuple[pd.Series, pd.Series]:
    """Dates and closes from a ``date,close`` or ``Date,Open,High,Low,Close,Volume`` CSV.

    Header names are matched case-insensitively; CRLF line ends are accepted.

    Raises
    ------
    DataError
        One line naming ``origin``: no date or close column, unparseable dates or closes,
        repeated dates, or no rows.
    """
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{origin}: not a CSV ({str(exc).splitlines()[0]})") from None
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if "date" not in columns or "close" not in columns:
        raise DataError(
            f"{origin}: expected columns date,close or Date,Open,High,Low,Close,Volume; "
            f"found {','.join(map(str, frame.columns))}"
        )
    if frame.empty:
        raise DataError(f"{origin}: no rows")
    raw_dates = frame[columns["date"]].str.strip()
    days = pd.to_datetime(raw_dates, format="%Y-%m-%d", errors="coerce")
    if days.isna().any():
        row = int(days.isna().to_numpy().nonzero()[0][0])
        raise DataError(
            f"{origin}: row {row + 1}: expected an ISO date YYYY-MM-DD, found {raw_dates.iloc[row]!r}"
        )
    closes = pd.to_numeric(frame[columns["close"]], errors="coerce")
    bad = closes.isna() | (closes <= 0)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{origin}: row {row + 1}: expected a positive close, "
            f"found {frame[columns['close']].iloc[row]!r}"
        )
    if days.duplicated().any():
        row = int(days.duplicated().to_numpy().nonzero()[0][0])
        raise DataError(f"{origin}: row {row + 1}: date {raw_dates.iloc[row]} repeated")
    return days, closes


class CsvFolderProvider:
    """Closes from a folder of ``TICKER.csv`` files; the user states their adjustment.

    Each file has a ``date,close`` or a ``Date,Open,High,Low,Close,Volume`` layout (Stooq's
    and most vendors' downloads). ``url`` is the file's ``file://`` URI and ``retrieved`` the
    file's modification time.
    """

    terms = "the user's own files"

    def __init__(self, folder: Path | str, adjustment: str = "none") -> None:
        self.folder = Path(folder)
        self.adjustment = _check_adjustment(adjustment)
        self.name = f"csv folder {self.folder.name}"

    def closes(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> pd.DataFrame:
        frames = []
        for ticker in tickers:
            path = self.folder / f"{ticker.upper()}.csv"
            try:
                text = path.read_text(encoding="utf-8-sig")
                modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            except OSError as exc:
                raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
            except UnicodeDecodeError:
                raise DataError(f"{path}: not UTF-8 text") from None
            days, closes = read_close_csv(text, origin=str(path))
            frames.append(
                _rows(
                    ticker.upper(),
                    days,
                    closes,
                    adjustment=self.adjustment,
                    provider=self.name,
                    url=path.resolve().as_uri(),
                    retrieved=_stamp(modified),
                    origin=str(path),
                )
            )
        return _between(pd.concat(frames, ignore_index=True), start, end) if frames else _empty()


class StoreImportsProvider:
    """Closes the user imported with ``bubblewatch import`` (series named like the ticker).

    ``series`` and ``sources`` are the store's ``series`` and ``sources`` tables
    (``Store.read``); a ticker ``NVDA`` reads the imported series ``nvda``. The user states
    the adjustment of what they imported.
    """

    name = "user import"
    terms = "the user's own data"

    def __init__(
        self, series: pd.DataFrame, sources: pd.DataFrame, adjustment: str = "none"
    ) -> None:
        self.series = series
        self.sources = sources.set_index("source_id")
        self.adjustment = _check_adjustment(adjustment)

    def closes(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> pd.DataFrame:
        frames = []
        for ticker in tickers:
            rows = self.series.loc[self.series["name"] == ticker.lower()]
            if rows.empty:
                raise DataError(
                    f"no imported series {ticker.lower()!r}; import it with "
                    f"`bubblewatch import FILE --name {ticker.lower()}`"
                )
            sid = str(rows["source_id"].iloc[0])
            src = self.sources.loc[sid] if sid in self.sources.index else None
            url = str(src["url"]) if src is not None else ""
            retrieved = (
                f"{pd.Timestamp(src['retrieved']):%Y-%m-%d}T00:00:00Z" if src is not None else ""
            )
            frames.append(
                _rows(
                    ticker.upper(),
                    pd.Series(pd.to_datetime(rows["date"]).to_numpy()),
                    pd.Series(rows["value"].to_numpy(dtype=float)),
                    adjustment=self.adjustment,
                    provider=self.name,
                    url=url,
                    retrieved=retrieved,
                    origin=f"imported series {ticker.lower()}",
                )
            )
        return _between(pd.concat(frames, ignore_index=True), start, end) if frames else _empty()


# -- Stooq ------------------------------------------------------------------------------------
STOOQ_ENDPOINT = "/q/d/l/"


def stooq_frame(text: str, *, ticker: str, url: str, retrieved: datetime) -> pd.DataFrame:
    """Rows from Stooq's daily CSV (``Date,Open,High,Low,Close,Volume``, CRLF line ends).

    Stooq's closes are adjusted for splits and dividends, so every row is
    ``splits_dividends``. An answer without those columns (Stooq says "No data" for an unknown
    symbol) raises :class:`SourceError` naming the endpoint.
    """
    head = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    if not head.startswith("date,") or "close" not in head.split(","):
        first = text.strip().splitlines()[0][:60] if text.strip() else "an empty body"
        raise SourceError(f"stooq {STOOQ_ENDPOINT}: no Date/Close columns for {ticker} ({first})")
    if not text.endswith("\n"):
        raise SourceError(
            f"stooq {STOOQ_ENDPOINT}: truncated CSV (no line break after the last row) ({ticker})"
        )
    try:
        days, closes = read_close_csv(text, origin=f"stooq {STOOQ_ENDPOINT} {ticker}")
    except DataError as exc:
        raise SourceError(str(exc)) from None
    return _rows(
        ticker.upper(),
        days,
        closes,
        adjustment="splits_dividends",
        provider="stooq",
        url=url,
        retrieved=_stamp(retrieved),
        origin=f"stooq {STOOQ_ENDPOINT}",
    )


class StooqProvider:
    """Stooq's daily CSV download (``https://stooq.com/q/d/l/?s=nvda.us&i=d``).

    Closes are split- and dividend-adjusted. US tickers take the ``.us`` suffix.
    """

    name = "stooq"
    terms = STOOQ_TERMS
    adjustment = "splits_dividends"

    def __init__(self, client: Getter | None = None, market: str = "us") -> None:
        self._client = client
        self.market = market

    def closes(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> pd.DataFrame:
        client = self._client or _client("stooq")
        frames = []
        for ticker in tickers:
            params = {"s": f"{ticker.lower()}.{self.market}", "i": "d"}
            if start is not None:
                params["d1"] = f"{start:%Y%m%d}"
            if end is not None:
                params["d2"] = f"{end:%Y%m%d}"
            fetched = client.get(STOOQ_ENDPOINT, params=params)
            frames.append(
                stooq_frame(
                    fetched.text(), ticker=ticker, url=fetched.url, retrieved=fetched.retrieved
                )
            )
        return _between(pd.concat(frames, ignore_index=True), start, end) if frames else _empty()


# -- Yahoo chart ------------------------------------------------------------------------------
def _yahoo_endpoint(ticker: str) -> str:
    return f"/v8/finance/chart/{ticker.upper()}"


def _field(node: Any, key: str, where: str) -> Any:
    if not isinstance(node, dict) or key not in node or node[key] is None:
        raise SourceError(f"yahoo {where}: missing field {key!r}")
    return node[key]


def yahoo_frame(
    payload: Mapping[str, Any], *, ticker: str, url: str, retrieved: datetime
) -> pd.DataFrame:
    """Rows from Yahoo's v8 chart JSON: both adjustments Yahoo serves.

    ``indicators.quote[0].close`` is split-adjusted (``splits``) and
    ``indicators.adjclose[0].adjclose`` is split- and dividend-adjusted
    (``splits_dividends``); ``timestamp[]`` (UTC seconds) is turned into the trading day in
    the exchange's time zone (``meta.exchangeTimezoneName``). A renamed or missing field, or a
    ``chart.error``, raises :class:`SourceError` naming the endpoint; no partial rows.
    """
    where = _yahoo_endpoint(ticker)
    chart = _field(payload, "chart", where)
    if isinstance(chart, dict) and chart.get("error"):
        error = chart["error"]
        text = error.get("description") if isinstance(error, dict) else str(error)
        raise SourceError(f"yahoo {where}: {text}")
    results = _field(chart, "result", where)
    if not isinstance(results, list) or not results:
        raise SourceError(f"yahoo {where}: missing field 'result'")
    result = results[0]
    stamps = _field(result, "timestamp", where)
    indicators = _field(result, "indicators", where)
    quote = _field(indicators, "quote", where)
    adj = _field(indicators, "adjclose", where)
    if not quote or not adj:
        raise SourceError(f"yahoo {where}: missing field 'quote' or 'adjclose'")
    close = _field(quote[0], "close", where)
    adjclose = _field(adj[0], "adjclose", where)
    if not (len(stamps) == len(close) == len(adjclose)):
        raise SourceError(
            f"yahoo {where}: {len(stamps)} timestamps but {len(close)} closes and "
            f"{len(adjclose)} adjusted closes"
        )
    zone = str(result.get("meta", {}).get("exchangeTimezoneName") or "America/New_York")
    days = pd.Series(pd.to_datetime(stamps, unit="s", utc=True).tz_convert(zone).tz_localize(None))
    stamp = _stamp(retrieved)
    return pd.concat(
        [
            _rows(
                ticker.upper(),
                days,
                pd.Series(values, dtype="float64"),
                adjustment=adjustment,
                provider="yahoo",
                url=url,
                retrieved=stamp,
                origin=f"yahoo {where}",
            )
            for adjustment, values in (("splits", close), ("splits_dividends", adjclose))
        ],
        ignore_index=True,
    )


def yahoo_events(payload: Mapping[str, Any], kind: str) -> pd.DataFrame:
    """``events.splits`` or ``events.dividends`` of a chart answer, dated (UTC), sorted."""
    result = payload["chart"]["result"][0]
    events = (result.get("events") or {}).get(kind) or {}
    frame = pd.DataFrame(list(events.values()))
    if frame.empty:
        return frame
    frame["date"] = pd.to_datetime(frame["date"], unit="s")
    return frame.sort_values("date").reset_index(drop=True)


class YahooChartProvider:
    """Yahoo Finance's v8 chart endpoint (``/v8/finance/chart/TICKER?interval=1d``).

    Emits two rows per day: the split-adjusted close (``splits``) and the split- and
    dividend-adjusted close (``splits_dividends``).
    """

    name = "yahoo"
    terms = YAHOO_TERMS
    adjustment = "splits_dividends"
    adjustments = ("splits", "splits_dividends")

    def __init__(self, client: Getter | None = None) -> None:
        self._client = client

    def closes(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> pd.DataFrame:
        client = self._client or _client("yahoo")
        first = datetime(1970, 1, 2, tzinfo=UTC) if start is None else _midnight(start)
        last = datetime.now(UTC) if end is None else _midnight(end) + timedelta(days=1)
        frames = []
        for ticker in tickers:
            params = {
                "interval": "1d",
                "events": "div,split",
                "period1": str(int(first.timestamp())),
                "period2": str(int(last.timestamp())),
            }
            fetched = client.get(_yahoo_endpoint(ticker), params=params)
            frames.append(
                yahoo_frame(
                    fetched.json(), ticker=ticker, url=fetched.url, retrieved=fetched.retrieved
                )
            )
        return _between(pd.concat(frames, ignore_index=True), start, end) if frames else _empty()


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
