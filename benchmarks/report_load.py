"""How big the HTML report is and how fast its charts appear in headless Chromium, before and
after packing plotly.js.

Renders the shipped data's report twice from one assessment: *before*, the way the report was
built with the full plotly.js inline in ``<head>`` and one inline ``Plotly.newPlot`` script per
figure (``plotly.io.to_html``); *after*, as :func:`bubblewatch.report.to_html` builds it
(plotly.js gzip-compressed in the page, figures drawn from JSON data blocks; see
:mod:`bubblewatch.report.embed`). Both pages hold every figure of every section. Each is opened
``--runs`` times, alternating, each time in a fresh browser context, at 1400 and at 390 px;
measured:

- the file size;
- time to all charts drawn: ``performance.now()`` at the first animation frame in which every
  figure has its drawn Plotly graph (a requestAnimationFrame loop started before the page's own
  scripts), from the start of navigation;
- the page's main-thread CPU time by then (Chromium's ``ThreadTime`` metric): the work the
  page costs, which, unlike the wall time, hardly depends on what else the machine runs;
- time to the screen ready: the page's ``charts-visible`` mark, when plotly.js has started and
  the charts on and near the first screen are drawn (the others follow one at a time); for the
  page built before, which draws every chart in one go, the same as all charts drawn;
- the ``load`` event's time, and any request other than the page itself (there must be none).

The same page without charts or plotly.js is opened too: its CPU is what the text and tables
cost, the rest is the charts'.

Medians are printed with the after/before ratios. Timings depend on the machine and its load;
the tests time nothing.

Run: ``python benchmarks/report_load.py`` (Chromium from ``BUBBLEWATCH_CHROMIUM`` or
``/usr/bin/chromium``; ``--runs N``; ``--json`` prints the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DRAWN = """
(() => {
  const expected = %d;
  function tick() {
    const drawn = [...document.querySelectorAll('.js-plotly-plot')]
      .filter(g => g._fullLayout && g.querySelector('.main-svg')).length;
    if (drawn >= expected) { window.__chartsDrawnAt = performance.now(); return; }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();
"""


def before_html(assessment: Any) -> str:
    """The page as it was built before: full plotly.js inline, one newPlot script per figure."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    import bubblewatch.report.render as render
    from bubblewatch.report import to_html

    def inline_charts(section_id: str, figures: Any) -> str:
        return "".join(
            '<div class="chart">'
            + pio.to_html(
                fig,
                full_html=False,
                include_plotlyjs=False,
                div_id=f"chart-{section_id}-{i}",
                config={"displaylogo": False, "responsive": True},
            )
            + "</div>"
            for i, fig in enumerate(figures)
        )

    with (
        patch.object(render, "charts_html", inline_charts),
        patch.object(render, "plotly_script", lambda: ""),
    ):
        page = to_html(assessment)
    return page.replace("</style>", f"</style><script>{get_plotlyjs()}</script>", 1)


def text_only_html(assessment: Any) -> str:
    """The page without charts or plotly.js: what the text and tables alone cost."""
    import bubblewatch.report.render as render
    from bubblewatch.report import to_html

    with (
        patch.object(render, "charts_html", lambda _id, _figures: ""),
        patch.object(render, "plotly_script", lambda: ""),
    ):
        return to_html(assessment)


def measure(browser: Any, page_path: Path, width: int, figures: int) -> dict[str, Any]:
    """One opening of ``page_path`` in a fresh context at ``width`` px."""
    context = browser.new_context(viewport={"width": width, "height": 1000})
    try:
        context.add_init_script(DRAWN % figures)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(page_path.as_uri(), wait_until="load")
        if figures:
            page.wait_for_function("window.__chartsDrawnAt !== undefined", timeout=120_000)
        else:
            page.evaluate("window.__chartsDrawnAt = performance.now()")
        drawn = page.evaluate("window.__chartsDrawnAt")
        # The screen is ready when the charts on and near it are drawn: the page's own mark
        # where it draws those first, else (every chart drawn in one go) when all are.
        visible = page.evaluate(
            "(performance.getEntriesByName('charts-visible')[0] || {}).startTime"
        )
        load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    finally:
        context.close()
    others = [u for u in requests if u != page_path.as_uri()]
    return {
        "drawn_ms": drawn,
        "visible_ms": drawn if visible is None else visible,
        "load_ms": load,
        "cpu_ms": metrics["ThreadTime"] * 1000,
        "other_requests": others,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="openings per page and width")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("BUBBLEWATCH_HOME", tempfile.mkdtemp(prefix="bw-bench-"))

    from playwright.sync_api import sync_playwright

    from bubblewatch.report import assess, to_html
    from bubblewatch.store import Store

    with Store.open() as store:
        assessment = assess(store)
    figures = sum(len(s.figures) for s in assessment.sections)
    folder = Path(tempfile.mkdtemp(prefix="bw-report-load-"))
    pages = {"before": folder / "before.html", "after": folder / "after.html"}
    pages["before"].write_text(before_html(assessment), encoding="utf-8")
    pages["after"].write_text(to_html(assessment), encoding="utf-8")
    text_only = folder / "text-only.html"
    text_only.write_text(text_only_html(assessment), encoding="utf-8")
    chromium = os.environ.get("BUBBLEWATCH_CHROMIUM", "/usr/bin/chromium")
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            for _ in range(args.runs):
                for width in (1400, 390):
                    for name, path in pages.items():
                        runs.setdefault((name, width), []).append(
                            measure(browser, path, width, figures)
                        )
                    runs.setdefault(("text_only", width), []).append(
                        measure(browser, text_only, width, 0)
                    )
        finally:
            browser.close()

    result: dict[str, Any] = {"figures": figures, "runs": args.runs, "cores": os.cpu_count()}
    for name, path in {**pages, "text_only": text_only}.items():
        result[f"{name}_bytes"] = path.stat().st_size
    result["size_ratio"] = result["after_bytes"] / result["before_bytes"]
    for (name, width), rows in runs.items():
        result[f"{name}_{width}px_drawn_ms"] = statistics.median(r["drawn_ms"] for r in rows)
        result[f"{name}_{width}px_load_ms"] = statistics.median(r["load_ms"] for r in rows)
        result[f"{name}_{width}px_visible_ms"] = statistics.median(r["visible_ms"] for r in rows)
        result[f"{name}_{width}px_cpu_ms"] = statistics.median(r["cpu_ms"] for r in rows)
        result[f"{name}_{width}px_other_requests"] = sorted(
            {u for r in rows for u in r["other_requests"]}
        )
        result[f"{name}_{width}px_errors"] = sorted({e for r in rows for e in r["errors"]})
    for width in (1400, 390):
        for measure_ in ("visible", "drawn", "cpu"):
            result[f"{measure_}_ratio_{width}px"] = (
                result[f"after_{width}px_{measure_}_ms"] / result[f"before_{width}px_{measure_}_ms"]
            )
    if args.json:
        print(json.dumps(result))
        return
    mb = 1_000_000
    print(
        f"{figures} figures; {args.runs} openings per page and width; {os.cpu_count()} cores; "
        "medians"
    )
    print(
        f"size: before {result['before_bytes'] / mb:.2f} MB, after {result['after_bytes'] / mb:.2f}"
        f" MB, ratio {result['size_ratio']:.2f}"
    )
    for width in (1400, 390):
        b, a = (result[f"{n}_{width}px_drawn_ms"] for n in ("before", "after"))
        lb, la = (result[f"{n}_{width}px_load_ms"] for n in ("before", "after"))
        cb, ca = (result[f"{n}_{width}px_cpu_ms"] for n in ("before", "after"))
        vb, va = (result[f"{n}_{width}px_visible_ms"] for n in ("before", "after"))
        print(
            f"{width:>4} px: screen ready (charts near it drawn) before {vb:,.0f} ms, after "
            f"{va:,.0f} ms, ratio {va / vb:.2f}"
        )
        print(
            f"{'':>4}     all charts drawn before {b:,.0f} ms, after {a:,.0f} ms, ratio "
            f"{a / b:.2f}; main-thread CPU before {cb:,.0f} ms, after {ca:,.0f} ms, ratio "
            f"{ca / cb:.2f}; load event before {lb:,.0f} ms, after {la:,.0f} ms"
        )
        print(
            f"{'':>4}     the page without charts: main-thread CPU "
            f"{result[f'text_only_{width}px_cpu_ms']:,.0f} ms, load event "
            f"{result[f'text_only_{width}px_load_ms']:,.0f} ms"
        )
        for name in ("before", "after"):
            other = result[f"{name}_{width}px_other_requests"]
            errors = result[f"{name}_{width}px_errors"]
            if other or errors:
                print(f"  {name}: requests {other}, errors {errors}")


if __name__ == "__main__":
    main()
