"""The compact terminal scorecard printed by ``bubblewatch report``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from bubblewatch.report.assessment import Assessment


def scorecard(assessment: Assessment) -> Table:
    """A Rich table: one row per argument with its key figure and reading."""
    book = assessment.ledger
    title = "bubblewatch scorecard"
    if book is not None:
        title += f"\nthe debate's {len(book.results)} claims: {book.tally()}"
    table = Table(
        title=title,
        caption=f"data vintage: {assessment.vintage.describe()}",
        show_lines=False,
        expand=True,
    )
    table.add_column("argument", style="bold", no_wrap=True)
    table.add_column("key figure", justify="right", no_wrap=True)
    table.add_column("reading")
    for section in assessment.sections:
        table.add_row(section.id, section.key_figure.display, section.reading)
    return table


def print_scorecard(assessment: Assessment, console: Console | None = None) -> None:
    (console or Console()).print(scorecard(assessment))
