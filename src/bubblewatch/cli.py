"""The ``bubblewatch`` command line: a thin adapter over the library.

Exit codes: 0 success, 2 bad input (unknown table, malformed CSV, unknown unit, unreadable
path, bad option), 1 any other failure. Errors print one line, never a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from bubblewatch import __version__, cli_arguments, cli_claims, cli_update
from bubblewatch._assignments import parse_floats
from bubblewatch._io import check_writable, write_text_atomic
from bubblewatch._json import emit as emit_json
from bubblewatch.arguments.credit import CreditParams
from bubblewatch.arguments.registry import section_ids
from bubblewatch.errors import (
    BubblewatchError,
    SpecificationError,
    VerificationError,
)
from bubblewatch.store import Store, display_schema, frame_to_text

app = typer.Typer(
    name="bubblewatch",
    help="Measure the AI-bubble debate on sourced data: report, data store, imports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(
    help="List, show, verify and export the store's tables.", no_args_is_help=True
)
app.add_typer(data_app, name="data")

out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    html = "html"
    md = "md"
    json = "json"


def _version(value: bool) -> None:
    if value:
        out.print(f"bubblewatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """bubblewatch: is the AI build-out a bubble? Every figure traced to its source."""


@app.command()
def report(
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the report.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="html, md or json.")] = Format.html,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Do not print the scorecard.")
    ] = False,
) -> None:
    """Build the assessment from the store and write it (default: bubblewatch-report.html)."""
    from bubblewatch.report import assess, write_report
    from bubblewatch.scorecard import print_scorecard

    target = out_path or Path(f"bubblewatch-report.{fmt.value}")
    check_writable(target)  # before the build, not after it
    with (
        Store.open() as store,
        Progress(
            TextColumn("building {task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            console=err,
            transient=True,
            disable=quiet or not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("sections", total=len(section_ids()))
        assessment = assess(
            store, progress=lambda sid: bar.update(task, advance=1, description=sid)
        )
    write_report(assessment, target, fmt.value)
    if not quiet:
        print_scorecard(assessment, out)
    err.print(f"wrote {target} ({fmt.value}); data vintage {assessment.vintage.snapshot_version}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A CSV file with the columns date,value.")],
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the series in the store.")],
    unit: Annotated[str, typer.Option("--unit", "-u", help="Unit of the values.")] = "number",
) -> None:
    """Import your own series (date,value CSV) into the store as a new vintage."""
    with Store.open() as store:
        result = store.import_series(file, name, unit)
    out.print(
        f"imported {result.rows} rows as series {result.name!r} ({result.unit}), "
        f"{result.first_date}..{result.last_date}, vintage {result.vintage_id}"
    )


@data_app.command("list")
def data_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the store's tables with row counts and vintages."""
    with Store.open() as store:
        infos = store.tables()
        vintage = store.data_vintage()
    if as_json:
        emit_json({"data_vintage": vintage.to_dict(), "tables": [i.__dict__ for i in infos]})
        return
    table = Table(title="bubblewatch store", caption=vintage.describe())
    for col in ("table", "rows", "vintage", "loaded", "description"):
        table.add_column(col)
    for i in infos:
        table.add_row(
            i.name, str(i.rows), str(i.vintage_id or "-"), i.loaded_at or "-", i.description
        )
    out.print(table)


