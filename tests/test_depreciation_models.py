"""Company inputs, profit sensitivity, the disclosed-effect check and the critics' figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.data import load_table
from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models import depreciation as dep
from bubblewatch.models.depreciation._reference import reference_schedule
from bubblewatch.models.depreciation.critics import life_for_total
from bubblewatch.models.depreciation.disclosures import LIMITS, TOLERANCE, change_effect
from bubblewatch.models.depreciation.inputs import CompanyInputs


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {n: load_table(n) for n in ("financials", "useful_lives", "sources")}


@pytest.fixture(scope="module")
def inputs(tables: dict[str, pd.DataFrame]) -> dict[str, CompanyInputs]:
    return dep.hyperscaler_inputs(tables["financials"], tables["useful_lives"])


def test_life_histories_follow_the_useful_lives_table(inputs: dict[str, CompanyInputs]) -> None:
    assert inputs["Microsoft"].lives.describe() == "3y -> 4y from 2020-07 -> 6y from 2022-07"
    assert inputs["Meta"].lives.life_at("2022-06-30") == 4.5
    assert inputs["Meta"].lives.life_at("2025-02-01") == 5.5
    assert inputs["Amazon"].lives.life_at("2025-06-30") == 5.0


def test_server_share_is_read_from_the_ppe_note(inputs: dict[str, CompanyInputs]) -> None:
    msft = inputs["Microsoft"]
    fy2023 = pd.Timestamp("2023-06-30")
    assert msft.server_share.loc[fy2023] == pytest.approx(74961 / 163892)
    # before the first reported share, the first one applies
    assert msft.server_share.iloc[0] == pytest.approx(msft.server_share_reported.iloc[0])
    assert set(msft.source_ids) >= {"capex", "server_share", "operating_income", "useful_lives"}


def test_sensitivity_identities(inputs: dict[str, CompanyInputs]) -> None:
    r = dep.sensitivity(inputs["Microsoft"], (4.0, 6.0))
    t = r.table.dropna(subset=["operating_income"])
    delta = t["depreciation_reported_lives"] - t["depreciation_4y"]
    assert np.allclose(t["operating_income_4y"], t["operating_income"] + delta)
    eps = t["eps_diluted"] + delta * (1 - t["tax_rate"]) / t["shares_diluted"] * 1000
    assert np.allclose(t["eps_4y"], eps)
    assert np.allclose(
        t["life_change_benefit"], t["depreciation_initial_life"] - t["depreciation_reported_lives"]
    )
    assert r.table["complete_history"].any()
    assert "Microsoft" in r.summary()
    assert r.to_dict()["company"] == "Microsoft"


def test_a_company_that_never_changed_its_life_has_no_benefit(
    inputs: dict[str, CompanyInputs],
) -> None:
    base = inputs["Alphabet"]
    flat = CompanyInputs(
        "Flat",
        dep.LifeHistory(5),
        base.capex,
        base.server_share,
        base.server_share_reported,
        base.income,
        base.periods,
        base.source_ids,
    )
    r = dep.sensitivity(flat, (5.0,))
    assert np.allclose(r.table["life_change_benefit"], 0.0, atol=1e-12)
    assert np.allclose(r.table["operating_income_5y"], r.table["operating_income"], atol=1e-12)


def test_eps_units_by_hand() -> None:
    """With 1,000m shares a $1bn fall in depreciation is $1 a share before tax, so at a 25%
    tax rate EPS moves by exactly 0.75 x the depreciation difference (in USD bn)."""
    ends = pd.date_range("2012-12-31", periods=12, freq="YE")
    capex = pd.Series(np.linspace(5, 60, 12), index=ends)
    income = pd.DataFrame(
        {
            "operating_income": 100.0,
            "net_income": 75.0,
            "eps_diluted": 0.075,
            "shares_diluted": 1000.0,
        },
        index=ends,
    )
    company = CompanyInputs(
        "Synthetic",
        dep.LifeHistory(3),
        capex,
        pd.Series(1.0, index=ends),
        pd.Series(dtype=float),
        income,
        pd.Series([f"FY{d.year}" for d in ends], index=ends),
    )
    t = dep.sensitivity(company, (6.0,), tax=0.25).table
    d3 = reference_schedule(capex, 3.0)["depreciation"]
    d6 = reference_schedule(capex, 6.0)["depreciation"]
    diff = (d3 - d6).reindex(t.index)
    assert np.allclose(t["eps_6y"] - 0.075, 0.75 * diff, atol=1e-12)
    assert np.allclose(t["operating_income_6y"] - 100.0, diff, atol=1e-12)


def test_fixed_tax_rate_and_bad_tax(inputs: dict[str, CompanyInputs]) -> None:
    r = dep.sensitivity(inputs["Meta"], (3.0,), tax=0.21)
    assert (r.table["tax_rate"] == 0.21).all()
    with pytest.raises(SpecificationError):
        dep.sensitivity(inputs["Meta"], (3.0,), tax="statutory")
    with pytest.raises(SpecificationError):
        dep.sensitivity(inputs["Meta"], (3.0,), tax=1.5)


def test_change_effect_equals_an_independent_schedule() -> None:
    """On synthetic data the estimate is the reference twin's difference, to 1e-9."""
    ends = pd.date_range("2014-12-31", periods=10, freq="YE")
    capex = pd.Series(np.linspace(10, 40, 10), index=ends)
    lives = dep.LifeHistory(3, (dep.LifeChange("2020-01-01", 4), dep.LifeChange("2022-01-01", 6)))
    company = CompanyInputs(
        "Synthetic",
        lives,
        capex,
        pd.Series(1.0, index=ends),
        pd.Series(dtype=float),
        pd.DataFrame(index=ends),
        pd.Series([f"FY{d.year}" for d in ends], index=ends),
    )
    before = dep.LifeHistory(3, (dep.LifeChange("2020-01-01", 4),))
    expected = (
        reference_schedule(capex, before).loc["2022-12-31", "depreciation"]
        - reference_schedule(capex, lives).loc["2022-12-31", "depreciation"]
    )
    got = change_effect(company, "2022-01-01", pd.Timestamp("2022-12-31"), anticipated=False)
    assert got == pytest.approx(float(expected), abs=1e-9)


