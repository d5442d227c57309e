"""The registry of arguments: one :class:`Argument` per argument of the debate, in report order."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from bubblewatch.arguments.params import Params
from bubblewatch.arguments.result import Result, Signal
from bubblewatch.errors import SpecificationError

Tables = Mapping[str, pd.DataFrame]
Analyze = Callable[[Tables, Any], Result]
Chart = Callable[[Result], Iterable[Any]]
SignalRule = Callable[[Result], Signal]


@dataclass(frozen=True)
class Argument:
    """One argument of the debate: its question, its knobs, its analysis and its charts.

    ``analyze(tables, params)`` calls the models once and returns a :class:`Result`; ``chart``
    builds the result's Plotly figures on demand (the report and the dashboard draw them).
    ``tables`` names the store tables the analysis reads. ``signal`` computes the argument's
    scoreboard :class:`Signal` from its result; :func:`register` attaches it to every result.
    """

    id: str
    title: str
    question: str
    params: type[Params]
    analyze: Analyze
    chart: Chart | None = None
    tables: tuple[str, ...] = ()
    command_help: str = ""
    signal: SignalRule | None = None


def _signalled(analyze: Analyze, signal: SignalRule) -> Analyze:
    """``analyze`` whose result carries ``signal(result)``."""

    @functools.wraps(analyze)
    def run(tables: Tables, params: Any) -> Result:
        result = analyze(tables, params)
        return result if result.signal is not None else replace(result, signal=signal(result))

    return run


ARGUMENTS: dict[str, Argument] = {}


def register(argument: Argument) -> Argument:
    """Add ``argument`` to the registry (after those already registered)."""
    if argument.id in ARGUMENTS:
        raise ValueError(f"argument {argument.id!r} is registered twice")
    if argument.id == "claims":
        raise ValueError("'claims' is the ledger's section, not an argument")
    if argument.params.argument != argument.id:
        raise ValueError(
            f"{argument.params.__name__}.argument is {argument.params.argument!r}, "
            f"not {argument.id!r}"
        )
    if argument.signal is not None:
        argument = replace(argument, analyze=_signalled(argument.analyze, argument.signal))
    ARGUMENTS[argument.id] = argument
    return argument


def unregister(argument_id: str) -> None:
    """Remove an argument (the worked example in the tests registers one and removes it)."""
    ARGUMENTS.pop(argument_id, None)


def get(argument_id: str) -> Argument:
    try:
        return ARGUMENTS[argument_id]
    except KeyError:
        known = ", ".join(ARGUMENTS)
        raise SpecificationError(f"unknown argument {argument_id!r} (known: {known})") from None


def argument_ids() -> tuple[str, ...]:
    """Every registered argument, in report order."""
    return tuple(ARGUMENTS)


def section_ids() -> tuple[str, ...]:
    """The report's sections in order: every argument, then the claims ledger."""
    return (*ARGUMENTS, "claims")
