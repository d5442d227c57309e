"""How charts reach the HTML report: size, one chart per figure, the packed plotly.js, the
narrow and printed layouts, and the short reprs a console or notebook shows."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
from html import escape
from html.parser import HTMLParser
from typing import Any

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from bubblewatch._repr import HTML_LIMIT, TEXT_LIMIT
from bubblewatch.report import Assessment, Section, to_html
from bubblewatch.report.embed import figure_json

MAX_BYTES = 4_000_000


class _Charts(HTMLParser):
    """The chart divs, JSON data blocks and packed bundle of a report page."""

    def __init__(self) -> None:
        super().__init__()
        self.divs: list[str] = []
        self.blocks: dict[str, str] = {}
        self.packed = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("class") == "chart":
            self.divs.append(str(a["id"]))
        if tag == "script" and a.get("class") == "figure-data":
            self._in = str(a["data-chart"])
        if tag == "script" and a.get("id") == "plotly-js-gz":
            self._in = "packed"

    def handle_data(self, data: str) -> None:
        if self._in == "packed":
            self.packed += data
        elif self._in is not None:
            self.blocks[self._in] = self.blocks.get(self._in, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = None


def _charts(page: str) -> _Charts:
    parser = _Charts()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def page(shipped_assessment: Assessment) -> str:
    return to_html(shipped_assessment)


def _two_charts(assessment: Assessment) -> Assessment:
    """The assessment with a second chart in the markets section."""
    markets = assessment.section("markets")
    extra = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="bars"), layout={"title": "Second"})
    sections = tuple(
        dataclasses.replace(s, figure=None, figures=(*s.figures, extra)) if s is markets else s
        for s in assessment.sections
    )
    return dataclasses.replace(assessment, sections=sections)


def test_page_is_under_4_mb_and_carries_plotly_only_packed(page: str) -> None:
    assert len(page.encode("utf-8")) < MAX_BYTES
    # The 4.8 MB bundle is not inline; its opening bytes appear nowhere in the page.
    assert get_plotlyjs()[:300] not in page
    assert "cdn.plot.ly" not in page and "<script src" not in page


def test_packed_bundle_is_the_plotly_packages_own(page: str) -> None:
    packed = _charts(page).packed.strip()
    assert packed
    assert gzip.decompress(base64.b64decode(packed, validate=True)) == get_plotlyjs().encode()


def test_every_figure_of_every_section_is_a_chart_div_with_its_data(
    shipped_assessment: Assessment,
) -> None:
    assessment = _two_charts(shipped_assessment)
    parsed = _charts(to_html(assessment))
    expected = [f"chart-{s.id}-{i}" for s in assessment.sections for i in range(len(s.figures))]
    assert parsed.divs == expected
    assert "chart-markets-1" in parsed.divs
    assert set(parsed.blocks) == set(expected)
    for s in assessment.sections:
        for i, fig in enumerate(s.figures):
            spec = json.loads(parsed.blocks[f"chart-{s.id}-{i}"])
            assert len(spec["data"]) == len(fig.data)
            assert spec == json.loads(figure_json(fig))


def test_section_figure_and_figures_agree(shipped_assessment: Assessment) -> None:
    markets = shipped_assessment.section("markets")
    assert markets.figures and markets.figure is markets.figures[0]
    one = Section("x", "X", "Q?", "R.", markets.evidence, markets.figure)
    assert one.figures == (markets.figure,)
    many = Section("x", "X", "Q?", "R.", markets.evidence, figures=(go.Figure(), go.Figure()))
    assert many.figure is many.figures[0]
    assert Section("x", "X", "Q?", "R.", markets.evidence).figures == ()


def test_figure_json_cannot_end_its_script_block() -> None:
    title = "</script><script>alert(1)</script> & <b>bold</b>"
    text = figure_json(go.Figure(layout={"title": title}))
    assert "<" not in text
    assert json.loads(text)["layout"]["title"]["text"] == title


class _Printer:
    """What IPython hands ``_repr_pretty_``: something with ``text``."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(self, part: str) -> None:
        self.parts.append(part)


def _pretty(obj: Any) -> str:
    printer = _Printer()
    obj._repr_pretty_(printer, False)
    return "".join(printer.parts)


def test_reprs_are_short_and_say_what_matters(shipped_assessment: Assessment) -> None:
    a = shipped_assessment
    text = repr(a)
    assert len(text) < 400 and a.vintage.fingerprint in text and "10 sections" in text
    pretty = _pretty(a)
    assert len(pretty) < TEXT_LIMIT
    html = a._repr_html_()
    assert len(html) < HTML_LIMIT
    for s in a.sections:
        assert s.key_figure.display in pretty and s.id in pretty
        assert escape(s.title) in html
    for s in a.sections:
        objects: list[Any] = [s] if s.id == "claims" else [s, s.detail]
        for obj in objects:
            short = repr(obj)
            assert len(short) < 400 and s.id in short and s.key_figure.display in short
            long = _pretty(obj)
            assert len(long) < TEXT_LIMIT
            assert s.reading[:60] in long and s.key_figure.label[:40] in long
            card = obj._repr_html_()
            assert len(card) < HTML_LIMIT and "<table>" in card
    # Before, the dataclass reprs spelled out every figure and table.
    assert len(repr(a)) + sum(len(repr(s)) for s in a.sections) < TEXT_LIMIT
