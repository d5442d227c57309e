"""The macro command of the ``bubblewatch`` CLI: ``cycles``.

A thin adapter over :mod:`bubblewatch.models.cycles`; :mod:`bubblewatch.cli` registers it on
the app. (``power`` is the command of the ``power`` argument, built from its knobs.)
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from bubblewatch._json import emit as emit_json
from bubblewatch.store import Store

out = Console()


def _print_frame(frame: pd.DataFrame, digits: int = 1) -> None:
    out.print(
        frame.to_string(index=False, float_format=lambda v: f"{v:,.{digits}f}"),
        highlight=False,
        soft_wrap=True,
    )


def cycles_command(
    window: Annotated[
        int, typer.Option("--window", help="Years of the AI cycle matched.", min=2)
    ] = 5,
    draws: Annotated[int, typer.Option("--draws", help="Bootstrap draws.", min=1)] = 2000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed of the bootstrap.", min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The AI build-out on past investment cycles: phase on each analog and what came next."""
    from bubblewatch.models import cycles
    from bubblewatch.report.cycles_section import ai_levels

    with Store.open() as store:
        tables = {n: store.read(n) for n in ("cycles", "financials")}
    levels, ids = ai_levels(tables)
    result = cycles.view(tables["cycles"], levels, window=window, draws=draws, seed=seed)
    if as_json:
        payload = result.to_dict()
        payload["ai_source_ids"] = list(ids)
        emit_json(payload)
        return
    out.print(result.summary(), highlight=False, soft_wrap=True)
    out.print("\nAI cycle (five hyperscalers, USD bn and ratios):")
    _print_frame(
        levels.join(result.ai.dropna(axis=1, how="all")).reset_index(names="year"), digits=2
    )
    for name, frame in result.analogs.items():
        out.print(f"\n{name}:")
        _print_frame(
            frame.dropna(axis=1, how="all").dropna(how="all").reset_index(names="year"), digits=2
        )
    out.print("\nAnalog figures and their sources:")
    _print_frame(result.facts, digits=3)
