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
from bubblewatch.errors import SpecificationError
from bubblewatch.models import gdp, macro
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


# --- components known only with the aggregate, Furman's arithmetic, runs -------------------


def test_component_contribution_of_the_whole_economy_is_its_growth() -> None:
    """With one component the Laspeyres and Fisher prices coincide, so the approximation is
    exact: nominal 100 -> 110 with prices 1 -> 1.05 is real growth 110 / 1.05 / 100 - 1."""
    idx = ["2024Q4", "2025Q1"]
    n = pd.DataFrame({"all": [100.0, 110.0]}, index=idx)
    r = pd.DataFrame({"all": [100.0, 110.0 / 1.05]}, index=idx)
    out = macro.component_contributions(n, r, n["all"], r["all"], annualize=False)
    assert out.loc["2025Q1", "all"] == pytest.approx(100 * (110 / 1.05 / 100 - 1), abs=1e-12)
    assert out.loc["2025Q1", "gdp_growth"] == pytest.approx(out.loc["2025Q1", "all"], abs=1e-12)


def test_component_contributions_match_the_full_partition_on_beas_tables(shared_data: Path) -> None:
    """Without the other components the denominator's Paasche half is approximated. On BEA's
    own Tables 1.1.5 and 1.1.9 (2015Q1-2026Q1), for two aggregates whose parts all carry a
    price index (consumption = goods + services; fixed investment = structures + equipment +
    IPP + residential), the approximation moves no contribution by 0.002 pp outside 2020 and
    by 0.01 pp in 2020, when annualized contributions reached tens of points."""
    module = _scripts()
    folder = shared_data / "bea_nipa_tables_bsvars" / "vintage_2026-05-28"
    nominal = module.read_bea_table(folder / "Table1.1.5.csv")
    prices = module.read_bea_table(folder / "Table1.1.9.csv")
    cols = [c for c in nominal.columns if c >= "2015Q1"]
    worst = 0.0
    for total, parts in (
        (2, {"goods": 3, "services": 6}),
        (8, {"s": 10, "e": 11, "i": 12, "r": 13}),
    ):
        n = pd.DataFrame({k: nominal.loc[v, cols] for k, v in parts.items()}).astype(float)
        p = pd.DataFrame({k: prices.loc[v, cols] for k, v in parts.items()}).astype(float)
        agg_n = n.sum(axis=1)
        agg_p = prices.loc[total, cols].astype(float)
        exact = fisher_contributions(n, p, agg_p)
        approx = macro.component_contributions(n, 100 * n / p, agg_n, 100 * agg_n / agg_p)
        diff = (approx[list(parts)] - exact[list(parts)]).abs().max(axis=1)
        worst = max(worst, float(diff.max()))
        calm = diff.drop(index=[q for q in diff.index if q.startswith("2020")])
        assert calm.max() < 0.002
    assert worst < 0.01


def test_growth_excluding_by_hand() -> None:
    """GDP 100 -> 110 over two quarters while the component goes 10 -> 19: it is 9 / 10 = 90%
    of the change; the rest grows 90 -> 91, (91 / 90)^2 - 1 annualized."""
    gdp = pd.Series([100.0, 104.0, 110.0], index=["2024Q4", "2025Q1", "2025Q2"])
    comp = pd.Series([10.0, 12.0, 19.0], index=gdp.index)
    e = macro.growth_excluding(gdp, comp, "2024Q4", "2025Q2")
    assert e.share_of_growth == pytest.approx(0.9)
    assert e.growth_excluding == pytest.approx(100 * ((91 / 90) ** 2 - 1))
    assert e.gdp_growth == pytest.approx(100 * (1.1**2 - 1))
    with pytest.raises(SpecificationError):
        macro.growth_excluding(gdp, comp, "2025Q2", "2024Q4")


def test_runs_and_yoy_by_hand() -> None:
    s = pd.Series([5, 21, 25, 3, 20, 30], index=list("abcdef"), dtype=float)
    r = macro.runs(s, 20)
    assert r[["first", "last", "length"]].to_numpy().tolist() == [["b", "c", 2], ["e", "f", 2]]
    assert r["peak"].tolist() == [25, 30]
    levels = pd.Series(
        [100, 100, 100, 100, 120.0], index=[f"2024Q{i}" for i in range(1, 5)] + ["2025Q1"]
    )
    assert macro.yoy_growth(levels).to_dict() == pytest.approx({"2025Q1": 20.0})


