"""One evaluation per (argument, params, data vintage), shared by the report, ledger and CLI.

A :class:`Session` holds the store's tables as of one data vintage and memoises every argument
result it computes, so the report, the claims ledger, the CLI and the dashboard never run the
same analysis twice. :meth:`Session.as_of` gives the child session of the store as known on a
date (what the ledger judges a claim against), memoised too.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.arguments.params import Params
from bubblewatch.arguments.registry import get
from bubblewatch.arguments.result import Result
from bubblewatch.errors import BubblewatchError, DataError, SpecificationError

if TYPE_CHECKING:
    from bubblewatch.store import DataVintage, Store


class ArgumentError(BubblewatchError):
    """An argument's analysis failed for a reason other than bad input (a bug or a broken model)."""


class Session:
    """The store's tables on one data vintage, and every argument result computed from them."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        vintage: DataVintage | None = None,
        as_of: date | None = None,
    ) -> None:
        self.tables = tables
        self.vintage = vintage
        self.as_of_date = as_of
        self._results: dict[tuple[str, Params, str], Result] = {}
        self._children: dict[date, Session] = {}
        self._digests: dict[str, str] = {}
        self.evaluations: Counter[str] = Counter()
        """How many times each argument was analysed (once per params set and input data)."""

    @classmethod
    def from_store(cls, store: Store, tables: Iterable[str] = ()) -> Session:
        """A session on the store's current data: the named ``tables``, or every curated one."""
        from bubblewatch.data import SCHEMAS

        names = tuple(tables) or tuple(name for name in SCHEMAS if name != "series")
        return cls({name: store.read(name) for name in names}, store.data_vintage())

    @classmethod
    def open(cls, tables: Iterable[str] = ()) -> Session:
        """A session on the default store's current data (only ``tables`` when named)."""
        from bubblewatch.store import Store

        with Store.open() as store:
            return cls.from_store(store, tables)

    def params(
        self, argument_id: str, assignments: tuple[str, ...] | list[str] = (), **values: Any
    ) -> Params:
        """The params of ``argument_id`` from ``NAME=VALUE`` texts and keyword values."""
        return get(argument_id).params.from_assignments(assignments, **values)

    def result(self, argument_id: str, params: Params | None = None) -> Result:
        """The argument's result for ``params`` (its defaults when None), computed once."""
        argument = get(argument_id)
        if params is None:
            params = argument.params()
        elif not isinstance(params, argument.params):
            raise SpecificationError(
                f"{argument_id} takes {argument.params.__name__}, not {type(params).__name__}"
            )
        inputs = self._inputs(argument.tables)
        key = (argument_id, params, "|".join(self._digest(name) for name in inputs))
        if key not in self._results:
            self.evaluations[argument_id] += 1
            try:
                result = argument.analyze(inputs, params)
            except BubblewatchError:
                raise
            except Exception as exc:
                raise ArgumentError(
                    f"argument {argument_id!r} failed: {type(exc).__name__}: {exc}"
                ) from exc
            self._results[key] = result.with_vintage(self.vintage)
        return self._results[key]

    def as_of(self, day: date) -> Session:
        """The child session of the store as known on ``day`` (observations, forecasts, deals).

        Children share their parent's results: an argument whose input tables are the same on
        ``day`` as in an evaluation already made is not analysed again.
        """
        from bubblewatch.claims.as_of import known_as_of

        if day not in self._children:
            child = Session(known_as_of(self.tables, day), self.vintage, day)
            child._results = self._results
            child.evaluations = self.evaluations
            self._children[day] = child
        return self._children[day]

    def _inputs(self, names: tuple[str, ...]) -> Mapping[str, pd.DataFrame]:
        """The tables an argument declares (all of them when it declares none)."""
        if not names:
            return self.tables
        missing = [n for n in names if n not in self.tables]
        if missing:
            raise DataError(f"the store has no table {', '.join(missing)}")
        return {n: self.tables[n] for n in names}

    def _digest(self, name: str) -> str:
        """A content digest of one table (rows and column names), computed once."""
        if name not in self._digests:
            frame = self.tables[name]
            rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
            head = "\x1f".join(map(str, frame.columns)).encode()
            self._digests[name] = hashlib.sha1(head + rows.tobytes()).hexdigest()
        return self._digests[name]


__all__ = ["ArgumentError", "Session"]
