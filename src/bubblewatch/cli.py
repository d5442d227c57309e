"""The ``bubblewatch`` command line: a thin adapter over the library.

Exit codes: 0 success, 2 bad input (unknown table, malformed CSV, unknown unit, unreadable
path, bad option), 1 any other failure. Errors print one line, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from bubblewatch import __version__
from bubblewatch._io import write_text_atomic
from bubblewatch._typing import SECTION_IDS
from bubblewatch.data import SCHEMAS
from bubblewatch.errors import (
    BubblewatchError,
    SpecificationError,
    VerificationError,
)
from bubblewatch.store import Store, frame_to_text

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
        task = bar.add_task("sections", total=len(SECTION_IDS))
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
        out.print_json(
            json.dumps({"data_vintage": vintage.to_dict(), "tables": [i.__dict__ for i in infos]})
        )
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
) -> None:
    """Show a table's current rows."""
    with Store.open() as store:
        frame = store.read(table)
    schema = SCHEMAS[table]
    text = frame_to_text(frame, schema)
    if as_json:
        records = [
            {c.name: _json_value(rec[c.name], c.type) for c in schema.columns}
            for rec in text.to_dict("records")
        ]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
        return
    view = Table(title=f"{table} ({len(frame)} rows; first {min(limit, len(frame))})")
    for col in schema.column_names:
        view.add_column(col, overflow="fold")
    for row in text.head(limit).itertuples(index=False):
        view.add_row(*row)
    out.print(view)


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
        sys.stdout.write(json.dumps(result.to_dict(), indent=1) + "\n")
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


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning every error into one line and an exit code.

    Usage errors are reported by the command-line parser itself (exit 2).
    """
    try:
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
