"""Where one report run spends its CPU, and whether any model runs twice on the same input.

Builds the whole report on the shipped data the way ``bubblewatch report`` does (one session:
every argument's result once, then the claims ledger on the store as known on the claim date
and now) and prints, per argument:

- the CPU seconds of a warm run (kernels compiled, the engine cache of
  :mod:`bubblewatch.engine_cache` filled), measured without instrumentation, beside the
  whole report's CPU on its first run and on a run with the engine cache off;
- from a separate instrumented run, how many times the argument (its analysis, its chart and
  the claim checks that read it) called each model and engine entry point (the public
  functions of ``bubblewatch.models`` modules and the ``__all__`` of ``bubblewatch.detect`` and
  the model packages; calls a model makes inside another are the model's own and not counted),
  and how many of those calls repeated an earlier call with equal inputs on the same data
  vintage: work done twice on one params set. (The ledger judges claims on the store as
  known on the claim's date and on the latest date: two more vintages, analysed once each.)

Run: ``python benchmarks/report.py`` (``--json`` prints the figures).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import inspect
import json
import os
import pkgutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import bubblewatch.detect
import bubblewatch.models

PACKAGES = (bubblewatch.models, bubblewatch.detect)
CALLS: Counter[str] = Counter()
SEEN: dict[str, set[str]] = defaultdict(set)
REPEATS: Counter[str] = Counter()


def _fingerprint(value: Any, depth: int = 0) -> str:
    """A digest of a call's inputs: equal inputs, equal digests (frames hashed by content)."""
    if depth > 3:
        return type(value).__name__
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        try:
            content = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        except TypeError:
            content = value.to_json().encode()
        return hashlib.sha1(content + repr(getattr(value, "shape", "")).encode()).hexdigest()
    if isinstance(value, np.ndarray):
        return hashlib.sha1(value.tobytes() + repr(value.shape).encode()).hexdigest()
    if isinstance(value, (list, tuple)):
        return "(" + ",".join(_fingerprint(v, depth + 1) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_fingerprint(v, depth + 1)}" for k, v in value.items()) + "}"
    text = repr(value)
    return text if len(text) < 200 else hashlib.sha1(text.encode()).hexdigest()


VINTAGE: list[object] = [None]
"""The data vintage being analysed (the session's as-of date; None for the whole store)."""
DEPTH = [0]
"""How deep in instrumented calls the run is: only calls from outside every model count."""


