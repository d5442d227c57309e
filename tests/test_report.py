"""The report: JSON shape, every figure sourced, HTML/Markdown structure, data vintage."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.arguments import ARGUMENTS
from bubblewatch.arguments.registry import section_ids
from bubblewatch.report import Assessment, Evidence, to_html, to_json, to_markdown
from bubblewatch.report.sections import build_section
from bubblewatch.store import Store

SECTION_IDS = section_ids()


@pytest.fixture(scope="module")
def assessment(shipped_assessment: Assessment) -> Assessment:
    return shipped_assessment


def test_sections_are_the_nine_arguments_then_the_ledger(
    assessment: Assessment, built_store: Path
) -> None:
    # The debate's order (one argument importing another must not reorder the report).
    assert tuple(ARGUMENTS) == (
        "markets",
        "circularity",
        "funding",
        "depreciation",
        "gdp",
        "cycles",
        "roi",
        "power",
        "credit",
    )
    assert (*ARGUMENTS, "claims") == SECTION_IDS
    assert tuple(s.id for s in assessment.sections) == SECTION_IDS
    with Store.open(built_store) as store:
        gdp = build_section("gdp", {name: store.read(name) for name in ("macro", "claims")})
    assert gdp.reading == assessment.section("gdp").reading


def test_json_shape(assessment: Assessment) -> None:
    payload = json.loads(to_json(assessment))
    assert list(payload["sections"]) == list(SECTION_IDS)
    assert payload["data_vintage"]["snapshot_version"]
    for sid, section in payload["sections"].items():
        assert set(section) >= {"title", "reading", "evidence", "sources"}, sid
        assert section["reading"].endswith("."), sid
        assert not re.search(r"\bnan\b", section["reading"]), sid
        assert section["evidence"], sid
        cited = {s["source_id"] for s in section["sources"]}
        for ev in section["evidence"]:
            assert ev["source_ids"], (sid, ev["label"])
            assert set(ev["source_ids"]) <= cited
        for src in section["sources"]:
            assert src["url"].startswith(("http://", "https://"))
            assert src["publisher"] and src["locator"]


def test_every_evidence_source_resolves_in_the_store(
    assessment: Assessment, built_store: Path
) -> None:
    with Store.open(built_store) as store:
        known = set(store.read("sources")["source_id"])
    for section in assessment.sections:
        assert set(section.source_ids) <= known


def test_evidence_without_a_source_is_refused() -> None:
    from bubblewatch.errors import ReportError

    with pytest.raises(ReportError, match="no source"):
        Evidence("orphan", 1.0, "usd_bn", ())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.anchors: set[str] = set()
        self.links: list[str] = []
        self.figures = 0
        self.scripts_with_src: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.sections.append(str(a["id"]))
        if a.get("id"):
            self.anchors.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if tag == "tr" and a.get("class") == "figure":
            self.figures += 1
        if tag in ("script", "link", "img") and (a.get("src") or a.get("href")):
            self.scripts_with_src.append(str(a.get("src") or a.get("href")))


def test_html_has_one_section_per_argument_and_every_figure_links_to_a_source(
    assessment: Assessment,
) -> None:
    html = to_html(assessment)
    parser = _Collector()
    parser.feed(html)
    assert parser.sections == list(SECTION_IDS)
    assert parser.figures == sum(len(s.evidence) for s in assessment.sections)
    internal = [h[1:] for h in parser.links if h.startswith("#")]
    assert all(target in parser.anchors for target in internal)
    for sid in assessment.cited_source_ids:
        assert f"src-{sid}" in parser.anchors
    # Self-contained: no external scripts, styles or images.
    assert parser.scripts_with_src == []
    assert "Data vintage:" in html and assessment.vintage.fingerprint in html


def test_markdown_lists_sections_and_sources(assessment: Assessment) -> None:
    md = to_markdown(assessment)
    for section in assessment.sections:
        assert f"## {section.title}" in md
    anchors = re.findall(r'<a id="src-([^"]+)"></a>', md)
    assert len(anchors) == len(set(anchors))  # each source listed once
    assert set(assessment.cited_source_ids) <= set(anchors)
    assert "Data vintage:" in md


def test_to_frame_has_one_row_per_figure(assessment: Assessment) -> None:
    frame = assessment.to_frame()
    assert len(frame) == sum(len(s.evidence) for s in assessment.sections)
    assert frame["source_ids"].str.len().gt(0).all()


def test_readings_quote_their_own_evidence(assessment: Assessment) -> None:
    # The funding reading states the outside money shown in its evidence.
    funding = assessment.section("funding")
    outside = next(e for e in funding.evidence if "sponsored vehicles, five" in e.label)
    assert f"${outside.value:,.0f}bn" in funding.reading
    markets = assessment.section("markets")
    cape = next(e for e in markets.evidence if e.label.startswith("S&P 500 CAPE"))
    assert f"{cape.value:.1f}" in markets.reading


def test_gdp_section_states_the_split_and_furmans_arithmetic(assessment: Assessment) -> None:
    gdp = assessment.section("gdp")
    ev = {e.label: e for e in gdp.evidence}
    growth = next(e for k, e in ev.items() if k.startswith("Real GDP growth, 2025H1"))
    furman = next(
        e for k, e in ev.items() if k.startswith("Furman's arithmetic recomputed: IT share")
    )
    assert f"growth was {growth.value:.1f}%" in gdp.reading
    assert f"gives {furman.value:.0f}%" in gdp.reading
    assert "Furman's published figure (C19)" in ev


def test_assessment_refuses_unknown_sources(assessment: Assessment) -> None:
    from bubblewatch.errors import ReportError

    with pytest.raises(ReportError, match="unknown sources"):
        Assessment(
            sections=assessment.sections,
            sources=assessment.sources.iloc[:1],
            vintage=assessment.vintage,
            generated_at=assessment.generated_at,
        )
    assert isinstance(assessment.sources, pd.DataFrame)


def test_financing_sections_reproduce_the_debates_facts(assessment: Assessment) -> None:
    circ = assessment.section("circularity")
    assert "NVIDIA → OpenAI → Oracle → NVIDIA loop is real" in circ.reading
    legs = next(e for e in circ.evidence if e.label.startswith("The NVIDIA → OpenAI → Oracle"))
    assert "letter_of_intent" in str(legs.value) and "announced" in str(legs.value)
    funding = assessment.section("funding")
    outside = next(e for e in funding.evidence if "owned by outside funds" in e.label)
    assert outside.value == pytest.approx(0.8)
    assert "80% owned by outside funds" in funding.reading
    credit = assessment.section("credit")
    assert any(t.startswith("Stress: OpenAI pays 60%") for t, _ in credit.tables)


def test_financing_tables_trace_every_amount_to_sources(assessment: Assessment) -> None:
    known = set(assessment.sources["source_id"])
    for sid in ("circularity", "funding", "credit"):
        for title, frame in assessment.section(sid).tables:
            assert "sources" in frame.columns, title
            for cell in frame["sources"]:
                ids = [x.strip() for x in str(cell).split(",") if x.strip()]
                assert ids, title
                assert set(ids) <= known, (title, set(ids) - known)


def test_scoreboard_has_one_linked_row_per_argument(assessment: Assessment) -> None:
    rows = assessment.scoreboard().rows
    assert [r.id for r in rows] == list(SECTION_IDS[:-1])
    for r in rows:
        assert r.indicator and r.value and r.rule
        assert r.signal in {"bubble-leaning", "boom-leaning", "neutral"}
    page = to_html(assessment)
    start = page.index('<div id="synthesis"')
    block = page[start : page.index("</table>", start)]
    for sid in SECTION_IDS[:-1]:
        assert f'href="#{sid}"' in block
    assert "not investment advice" in block
    assert page.index('id="synthesis"') < page.index('<section id="markets"')
    md = to_markdown(assessment)
    assert md.index("Bottom line: bubble or boom?") < md.index('<a id="markets">')


def test_claims_section_links_every_verdict_to_its_evidence(assessment: Assessment) -> None:
    book = assessment.ledger
    assert len(book.results) == 35
    page = to_html(assessment)
    footer_ids = set(re.findall(r'<li id="src-([^"]+)"', page))
    for r in book.results:
        start = page.index(f'id="claim-{r.claim.claim_id}"')
        row = page[start : page.index("</tr>", start)]
        assert f'data-verdict="{r.verdict.value}"' in row
        for sid in r.now.source_ids:
            assert f'href="#src-{sid}"' in row
            assert sid in footer_ids
    claims = assessment.section("claims")
    counts = {ev.label: ev.value for ev in claims.evidence}
    assert sum(float(n) for n in counts.values()) == 35
    payload = json.loads(to_json(assessment))
    assert payload["claims"]["counts"] == {v.value: n for v, n in book.counts().items()}
    assert len(payload["scoreboard"]["rows"]) == len(SECTION_IDS) - 1


def test_scorecard_top_line_counts_the_verdicts(assessment: Assessment) -> None:
    from rich.console import Console

    from bubblewatch.scorecard import scorecard

    console = Console(width=200, record=True)
    console.print(scorecard(assessment))
    text = console.export_text()
    assert f"the debate's 35 claims: {assessment.ledger.tally()}" in text
