"""The compact terminal scorecard printed by ``bubblewatch report``: the bottom line and the
scoreboard (one row per argument: indicator, value now, its own history, signal and rule)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bubblewatch.arguments.result import Lean
from bubblewatch.report.assessment import Assessment
from bubblewatch.report.scoreboard import DISCLAIMER, OVERALL_RULE
from bubblewatch.report.through import describe

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
        caption=(
            f"{DISCLAIMER} {OVERALL_RULE}\n"
            + "; ".join(
                part
                for part in (
                    describe(assessment.data_through),
                    f"data vintage: {assessment.vintage.describe()}",
                )
                if part
            )
        ),
        show_lines=True,
        expand=True,
    )
    # The signal's word never breaks ("bubble-leaning" is 14 wide); the indicator sits under
    # the argument's id and the rule under the history, so a 100-column terminal reads it.
    table.add_column("argument", min_width=14, ratio=2)
    table.add_column("now", justify="right", no_wrap=True)
    table.add_column("signal", no_wrap=True, min_width=14)
    table.add_column("in its own history, and the rule", ratio=4)
    table.add_column("claims", ratio=2)
    for row in board.rows:
        argument = Text(row.id, style="bold")
        argument.append(f"\n{row.indicator}", style="dim")
        signal = Text(row.signal, style=_STYLES.get(row.lean, "dim") if row.lean else "dim")
        history = Text(row.history)
        if row.rule:
            history.append(f"\nRule: {row.rule}", style="dim")
        table.add_row(argument, row.value, signal, history, row.claims)
    return table


def print_scorecard(assessment: Assessment, console: Console | None = None) -> None:
    (console or Console()).print(scorecard(assessment))
