"""``bubblewatch ARGUMENT [--KNOB VALUE] [--set KNOB=VALUE] [--json]``: one command per argument.

Each registered argument gets a command built from its ``Params``: one option per knob (named
after it, with its unit, range and description as help) and ``--set NAME=VALUE`` for any knob.
The command asks a :class:`~bubblewatch.arguments.Session` for the result and prints its summary
and tables, or its strict JSON. No model logic and no domain constants live here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console

from bubblewatch._json import emit as emit_json
from bubblewatch.arguments import Argument, Session

out = Console()


def _knob_help(row: dict[str, Any]) -> str:
    if row["choices"]:
        bounds = "one of " + ", ".join(str(c) for c in row["choices"])
    elif row["pattern"]:
        bounds = f"like {row['default']}" if row["default"] else ""
    elif row["low"] is not None or row["high"] is not None:
        low = "" if row["low"] is None else f"{row['low']:g}"
        high = "" if row["high"] is None else f"{row['high']:g}"
        bounds = f"{low}..{high}"
    else:
        bounds = ""
    unit = f", {row['unit']}" if row["unit"] else ""
    if row["default"] is None:
        default = "default: the sourced value"
    elif row["default"] == "":
        default = "default: unset"
    else:
        default = f"default {row['default']}"
    return f"{row['doc']} ({default}{unit}{'; ' + bounds if bounds else ''})"


def print_result_text(result: Any) -> None:
    """The result's summary, then each of its named tables."""
    out.print(result.summary(), highlight=False, soft_wrap=True)
    for title, frame in result.tables:
        out.print(f"\n{title}:", highlight=False)
        out.print(
            frame.to_string(
                index=False,
                float_format=lambda v: f"{v:,.2f}",
                na_rep="",
            )
            if isinstance(frame, pd.DataFrame)
            else str(frame),
            highlight=False,
            soft_wrap=True,
        )
    out.print("\nSources: " + ", ".join(result.source_ids), highlight=False, soft_wrap=True)


def command_for(argument: Argument) -> Callable[..., None]:
    """The typer command of ``argument``: one option per knob, ``--set`` and ``--json``."""
    knobs = argument.params.knobs()

    def command(**options: Any) -> None:
        assignments = [
            f"{row['name']}={options[row['name']]}"
            for row in knobs
            if options.get(row["name"]) is not None
        ]
        assignments += list(options.get("assignments") or [])
        session = Session.open(argument.tables)  # only the tables the argument reads
        result = session.result(argument.id, session.params(argument.id, assignments))
        if options.get("as_json"):
            emit_json(result.to_dict())
            return
        print_result_text(result)

    parameters = [
        inspect.Parameter(
            row["name"],
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None,
                typer.Option(f"--{row['name'].replace('_', '-')}", help=_knob_help(row)),
            ],
        )
        for row in knobs
    ]
    parameters += [
        inspect.Parameter(
            "assignments",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                list[str] | None,
                typer.Option("--set", help="Any knob as NAME=VALUE (repeatable)."),
            ],
        ),
        inspect.Parameter(
            "as_json",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option("--json", help="Print strict JSON.")],
        ),
    ]
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__doc__ = argument.command_help or argument.title
    command.__name__ = f"{argument.id}_command"
    return command


_GENERATED = "__bubblewatch_argument__"


def add_commands(app: typer.Typer) -> None:
    """Give ``app`` a command for every registered argument, and drop those of removed ones.

    Called by :func:`bubblewatch.cli.main` on every run, so an argument registered after import
    (a plug-in, the worked example of the README) gets its command too.
    """
    from bubblewatch.arguments import ARGUMENTS

    app.registered_commands[:] = [
        c
        for c in app.registered_commands
        if getattr(c.callback, _GENERATED, None) in (None, *ARGUMENTS)
    ]
    taken = {c.name for c in app.registered_commands}
    for argument_id, argument in ARGUMENTS.items():
        if argument_id not in taken:
            command = command_for(argument)
            setattr(command, _GENERATED, argument_id)
            app.command(argument_id)(command)
