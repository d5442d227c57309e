"""A broken model stops ``claims`` and ``report`` with exit 1 and one line naming the argument.

For each argument a ``KeyError`` is injected into the model entry points that its report section
and its claim checks call (patched where they are looked up). No claim may quietly turn into
"not verifiable" and no report may be written: the run stops and says which argument failed.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bubblewatch.arguments.registry import section_ids
from bubblewatch.cli import main

SECTION_IDS = section_ids()

INJECTED = "injected_missing_column"

TARGETS: dict[str, tuple[str, ...]] = {
    "markets": (
        "bubblewatch.claims.checks.markets.market_series",
        "bubblewatch.models.market.context",
    ),
    "circularity": ("bubblewatch.models.financing.network",),
    "funding": ("bubblewatch.models.funding.funding",),
    "depreciation": ("bubblewatch.arguments.depreciation.fit_trend",),
    "gdp": ("bubblewatch.models.gdp.view",),
    "cycles": ("bubblewatch.models.cycles.metric_rows", "bubblewatch.models.cycles.view"),
    "roi": ("bubblewatch.models.roi.growth_to_close", "bubblewatch.models.roi.sequoia_check"),
    "power": ("bubblewatch.models.power.outlook",),
    "credit": ("bubblewatch.models.debt.instrument_mix", "bubblewatch.models.stress.stress"),
}
"""Per argument: the model entry points its section and its checks call."""

ARGUMENTS = [s for s in SECTION_IDS if s != "claims"]


def _broken(*args: Any, **kwargs: Any) -> Any:
    raise KeyError(INJECTED)


def _inject(monkeypatch: pytest.MonkeyPatch, argument: str) -> None:
    for target in TARGETS[argument]:
        module, name = target.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name)), target
        monkeypatch.setattr(target, _broken)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    captured = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_every_argument_has_targets() -> None:
    assert sorted(TARGETS) == sorted(ARGUMENTS)


def test_claims_run_cleanly_without_injection(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The baseline: the same in-process run exits 0, so the failures below come from the injection."""
    code, out, _ = _run(["claims", "--json"], capsys)
    assert code == 0
    assert '"claims"' in out


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_claims_stop_on_a_broken_model(
    argument: str,
    stocked_home: Path,
    clean_sections: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fast_sections(monkeypatch, clean_sections, "claims", keep=argument)
    _inject(monkeypatch, argument)
    code, out, err = _run(["claims", "--json"], capsys)
    assert code == 1
    line = _one_line(err)
    assert f"({argument}): check failed:" in line and f"KeyError: '{INJECTED}'" in line
    assert line.startswith("error: claim C")
    assert out == ""  # no ledger printed, so no verdict changed silently


def _fast_sections(
    monkeypatch: pytest.MonkeyPatch, built: dict[str, Any], upto: str, keep: str = ""
) -> None:
    """Sections before ``upto`` (but ``keep``) come from one earlier clean build: they are not
    under test, and the argument under test still runs its models."""
    from bubblewatch.arguments import ARGUMENTS

    for section_id in SECTION_IDS[: SECTION_IDS.index(upto)]:
        if section_id == keep:
            continue
        section = built[section_id]
        done: Callable[[Any, Any], Any] = lambda _t, _p, r=section.detail: r  # noqa: E731
        replaced = dataclasses.replace(ARGUMENTS[section_id], analyze=done)
        monkeypatch.setitem(ARGUMENTS, section_id, replaced)


@pytest.fixture(scope="module")
def clean_sections(shipped_assessment: Any) -> dict[str, Any]:
    """Every section of one clean report build, by id."""
    return {s.id: s for s in shipped_assessment.sections}


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_report_stops_on_a_broken_model(
    argument: str,
    clean_sections: dict[str, Any],
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fast_sections(monkeypatch, clean_sections, argument)
    _inject(monkeypatch, argument)
    target = tmp_path / "report.json"
    code, _, err = _run(["report", "--format", "json", "--quiet", "--out", str(target)], capsys)
    assert code == 1
    line = _one_line(err)
    assert line == (f"error: section {argument!r} could not be built: KeyError: '{INJECTED}'"), line
    assert not target.exists()


def test_report_keeps_exit_2_for_bad_input(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A section that meets bad data (a :class:`DataError`) keeps its exit code and message."""
    from bubblewatch.arguments import ARGUMENTS
    from bubblewatch.errors import DataError

    def bad(_t: Any, _p: Any) -> Any:
        raise DataError("the power table has a malformed row")

    monkeypatch.setitem(
        ARGUMENTS, "markets", dataclasses.replace(ARGUMENTS["markets"], analyze=bad)
    )
    target = tmp_path / "report.json"
    code, _, err = _run(["report", "--format", "json", "--quiet", "--out", str(target)], capsys)
    assert code == 2
    assert _one_line(err) == "error: the power table has a malformed row"
    assert not target.exists()
