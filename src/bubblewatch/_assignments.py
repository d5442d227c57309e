"""``NAME=VALUE`` command-line assignments, parsed once for every command that takes them."""

from __future__ import annotations

from collections.abc import Iterable

from bubblewatch.errors import SpecificationError


def parse_assignments(texts: Iterable[str], *, form: str = "NAME=VALUE") -> dict[str, float]:
    """``["pue=1.3", "a=1,b=2"]`` -> ``{"pue": 1.3, "a": 1.0, "b": 2.0}``; a name given twice is
    an error."""
    out: dict[str, float] = {}
    for text in texts:
        for part in text.split(","):
            name, sep, value = part.partition("=")
            name = name.strip()
            if not sep or not name:
                raise SpecificationError(f"expected {form}, got {part!r}")
            if name in out:
                raise SpecificationError(f"{name!r} is given twice")
            try:
                out[name] = float(value)
            except ValueError as exc:
                raise SpecificationError(f"{name!r} needs a number, got {value!r}") from exc
    return out


def parse_floats(text: str, what: str) -> list[float]:
    """``"4,5,6"`` -> ``[4.0, 5.0, 6.0]``; ``what`` names the option in the error."""
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise SpecificationError(
            f"{what} must be numbers separated by commas, got {text!r}"
        ) from exc
    if not values:
        raise SpecificationError(f"give at least one value for {what}")
    return values
