"""Scenario knobs: the frozen, validated parameters of an argument.

An argument's ``Params`` is a frozen dataclass whose every field is declared with :func:`knob`:
a default, a unit, bounds (or allowed choices) and a one-line description. The CLI (``--set``)
and the dashboard build their controls from these declarations; construction validates every
value and raises :class:`~bubblewatch.errors.SpecificationError` naming the knob and its range.
A knob typed ``X | None`` defaults to ``None``, meaning "the sourced value in the data"; set, it
is validated as an ``X``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import NoneType, UnionType
from typing import Any, ClassVar, Union, get_args, get_origin, get_type_hints

from bubblewatch.errors import SpecificationError


@dataclass(frozen=True)
class Knob:
    """How one parameter is shown and bounded."""

    unit: str
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] = ()
    pattern: str = ""
    """A regular expression a text knob must match in full."""

    def describe_range(self) -> str:
        if self.pattern:
            return f"text matching {self.pattern}"
        if self.choices:
            return "one of " + ", ".join(str(c) for c in self.choices)
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return f"{low} to {high}"


def knob(
    default: Any,
    *,
    unit: str,
    doc: str,
    low: float | None = None,
    high: float | None = None,
    choices: Iterable[Any] = (),
    pattern: str = "",
) -> Any:
    """Declare a field of a :class:`Params` dataclass as a scenario knob."""
    spec = Knob(unit=unit, doc=doc, low=low, high=high, choices=tuple(choices), pattern=pattern)
    return field(default=default, metadata={"knob": spec})


def _optional(kind: Any) -> tuple[Any, bool]:
    """``(X, True)`` for a knob typed ``X | None``, else ``(kind, False)``."""
    if get_origin(kind) in (Union, UnionType):
        args = [a for a in get_args(kind) if a is not NoneType]
        if len(args) == 1 and len(get_args(kind)) == 2:
            return args[0], True
    return kind, False


def _coerce(name: str, kind: Any, raw: str) -> Any:
    kind, _ = _optional(kind)
    text = raw.strip()
    try:
        if kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        if kind is int:
            value = float(text)
            if not value.is_integer():
                raise ValueError(text)
            return int(value)
        if kind is float:
            return float(text)
    except ValueError:
        raise SpecificationError(
            f"knob {name}={raw!r} is not a {getattr(kind, '__name__', kind)}"
        ) from None
    return text


@dataclass(frozen=True)
class Params:
    """Base of every argument's parameters; subclasses declare fields with :func:`knob`."""

    argument: ClassVar[str] = ""

    def __post_init__(self) -> None:
        hints = get_type_hints(type(self))
        for f in dataclasses.fields(self):
            spec: Knob | None = f.metadata.get("knob")
            if spec is None:
                raise TypeError(f"{type(self).__name__}.{f.name} is not declared with knob()")
            value = getattr(self, f.name)
            kind, optional = _optional(hints[f.name])
            if optional and value is None:
                continue
            label = f"{self.argument or type(self).__name__} knob {f.name}={value!r}"
            if kind in (int, float) and not isinstance(value, bool):
                if not isinstance(value, (int, float)) or not math.isfinite(value):
                    raise SpecificationError(
                        f"{label} must be a finite number ({spec.describe_range()})"
                    )
                if kind is int and not float(value).is_integer():
                    raise SpecificationError(f"{label} must be a whole number")
                if (spec.low is not None and value < spec.low) or (
                    spec.high is not None and value > spec.high
                ):
                    raise SpecificationError(f"{label} is outside {spec.describe_range()}")
            if spec.pattern and not (isinstance(value, str) and re.fullmatch(spec.pattern, value)):
                raise SpecificationError(f"{label} is not {spec.describe_range()}")
            if spec.choices and value not in spec.choices:
                raise SpecificationError(f"{label} is not {spec.describe_range()}")

    @classmethod
    def knobs(cls) -> list[dict[str, Any]]:
        """Every knob: name, default, unit, bounds, choices and description (for the dashboard)."""
        hints = get_type_hints(cls)
        rows = []
        for f in dataclasses.fields(cls):
            spec: Knob = f.metadata["knob"]
            kind, optional = _optional(hints[f.name])
            rows.append(
                {
                    "name": f.name,
                    "type": getattr(kind, "__name__", str(kind)),
                    "optional": optional,
                    "default": f.default,
                    "unit": spec.unit,
                    "low": spec.low,
                    "high": spec.high,
                    "choices": list(spec.choices),
                    "pattern": spec.pattern,
                    "doc": spec.doc,
                }
            )
        return rows

    @classmethod
    def from_assignments(cls, assignments: Iterable[str] = (), **values: Any) -> Params:
        """Params from ``NAME=VALUE`` texts (the CLI's ``--set``) and keyword values."""
        hints = get_type_hints(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        parsed: dict[str, Any] = {}
        for item in assignments:
            name, sep, raw = item.partition("=")
            name = name.strip()
            if not sep or not name:
                raise SpecificationError(f"--set expects NAME=VALUE, got {item!r}")
            if name not in names:
                known = ", ".join(names) or "none"
                raise SpecificationError(
                    f"unknown knob {name!r} for {cls.argument or cls.__name__} (knobs: {known})"
                )
            parsed[name] = _coerce(name, hints[name], raw)
        return cls(**{**{k: v for k, v in values.items() if v is not None}, **parsed})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
