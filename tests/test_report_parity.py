"""The report-parity script finds every changed figure, reading, table and verdict."""

from __future__ import annotations

import copy
import importlib.util
from typing import Any

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location(
    "report_parity", ROOT / "scripts" / "report_parity.py"
)
assert _spec is not None and _spec.loader is not None
parity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(parity)

DOC: dict[str, Any] = {
    "sections": {
        "gdp": {
            "title": "t",
            "question": "q?",
            "reading": "r.",
            "evidence": [{"label": "growth", "value": 1.6, "unit": "pct", "source_ids": ["a"]}],
            "tables": [{"title": "by quarter", "rows": [{"period": "2025Q1", "v": 0.1}]}],
            "sources": [{"source_id": "a"}],
        }
    },
    "scoreboard": {"rows": [{"argument": "gdp", "signal": "neutral"}]},
    "claims": {"claims": [{"claim_id": "C19", "verdict": "supported", "reason": "x",
                           "as_of_claim_date": {}, "as_of": {}}]},
}  # fmt: skip


def test_identical_reports_have_no_difference() -> None:
    assert list(parity.differences(DOC, copy.deepcopy(DOC))) == []


def test_every_kind_of_change_is_listed() -> None:
    after = copy.deepcopy(DOC)
    after["sections"]["gdp"]["evidence"][0]["value"] = 1.7
    after["sections"]["gdp"]["reading"] = "other."
    after["sections"]["gdp"]["tables"][0]["rows"][0]["v"] = 0.2
    after["claims"]["claims"][0]["verdict"] = "overstated"
    found = {(section, part) for section, part, _ in parity.differences(DOC, after)}
    assert found == {
        ("gdp", "reading"),
        ("gdp", "evidence[0]"),
        ("gdp", "table 'by quarter'"),
        ("claims", "C19 verdict"),
    }
    # a figure's claim id and null reason are additions, not differences
    added = copy.deepcopy(DOC)
    added["sections"]["gdp"]["evidence"][0]["claim_id"] = "C19"
    assert list(parity.differences(DOC, added)) == []
