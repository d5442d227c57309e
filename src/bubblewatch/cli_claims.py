"""The ``bubblewatch claims`` command: the debate's claims, each with a verdict and its evidence."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bubblewatch._json import emit as emit_json
from bubblewatch.data import SCHEMAS
from bubblewatch.errors import SpecificationError
from bubblewatch.store import Store

out = Console()


def parse_date(text: str | None) -> date | None:
    """``"2025-11-15"`` as a date; None stays None; anything else is a SpecificationError."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise SpecificationError(f"--as-of needs a date as YYYY-MM-DD, got {text!r}") from exc


def claims_command(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge with the figures known on this date (YYYY-MM-DD; default: the latest).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every claim of the debate with a verdict, the evidence and its sources."""
    from bubblewatch.claims import SCALE, ledger

    when = parse_date(as_of)
    with Store.open() as store:
        tables = {name: store.read(name) for name in SCHEMAS if name != "series"}
    book = ledger(tables, when)
    if as_json:
        emit_json(book.to_dict())
        return
    table = Table(
        title=f"The debate's claims as of {book.as_of:%Y-%m-%d}: {book.tally()}",
        show_lines=True,
        expand=True,
    )
    table.add_column("claim", no_wrap=True)
    table.add_column("speaker")
    table.add_column("verdict (on claim date → now)")
    table.add_column("why")
    for r in book.results:
        verdict = r.verdict.value
        if r.then.verdict is not r.verdict:
            verdict = f"{r.then.verdict.value} → {verdict}"
        table.add_row(r.claim.claim_id, r.claim.speaker, verdict, r.now.reason)
    out.print(table)
    out.print("Scale:", highlight=False)
    for v, text in SCALE.items():
        out.print(f"  {v.value}: {text}", highlight=False)
    out.print("Evidence and sources for each claim: bubblewatch claims --json", highlight=False)
