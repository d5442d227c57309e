"""One evaluation per (argument, params, data vintage), shared by the report, ledger and CLI.

A :class:`Session` holds the store's tables as of one data vintage and memoises every argument
result it computes, so the report, the claims ledger, the CLI and the dashboard never run the
same analysis twice. :meth:`Session.as_of` gives the child session of the store as known on a
date (what the ledger judges a claim against), memoised too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
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
        self._results: dict[tuple[str, Params], Result] = {}
        self._children: dict[date, Session] = {}
        self.evaluations: Counter[str] = Counter()
        """How many times each argument was analysed (once per params set)."""

    @classmethod
    def from_store(cls, store: Store) -> Session:
        from bubblewatch.data import SCHEMAS

        tables = {name: store.read(name) for name in SCHEMAS if name != "series"}
        return cls(tables, store.data_vintage())

    @classmethod
    def open(cls) -> Session:
        """A session on the default store's current data."""
        from bubblewatch.store import Store

        with Store.open() as store:
            return cls.from_store(store)

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
        key = (argument_id, params)
        if key not in self._results:
            self.evaluations[argument_id] += 1
            try:
                result = argument.analyze(self.tables, params)
            except BubblewatchError:
                raise
            except Exception as exc:
                raise ArgumentError(
                    f"argument {argument_id!r} failed: {type(exc).__name__}: {exc}"
                ) from exc
            self._results[key] = result.with_vintage(self.vintage)
        return self._results[key]

    def as_of(self, day: date) -> Session:
        """The child session of the store as known on ``day`` (observations, forecasts, deals)."""
        from bubblewatch.claims.as_of import known_as_of

        if day not in self._children:
            self._children[day] = Session(known_as_of(self.tables, day), self.vintage, day)
        return self._children[day]


__all__ = ["ArgumentError", "DataError", "Session"]
