"""Every ``--json`` command prints strict JSON (no NaN, no Infinity), on its defaults and on
extreme knob values; an extreme value it refuses is a clean exit 2 naming the knob.

The commands are discovered from the Typer app, so a new ``--json`` command is covered (or
fails here for want of arguments in :data:`ARGS`) without editing this file's loop.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from bubblewatch import cli, cli_arguments
from bubblewatch._json import dumps, strict
from bubblewatch.models import roi
from bubblewatch.models.gpu.assumptions import BOUNDS

EXTREMES = ("0", "-1", "1e308", "5e-324", "nan", "inf", "-inf")
EXTREME_INTS = ("0", "-1", "99999")

#: Arguments each ``--json`` command needs to run fast on the shipped data (beside ``--json``).
ARGS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("data", "list"): (),
    ("data", "show"): ("deals",),
    ("data", "changes"): (),
    ("data", "verify"): (),
    ("data", "reconcile"): (),  # after ``update`` from the fake providers: see the test
    ("psy",): ("nasdaq", "--reps", "50", "--seed", "1"),
    ("lppls",): ("nasdaq", "--window", "120"),
    ("market",): (),
    ("markets",): (),
    ("depreciation",): (),
    ("gpu-life",): (),
    ("deals",): (),
    ("stress",): ("--shock", "OpenAI=0.4"),
    ("revenue-gap",): ("--draws", "200"),
    ("roi",): ("--draws", "200"),
    ("power",): (),
    ("gdp",): (),
    ("circularity",): (),
    ("funding",): (),
    ("credit",): (),
    ("cycles",): ("--draws", "50"),
    ("claims",): (),
    ("update",): ("--only", "sec", "--tickers", "GOOGL"),
}


def _raise_on_constant(name: str) -> Any:
    raise ValueError(f"non-strict JSON constant {name}")


def strict_loads(text: str) -> Any:
    """Parse as a strict parser would: NaN, Infinity and -Infinity are errors."""
    return json.loads(text, parse_constant=_raise_on_constant)


def json_commands() -> list[tuple[str, ...]]:
    """Every command of the app (and of its sub-apps) that has a ``--json`` option.

    The arguments' commands are added as ``cli.main`` adds them, so they are found whatever
    ran before.
    """
    cli_arguments.add_commands(cli.app)
    found: list[tuple[str, ...]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is not None:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
        elif any("--json" in getattr(p, "opts", ()) for p in command.params):
            found.append(path)

    walk(typer.main.get_command(cli.app), ())
    return sorted(found)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``bubblewatch ARGS`` in this process: exit code, stdout, stderr."""
    capsys.readouterr()
    try:
        cli.main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    got = capsys.readouterr()
    return code, got.out, got.err


def assert_strict(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args)
    assert code == 0, (args, err)
    try:
        return strict_loads(out)
    except ValueError as exc:
        pytest.fail(f"bubblewatch {' '.join(args)} printed non-strict JSON: {exc}")


def assert_strict_or_refused(capsys: pytest.CaptureFixture[str], knob: str, *args: str) -> str:
    """Exit 0 with strict JSON, or exit 2 with one line that names ``knob``."""
    code, out, err = run(capsys, *args)
    if code == 0:
        try:
            strict_loads(out)
        except ValueError as exc:
            pytest.fail(f"bubblewatch {' '.join(args)} printed non-strict JSON: {exc}")
        return "ok"
    assert code == 2, (args, code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, err)
    assert knob in lines[0], (args, knob, err)
    assert out == "", (args, out)
    return "refused"


def test_the_discovered_commands_are_the_json_commands_and_each_has_arguments() -> None:
    found = json_commands()
    assert len(found) >= 15
    for expected in (
        ("gdp",),
        ("depreciation",),
        ("cycles",),
        ("revenue-gap",),
        ("power",),
        ("data", "list"),
    ):
        assert expected in found
    assert ("report",) not in found and ("import",) not in found
    missing = [c for c in found if c not in ARGS]
    assert not missing, f"add the arguments of {missing} to ARGS"
    assert not [c for c in ARGS if c not in found]


def test_strict_turns_every_non_finite_value_into_null() -> None:
    np = pytest.importorskip("numpy")
    obj = {
        "a": math.nan,
        "b": [math.inf, -math.inf, 1.5, (np.float64("nan"), np.float32(2.0))],
        "c": {"d": np.array([1.0, np.inf]), 3: np.int64(4)},
        "e": np.float64(0.25),
    }
    assert strict(obj) == {
        "a": None,
        "b": [None, None, 1.5, [None, 2.0]],
        "c": {"d": [1.0, None], "3": 4},
        "e": 0.25,
    }
    assert strict_loads(dumps(obj))["c"]["d"] == [1.0, None]
    assert "NaN" not in dumps([math.nan]) and "Infinity" not in dumps([math.inf])


