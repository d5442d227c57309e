"""Shared fixtures: an isolated store home, the shared real-data folder, the browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SHARED_RESEARCH = ROOT.parent / "shared" / "research"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty BUBBLEWATCH_HOME for the test."""
    path = tmp_path / "bwhome"
    monkeypatch.setenv("BUBBLEWATCH_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data beside the project (always present in CI)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real-data folder {SHARED_DATA} is absent (a user's checkout)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_research() -> Path:
    if not SHARED_RESEARCH.is_dir():
        pytest.skip(f"research folder {SHARED_RESEARCH} is absent (a user's checkout)")
    return SHARED_RESEARCH


def chromium_path() -> str | None:
    """Debian's Chromium, or the one named by BUBBLEWATCH_CHROMIUM."""
    candidate = (
        os.environ.get("BUBBLEWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    )
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("BUBBLEWATCH_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (BUBBLEWATCH_REQUIRE_BROWSER) but was not found")
        pytest.skip("no Chromium found; install Debian's chromium or set BUBBLEWATCH_CHROMIUM")
    return path


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``bubblewatch`` in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "bubblewatch.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store created once for read-only tests."""
    from bubblewatch.store import Store

    path = tmp_path_factory.mktemp("shared-home")
    Store.open(path).close()
    yield path


@pytest.fixture
def fake_server(shared_data: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A ``fakeserver.FakeServer`` for every provider on 127.0.0.1, replaying ``api_responses``.

    Every provider's base URL points at it, an SEC identity is set, the HTTP cache lives in the
    test's BUBBLEWATCH_HOME and retries wait only milliseconds (Retry-After capped at 5 s).
    """
    from bubblewatch.sources import http
    from fakeserver import FakeServer

    server = FakeServer(shared_data / "api_responses").start()
    try:
        for provider in http.PROVIDERS.values():
            monkeypatch.setenv(provider.env_url, server.url)
        monkeypatch.setenv(http.ENV_SEC_IDENTITY, "Bubblewatch Tests tests@example.com")
        monkeypatch.setattr(
            http,
            "DEFAULT_RETRY",
            http.RetryPolicy(
                wait_initial=0.01, wait_max=0.05, wait_jitter=0.01, retry_after_cap=5.0
            ),
        )
        yield server
    finally:
        server.stop()
