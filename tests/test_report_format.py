"""The report reads as written for people: human headings and values, collapsed citations,
data-through dates; and the formatters behind them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

from bubblewatch.arguments.result import MINUS, format_value
from bubblewatch.report import Assessment, to_html, to_markdown
from bubblewatch.report.labels import (
    DASH,
    human_table,
    humanize,
    humanize_text,
)
from bubblewatch.report.names import describe_key, label_changes
from bubblewatch.report.render import CITES_SHOWN
from bubblewatch.report.through import data_through, describe, observed

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
#: More digits after a decimal point than the report ever shows (two).
NOISE = re.compile(r"\d\.\d{3,}")
NAN = re.compile(r"\b(nan|NaN|NAN|None|inf)\b")


@dataclass
class _Cell:
    kind: str  # "th", "td", "figure" (an evidence row) or "li" (a ledger evidence item)
    text: list[str] = field(default_factory=list)
    marks: int = 0  # citation marks visible without opening a "+N sources"


class _Page(HTMLParser):
    """The visible text of ``<main>`` (no scripts or styles), table cells with their text and
    the citation marks they show, and each ``<section>``'s text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.cells: list[_Cell] = []
        self.open_cells: list[_Cell] = []
        self.main_text: list[str] = []
        self.sections: dict[str, list[str]] = {}
        self.section: str | None = None

    def _inside(self, tag: str, cls: str = "") -> bool:
        return any(t == tag and (not cls or cls in c.split()) for t, c in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        cls = a.get("class", "")
        if tag in ("br", "meta", "link", "img", "input"):
            return
        self.stack.append((tag, cls))
        if tag == "section":
            self.section = a.get("id")
            self.sections[str(self.section)] = []
        if tag in ("th", "td") and self._inside("table") and not self._inside("td"):
            self.open_cells.append(_Cell(tag))
        if tag == "tr" and "figure" in cls.split():
            self.open_cells.append(_Cell("figure"))
        if tag == "li" and self._inside("table", "ledger"):
            self.open_cells.append(_Cell("li"))
        if tag == "a" and "cite" in cls.split() and not self._inside("details", "more"):
            for cell in self.open_cells:
                cell.marks += 1

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "section":
            self.section = None
        closing = {"th": ("th",), "td": ("td",), "tr": ("figure",), "li": ("li",)}.get(tag, ())
        if closing and self.open_cells and self.open_cells[-1].kind in closing:
            self.cells.append(self.open_cells.pop())

    def handle_data(self, data: str) -> None:
        if self._inside("script") or self._inside("style") or not self._inside("main"):
            return
        if self._inside("div", "chart") or self._inside("details", "section-sources"):
            return  # charts are checked by the chart standard; source titles are quoted
        self.main_text.append(data)
        if self.section is not None:
            self.sections[self.section].append(data)
        in_mark = self._inside("sup") or self._inside("summary")
        for cell in self.open_cells:
            if not in_mark:
                cell.text.append(data)


@pytest.fixture(scope="module")
def page(shipped_assessment: Assessment) -> _Page:
    parser = _Page()
    parser.feed(to_html(shipped_assessment))
    return parser


def test_headings_and_labels_have_no_snake_case(page: _Page) -> None:
    """No heading, table cell or evidence label shows a snake_case identifier."""
    headings = [c for c in page.cells if c.kind == "th"]
    assert len(headings) > 50
    bad = [(c.kind, "".join(c.text)[:80]) for c in page.cells if SNAKE.search(" ".join(c.text))]
    assert bad == []
    assert "Can go round ($bn)" in {"".join(c.text) for c in headings}


def test_no_number_shows_more_precision_than_the_report_displays(page: _Page) -> None:
    """Rule: in the visible text of the report's body (every text node of ``<main>`` outside
    scripts, styles, the charts and the titles of sources quoted in each section's source
    list, citation marks included), no number has more than two
    digits after its decimal point, i.e. ``\\d\\.\\d{3,}`` never matches; and no figure is
    printed with an ASCII hyphen as its sign where a table cell holds a number."""
    text = " ".join(page.main_text)
    assert NOISE.findall(text) == []
    numeric_cells = ["".join(c.text).strip() for c in page.cells if c.kind == "td"]
    assert not [c for c in numeric_cells if re.fullmatch(r"-\d[\d,.]*%?", c)]


def test_no_nan_or_none_text(page: _Page) -> None:
    text = " ".join(page.main_text)
    assert NAN.findall(text) == []


def test_each_figure_shows_at_most_three_citation_marks(
    page: _Page, shipped_assessment: Assessment
) -> None:
    figures = [c for c in page.cells if c.kind == "figure"]
    assert len(figures) == sum(len(s.evidence) for s in shipped_assessment.sections)
    for cell in page.cells:
        assert cell.marks <= CITES_SHOWN, (cell.kind, "".join(cell.text)[:80])
    # Figures resting on more than three sources fold the rest behind "+N sources".
    many = [ev for s in shipped_assessment.sections for ev in s.evidence if len(ev.source_ids) > 3]
    assert many
    html = to_html(shipped_assessment)
    ev = many[0]
    assert f"+{len(ev.source_ids) - CITES_SHOWN} sources</summary>" in html
    ledger_items = [c for c in page.cells if c.kind == "li"]
    assert ledger_items and all(c.marks >= 1 for c in ledger_items)


def test_header_and_every_section_state_the_data_through_date(
    page: _Page, shipped_assessment: Assessment
) -> None:
    html = to_html(shipped_assessment)
    latest = shipped_assessment.data_through
    assert latest is not None
    assert f'id="through">{describe(latest)}.' in html
    for section in shipped_assessment.sections:
        assert section.data_through is not None and section.data_through <= latest
        assert describe(section.data_through) in "".join(page.sections[section.id])
    md = to_markdown(shipped_assessment)
    assert md.count("Data through ") == len(shipped_assessment.sections) + 1


def test_section_tables_drop_deal_ids_and_cite_their_sources(
    shipped_assessment: Assessment, page: _Page
) -> None:
    deals = dict(shipped_assessment.section("circularity").tables)["Closed money loops"]
    ids = {d for cell in deals["deals"] for d in re.split(r"[,;]\s*", cell)}
    text = " ".join(page.main_text)
    assert ids and not [d for d in ids if d in text]
    md = to_markdown(shipped_assessment)
    assert "| Loop | Legs ($bn) | Can go round ($bn) | Binding deals only | Sources |" in md


# --- format_value ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (64.551, "usd_bn", "$64.6bn"),
        (1949.35, "usd_bn", "$1.95tn"),
        (1400.0, "usd_bn", "$1.4tn"),
        (-28412.3, "usd", f"{MINUS}$28,412"),
        (-3.2, "usd_bn", f"{MINUS}$3.2bn"),
        (2018.0, "year", "2018"),
        (58.0, "usd_per_bbl", "$58/bbl"),
        (3.887, "usd_per_gpu_hour", "$3.89/GPU-hour"),
        (0.0001, "pp", "0.00 pp"),
        (-0.0001, "pp", "0.00 pp"),
        (1.05605, "pp", "+1.06 pp"),
        (-0.8, "pp", f"{MINUS}0.80 pp"),
        (-0.0899, "share", f"{MINUS}9%"),
        (0.004, "share", "0.4%"),
        (0.7, "kw", "0.7 kW"),
        (4.0, "years", "4 years"),
        (3.5, "years", "3.5 years"),
        (5.5, "gw", "5.5 GW"),
        (603318.25, "count", "603,318"),
        (1.82, "x", "1.8x"),
        (12.5, "widgets_per_day", "12.50 widgets/day"),
        (float("nan"), "x", "n/a"),
        ("~28x", "text", "~28x"),
    ],
)
def test_format_value(value: float | str, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


def test_format_value_never_leaves_a_unit_code() -> None:
    for unit in ("usd_per_bbl", "usd_per_gpu_hour", "year", "usd", "kw", "twh", "mw"):
        assert "_" not in format_value(1234.5678, unit)
        assert not NOISE.search(format_value(1234.5678, unit))
    assert not math.isnan(float(format_value(2018.0, "year")))


# --- the humanizer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("can_go_round_usd_bn", "Can go round ($bn)"),
        ("hhi", "Concentration (HHI)"),
        ("sales_usd_bn", "Sales ($bn)"),
        ("largest_buyer_share", "Largest buyer share"),
        ("implied_ai_revenue_usd_bn", "Implied AI revenue ($bn)"),
        ("gdp_growth", "GDP growth"),
        ("capacity_gw", "Capacity (GW)"),
        ("old_years", "Old life (years)"),
        ("operating_cash_flow", "Operating cash flow"),
        ("true life (years)", "True life (years)"),
        ("period", "Period"),
        ("electricity_usd_per_kwh", "Electricity ($/kWh)"),
    ],
)
def test_humanize(name: str, label: str) -> None:
    assert humanize(name) == label


