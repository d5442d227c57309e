"""Many processes on one store: readers never block, a writer waits a bounded time, kills are safe."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import IO

import pandas as pd
import pytest

import bubblewatch
from bubblewatch.errors import StoreBusyError
from bubblewatch.store import STORE_FILE, WAIT_ENV, Store

#: The folder the ``bubblewatch`` package under test is imported from, for child processes.
PACKAGE_ROOT = str(Path(bubblewatch.__file__).resolve().parents[1])


def _env(home: Path, **extra: str) -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "BUBBLEWATCH_HOME": str(home),
        "PYTHONPATH": os.pathsep.join(p for p in (PACKAGE_ROOT, path) if p),
        **extra,
    }


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bubblewatch.cli", *args]


def _temporary_files(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.name.startswith("."))


def _spawn(code: str, home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(proc: subprocess.Popen[str], want: str, timeout: float = 60) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip() == want:
            return
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"child never said {want!r}: {proc.stderr.read() if proc.stderr else ''}")


_HOLD_OPEN = """
    import sys
    from bubblewatch.store import Store
    with Store.open() as store:
        store.read("deals")
        print("open", flush=True)
        sys.stdin.readline()          # hold the store open until told to finish
        print(len(store.read("series")), flush=True)
"""


def test_readers_never_block_each_other_nor_a_writer(home: Path, tmp_path: Path) -> None:
    Store.open().close()
    readers = [_spawn(_HOLD_OPEN, home) for _ in range(2)]
    try:
        for proc in readers:
            _wait_for_line(proc, "open")
        # both children hold the store open; this process reads and writes meanwhile
        with Store.open() as store:
            assert len(store.read("deals")) > 0
            other = Store.open()  # a second store object in the same process
            csv_path = tmp_path / "s.csv"
            csv_path.write_text("date,value\n2024-01-01,1\n", encoding="utf-8")
            started = time.monotonic()
            store.import_series(csv_path, "while_read")
            assert time.monotonic() - started < 5
            assert set(store.read("series")["name"]) == {"while_read"}  # sees its own write
            assert other.read("series").empty  # still on the generation it opened
            other.close()
        with Store.open() as store:
            assert set(store.read("series")["name"]) == {"while_read"}
        for proc in readers:
            out, err = proc.communicate("go\n", timeout=60)
            assert proc.returncode == 0, err
            assert out.strip() == "0"  # snapshot isolation: the generation it opened
    finally:
        for proc in readers:
            if proc.poll() is None:
                proc.kill()


_HOLD_WRITER = """
    import sys
    from bubblewatch.paths import data_home
    from bubblewatch.store import STORE_FILE, Store
    sys.argv = ["bubblewatch", "import", "slow.csv", "--name", "slow"]
    store = Store(data_home() / STORE_FILE)   # holds the writer lock without writing anything
    with store._writing():
        print("writing", flush=True)
        sys.stdin.readline()
"""


def test_a_writer_waits_then_fails_naming_the_holder(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open() as store, store._writing() as con:  # as if a newer snapshot had shipped
        con.execute("UPDATE bw_vintages SET fingerprint = 'older'")
    holder = _spawn(_HOLD_WRITER, home)
    csv_path = tmp_path / "s.csv"
    csv_path.write_text("date,value\n2024-01-01,1\n", encoding="utf-8")
    try:
        _wait_for_line(holder, "writing")
        monkeypatch.setenv(WAIT_ENV, "0.5")
        started = time.monotonic()
        with Store.open() as store:  # the newer snapshot waits; the store reads what it holds
            assert time.monotonic() - started < 2
            assert store.vintages()["vintage_id"].tolist() == [1] * 12
        with Store.open() as store:  # reading is not blocked by a writer
            started = time.monotonic()
            with pytest.raises(StoreBusyError) as info:
                store.import_series(csv_path, "late")
            waited = time.monotonic() - started
            assert 0.4 < waited < 5
            assert store.read("series").empty
        message = str(info.value)
        assert message.startswith(f"store is busy: pid {holder.pid} (bubblewatch import slow.csv")
        assert "has been writing since" in message and "UTC; try again" in message
        proc = subprocess.run(
            _cli("import", str(csv_path), "--name", "late"),
            env=_env(home, **{WAIT_ENV: "0.3"}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 1
        assert proc.stderr.startswith("error: store is busy: pid")
        assert len(proc.stderr.strip().splitlines()) == 1
        shown = subprocess.run(
            _cli("data", "show", "deals", "--json"),
            env=_env(home),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        bad = subprocess.run(
            _cli("import", str(csv_path), "--name", "late"),
            env=_env(home, **{WAIT_ENV: "soon"}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert bad.returncode == 2 and WAIT_ENV in bad.stderr
    finally:
        holder.communicate("done\n", timeout=60)
    assert holder.returncode == 0
    monkeypatch.setenv(WAIT_ENV, "0.5")
    with Store.open() as store:  # the writer is gone: the newer snapshot loads, then the import
        assert store.data_vintage().snapshot_vintage_id == 2
        store.import_series(csv_path, "late")
        assert set(store.read("series")["name"]) == {"late"}


_IMPORT_LOOP = """
    import sys
    from pathlib import Path
    from bubblewatch.store import Store
    folder = Path(sys.argv[1])
    with Store.open() as store:
        for i in range(10_000):
            path = folder / f"loop{i}.csv"
            path.write_text(f"date,value\\n2024-01-01,{i}\\n", encoding="utf-8")
            result = store.import_series(path, f"loop{i}")
            print(result.vintage_id, flush=True)
