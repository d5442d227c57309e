"""The arguments of the debate: one module each, registered in report order.

Each module declares its ``Params`` (the scenario knobs), ``analyze(tables, params) -> Result``
and its charts, and registers an :class:`Argument`. A :class:`Session` evaluates each
(argument, params, data vintage) once; the report, the claims ledger, the CLI and the dashboard
read results from it.
"""

from __future__ import annotations

from bubblewatch.arguments.params import Knob, Params, knob
from bubblewatch.arguments.registry import (
    ARGUMENTS,
    Argument,
    argument_ids,
    get,
    register,
    unregister,
)
from bubblewatch.arguments.result import KeyFigure, Lean, Result, Signal, format_value
from bubblewatch.arguments.session import ArgumentError, Session

# Registration order is the report's order.
from bubblewatch.arguments import markets  # noqa: F401  isort: skip
from bubblewatch.arguments import circularity  # noqa: F401  isort: skip
from bubblewatch.arguments import funding  # noqa: F401  isort: skip
from bubblewatch.arguments import depreciation  # noqa: F401  isort: skip
from bubblewatch.arguments import gdp  # noqa: F401  isort: skip
from bubblewatch.arguments import cycles  # noqa: F401  isort: skip
from bubblewatch.arguments import roi  # noqa: F401  isort: skip
from bubblewatch.arguments import power  # noqa: F401  isort: skip
from bubblewatch.arguments import credit  # noqa: F401  isort: skip

__all__ = [
    "ARGUMENTS",
    "Argument",
    "ArgumentError",
    "KeyFigure",
    "Knob",
    "Lean",
    "Params",
    "Result",
    "Session",
    "Signal",
    "argument_ids",
    "format_value",
    "get",
    "knob",
    "register",
    "unregister",
]
