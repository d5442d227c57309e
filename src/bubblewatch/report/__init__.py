"""Assessment → HTML / Markdown / JSON, and the terminal scorecard."""

from __future__ import annotations

from bubblewatch.arguments.result import format_value
from bubblewatch.report.assessment import Assessment, Evidence, Section
from bubblewatch.report.build import assess
from bubblewatch.report.render import to_html, to_json, to_markdown, write_report

__all__ = [
    "Assessment",
    "Evidence",
    "Section",
    "assess",
    "format_value",
    "to_html",
    "to_json",
    "to_markdown",
    "write_report",
]
