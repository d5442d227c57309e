"""``bubblewatch update``: refresh the store from SEC EDGAR, FRED/ALFRED, BEA and price providers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from bubblewatch._json import emit as emit_json
from bubblewatch.sources.update import (
    PROVIDER_NAMES,
    UpdateRequest,
    parse_only,
    parse_tickers,
    run_update,
)
from bubblewatch.store import Store

out = Console()
err = Console(stderr=True)


def update_command(
    only: Annotated[
        str | None,
        typer.Option(
            "--only", help=f"Providers to run, comma-separated: {','.join(PROVIDER_NAMES)}."
        ),
    ] = None,
    tickers: Annotated[
        list[str] | None,
        typer.Option(
            "--tickers", help="Companies and price tickers (comma-separated or repeated)."
        ),
    ] = None,
    series: Annotated[
        list[str] | None,
        typer.Option("--series", help="FRED series ids (comma-separated or repeated)."),
    ] = None,
    tables: Annotated[
        list[str] | None,
        typer.Option(
            "--tables", help="BEA NIPA tables, e.g. T10105 (comma-separated or repeated)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and list what would change; write nothing.")
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use only the HTTP cache; never touch the network.")
    ] = False,
    price_provider: Annotated[
        str | None,
        typer.Option(
            "--price-provider", help="stooq or yahoo (optional providers, their terms apply)."
        ),
    ] = None,
    prices_folder: Annotated[
        str | None,
        typer.Option("--prices-folder", help="A folder of TICKER.csv daily closes to load."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Fetch every provider and add one vintage each; a failed provider leaves its old data."""
    from bubblewatch.sources.providers import FETCHERS

    request = UpdateRequest(
        only=parse_only(only),
        tickers=parse_tickers(tickers),
        dry_run=dry_run,
        offline=offline,
        price_provider=price_provider,
        prices_folder=prices_folder,
        series=parse_tickers(series),
        bea_tables=parse_tickers(tables),
    )
    with (
        Store.open() as store,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
            disable=as_json or not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("update", total=None)
        outcome = run_update(
            request,
            store,
            FETCHERS,
            on_step=lambda name, what: bar.update(task, description=f"{name}: {what}"),
        )
    if as_json:
        emit_json(outcome.to_dict())
    else:
        for provider in outcome.providers:
            line = provider.line()
            (out if provider.status != "failed" else err).print(
                line, highlight=False, markup=False, soft_wrap=True
            )
            for diff in provider.diffs:
                for example in diff.examples:
                    out.print(f"  {example}", highlight=False, markup=False, soft_wrap=True)
    if not outcome.ok:
        sys.exit(1)


def reconcile_command(
    entity: Annotated[
        str | None, typer.Option("--entity", help="Only this company (e.g. Alphabet).")
    ] = None,
    differing: Annotated[
        bool, typer.Option("--differing", help="Only figures off by more than the tolerance.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
) -> None:
    """The curated financials against SEC EDGAR's figures: curated, SEC, difference, reason."""
    from bubblewatch._json import records
    from bubblewatch.data.reconcile import TOLERANCE_PCT, reconcile
    from bubblewatch.errors import SpecificationError, StoreError

    with Store.open() as store:
        financials = store.read("financials")
        metrics = store.read("sec_metrics")
    if metrics.empty:
        raise StoreError(
            "the store holds no SEC figures yet; run `bubblewatch update --only sec` first"
        )
    table = reconcile(financials, metrics)
    if entity is not None:
        known = sorted(set(table["entity"]))
        if entity not in known:
            raise SpecificationError(
                f"no SEC figures for {entity!r}; loaded: {', '.join(known) or 'none'}"
            )
        table = table[table["entity"] == entity]
    if differing:
        table = table[~table["within_tolerance"].astype(bool)]
    if as_json:
        emit_json(records(table))
        return
    agree = int(table["within_tolerance"].astype(bool).sum())
    out.print(
        f"{len(table)} curated figures: {agree} within {TOLERANCE_PCT}% of SEC, "
        f"{len(table) - agree} with a stated reason",
        highlight=False,
    )
    for row in table.itertuples(index=False):
        sec_value = "—" if row.sec_value != row.sec_value else f"{row.sec_value:,.2f}"
        line = (
            f"{row.entity} {row.metric} {row.period}: curated {row.curated_value:,.2f}, "
            f"SEC {sec_value}"
        )
        if not row.within_tolerance:
            line += f" — {row.reason}"
        out.print(line, highlight=False, markup=False, soft_wrap=True)
