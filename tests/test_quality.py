"""Quality gates run with the tests: ruff (lint and format) and mypy (strict) are clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_lint_is_clean() -> None:
    proc = _run("ruff", "check", "src", "tests", "scripts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = _run("ruff", "format", "--check", "src", "tests", "scripts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_is_clean() -> None:
    proc = _run("mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_machine_paths_in_the_repository() -> None:
    proc = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    forbidden = ("/" + "work/", "." + "library", "/" + "farm/")
    for name in proc.stdout.splitlines():
        path = ROOT / name
        if path.suffix in {".py", ".md", ".toml", ".csv", ".json", ".txt"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for needle in forbidden:
                assert needle not in text, f"{name} mentions {needle}"