def test_humanize_text_rewrites_identifiers_and_signs() -> None:
    assert humanize_text("binding, letter_of_intent") == "binding, letter of intent"
    assert humanize_text("-13%") == f"{MINUS}13%"
    assert humanize_text("2014-2018") == "2014-2018"
    assert humanize_text("gpu_tdp_kw") == "GPU TDP kW"


def test_human_table_writes_each_column_in_its_unit() -> None:
    frame = pd.DataFrame(
        {
            "seller": ["Amazon", "Meta"],
            "sales_usd_bn": [238.04, float("nan")],
            "self_financed_share": [0.349, 0.0],
            "binding_only": [True, False],
            "best_year": [2018.0, float("nan")],
            "ratio": [0.7000000000000001, 4693.8338650000005],
            "deals": ["amzn_openai_2026", "meta_crwv_2025"],
            "sources": ["a, b, c, d", "a"],
        }
    )
    table = human_table(frame, {"a", "b", "c", "d"})
    assert table.headers == (
        "Seller",
        "Sales ($bn)",
        "Self-financed share",
        "Binding deals only",
        "Best-matching year",
        "Ratio",
        "Sources",
    )
    # One precision per column: above 1,000 no decimals, so 0.7 shows as 1.
    assert table.rows[0] == ("Amazon", "238.0", "35%", "yes", "2018", "1", ("a", "b", "c", "d"))
    assert table.rows[1] == ("Meta", DASH, "0%", "no", DASH, "4,694", ("a",))


