"""Fisher contributions to GDP growth: reference twin, invariants, and BEA's published figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bubblewatch.data import load_table
from bubblewatch.models.macro import fisher_contributions, fisher_contributions_reference


def _scripts():  # the build script is the code under test for the shipped rows
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / "build_macro_contributions.py"
    spec = importlib.util.spec_from_file_location("build_macro_contributions", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


positive = st.floats(min_value=0.5, max_value=2000.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (6, 3), elements=positive),
    arrays(np.float64, (6, 3), elements=st.floats(min_value=50.0, max_value=150.0)),
    arrays(np.float64, (6,), elements=st.floats(min_value=50.0, max_value=150.0)),
    st.booleans(),
)
def test_vectorised_matches_reference(
    nominal: np.ndarray, prices: np.ndarray, agg: np.ndarray, annual: bool
) -> None:
    idx = pd.period_range("2020Q1", periods=6, freq="Q").astype(str)
    n = pd.DataFrame(nominal, index=idx, columns=["a", "b", "c"])
    p = pd.DataFrame(prices, index=idx, columns=["a", "b", "c"])
    a = pd.Series(agg, index=idx)
    fast = fisher_contributions(n, p, a, annualize=annual)
    slow = fisher_contributions_reference(n, p, a, annualize=annual)
    np.testing.assert_allclose(fast.to_numpy(), slow[fast.columns].to_numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        fast.drop(columns="total").sum(axis=1), fast["total"], rtol=1e-9, atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (5,), elements=positive),
    arrays(np.float64, (5,), elements=st.floats(min_value=50.0, max_value=150.0)),
)
def test_single_component_contributes_its_own_real_growth(
    nominal: np.ndarray, price: np.ndarray
) -> None:
    idx = pd.period_range("2021Q1", periods=5, freq="Q").astype(str)
    n = pd.DataFrame({"x": nominal}, index=idx)
    p = pd.DataFrame({"x": price}, index=idx)
    out = fisher_contributions(n, p, p["x"], annualize=True)
    real = nominal / price
    g = ((real[1:] / real[:-1]) ** 4 - 1.0) * 100.0
    np.testing.assert_allclose(out["x"].to_numpy(), g, rtol=1e-9, atol=1e-9)


def test_on_real_bea_tables_vectorised_equals_reference(shared_data: Path) -> None:
    module = _scripts()
    folder = shared_data / "bea_nipa_tables_bsvars" / "vintage_2026-05-28"
    nominal = module.read_bea_table(folder / "Table1.1.5.csv")
    prices = module.read_bea_table(folder / "Table1.1.9.csv")
    cols = [c for c in nominal.columns if c >= "2015Q1"]
    parts = {"pce": 2, "gpdi_fixed": 8, "exports": 16, "federal": 23, "state_local": 26}
    n = pd.DataFrame({k: nominal.loc[v, cols] for k, v in parts.items()}).astype(float)
    p = pd.DataFrame({k: prices.loc[v, cols] for k, v in parts.items()}).astype(float)
    a = prices.loc[1, cols].astype(float)
    fast = fisher_contributions(n, p, a)
    slow = fisher_contributions_reference(n, p, a)
    np.testing.assert_allclose(fast.to_numpy(), slow[fast.columns].to_numpy(), rtol=1e-9, atol=1e-9)


def test_shipped_contributions_match_beas_published_release() -> None:
    """Our computation from Tables 1.1.5/1.1.9 vs BEA's own Table 2 of the same release."""
    macro = load_table("macro")
    ours = macro.loc[macro["source_id"] == "macro_bea_calc_20260528"].set_index(
        ["series", "period"]
    )["value"]
    published = macro.loc[macro["vintage"].str.startswith("2026-05-28")]
    assert len(published) >= 4
    for rec in published.itertuples():
        # BEA publishes growth to one decimal and contributions to two.
        tolerance = 0.05 if rec.series == "gdp_growth" else 0.02
        assert ours[(rec.series, rec.period)] == pytest.approx(rec.value, abs=tolerance), rec.series


def test_shipped_growth_matches_the_fred_series_of_the_same_vintage() -> None:
    macro = load_table("macro")
    ours = macro.loc[
        (macro["source_id"] == "macro_bea_calc_20260528") & (macro["series"] == "gdp_growth")
    ]
    fred = macro.loc[
        macro["vintage"].str.contains("FRED/BEA vintage of 2026-05-28")
        & (macro["series"] == "gdp_growth")
    ]
    merged = ours.merge(fred, on="period", suffixes=("_ours", "_fred"))
    assert len(merged) >= 10
    # FRED rounds to one decimal.
    assert (merged["value_ours"] - merged["value_fred"]).abs().max() <= 0.05 + 1e-9


def test_shipped_rows_are_what_the_script_computes(shared_data: Path) -> None:
    module = _scripts()
    folder = shared_data / "bea_nipa_tables_bsvars" / "vintage_2026-05-28"
    table = module.compute(
        module.read_bea_table(folder / "Table1.1.5.csv"),
        module.read_bea_table(folder / "Table1.1.9.csv"),
    )
    macro = load_table("macro")
    ours = macro.loc[macro["source_id"] == "macro_bea_calc_20260528"]
    for rec in ours.itertuples():
        assert rec.value == pytest.approx(float(table.loc[rec.period, rec.series]), abs=5e-5)