@data_app.command("show")
def data_show(
    table: Annotated[str, typer.Argument(help="Table name (see `bubblewatch data list`).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print all rows as JSON records.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows to print (table view).", min=1)] = 20,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only rows published on or before this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Show a table's current rows, each with the date it was published."""
    when = cli_claims.parse_date(as_of)
    with Store.open() as store:
        frame = store.read(table, as_of=when)
    schema = display_schema(table)
    text = frame_to_text(frame, schema)
    if as_json:
        records = [
            {c.name: _json_value(rec[c.name], c.type) for c in schema.columns}
            for rec in text.to_dict("records")
        ]
        emit_json(records, 1, ensure_ascii=False)
        return
    known = f" known on {when:%Y-%m-%d}" if when else ""
    view = Table(title=f"{table} ({len(frame)} rows{known}; first {min(limit, len(frame))})")
    for col in schema.column_names:
        view.add_column(col, overflow="fold")
    for row in text.head(limit).itertuples(index=False):
        view.add_row(*row)
    out.print(view)


@data_app.command("changes")
def data_changes(
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            help="Vintage to compare with (default: each table's load before its latest).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows to print (table view).", min=1)] = 50,
) -> None:
    """List the figures that moved between a vintage and now: added, removed, changed."""
    with Store.open() as store:
        moved = store.changes(since)
    records = [
        {k: (None if v is pd.NA else v) for k, v in rec.items()}
        for rec in moved.astype(object).to_dict("records")
    ]
    if as_json:
        emit_json(records, 1, ensure_ascii=False)
        return
    counts = moved["status"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("changed", "added", "removed"))
    since_text = f"since vintage {since}" if since is not None else "since each table's last load"
    view = Table(title=f"changes {since_text}: {summary}")
    for col in ("table", "key", "field", "old", "new", "vintage", "status"):
        view.add_column(col, overflow="fold")
    for rec in records[:limit]:
        view.add_row(
            str(rec["table"]),
            str(rec["key"]),
            str(rec["field"]),
            "" if rec["old"] is None else str(rec["old"]),
            "" if rec["new"] is None else str(rec["new"]),
            f"{rec['old_vintage'] or '-'} -> {rec['new_vintage'] or '-'}",
            str(rec["status"]),
        )
    out.print(view)
    if len(records) > limit:
        out.print(f"... {len(records) - limit} more; all of them with --json", highlight=False)


def _json_value(value: str, kind: str) -> object:
    if value == "":
        return None
    if kind in ("float", "int"):
        return float(value)
    return value


