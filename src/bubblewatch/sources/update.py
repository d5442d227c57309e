"""``bubblewatch update``: fetch every provider, and load each one as one transaction.

Each provider (SEC EDGAR, FRED/ALFRED, BEA, prices) is fetched in full before anything is
written; its rows then go into the store as one new vintage, in one transaction. A provider that
fails leaves the others' new data and its own previous vintage intact. A rerun resumes: what the
failed run already downloaded is served from the HTTP cache within its freshness, so only the
missing requests go to the network. A load whose rows equal the store's current rows (apart from
the retrieval time) adds no vintage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from bubblewatch.data.live_schema import LIVE_SCHEMAS, PARTITIONS
from bubblewatch.data.loaders import coerce
from bubblewatch.errors import BubblewatchError, SpecificationError
from bubblewatch.store import Store, frame_to_text

PROVIDER_NAMES: tuple[str, ...] = ("sec", "fred", "bea", "prices")
"""The providers ``update`` knows, in the order it runs them."""

Status = Literal["updated", "unchanged", "would change", "failed", "skipped"]

#: Columns that differ on every download and say nothing about the figures.
_VOLATILE = frozenset({"retrieved", "url"})


@dataclass(frozen=True)
class UpdateRequest:
    """What to update: providers, tickers, and whether to write.

    Parameters
    ----------
    only
        Providers to run, a subset of :data:`PROVIDER_NAMES` (default: all).
    tickers
        Companies (SEC) and price tickers; empty means each provider's defaults.
    dry_run
        Fetch and compare, write nothing.
    offline
        Use only the HTTP cache; never touch the network.
    series
        FRED series to fetch (default: :data:`bubblewatch.sources.fred.SERIES`).
    bea_tables
        BEA NIPA tables to fetch, as ``T10105`` (default: :data:`bubblewatch.sources.bea.TABLES`).
    price_provider, prices_folder
        Where daily closes come from: ``"stooq"``, ``"yahoo"`` or ``"folder"`` with a folder of
        ``TICKER.csv`` files. Without either, the prices step is skipped.
    """

    only: tuple[str, ...] = PROVIDER_NAMES
    tickers: tuple[str, ...] = ()
    dry_run: bool = False
    offline: bool = False
    price_provider: str | None = None
    prices_folder: str | None = None
    series: tuple[str, ...] = ()
    bea_tables: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [p for p in self.only if p not in PROVIDER_NAMES]
        if unknown or not self.only:
            raise SpecificationError(
                f"unknown provider {', '.join(unknown) or '(none)'}; "
                f"expected some of {','.join(PROVIDER_NAMES)}"
            )
        bad = [
            t for t in self.tickers if not t or not t.replace(".", "").replace("-", "").isalnum()
        ]
        if bad:
            raise SpecificationError(f"not a ticker: {bad[0]!r}")


@dataclass(frozen=True)
class TableDiff:
    """How a fetched live table differs from the store's current rows of the same partitions."""

    table: str
    added: int
    changed: int
    removed: int
    unchanged: int
    examples: tuple[str, ...] = ()

    @property
    def moved(self) -> int:
        return self.added + self.changed + self.removed


@dataclass(frozen=True)
class ProviderOutcome:
    """What one provider's step did."""

    provider: str
    status: Status
    message: str
    vintage_id: int | None = None
    rows: int = 0
    diffs: tuple[TableDiff, ...] = ()
    requests: int = 0

    def line(self) -> str:
        return f"{self.provider}: {self.status}: {self.message}"


@dataclass(frozen=True)
class UpdateOutcome:
    """Every provider's outcome; ``ok`` when none failed."""

    request: UpdateRequest
    providers: tuple[ProviderOutcome, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(p.status != "failed" for p in self.providers)

    def to_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.request.dry_run,
            "ok": self.ok,
            "providers": [
                {
                    "provider": p.provider,
                    "status": p.status,
                    "message": p.message,
                    "vintage_id": p.vintage_id,
                    "rows": p.rows,
                    "requests": p.requests,
                    "tables": [
                        {
                            "table": d.table,
                            "added": d.added,
                            "changed": d.changed,
                            "removed": d.removed,
                            "unchanged": d.unchanged,
                            "examples": list(d.examples),
                        }
                        for d in p.diffs
                    ],
                }
                for p in self.providers
            ],
        }


Fetcher = Callable[[UpdateRequest, Store], "FetchResult"]


@dataclass(frozen=True)
class FetchResult:
    """A provider's rows for the live tables, and the curated tables it refreshes."""

    live: Mapping[str, pd.DataFrame]
    curated: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    requests: int = 0
    note: str = ""


def _value_columns(table: str) -> list[str]:
    schema = LIVE_SCHEMAS[table]
    return [c for c in schema.column_names if c not in _VOLATILE]


