"""``bubblewatch update`` against the local fake server: loads, faults, resumes, rate, offline."""

from __future__ import annotations

import dataclasses
import itertools
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import stamina

from bubblewatch.cli import main
from bubblewatch.sources import http
from bubblewatch.sources.providers import FETCHERS
from bubblewatch.sources.update import UpdateRequest, run_update
from bubblewatch.store import Store
from conftest import run_cli, stock
from fakeserver import FakeServer

NVDA_FACTS = "/api/xbrl/companyfacts/CIK0001045810.json"
LIVE = ("sec_facts", "sec_metrics", "fred_observations", "bea_nipa", "prices")


@pytest.fixture
def home(home: Path, store_template: Path) -> Path:
    """The test's own BUBBLEWATCH_HOME, holding a copy of the shipped-snapshot store."""
    return stock(home, store_template)


@pytest.fixture
def server(fake_server: object) -> FakeServer:
    assert isinstance(fake_server, FakeServer)
    return fake_server


def update(**kwargs: object) -> object:
    with Store.open() as store:
        return run_update(UpdateRequest(**kwargs), store, FETCHERS)  # type: ignore[arg-type]


def state() -> dict[str, object]:
    """Everything a failed update must leave as it was: vintages and every table's rows."""
    with Store.open() as store:
        tables = {
            name: store.read(name).to_csv(index=False)
            for name in (*LIVE, "financials", "market", "sources")
        }
        return {"vintages": store.vintages().to_csv(index=False), **tables}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_sec_update_loads_facts_metrics_and_new_fiscal_years(server: FakeServer) -> None:
    before = state()
    outcome = update(only=("sec",), tickers=("GOOGL", "NVDA"))
    (sec,) = outcome.providers  # type: ignore[attr-defined]
    assert sec.status == "updated", sec.message
    with Store.open() as store:
        facts = store.read("sec_facts")
        metrics = store.read("sec_metrics")
        financials = store.read("financials")
        sources = store.read("sources")
        assert store.verify().ok
    assert set(facts["cik"]) == {"0001652044", "0001045810"}
    assert (facts["published"] == facts["filed"]).all()
    assert facts["url"].str.endswith(".json").all() and facts["provider"].eq("sec").all()
    # new Alphabet fiscal years, each citing its filing on sec.gov; curated rows untouched
    old = pd.read_csv(pd.io.common.StringIO(str(before["financials"])))
    added = financials.iloc[len(old) :]
    assert len(added) == int(sec.message.split(" new financials rows")[0].rsplit(" ", 1)[-1])
    assert len(added) > 0 and set(added["entity"]) == {"Alphabet"}
    cited = sources.set_index("source_id").loc[added["source_id"]]
    assert cited["url"].str.startswith("https://www.sec.gov/Archives/edgar/data/1652044/").all()
    assert cited["publisher"].str.endswith("(SEC EDGAR filing)").all()
    pd.testing.assert_frame_equal(
        financials.iloc[: len(old)][["entity", "metric", "period", "value", "source_id"]],
        old[["entity", "metric", "period", "value", "source_id"]],
        check_dtype=False,
    )
    # each added figure is the latest filed annual SEC value of that metric and year
    latest = metrics[metrics["fiscal_period"] == "FY"].sort_values("filed")
    latest = latest.drop_duplicates(["ticker", "metric", "fiscal_year"], keep="last")
    for row in added.itertuples():
        sec_row = latest[
            (latest["ticker"] == "GOOGL")
            & (latest["metric"] == row.metric)
            & (latest["fiscal_year"] == int(row.period[2:]))
        ].iloc[0]
        assert row.value == pytest.approx(sec_row["value"], rel=1e-12)


def test_second_update_within_freshness_makes_no_request_and_no_vintage(
    server: FakeServer,
) -> None:
    first = update(only=("sec",), tickers=("NVDA",))
    assert first.providers[0].status == "updated"  # type: ignore[attr-defined]
    count = len(server.requests)
    again = update(only=("sec",), tickers=("NVDA",))
    (sec,) = again.providers  # type: ignore[attr-defined]
    assert len(server.requests) == count
    assert sec.requests == 0 and sec.status == "unchanged"