@pytest.fixture
def runner(home: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    def call(*args: str) -> Any:
        return assert_strict(capsys, *args)

    yield call


@pytest.mark.parametrize(
    "command",
    [c for c in json_commands() if c not in (("update",), ("data", "reconcile"))],
    ids=" ".join,
)
def test_every_json_command_prints_strict_json(command: tuple[str, ...], runner: Any) -> None:
    doc = runner(*command, *ARGS[command], "--json")
    assert doc is not None


def test_update_and_reconcile_print_strict_json(
    fake_server: object, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = assert_strict(capsys, "update", *ARGS[("update",)], "--json")
    assert [p["provider"] for p in doc["providers"]] == ["sec"] and doc["ok"] is True
    rows = assert_strict(capsys, "data", "reconcile", *ARGS[("data", "reconcile")], "--json")
    assert rows and {"entity", "metric", "sec_value", "within_tolerance"} <= set(rows[0])


def test_figures_undefined_on_the_shipped_data_are_null_with_a_reason(runner: Any) -> None:
    gdp = runner("gdp", "--json")["model"]
    yoy = [r["info_processing_equipment"] for r in gdp["tech_investment_yoy"]]
    assert None in yoy and any(isinstance(v, float) for v in yoy)
    assert gdp["tech_investment_yoy_note"].startswith("four-quarter growth is null where")
    cycles = runner("cycles", "--json", "--draws", "50")["model"]
    assert any(v is None for r in cycles["ai"] for v in r.values())
    assert "undefined" in cycles["measures_note"]
    gap = runner("revenue-gap", "--json", "--draws", "200")
    years = gap["openai_commitments_coverage"]["years"]
    assert any(r["revenue_usd_bn"] is None for r in years)
    assert "beyond the revenue path" in gap["openai_commitments_coverage"]["revenue_note"]
    interpolated = [r for r in gap["openai_revenue_path"] if r["kind"] == "interpolated"]
    assert interpolated and all(r["source_id"] is None for r in interpolated)
    assert "interpolated" in gap["openai_revenue_path_note"]


def test_a_denormal_gpu_power_is_refused_naming_the_knob_and_its_range(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "gpu-life", "--set", "gpu_tdp_kw=5e-324", "--json")
    assert code == 2 and out == ""
    assert err == "error: assumption 'gpu_tdp_kw' must lie in [0.01, 10], got 5e-324\n"
    code, out, err = run(capsys, "power", "--set", "gpu_tdp_kw=5e-324", "--json")
    assert code == 2 and out == ""
    assert err == "error: power knob gpu_tdp_kw=5e-324 is outside 0.01 to 10\n"
    doc = assert_strict(capsys, "power", "--set", "gpu_tdp_kw=0.01", "--json")
    assert doc["model"]["conversion"]["accelerators_per_gw"] > 0


@pytest.mark.slow
def test_power_and_gpu_life_on_extreme_assumptions(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = set()
    for name in BOUNDS:
        for value in EXTREMES:
            for command in ("power", "gpu-life"):
                outcomes.add(
                    assert_strict_or_refused(
                        capsys, name, command, "--set", f"{name}={value}", "--json"
                    )
                )
    for value in EXTREMES:
        outcomes.add(assert_strict_or_refused(capsys, "build", "power", "--build", value, "--json"))
        outcomes.add(
            assert_strict_or_refused(
                capsys,
                "price",
                "gpu-life",
                "--price-path",
                "explicit",
                "--prices",
                f"3,{value}",
                "--json",
            )
        )
    for value in EXTREME_INTS:
        outcomes.add(
            assert_strict_or_refused(capsys, "through", "power", "--through", value, "--json")
        )
        outcomes.add(
            assert_strict_or_refused(capsys, "years", "gpu-life", "--years", value, "--json")
        )
    assert outcomes == {"ok", "refused"}


@pytest.mark.slow
def test_revenue_gap_on_extreme_parameters(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = set()
    base = ("revenue-gap", "--draws", "100", "--json")
    for name in roi.PARAMETERS:
        for value in EXTREMES:
            for spec in (value, f"{value}:{value}", f"1:{value}"):
                outcomes.add(
                    assert_strict_or_refused(capsys, name, *base, "--param", f"{name}={spec}")
                )
    for value in EXTREME_INTS:
        outcomes.add(assert_strict_or_refused(capsys, "years", *base, "--close-by", value))
    assert outcomes == {"ok", "refused"}
    code, _, err = run(capsys, *base, "--param", "ai_revenue_usd_bn=0")
    assert code == 2 and err == "error: ai_revenue_usd_bn must lie in [0.1, 100000], got '0'\n"


@pytest.mark.slow
def test_depreciation_stress_cycles_and_gdp_on_extreme_values(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = set()
    for value in EXTREMES:
        outcomes.add(
            assert_strict_or_refused(capsys, "life", "depreciation", "--life", value, "--json")
        )
        outcomes.add(
            assert_strict_or_refused(capsys, "tax", "depreciation", "--tax", value, "--json")
        )
        outcomes.add(
            assert_strict_or_refused(capsys, "life", "depreciation", "--true-life", value, "--json")
        )
        outcomes.add(
            assert_strict_or_refused(
                capsys, "capex_growth", "depreciation", "--capex-growth", value, "--json"
            )
        )
        stress = ("stress", "--json", "--shock")
        outcomes.add(assert_strict_or_refused(capsys, "OpenAI", *stress, f"OpenAI={value}"))
        outcomes.add(
            assert_strict_or_refused(
                capsys, "buffer", *stress, "OpenAI=0.4", "--buffer", f"OpenAI={value}"
            )
        )
        outcomes.add(
            assert_strict_or_refused(
                capsys, "--other-buffer", *stress, "OpenAI=0.4", "--other-buffer", value
            )
        )
        outcomes.add(
            assert_strict_or_refused(
                capsys, "default_term", *stress, "OpenAI=0.4", "--default-term", value
            )
        )
    for value in ("2", "3", "99999"):
        outcomes.add(
            assert_strict_or_refused(
                capsys, "window", "cycles", "--draws", "50", "--window", value, "--json"
            )
        )
    for half, named in (("2025h2", ""), ("1900H1", "1900Q1"), ("2025H3", "2025H3")):
        outcomes.add(assert_strict_or_refused(capsys, named, "gdp", "--half", half, "--json"))
    assert outcomes == {"ok", "refused"}


@pytest.mark.slow
def test_financing_arguments_on_extreme_knob_values(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = set()
    for value in EXTREMES:
        outcomes.add(
            assert_strict_or_refused(
                capsys, "OpenAI", "credit", "--shocks", f"OpenAI={value}", "--json"
            )
        )
        outcomes.add(
            assert_strict_or_refused(
                capsys, "buffers", "credit", "--buffers", f"OpenAI={value}", "--json"
            )
        )
        for knob in ("default_term", "other_buffer"):
            outcomes.add(
                assert_strict_or_refused(
                    capsys, knob, "credit", "--set", f"{knob}={value}", "--json"
                )
            )
    for value in EXTREME_INTS:
        outcomes.add(
            assert_strict_or_refused(
                capsys, "max_loop_length", "circularity", "--max-loop-length", value, "--json"
            )
        )
        outcomes.add(
            assert_strict_or_refused(
                capsys, "table_since", "funding", "--table-since", value, "--json"
            )
        )
    assert outcomes == {"ok", "refused"}


@pytest.mark.slow
def test_markets_on_extreme_knobs(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = set()
    fast = ("markets", "--json", "--set", "lppls_series=nasdaq", "--set", "lppls_end_step=100")
    for name in (
        "lppls_min_window",
        "lppls_max_window",
        "lppls_window_step",
        "lppls_end_step",
        "lppls_recent",
        "psy_seed",
    ):
        for value in EXTREME_INTS:
            outcomes.add(assert_strict_or_refused(capsys, name, *fast, "--set", f"{name}={value}"))
    for value in EXTREMES:
        outcomes.add(assert_strict_or_refused(capsys, "psy_level", *fast, "--psy-level", value))
    assert outcomes == {"ok", "refused"}


@pytest.mark.parametrize("command", ["psy", "lppls", "cycles", "revenue-gap"])
def test_a_negative_seed_is_a_usage_error(
    command: str, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ARGS[(command,)]
    code, out, err = run(capsys, command, *extra, "--seed", "-1", "--json")
    named = "--seed" in err or "knob seed=-1" in err  # the option, or the knob it sets
    assert code == 2 and out == "" and named and "Traceback" not in err