def test_disclosed_effects_are_close_or_explained(
    tables: dict[str, pd.DataFrame], inputs: dict[str, CompanyInputs]
) -> None:
    check = dep.disclosed_effects(tables["useful_lives"], inputs)
    t = check.table
    fy_rows = tables["useful_lives"].dropna(subset=["effect_period"])
    fy_rows = fy_rows.loc[fy_rows["effect_period"].str.startswith("FY")]
    fy_rows = fy_rows.loc[fy_rows["company"].isin(list(inputs))]
    assert len(t) == len(fy_rows)
    off = t.loc[t["relative_error"].abs() > TOLERANCE]
    assert set(off["company"]) <= set(LIMITS)
    assert (off["explanation"].str.len() > 40).all()
    for company in ("Microsoft", "Alphabet", "Oracle"):
        rows = t.loc[t["company"] == company]
        assert (rows["relative_error"].abs() <= TOLERANCE).all(), rows
    assert set(t["basis"]) == {"realized", "anticipated"}
    assert "within 35%" in check.summary()


def test_understatement_grid_moves_the_right_way(
    tables: dict[str, pd.DataFrame], inputs: dict[str, CompanyInputs]
) -> None:
    u = dep.understatement(tables["financials"], inputs)
    grid = u.grid.to_numpy()
    assert (np.diff(grid, axis=0) < 0).all()  # longer true life, less understated
    assert (np.diff(grid, axis=1) > 0).all()  # more capex, more understated
    assert u.total == pytest.approx(u.grid.loc[3.0, 0.0])
    assert set(u.by_company.index.get_level_values(0)) == set(inputs)


def test_life_for_total_round_trips(
    tables: dict[str, pd.DataFrame], inputs: dict[str, CompanyInputs]
) -> None:
    target = dep.understatement(tables["financials"], inputs, true_life=2.5).total
    assert life_for_total(tables["financials"], inputs, target) == pytest.approx(2.5)


def test_missing_inputs_give_typed_errors(tables: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(DataError, match="capex"):
        dep.company_inputs(tables["financials"], tables["useful_lives"], "Nobody")
    fin = tables["financials"]
    no_note = fin.loc[~fin["metric"].str.startswith("ppe_")]
    with pytest.raises(DataError, match="server_share"):
        dep.company_inputs(no_note, tables["useful_lives"], "Meta")
    assert (
        dep.company_inputs(no_note, tables["useful_lives"], "Meta", server_share=0.5)
        .server_share.eq(0.5)
        .all()
    )
