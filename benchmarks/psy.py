"""bubblewatch's PSY engine against pyexuber, in one run on the same inputs.

Times GSADF + BSADF (one series, lag 0, default window) at n = 500, 1000, 2000,
5000, and Monte Carlo critical values at n = 500 with 999 replications; checks
that the statistics agree; prints the best of several repetitions and the ratio
pyexuber / bubblewatch (above 1 means bubblewatch is faster).

Run: ``python benchmarks/psy.py`` (needs the ``bench`` extra).
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable

import exuber
import numpy as np

from bubblewatch.detect import psy
from bubblewatch.detect._jit import JIT_ENABLED, thread_count


def best_of(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, numba threads {thread_count()}, JIT {JIT_ENABLED}"
    )
    start = time.perf_counter()
    psy.test(np.cumsum(np.random.default_rng(0).standard_normal(60)))
    psy.critical_values(60, reps=20, seed=0)
    print(f"first call (JIT compile or cache load): {time.perf_counter() - start:.2f} s\n")
    print(f"{'task':<34} {'bubblewatch':>12} {'pyexuber':>12} {'ratio':>7} {'max |diff|':>11}")
    for n in (500, 1000, 2000, 5000):
        y = 100 + np.cumsum(np.random.default_rng(n).standard_normal(n))
        ours = psy.test(y)
        theirs = exuber.radf(y, minw=ours.min_window, lag=0)
        diff = max(
            float(np.abs(ours.bsadf.to_numpy() - theirs.bsadf[:, 0]).max()),
            float(np.abs(ours.badf.to_numpy() - theirs.badf[:, 0]).max()),
            abs(ours.gsadf - float(theirs.gsadf[0])),
        )
        repeat = 7 if n <= 2000 else 3
        t_ours = best_of(lambda y=y: psy.test(y), repeat)
        t_theirs = best_of(lambda y=y, w=ours.min_window: exuber.radf(y, minw=w, lag=0), repeat)
        print(
            f"{f'GSADF+BSADF n={n}':<34} {t_ours:11.4f}s {t_theirs:11.4f}s {t_theirs / t_ours:6.1f}x {diff:11.1e}"
        )
    t_ours = best_of(lambda: psy.critical_values(500, reps=999, seed=1), 3)
    t_theirs = best_of(lambda: exuber.radf_mc_cv(500, nrep=999, seed=1), 3)
    print(
        f"{'MC critical values n=500, 999 reps':<34} {t_ours:11.4f}s {t_theirs:11.4f}s {t_theirs / t_ours:6.1f}x {'(random)':>11}"
    )


if __name__ == "__main__":
    main()
