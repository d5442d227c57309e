"""The engines' disk cache: equal inputs are answered from disk, anything else recomputes."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch import engine_cache
from bubblewatch.engine_cache import call, fingerprint

CALLS: list[tuple[float, int]] = []


def _mean_times(series: pd.Series, k: int = 1) -> float:
    CALLS.append((float(series.sum()), k))
    return float(series.mean()) * k


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(engine_cache.ENV_CACHE, str(tmp_path / "cache"))
    CALLS.clear()
    return tmp_path / "cache"


def _series(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2025-01-01", periods=len(values)), name="x")


def test_equal_inputs_are_read_back(cache: Path) -> None:
    f = functools.partial(call, _mean_times)
    a = f(_series([1.0, 2.0, 3.0]), k=2)
    b = f(_series([1.0, 2.0, 3.0]), k=2)  # a new, equal series
    assert a == b == 4.0 and len(CALLS) == 1
    (entry,) = cache.rglob("*.pkl")
    assert entry.parent.name.startswith(f"{__name__}._mean_times-")
    assert not list(cache.rglob("*.tmp"))


@pytest.mark.parametrize(
    "other",
    [
        lambda s: s * 1.0000001,
        lambda s: s.set_axis(s.index + pd.Timedelta(days=1)),
        lambda s: s.rename("y"),
    ],
)
def test_any_change_of_input_recomputes(cache: Path, other: object) -> None:
    f = functools.partial(call, _mean_times)
    base = _series([1.0, 2.0, 3.0])
    f(base)
    f(other(base))  # type: ignore[operator]
    assert len(CALLS) == 2
    f(base, k=3)
    assert len(CALLS) == 3


def test_off_and_a_corrupt_entry(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = functools.partial(call, _mean_times)
    f(_series([1.0]))
    (entry,) = cache.rglob("*.pkl")
    entry.write_bytes(b"not a pickle")
    assert f(_series([1.0])) == 1.0 and len(CALLS) == 2  # recomputed, and rewritten
    assert f(_series([1.0])) == 1.0 and len(CALLS) == 2
    monkeypatch.setenv(engine_cache.ENV_CACHE, "off")
    f(_series([1.0]))
    assert len(CALLS) == 3


def test_fingerprints_tell_values_index_and_dtype_apart() -> None:
    s = _series([1.0, 2.0])
    assert fingerprint(s) == fingerprint(s.copy())
    assert fingerprint(s) != fingerprint(s.astype("float32"))
    assert fingerprint(np.arange(3)) != fingerprint(np.arange(3).reshape(3, 1))
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})
