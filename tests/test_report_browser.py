"""The HTML report opened in headless Chromium: renders, charts drawn, no console errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bubblewatch.arguments.registry import section_ids

SECTION_IDS = section_ids()

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


def test_html_report_renders_offline_without_console_errors(
    shipped_assessment: Any, tmp_path: Path, chromium: str
) -> None:
    """The HTML of the shipped data's report (the session's one build; ``bubblewatch report``
    writing it is tested in test_cli) renders in Chromium offline."""
    from playwright.sync_api import sync_playwright

    from bubblewatch.report import write_report

    out = tmp_path / "report.html"
    write_report(shipped_assessment, out, "html")
    messages: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on(
                "console",
                lambda m: (
                    messages.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
            # No request but the page itself: not even a data: or blob: URL.
            page.on("request", lambda r: requests.append(r.url) if r.url != out.as_uri() else None)
            page.goto(out.as_uri(), wait_until="load")
            page.wait_for_function(
                "document.documentElement.dataset.charts === 'drawn'", timeout=30_000
            )
            figures = sum(len(s.figures) for s in shipped_assessment.sections)
            drawn = page.eval_on_selector_all(
                ".chart", "els => els.filter(e => e.querySelector('.main-svg')).length"
            )
            assert drawn == figures >= len(SECTION_IDS)
            ids = page.eval_on_selector_all("section", "els => els.map(e => e.id)")
            assert ids == list(SECTION_IDS)
            for sid in SECTION_IDS:
                assert page.locator(f"#{sid} .reading").is_visible()
                assert page.locator(f"#chart-{sid} .main-svg").count() >= 1
            # Every figure's link lands on an entry of the sources list.
            targets = page.eval_on_selector_all(
                "tr.figure a", "els => els.map(e => e.getAttribute('href'))"
            )
            assert targets
            for href in set(targets):
                assert page.locator(href).count() == 1, href
            page.locator("#circularity tr.figure a").first.click()
            assert page.url.endswith(targets[0]) or "#src-" in page.url
        finally:
            browser.close()
    assert messages == []
    assert requests == []
