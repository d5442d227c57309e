"""bubblewatch's LPPLS confidence indicator against the lppls package, in one run.

Both compute the indicator on the same 1,000-point series with lppls's default
nested-window settings (windows of 80 down to 22 observations in steps of 2, end
dates every 5 observations, 25 searches per fit for lppls) on 2 workers. Time is
in observations for both. The script prints:

* wall time of each and the ratio lppls / bubblewatch (above 1: bubblewatch faster);
* for every window both fitted, whether bubblewatch's SSE is at most lppls's, both
  computed by one formula (:func:`bubblewatch.detect.lppls.log_price`) on that window;
* how far lppls's fits land from the best SSE, and whether two lppls runs agree;
* whether bubblewatch's indicator is bit-identical across two runs and 1 or 2 workers.

Run: ``python benchmarks/lppls.py [--series nasdaq|walk]`` (needs the ``bench`` extra;
``nasdaq`` reads ``../shared/data/nasdaq_composite_daily``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

# This file's own name would shadow the lppls package when run as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from bubblewatch.detect import lppls as bw  # noqa: E402
from bubblewatch.detect._jit import JIT_ENABLED, thread_count  # noqa: E402

WINDOW, SMALLEST, OUTER, INNER, SEARCHES, WORKERS = 80, 20, 5, 2, 25, 2
NASDAQ = Path(__file__).resolve().parents[2] / "shared" / "data" / "nasdaq_composite_daily"


def series(kind: str, n: int = 1000) -> pd.Series:
    if kind == "walk":
        steps = np.random.default_rng(7).normal(0.0003, 0.012, n)
        dates = pd.bdate_range("2020-01-01", periods=n)
        return pd.Series(100 * np.exp(np.cumsum(steps)), index=dates, name="random walk")
    raw = pd.read_csv(NASDAQ / "NASDAQCOM_1971-2025.csv", na_values=["", "."]).dropna()
    s = pd.Series(raw["NASDAQCOM"].to_numpy(float), index=pd.to_datetime(raw["observation_date"]))
    return s[:"2000-03-10"].iloc[-n:].rename("NASDAQ Composite to 2000-03-10")


def run_lppls(logp: np.ndarray) -> tuple[float, list[dict[str, object]], pd.DataFrame]:
    from lppls import lppls as peer

    obs = np.array([np.arange(logp.size, dtype=float), logp])
    model = peer.LPPLS(observations=obs)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.mp_compute_nested_fits(
            workers=WORKERS,
            window_size=WINDOW,
            smallest_window_size=SMALLEST,
            outer_increment=OUTER,
            inner_increment=INNER,
            max_searches=SEARCHES,
        )
        indicator = model.compute_indicators(res)
    return time.perf_counter() - start, res, indicator


def sse(logp: np.ndarray, t1: int, t2: int, p: dict[str, float]) -> float:
    t = np.arange(t1, t2 + 1, dtype=float)
    fit = bw.log_price(t, p["tc"], p["m"], p["w"], p["a"], p["b"], p["c1"], p["c2"])
    return float(((logp[t1 : t2 + 1] - fit) ** 2).sum())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", choices=("nasdaq", "walk"), default="nasdaq")
    args = parser.parse_args()
    prices = series(args.series)
    logp = np.log(prices.to_numpy())
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, numba threads "
        f"{thread_count()}, JIT {JIT_ENABLED}; series: {prices.name}, {prices.size} points"
    )
    settings = dict(
        max_window=WINDOW,
        min_window=SMALLEST + INNER,
        window_step=INNER,
        end_step=OUTER,
        filters="lppls",
        definition="lppls",
    )
    start = time.perf_counter()
    bw.confidence(prices.iloc[:200], **settings, workers=WORKERS)
    print(f"first call (JIT compile or cache load): {time.perf_counter() - start:.2f} s")

    timings = []
    for _ in range(3):
        start = time.perf_counter()
        ours = bw.confidence(prices, **settings, workers=WORKERS)
        timings.append(time.perf_counter() - start)
    t_ours = min(timings)
    one = bw.confidence(prices, **settings, workers=1)
    identical = all(
        np.array_equal(a, b, equal_nan=True)
        for a, b in (
            (ours.positive.to_numpy(), one.positive.to_numpy()),
            (ours.negative.to_numpy(), one.negative.to_numpy()),
            (ours.fits["sse"].to_numpy(), one.fits["sse"].to_numpy()),
            (ours.fits["tc_time"].to_numpy(), one.fits["tc_time"].to_numpy()),
        )
    )

    t_peer, res, indicator = run_lppls(logp)
    _, res2, _ = run_lppls(logp)
    print(f"\n{'task':<44} {'bubblewatch':>12} {'lppls':>10} {'ratio':>7}")
    print(
        f"{'confidence indicator, 1,000 points, 2 workers':<44} {t_ours:11.2f}s "
        f"{t_peer:9.2f}s {t_peer / t_ours:6.1f}x"
    )

    ours_sse = ours.fits.set_index(["end", "window"])["sse"]
    better = total = inside = inside_better = 0
    rel_gap = []
    disagree = 0
    for block, block2 in zip(res, res2, strict=True):
        for fit, fit2 in zip(block["res"], block2["res"], strict=True):
            t1, t2 = int(fit["t1"]), int(fit["t2"])
            theirs = sse(logp, t1, t2, fit)
            mine = float(ours_sse[(prices.index[t2], t2 - t1 + 1)])
            total += 1
            better += mine <= theirs * (1 + 1e-9)
            n = t2 - t1 + 1
            in_space = (
                0 <= fit["m"] <= 2 and 1 <= fit["w"] <= 50 and abs(fit["tc"] - t2) <= 0.2 * (n - 1)
            )
            inside += in_space
            inside_better += in_space and mine <= theirs * (1 + 1e-9)
            rel_gap.append((theirs - mine) / mine)
            disagree += abs(sse(logp, t1, t2, fit2) - theirs) > 1e-9 * theirs
    rel_gap_a = np.asarray(rel_gap)
    print(f"\nwindows compared: {total}")
    print(f"bubblewatch SSE <= lppls SSE: {better} ({100 * better / total:.2f}%)")
    print(
        f"lppls fits with SSE more than 10% above bubblewatch's: "
        f"{100 * float((rel_gap_a > 0.10).mean()):.1f}%; median excess "
        f"{100 * float(np.median(rel_gap_a)):.2f}%"
    )
    print(f"lppls runs disagreeing with each other: {disagree} of {total} windows")
    print(f"bubblewatch bit-identical across runs and 1 vs 2 workers: {identical}")
    peak_ours = float(ours.positive.max())
    print(
        f"max positive indicator: bubblewatch (lppls definition) {peak_ours:.3f}, "
        f"lppls {float(indicator['pos_conf'].max()):.3f}"
    )


if __name__ == "__main__":
    main()
