"""Render an :class:`Assessment` as one self-contained HTML file, Markdown or JSON."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from bubblewatch._io import write_text_atomic
from bubblewatch._typing import ReportFormat
from bubblewatch.arguments.result import format_value
from bubblewatch.claims import SCALE, Ledger
from bubblewatch.errors import ReportError
from bubblewatch.report.assessment import Assessment, Evidence, Section
from bubblewatch.report.embed import CHART_CSS, charts_html, plotly_script

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:0 auto;
padding:1.5rem;color:#1d1d1f;line-height:1.45}
header{border-bottom:2px solid #c0392b;margin-bottom:1rem}
nav a{margin-right:.8rem}
section{border-top:1px solid #ddd;padding-top:1rem;margin-top:1.5rem}
.question{color:#555;font-style:italic}
.reading{font-size:1.1rem;background:#f6f6f8;padding:.7rem 1rem;border-left:4px solid #c0392b}
table.evidence{border-collapse:collapse;width:100%;margin:.5rem 0}
table.evidence td{border-bottom:1px solid #eee;padding:.3rem .5rem;vertical-align:top}
td.value{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
sup a{text-decoration:none;font-size:.75rem}
.vintage{color:#444;font-size:.9rem}
table.claims{border-collapse:collapse;font-size:.85rem}
table.claims td,table.claims th{border:1px solid #ddd;padding:.25rem .4rem;vertical-align:top}
footer li{margin-bottom:.3rem;font-size:.85rem}
#synthesis li{margin-bottom:.35rem}
.wide{overflow-x:auto;max-width:100%}
.tally{color:#555;font-size:.85rem}
.verdict{font-weight:600;white-space:nowrap}
table.ledger td ul{margin:0;padding-left:1rem}
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cite(ev: Evidence, numbers: dict[str, int]) -> str:
    return "".join(
        f'<sup><a class="cite" href="#src-{_esc(sid)}" title="source {_esc(sid)}">[{numbers[sid]}]</a></sup>'
        for sid in ev.source_ids
    )


def _section_html(section: Section, assessment: Assessment, numbers: dict[str, int]) -> str:
    rows = "".join(
        f'<tr class="figure" data-sources="{_esc(" ".join(ev.source_ids))}"><td>{_esc(ev.label)}</td>'
        f'<td class="value"><a href="#src-{_esc(ev.source_ids[0])}">{_esc(ev.display)}</a>{_cite(ev, numbers)}</td></tr>'
        for ev in section.evidence
    )
    table = ""
    if section.table is not None:
        table = _table_html(section.table)
    if section.id == "claims" and section.detail is not None:
        table += _ledger_html(section.detail, numbers)
    for title, frame in section.tables:
        table += f"<h3>{_esc(title)}</h3>{_table_html(frame)}"
    cited = "".join(
        f'<li><a href="#src-{_esc(sid)}">[{numbers[sid]}]</a> {_esc(assessment.source(sid)["publisher"])}: '
        f"{_esc(assessment.source(sid)['title'])}</li>"
        for sid in section.source_ids
    )
    return (
        f'<section id="{section.id}"><h2>{_esc(section.title)}</h2>'
        f'<p class="question">{_esc(section.question)}</p>'
        f'<p class="reading">{_esc(section.reading)}</p>'
        f'<div class="wide"><table class="evidence">{rows}</table></div>'
        f"{charts_html(section.id, section.figures)}{table}"
        f"<details><summary>Sources for this section</summary><ul>{cited}</ul></details></section>"
    )


def _sups(source_ids: tuple[str, ...], numbers: dict[str, int]) -> str:
    return "".join(
        f'<sup><a class="cite" href="#src-{_esc(sid)}">[{numbers[sid]}]</a></sup>'
        for sid in source_ids
    )


def _ledger_html(book: Ledger, numbers: dict[str, int]) -> str:
    """Every claim: who, what, the verdict then and now, why, and each evidence figure cited."""
    rows = []
    for r in book.results:
        figures = "".join(
            f"<li>{_esc(f.label)}{' (' + _esc(f.period) + ')' if f.period else ''}: "
            f"{_esc(format_value(f.value, f.unit))}{_sups(f.source_ids, numbers)}</li>"
            for f in r.now.evidence
        )
        verdict = _esc(r.verdict.value)
        if r.then.verdict is not r.verdict:
            verdict += f"<br><span class='tally'>on {r.claim.date:%Y-%m-%d}: {_esc(r.then.verdict.value)}</span>"
        rows.append(
            f'<tr id="claim-{_esc(r.claim.claim_id)}" data-verdict="{_esc(r.verdict.value)}">'
            f"<td>{_esc(r.claim.claim_id)}</td><td>{_esc(r.claim.speaker)}</td>"
            f"<td>{_esc(r.claim.text)}{_sups((r.claim.source_id,), numbers)}</td>"
            f'<td class="verdict">{verdict}</td><td>{_esc(r.now.reason)}</td>'
            f"<td><ul>{figures}</ul></td></tr>"
        )
    scale = "".join(f"<li><b>{_esc(v.value)}</b>: {_esc(text)}</li>" for v, text in SCALE.items())
    return (
        f"<h3>Every claim, as of {book.as_of:%Y-%m-%d}</h3>"
        '<div class="wide"><table class="claims ledger"><thead><tr><th>id</th><th>speaker</th>'
        "<th>claim</th><th>verdict</th><th>why</th><th>evidence</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f"<details><summary>The verdict scale</summary><ul>{scale}</ul></details>"
    )


def _synthesis_html(assessment: Assessment) -> str:
    items = "".join(
        f'<li><a href="#{_esc(row["section"])}">{_esc(row["title"])}</a>: {_esc(row["line"])}'
        + (f' <span class="tally">Claims: {_esc(row["claims"])}.</span>' if row["claims"] else "")
        + "</li>"
        for row in assessment.synthesis()
    )
    return (
        '<div id="synthesis" class="synthesis"><h2>Bubble or boom: what the data say now</h2>'
        '<p class="question">One line per argument, each linked to its section. A reading of '
        "public data, not investment advice.</p>"
        f"<ol>{items}</ol></div>"
    )


#: How many moved figures the report lists; ``bubblewatch data changes`` lists them all.
CHANGES_SHOWN = 25


def _changes_rows(assessment: Assessment) -> tuple[str, list[dict[str, str]]]:
    """A sentence on what moved since the previous vintage, and the first rows of it."""
    moved = assessment.changes
    if moved is None or moved.empty:
        return (
            "No figure has moved since the previous vintage: each table holds the load it "
            'was first given; "bubblewatch update" adds a vintage per provider.',
            [],
        )
    counts = moved.groupby("table").size()
    head = (
        f"{len(moved)} figures moved since the previous vintage ("
        + ", ".join(f"{table} {n}" for table, n in counts.items())
        + '); "bubblewatch data changes" lists every one.'
    )
    rows = [
        {
            "table": str(r.table),
            "figure": str(r.key) + (f" · {r.field}" if r.field else ""),
            "was": "" if r.old is None or r.old != r.old else str(r.old),
            "now": "" if r.new is None or r.new != r.new else str(r.new),
            "change": (
                f"changed, vintage {r.old_vintage} → {r.new_vintage}"
                if r.status == "changed"
                else f"{r.status} in vintage {r.new_vintage}"
            ),
        }
        for r in moved.head(CHANGES_SHOWN).itertuples(index=False)
    ]
    return head, rows


def _changes_html(assessment: Assessment) -> str:
    head, rows = _changes_rows(assessment)
    table = _table_html(pd.DataFrame(rows)) if rows else ""
    return (
        '<div id="changes" class="synthesis"><h2>What changed since the last vintage</h2>'
        f"<p>{_esc(head)}</p>{table}</div>"
    )


def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{'' if pd.isna(v) else _esc(v)}</td>" for v in rec) + "</tr>"
        for rec in frame.itertuples(index=False)
    )
    return (
        f'<div class="wide"><table class="claims"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(v: object) -> str:
        return "" if pd.isna(v) else str(v).replace("|", "\\|")

    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(cell(v) for v in rec) + " |" for rec in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _numbers(assessment: Assessment) -> dict[str, int]:
    return {sid: i + 1 for i, sid in enumerate(assessment.cited_source_ids)}


def to_html(assessment: Assessment) -> str:
    """One self-contained HTML page: one ``<section>`` per argument, every figure of each drawn
    by the packed plotly.js of :mod:`bubblewatch.report.embed`."""
    numbers = _numbers(assessment)
    nav = "".join(f'<a href="#{s.id}">{_esc(s.title)}</a>' for s in assessment.sections)
    body = "".join(_section_html(s, assessment, numbers) for s in assessment.sections)
    sources = "".join(
        f'<li id="src-{_esc(sid)}">[{numbers[sid]}] {_esc(src["publisher"])}, '
        f'<a href="{_esc(src["url"])}" rel="noopener">{_esc(src["title"])}</a>, published {_esc(src["published"])}, '
        f"retrieved {_esc(src['retrieved'])}; {_esc(src['locator'])}</li>"
        for sid in assessment.cited_source_ids
        for src in (assessment.source(sid),)
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>bubblewatch: is the AI build-out a bubble?</title>"
        f"<style>{_CSS}{CHART_CSS}</style></head><body>"
        "<header><h1>Is the AI build-out a bubble?</h1>"
        f'<p class="vintage" id="vintage">Data vintage: {_esc(assessment.vintage.describe())}. '
        f"Generated {_esc(assessment.generated_at)}.</p><nav>{nav}</nav></header>"
        f'<main>{_synthesis_html(assessment)}{_changes_html(assessment)}{body}</main><footer id="sources"><h2>Sources</h2><ol>{sources}</ol></footer>'
        f"{plotly_script()}</body></html>"
    )


def to_markdown(assessment: Assessment) -> str:
    """The report as Markdown: readings, evidence with source links, and the sources list."""
    numbers = _numbers(assessment)
    lines = [
        "# Is the AI build-out a bubble?",
        "",
        f"Data vintage: {assessment.vintage.describe()}. Generated {assessment.generated_at}.",
        "",
        "## Bubble or boom: what the data say now",
        "",
        "*One line per argument. A reading of public data, not investment advice.*",
        "",
    ]
    for i, row in enumerate(assessment.synthesis(), start=1):
        tally = f" Claims: {row['claims']}." if row["claims"] else ""
        lines.append(f"{i}. [{row['title']}](#{row['section']}): {row['line']}{tally}")
    lines.append("")
    head, rows = _changes_rows(assessment)
    lines += ["## What changed since the last vintage", "", head, ""]
    if rows:
        lines += [_markdown_table(pd.DataFrame(rows)), ""]
    for s in assessment.sections:
        lines += [
            f'<a id="{s.id}"></a>',
            "",
            f"## {s.title}",
            "",
            f"*{s.question}*",
            "",
            s.reading,
            "",
        ]
        lines += ["| figure | value | sources |", "|---|---:|---|"]
        for ev in s.evidence:
            cites = " ".join(f"[[{numbers[sid]}]](#src-{sid})" for sid in ev.source_ids)
            lines.append(f"| {ev.label} | {ev.display} | {cites} |")
        lines.append("")
        for title, frame in s.tables:
            lines += [f"**{title}**", "", _markdown_table(frame), ""]
        if s.id == "claims" and s.detail is not None:
            lines += _ledger_markdown(s.detail, numbers)
    lines += ["## Sources", ""]
    for sid in assessment.cited_source_ids:
        src = assessment.source(sid)
        lines.append(
            f'{numbers[sid]}. <a id="src-{sid}"></a>{src["publisher"]}, [{src["title"]}]({src["url"]}), '
            f"published {src['published']}; {src['locator']}"
        )
    return "\n".join(lines) + "\n"


def _ledger_markdown(book: Ledger, numbers: dict[str, int]) -> list[str]:
    lines = ["| id | speaker | verdict | why | evidence |", "|---|---|---|---|---|"]
    for r in book.results:
        figures = "; ".join(
            f"{f.label}: {format_value(f.value, f.unit)} "
            + " ".join(f"[[{numbers[sid]}]](#src-{sid})" for sid in f.source_ids)
            for f in r.now.evidence
        )
        cells = [r.claim.claim_id, r.claim.speaker, r.verdict.value, r.now.reason, figures]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return [*lines, ""]


def to_json(assessment: Assessment) -> str:
    """The report as JSON (see :meth:`Assessment.to_dict`)."""
    return json.dumps(assessment.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)


RENDERERS = {"html": to_html, "md": to_markdown, "json": to_json}


def write_report(assessment: Assessment, out: Path, fmt: ReportFormat) -> Path:
    """Render and write atomically: a temporary file beside ``out``, renamed when complete."""
    try:
        text = RENDERERS[fmt](assessment)
    except ValueError as exc:
        raise ReportError(f"could not render the {fmt} report: {exc}") from exc
    return write_text_atomic(out, text)