def test_value_beside_unit_is_written_row_by_row() -> None:
    frame = pd.DataFrame(
        {
            "name": ["purchase_usd", "pue", "convention"],
            "value": [50000.0, 1.3, "full month"],
            "unit": ["usd", "x", ""],
        }
    )
    table = human_table(frame)
    assert table.headers == ("Name", "Value")
    assert [r[1] for r in table.rows] == ["$50,000", "1.3x", "full month"]
    assert [r[0] for r in table.rows] == ["Purchase ($)", "PUE", "Convention"]


# --- data through ---------------------------------------------------------------------------


def test_observed_ignores_guidance_and_reads_quarters() -> None:
    financials = pd.DataFrame(
        {
            "fiscal_year_end": pd.to_datetime(["2025-06-30", "2026-06-30"]),
            "published": pd.to_datetime(["2025-07-30", "2025-07-30"]),
        }
    )
    assert observed(financials) == date(2025, 6, 30)  # FY2026 guidance is not an observation
    macro = pd.DataFrame({"period": ["2025Q4", "2026Q1", "2025H1"]})
    assert observed(macro) == date(2026, 3, 31)
    tables = {"financials": financials, "macro": macro, "claims": pd.DataFrame({"date": ["2030"]})}
    assert data_through(tables, ("financials", "macro", "claims", "absent")) == date(2026, 3, 31)
    assert describe(date(2026, 3, 31)) == "Data through 31 Mar 2026"


def test_changed_rows_are_named_in_words() -> None:
    deals = pd.DataFrame(
        {
            "deal_id": ["nvda_openai_2025"],
            "date": pd.to_datetime(["2025-09-22"]),
            "party_a": ["NVIDIA"],
            "party_b": ["OpenAI"],
            "type": ["equity"],
        }
    )
    changes = pd.DataFrame(
        {
            "table": ["deals", "market"],
            "key": ["deal_id=nvda_openai_2025", "series=NASDAQCOM, field=close"],
            "field": ["amount_usd_bn", ""],
        }
    )
    named = label_changes(changes, {"deals": deals})
    assert named is not None
    assert list(named["figure"]) == ["NVIDIA – OpenAI equity (Sep 2025)", "NASDAQCOM, close"]
    assert describe_key("deal_id=unknown_deal_2024", {}) == "Unknown deal 2024"
