"""Simulate the shipped Monte Carlo critical-value table of the PSY tests.

Writes ``src/bubblewatch/detect/psy/tables/mc_lag0.npz``: lag 0, the default
minimum window ``floor((0.01 + 1.8/√T)·T)`` of each size, Gaussian random-walk
null, one nested pass over paths of the largest size (see
``bubblewatch.detect.psy.critical_value_table``). The sizes include the lengths
of the series the report tests, so the report never simulates.

Usage::

    python scripts/make_psy_tables.py            # the committed table
    python scripts/make_psy_tables.py --check    # recompute and compare to the committed file
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from bubblewatch.detect.psy import critical_value_table
from bubblewatch.detect.psy.critical import LABELS, TABLE_FILE, save_table, shipped_table

SEED = 20151101  # PSY (2015) appeared in IER 56(4), November 2015
REPS = 2000  # PSY's replication count
COMMON = (100, 200, 300, 400, 500, 600, 800, 1000, 1200, 1600, 1680, 2000)
PWY_NASDAQ = 389  # Feb 1973 .. Jun 2005, Phillips, Wu & Yu (2011)


def report_sizes() -> list[int]:
    """Lengths of the series the report's markets section tests."""
    from bubblewatch.arguments.markets import MarketsParams
    from bubblewatch.data.loaders import load_table
    from bubblewatch.models.market import psy_inputs

    p = MarketsParams()
    inputs = psy_inputs(load_table("market"), start=p.psy_start, tickers=p.tickers)
    return sorted(len(s) for s, _ in inputs.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table")
    args = parser.parse_args()
    sizes = sorted({*COMMON, PWY_NASDAQ, *report_sizes()})
    tables = critical_value_table(sizes, reps=REPS, seed=SEED)
    out = Path(__file__).resolve().parents[1] / "src/bubblewatch/detect/psy/tables" / TABLE_FILE
    if args.check:
        committed = {n: cv for (n, _), cv in shipped_table().items()}
        worst = max(abs(tables[n].gsadf[k] - committed[n].gsadf[k]) for n in sizes for k in LABELS)
        print(f"largest GSADF difference from the committed table: {worst:.3g}")
        return 0 if worst < 1e-12 else 1
    meta = {
        "script": "scripts/make_psy_tables.py",
        "null": "Gaussian random walk, nested paths",
        "lags": 0,
        "quantiles": "numpy linear interpolation (R type 7)",
    }
    save_table(tables, out, meta)
    print(f"wrote {out.name}: sizes {sizes}, {REPS} replications, seed {SEED}")
    print(np.round([[tables[n].gsadf[k] for k in LABELS] for n in sizes], 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
