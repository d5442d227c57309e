"""Where one report run spends its CPU, and how often it calls each model entry point.

Builds every report section on the shipped data twice (the first run warms the compiled
kernels and caches), and for the second, warm run prints, per section, the CPU seconds it took
and how many times it called each public function of ``bubblewatch.models`` (and of the
``detect`` engines), flagging every entry point called more than once with the same section.
The claims ledger, which the ``claims`` section builds, is measured the same way.

Run: ``python benchmarks/report.py`` (prints a table; ``--json`` prints the figures).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import json
import os
import pkgutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import bubblewatch.detect
import bubblewatch.models

PACKAGES = (bubblewatch.models, bubblewatch.detect)
CALLS: Counter[str] = Counter()


def _counted(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CALLS[name] += 1
        return func(*args, **kwargs)

    wrapper.__wrapped_entry_point__ = name  # type: ignore[attr-defined]
    return wrapper


def instrument() -> int:
    """Wrap every public function of the model and engine packages, wherever it is bound."""
    originals: dict[int, tuple[str, Callable[..., Any]]] = {}
    for package in PACKAGES:
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for attr, value in vars(module).items():
                if (
                    inspect.isfunction(value)
                    and not attr.startswith("_")
                    and value.__module__ == module.__name__
                ):
                    short = module.__name__.removeprefix("bubblewatch.")
                    originals[id(value)] = (f"{short}.{attr}", value)
    wrappers = {key: _counted(name, func) for key, (name, func) in originals.items()}
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("bubblewatch"):
            continue
        for attr, value in list(vars(module).items()):
            if id(value) in wrappers and inspect.isfunction(value):
                setattr(module, attr, wrappers[id(value)])
    return len(wrappers)


def measure() -> list[dict[str, Any]]:
    from bubblewatch._typing import SECTION_IDS
    from bubblewatch.data import SCHEMAS
    from bubblewatch.report.sections import BUILDERS
    from bubblewatch.store import Store

    with Store.open() as store:
        tables = {name: store.read(name) for name in SCHEMAS if name != "series"}
    rows = []
    for section_id in SECTION_IDS:
        CALLS.clear()
        start = time.process_time()
        BUILDERS[section_id](tables)
        cpu = time.process_time() - start
        rows.append({"section": section_id, "cpu_s": cpu, "calls": dict(CALLS)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("BUBBLEWATCH_HOME", tempfile.mkdtemp(prefix="bw-bench-"))
    entry_points = instrument()
    measure()  # cold: compiles kernels, builds the store
    rows = measure()
    total = sum(r["cpu_s"] for r in rows)
    if args.json:
        print(json.dumps({"entry_points": entry_points, "total_cpu_s": total, "sections": rows}))
        return
    print(f"warm report, {entry_points} model and engine entry points instrumented")
    print(f"{'section':<14}{'CPU s':>8}  calls (x = called more than once)")
    for r in rows:
        calls = ", ".join(
            f"{name}{' x' + str(n) if n > 1 else ''}" for name, n in sorted(r["calls"].items())
        )
        print(f"{r['section']:<14}{r['cpu_s']:>8.2f}  {calls}")
    repeated = sum(1 for r in rows for n in r["calls"].values() if n > 1)
    print(
        f"{'total':<14}{total:>8.2f}  entry points called more than once in a section: {repeated}"
    )


if __name__ == "__main__":
    main()
