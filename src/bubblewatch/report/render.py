"""Render an :class:`Assessment` as one self-contained HTML file, Markdown or JSON."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from bubblewatch._io import write_text_atomic
from bubblewatch._typing import ReportFormat
from bubblewatch.arguments.result import format_value
from bubblewatch.claims import SCALE, Ledger
from bubblewatch.errors import ReportError
from bubblewatch.report.assessment import Assessment, Evidence, Section
from bubblewatch.report.embed import CHART_CSS, charts_html, plotly_script
from bubblewatch.report.labels import (
    DASH,
    HumanTable,
    decimals,
    human_table,
    humanize,
    humanize_text,
    number,
    words,
)
from bubblewatch.report.names import describe_key
from bubblewatch.report.scoreboard import (
    DISCLAIMER,
    LEAN_RULE,
    LEGEND,
    OVERALL_RULE,
    STRONGEST_RULE,
    Row,
)
from bubblewatch.report.through import describe


def _stacked(table: str) -> str:
    """CSS that lays each row of ``table`` out as a card: one line per cell, its heading on
    the left (``data-label``) and its value beside it."""
    return (
        f"{table},{table} tbody,{table} tr{{display:block;width:100%}}"
        f"{table} thead{{display:none}}"
        f"{table} tr{{border:1px solid #ddd;margin:0 0 .6rem;padding:.2rem .4rem}}"
        f"{table} td{{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);"
        "column-gap:.6rem;width:100%;border:none;border-bottom:1px solid #f0f0f0;"
        "padding:.2rem 0;white-space:normal}"
        f"{table} td:last-child{{border-bottom:none}}"
        f"{table} td[data-label]::before{{content:attr(data-label);text-align:left;"
        "font-weight:600;color:#555;font-size:.8rem}"
        # long prose (the ledger's claims and reasons) reads better under its heading
        f"{table}.ledger td{{display:block}}"
        f"{table}.ledger td[data-label]::before{{display:block}}"
    )


_CSS = (
    """
