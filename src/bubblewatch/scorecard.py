"""The compact terminal scorecard printed by ``bubblewatch report``: the bottom line and the
scoreboard (one row per argument: indicator, value now, its own history, signal and rule)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bubblewatch.arguments.result import Lean
from bubblewatch.report.assessment import Assessment
from bubblewatch.report.scoreboard import DISCLAIMER, OVERALL_RULE

_STYLES = {Lean.BUBBLE: "bold red", Lean.BOOM: "bold green", Lean.NEUTRAL: "bold"}


def scorecard(assessment: Assessment) -> Table:
    """A Rich table: one row per argument with its signal; the bottom line in its title."""
    board = assessment.scoreboard()
    book = assessment.ledger
    title = f"bubblewatch scorecard\nBottom line: {board.overall.text}"
    if book is not None:
        title += f"\nthe debate's {len(book.results)} claims: {book.tally()}"
    table = Table(
        title=title,
        caption=f"{DISCLAIMER} {OVERALL_RULE}\ndata vintage: {assessment.vintage.describe()}",
        show_lines=True,
        expand=True,
    )
    table.add_column("argument", style="bold", no_wrap=True)
    table.add_column("indicator")
    table.add_column("now", justify="right", no_wrap=True)
    table.add_column("in its own history")
    table.add_column("signal and rule")
    table.add_column("claims")
    for row in board.rows:
        signal = Text(row.signal, style=_STYLES.get(row.lean, "dim") if row.lean else "dim")
        if row.rule:
            signal.append(f"\n{row.rule}", style="dim")
        table.add_row(row.id, row.indicator, row.value, row.history, signal, row.claims)
    return table


def print_scorecard(assessment: Assessment, console: Console | None = None) -> None:
    (console or Console()).print(scorecard(assessment))
