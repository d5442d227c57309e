"""The fetchers ``bubblewatch update`` runs, one per provider, over the shared HTTP clients.

Each fetcher reads the request, fetches its provider in full, and returns the live-table rows
plus the curated rows it carries forward (:mod:`bubblewatch.sources.refresh`). Nothing is
written here: :func:`bubblewatch.sources.update.run_update` loads each provider as one
transaction.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pandas as pd

from bubblewatch.data import SCHEMAS
from bubblewatch.errors import SpecificationError
from bubblewatch.sources import bea, fred, refresh, sec
from bubblewatch.sources.http import Client
from bubblewatch.sources.update import Fetcher, FetchResult, UpdateRequest, skip
from bubblewatch.store import Store

#: Companies ``update`` follows by default: the curated hyperscalers and NVIDIA.
DEFAULT_SEC_TICKERS: tuple[str, ...] = (*refresh.CURATED_ENTITIES.values(), "NVDA")


class _Clients:
    """The clients a fetcher opened, so that it can count their requests and close them."""

    def __init__(self, offline: bool) -> None:
        self.offline = offline
        self.opened: list[Client] = []

    def __call__(self, provider: str) -> Client:
        client = Client.for_provider(provider, offline=self.offline)
        self.opened.append(client)
        return client

    @property
    def requests(self) -> int:
        return sum(c.requests_made for c in self.opened)

    def __enter__(self) -> _Clients:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        """Close every client; after a failure, forget each one's last response, so that a
        rerun does not replay a copy that could not be read."""
        for client in self.opened:
            if exc is not None:
                client.forget_last()
            client.close()


def _curated(store: Store, name: str) -> pd.DataFrame:
    """A curated table as stored, in its schema's columns (no user-import sources)."""
    frame = store.read(name)[list(SCHEMAS[name].column_names)]
    if name == "sources":
        frame = frame[frame["publisher"] != "user import"]
    return frame.reset_index(drop=True)


def _with_new(
    store: Store,
    table: str,
    rows: pd.DataFrame,
    sources: pd.DataFrame,
    base: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The whole curated ``table`` (``base``, default as stored, plus ``rows``) and ``sources``
    with the new source rows; nothing when neither the table nor its citations change."""
    current = _curated(store, table)
    base = current if base is None else base
    if rows.empty and base["source_id"].equals(current["source_id"]):
        return {}
    old_sources = _curated(store, "sources")
    fresh = sources[~sources["source_id"].isin(old_sources["source_id"])]
    fresh = fresh.drop_duplicates("source_id")
    return {
        table: pd.concat([base, rows], ignore_index=True),
        "sources": pd.concat([old_sources, fresh], ignore_index=True),
    }


def _result(
    store: Store,
    frames: dict[str, pd.DataFrame],
    clients: _Clients,
    table: str,
    carried: tuple[pd.DataFrame, pd.DataFrame],
    base: pd.DataFrame | None = None,
) -> FetchResult:
    """The live rows, and the curated ``table`` with the rows an update carries into it."""
    rows, sources = carried
    return FetchResult(
        live=frames,
        curated=_with_new(store, table, rows, sources, base),
        requests=clients.requests,
        note=f"{len(rows)} new {table} rows" if len(rows) else "",
    )


def fetch_sec(request: UpdateRequest, store: Store) -> FetchResult:
    """SEC EDGAR companyfacts for the requested companies; for ``financials``, the fiscal years
    it lacks and, for every curated figure SEC confirms, a citation of the filing itself."""
    tickers = request.tickers or DEFAULT_SEC_TICKERS
    query = sec.SecQuery(tickers=tickers)
    with _Clients(request.offline) as clients:
        frames = sec.fetch(query, clients("sec"), www_client=clients("sec_www"))
    now = datetime.now(UTC)
    stored = _curated(store, "financials")
    recited, confirmed = refresh.recite_from_sec(stored, frames["sec_metrics"], now)
    switched = int((recited["source_id"] != stored["source_id"]).sum())
    rows, sources = refresh.financials_from_sec(recited, frames["sec_metrics"], now)
    carried = (rows, pd.concat([confirmed, sources], ignore_index=True))
    result = _result(store, frames, clients, "financials", carried, base=recited)
    if switched:
        said = f"{switched} financials rows now cite their filing"
        result = dataclasses.replace(result, note="; ".join(filter(None, [result.note, said])))
    return result


def fetch_fred(request: UpdateRequest, store: Store) -> FetchResult:
    """FRED series (every vintage with ``FRED_API_KEY``), and new Nasdaq closes for ``market``."""
    with _Clients(request.offline) as clients:
        query = fred.FredQuery(series=request.series) if request.series else fred.FredQuery()
        frames = fred.fetch(query, clients)
    carried = refresh.market_from_fred(
        _curated(store, "market"), frames["fred_observations"], datetime.now(UTC)
    )
    return _result(store, frames, clients, "market", carried)


def fetch_bea(request: UpdateRequest, store: Store) -> FetchResult:
    """BEA NIPA tables with ``BEA_API_KEY``; without one the FRED mirrors stand in."""
    if bea.needs_key() and not bea.api_key():
        raise skip(f"no {bea.KEY_ENV} set; the GDP lines come from their FRED mirrors (fred)")
    with _Clients(request.offline) as clients:
        query = bea.BeaQuery(tables=request.bea_tables) if request.bea_tables else bea.BeaQuery()
        frames = bea.fetch(query, clients)
    return FetchResult(live=frames, requests=clients.requests)


def _price_tickers(request: UpdateRequest, store: Store) -> tuple[str, ...]:
    if request.tickers:
        return request.tickers
    market = store.read("market")
    fields = market[market["field"].isin(["adj_close", "daily_adj_close"])]
    return tuple(sorted(set(fields["series"])))


def fetch_prices(request: UpdateRequest, store: Store) -> FetchResult:
    """Daily closes from the provider the user chose (a folder, Stooq or Yahoo)."""
    from bubblewatch.sources import prices

    tickers = _price_tickers(request, store)
    if request.price_provider not in (None, "stooq", "yahoo"):
        raise SpecificationError(
            f"unknown price provider {request.price_provider!r}; expected stooq or yahoo"
        )
    if not (request.prices_folder or request.price_provider):
        raise skip("no price provider chosen (--price-provider stooq|yahoo or --prices-folder DIR)")
    with _Clients(request.offline) as clients:
        provider: prices.PriceProvider
        if request.prices_folder:
            provider = prices.CsvFolderProvider(request.prices_folder)
        elif request.price_provider == "stooq":
            provider = prices.StooqProvider(clients("stooq"))
        else:
            provider = prices.YahooChartProvider(clients("yahoo"))
        frame = provider.closes(tickers)
    return FetchResult(live={"prices": frame}, requests=clients.requests)


FETCHERS: dict[str, Fetcher] = {
    "sec": fetch_sec,
    "fred": fetch_fred,
    "bea": fetch_bea,
    "prices": fetch_prices,
}
"""Provider name -> fetcher, in the order ``update`` runs them."""

__all__ = ["DEFAULT_SEC_TICKERS", "FETCHERS"]
