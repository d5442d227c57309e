"""Shared fixtures: an isolated store home, the shared real-data folder, the browser, and two
ways to run the command line: in this process (fast, the default) and in a child process (the
console-script path, for a few smoke tests)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session", autouse=True)
def engine_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One engine-result cache for the whole run, outside every test's home: the report's LPPLS
    indicator is fitted once per input and read back by later tests (``bubblewatch.engine_cache``;
    its own tests point it elsewhere)."""
    path = tmp_path_factory.mktemp("engine-cache")
    previous = os.environ.get("BUBBLEWATCH_CACHE")
    os.environ["BUBBLEWATCH_CACHE"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("BUBBLEWATCH_CACHE", None)
    else:
        os.environ["BUBBLEWATCH_CACHE"] = previous


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


def run_cli_process(
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


@dataclass(frozen=True)
class CliResult:
    """What one in-process run of ``bubblewatch`` returned and printed."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _fresh_consoles() -> Iterator[None]:
    """Give the command modules new Rich consoles for one run, as a new process would have.

    A console writes to whatever ``sys.stdout``/``sys.stderr`` are when it prints, but decides
    on colour when it is created; new ones made while the output is captured see no terminal.
    """
    from rich.console import Console

    swapped: list[tuple[object, str, Console]] = []
    for name, module in list(sys.modules.items()):
        if not (name == "bubblewatch.cli" or name.startswith("bubblewatch.cli_")):
            continue
        for attr, value in list(vars(module).items()):
            if isinstance(value, Console):
                swapped.append((module, attr, value))
                setattr(module, attr, Console(stderr=value.stderr))
    try:
        yield
    finally:
        for owner, name, console in swapped:
            setattr(owner, name, console)


def _exit_code(exc: SystemExit) -> tuple[int, str]:
    """The status a process exiting with ``exc`` would have, and what it would print."""
    code = exc.code
    if code is None:
        return 0, ""
    if isinstance(code, int):
        return code, ""
    return 1, f"{code}\n"


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> CliResult:
    """Run ``bubblewatch`` in this process: ``bubblewatch.cli.main`` with the arguments.

    Output, ``sys.argv``, the working directory, the environment and stdin are those of the
    run and are restored afterwards; the exit status is the one ``main`` exits with (0 if it
    returns). An exception that ``main`` lets through propagates, failing the test.
    """
    from bubblewatch.cli import main  # imported before the swap, so its consoles are swapped

    out, err = io.StringIO(), io.StringIO()
    previous_dir = Path.cwd()
    previous_argv = sys.argv
    previous_stdin = sys.stdin
    code = 0
    try:
        sys.argv = ["bubblewatch", *args]
        sys.stdin = io.StringIO(stdin or "")
        if cwd is not None:
            os.chdir(cwd)
        with (
            _environment(env or {}),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _fresh_consoles(),
        ):
            try:
                main(list(args))
            except SystemExit as exc:
                code, message = _exit_code(exc)
                err.write(message)
    finally:
        os.chdir(previous_dir)
        sys.argv = previous_argv
        sys.stdin = previous_stdin
    return CliResult(tuple(args), code, out.getvalue(), err.getvalue())


#: The identity of each template store when it was made: (inode, size, modification time).
_TEMPLATES: dict[Path, tuple[int, int, int]] = {}


def _identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once from the shipped snapshot, for tests to copy.

    A write leaves ``store.duckdb`` checkpointed, with no write-ahead log beside it, so the
    file alone is a whole store: copied into an empty folder, it opens as that folder's store.
    A write to the template would replace the file; :func:`stock` refuses to copy it then.
    """
    from bubblewatch.store import STORE_FILE, Store

    path = tmp_path_factory.mktemp("store-template")
    Store.open(path).close()
    assert {p.name for p in path.iterdir()} == {STORE_FILE, "store.lock"}
    template = path / STORE_FILE
    _TEMPLATES[template] = _identity(template)
    return template


def stock(home: Path, template: Path) -> Path:
    """Put a copy of the template store into ``home`` (which must not hold one yet)."""
    assert _identity(template) == _TEMPLATES[template], "a test wrote to the template store"
    home.mkdir(parents=True, exist_ok=True)
    target = home / template.name
    assert not target.exists(), f"{home} already holds a store"
    shutil.copyfile(template, target)
    return home


@pytest.fixture
def stocked_home(home: Path, store_template: Path) -> Path:
    """The test's own BUBBLEWATCH_HOME holding a copy of the shipped-snapshot store."""
    return stock(home, store_template)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory, store_template: Path) -> Path:
    """A store made once and shared by the tests that use it (some add series to it)."""
    return stock(tmp_path_factory.mktemp("shared-home"), store_template)


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


@pytest.fixture(scope="session")
def shipped_assessment(store_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The report's assessment of the shipped snapshot, built once for the tests that read it."""
    from bubblewatch.report import assess
    from bubblewatch.store import Store

    with Store.open(stock(tmp_path_factory.mktemp("assessed-home"), store_template)) as store:
        return assess(store)


@pytest.fixture
def prebuilt_arguments(shipped_assessment: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every argument gives its result of the shipped data, built once for the session, without
    running its models: for the tests of what is around the analyses (output formats, the
    changes block, a new argument's section), not of the analyses themselves."""
    import dataclasses

    from bubblewatch.arguments import ARGUMENTS

    for section in shipped_assessment.sections[:-1]:
        done = lambda _t, _p, r=section.detail: r  # noqa: E731
        monkeypatch.setitem(
            ARGUMENTS, section.id, dataclasses.replace(ARGUMENTS[section.id], analyze=done)
        )
