"""A disk cache for the engines' long computations on inputs that have not changed.

The LPPLS confidence indicator refits hundreds of windows; on an unchanged price series its
answer is the same, so the ``markets`` argument keeps it in ``$BUBBLEWATCH_HOME/cache`` (or
``$BUBBLEWATCH_CACHE``; ``BUBBLEWATCH_CACHE=off`` turns the cache off). An entry is keyed by the
function, the content of its arguments (frames and series by their values, index and names;
arrays by their bytes) and a digest of the source of the engine's whole package, so a change to
any kernel starts afresh. Entries are written to a temporary file and renamed into place, so a
reader never sees half an entry; an unreadable entry is recomputed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.paths import data_home

ENV_CACHE = "BUBBLEWATCH_CACHE"


def cache_root() -> Path | None:
    """The cache folder, or None when ``BUBBLEWATCH_CACHE=off``."""
    override = os.environ.get(ENV_CACHE, "")
    if override.lower() == "off":
        return None
    return Path(override).expanduser() if override else data_home() / "cache"


@functools.cache
def source_digest(module_name: str) -> str:
    """A digest of every ``.py`` file of the package that defines ``module_name``."""
    package = Path(sys.modules[module_name].__file__ or "").parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(value: Any) -> bytes:
    """Bytes that equal inputs share: frames and series by values, index and names."""
    if isinstance(value, (pd.Series, pd.DataFrame)):
        names = repr(
            (getattr(value, "name", None), list(getattr(value, "columns", [])), value.dtypes)
        )
        return b"P" + fingerprint(value.index) + pickle.dumps(value.to_numpy()) + names.encode()
    if isinstance(value, pd.Index):
        return b"I" + pickle.dumps(value.to_numpy()) + repr((value.name, str(value.dtype))).encode()
    if isinstance(value, np.ndarray):
        return b"A" + repr((value.dtype.str, value.shape)).encode() + value.tobytes()
    if isinstance(value, (list, tuple)):
        return b"(" + b",".join(fingerprint(v) for v in value) + b")"
    if isinstance(value, dict):
        return (
            b"{"
            + b",".join(repr(k).encode() + b":" + fingerprint(v) for k, v in sorted(value.items()))
            + b"}"
        )
    return repr(value).encode()


def call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``, read from the cache when an equal call was made before."""
    root = cache_root()
    if root is None:
        return func(*args, **kwargs)
    name = f"{func.__module__}.{func.__qualname__}"
    key = hashlib.sha256(fingerprint((args, kwargs))).hexdigest()
    path = root / f"{name}-{source_digest(func.__module__)}" / f"{key}.pkl"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    result = func(*args, **kwargs)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            tmp = Path(out.name)
            pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        if tmp is not None:
            tmp.unlink(missing_ok=True)  # a read-only or full disk costs a recomputation
    return result
