"""Meta-tests: every CLI command and every report section has a test."""

from __future__ import annotations

from pathlib import Path

from bubblewatch.arguments.registry import section_ids
from bubblewatch.cli import app, data_app

SECTION_IDS = section_ids()

TESTS = Path(__file__).resolve().parent


def _command_names() -> list[tuple[str, ...]]:
    names: list[tuple[str, ...]] = []
    for cmd in app.registered_commands:
        names.append((cmd.name or cmd.callback.__name__,))  # type: ignore[union-attr]
    for cmd in data_app.registered_commands:
        names.append(("data", cmd.name or cmd.callback.__name__))  # type: ignore[union-attr]
    return names


def test_every_cli_command_is_exercised_by_test_cli() -> None:
    text = (TESTS / "test_cli.py").read_text(encoding="utf-8")
    commands = _command_names()
    assert len(commands) >= 6
    for parts in commands:
        call = "run_cli(" + ", ".join(f'"{p}"' for p in parts)
        assert call in text, f"no test calls {' '.join(parts)}"


def test_every_report_section_is_checked() -> None:
    text = (TESTS / "test_report.py").read_text(encoding="utf-8") + (
        TESTS / "test_report_pages.py"
    ).read_text(encoding="utf-8")
    assert "SECTION_IDS" in text
    assert len(SECTION_IDS) == 10 and SECTION_IDS[-1] == "claims"
