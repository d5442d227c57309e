"""The macro commands of the ``bubblewatch`` CLI: ``power``.

A thin adapter over :mod:`bubblewatch.models.power`; :mod:`bubblewatch.cli` registers it on the
app. (``cycles`` is the command of the :mod:`bubblewatch.arguments.cycles` argument.)
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from bubblewatch._assignments import parse_assignments, parse_floats
from bubblewatch._json import emit as emit_json
from bubblewatch.store import Store

out = Console()


def _print_frame(frame: pd.DataFrame, digits: int = 1) -> None:
    out.print(
        frame.to_string(index=False, float_format=lambda v: f"{v:,.{digits}f}"),
        highlight=False,
        soft_wrap=True,
    )


def power_command(
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", help="Demand path by series id (repeatable; default: all)."),
    ] = None,
    supply: Annotated[
        list[str] | None,
        typer.Option("--supply", help="Build path by series id (repeatable; default: all)."),
    ] = None,
    build: Annotated[
        str | None, typer.Option("--build", help="Build rates of your own, GW a year: 8,12.")
    ] = None,
    through: Annotated[int, typer.Option("--through", help="Last year of the horizon.")] = 2030,
    assumption: Annotated[
        list[str] | None,
        typer.Option("--set", help="Conversion assumption: NAME=VALUE (e.g. pue=1.2)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """US data-centre power: sourced demand paths against build rates, and GW conversions."""
    from bubblewatch.models import power

    with Store.open() as store:
        table, accelerators = store.read("power"), store.read("accelerators")
    result = power.outlook(
        table,
        accelerators,
        demand=scenario,
        supply=supply,
        build_gw=parse_floats(build, "--build") if build else None,
        through=through,
        overrides=parse_assignments(assumption or []),
    )
    if as_json:
        emit_json(result.to_dict())
        return
    out.print(result.summary(), highlight=False, soft_wrap=True)
    out.print(
        f"\nBase: {result.base_gw:,.1f} GW installed in {result.base_year} "
        f"(sources: {', '.join(result.base_sources)})",
        highlight=False,
        soft_wrap=True,
    )
    paths = pd.DataFrame(
        [
            {"path": p.name, "kind": p.kind, "gw_per_year": p.gw_per_year, "basis": p.basis}
            for p in (*result.demand.values(), *result.supply.values())
        ]
    )
    out.print("\nPaths:")
    _print_frame(paths)
    out.print("\nScenarios (demand x build):")
    _print_frame(result.grid.drop(columns="sources"))
    out.print("\nConversion assumptions:")
    _print_frame(
        pd.DataFrame([a.to_dict() for a in result.conversion.assumptions.values()]), digits=4
    )