def _counted(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if DEPTH[0] == 0:
            CALLS[name] += 1
            key = _fingerprint((args, kwargs))
            seen = SEEN[f"{VINTAGE[0]} {name}"]
            if key in seen:
                REPEATS[name] += 1
            seen.add(key)
        DEPTH[0] += 1
        try:
            return func(*args, **kwargs)
        finally:
            DEPTH[0] -= 1

    return wrapper


def entry_points() -> dict[int, tuple[str, Callable[..., Any]]]:
    """The model and engine entry points: id(function) -> (short name, function)."""
    found: dict[int, tuple[str, Callable[..., Any]]] = {}
    for package in PACKAGES:
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            short = module.__name__.removeprefix("bubblewatch.")
            if info.ispkg:
                names = getattr(module, "__all__", ())
            elif any(part.startswith("_") for part in short.split(".")):
                continue
            elif hasattr(sys.modules.get(module.__name__.rsplit(".", 1)[0]), "__all__"):
                continue  # a module of a package with an explicit API: its __all__ counts
            else:
                names = [n for n in vars(module) if not n.startswith("_")]
            home = module.__name__ + ("." if info.ispkg else "")
            for attr in names:
                value = getattr(module, attr, None)
                if inspect.isfunction(value) and (
                    value.__module__ == module.__name__ or value.__module__.startswith(home)
                ):
                    found.setdefault(id(value), (f"{short}.{attr}", value))
    return found


def _track_vintage() -> None:
    """Note the data vintage of each analysis, so repeats are counted within one vintage."""
    from bubblewatch.arguments.session import Session

    plain = Session.result

    @functools.wraps(plain)
    def result(self: Session, *args: Any, **kwargs: Any) -> Any:
        outer, VINTAGE[0] = VINTAGE[0], self.as_of_date
        try:
            return plain(self, *args, **kwargs)
        finally:
            VINTAGE[0] = outer

    Session.result = result  # type: ignore[method-assign]


def instrument() -> int:
    """Wrap every entry point wherever it is bound in a loaded bubblewatch module."""
    _track_vintage()
    points = entry_points()
    wrappers = {key: _counted(name, func) for key, (name, func) in points.items()}
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("bubblewatch"):
            continue
        for attr, value in list(vars(module).items()):
            if id(value) in wrappers and inspect.isfunction(value):
                setattr(module, attr, wrappers[id(value)])
    return len(wrappers)


def run_report() -> list[dict[str, Any]]:
    """One report run, section by section, on one session: CPU and calls of each."""
    from bubblewatch.arguments import Session, get
    from bubblewatch.arguments.registry import section_ids
    from bubblewatch.report.assessment import Section
    from bubblewatch.report.claims_section import build_claims
    from bubblewatch.store import Store

    with Store.open() as store:
        session = Session.from_store(store)
    rows = []
    for section_id in section_ids():
        CALLS.clear()
        REPEATS.clear()
        SEEN.clear()
        start = time.process_time()
        if section_id == "claims":
            build_claims(session)
        else:
            argument = get(section_id)
            Section.from_result(session.result(section_id), argument.title, argument.question)
        cpu = time.process_time() - start
        rows.append(
            {"section": section_id, "cpu_s": cpu, "calls": dict(CALLS), "repeats": dict(REPEATS)}
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("BUBBLEWATCH_HOME", tempfile.mkdtemp(prefix="bw-bench-"))
    cold = run_report()  # compiles kernels, builds the store, fills the engine cache
    os.environ["BUBBLEWATCH_CACHE"] = "off"
    uncached = run_report()  # kernels compiled, every engine run again
    os.environ.pop("BUBBLEWATCH_CACHE")
    timed = run_report()
    instrumented = instrument()
    counted = run_report()
    rows = [
        {**t, "calls": c["calls"], "repeats": c["repeats"]}
        for t, c in zip(timed, counted, strict=True)
    ]
    total = sum(r["cpu_s"] for r in rows)
    first = sum(r["cpu_s"] for r in cold)
    no_cache = sum(r["cpu_s"] for r in uncached)
    repeated = sum(sum(r["repeats"].values()) for r in rows)
    if args.json:
        print(
            json.dumps(
                {
                    "entry_points": instrumented,
                    "total_cpu_s": total,
                    "cold_cpu_s": first,
                    "without_engine_cache_cpu_s": no_cache,
                    "repeated_calls": repeated,
                    "sections": rows,
                }
            )
        )
        return
    print(f"warm report on {os.cpu_count()} cores, {instrumented} entry points instrumented")
    print(f"{'section':<14}{'CPU s':>8}  calls (r = repeats of an earlier call with equal inputs)")
    for r in rows:
        calls = ", ".join(
            f"{name}{' x' + str(n) if n > 1 else ''}"
            + (f" r{r['repeats'][name]}" if r["repeats"].get(name) else "")
            for name, n in sorted(r["calls"].items())
        )
        print(f"{r['section']:<14}{r['cpu_s']:>8.2f}  {calls}")
    print(
        f"{'total':<14}{total:>8.2f}  calls repeating an earlier call with equal inputs: {repeated}"
    )
    print(
        f"first run (kernels compiled, store built, engine cache filled): {first:.2f} s CPU; "
        f"kernels warm but the engine cache off: {no_cache:.2f} s"
    )


if __name__ == "__main__":
    main()
