"""The report as a reader meets it: Chromium at 1400 px and 390 px, and printed to PDF.

At each width: nothing wider than the viewport, every chart drawn with a title, axis titles,
named legend entries and tick labels that do not collide, the scoreboard with one row per
argument, no console message and no network request. Printed to A4: every table inside the
page, every character inside the printable area. Screenshots of the top, the scoreboard and
each section at both widths go to ``$BUBBLEWATCH_SCREENSHOTS`` (default ``build/screenshots``);
the sections' (about 2 s each) in the slow leg.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bubblewatch.arguments.registry import argument_ids, section_ids

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (1400, 390)
SCREENSHOTS = Path(
    os.environ.get("BUBBLEWATCH_SCREENSHOTS")
    or Path(__file__).resolve().parents[1] / "build" / "screenshots"
)

# Elements whose right or left edge lies outside the viewport, outside any SVG (a chart's own
# drawing is checked as a whole through its container) and not hidden.
_OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (el.id === 'js-plotly-tester') continue;  // plotly's off-screen text measurer
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > w + 1 || r.left < -1) {
      const id = el.id ? '#' + el.id : '';
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: w, wide: out.slice(0, 20)};
}"""

# Per drawn chart: its title, each axis drawn with a trace and its title, the legend's entries,
# and pairs of tick labels on one axis whose boxes overlap.
_CHARTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const fl = gd._fullLayout, box = gd.getBoundingClientRect();
  const used = new Set();
  for (const t of gd._fullData) {
    if (t.visible === false || !t.xaxis) continue;
    used.add('xaxis' + t.xaxis.slice(1)); used.add('yaxis' + t.yaxis.slice(1));
  }
  const axes = Array.from(used).filter(a => fl[a] && fl[a].visible !== false).map(a => ({
    axis: a, title: (fl[a].title && fl[a].title.text) || '',
    drawn: Array.from(gd.querySelectorAll('.g-' + a.replace('axis', '') + 'title text'))
      .map(e => e.textContent.trim()).join(' ')
  }));
  const collisions = [];
  for (const layer of gd.querySelectorAll('.xaxislayer-above, .yaxislayer-above')) {
    const horizontal = layer.classList.contains('xaxislayer-above');
    const labels = Array.from(layer.querySelectorAll('text')).filter(e => e.textContent.trim())
      .map(e => {
        const m = e.getCTM(), p = e.getStartPositionOfChar(0);
        return {t: e.textContent, r: e.getBoundingClientRect(), x: m.a * p.x + m.c * p.y + m.e,
                angle: Math.atan2(m.b, m.a), size: parseFloat(getComputedStyle(e).fontSize)};
      })
      .filter(b => b.r.width > 0)
      .sort((a, b) => horizontal ? a.r.left - b.r.left : a.r.top - b.r.top);
    for (let i = 1; i < labels.length; i++) {
      const p = labels[i - 1], q = labels[i], a = p.r, b = q.r;
      let overlap;
      if (horizontal && Math.abs(q.angle) > 0.05) {
        // Rotated labels run parallel: they clear each other when the gap between their
        // baselines, measured across them, holds a line of text.
        overlap = Math.abs(q.x - p.x) * Math.abs(Math.sin(q.angle)) < 0.9 * q.size;
      } else {
        overlap = horizontal ? a.right - b.left > 1 && a.bottom > b.top && b.bottom > a.top
                             : a.bottom - b.top > 1 && a.right > b.left && b.right > a.left;
      }
      if (overlap) collisions.push(p.t + ' / ' + q.t);
    }
  }
  const texts = Array.from(gd.querySelectorAll('text')).map(t => t.getBoundingClientRect())
    .filter(r => r.width > 0);
  const legend = gd.querySelector('g.legend'), svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const title = gd.querySelector('.gtitle');
  const tr = title ? title.getBoundingClientRect() : null;
  return {
    id: gd.id || (gd.parentElement && gd.parentElement.id) || '',
    title: (fl.title && fl.title.text) || '',
    titleInside: tr ? tr.left >= box.left - 1 && tr.right <= box.right + 1 : false,
    width: box.width,
    axes,
    legend: Array.from(gd.querySelectorAll('.legend .traces .legendtext')).map(e => e.textContent.trim()),
    collisions,
    textLeft: Math.min(...texts.map(r => r.left)),
    textRight: Math.max(...texts.map(r => r.right)),
    legendTop: legend ? legend.getBoundingClientRect().top - svg.top : null,
    plotBottom: fl._size.t + fl._size.h,
    orientation: (fl.legend || {}).orientation,
  };
})"""


@pytest.fixture(scope="module")
def report_file(shipped_assessment: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bubblewatch.report import write_report

    out = tmp_path_factory.mktemp("pages") / "report.html"
    write_report(shipped_assessment, out, "html")
    return out


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser: Any, report: Path, width: int) -> tuple[Any, list[str], list[str]]:
    messages: list[str] = []
    requests: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    # No request but the page itself: not even a data: or blob: URL.
    page.on("request", lambda r: requests.append(r.url) if r.url != report.as_uri() else None)
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_function("document.documentElement.dataset.charts === 'drawn'", timeout=30_000)
    page.wait_for_timeout(300)  # responsive relayouts settle
    return page, messages, requests


@pytest.mark.parametrize("width", WIDTHS)
def test_page_reads_at_width(
    browser: Any, report_file: Path, shipped_assessment: Any, width: int
) -> None:
    page, messages, requests = _open(browser, report_file, width)
    try:
        overflow = page.evaluate(_OVERFLOW_JS)
        assert overflow["scrollWidth"] <= overflow["width"], overflow
        assert overflow["wide"] == [], overflow["wide"]

        rows = page.eval_on_selector_all(
            "#scoreboard tr[data-argument]", "els => els.map(e => e.dataset.argument)"
        )
        assert rows == list(argument_ids())
        for argument in argument_ids():
            link = page.locator(f'#scoreboard tr[data-argument="{argument}"] a[href="#{argument}"]')
            assert link.count() >= 1, argument
        assert page.eval_on_selector_all("section", "els => els.map(e => e.id)") == list(
            section_ids()
        )

        for sid in section_ids():
            assert page.locator(f"#{sid} .reading").is_visible(), sid
        # Every figure's link lands on one entry of the sources list.
        links = page.evaluate(
            """() => { const hrefs = [...document.querySelectorAll('tr.figure a')]
                .map(e => e.getAttribute('href'));
              return {n: hrefs.length, broken: [...new Set(hrefs)].filter(h => !h.startsWith('#')
                || document.querySelectorAll('[id="' + h.slice(1) + '"]').length !== 1)}; }"""
        )
        assert links["n"] > 0 and links["broken"] == [], links

        charts = page.evaluate(_CHARTS_JS)
        assert len(charts) == sum(len(s.figures) for s in shipped_assessment.sections)
        _screenshots(page, width)  # before the checks, so a failure can be looked at
        assert len(charts) >= len(argument_ids())
        problems: list[str] = []
        for chart in charts:
            where = chart["id"]
            if not chart["title"].strip():
                problems.append(f"{where}: no title")
            if not chart["titleInside"]:
                problems.append(f"{where}: title runs past the chart")
            if chart["width"] > width:
                problems.append(f"{where}: {chart['width']:.0f} px wide")
            if chart["textLeft"] < -0.5 or chart["textRight"] > width + 0.5:
                problems.append(f"{where}: text outside the screen")
            below = chart["legendTop"] is None or (
                chart["orientation"] == "h" and chart["legendTop"] >= chart["plotBottom"]
            )
            if not below:
                problems.append(f"{where}: the legend is not under the plot")
            for axis in chart["axes"]:
                if not (axis["title"].strip() and axis["drawn"]):
                    problems.append(f"{where} {axis['axis']}: no axis title")
            if not all(chart["legend"]):
                problems.append(f"{where}: an unnamed legend entry")
            if chart["collisions"]:
                problems.append(f"{where}: tick labels collide {chart['collisions']}")
        assert problems == [], "\n".join(problems)

    finally:
        page.close()
    assert messages == []
    assert requests == []


def _screenshots(page: Any, width: int, *, sections: bool = False) -> None:
    folder = SCREENSHOTS / "report"
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=folder / f"top-{width}.png")
    page.locator("#scoreboard").screenshot(path=folder / f"scoreboard-{width}.png")
    if sections:
        for sid in section_ids():
            page.locator(f"section#{sid}").screenshot(path=folder / f"{sid}-{width}.png")


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_every_section(browser: Any, report_file: Path, width: int) -> None:
    """Every section whole, at both widths, for a reader to look at (about 2 s a section, so in
    the slow leg); the checks of what they show run in the default leg."""
    page, messages, _ = _open(browser, report_file, width)
    try:
        _screenshots(page, width, sections=True)
    finally:
        page.close()
    assert messages == []
    for sid in section_ids():
        assert (SCREENSHOTS / "report" / f"{sid}-{width}.png").stat().st_size > 10_000, sid


#: A4 at 96 px per inch, and Chromium's default print margins (0.4 in each side).
A4_POINTS = (595.28, 841.89)
MARGIN_POINTS = 28.8


def test_printed_report_keeps_every_table_and_chart_on_the_page(
    browser: Any, report_file: Path
) -> None:
    import pypdfium2 as pdfium

    page, messages, _ = _open(browser, report_file, 1400)
    try:
        page.emulate_media(media="print")
        # The printed page's content box, in CSS pixels: A4 less the margins.
        content_px = (A4_POINTS[0] - 2 * MARGIN_POINTS) * 96 / 72
        page.set_viewport_size({"width": int(content_px), "height": 1000})
        page.wait_for_timeout(300)
        clipped = page.evaluate(
            """(w) => Array.from(document.querySelectorAll('table')).filter(t => t.offsetParent)
                 .map(t => { const r = t.getBoundingClientRect();
                   return {id: (t.closest('section, div[id]') || {}).id || '', right: r.right,
                           clipped: t.parentElement.scrollWidth > t.parentElement.clientWidth + 1}; })
                 .filter(t => t.right > w + 1 || t.clipped)""",
            content_px,
        )
        assert clipped == []
        page.wait_for_function(
            "[...document.querySelectorAll('.chart .main-svg')].every("
            f"s => s.getBoundingClientRect().width <= {content_px})"
        )
        pdf = report_file.with_suffix(".pdf")
        page.pdf(
            path=str(pdf),
            format="A4",
            print_background=True,
            margin={side: f"{MARGIN_POINTS / 72}in" for side in ("top", "right", "bottom", "left")},
        )
        # Back on the screen, the charts take the screen's width again.
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1400, "height": 900})
        page.wait_for_function(
            "[...document.querySelectorAll('.chart .main-svg')].every("
            "s => s.getBoundingClientRect().width > 900)"
        )
    finally:
        page.close()
    assert messages == []

    doc = pdfium.PdfDocument(str(pdf))
    assert len(doc) > 3
    outside: list[tuple[int, str, float, float]] = []
    for number in range(len(doc)):
        sheet = doc[number]
        width, height = sheet.get_size()
        # A4, as Chromium rounds it to whole CSS pixels.
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
        text = sheet.get_textpage()
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            left, _bottom, right, _top = text.get_charbox(i)
            # 3 pt of slack: a glyph's box may overhang its origin (an italic "A").
            if char.strip() and (right > width - MARGIN_POINTS + 3 or left < MARGIN_POINTS - 3):
                outside.append((number + 1, char, round(left, 1), round(right, 1)))
    assert outside == [], outside[:20]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first = doc[0].render(scale=1).to_pil()
    first.save(SCREENSHOTS / "report" / "print-page-1.png")


def test_the_page_checks_catch_what_they_look_for(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A control: a page with a table wider than a phone and a chart whose fixed, unrotated
    tick labels overlap fails both checks (they could pass on a broken report otherwise)."""
    import plotly.graph_objects as go

    from bubblewatch.charts import style
    from bubblewatch.report.embed import CHART_CSS, charts_html, plotly_script

    labels = [f"Counterparty number {i}" for i in range(24)]
    fig = style(
        go.Figure(go.Bar(x=labels, y=list(range(24)), name="amount")),
        title="Crowded",
        x_title="Counterparty",
        y_title="USD bn",
    )
    fig.update_xaxes(tickangle=0)
    wide = "<table><tr>" + "<td>unbreakable_cell_text_xxxxxxxxxxxx</td>" * 12 + "</tr></table>"
    page_file = tmp_path_factory.mktemp("control") / "control.html"
    page_file.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{CHART_CSS}</style></head>'
        f"<body>{wide}{charts_html('control', [fig])}{plotly_script()}</body></html>",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 390, "height": 900})
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_function(
            "document.documentElement.dataset.charts === 'drawn'", timeout=30_000
        )
        overflow = page.evaluate(_OVERFLOW_JS)
        charts = page.evaluate(_CHARTS_JS)
    finally:
        page.close()
    assert overflow["scrollWidth"] > overflow["width"]
    assert any(item.startswith("table") for item in overflow["wide"])
    assert len(charts) == 1 and charts[0]["collisions"]