def test_half_year_rejects_bad_labels() -> None:
    frame = pd.DataFrame({"x": [1.0, 3.0]}, index=["2025Q1", "2025Q2"])
    assert macro.half_year(frame, "2025H1")["x"] == 2.0
    for bad in ("2025H3", "2025", "H1"):
        with pytest.raises(SpecificationError):
            macro.half_year(frame, bad)


def test_furman_and_the_speakers_split_from_the_shipped_data() -> None:
    """Furman's 92% and 0.1% come out of BEA's chained-dollar levels; the speakers' 1 pp from
    consumers and 1 pp from business investment hold, the ~2% growth does not (1.6%)."""
    v = gdp.view(load_table("macro"), "2025H1")
    assert round(100 * v.furman_recomputed.share_of_growth) == v.furman_published["share"] == 92
    assert v.furman_recomputed.growth_excluding == pytest.approx(0.1, abs=0.05)
    assert v.split["pce"] == pytest.approx(1.0, abs=0.1)
    assert v.split["business_investment"] == pytest.approx(1.0, abs=0.15)
    assert v.split["gdp_growth"] == pytest.approx(1.6, abs=0.05)
    # BEA's contribution formula gives IT a smaller share than Furman's level arithmetic
    assert v.half_year["ipe_and_software"] / v.half_year["gdp_growth"] < 0.75


def test_it_contribution_matches_beas_published_value_of_the_same_vintage() -> None:
    v = gdp.view(load_table("macro"))
    same = v.published_checks.loc[v.published_checks["source_id"] == "macro_beyondlink_20250925"]
    assert len(same) == 1
    assert same["computed"].iloc[0] == pytest.approx(same["published"].iloc[0], abs=0.02)


def test_shipped_gdp_levels_are_beas_table_of_the_same_vintage(shared_data: Path) -> None:
    module = _scripts()
    folder = shared_data / "bea_nipa_tables_bsvars" / "vintage_2026-05-28"
    nominal = module.read_bea_table(folder / "Table1.1.5.csv").loc[1].astype(float)
    prices = module.read_bea_table(folder / "Table1.1.9.csv").loc[1].astype(float)
    m = load_table("macro")
    for series, bea in (("gdp_nominal_level", nominal), ("gdp_real_level", 100 * nominal / prices)):
        ours = m.loc[m["series"] == series].set_index("period")["value"].astype(float)
        assert len(ours) >= 12
        rel = (ours / bea.reindex(ours.index) - 1).abs()
        assert rel.max() < 2e-4, series


def test_runs_of_it_investment_growth_in_the_shipped_data() -> None:
    """Equipment alone passes 20% over four quarters in 2025; with software it does not."""
    v = gdp.view(load_table("macro"))
    ipe = v.runs_now.loc[v.runs_now["series"] == "info_processing_equipment"]
    assert ipe["first"].iloc[0] == "2025Q1"
    assert v.runs_now.loc[v.runs_now["series"] == "ipe_and_software"].empty
    then = v.then.loc[v.then["series"] == "ipe_real_growth_5yr_avg"].set_index("period")["value"]
    assert (then.astype(float) >= 20).sum() == 2  # 1999 and 2000


def test_share_of_growth_is_left_out_where_growth_is_near_zero() -> None:
    """Where real growth is under 1 pp the IT share of it is missing, not -203%; elsewhere it
    is the contribution over growth."""
    c = gdp.it_contributions(load_table("macro"))
    low = c["gdp_growth"] < gdp.SHARE_MIN_GROWTH
    assert low.any() and (~low).any()
    assert c.loc[low, "ai_related_share"].isna().all()
    high = c.loc[~low]
    assert high["ai_related_share"].to_numpy() == pytest.approx(
        (high["ai_related"] / high["gdp_growth"]).to_numpy()
    )
