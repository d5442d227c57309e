"""The claims section: every claim of the debate with its verdict and the evidence behind it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments.session import Session
from bubblewatch.charts import style
from bubblewatch.claims import Verdict, ledger
from bubblewatch.claims.ledger import Ledger
from bubblewatch.report.assessment import Evidence, Section

Tables = Mapping[str, pd.DataFrame]

_COLOURS = {
    Verdict.SUPPORTED: "#2e7d32",
    Verdict.ROUGHLY_RIGHT: "#9ccc65",
    Verdict.OVERSTATED: "#ef6c00",
    Verdict.UNDERSTATED: "#6a8fd0",
    Verdict.CONTRADICTED: "#c62828",
    Verdict.NOT_VERIFIABLE: "#9e9e9e",
}


def _label(section: str) -> str:
    """``roi`` -> ``ROI``, ``markets`` -> ``Markets``: an argument's id as an axis label."""
    return section.upper() if len(section) <= 3 else section.capitalize()


def verdicts_figure(book: Ledger) -> go.Figure:
    """The verdicts on the debate's claims, stacked by argument; the title states how many of the
    testable claims hold."""
    frame = pd.DataFrame(
        [{"section": _label(r.claim.section), "verdict": r.verdict} for r in book.results]
    )
    order = list(dict.fromkeys(frame["section"])) if len(frame) else []
    fig = go.Figure()
    for v in Verdict:
        per = (
            frame.loc[frame["verdict"] == v].groupby("section").size().reindex(order, fill_value=0)
            if len(frame)
            else pd.Series(dtype=int)
        )
        if int(per.sum()) == 0:
            continue  # a verdict no claim received has no mark (the title counts it)
        fig.add_trace(
            go.Bar(
                y=order,
                x=per.to_numpy(),
                orientation="h",
                name=f"{v.value.capitalize()} ({int(per.sum())})",
                marker_color=_COLOURS[v],
                hovertemplate="%{y}: %{x} claim(s)<extra>" + v.value + "</extra>",
            )
        )
    counts = book.counts()
    tested = len(book.results) - counts[Verdict.NOT_VERIFIABLE]
    held = counts[Verdict.SUPPORTED] + counts[Verdict.ROUGHLY_RIGHT]
    off = [
        f"{counts[v]} {v.value} ("
        + ", ".join(r.claim.claim_id for r in book.results if r.verdict is v)
        + ")"
        for v in (Verdict.OVERSTATED, Verdict.UNDERSTATED, Verdict.CONTRADICTED)
        if counts[v]
    ]
    title = f"{held} of the {tested} testable claims hold or roughly hold" + (
        f"; {', '.join(off)}" if off else ""
    )
    style(
        fig,
        title=title,
        x_title="Claims (count)",
        y_title="Argument",
        height=140 + 30 * max(len(order), 1),
    )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    if len(frame) and int(frame.groupby("section").size().max()) <= 10:
        fig.update_xaxes(dtick=1)  # whole claims
    return fig


def build_claims(source: Session | Tables) -> Section:
    """The claims section, judged on ``source``'s session (the report's own) or tables."""
    book = ledger(source)
    counts = book.counts()
    claim_ids = tuple(dict.fromkeys(r.claim.source_id for r in book.results))
    evidence = tuple(
        Evidence(f"Claims judged {v.value}", float(n), "count", claim_ids)
        for v, n in counts.items()
    )
    fig = verdicts_figure(book)
    tested = len(book.results) - counts[Verdict.NOT_VERIFIABLE]
    held = counts[Verdict.SUPPORTED] + counts[Verdict.ROUGHLY_RIGHT]
    reading = (
        f"Of {len(book.results)} claims, {tested} can be tested on public figures as of "
        f"{book.as_of.day} {book.as_of:%B %Y} and {held} of those hold or roughly hold; "
        f"{counts[Verdict.OVERSTATED]} are overstated ({', '.join(r.claim.claim_id for r in book.results if r.verdict is Verdict.OVERSTATED) or 'none'}), "
        f"{counts[Verdict.UNDERSTATED]} understated and {counts[Verdict.CONTRADICTED]} contradicted."
    )
    return Section(
        "claims",
        "The claims ledger",
        "Which of the debate's figures hold up?",
        reading,
        evidence,
        fig,
        extra_source_ids=book.source_ids,
        detail=book,
    )