@data_app.command("verify")
def data_verify(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fail on any row without a resolvable source, an unknown unit, or a duplicate."""
    with Store.open() as store:
        result = store.verify()
    if as_json:
        emit_json(result.to_dict(), 1)
    else:
        out.print(result.summary(), markup=False, highlight=False)
    if not result.ok:
        raise VerificationError(f"{len(result.problems)} problems found")


@data_app.command("export")
def data_export(
    table: Annotated[str, typer.Argument(help="Table name.")],
    csv_: Annotated[bool, typer.Option("--csv", help="Export as CSV (the only format).")] = False,
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Export a table's current rows as CSV."""
    if not csv_:
        raise SpecificationError("choose an export format: --csv")
    with Store.open() as store:
        text = store.export_csv(table)
    if out_path is None:
        sys.stdout.write(text)
        return
    write_text_atomic(out_path, text)
    err.print(f"wrote {out_path}")


class CvMethod(StrEnum):
    mc = "mc"
    wild = "wild"
    wild_ps = "wild-ps"


class Rule(StrEnum):
    pointwise = "pointwise"
    cummax = "cummax"
    familywise = "familywise"


class Criterion(StrEnum):
    aic = "aic"
    bic = "bic"


def _series_from_csv(path: Path, column: str | None) -> pd.Series:
    """A dated CSV's value column, read by the same parser as ``bubblewatch import``."""
    from bubblewatch.data.series_csv import parse_series_csv
    from bubblewatch.errors import InputPathError

    try:
        payload = path.read_bytes()
    except OSError as exc:
        raise InputPathError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_series_csv(payload, origin=str(path), column=column)


def _series_from_store(name: str) -> pd.Series:
    import pandas as pd

    from bubblewatch.arguments.markets import MarketsParams
    from bubblewatch.frames import market_series
    from bubblewatch.models.market import PSY_SERIES, psy_inputs

    with Store.open() as store:
        market = store.read("market")
        user = store.read("series")
    if name in PSY_SERIES:
        # The markets argument's series, on its default start and basket.
        p = MarketsParams()
        return psy_inputs(market, start=p.psy_start, tickers=p.tickers, names=(name,))[name][0]
    tickers = sorted(set(market.loc[market["field"] == "adj_close", "series"]))
    if name.upper() in tickers:
        prices, _ = market_series(market, name.upper(), "adj_close")
        return np.log(prices.set_axis(prices.index.to_period("M"))).rename(f"{name.upper()} (log)")
    if name in set(user["name"]):
        rows = user.loc[user["name"] == name]
        return pd.Series(
            rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"]), name=name
        )
    known = [*PSY_SERIES, *tickers, *sorted(set(user["name"]))]
    raise SpecificationError(
        f"{name!r} is neither a CSV file nor a known series; known series: {', '.join(known)}"
    )


@app.command("psy")
def psy_command(
    series: Annotated[
        str,
        typer.Argument(
            help="A series name (nasdaq, sp500-pd, ai-basket, a ticker such as NVDA, or a "
            "series you imported) or a CSV file with dates in the first column."
        ),
    ],
    column: Annotated[
        str | None, typer.Option("--column", "-c", help="CSV column to test.")
    ] = None,
    lags: Annotated[
        int, typer.Option("--lags", "-k", help="Lagged differences (maximum with --lag-selection).")
    ] = 0,
    lag_selection: Annotated[
        Criterion | None,
        typer.Option("--lag-selection", help="Choose the lag per window by aic or bic."),
    ] = None,
    min_window: Annotated[
        int | None,
        typer.Option("--min-window", help="Minimum window in observations (default PSY's rule)."),
    ] = None,
    cv: Annotated[
        CvMethod, typer.Option("--cv", help="Critical values: mc, wild or wild-ps.")
    ] = CvMethod.mc,
    reps: Annotated[
        int, typer.Option("--reps", "-r", help="Replications for the critical values.")
    ] = 2000,
    seed: Annotated[
        int | None, typer.Option("--seed", "-s", help="Seed of the simulation.", min=0)
    ] = None,
    level: Annotated[float, typer.Option("--level", help="0.90, 0.95 or 0.99.")] = 0.95,
    rule: Annotated[
        Rule, typer.Option("--rule", help="BSADF critical-value rule for dating.")
    ] = Rule.pointwise,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Test a series for explosive episodes (PSY GSADF) and date-stamp them."""
    from bubblewatch.detect import psy

    path = Path(series)
    if path.suffix.lower() == ".csv" or path.exists():
        y = _series_from_csv(path, column)
    else:
        if column is not None:
            raise SpecificationError("--column applies to CSV files only")
        y = _series_from_store(series)
    result = psy.test(
        y,
        min_window=min_window,
        lags=lags,
        lag_selection=lag_selection.value if lag_selection else None,
    )
    with Progress(
        TextColumn("simulating critical values"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("reps", total=reps)
        values = psy.critical_values(
            result.nobs,
            min_window=result.min_window,
            lags=result.lags,
            lag_selection=result.lag_selection,
            method=cv.value,
            reps=reps,
            seed=seed,
            y=None if cv is CvMethod.mc else y,
            progress=lambda done: bar.update(task, advance=done),
        )
    stamps = psy.datestamp(result, values, level, rule=rule.value)
    if as_json:
        payload = {
            "result": result.to_dict(),
            "critical_values": {
                k: v
                for k, v in values.to_dict().items()
                if k not in ("badf", "bsadf_cummax", "bsadf_pointwise")
            },
            "p_values": {
                "sadf": values.pvalue(result.sadf, "sadf"),
                "gsadf": values.pvalue(result.gsadf, "gsadf"),
            },
            "episodes": stamps.to_dict(),
        }
        emit_json(payload)
        return
    sys.stdout.write(f"{result.summary(values)}\n\n{stamps.summary()}\n")


class FilterName(StrEnum):
    sornette2015 = "sornette2015"
    shu2020 = "shu2020"
    lppls = "lppls"


class Definition(StrEnum):
    windows = "windows"
    lppls = "lppls"


def _daily_series(name: str) -> pd.Series:
    import pandas as pd

    from bubblewatch.arguments.markets import MarketsParams
    from bubblewatch.models.market import DAILY_SERIES, daily_inputs

    with Store.open() as store:
        market = store.read("market")
        user = store.read("series")
    if name in DAILY_SERIES:
        # The markets argument's daily series, on its default basket.
        return daily_inputs(market, tickers=MarketsParams().tickers, names=(name,))[name][0]
    daily = market.loc[market["field"] == "daily_adj_close"]
    tickers = sorted(set(daily["series"]))
    if name.upper() in tickers:
        rows = daily.loc[daily["series"] == name.upper()]
        return pd.Series(
            rows["value"].to_numpy(dtype=float),
            index=pd.DatetimeIndex(rows["date"]),
            name=name.upper(),
        ).sort_index()
    if name in set(user["name"]):
        rows = user.loc[user["name"] == name]
        return pd.Series(
            rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["date"]), name=name
        )
    known = [*DAILY_SERIES, *tickers, *sorted(set(user["name"]))]
    raise SpecificationError(
        f"{name!r} is neither a CSV file nor a known daily series; known series: {', '.join(known)}"
    )


@app.command("lppls")
def lppls_command(
    series: Annotated[
        str,
        typer.Argument(
            help="A daily series (nasdaq, ai-basket, a ticker such as NVDA, or a series you "
            "imported) or a CSV file with dates in the first column."
        ),
    ],
    column: Annotated[str | None, typer.Option("--column", "-c", help="CSV column to fit.")] = None,
    confidence: Annotated[
        bool,
        typer.Option("--confidence", help="Compute the confidence indicator, not one fit."),
    ] = False,
    window: Annotated[
        int,
        typer.Option("--window", "-w", help="Observations in the single fit (the most recent)."),
    ] = 500,
    filters: Annotated[
        FilterName, typer.Option("--filters", help="Search space and filter conditions.")
    ] = FilterName.sornette2015,
    definition: Annotated[
        Definition, typer.Option("--definition", help="Indicator denominator.")
    ] = Definition.windows,
    max_window: Annotated[
        int | None, typer.Option("--max-window", help="Longest window (observations).")
    ] = None,
    min_window: Annotated[
        int | None, typer.Option("--min-window", help="Shortest window (observations).")
    ] = None,
    window_step: Annotated[
        int | None, typer.Option("--window-step", help="Step between window lengths.")
    ] = None,
    end_step: Annotated[
        int, typer.Option("--end-step", help="Observations between end dates.")
    ] = 5,
    recent: Annotated[
        int,
        typer.Option("--recent", help="End dates over this many most recent observations."),
    ] = 250,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Threads (default: all).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed of the search grid.", min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fit the LPPLS bubble model, or compute its confidence indicator."""
    from bubblewatch.detect import lppls

    path = Path(series)
    if path.suffix.lower() == ".csv" or path.exists():
        prices = _series_from_csv(path, column)
    else:
        if column is not None:
            raise SpecificationError("--column applies to CSV files only")
        prices = _daily_series(series)
    if not confidence:
        if window < 1:
            raise SpecificationError(f"--window must be positive, got {window}")
        fit = lppls.fit(prices.iloc[-window:], filters=filters.value, seed=seed)
        if as_json:
            emit_json(fit.to_dict())
        else:
            sys.stdout.write(fit.summary() + "\n")
        return
    since = max(len(prices) - recent, 0) if recent > 0 else 0
    with Progress(
        TextColumn("fitting windows"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} end dates"),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("ends", total=None)
        conf = lppls.confidence(
            prices,
            max_window=max_window,
            min_window=min_window,
            window_step=window_step,
            end_step=end_step,
            since=since,
            filters=filters.value,
            definition=definition.value,
            workers=workers,
            seed=seed,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        emit_json(conf.to_dict())
        return
    frame = conf.to_frame()
    out.print(
        f"LPPLS confidence ({conf.filters} filters, windows {conf.windows[0]}-{conf.windows[1]} "
        f"step {conf.windows[2]}, {conf.definition} definition)"
    )
    out.print(frame.tail(12).to_string(float_format=lambda v: f"{v:.3f}"))


@app.command("market")
def market_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Drawdowns against history and valuation levels against theirs."""
    from bubblewatch.arguments.markets import MarketsParams
    from bubblewatch.models.market import context

    with Store.open() as store:
        market = store.read("market")
    ctx = context(market, MarketsParams().tickers)
    if as_json:
        emit_json(ctx.to_dict())
        return
    for line in ctx.readings():
        out.print(f"- {line}")
    for r in ctx.forward_pe.itertuples():
        out.print(
            f"- Nasdaq-100 forward P/E {r.value:.1f} on {r.date:%d %B %Y} (source: {r.source_id})"
        )


@app.command("gpu-life")
def gpu_life_command(
    price_path: Annotated[
        str | None,
        typer.Option(
            "--price-path",
            help="observed (default), generational, flat or explicit (with --prices).",
        ),
    ] = None,
    prices: Annotated[
        str | None, typer.Option("--prices", help="USD per GPU-hour for years 1, 2, ...")
    ] = None,
    assumption: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override an assumption: NAME=VALUE (repeatable)."),
    ] = None,
    years: Annotated[
        int | None,
        typer.Option(
            "--years", help="Years of life to model (default: the depreciation argument's)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Economic life of an H100-class GPU, and a fleet cascaded from training to inference."""
    from bubblewatch.arguments.depreciation import PRICE_PATHS, DepreciationParams
    from bubblewatch.models.gpu import assumptions as gpu_assumptions
    from bubblewatch.models.gpu import defaults, fleet

    params = DepreciationParams() if years is None else DepreciationParams(gpu_years=years)
    path = price_path or PRICE_PATHS[0]
    overrides = gpu_assumptions.parse_assignments(assumption or [])
    if prices and path != "explicit":
        raise SpecificationError("--prices needs --price-path explicit")
    with Store.open() as store:
        table = store.read("accelerators")
    life = defaults.gpu_life(
        table,
        price_path=path,
        prices=parse_floats(prices, "--prices") if prices else None,
        overrides=overrides,
        years=params.gpu_years,
    )
    scenario, fleet_inputs = defaults.default_fleet(table, overrides=overrides)
    cascade = fleet.simulate(scenario)
    if as_json:
        payload = {
            "accelerator": life.to_dict(),
            "fleet": cascade.to_dict(),
            "fleet_assumptions": [a.to_dict() for a in fleet_inputs.values()],
        }
        emit_json(payload)
        return
    out.print(life.summary(), highlight=False, soft_wrap=True)
    out.print(
        life.table.to_string(float_format=lambda v: f"{v:,.2f}"), highlight=False, soft_wrap=True
    )
    out.print("\nAssumptions:")
    out.print(life.assumptions_table().to_string(index=False), highlight=False, soft_wrap=True)
    out.print("")
    out.print(cascade.summary(), highlight=False, soft_wrap=True)


@app.command("deals")
def deals_command(
    since: Annotated[
        str | None, typer.Option("--since", help="First deal date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last deal date (YYYY-MM-DD).")
    ] = None,
    deal_type: Annotated[
        list[str] | None, typer.Option("--type", help="Deal type(s) to keep (repeatable).")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="binding, announced or letter_of_intent (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The AI deal network: money loops, self-financed sales and the circular share of flows."""
    import re

    from bubblewatch.arguments.circularity import CircularityParams
    from bubblewatch.models import financing

    for value in (since, until):
        if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise SpecificationError(f"dates must be YYYY-MM-DD, got {value!r}")
    try:
        first = pd.Timestamp(since) if since else None
        last = pd.Timestamp(until) if until else None
    except ValueError as exc:
        raise SpecificationError(f"dates must be YYYY-MM-DD: {exc}") from exc
    if first is not None and last is not None and first > last:
        raise SpecificationError("--since is after --until")
    with Store.open() as store:
        deals = store.read("deals")
    rows = financing.select(deals, since=since, until=until, types=deal_type, statuses=status)
    net = financing.view(rows, max_length=CircularityParams().max_loop_length)
    if as_json:
        emit_json(net.to_dict())
        return
    out.print(
        f"{net.deals} deals, {net.firms} firms; {net.share:.1%} of the money flow goes "
        "round loops (greedy cycle cancellation).",
        highlight=False,
        soft_wrap=True,
    )
    for c in net.loops[:15]:
        amounts = ", ".join(f"{a:,.1f}" for a in c.amounts)
        out.print(
            f"  {c.label()}: ${c.bottleneck:,.1f}bn can go round ({amounts})",
            highlight=False,
            soft_wrap=True,
        )
    if not net.sales.empty:
        out.print(
            net.sales.drop(columns="sources").to_string(float_format=lambda v: f"{v:,.2f}"),
            highlight=False,
            soft_wrap=True,
        )


_CREDIT = CreditParams()


@app.command("stress")
def stress_command(
    shock: Annotated[
        list[str] | None,
        typer.Option(
            "--shock",
            help=f"FIRM=SHARE it fails to pay this year (default {_CREDIT.shocks}; repeatable).",
        ),
    ] = None,
    buffer: Annotated[
        list[str] | None, typer.Option("--buffer", help="FIRM=USD bn of buffer (repeatable).")
    ] = None,
    other_buffer: Annotated[
        float | None,
        typer.Option(
            "--other-buffer",
            help=f"Buffer (USD bn) of firms without data (default {_CREDIT.other_buffer:g}).",
        ),
    ] = None,
    default_term: Annotated[
        float | None,
        typer.Option(
            "--default-term",
            help=f"Years over which undated deals are owed (default {_CREDIT.default_term:g}).",
        ),
    ] = None,
    all_statuses: Annotated[
        bool,
        typer.Option("--all-statuses", help="Count announced deals and letters of intent too."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Eisenberg-Noe clearing and DebtRank on a year's obligations of the deal network (the
    stress of the ``credit`` argument, with its knobs as defaults)."""
    from bubblewatch.arguments import Session, get
    from bubblewatch.arguments.credit import MAX_BUFFER
    from bubblewatch.models import financing

    if other_buffer is not None and not 0 <= other_buffer <= MAX_BUFFER:  # NaN fails too
        raise SpecificationError(f"--other-buffer must be between 0 and {MAX_BUFFER:g} (USD bn)")
    session = Session.open(get("credit").tables)
    params = session.params(
        "credit",
        shocks=",".join(shock) if shock else None,
        buffers=",".join(buffer) if buffer else None,
        other_buffer=other_buffer,
        default_term=default_term,
        statuses=",".join(financing.STATUSES) if all_statuses else None,
    )
    result = session.result("credit", params).detail.stress
    if as_json:
        emit_json(result.to_dict())
        return
    out.print(result.summary(), highlight=False, soft_wrap=True)


@app.command("revenue-gap")
def revenue_gap_command(
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="NAME=LOW:HIGH[:MODE] range for one input (repeatable)."),
    ] = None,
    draws: Annotated[int | None, typer.Option("--draws", help="Monte Carlo draws.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", "-s", help="Seed of the draws.")] = None,
    close_by: Annotated[
        int | None, typer.Option("--close-by", help="Year by which revenue should close the gap.")
    ] = None,
    assignments: Annotated[
        list[str] | None,
        typer.Option("--set", help="Any knob of the roi argument as NAME=VALUE (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Sequoia's revenue gap reproduced, a seeded Monte Carlo over its inputs, and OpenAI's commitments."""
    from bubblewatch.arguments import Session, get
    from bubblewatch.arguments.roi import RoiDetail

    session = Session.open(get("roi").tables)
    params = session.params(
        "roi",
        list(assignments or []),
        draws=draws,
        seed=seed,
        close_by=close_by,
        ranges=",".join(param) if param else None,
    )
    result = session.result("roi", params)
    d: RoiDetail = result.detail
    if as_json:
        emit_json({"params": params.to_dict(), **d.to_dict()})
        return
    for year, row in d.sequoia.iterrows():
        out.print(
            f"Sequoia {year}: ${row['accelerator_spend_usd_bn']:,.0f}bn x {row['datacenter_multiple']:g} "
            f"x {row['margin_multiple']:g} = ${row['required_recomputed_usd_bn']:,.0f}bn "
            f"(published ${row['required_published_usd_bn']:,.0f}bn); gap ${row['gap_published_usd_bn']:,.0f}bn",
            highlight=False,
            soft_wrap=True,
        )
    q, growth = d.quantiles, d.growth_to_close
    out.print(
        f"Monte Carlo ({d.simulation.draws.shape[0]:,} draws, seed {d.simulation.seed}): required "
        f"revenue ${q.loc[0.05, 'required_revenue_usd_bn']:,.0f}-"
        f"{q.loc[0.95, 'required_revenue_usd_bn']:,.0f}bn "
        f"(90%), gap ${q.loc[0.5, 'gap_usd_bn']:,.0f}bn at the median",
        highlight=False,
        soft_wrap=True,
    )
    closing = (
        f"Closing the median gap by {growth['by']} needs AI revenue to grow "
        f"{growth['yearly']:.0%} a year."
    )
    o = d.openai
    if o is not None:
        run_rate = o["run_rate_end_2025_usd_bn"]
        closing += (
            f" OpenAI: ${o['commitments_usd_bn']:,.0f}bn of commitments over {o['term_years']} "
            f"years (${o['yearly_commitments_usd_bn']:,.0f}bn a year)"
            + (f" against a ${run_rate:,.0f}bn run-rate at end-2025." if run_rate else ".")
        )
    out.print(closing, highlight=False, soft_wrap=True)
    now = d.current
    if now is not None:
        out.print(
            f"On the latest figures: NVIDIA data-centre revenue of ${now['accelerator_spend_usd_bn']:,.1f}bn "
            f"({now['spend_period']}) x {now['datacenter_multiple']:g} x {now['margin_multiple']:g} "
            f"needs ${now['required_revenue_usd_bn']:,.0f}bn of revenue; the "
            f"sourced AI revenues in the store add to ${now['sourced_ai_revenue_usd_bn']:,.0f}bn (a partial "
            f"count), a gap of up to ${now['gap_usd_bn']:,.0f}bn.",
            highlight=False,
            soft_wrap=True,
        )
    if d.coverage is not None and d.revenue_path is not None and o is not None:
        out.print(
            "OpenAI revenue path (actual, projected, interpolated) against "
            f"${o['yearly_commitments_usd_bn']:,.0f}bn a year:",
            highlight=False,
        )
        for year, row in d.coverage.table.dropna().iterrows():
            out.print(
                f"  {year}: ${row['revenue_usd_bn']:,.1f}bn ({d.revenue_path.loc[year, 'kind']}), "
                f"{row['revenue_over_commitments']:.0%} of the year's commitments",
                highlight=False,
            )
    for name, r in d.ranges.items():
        out.print(
            f"  {name}: {r.low:g}-{r.high:g}"
            + (f" (mode {r.mode:g})" if r.mode is not None else ""),
            highlight=False,
        )


app.command("claims")(cli_claims.claims_command)
app.command("update")(cli_update.update_command)
data_app.command("reconcile")(cli_update.reconcile_command)
cli_arguments.add_commands(app)  # one command per registered argument


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning every error into one line and an exit code.

    Usage errors are reported by the command-line parser itself (exit 2).
    """
    try:
        cli_arguments.add_commands(app)
        app(args=argv, prog_name="bubblewatch")
    except BubblewatchError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:
        sys.stderr.write(f"internal error: {type(exc).__name__}: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
