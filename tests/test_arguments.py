"""The argument registry: every argument is one module with knobs, one analysis, a section, a
command, checks for its claims and tests; the session evaluates each params set once; the
README's worked example registers end to end and is removed again."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ROOT, run_cli

from bubblewatch.arguments import ARGUMENTS, Params, Result, Session, get, unregister
from bubblewatch.arguments.registry import section_ids
from bubblewatch.claims.registry import CHECKS
from bubblewatch.errors import SpecificationError

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def session(built_store: Path) -> Session:
    from bubblewatch.store import Store

    with Store.open(built_store) as store:
        return Session.from_store(store)


def _strict(text: str) -> Any:
    def refuse(token: str) -> None:
        raise ValueError(f"non-finite {token} in JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("argument_id", list(ARGUMENTS))
def test_every_argument_is_whole(argument_id: str, session: Session) -> None:
    argument = get(argument_id)
    assert issubclass(argument.params, Params) and argument.params.argument == argument_id
    knobs = argument.params.knobs()
    assert all(k["doc"] and k["unit"] for k in knobs), knobs
    assert argument.title.endswith("?") or argument.title, argument.title
    assert argument.question.endswith("?")
    assert argument_id in section_ids()
    # its checks: every claim of the argument in the claims table has one
    claims = session.tables["claims"]
    mine = claims.loc[claims["section"] == argument_id, "claim_id"].tolist()
    assert all(cid in CHECKS for cid in mine), mine
    # its command
    code = run_cli(argument_id, "--help")
    assert code.returncode == 0 and "--json" in code.stdout and "--set" in code.stdout
    # its tests: some test module runs the command or asks the session for the result
    pattern = re.compile(rf"""(run_cli\(\s*|\.result\(\s*)["']{argument_id}["']""")
    users = [p.name for p in TESTS.glob("test_*.py") if pattern.search(p.read_text())]
    assert users, f"no test runs the {argument_id} argument"


@pytest.mark.parametrize("argument_id", list(ARGUMENTS))
def test_knobs_are_validated_and_named(argument_id: str) -> None:
    params = get(argument_id).params
    default = params()
    assert params.from_assignments([]) == default
    for knob in params.knobs():
        if knob["type"] in ("int", "float") and knob["high"] is not None:
            too_big = knob["high"] + 1
            with pytest.raises(SpecificationError, match=rf"knob {knob['name']}=.*outside"):
                params(**{knob["name"]: too_big})
        if knob["type"] in ("int", "float"):
            with pytest.raises(SpecificationError, match=knob["name"]):
                params(**{knob["name"]: math.nan})
    with pytest.raises(SpecificationError, match="unknown knob 'no_such_knob'"):
        params.from_assignments(["no_such_knob=1"])


def test_the_session_computes_each_params_set_once(session: Session) -> None:
    first = session.result("gdp")
    assert session.result("gdp") is first
    assert session.result("gdp", get("gdp").params()) is first
    other = session.result("gdp", session.params("gdp", ["half=2025H2"]))
    assert other is not first and other.params.half == "2025H2"  # type: ignore[attr-defined]
    assert session.evaluations["gdp"] == 2
    # the store as known far ahead holds the same macro table: the result is shared, not redone
    assert session.as_of(date(2100, 1, 1)).result("gdp") is first
    assert session.evaluations["gdp"] == 2
    then = session.as_of(date(2025, 11, 1))
    assert session.as_of(date(2025, 11, 1)) is then and then.as_of_date == date(2025, 11, 1)


def test_a_result_is_strict_json_with_params_and_vintage(session: Session) -> None:
    result = session.result("gdp")
    doc = _strict(json.dumps(result.to_dict()))
    assert doc["argument"] == "gdp" and doc["params"] == {"half": "2025H1"}
    assert doc["data_vintage"]["snapshot_version"]
    assert [f["label"] for f in doc["key_figures"]] == [f.label for f in result.key_figures]
    claimed = {f["claim_id"] for f in doc["key_figures"] if "claim_id" in f}
    assert {"C19", "C20", "C21"} <= claimed
    assert len(result.to_frame()) == len(result.key_figures)
    assert result.figures() and result.summary().startswith("gdp: ")


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- example-argument -->", 1)[1]
    match = re.search(r"```python\n(.*?)```", block, re.S)
    assert match is not None
    return match.group(1)


def test_the_readme_example_argument_runs_end_to_end(
    stocked_home: Path, tmp_path: Path, prebuilt_arguments: None
) -> None:
    assert "intensity" not in ARGUMENTS
    module = types.ModuleType("bubblewatch_example_argument")
    sys.modules[module.__name__] = module
    try:
        exec(compile(_readme_example(), "README.md", "exec"), module.__dict__)
        assert list(ARGUMENTS)[-1] == "intensity"
        assert section_ids()[-2:] == ("intensity", "claims")
        # the session
        result = Session.open().result("intensity")
        assert isinstance(result, Result) and len(result.key_figures) == 3
        assert 0 < result.key_figure.value < 1  # type: ignore[operator]
        # the command, built from the knobs
        doc = _strict(run_cli("intensity", "--years", "5", "--json").stdout)
        assert doc["params"] == {"years": 5} and len(doc["key_figures"]) == 5
        assert _strict(run_cli("intensity", "--set", "years=5", "--json").stdout) == doc
        bad = run_cli("intensity", "--years", "11")
        assert bad.returncode == 2 and "knob years=11 is outside 1 to 10" in bad.stderr
        assert "Traceback" not in bad.stderr
        # the report
        out = tmp_path / "r.json"
        proc = run_cli("report", "--format", "json", "--quiet", "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        report = json.loads(out.read_text())
        assert list(report["sections"])[-2:] == ["intensity", "claims"]
        section = report["sections"]["intensity"]
        assert section["reading"] == result.reading
        assert [e["value"] for e in section["evidence"]] == [f.value for f in result.key_figures]
        last = report["scoreboard"]["rows"][-1]
        assert (last["argument"], last["signal"]) == ("intensity", "no signal")
    finally:
        unregister("intensity")
        del sys.modules[module.__name__]
    assert "intensity" not in section_ids()
    gone = run_cli("intensity", "--json")
    assert gone.returncode == 2 and "No such command" in gone.stderr


def test_params_are_frozen_and_comparable() -> None:
    params = get("gdp").params
    a, b = params(), params.from_assignments(["half=2025H1"])
    assert a == b and hash(a) == hash(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.half = "2025H2"  # type: ignore[misc]
    with pytest.raises(SpecificationError, match=r"knob half='2025H3' is not text matching"):
        params(half="2025H3")
