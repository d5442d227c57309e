"""The claims section: every claim of the debate with its verdict and the evidence behind it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments.session import Session
from bubblewatch.claims import Verdict, ledger
from bubblewatch.report.assessment import Evidence, Section

Tables = Mapping[str, pd.DataFrame]

_LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 30, "t": 50, "b": 40}}
_COLOURS = {
    Verdict.SUPPORTED: "#2e7d32",
    Verdict.ROUGHLY_RIGHT: "#9ccc65",
    Verdict.OVERSTATED: "#ef6c00",
    Verdict.UNDERSTATED: "#6a8fd0",
    Verdict.CONTRADICTED: "#c62828",
    Verdict.NOT_VERIFIABLE: "#9e9e9e",
}


def build_claims(source: Session | Tables) -> Section:
    """The claims section, judged on ``source``'s session (the report's own) or tables."""
    book = ledger(source)
    counts = book.counts()
    claim_ids = tuple(dict.fromkeys(r.claim.source_id for r in book.results))
    evidence = tuple(
        Evidence(f"Claims judged {v.value}", float(n), "count", claim_ids)
        for v, n in counts.items()
    )
    frame = pd.DataFrame([{"section": r.claim.section, "verdict": r.verdict} for r in book.results])
    order = list(dict.fromkeys(frame["section"]))
    fig = go.Figure()
    for v in Verdict:
        per = (
            frame.loc[frame["verdict"] == v].groupby("section").size().reindex(order, fill_value=0)
        )
        fig.add_trace(go.Bar(x=order, y=per.to_numpy(), name=v.value, marker_color=_COLOURS[v]))
    fig.update_layout(
        **_LAYOUT, barmode="stack", title="Verdicts on the debate's claims, by argument"
    )
    tested = len(book.results) - counts[Verdict.NOT_VERIFIABLE]
    held = counts[Verdict.SUPPORTED] + counts[Verdict.ROUGHLY_RIGHT]
    reading = (
        f"Of {len(book.results)} claims, {tested} can be tested on public figures as of "
        f"{book.as_of:%d %B %Y} and {held} of those hold or roughly hold; "
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
