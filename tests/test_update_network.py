"""``bubblewatch update`` from the real endpoints (marked ``network``: never in the default run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bubblewatch.sources.providers import FETCHERS
from bubblewatch.sources.update import UpdateRequest, run_update
from bubblewatch.store import Store

pytestmark = pytest.mark.network


def test_update_from_the_real_sec_and_fred(home: Path) -> None:
    if not os.environ.get("BUBBLEWATCH_SEC_IDENTITY"):
        pytest.skip("set BUBBLEWATCH_SEC_IDENTITY='Name email' to call SEC EDGAR")
    request = UpdateRequest(only=("sec", "fred"), tickers=("NVDA", "ORCL"), series=("NASDAQCOM",))
    with Store.open() as store:
        outcome = run_update(request, store, FETCHERS)
        assert outcome.ok, [p.line() for p in outcome.providers]
        metrics = store.read("sec_metrics")
        nasdaq = store.read("fred_observations")
    assert {"0001045810", "0001341439"} <= set(metrics["cik"])
    oracle = metrics[(metrics["ticker"] == "ORCL") & (metrics["fiscal_period"] == "FY")]
    assert {"capex", "dividends_paid"} <= set(oracle["metric"])
    assert nasdaq["date"].max() > nasdaq["date"].min()
