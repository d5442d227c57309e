"""GPU economics: running cost, value in use, price paths, defaults and the fleet cascade."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.data import load_table
from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models.gpu import (
    Assumption,
    FleetScenario,
    Tier,
    accelerator_life,
    explicit_path,
    fit_trend,
    flat_path,
    generational_path,
    override,
    running_cost,
    simulate,
)
from bubblewatch.models.gpu.defaults import (
    default_assumptions,
    default_fleet,
    gpu_life,
    rental_quotes,
)
from bubblewatch.models.gpu.economics import matched_life, straight_line, value_in_use

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "epoch_hardware_prices"


def _a(**values: float) -> dict[str, Assumption]:
    base = {
        "purchase_usd": 10_000.0,
        "gpu_tdp_kw": 1.0,
        "server_overhead": 1.0,
        "load_factor": 1.0,
        "pue": 1.0,
        "electricity_usd_per_kwh": 0.1,
        "facility_usd_per_kw_month": 0.0,
        "other_opex_share": 0.0,
        "utilisation": 1.0,
        "discount_rate": 0.0,
    }
    base.update(values)
    return {k: Assumption(k, v, "", k) for k, v in base.items()}


@pytest.fixture(scope="module")
def accel() -> pd.DataFrame:
    return load_table("accelerators")


def test_running_cost_by_hand() -> None:
    """1 kW x 1.5 overhead x 0.5 load x 1.2 PUE x 8760 h x $0.10 = $788.40 of power;
    12 x 1.5 kW x $100 = $1,800 of facility; 2% of $10,000 = $200 other: $2,788.40."""
    a = _a(
        server_overhead=1.5,
        load_factor=0.5,
        pue=1.2,
        facility_usd_per_kw_month=100.0,
        other_opex_share=0.02,
    )
    assert running_cost(a) == pytest.approx(788.4 + 1800.0 + 200.0)


def test_value_in_use_by_hand() -> None:
    """Margins 10, 10, -5 at 0%: retiring after year 2 is optimal, V = 20, 10, 0, 0.
    At 10%: V3 = 0, V2 = 10/1.1, V1 = (10 + V2)/1.1."""
    assert value_in_use(np.array([10.0, 10.0, -5.0]), 0.0) == pytest.approx([20, 10, 0, 0])
    v2 = 10 / 1.1
    assert value_in_use(np.array([10.0, 10.0, -5.0]), 0.1) == pytest.approx(
        [(10 + v2) / 1.1, v2, 0, 0]
    )


def test_cash_breakeven_and_curve() -> None:
    """Cost: 1 kW at $0.10 for 8760 h = $876 a year, i.e. $0.10 an hour of rent."""
    life = accelerator_life(explicit_path([0.3, 0.2, 0.15, 0.05], 6), _a())
    assert life.cash_breakeven_year == 4
    assert life.table["value_in_use"].iloc[3:].eq(0).all()
    assert life.table["economic_book_share"].iloc[0] == 1.0
    flat = accelerator_life(flat_path(1.0, 5), _a())
    assert flat.cash_breakeven_year is None
    assert flat.npv == pytest.approx(5 * (8760 - 876) - 10_000)


def test_matched_life_recovers_a_straight_line() -> None:
    assert matched_life(straight_line(5.0, 10)) == 5.0
    assert matched_life(straight_line(3.5, 10)) == 3.5


def test_fit_trend_recovers_a_known_decline() -> None:
    dates = pd.to_datetime(["2023-01-01", "2024-01-01", "2025-01-01", "2026-01-01"])
    years = dates.year + (dates.day_of_year - 1) / 365.25
    values = 4.0 * np.exp(-0.2 * (years - 2023))
    trend = fit_trend(pd.DataFrame({"date": dates, "value": values, "source_id": "s"}))
    assert trend.slope == pytest.approx(-0.2, abs=1e-12)
    assert trend.price_at("2023-01-01") == pytest.approx(4.0, rel=1e-12)
    with pytest.raises(DataError):
        fit_trend(pd.DataFrame({"date": dates[:2], "value": [1.0, 2.0], "source_id": "s"}))


def test_generational_path_halves_per_doubling_time() -> None:
    path = generational_path(4.0, 3, cadence_years=2.0, cost_per_compute_gain=2.0)
    assert path.prices == pytest.approx(4.0 * 2.0 ** (-(np.arange(1, 4) - 0.5) / 2.0))
    with pytest.raises(SpecificationError):
        generational_path(4.0, 3, cadence_years=0.0, cost_per_compute_gain=2.0)


def test_defaults_are_sourced_or_scenario(accel: pd.DataFrame) -> None:
    sources = set(load_table("sources")["source_id"])
    a = default_assumptions(accel)
    for item in a.values():
        assert item.source_id is None or item.source_id in sources
    assert a["gpu_tdp_kw"].value == pytest.approx(0.7)
    assert a["server_overhead"].value == pytest.approx(10.2 / 8 / 0.7)
    assert a["utilisation"].origin == "scenario choice"
    changed = override(a, {"pue": 1.5})
    assert changed["pue"].value == 1.5 and changed["pue"].source_id is None
    with pytest.raises(SpecificationError, match="unknown assumption"):
        override(a, {"bogus": 1.0})


def test_gpu_life_paths(accel: pd.DataFrame) -> None:
    observed = gpu_life(accel)
    generational = gpu_life(accel, price_path="generational")
    flat = gpu_life(accel, price_path="flat")
    # the generational path falls faster than the observed trend, so it earns less
    assert generational.value_at_purchase < observed.value_at_purchase < flat.value_at_purchase
    assert generational.cash_breakeven_year is not None
    assert observed.path.source_ids
    with pytest.raises(SpecificationError):
        gpu_life(accel, price_path="explicit")
    with pytest.raises(SpecificationError):
        gpu_life(accel, price_path="nonsense")


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is absent in a user's checkout")
def test_shipped_quotes_match_epoch_dataset(accel: pd.DataFrame) -> None:
    """Each quote cited from Epoch AI's hardware-price dataset is in that dataset."""
    epoch = pd.read_csv(SHARED / "Hardware prices.csv")
    epoch["date"] = pd.to_datetime(epoch["Price date"], errors="coerce")
    price = epoch["Price per chip-hour (on-demand)"]
    quotes = accel.loc[
        (accel["source_id"] == "gpu_epoch_hardware_prices")
        & (accel["metric"] == "rental_usd_per_gpu_hour")
    ]
    assert len(quotes) >= 15
    for q in quotes.itertuples():
        same = epoch.loc[
            (epoch["date"] == q.date)
            & epoch["Hardware model"].astype(str).str.contains(q.item.split()[0])
            & np.isclose(price.astype(float), q.value)
        ]
        assert not same.empty, q