"""


def test_a_writer_killed_mid_write_loses_nothing_that_was_stored(
    home: Path, tmp_path: Path
) -> None:
    Store.open().close()
    rng = random.Random(16)
    stored: list[int] = []
    for _ in range(3):
        loop = _spawn(_IMPORT_LOOP, home, str(tmp_path))
        assert loop.stdout is not None
        for _ in range(rng.randint(2, 5)):
            stored.append(int(loop.stdout.readline()))
        time.sleep(rng.uniform(0.0, 0.05))  # land somewhere inside the next write
        loop.send_signal(signal.SIGKILL)
        rest, _ = loop.communicate(timeout=60)
        stored.extend(int(v) for v in rest.split())
        assert loop.returncode == -signal.SIGKILL
        with Store.open() as store:  # the store opens on its last complete generation
            held = set(store.vintages()["vintage_id"])
            assert set(stored) <= held
            assert store.verify().ok
    csv_path = tmp_path / "after.csv"
    csv_path.write_text("date,value\n2024-01-01,1\n", encoding="utf-8")
    with Store.open() as store:
        store.import_series(csv_path, "after")
    assert _temporary_files(home) == []
    assert {p.name for p in home.iterdir()} == {STORE_FILE, "store.lock"}


def _start(args: list[str], home: Path, out: Path) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    sink = out.open("wb")
    proc = subprocess.Popen(args, env=_env(home), stdout=sink, stderr=subprocess.STDOUT)
    return proc, sink


@pytest.mark.slow
def test_four_readers_and_a_writer_for_twenty_rounds(tmp_path: Path) -> None:
    """report, claims, psy and data show read while import writes, twenty rounds: no reader
    fails, every import that succeeded is in the store, and an import either succeeds or says
    the store is busy. The report is long, so it runs continuously across the rounds."""
    home = tmp_path / "home"
    Store.open(home).close()
    logs = tmp_path / "logs"
    logs.mkdir()
    runs = {"report": 0, "claims": 0, "psy": 0, "show": 0}
    failures: list[str] = []
    imported: dict[str, float] = {}
    busy = 0

    def check(kind: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        runs[kind] += 1
        text = log.read_text(encoding="utf-8", errors="replace")
        if proc.returncode != 0:
            failures.append(f"{kind} exited {proc.returncode}: {text[-300:]}")
            return
        if kind in ("claims", "psy", "show"):
            try:
                payload = json.loads(text)
            except ValueError:
                failures.append(f"{kind} printed no JSON: {text[-300:]}")
                return
            if kind == "show" and len(payload) == 0:
                failures.append("data show printed no deals")

    def start_report() -> tuple[subprocess.Popen[bytes], IO[bytes], Path]:
        log = logs / f"report{runs['report']}.log"
        out = tmp_path / "report.json"
        proc, sink = _start(
            _cli("report", "--format", "json", "--out", str(out), "--quiet"), home, log
        )
        return proc, sink, log

    report, report_sink, report_log = start_report()
    started = time.monotonic()
    for k in range(20):
        name = f"s{k}"
        csv_path = tmp_path / f"f{k}.csv"
        value = float(k) + 0.5
        csv_path.write_text(f"date,value\n2024-01-31,{value!r}\n", encoding="utf-8")
        round_procs = {
            "import": _cli("import", str(csv_path), "--name", name),
            "claims": _cli("claims", "--json"),
            "psy": _cli("psy", "NVDA", "--reps", "20", "--seed", "1", "--json"),
            "show": _cli("data", "show", "deals", "--json"),
        }
        running = {
            kind: (*_start(args, home, logs / f"{kind}{k}.log"), logs / f"{kind}{k}.log")
            for kind, args in round_procs.items()
        }
        while running:
            for kind, (proc, sink, log) in list(running.items()):
                if proc.poll() is None:
                    continue
                sink.close()
                del running[kind]
                if kind != "import":
                    check(kind, proc, log)
                    continue
                text = log.read_text(encoding="utf-8", errors="replace")
                if proc.returncode == 0 and "imported 1 rows" in text:
                    imported[name] = value
                elif proc.returncode == 1 and "store is busy" in text:
                    busy += 1
                else:
                    failures.append(f"import {name} exited {proc.returncode}: {text[-300:]}")
            if report.poll() is not None:
                report_sink.close()
                check("report", report, report_log)
                report, report_sink, report_log = start_report()
            time.sleep(0.05)
    report.wait(timeout=120)
    report_sink.close()
    check("report", report, report_log)
    elapsed = time.monotonic() - started

    with Store.open(home) as store:
        series = store.read("series")
        assert store.verify().ok
    stored = dict(zip(series["name"], series["value"], strict=True))
    lost = {n: v for n, v in imported.items() if stored.get(n) != v}
    print(
        f"\n20 rounds in {elapsed:.0f}s: reader runs {runs} "
        f"({sum(runs.values())} in all), reader failures {len(failures)}, "
        f"imports succeeded {len(imported)}, busy {busy}, lost writes {len(lost)}"
    )
    assert failures == []
    assert lost == {}
    assert len(imported) + busy == 20
    assert runs["report"] >= 1 and min(runs[k] for k in ("claims", "psy", "show")) == 20
    assert set(stored) == set(imported)
    assert pd.Series(list(stored.values())).notna().all()