def diff_table(table: str, current: pd.DataFrame, fetched: pd.DataFrame) -> TableDiff:
    """Compare fetched rows with the store's current rows of the partitions they hold."""
    schema = LIVE_SCHEMAS[table]
    part = list(PARTITIONS[table])
    key = list(schema.key)
    values = [c for c in _value_columns(table) if c not in key]
    if len(fetched):
        held = fetched[part].drop_duplicates()
        current = current.merge(held, on=part, how="inner")
    else:
        current = current.iloc[0:0]

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        typed = coerce(frame[list(schema.column_names)], schema, origin=f"update of {table}")
        text = frame_to_text(typed, schema)[key + values]
        return text.drop_duplicates(subset=key, keep="last").set_index(key)

    old, new = keyed(current), keyed(fetched)
    added_keys = new.index.difference(old.index)
    removed_keys = old.index.difference(new.index)
    common = new.index.intersection(old.index)
    moved = (new.loc[common, values] != old.loc[common, values]).any(axis=1) if values else None
    changed_keys = common[moved.to_numpy()] if moved is not None else common[:0]
    examples = [
        f"{table} {dict(zip(key, k if isinstance(k, tuple) else (k,), strict=True))}: "
        + ", ".join(
            f"{c} {old.loc[k, c]} -> {new.loc[k, c]}"
            for c in values
            if old.loc[k, c] != new.loc[k, c]
        )
        for k in list(changed_keys[:3])
    ]
    return TableDiff(
        table=table,
        added=len(added_keys),
        changed=len(changed_keys),
        removed=len(removed_keys),
        unchanged=len(common) - len(changed_keys),
        examples=tuple(examples),
    )


def run_update(
    request: UpdateRequest,
    store: Store,
    fetchers: Mapping[str, Fetcher],
    *,
    on_step: Callable[[str, str], None] | None = None,
) -> UpdateOutcome:
    """Run each requested provider: fetch, compare with the store, and load one vintage each.

    ``fetchers`` maps provider names to functions returning a :class:`FetchResult`; a fetcher
    that raises a :class:`~bubblewatch.errors.BubblewatchError` marks its provider failed and
    leaves the store as it was for that provider.
    """
    outcomes: list[ProviderOutcome] = []
    for name in PROVIDER_NAMES:
        if name not in request.only:
            continue
        if on_step is not None:
            on_step(name, "fetching")
        outcomes.append(_run_one(name, request, store, fetchers[name]))
        if on_step is not None:
            on_step(name, outcomes[-1].status)
    return UpdateOutcome(request=request, providers=tuple(outcomes))


def _run_one(name: str, request: UpdateRequest, store: Store, fetcher: Fetcher) -> ProviderOutcome:
    try:
        result = fetcher(request, store)
    except _SkipProviderError as skip:
        return ProviderOutcome(name, "skipped", str(skip))
    except BubblewatchError as exc:
        if exc.exit_code == 2:  # the user's input, not the provider: stop here
            raise
        return ProviderOutcome(name, "failed", str(exc))
    diffs = tuple(
        diff_table(table, store.read(table), frame) for table, frame in result.live.items()
    )
    rows = sum(len(f) for f in result.live.values())
    moved = sum(d.moved for d in diffs)
    summary = (
        ", ".join(f"{d.table} +{d.added} ~{d.changed} -{d.removed}" for d in diffs) or "no rows"
    )
    if result.note:
        summary = f"{summary}; {result.note}"
    if moved == 0:
        return ProviderOutcome(
            name, "unchanged", f"{rows} rows, nothing moved", None, rows, diffs, result.requests
        )
    if request.dry_run:
        return ProviderOutcome(name, "would change", summary, None, rows, diffs, result.requests)
    try:
        vintage = store.write_live(result.live, origin=name, curated=result.curated)
    except BubblewatchError as exc:
        return ProviderOutcome(name, "failed", str(exc), None, rows, diffs, result.requests)
    return ProviderOutcome(
        name, "updated", f"vintage {vintage}: {summary}", vintage, rows, diffs, result.requests
    )


class _SkipProviderError(Exception):
    """A provider that has nothing to do under this request (no key, no price provider)."""


def skip(reason: str) -> _SkipProviderError:
    """The exception a fetcher raises to say its provider has nothing to do, and why."""
    return _SkipProviderError(reason)


def parse_only(text: str | None) -> tuple[str, ...]:
    """``--only sec,fred`` as a tuple (all providers when empty)."""
    if not text:
        return PROVIDER_NAMES
    return tuple(p.strip().lower() for p in text.split(",") if p.strip())


def parse_tickers(values: Sequence[str] | None) -> tuple[str, ...]:
    """``--tickers NVDA,MSFT`` or repeated ``--tickers`` as upper-case tickers."""
    out: list[str] = []
    for value in values or ():
        out.extend(t.strip().upper() for t in value.split(",") if t.strip())
    return tuple(dict.fromkeys(out))
