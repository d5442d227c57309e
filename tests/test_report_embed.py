"""How charts reach the HTML report: size, one chart per figure, the packed plotly.js, the
narrow and printed layouts, and the short reprs a console or notebook shows."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from bubblewatch._repr import HTML_LIMIT, TEXT_LIMIT
from bubblewatch.report import Assessment, Section, to_html
from bubblewatch.report.embed import figure_json
from test_report_browser import CHROMIUM_ARGS

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


@pytest.mark.browser
def test_charts_fit_a_phone_and_the_printed_page(
    shipped_assessment: Assessment, tmp_path: Path, chromium: str
) -> None:
    """At 390 px no chart is wider than the screen, its texts stay inside it and the legend
    sits under the plot; printing redraws every chart within the printed page's width."""
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    out.write_text(to_html(_two_charts(shipped_assessment)), encoding="utf-8")
    total = sum(len(s.figures) for s in shipped_assessment.sections) + 1
    geometry = """() => [...document.querySelectorAll('.chart')].map(div => {
        const svg = div.querySelector('.main-svg').getBoundingClientRect();
        const texts = [...div.querySelectorAll('text')].map(t => t.getBoundingClientRect())
            .filter(r => r.width > 0);
        const legend = div.querySelector('g.legend');
        const size = div._fullLayout._size;
        return {id: div.id, left: svg.left, right: svg.right, width: svg.width,
                textLeft: Math.min(...texts.map(r => r.left)),
                textRight: Math.max(...texts.map(r => r.right)),
                legendTop: legend ? legend.getBoundingClientRect().top - svg.top : null,
                plotBottom: size.t + size.h,
                orientation: (div._fullLayout.legend || {}).orientation};
    })"""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(out.as_uri())
            phone.wait_for_function("document.documentElement.dataset.charts === 'drawn'")
            charts = phone.evaluate(geometry)
            assert len(charts) == total
            for c in charts:
                assert c["left"] >= 0 and c["right"] <= 390, c
                assert c["textLeft"] >= -0.5 and c["textRight"] <= 390.5, c
                if c["legendTop"] is not None:
                    assert c["orientation"] == "h" and c["legendTop"] >= c["plotBottom"], c
            desk = browser.new_page(viewport={"width": 1400, "height": 900})
            desk.goto(out.as_uri())
            desk.wait_for_function("document.documentElement.dataset.charts === 'drawn'")
            screen = [c["width"] for c in desk.evaluate(geometry)]
            assert min(screen) > 900
            desk.emulate_media(media="print")
            desk.wait_for_function(
                "[...document.querySelectorAll('.chart .main-svg')].every("
                "s => s.getBoundingClientRect().width <= 640)"
            )
            printed = desk.evaluate(geometry)
            assert all(c["width"] <= 640 for c in printed), printed
            desk.emulate_media(media="screen")
            desk.wait_for_function(
                "[...document.querySelectorAll('.chart .main-svg')].every("
                "s => s.getBoundingClientRect().width > 900)"
            )
        finally:
            browser.close()