*,*::before,*::after{box-sizing:border-box}
html{scroll-padding-top:3.2rem}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:0 auto;
padding:0 1.5rem 1.5rem;color:#1d1d1f;line-height:1.45;overflow-wrap:break-word}
header{border-bottom:2px solid #c0392b;margin-bottom:1rem;padding-top:1rem}
h1{margin:.3rem 0}
nav.toc{position:sticky;top:0;z-index:20;background:#fff;border-bottom:1px solid #ddd;
padding:.35rem 0;margin:0 0 .5rem;font-size:.9rem}
nav.toc .bar{display:flex;flex-wrap:wrap;gap:.2rem .9rem}
nav.toc .menu{display:none}
nav.toc a{text-decoration:none;white-space:nowrap}
nav.toc summary{cursor:pointer;font-weight:600}
nav.toc ol{margin:.3rem 0;padding-left:1.4rem;max-height:70vh;overflow-y:auto}
nav.toc li{margin:.2rem 0}
section{border-top:1px solid #ddd;padding-top:1rem;margin-top:1.5rem}
.through{color:#555;font-size:.85rem;margin:.2rem 0}
.question{color:#555;font-style:italic}
.reading{font-size:1.1rem;background:#f6f6f8;padding:.7rem 1rem;border-left:4px solid #c0392b}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{overflow-wrap:break-word;hyphens:auto}
td.num{white-space:nowrap}
td .cites{white-space:normal}
table.evidence td{border-bottom:1px solid #eee;padding:.3rem .5rem;vertical-align:top}
td.value{text-align:right;font-variant-numeric:tabular-nums}
td.value{max-width:24rem}
.cites{white-space:nowrap}
.cites .note{white-space:normal}
sup a,a.cite{text-decoration:none;font-size:.75em}
details.more{display:inline}
details.more>summary{display:inline;cursor:pointer;font-size:.75rem;color:#1a5fb4;white-space:nowrap}
details.more[open]>summary{margin-right:.2rem}
.vintage{color:#444;font-size:.9rem}
table.claims{font-size:.85rem}
table.claims td,table.claims th{border:1px solid #ddd;padding:.25rem .4rem;vertical-align:top}
table.claims th{text-align:left;background:#f6f6f8}
table.claims td.num{text-align:right;font-variant-numeric:tabular-nums}
footer li{margin-bottom:.3rem;font-size:.85rem}
#synthesis li{margin-bottom:.35rem}
.wide{max-width:100%}
.chart{max-width:100%}
.tally{color:#555;font-size:.85rem}
.verdict{font-weight:600}
tr[data-verdict="supported"] td.verdict{color:#1e7b34}
tr[data-verdict="roughly right"] td.verdict{color:#5b8c1a}
tr[data-verdict="overstated"] td.verdict,tr[data-verdict="understated"] td.verdict{color:#c25e00}
tr[data-verdict="contradicted"] td.verdict{color:#b02a1a}
tr[data-verdict="not verifiable"] td.verdict{color:#666}
table.ledger td ul{margin:0;padding-left:1rem}
@media screen and (max-width:1000px){
"""
    + _stacked("table.many")
    + """}
@media screen and (max-width:700px){
body{padding:0 .75rem 1rem}
nav.toc .bar{display:none}
nav.toc .menu{display:block}
"""
    + _stacked("table.stack")
    + """
table.evidence tr{display:block;border-bottom:1px solid #eee;padding:.3rem 0}
table.evidence td{display:block;border:none;padding:.1rem 0}
table.evidence td.value{text-align:left}
}
@media print{
nav.toc,.no-print{display:none}
body{max-width:none;padding:0;font-size:10pt}
a{color:inherit}
footer a[href^="http"]::after{content:" <" attr(href) ">";font-size:8pt;overflow-wrap:anywhere}
table{font-size:8pt;width:100%;table-layout:auto}
table.many{font-size:6.5pt}
table.claims td,table.claims th{padding:.1rem .2rem}
.cites,td.num{white-space:normal}
tr,li,.reading,.question,.through{break-inside:avoid}
h2,h3{break-after:avoid}
section{break-before:auto}
section>h2{break-before:page}
.chart,.chart>div,.js-plotly-plot,.plot-container,.svg-container{max-width:100%!important}
.chart{break-inside:avoid}
details.more>summary{display:none}
}
"""
)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


#: Citation marks shown beside a figure before the rest fold into "+N sources".
CITES_SHOWN = 3


def _mark(sid: str, numbers: dict[str, int]) -> str:
    if sid not in numbers:
        return f'<span class="note">{_esc(humanize_text(sid))}</span>'
    return f'<sup><a class="cite" href="#src-{_esc(sid)}">[{numbers[sid]}]</a></sup>'


def _cites(source_ids: tuple[str, ...], numbers: dict[str, int]) -> str:
    """At most :data:`CITES_SHOWN` citation marks, then the rest behind "+N sources"."""
    shown = "".join(_mark(sid, numbers) for sid in source_ids[:CITES_SHOWN])
    rest = source_ids[CITES_SHOWN:]
    if not rest:
        return f'<span class="cites">{shown}</span>'
    more = "".join(_mark(sid, numbers) for sid in rest)
    noun = "source" if len(rest) == 1 else "sources"
    return (
        f'<span class="cites">{shown}</span><details class="more"><summary>+{len(rest)} '
        f"{noun}</summary>{more}</details>"
    )


def _cite(ev: Evidence, numbers: dict[str, int]) -> str:
    return _cites(ev.source_ids, numbers)


def _section_html(section: Section, assessment: Assessment, numbers: dict[str, int]) -> str:
    rows = "".join(
        f'<tr class="figure" data-sources="{_esc(" ".join(ev.source_ids))}"><td>{_esc(ev.label)}</td>'
        f'<td class="value"><a href="#src-{_esc(ev.source_ids[0])}">{_esc(humanize_text(ev.display))}</a>'
        f"{_cite(ev, numbers)}</td></tr>"
        for ev in section.evidence
    )
    table = ""
    if section.table is not None:
        table = _table_html(section.table, numbers)
    if section.id == "claims" and section.detail is not None:
        table += _ledger_html(section.detail, numbers)
    for title, frame in section.tables:
        table += f"<h3>{_esc(title)}</h3>{_table_html(frame, numbers)}"
    cited = "".join(
        f'<li><a href="#src-{_esc(sid)}">[{numbers[sid]}]</a> {_esc(assessment.source(sid)["publisher"])}: '
        f"{_esc(assessment.source(sid)['title'])}</li>"
        for sid in section.source_ids
    )
    through = describe(section.data_through)
    return (
        f'<section id="{section.id}"><h2>{_esc(section.title)}</h2>'
        + (f'<p class="through">{_esc(through)}</p>' if through else "")
        + f'<p class="question">{_esc(section.question)}</p>'
        f'<p class="reading">{_esc(section.reading)}</p>'
        f'<div class="wide"><table class="evidence">{rows}</table></div>'
        f"{charts_html(section.id, section.figures)}{table}"
        f'<details class="section-sources"><summary>Sources for this section</summary>'
        f"<ul>{cited}</ul></details></section>"
    )


def _ledger_html(book: Ledger, numbers: dict[str, int]) -> str:
    """Every claim: who, what, the verdict then and now, why, and each evidence figure cited."""
    rows = []
    for r in book.results:
        figures = "".join(
            f"<li>{_esc(f.label)}{' (' + _esc(f.period) + ')' if f.period else ''}: "
            f"{_esc(humanize_text(format_value(f.value, f.unit)))}{_cites(f.source_ids, numbers)}</li>"
            for f in r.now.evidence
        )
        verdict = _esc(r.verdict.value)
        if r.then.verdict is not r.verdict:
            verdict += (
                f"<br><span class='tally'>on {r.claim.date.day} {r.claim.date:%b %Y}: "
                f"{_esc(r.then.verdict.value)}</span>"
            )
        rows.append(
            f'<tr id="claim-{_esc(r.claim.claim_id)}" data-verdict="{_esc(r.verdict.value)}">'
            f'<td data-label="Claim">{_esc(r.claim.claim_id)}</td>'
            f'<td data-label="Speaker">{_esc(r.claim.speaker)}</td>'
            f'<td data-label="What was said">{_esc(r.claim.text)}{_cites((r.claim.source_id,), numbers)}</td>'
            f'<td class="verdict" data-label="Verdict">{verdict}</td>'
            f'<td data-label="Why">{_esc(humanize_text(r.now.reason))}</td>'
            f'<td data-label="Evidence"><ul>{figures}</ul></td></tr>'
        )
    scale = "".join(f"<li><b>{_esc(v.value)}</b>: {_esc(text)}</li>" for v, text in SCALE.items())
    return (
        f"<h3>Every claim, as of {book.as_of.day} {book.as_of:%B %Y}</h3>"
        '<div class="wide"><table class="claims ledger stack"><thead><tr><th>Claim</th>'
        "<th>Speaker</th><th>What was said</th><th>Verdict</th><th>Why</th><th>Evidence</th>"
        "</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f"<details><summary>The verdict scale</summary><ul>{scale}</ul></details>"
    )


_SCOREBOARD_CSS = """
#synthesis .overall{font-size:1.1rem;padding:.7rem 1rem;border-left:6px solid #777;background:#f6f6f8}
.lean-bubble{--lean:#b03a2e;--lean-bg:#fbe9e7}.lean-boom{--lean:#1e7b45;--lean-bg:#e6f4ea}
.lean-neutral{--lean:#6b6b6b;--lean-bg:#f0f0f0}.lean-none{--lean:#999;--lean-bg:#fff}
#synthesis .overall.lean-bubble,#synthesis .overall.lean-boom,#synthesis .overall.lean-neutral{border-left-color:var(--lean);background:var(--lean-bg)}
.signal{display:inline-block;padding:.05rem .45rem;border-radius:.8rem;font-weight:600;white-space:nowrap;color:#fff;background:var(--lean)}
.legend{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem}
table#scoreboard{border-collapse:collapse;width:100%;font-size:.9rem}
table#scoreboard th,table#scoreboard td{border-bottom:1px solid #ddd;padding:.35rem .45rem;vertical-align:top;text-align:left;overflow-wrap:break-word;hyphens:auto}
table#scoreboard td:first-child{min-width:8rem}table#scoreboard td:last-child{min-width:7rem}
table#scoreboard tr.lean-bubble td:first-child,table#scoreboard tr.lean-boom td:first-child,table#scoreboard tr.lean-neutral td:first-child{border-left:5px solid var(--lean)}
table#scoreboard td.now{white-space:nowrap;font-variant-numeric:tabular-nums;font-weight:600}
table#scoreboard .rule{display:block;color:#555;font-size:.8rem;margin-top:.2rem}
@media (max-width:700px){table#scoreboard thead{display:none}
table#scoreboard tr{display:block;border-left:5px solid var(--lean);margin:0 0 .8rem;background:var(--lean-bg)}
table#scoreboard td{display:block;border:0;padding:.2rem .5rem;min-width:0!important}
table#scoreboard tr td:first-child{border-left:0}
table#scoreboard td::before{content:attr(data-label);display:block;font-size:.75rem;color:#555;text-transform:uppercase;letter-spacing:.03em}
table#scoreboard td.now{white-space:normal}}
"""


def _scoreboard_row_html(row: Row) -> str:
    rule = f'<span class="rule">Rule: {_esc(row.rule)}</span>' if row.rule else ""
    return (
        f'<tr data-argument="{_esc(row.id)}" class="{row.css_class}">'
        f'<td data-label="Argument"><a href="{_esc(row.link)}">{_esc(row.title)}</a></td>'
        f'<td data-label="Indicator">{_esc(row.indicator)}</td>'
        f'<td data-label="Now" class="now">{_esc(row.value)}</td>'
        f'<td data-label="In its own history">{_esc(row.history)}</td>'
        f'<td data-label="Signal"><span class="signal {row.css_class}">{_esc(row.signal)}</span>'
        f"{rule}</td>"
        f'<td data-label="Claims">{_esc(row.claims)}</td></tr>'
    )


def _synthesis_html(assessment: Assessment) -> str:
    """The bottom line and the scoreboard: one colour-coded row per argument."""
    board = assessment.scoreboard()
    legend = "".join(
        f'<li><span class="signal lean-{lean.name.lower()}">{_esc(lean.value)}</span> '
        f"{_esc(text)}</li>"
        for lean, text in LEGEND
    )
    rows = "".join(_scoreboard_row_html(r) for r in board.rows)
    lean = board.overall.lean
    return (
        f"<style>{_SCOREBOARD_CSS}</style>"
        '<div id="synthesis" class="synthesis"><h2>Bottom line: bubble or boom?</h2>'
        f'<p class="overall lean-{lean.name.lower()}" data-lean="{_esc(lean.value)}">'
        f"{_esc(board.overall.text)}</p>"
        f'<p class="question">{_esc(DISCLAIMER)} {_esc(LEAN_RULE)}</p>'
        f"<details><summary>How each row and the strongest evidence are read</summary>"
        f"<p>{_esc(STRONGEST_RULE)} Each row's signal comes from the rule printed beside it; "
        "where a history exists, the percentile is the share of the indicator's earlier "
        "observations below its value now.</p></details>"
        f'<ul class="legend" aria-label="Signal colours">{legend}</ul>'
        '<div class="wide"><table id="scoreboard" class="scoreboard"><thead><tr>'
        "<th>Argument</th><th>Indicator</th><th>Now</th><th>In its own history</th>"
        "<th>Signal and rule</th><th>Claims</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></div>"
    )


def _scoreboard_markdown(assessment: Assessment) -> list[str]:
    """The bottom line and the scoreboard as Markdown."""
    board = assessment.scoreboard()

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "## Bottom line: bubble or boom?",
        "",
        f"**{board.overall.text}**",
        "",
        f"*{DISCLAIMER}* How the rows are read: {OVERALL_RULE}",
        "",
        "| Argument | Indicator | Now | In its own history | Signal | Rule | Claims |",
        "|---|---|---:|---|---|---|---|",
    ]
    lines += [
        f"| [{cell(r.title)}]({r.link}) | {cell(r.indicator)} | {cell(r.value)} | "
        f"{cell(r.history)} | **{r.signal}** | {cell(r.rule)} | {cell(r.claims)} |"
        for r in board.rows
    ]
    return [*lines, ""]


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
            "table": words(str(r.table)),
            "figure": _changed_figure(r),
            "was": _changed_value(r.old),
            "now": _changed_value(r.new),
            "change": (
                f"changed, vintage {_changed_value(r.old_vintage)} → {_changed_value(r.new_vintage)}"
                if r.status == "changed"
                else f"{r.status} in vintage {_changed_value(r.new_vintage)}"
            ),
        }
        for r in moved.head(CHANGES_SHOWN).itertuples(index=False)
    ]
    return head, rows


def _changed_figure(row: Any) -> str:
    """The moved figure in words: what its key names (:func:`labels.label_changes`) and field."""
    name = getattr(row, "figure", None)
    if not isinstance(name, str):
        name = describe_key(str(row.key), {})
    field = row.field
    return name + (f" · {humanize(field)}" if isinstance(field, str) and field else "")


def _changed_value(value: object) -> str:
    """A value of the changes table: numbers at the precision of :func:`labels.decimals`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(float(value), decimals(pd.Series([float(value)])))
    return humanize_text(str(value))


def _changes_html(assessment: Assessment, numbers: dict[str, int]) -> str:
    head, rows = _changes_rows(assessment)
    table = _table_html(pd.DataFrame(rows), numbers) if rows else ""
    return (
        '<div id="changes" class="synthesis"><h2>What changed since the last vintage</h2>'
        f"<p>{_esc(head)}</p>{table}</div>"
    )


def _human(frame: pd.DataFrame, numbers: dict[str, int]) -> HumanTable:
    return human_table(frame, numbers)


_NUMBER = re.compile(r"[−+]?\$?[\d,.]+(%|x|bn|tn|m| pp| years?| GW| kW)?")


def _numeric(text: str) -> bool:
    """A cell that holds one number (right-aligned, never broken across lines)."""
    return text == DASH or bool(_NUMBER.fullmatch(text))


def _table_html(frame: pd.DataFrame, numbers: dict[str, int]) -> str:
    """A table with human headings and values; below 700 px each row stacks, every cell under
    its heading (``data-label``), so no table is wider than the page."""
    table = _human(frame, numbers)
    head = "".join(f"<th>{_esc(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{_esc(h)}"><span>{_cites(c, numbers)}</span></td>'
            if isinstance(c, tuple)
            else f'<td class="num" data-label="{_esc(h)}"><span>{_esc(c)}</span></td>'
            if _numeric(c)
            else f'<td data-label="{_esc(h)}"><span>{_esc(c)}</span></td>'
            for h, c in zip(table.headers, rec, strict=True)
        )
        + "</tr>"
        for rec in table.rows
    )
    many = " many" if len(table.headers) > 7 else ""
    return (
        f'<div class="wide"><table class="claims stack{many}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _markdown_cites(cell: tuple[str, ...], numbers: dict[str, int]) -> str:
    return " ".join(
        f"[[{numbers[sid]}]](#src-{sid})" if sid in numbers else humanize_text(sid) for sid in cell
    )


def _markdown_table(frame: pd.DataFrame, numbers: dict[str, int]) -> str:
    table = _human(frame, numbers)

    def cell(v: str | tuple[str, ...]) -> str:
        text = _markdown_cites(v, numbers) if isinstance(v, tuple) else v
        return text.replace("|", "\\|")

    head = "| " + " | ".join(table.headers) + " |"
    rule = "|" + "---|" * len(table.headers)
    body = ["| " + " | ".join(cell(v) for v in rec) + " |" for rec in table.rows]
    return "\n".join([head, rule, *body])


def _numbers(assessment: Assessment) -> dict[str, int]:
    """Each source's citation number: those the figures cite, then those only a table cites."""
    order = dict.fromkeys(assessment.cited_source_ids)
    known = set(assessment.sources["source_id"])
    for section in assessment.sections:
        for _title, frame in section.tables:
            for cell in human_table(frame, known).rows:
                for value in cell:
                    if isinstance(value, tuple):
                        order.update(dict.fromkeys(sid for sid in value if sid in known))
    return {sid: i + 1 for i, sid in enumerate(order)}


def _short(section: Section) -> str:
    """The section's name in the navigation bar: ``roi`` → ``ROI``, ``claims`` → ``Claims``."""
    name = words(section.id)
    return name[:1].upper() + name[1:]


def _nav_html(assessment: Assessment) -> str:
    """Sticky navigation: a one-line bar of short names, a menu of full titles below 700 px."""
    targets = [
        ("synthesis", "Bottom line", "Bubble or boom: what the data say now"),
        *((s.id, _short(s), s.title) for s in assessment.sections),
        ("sources", "Sources", "Sources"),
    ]
    bar = "".join(
        f'<a href="#{t}" title="{_esc(title)}">{_esc(short)}</a>' for t, short, title in targets
    )
    menu = "".join(f'<li><a href="#{t}">{_esc(title)}</a></li>' for t, _short, title in targets)
    return (
        f'<nav class="toc" aria-label="Sections"><div class="bar">{bar}</div>'
        f'<details class="menu"><summary>Sections</summary><ol>{menu}</ol></details></nav>'
    )


def to_html(assessment: Assessment) -> str:
    """One self-contained HTML page: one ``<section>`` per argument, every figure of each drawn
    by the packed plotly.js of :mod:`bubblewatch.report.embed`."""
    numbers = _numbers(assessment)
    body = "".join(_section_html(s, assessment, numbers) for s in assessment.sections)
    sources = "".join(
        f'<li id="src-{_esc(sid)}">[{numbers[sid]}] {_esc(src["publisher"])}, '
        f'<a href="{_esc(src["url"])}" rel="noopener">{_esc(src["title"])}</a>, published {_esc(src["published"])}, '
        f"retrieved {_esc(src['retrieved'])}; {_esc(src['locator'])}</li>"
        for sid in numbers
        for src in (assessment.source(sid),)
    )
    through = describe(assessment.data_through)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>bubblewatch: is the AI build-out a bubble?</title>"
        f"<style>{_CSS}{CHART_CSS}</style></head><body>"
        "<header><h1>Is the AI build-out a bubble?</h1>"
        + (f'<p class="through" id="through">{_esc(through)}.</p>' if through else "")
        + f'<p class="vintage" id="vintage">Data vintage: {_esc(assessment.vintage.describe())}. '
        f"Generated {_esc(assessment.generated_at)}.</p></header>{_nav_html(assessment)}"
        f'<main>{_synthesis_html(assessment)}{_changes_html(assessment, numbers)}{body}</main><footer id="sources"><h2>Sources</h2><ol>{sources}</ol></footer>'
        f"{plotly_script()}</body></html>"
    )


def to_markdown(assessment: Assessment) -> str:
    """The report as Markdown: readings, evidence with source links, and the sources list."""
    numbers = _numbers(assessment)
    lines = [
        "# Is the AI build-out a bubble?",
        "",
        *([describe(assessment.data_through) + ".", ""] if assessment.data_through else []),
        f"Data vintage: {assessment.vintage.describe()}. Generated {assessment.generated_at}.",
        "",
    ]
    lines += _scoreboard_markdown(assessment)
    head, rows = _changes_rows(assessment)
    lines += ["## What changed since the last vintage", "", head, ""]
    if rows:
        lines += [_markdown_table(pd.DataFrame(rows), numbers), ""]
    for s in assessment.sections:
        lines += [
            f'<a id="{s.id}"></a>',
            "",
            f"## {s.title}",
            "",
            *([f"_{describe(s.data_through)}_", ""] if s.data_through else []),
            f"*{s.question}*",
            "",
            s.reading,
            "",
        ]
        lines += ["| Figure | Value | Sources |", "|---|---:|---|"]
        for ev in s.evidence:
            cites = _markdown_cites(ev.source_ids, numbers)
            lines.append(f"| {ev.label} | {humanize_text(ev.display)} | {cites} |")
        lines.append("")
        for title, frame in s.tables:
            lines += [f"**{title}**", "", _markdown_table(frame, numbers), ""]
        if s.id == "claims" and s.detail is not None:
            lines += _ledger_markdown(s.detail, numbers)
    lines += ["## Sources", ""]
    for sid in numbers:
        src = assessment.source(sid)
        lines.append(
            f'{numbers[sid]}. <a id="src-{sid}"></a>{src["publisher"]}, [{src["title"]}]({src["url"]}), '
            f"published {src['published']}; {src['locator']}"
        )
    return "\n".join(lines) + "\n"


def _ledger_markdown(book: Ledger, numbers: dict[str, int]) -> list[str]:
    lines = ["| Claim | Speaker | Verdict | Why | Evidence |", "|---|---|---|---|---|"]
    for r in book.results:
        figures = "; ".join(
            f"{f.label}: {humanize_text(format_value(f.value, f.unit))} "
            + _markdown_cites(f.source_ids, numbers)
            for f in r.now.evidence
        )
        cells = [
            r.claim.claim_id,
            r.claim.speaker,
            r.verdict.value,
            humanize_text(r.now.reason),
            figures,
        ]
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