@pytest.mark.parametrize(
    ("kind", "options", "says"),
    [
        pytest.param("status", {"status": 500}, "HTTP 500", marks=pytest.mark.slow),
        pytest.param("status", {"status": 503}, "HTTP 503", marks=pytest.mark.slow),
        pytest.param("delay", {"delay": 3.0}, "timed out", marks=pytest.mark.slow),
        pytest.param("truncate", {}, "truncated JSON", marks=pytest.mark.slow),
        pytest.param("html", {}, "not JSON", marks=pytest.mark.slow),
        pytest.param(
            "rename", {"rename": ("facts", "factz")}, "lacks field 'facts'", marks=pytest.mark.slow
        ),
        pytest.param("close", {}, NVDA_FACTS, marks=pytest.mark.slow),
    ],
)
def test_a_failing_provider_leaves_the_previous_vintage_and_a_rerun_resumes(
    server: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    options: dict[str, object],
    says: str,
) -> None:
    monkeypatch.setitem(
        http.PROVIDERS, "sec", dataclasses.replace(http.PROVIDERS["sec"], read_timeout=0.5)
    )
    assert update(only=("sec",), tickers=("GOOGL",)).providers[0].status == "updated"  # type: ignore[attr-defined]
    before = state()
    server.fail(NVDA_FACTS, kind, **options)  # type: ignore[arg-type]
    outcome = update(only=("sec",), tickers=("GOOGL", "NVDA"))
    (sec,) = outcome.providers  # type: ignore[attr-defined]
    assert sec.status == "failed" and not outcome.ok  # type: ignore[attr-defined]
    assert "\n" not in sec.message and sec.message.startswith("sec ")
    assert NVDA_FACTS in sec.message and says in sec.message
    assert state() == before  # no partial rows, the previous vintage intact
    server.heal()
    googl_requests = len(server.requests_to("/api/xbrl/companyfacts/CIK0001652044.json"))
    resumed = update(only=("sec",), tickers=("GOOGL", "NVDA"))
    assert resumed.providers[0].status == "updated"  # type: ignore[attr-defined]
    # what the failed run fetched comes from the cache: only NVIDIA goes to the network again
    assert len(server.requests_to("/api/xbrl/companyfacts/CIK0001652044.json")) == googl_requests
    with Store.open() as store:
        assert set(store.read("sec_facts")["cik"]) == {"0001652044", "0001045810"}


def test_429_with_retry_after_is_waited_out(server: FakeServer) -> None:
    server.fail(NVDA_FACTS, "status", status=429, retry_after=1, times=1)
    outcome = update(only=("sec",), tickers=("NVDA",))
    assert outcome.providers[0].status == "updated"  # type: ignore[attr-defined]
    hits = server.requests_to(NVDA_FACTS)
    assert [h.status for h in hits] == [429, 200]
    assert hits[1].time - hits[0].time >= 1.0


@pytest.mark.slow
def test_sec_request_rate_stays_under_ten_a_second(server: FakeServer, home: Path) -> None:
    tickers = ("GOOGL", "NVDA", "AAPL", "TSM")
    for _ in range(3):
        shutil.rmtree(home / "http-cache", ignore_errors=True)
        assert update(only=("sec",), tickers=tickers).providers[0].status in {  # type: ignore[attr-defined]
            "updated",
            "unchanged",
        }
    sec_hits = [r for r in server.requests if r.path.startswith(("/api/", "/files/"))]
    assert len(sec_hits) == 15
    assert server.max_in_window(1.0, "/api/*") <= 10
    times = sorted(r.time for r in sec_hits)
    assert all(b - a >= 1 / 9.0 - 0.01 for a, b in itertools.pairwise(times))


