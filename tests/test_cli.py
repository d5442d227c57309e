"""Every CLI command, with good and bad input: exit codes, one-line errors, nothing half-written.

``run_cli`` runs the command in this process (``bubblewatch.cli.main``). Five smoke tests run
the console script in a child process (``run_cli_process``) to show that the real entry point
behaves the same: the report, an unknown table (exit 2), data verify, import and psy.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.data import SHIPPED_TABLES, load_table
from conftest import run_cli, run_cli_process, stock


@pytest.fixture
def home(home: Path, store_template: Path) -> Path:
    """The test's own BUBBLEWATCH_HOME, holding a copy of the shipped-snapshot store."""
    return stock(home, store_template)


def _no_traceback(proc: object) -> None:
    text = proc.stdout + proc.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in text


def test_version_and_help(home: Path) -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0 and "bubblewatch 0.1.0" in proc.stdout
    for cmd in (
        [],
        ["data"],
        ["report"],
        ["import"],
        ["psy"],
        ["data", "show"],
        ["data", "export"],
    ):
        proc = run_cli(*cmd, "--help")
        assert proc.returncode == 0, cmd
        assert "Usage" in proc.stdout


def test_report_writes_html_and_prints_the_scorecard(home: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    proc = run_cli_process("report", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "scorecard" in proc.stdout
    for sid in ("markets", "circularity", "power", "claims"):
        assert sid in proc.stdout
    html = (work / "bubblewatch-report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert [p.name for p in work.iterdir()] == ["bubblewatch-report.html"]


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_report_other_formats(
    home: Path, tmp_path: Path, fmt: str, prebuilt_arguments: None
) -> None:
    out = tmp_path / f"r.{fmt}"
    proc = run_cli("report", "--format", fmt, "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "scorecard" not in proc.stdout
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert set(json.loads(text)["sections"]) >= {"markets", "claims"}
    else:
        assert text.startswith("# Is the AI build-out a bubble?")


def test_report_bad_format_and_unwritable_path(home: Path, tmp_path: Path) -> None:
    proc = run_cli("report", "--format", "pdf")
    assert proc.returncode == 2
    _no_traceback(proc)
    proc = run_cli("report", "--out", str(tmp_path / "missing-dir" / "r.html"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: cannot write")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "missing-dir").exists()
    _no_traceback(proc)


def test_data_list(home: Path) -> None:
    proc = run_cli("data", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    names = {t["name"] for t in payload["tables"]}
    assert set(SHIPPED_TABLES) <= names
    assert payload["data_vintage"]["snapshot_version"]
    proc = run_cli("data", "list")
    assert proc.returncode == 0 and "deals" in proc.stdout


def test_data_show_json_matches_the_shipped_table(home: Path) -> None:
    proc = run_cli("data", "show", "deals", "--json")
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    deals = load_table("deals")
    assert len(records) == len(deals)
    assert [r["deal_id"] for r in records] == deals["deal_id"].tolist()
    proc = run_cli("data", "show", "claims", "--limit", "3")
    assert proc.returncode == 0 and "C01" in proc.stdout and "C35" not in proc.stdout


def test_data_show_unknown_table(home: Path) -> None:
    proc = run_cli_process("data", "show", "nonsense")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: unknown table 'nonsense'")
    _no_traceback(proc)


def test_data_verify_passes(home: Path) -> None:
    proc = run_cli_process("data", "verify")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 problems" in proc.stdout
    proc = run_cli_process("data", "verify", "--json")
    assert json.loads(proc.stdout)["ok"] is True


def test_data_verify_fails_on_an_orphan_row(home: Path) -> None:
    import duckdb

    from bubblewatch.store import STORE_FILE, Store

    Store.open().close()
    con = duckdb.connect(str(home / STORE_FILE))
    con.execute(
        "UPDATE deals SET source_id = 'no_such_source' WHERE deal_id = (SELECT min(deal_id) FROM deals)"
    )
    con.close()
    proc = run_cli("data", "verify")
    assert proc.returncode == 1
    assert "does not resolve" in proc.stdout
    assert proc.stderr.startswith("error: 1 problems found")


def test_data_export_csv_to_stdout_and_file(home: Path, tmp_path: Path) -> None:
    proc = run_cli("data", "export", "financials", "--csv")
    assert proc.returncode == 0
    assert (
        proc.stdout.splitlines()[0] == "entity,metric,period,fiscal_year_end,value,unit,source_id"
    )
    out = tmp_path / "fin.csv"
    proc = run_cli("data", "export", "financials", "--csv", "--out", str(out))
    assert proc.returncode == 0
    assert (
        out.read_text(encoding="utf-8") == run_cli("data", "export", "financials", "--csv").stdout
    )
    exported = pd.read_csv(out)
    assert len(exported) == len(load_table("financials"))


def test_data_export_bad_input(home: Path, tmp_path: Path) -> None:
    assert run_cli("data", "export", "financials").returncode == 2
    proc = run_cli("data", "export", "nope", "--csv")
    assert proc.returncode == 2 and "unknown table" in proc.stderr
    work = tmp_path / "work"
    work.mkdir()
    proc = run_cli("data", "export", "deals", "--csv", "--out", str(work / "no" / "x.csv"))
    assert proc.returncode == 2
    assert list(work.iterdir()) == []


def test_import_command(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "mine.csv"
    src.write_text("date,value\n2025-01-31,3.5\n2025-02-28,4.0\n", encoding="utf-8")
    proc = run_cli_process("import", str(src), "--name", "my_capex", "--unit", "usd_bn")
    assert proc.returncode == 0, proc.stderr
    assert "imported 2 rows" in proc.stdout
    shown = json.loads(run_cli_process("data", "show", "series", "--json").stdout)
    assert [(r["name"], r["value"]) for r in shown] == [("my_capex", 3.5), ("my_capex", 4.0)]
    assert run_cli_process("data", "verify").returncode == 0


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["--name", "x"], "date;value\n2025-01-01;1\n", "expected exactly the columns date,value"),
        (
            ["--name", "x", "--unit", "parsecs"],
            "date,value\n2025-01-01,1\n",
            "unknown unit 'parsecs'",
        ),
        (["--name", "X Y"], "date,value\n2025-01-01,1\n", "series name"),
        (["--name", "x"], "date,value\n01/02/2025,1\n", "expected an ISO date"),
    ],
)
def test_import_bad_input(
    home: Path, tmp_path: Path, args: list[str], content: str, message: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_text(content, encoding="utf-8")
    proc = run_cli("import", str(src), *args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    _no_traceback(proc)
    assert json.loads(run_cli("data", "show", "series", "--json").stdout) == []


def test_import_unreadable_path(home: Path, tmp_path: Path) -> None:
    proc = run_cli("import", str(tmp_path / "absent.csv"), "--name", "x")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: cannot read")
    proc = run_cli("import", str(tmp_path), "--name", "x")  # a directory
    assert proc.returncode == 2
    _no_traceback(proc)


def test_unusable_data_home_is_a_failure_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    proc = run_cli("data", "list", env={"BUBBLEWATCH_HOME": str(blocker / "home")})
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: cannot create the data directory")
    _no_traceback(proc)


def test_psy_on_a_shipped_series_prints_statistics_and_episodes(home: Path) -> None:
    proc = run_cli_process("psy", "sp500-pd")
    assert proc.returncode == 0, proc.stderr
    assert "GSADF" in proc.stdout and "shipped table" in proc.stdout
    assert "episode(s)" in proc.stdout
    proc = run_cli_process("psy", "nasdaq", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert (
        len(payload["result"]["bsadf"])
        == payload["result"]["nobs"] - payload["result"]["min_window"]
    )
    assert payload["critical_values"]["method"] == "mc"
    assert payload["result"]["gsadf"] >= payload["result"]["sadf"]
    assert 0 < payload["p_values"]["gsadf"] <= 1


def test_psy_on_a_csv_with_bootstrap_values_is_reproducible(home: Path, tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    dates = pd.date_range("2000-01-31", periods=120, freq="ME")
    frame = pd.DataFrame(
        {
            "date": dates.strftime("%Y-%m-%d"),
            "other": "x",
            "price": 100 + np.cumsum(rng.standard_normal(120)),
        }
    )
    path = tmp_path / "prices.csv"
    frame.to_csv(path, index=False)
    args = (
        "psy",
        str(path),
        "--column",
        "price",
        "--cv",
        "wild",
        "--reps",
        "60",
        "--seed",
        "3",
        "--json",
    )
    first, second = run_cli(*args), run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == json.loads(second.stdout)
    assert json.loads(first.stdout)["critical_values"]["seed"] == 3


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        ("date,price\n2020-01-31,1\n2020-02-29,2\n", (), "too short"),
        ("date,price\n" + "".join(f"2020-{m:02d}-01,{5}\n" for m in range(1, 13)), (), "constant"),
        ("date,price\n2020-01-01,1\n2020-02-01,\n2020-03-01,3\n", (), "missing"),
        ("date,price\n2020-01-01,a\n2020-02-01,b\n", (), "numeric"),
        ("date,price,other\n2020-01-01,1,2\n", (), "--column"),
        ("date,price\n2020-01-01,1\n", ("--column", "nope"), "no column"),
        (
            "date,price\n"
            + "".join(f"2020-{m:02d}-01,{m % 5 + m}\n" for m in range(1, 13))
            + "2020-12-02,3\n",
            (),
            "mix frequencies",
        ),
    ],
)
def test_psy_bad_input_exits_2(
    home: Path, tmp_path: Path, rows: str, extra: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(rows, encoding="utf-8")
    proc = run_cli("psy", str(path), *extra)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    _no_traceback(proc)


def test_psy_unknown_series_and_bad_options_exit_2(home: Path) -> None:
    proc = run_cli("psy", "no-such-series")
    assert proc.returncode == 2 and "known series" in proc.stderr
    proc = run_cli("psy", "nasdaq", "--reps", "5")
    assert proc.returncode == 2 and "reps" in proc.stderr
    proc = run_cli("psy", "nasdaq", "--level", "0.5")
    assert proc.returncode == 2 and "level" in proc.stderr
    proc = run_cli("psy", "nasdaq", "--cv", "nope")
    assert proc.returncode == 2
    for p in (proc,):
        _no_traceback(p)


def test_lppls_fits_a_shipped_daily_series_and_a_csv(home: Path, tmp_path: Path) -> None:
    import numpy as np

    proc = run_cli("lppls", "nasdaq", "--window", "300", "--json")
    assert proc.returncode == 0, proc.stderr
    fit = json.loads(proc.stdout)
    assert fit["nobs"] == 300 and fit["filters"] == "sornette2015"
    assert fit["direction"] in ("positive", "negative")
    n = 160
    x = (n + 10) - np.arange(n)
    prices = np.exp(4 - 0.04 * x**0.5 * (1 + 0.05 * np.cos(8 * np.log(x))))
    path = tmp_path / "bubble.csv"
    pd.DataFrame(
        {"date": pd.bdate_range("2024-01-01", periods=n).strftime("%Y-%m-%d"), "p": prices}
    ).to_csv(path, index=False)
    proc = run_cli("lppls", str(path), "--window", "160")
    assert proc.returncode == 0, proc.stderr
    assert "positive bubble fit" in proc.stdout
    proc = run_cli(
        "lppls", str(path), "--confidence", "--max-window", "120", "--min-window", "40",
        "--window-step", "20", "--end-step", "10", "--recent", "40", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    conf = json.loads(proc.stdout)
    assert len(conf["positive"]) == 4 and conf["windows"] == {"min": 40, "max": 120, "step": 20}


def test_lppls_bad_input_exits_2_with_one_line(home: Path, tmp_path: Path) -> None:
    proc = run_cli("lppls", "no-such-series")
    assert proc.returncode == 2 and proc.stderr.startswith("error:")
    assert "Traceback" not in proc.stderr
    proc = run_cli("lppls", "NVDA", "--confidence", "--max-window", "5000")
    assert proc.returncode == 2 and "larger than the series" in proc.stderr
    path = tmp_path / "neg.csv"
    pd.DataFrame({"date": pd.bdate_range("2024-01-01", periods=30), "p": [-1.0] * 30}).to_csv(
        path, index=False
    )
    proc = run_cli("lppls", str(path))
    assert proc.returncode == 2 and "positive" in proc.stderr


def test_market_prints_drawdowns_and_valuations(home: Path) -> None:
    proc = run_cli("market")
    assert proc.returncode == 0, proc.stderr
    assert "CAPE" in proc.stdout and "since 1971" in proc.stdout
    proc = run_cli("market", "--json")
    payload = json.loads(proc.stdout)
    names = [d["name"] for d in payload["drawdowns"]]
    assert names[0] == "NASDAQ Composite" and len(names) == 3
    assert all(d["drawdown"] <= 0 for d in payload["drawdowns"])
    assert all(0 <= v["percentile"] <= 100 for v in payload["valuations"])
    assert all(r["source_id"].startswith("val_") for r in payload["forward_pe"])


def test_markets_command_reads_its_knobs(home: Path) -> None:
    fast = ("--lppls-series", "nasdaq", "--lppls-end-step", "50")
    proc = run_cli("markets", *fast)
    assert proc.returncode == 0, proc.stderr
    assert "PSY GSADF statistic, Nasdaq Composite (log)" in proc.stdout
    assert "PSY episodes by series (95% level, pointwise BSADF critical values)" in proc.stdout
    assert "rejects a random walk at 5%" in proc.stdout
    named = json.loads(run_cli("markets", "--json", *fast, "--psy-level", "0.99").stdout)
    assert named["params"]["psy_level"] == 0.99 and named["params"]["lppls_series"] == "nasdaq"
    assert named["model"]["psy"]["level"] == "99%" and len(named["model"]["lppls"]) == 1
    assert "rejects a random walk at 1%" in named["reading"]
    assert {f.get("claim_id") for f in named["key_figures"]} >= {"C02"}
    via_set = run_cli(
        "markets", "--json", "--set", "lppls_series=nasdaq", "--set", "lppls_end_step=50",
        "--set", "psy_level=0.99",
    )  # fmt: skip
    assert json.loads(via_set.stdout) == named
    for args, knob in (
        (("--psy-level", "0.5"), "psy_level"),
        (("--lppls-end-step", "0"), "lppls_end_step"),
        (("--lppls-min-window", "800"), "lppls_min_window"),
        (("--lppls-max-window", "2500"), "lppls_max_window"),
        (("--psy-series", "dow"), "psy_series"),
        (("--basket", "NVDA,NOPE"), "basket"),
        (("--set", "psy_start=1985"), "psy_start"),
        (("--set", "warp=1"), "warp"),
    ):
        proc = run_cli("markets", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and knob in lines[0], (args, proc.stderr)


def test_depreciation_prints_companies_disclosures_and_critics(home: Path) -> None:
    proc = run_cli("depreciation", "--company", "Microsoft", "--life", "4,6")
    assert proc.returncode == 0, proc.stderr
    assert "with 4-year / reported lives" in proc.stdout and "3-year" not in proc.stdout
    assert "msft_fy2023" in proc.stdout and "Critics' understated depreciation" in proc.stdout
    proc = run_cli("depreciation", "--json", "--true-life", "2.5", "--capex-growth", "0.1")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)["model"]
    assert set(payload["companies"]) == {"Microsoft", "Alphabet", "Amazon", "Meta", "Oracle"}
    assert payload["critics"]["true_life_years"] == 2.5
    rows = payload["disclosed_effects"]["rows"]
    assert all(abs(r["relative_error"]) <= 0.35 or r["explanation"] for r in rows)


def test_depreciation_bad_input_exits_2(home: Path) -> None:
    for args in (
        ("--company", "Nvidia"),
        ("--life", "4,x"),
        ("--life", "4.1"),
        ("--tax", "lots"),
        ("--true-life", "0"),
        ("--tax", "0.2,0.3"),
        ("--capex-growth", "nan"),
        ("--gpu-years", "31"),
    ):
        proc = run_cli("depreciation", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("error:")
        _no_traceback(proc)


def test_depreciation_params_defaults_bounds_and_set() -> None:
    from bubblewatch.arguments.depreciation import DepreciationParams
    from bubblewatch.errors import SpecificationError
    from bubblewatch.universe import HYPERSCALERS

    p = DepreciationParams()
    assert p.lives == (3.0, 4.0, 5.0, 6.0) and p.tax_rate == "effective"
    assert p.companies == HYPERSCALERS and p.true_life == 3.0 and p.gpu_years == 10
    assert DepreciationParams(company="Meta", tax="0.21").tax_rate == 0.21
    with pytest.raises(SpecificationError, match="capex_growth"):
        DepreciationParams(capex_growth=6.0)
    with pytest.raises(SpecificationError, match="company"):
        DepreciationParams(company="Nvidia")


def test_depreciation_knob_out_of_range_and_set_equals_option(home: Path) -> None:
    proc = run_cli("depreciation", "--true-life", "200")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "true_life" in lines[0]
    _no_traceback(proc)
    named = run_cli("depreciation", "--json", "--company", "Meta", "--life", "4,6", "--tax", "0.21")
    assert named.returncode == 0, named.stderr
    by_set = run_cli(
        "depreciation", "--json", "--set", "company=Meta", "--set", "life=4,6", "--set", "tax=0.21"
    )
    assert json.loads(named.stdout) == json.loads(by_set.stdout)
    doc = json.loads(named.stdout)
    assert doc["params"]["company"] == "Meta" and set(doc["model"]["companies"]) == {"Meta"}
    assert doc["model"]["companies"]["Meta"]["alternative_lives"] == [4.0, 6.0]
    assert doc["model"]["companies"]["Meta"]["tax_rate"] == 0.21


def test_gpu_life_paths_and_overrides(home: Path) -> None:
    proc = run_cli("gpu-life", "--price-path", "generational", "--set", "pue=1.5")
    assert proc.returncode == 0, proc.stderr
    assert "generational prices" in proc.stdout and "scenario choice" in proc.stdout
    proc = run_cli("gpu-life", "--json", "--price-path", "explicit", "--prices", "3,2,1,0.5,0.2")
    payload = json.loads(proc.stdout)
    assert payload["accelerator"]["price_path"]["name"] == "explicit"
    # running cost is about $4,700 a year; at 0.5 $/h and 80% use rent is $3,504
    assert payload["accelerator"]["cash_breakeven_year"] == 4
    assert payload["fleet"]["years"]
    from bubblewatch.arguments.depreciation import DepreciationParams

    default = json.loads(run_cli("gpu-life", "--json").stdout)["accelerator"]
    assert len(default["years"]) == DepreciationParams().gpu_years
    assert default["price_path"]["name"] == "observed"


def test_gpu_life_bad_input_exits_2(home: Path) -> None:
    for args in (
        ("--price-path", "moon"),
        ("--price-path", "explicit"),
        ("--set", "bogus=1"),
        ("--set", "pue"),
        ("--set", "utilisation=2"),
        ("--years", "0"),
        ("--set", "pue=nan"),
        ("--set", "electricity_usd_per_kwh=-1"),
        ("--prices", "1,2"),
    ):
        proc = run_cli("gpu-life", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)


def test_deals_and_stress(home: Path) -> None:
    proc = run_cli("deals")
    assert proc.returncode == 0, proc.stderr
    assert "NVIDIA → OpenAI → Oracle → NVIDIA" in proc.stdout
    payload = json.loads(run_cli("deals", "--status", "binding", "--json").stdout)
    assert 0 <= payload["circular_share"] <= 1
    assert all(c["source_ids"] for c in payload["cycles"])
    proc = run_cli("stress", "--shock", "OpenAI=0.4")
    assert proc.returncode == 0, proc.stderr
    assert "OpenAI pays 60%" in proc.stdout and "Oracle" in proc.stdout
    payload = json.loads(run_cli("stress", "--shock", "OpenAI=0.4", "--json").stdout)
    assert payload["clearing"]["defaulted_in_order"][0] == "OpenAI"
    assert payload["buffers"]["Oracle"]["origin"].startswith("operating cash flow")


def test_deals_and_stress_bad_input_exits_2(home: Path) -> None:
    for args in (
        ("deals", "--since", "2025-13-01"),
        ("deals", "--status", "rumour"),
        ("stress", "--shock", "Nobody=0.4"),
        ("stress", "--shock", "OpenAI=2"),
        ("stress", "--shock", "OpenAI"),
        ("stress", "--shock", "OpenAI=0.4", "--buffer", "OpenAI=-1"),
        ("stress", "--shock", "OpenAI=0.4", "--default-term", "0"),
        ("stress", "--shock", "OpenAI=0.4", "--default-term", "1e-300"),
        ("stress", "--shock", "OpenAI=0.4,OpenAI=0.2"),
        ("deals", "--since", "2025-01-01T00:00Z"),
        ("deals", "--since", "2026-01-01", "--until", "2025-01-01"),
    ):
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)


def test_stress_defaults_come_from_the_credit_argument(home: Path) -> None:
    from bubblewatch.arguments.credit import CreditParams

    defaults = CreditParams()
    plain = json.loads(run_cli("stress", "--json").stdout)
    assert plain == json.loads(run_cli("stress", "--shock", defaults.shocks, "--json").stdout)
    assert plain["default_term_years"] == defaults.default_term
    credit = json.loads(run_cli("credit", "--json").stdout)
    assert credit["model"]["stress"] == plain


def test_circularity_reproduces_the_debates_loop(home: Path) -> None:
    proc = run_cli("circularity")
    assert proc.returncode == 0, proc.stderr
    assert "NVIDIA → OpenAI → Oracle → NVIDIA loop is real" in proc.stdout
    assert "Closed money loops:" in proc.stdout
    doc = json.loads(run_cli("circularity", "--json").stdout)
    assert doc["params"] == {
        "loop": "NVIDIA,OpenAI,Oracle",
        "sellers": "Microsoft,Amazon,CoreWeave,Nebius",
        "backlog_seller": "Oracle",
        "backlog_buyer": "OpenAI",
        "max_loop_length": 6,
    }
    model = doc["model"]
    assert model["loop"]["firms"] == ["NVIDIA", "OpenAI", "Oracle"]
    assert model["loop"]["bottleneck_usd_bn"] == pytest.approx(40.0)
    assert 0 <= model["binding_deals"]["circular_share"] <= model["all_deals"]["circular_share"]
    assert [f["claim_id"] for f in doc["key_figures"] if f.get("claim_id")] == ["C13"] * 3
    short = json.loads(run_cli("circularity", "--json", "--max-loop-length", "3").stdout)
    assert short["params"]["max_loop_length"] == 3
    assert all(len(c["firms"]) <= 3 for c in short["model"]["all_deals"]["cycles"])
    assert (
        json.loads(run_cli("circularity", "--json", "--set", "max_loop_length=3").stdout) == short
    )
    sellers = json.loads(run_cli("circularity", "--json", "--sellers", "CoreWeave").stdout)
    labels = [f["label"] for f in sellers["key_figures"]]
    assert any(x.startswith("CoreWeave: contracted sales") for x in labels)
    assert not any(x.startswith("Microsoft: contracted sales") for x in labels)


def test_funding_and_credit_commands_read_their_knobs(home: Path) -> None:
    proc = run_cli("funding")
    assert proc.returncode == 0, proc.stderr
    assert "80% owned by outside funds" in proc.stdout
    doc = json.loads(run_cli("funding", "--json", "--table-since", "2025").stdout)
    assert doc["params"] == {"table_since": 2025}
    rows = doc["tables"][0]["rows"]
    assert rows and all(int(r["period"][2:]) >= 2025 for r in rows)
    assert json.loads(run_cli("funding", "--json", "--set", "table_since=2025").stdout) == doc
    assert {"companies", "ecosystem", "fiscal_year"} <= set(doc["model"])
    proc = run_cli("credit")
    assert proc.returncode == 0, proc.stderr
    assert "Stress: OpenAI pays 60% of a year's binding obligations" in proc.stdout
    credit = json.loads(run_cli("credit", "--json", "--shocks", "OpenAI=0.5").stdout)
    assert credit["model"]["stress"]["shocks"] == {"OpenAI": 0.5}
    assert credit["tables"][0]["title"].startswith("Stress: OpenAI pays 50%")
    assert 0.9 <= credit["model"]["instrument_mix"]["hyperscaler_ig_share"] <= 1
    assert json.loads(run_cli("credit", "--json", "--set", "shocks=OpenAI=0.5").stdout) == credit
    term = json.loads(run_cli("credit", "--json", "--default-term", "7").stdout)
    assert term["model"]["stress"]["default_term_years"] == 7.0


def test_circularity_funding_and_credit_bad_knobs_exit_2_naming_the_knob(home: Path) -> None:
    for args, knob in (
        (("circularity", "--max-loop-length", "1"), "max_loop_length"),
        (("circularity", "--loop", "NVIDIA"), "loop"),
        (("circularity", "--set", "loops=NVIDIA,OpenAI"), "loops"),
        (("funding", "--table-since", "1800"), "table_since"),
        (("credit", "--default-term", "0"), "default_term"),
        (("credit", "--other-buffer", "-1"), "other_buffer"),
        (("credit", "--shocks", "OpenAI"), "shocks"),
        (("credit", "--shocks", "OpenAI=2"), "shocks"),
        (("credit", "--buffers", "OpenAI=-1"), "buffers"),
        (("credit", "--statuses", "rumour"), "statuses"),
        (("credit", "--gauges", "Nobody=XXXX"), "gauges"),
    ):
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and knob in lines[0], args


def test_revenue_gap_reproduces_sequoia_and_is_seeded(home: Path) -> None:
    proc = run_cli("revenue-gap", "--draws", "2000")
    assert proc.returncode == 0, proc.stderr
    assert "$50bn x 2 x 2 = $200bn" in proc.stdout and "$150bn x 2 x 2 = $600bn" in proc.stdout
    a = json.loads(run_cli("revenue-gap", "--json", "--draws", "2000", "--seed", "3").stdout)
    b = json.loads(run_cli("revenue-gap", "--json", "--draws", "2000", "--seed", "3").stdout)
    assert a["monte_carlo"] == b["monte_carlo"]
    c = json.loads(
        run_cli("revenue-gap", "--json", "--param", "margin_multiple=3", "--draws", "500").stdout
    )
    assert c["monte_carlo"]["ranges"]["margin_multiple"] == {"low": 3.0, "high": 3.0, "mode": None}
    for args in (("--param", "foo=1:2"), ("--param", "margin_multiple=x"), ("--draws", "0")):
        proc = run_cli("revenue-gap", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)


def test_power_grid_and_conversions(home: Path) -> None:
    proc = run_cli("power")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"H100-class accelerators per GW at the meter\s+603,318", proc.stdout)
    assert "Conversion assumptions" in proc.stdout
    doc = json.loads(
        run_cli(
            "power", "--json", "--scenario", "sp451_us_dc_grid_power_2030", "--build", "8,12"
        ).stdout
    )["model"]
    rows = {r["supply"]: r for r in doc["scenarios"]}
    # S&P 451: 134.4 GW in 2030 from 61.8 GW in 2025 is 14.52 GW a year.
    assert rows["build-8gw"]["annual_gap_gw"] == pytest.approx(14.52 - 8)
    assert rows["build-12gw"]["shortfall_2030_gw"] == pytest.approx(5 * (14.52 - 12))
    pue = json.loads(run_cli("power", "--json", "--set", "pue=1.1").stdout)["model"]
    assert pue["conversion"]["kw_per_accelerator"] == pytest.approx(10.2 / 8 * 1.1)
    for args in (
        ("--scenario", "nope"),
        ("--supply", "nope"),
        ("--build", "-3"),
        ("--build", "x"),
        ("--set", "pue=0.8"),
        ("--set", "warp=1"),
        ("--through", "2020"),
    ):
        proc = run_cli("power", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)


def test_power_knobs_by_option_and_by_set(home: Path) -> None:
    """Each option of ``power`` is a knob: ``--NAME VALUE`` and ``--set NAME=VALUE`` agree, and
    an id, a rate or a year out of range is one line naming the knob (exit 2)."""
    for option, value in (
        ("scenario", "sp451_us_dc_grid_power_2030,lbnl2024_us_dc_capacity_2028-high"),
        ("build", "8,12"),
        ("through", "2032"),
        ("pue", "1.2"),
    ):
        by_option = json.loads(run_cli("power", "--json", f"--{option}", value).stdout)
        by_set = json.loads(run_cli("power", "--json", "--set", f"{option}={value}").stdout)
        assert by_option == by_set, option
    doc = json.loads(run_cli("power", "--json", "--build", "8,12", "--through", "2032").stdout)
    assert doc["params"]["through"] == 2032 and doc["params"]["pue"] is None
    assert {r["supply"] for r in doc["model"]["scenarios"]} == {"build-8gw", "build-12gw"}
    assert doc["model"]["debate"]["shortfall_gw"] == [50.0, 100.0]
    unknown = run_cli("power", "--scenario", "nope")
    assert unknown.returncode == 2
    assert "unknown demand path(s): nope; known: " in unknown.stderr
    assert "sp451_us_dc_grid_power_2030" in unknown.stderr
    for args, knob in (
        (("--through", "2200"), "through"),
        (("--set", "pue=9"), "pue"),
        (("--gpu-tdp-kw", "0"), "gpu_tdp_kw"),
        (("--build", "8;12"), "build"),
        (("--build", "1e"), "build"),
        (("--through", "2020"), "through"),
        (("--supply", "a;b"), "supply"),
    ):
        proc = run_cli("power", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and knob in lines[0], args


def test_gdp_reproduces_furman_and_the_split(home: Path) -> None:
    proc = run_cli("gdp")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"IT share of growth, 2024Q4-2025Q2\s+92\.1%", proc.stdout)
    assert "not a counterfactual" in proc.stdout
    doc = json.loads(run_cli("gdp", "--json").stdout)["model"]
    assert doc["furman"]["published"] == {"share": 92.0, "growth_excluding": 0.1}
    assert doc["speakers_split"]["pce"] == pytest.approx(1.06, abs=0.01)
    assert {"levels", "split", "furman", "yoy", "then"} <= set(doc["sources"])
    h2 = json.loads(run_cli("gdp", "--json", "--half", "2025H2").stdout)
    assert h2["params"] == {"half": "2025H2"}
    assert (
        h2["model"]["half"] == "2025H2" and h2["model"]["furman"]["recomputed"]["start"] == "2025Q2"
    )
    assert json.loads(run_cli("gdp", "--json", "--set", "half=2025H2").stdout) == h2
    for args in (("--half", "2025H3"), ("--half", "2019H1"), ("--half", "soon")):
        proc = run_cli("gdp", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)


def test_cycles_phase_is_seeded(home: Path) -> None:
    proc = run_cli("cycles", "--draws", "300")
    assert proc.returncode == 0, proc.stderr
    assert "Phase on shale: best-matching year of the AI cycle's last 5 years" in proc.stdout
    a = json.loads(run_cli("cycles", "--json", "--draws", "300", "--seed", "2").stdout)["model"]
    b = json.loads(run_cli("cycles", "--json", "--draws", "300", "--seed", "2").stdout)["model"]
    assert a["phases"] == b["phases"] and a["ai_source_ids"]
    for args in (("--window", "1"), ("--draws", "0"), ("--window", "40")):
        proc = run_cli("cycles", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        _no_traceback(proc)


def test_cycles_and_roi_knobs(home: Path) -> None:
    from bubblewatch.arguments.cycles import CyclesParams
    from bubblewatch.arguments.roi import RoiParams

    assert (CyclesParams().window, CyclesParams().draws, CyclesParams().seed) == (5, 2000, 0)
    assert (RoiParams().draws, RoiParams().commitment_years, RoiParams().close_by) == (
        10_000,
        8,
        2030,
    )
    named = run_cli("cycles", "--json", "--draws", "200", "--window", "4")
    by_set = run_cli("cycles", "--json", "--set", "draws=200", "--set", "window=4")
    assert named.returncode == 0 and json.loads(named.stdout) == json.loads(by_set.stdout)
    doc = json.loads(named.stdout)
    assert doc["params"]["window"] == 4 and doc["model"]["shale"]["negative_free_cash_flow_years"]
    roi = json.loads(run_cli("roi", "--json", "--draws", "500", "--commitment-years", "10").stdout)
    assert roi == json.loads(
        run_cli("roi", "--json", "--set", "draws=500", "--set", "commitment_years=10").stdout
    )
    assert roi["model"]["openai"]["yearly_commitments_usd_bn"] == pytest.approx(140.0)
    gap = json.loads(
        run_cli("revenue-gap", "--json", "--draws", "500", "--set", "commitment_years=10").stdout
    )
    assert (
        gap["openai"] == roi["model"]["openai"]
        and gap["monte_carlo"] == roi["model"]["monte_carlo"]
    )
    for command, args, knob in (
        ("cycles", ("--window", "1"), "window"),
        ("cycles", ("--set", "level=1.5"), "level"),
        ("cycles", ("--oil-from", "2015", "--oil-to", "2011"), "oil_from"),
        ("roi", ("--commitment-years", "0"), "commitment_years"),
        ("roi", ("--close-by", "2024"), "close_by"),
        ("revenue-gap", ("--set", "start_offset=-1"), "start_offset"),
    ):
        proc = run_cli(command, *args)
        assert proc.returncode == 2, (command, args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and knob in lines[0], lines


def test_cli_claims_json(built_store: Path) -> None:
    proc = run_cli(
        "claims", "--json", "--as-of", "2025-11-15", env={"BUBBLEWATCH_HOME": str(built_store)}
    )
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["as_of"] == "2025-11-15"
    assert len(payload["claims"]) == 35
    assert sum(payload["counts"].values()) == 35
    assert len(payload["scale"]) == 6
    c02 = next(c for c in payload["claims"] if c["claim_id"] == "C02")
    assert c02["as_of"]["evidence"] and c02["as_of"]["evidence"][0]["source_ids"]


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2020-01-01"])
def test_cli_claims_bad_as_of(built_store: Path, bad: str) -> None:
    proc = run_cli("claims", "--as-of", bad, env={"BUBBLEWATCH_HOME": str(built_store)})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "as-of" in proc.stderr


def test_data_show_as_of_and_data_changes(home: Path, tmp_path: Path) -> None:
    everything = json.loads(run_cli("data", "show", "deals", "--json").stdout)
    assert all(r["published"] for r in everything)
    proc = run_cli("data", "show", "deals", "--json", "--as-of", "2024-12-31")
    assert proc.returncode == 0, proc.stderr
    early = json.loads(proc.stdout)
    assert 0 < len(early) < len(everything)
    assert all(r["published"] <= "2024-12-31" for r in early)
    proc = run_cli("data", "show", "deals", "--as-of", "2024-13-01")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    _no_traceback(proc)
    for value in ("1", "2"):
        src = tmp_path / f"v{value}.csv"
        src.write_text(f"date,value\n2024-01-31,{value}\n", encoding="utf-8")
        assert run_cli("import", str(src), "--name", "mine").returncode == 0
    proc = run_cli("data", "changes", "--json")
    assert proc.returncode == 0, proc.stderr
    assert [
        (r["table"], r["key"], r["old"], r["new"], r["status"]) for r in json.loads(proc.stdout)
    ] == [("series", "name=mine, date=2024-01-31", 1.0, 2.0, "changed")]
    proc = run_cli("data", "changes")
    assert proc.returncode == 0 and "1 changed" in proc.stdout
    proc = run_cli("data", "changes", "--since", "99")
    assert proc.returncode == 2 and proc.stderr.startswith("error: unknown vintage 99")
    _no_traceback(proc)


def test_update_and_reconcile_from_the_fake_providers(fake_server: object, home: Path) -> None:
    proc = run_cli("update", "--only", "sec", "--tickers", "GOOGL")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("sec: updated: vintage 2:")
    proc = run_cli("data", "reconcile", "--entity", "Alphabet", "--differing")
    assert proc.returncode == 0, proc.stderr
    head, *rows = proc.stdout.strip().splitlines()
    assert head == "24 curated figures: 0 within 0.5% of SEC, 24 with a stated reason"
    assert len(rows) == 24 and all(" — " in r for r in rows)
    proc = run_cli("data", "reconcile", "--entity", "Nobody")
    assert proc.returncode == 2 and proc.stderr.startswith("error: no SEC figures for 'Nobody'")
    _no_traceback(proc)


def test_update_bad_input_exits_2_and_no_store_figures_exit_1(home: Path) -> None:
    proc = run_cli("update", "--only", "sec,bogus")
    assert proc.returncode == 2 and proc.stderr.startswith("error: unknown provider bogus")
    _no_traceback(proc)
    proc = run_cli("data", "reconcile")
    assert proc.returncode == 1 and "bubblewatch update --only sec" in proc.stderr
    _no_traceback(proc)
