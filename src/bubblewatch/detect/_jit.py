"""The one JIT shim: numba when it is installed and enabled, plain Python otherwise.

Kernels are written once, in the subset of Python that numba compiles, and
decorated with :func:`jit`. With numba missing, or with the environment variable
``BUBBLEWATCH_DISABLE_JIT=1``, the decorator returns the function unchanged, so
the same source runs as its own pure-Python twin (the oracle the tests compare
the compiled kernels against). ``prange`` falls back to ``range``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_DISABLED = os.environ.get("BUBBLEWATCH_DISABLE_JIT", "").strip() not in ("", "0")

try:  # pragma: no cover - exercised by whichever leg has numba
    if _DISABLED:
        raise ImportError("JIT disabled by BUBBLEWATCH_DISABLE_JIT")
    import numba as _numba_module

    _numba: Any = _numba_module
    prange: Callable[..., Any] = _numba.prange
    JIT_ENABLED = True
except ImportError:  # pragma: no cover
    _numba = None
    prange = range
    JIT_ENABLED = False


def jit(*, parallel: bool = False) -> Callable[[F], F]:
    """Compile ``func`` with numba (``nopython``, cached) when the JIT is enabled.

    The original function stays reachable as ``func.py_func`` in both cases, so a
    test can always run the pure-Python twin of a compiled kernel.
    """

    def decorate(func: F) -> F:
        if not JIT_ENABLED:
            func.py_func = func  # type: ignore[attr-defined]
            return func
        assert _numba is not None
        compiled: F = _numba.njit(cache=True, parallel=parallel, nogil=True)(func)
        return compiled

    return decorate


def thread_count() -> int:
    """Threads the compiled kernels may use (1 without the JIT)."""
    if not JIT_ENABLED:
        return 1
    assert _numba is not None
    return int(_numba.get_num_threads())


@contextmanager
def threads(workers: int | None) -> Iterator[int]:
    """Run the enclosed kernels on ``workers`` threads (all when None); yields the count.

    Results never depend on the count: kernels give each output cell to one thread.
    """
    from bubblewatch.errors import SpecificationError

    available = int(_numba.config.NUMBA_NUM_THREADS) if JIT_ENABLED else 1
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise SpecificationError(f"workers must be a positive integer, got {workers!r}")
    if not JIT_ENABLED:
        yield 1
        return
    if workers is None:
        yield int(_numba.get_num_threads())
        return
    if workers > available:
        raise SpecificationError(
            f"workers must be at most {available} (the threads numba may use), got {workers}"
        )
    before = int(_numba.get_num_threads())
    _numba.set_num_threads(workers)
    try:
        yield workers
    finally:
        _numba.set_num_threads(before)
