"""Compare the report's JSON built by two revisions on the shipped data: the same figures?

Builds ``bubblewatch report --format json`` from a git revision (checked out into a temporary
worktree) and from the working tree, each into its own empty store home, and lists every
difference in the sections' titles, readings, evidence figures and tables, the scoreboard and
the claims' verdicts. Differences named in :data:`EXPLAINED` are printed with their reason;
any other difference makes the script exit 1.

Run: ``python scripts/report_parity.py --before 248a19a`` (``--before-json``/``--after-json``
compare two saved files instead).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: (section, part) -> why the two revisions differ there on purpose.
EXPLAINED: dict[tuple[str, str], str] = {
    ("markets", "tables"): "the PSY episodes table, shown untitled under the chart before, is the "
    "argument's titled table now, so the JSON report carries it too; its rows are unchanged",
}

_IGNORED_EVIDENCE_KEYS = {"claim_id", "value_note"}
"""Keys a figure gained in the argument results: the claim it tests and why a value is null."""


def build(src: Path, out: Path) -> dict[str, Any]:
    """The report JSON that the package under ``src`` builds from the shipped snapshot."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PYTHONPATH": str(src), "BUBBLEWATCH_HOME": home}
        cmd = [sys.executable, "-m", "bubblewatch.cli", "report", "--format", "json"]
        subprocess.run([*cmd, "--quiet", "--out", str(out)], env=env, check=True)
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc


def from_revision(revision: str, out: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tree:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", tree, revision],
            check=True,
        )
        try:
            return build(Path(tree) / "src", out)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", tree], check=True
            )


def _figure(ev: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ev.items() if k not in _IGNORED_EVIDENCE_KEYS}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differences(before: dict[str, Any], after: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(section, part, what differs) for every difference in figures and readings."""
    b_sections, a_sections = before["sections"], after["sections"]
    if list(b_sections) != list(a_sections):
        yield "report", "sections", f"{list(b_sections)} -> {list(a_sections)}"
    for sid in b_sections:
        if sid not in a_sections:
            continue
        b, a = b_sections[sid], a_sections[sid]
        for part in ("title", "question", "reading"):
            if b[part] != a[part]:
                yield sid, part, f"{b[part]!r} -> {a[part]!r}"
        b_ev = [_figure(e) for e in b["evidence"]]
        a_ev = [_figure(e) for e in a["evidence"]]
        if len(b_ev) != len(a_ev):
            yield sid, "evidence", f"{len(b_ev)} figures -> {len(a_ev)}"
        for i, (x, y) in enumerate(zip(b_ev, a_ev, strict=False)):
            if not _same(x, y):
                changed = sorted(k for k in x.keys() | y.keys() if not _same(x.get(k), y.get(k)))
                yield sid, f"evidence[{i}]", f"{x['label']!r}: {', '.join(changed)} differ"
        b_tab = {t["title"]: t["rows"] for t in b["tables"]}
        a_tab = {t["title"]: t["rows"] for t in a["tables"]}
        if list(b_tab) != list(a_tab):
            yield sid, "tables", f"{list(b_tab)} -> {list(a_tab)}"
        for title in b_tab.keys() & a_tab.keys():
            if not _same(b_tab[title], a_tab[title]):
                yield sid, f"table {title!r}", "rows differ"
        b_src = [s["source_id"] for s in b["sources"]]
        a_src = [s["source_id"] for s in a["sources"]]
        if b_src != a_src:
            yield sid, "sources", f"{sorted(set(b_src) ^ set(a_src)) or 'order'} differ"
    if not _same(before.get("scoreboard"), after.get("scoreboard")):
        yield "report", "scoreboard", "rows differ"
    b_claims = {c["claim_id"]: c for c in before["claims"]["claims"]}
    a_claims = {c["claim_id"]: c for c in after["claims"]["claims"]}
    for cid, c in b_claims.items():
        other = a_claims.get(cid)
        if other is None:
            yield "claims", cid, "missing"
            continue
        for key in ("verdict", "reason"):
            if c[key] != other[key]:
                yield "claims", f"{cid} {key}", f"{c[key]!r} -> {other[key]!r}"
        for when in ("as_of_claim_date", "as_of"):
            if not _same(c[when], other[when]):
                yield "claims", f"{cid} {when}", "evidence differs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="git revision to build the 'before' report from")
    parser.add_argument("--before-json", type=Path)
    parser.add_argument("--after-json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.before_json:
            before = json.loads(args.before_json.read_text())
        elif args.before:
            before = from_revision(args.before, Path(tmp) / "before.json")
        else:
            parser.error("give --before REVISION or --before-json FILE")
        if args.after_json:
            after = json.loads(args.after_json.read_text())
        else:
            after = build(ROOT / "src", Path(tmp) / "after.json")
    unexplained = 0
    total = 0
    for section, part, what in differences(before, after):
        total += 1
        reason = EXPLAINED.get((section, part)) or EXPLAINED.get((section, "*"))
        if reason:
            print(f"[{section}] {part}: {what}\n    explained: {reason}")
        else:
            unexplained += 1
            print(f"[{section}] {part}: {what}\n    UNEXPLAINED")
    figures = sum(len(s["evidence"]) for s in after["sections"].values())
    print(
        f"{figures} figures in {len(after['sections'])} sections compared; "
        f"{total} difference(s), {unexplained} unexplained"
    )
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