def test_fred_keyless_and_with_vintages(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    outcome = update(only=("fred",), series=("BAMLC0A0CM", "NASDAQCOM"))
    assert outcome.providers[0].status == "updated", outcome.providers[0].message  # type: ignore[attr-defined]
    with Store.open() as store:
        obs = store.read("fred_observations")
    assert len(obs[obs["series_id"] == "BAMLC0A0CM"]) == 7063
    assert obs.loc[obs["series_id"] == "BAMLC0A0CM", "value"].isna().sum() == 82
    assert set(obs["provider"]) == {"fred_graph"}
    monkeypatch.setenv("FRED_API_KEY", "abcdef0123456789abcdef0123456789")
    outcome = update(only=("fred",), series=("GDP",))
    assert outcome.providers[0].status == "updated"  # type: ignore[attr-defined]
    with Store.open() as store:
        gdp = store.read("fred_observations")
        gdp = gdp[gdp["series_id"] == "GDP"]
        vintages = store.read("fred_observations", as_of=pd.Timestamp("2019-01-01").date())
    assert len(gdp) == 3201 and gdp["url"].str.contains("api_key=REDACTED").all()
    assert not gdp["url"].str.contains("abcdef").any()
    # as known on 2019-01-01: no figure published later
    assert (vintages["published"] <= pd.Timestamp("2019-01-01")).all()


def test_bea_is_skipped_without_a_key_and_prices_without_a_provider(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BEA_API_KEY", raising=False)
    outcome = update(only=("bea", "prices"))
    statuses = {p.provider: p.status for p in outcome.providers}  # type: ignore[attr-defined]
    assert statuses == {"bea": "skipped", "prices": "skipped"} and outcome.ok  # type: ignore[attr-defined]


def test_prices_from_stooq_say_provider_and_adjustment(server: FakeServer) -> None:
    outcome = update(only=("prices",), tickers=("NVDA",), price_provider="stooq")
    assert outcome.providers[0].status == "updated", outcome.providers[0].message  # type: ignore[attr-defined]
    with Store.open() as store:
        prices = store.read("prices")
    assert len(prices) == 6914
    assert set(prices["provider"]) == {"stooq"} and set(prices["adjustment"]) == {
        "splits_dividends"
    }
    assert (prices["published"] == prices["date"]).all()


def test_dry_run_lists_changes_and_writes_nothing(
    server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state()
    code, out, _ = cli(
        capsys, "update", "--only", "sec", "--tickers", "NVDA", "--dry-run", "--json"
    )
    assert code == 0
    report = json.loads(out)
    (sec,) = report["providers"]
    assert sec["status"] == "would change" and sec["tables"][0]["added"] > 0
    assert state() == before


def test_data_changes_and_reconcile_after_an_update(
    server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "update", "--only", "sec", "--tickers", "GOOGL")
    assert code == 0, err
    code, out, err = cli(capsys, "data", "changes", "--json")
    assert code == 0, err
    moved = json.loads(out)
    assert any(r["table"] == "financials" and r["status"] == "added" for r in moved)
    code, out, err = cli(capsys, "data", "reconcile", "--json")
    assert code == 0, err
    rows = json.loads(out)
    with Store.open() as store:
        curated = store.read("financials")
    alphabet = curated[curated["entity"] == "Alphabet"]
    assert len(rows) >= len(alphabet)
    assert all(r["within_tolerance"] or r["reason"] for r in rows)


def test_update_without_network_says_one_line_per_provider_and_changes_nothing(
    home: Path,
) -> None:
    env = {f"BUBBLEWATCH_{name.upper()}_URL": "http://127.0.0.1:9" for name in http.PROVIDERS}
    env |= {"BUBBLEWATCH_SEC_IDENTITY": "Bubblewatch Tests tests@example.com"}
    run_cli("data", "list", env=env)  # create the store
    before = state()
    # every try is made, without the back-off waits between them (stamina's test mode)
    with stamina.set_testing(True, attempts=http.RetryPolicy().attempts):
        result = run_cli("update", "--tickers", "NVDA", "--series", "GDP", env=env)
    assert result.returncode == 1
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert sorted(line.split(":")[0] for line in lines) == ["bea", "fred", "prices", "sec"]
    failed = {line.split(":")[0] for line in lines if ": failed: " in line}
    assert failed == {"sec", "fred"}
    assert "Traceback" not in result.stderr
    assert state() == before


def test_report_lists_what_moved_since_the_last_vintage(
    server: FakeServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    prebuilt_arguments: None,
) -> None:
    code, _, err = cli(capsys, "update", "--only", "sec", "--tickers", "GOOGL")
    assert code == 0, err
    target = tmp_path / "r.json"
    code, _, err = cli(capsys, "report", "--format", "json", "--out", str(target), "--quiet")
    assert code == 0, err
    report = json.loads(target.read_text())
    loads = report["data_vintage"]["provider_loads"]
    assert [(x["provider"], x["vintage_id"]) for x in loads] == [("sec", 2)]
    moved = [r for r in report["changes"] if r["table"] == "financials"]
    with Store.open() as store:
        expected = store.changes()
    assert len(report["changes"]) == len(expected) and moved
    assert all(r["status"] == "added" and r["new"] is not None for r in moved)
    md = tmp_path / "r.md"
    code, _, err = cli(capsys, "report", "--format", "md", "--out", str(md), "--quiet")
    assert code == 0, err
    assert f"{len(expected)} figures moved since the previous vintage" in md.read_text()


BEA_DATA = Path(__file__).resolve().parent / "data" / "bea"


def _bea_server(file: str) -> FakeServer:
    """A fake BEA answering GetData for T10105 with one of the built responses."""
    from fakeserver import Route

    return FakeServer(
        BEA_DATA, routes=(Route("/api/data", file, (("TableName", "T10105"),)),)
    ).start()


def test_bea_releases_load_as_vintages_known_on_their_dates(
    fake_server: object, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    monkeypatch.setenv("BEA_API_KEY", "0123456789ABCDEF")
    for file in ("T10105_Q_2026-03-13_built.json", "T10105_Q_built.json"):
        bea = _bea_server(file)
        monkeypatch.setenv("BUBBLEWATCH_BEA_URL", bea.url)
        shutil.rmtree(home / "http-cache", ignore_errors=True)
        try:
            outcome = update(only=("bea",), bea_tables=("T10105",))
        finally:
            bea.stop()
        assert outcome.providers[0].status == "updated", outcome.providers[0].message  # type: ignore[attr-defined]
    with Store.open() as store:
        now = store.read("bea_nipa")
        march = store.read("bea_nipa", as_of=pd.Timestamp("2026-04-01").date())
    assert set(now["published"]) == {pd.Timestamp("2026-05-28")}
    assert set(march["published"]) == {pd.Timestamp("2026-03-13")}
    assert "2026Q1" in set(now["time_period"]) and "2026Q1" not in set(march["time_period"])
    assert now["url"].str.contains("UserID=REDACTED").all()
    assert not now["url"].str.contains("0123456789ABCDEF").any()


def test_bea_error_body_fails_with_bea_s_description(
    fake_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEA_API_KEY", "0123456789ABCDEF")
    before = state()
    bea = _bea_server("error_invalid_userid_built.json")
    monkeypatch.setenv("BUBBLEWATCH_BEA_URL", bea.url)
    try:
        outcome = update(only=("bea",), bea_tables=("T10105",))
    finally:
        bea.stop()
    (step,) = outcome.providers  # type: ignore[attr-defined]
    assert step.status == "failed" and step.message.startswith("bea /api/data: BEA error")
    assert "\n" not in step.message and "0123456789ABCDEF" not in step.message
    assert state() == before


@pytest.mark.parametrize(
    ("kind", "options", "says"),
    [
        ("status", {"status": 503}, "HTTP 503"),
        ("html", {}, "observation_date"),
        ("truncate", {}, "truncated CSV"),
    ],
)
def test_a_failing_fred_download_keeps_the_previous_vintage(
    server: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    options: dict[str, object],
    says: str,
) -> None:
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    assert update(only=("fred",), series=("BAMLH0A0HYM2",)).providers[0].status == "updated"  # type: ignore[attr-defined]
    before = state()
    server.fail("/graph/fredgraph.csv", kind, **options)  # type: ignore[arg-type]
    outcome = update(only=("fred",), series=("BAMLC0A0CM", "BAMLH0A0HYM2"))
    (step,) = outcome.providers  # type: ignore[attr-defined]
    assert step.status == "failed" and step.message.startswith("fred_graph /graph/fredgraph.csv")
    assert says in step.message and "\n" not in step.message
    assert state() == before