def test_fleet_by_hand() -> None:
    """One tier, no price decline, rent 1 $/h at full use = $8,760 a year against $1,000:
    nothing is ever retired and the fleet runs at 100%."""
    s = FleetScenario(
        start_year=2020,
        end_year=2024,
        first_purchase=10,
        purchase_growth=0.0,
        initial_price=1.0,
        compute_price_decline=0.0,
        compute_growth=0.0,
        running_cost=1000.0,
        running_cost_growth=0.0,
        tiers=(Tier("all", 0, 1.0, 1.0),),
    )
    r = simulate(s)
    assert r.years["units"].tolist() == [10, 20, 30, 40, 50]
    assert r.years["revenue_usd"].iloc[0] == pytest.approx(10 * 8760)
    assert np.isnan(r.economic_life)


@settings(max_examples=40, deadline=None)
@given(
    decline=st.floats(0.0, 0.6),
    growth=st.floats(0.0, 1.0),
    cost=st.floats(100.0, 20_000.0),
)
def test_fleet_invariants(decline: float, growth: float, cost: float) -> None:
    s = FleetScenario(compute_price_decline=decline, compute_growth=growth, running_cost=cost)
    r = simulate(s)
    used = r.years["utilisation"].dropna()
    assert ((used >= 0) & (used <= 1)).all()
    retired = r.years["retired_units"].cumsum()
    bought = r.vintages["units"].groupby(level=0).sum().cumsum().reindex(r.years.index).ffill()
    assert np.allclose(r.years["units"] + retired, bought)
    assert (r.years["cash_margin_usd"] >= -1e-6).all()  # a GPU runs only while it pays


def test_default_fleet_reads_the_table(accel: pd.DataFrame) -> None:
    scenario, inputs = default_fleet(accel)
    assert scenario.running_cost == pytest.approx(running_cost(default_assumptions(accel)))
    assert inputs["compute_growth"].source_id == "gpu_lockwood_b200"
    with pytest.raises(SpecificationError):
        default_fleet(accel, nonsense=1)
    assert len(rental_quotes(accel)) >= 15
