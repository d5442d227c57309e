"""GW conversions and the demand-versus-build gap."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.data import load_table
from bubblewatch.errors import SpecificationError
from bubblewatch.models import power


def test_conversion_by_hand() -> None:
    """0.7 kW TDP x (10.2 kW / 8 / 0.7) server overhead x 1.3 PUE = 1.6575 kW per H100 at the
    meter, so a GW holds 1e6 / 1.6575 = 603,318 of them, $30.2bn at $50,000 each."""
    c = power.conversion(load_table("accelerators"))
    assert c.kw_per_accelerator == pytest.approx(10.2 / 8 * 1.3)
    assert c.accelerators_per_gw == pytest.approx(1e6 / 1.6575)
    assert c.gw_to_capex_usd_bn(1.0) == pytest.approx(1e6 / 1.6575 * 50_000 / 1e9)
    assert c.accelerators_to_gw(c.gw_to_accelerators(3.0)) == pytest.approx(3.0)
    assert power.conversion(
        load_table("accelerators"), {"pue": 1.0}
    ).kw_per_accelerator == pytest.approx(10.2 / 8)


def test_gap_by_hand() -> None:
    """Demand rises from 40 to 130 GW over 2025-2030 (18 a year) while 10 GW a year is built:
    8 GW short each year, 40 GW short by 2030."""
    g = power.gap(base_year=2025, base_gw=40, target_year=2030, target_gw=130, build_gw_per_year=10)
    assert g.table["annual_gap_gw"].iloc[1:].tolist() == pytest.approx([8.0] * 5)
    assert g.cumulative_shortfall == pytest.approx(40)
    with pytest.raises(SpecificationError):
        power.gap(base_year=2030, base_gw=40, target_year=2025, target_gw=130, build_gw_per_year=10)
    with pytest.raises(SpecificationError):
        power.gap(base_year=2025, base_gw=-1, target_year=2030, target_gw=130, build_gw_per_year=10)


def test_forecasts_come_with_sources() -> None:
    f = power.forecasts(load_table("power"))
    assert len(f) >= 2 and f["source_id"].str.len().gt(0).all()


def _toy() -> pd.DataFrame:
    cols = ["series_id", "publisher_short", "entity", "metric", "year", "value"]
    cols += ["value_low", "value_high", "unit", "kind", "source_id"]
    rows = [
        ("a_base", "A", "US data centers", "capacity_installed", "2025", 60, None, None, "gw", "actual", "s1"),
        ("b_base", "B", "US data centers", "capacity_installed", "2025", 40, None, None, "gw", "actual", "s2"),
        ("old", "Z", "US data centers", "capacity_installed", "2023", 10, None, None, "gw", "actual", "s3"),
        ("a_2030", "A", "US data centers", "capacity_demand", "2030", 135, None, None, "gw", "forecast", "s1"),
        ("c_2028", "C", "US data centers", "capacity_demand", "2028", None, 74, 131, "gw", "forecast", "s4"),
        ("d_5yr", "D", "US data centers", "capacity_demand_growth_5yr", "2030", 90, None, None, "gw", "forecast", "s5"),
        ("e_6yr", "E", "US data centers", "capacity_demand_growth_6yr", "2030", None, 48, None, "gw", "forecast", "s6"),
        ("pjm", "F", "PJM data centers", "capacity_demand", "2030", 31, None, None, "gw", "forecast", "s7"),
        ("built", "G", "US data centers", "capacity_added", "2025", 8, None, None, "gw", "actual", "s8"),
        ("plan", "G", "US data centers", "capacity_added_planned", "2026", 19, None, None, "gw", "forecast", "s8"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def test_paths_by_hand() -> None:
    """A: (135 - 60) / 5 = 15 a year from its own base. C has no base of its own, so it starts
    from the mean of 2025's figures, (60 + 40) / 2 = 50: (74 - 50) / 3 = 8 and (131 - 50) / 3 =
    27. D: 90 / 5 = 18. E: 48 / 6 = 8. PJM is not national and the planned 19 GW is not a build."""
    t = _toy()
    assert power.base_capacity(t) == (2025, 50.0, ("s1", "s2"))
    d = power.demand_paths(t)
    assert {k: v.gw_per_year for k, v in d.items()} == pytest.approx(
        {"a_2030": 15.0, "c_2028-low": 8.0, "c_2028-high": 27.0, "d_5yr": 18.0, "e_6yr-low": 8.0}
    )
    assert d["c_2028-low"].source_ids == ("s4", "s1", "s2")
    s = power.supply_paths(t)
    assert list(s) == ["built"] and s["built"].gw_per_year == 8.0


def test_scenario_grid_by_hand() -> None:
    """D grows 18 a year against 8 built: 10 short a year, 50 by 2030, and at 1.6575 kW per
    accelerator 10 GW is 6.03 million of them."""
    o = power.outlook(_toy(), load_table("accelerators"), demand=["d_5yr"], build_gw=[8.0, 20.0])
    g = o.grid.set_index("supply")
    assert g.loc["build-8gw", "annual_gap_gw"] == pytest.approx(10.0)
    assert g.loc["build-8gw", "shortfall_2030_gw"] == pytest.approx(50.0)
    assert g.loc["build-20gw", "shortfall_2030_gw"] == pytest.approx(-10.0)
    assert g.loc["build-8gw", "annual_gap_accelerators_m"] == pytest.approx(10e6 / 1.6575 / 1e6)
    assert g.loc["build-8gw", "sources"] == "s5"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"demand": ["nope"]},
        {"supply": ["nope"]},
        {"build_gw": [-1.0]},
        {"build_gw": [float("nan")]},
        {"through": 2025},
        {"overrides": {"pue": 0.9}},
    ],
)
def test_outlook_rejects_impossible_requests(kwargs: dict) -> None:
    with pytest.raises((SpecificationError,)):
        power.outlook(_toy(), load_table("accelerators"), **kwargs)


def test_shipped_paths_are_sourced() -> None:
    o = power.outlook(load_table("power"), load_table("accelerators"))
    known = set(load_table("sources")["source_id"])
    assert len(o.demand) >= 5 and len(o.supply) >= 3
    for p in (*o.demand.values(), *o.supply.values()):
        assert p.source_ids and set(p.source_ids) <= known, p.name


def test_power_params_defaults_and_bounds() -> None:
    """The ``power`` argument's knobs: every sourced path and the sourced conversion by default;
    ids and rates as comma-separated text; a value out of range names its knob."""
    from bubblewatch.arguments.power import PowerParams
    from bubblewatch.models.gpu.assumptions import BOUNDS

    p = PowerParams()
    assert (p.ids("scenario"), p.ids("supply"), p.build_rates(), p.overrides()) == ([], [], [], {})
    assert p.through == 2030
    q = PowerParams.from_assignments(["scenario=a, b", "build=8,12.5", "pue=1.2"])
    assert isinstance(q, PowerParams)
    assert q.ids("scenario") == ["a", "b"] and q.build_rates() == [8.0, 12.5]
    assert q.overrides() == {"pue": 1.2}
    rows = {r["name"]: r for r in PowerParams.knobs()}
    assert (rows["pue"]["low"], rows["pue"]["high"]) == BOUNDS["pue"]
    for assignment, knob in (
        ("through=2200", "through"),
        ("pue=0.5", "pue"),
        ("gpu_tdp_kw=nan", "gpu_tdp_kw"),
        ("build=8;12", "build"),
        ("build=nan", "build"),
        ("scenario=a;b", "scenario"),
    ):
        with pytest.raises(SpecificationError, match=f"power knob {knob}="):
            PowerParams.from_assignments([assignment])


def test_power_analysis_calls_the_outlook_once() -> None:
    """The argument computes one outlook per params set; the section and the checks share it."""
    from unittest import mock

    from bubblewatch.arguments import Session
    from bubblewatch.data import SCHEMAS

    session = Session({n: load_table(n) for n in SCHEMAS if n != "series"})
    with mock.patch.object(power, "outlook", wraps=power.outlook) as outlook:
        r = session.result("power")
        assert session.result("power") is r and outlook.call_count == 1
    o = r.detail.outlook
    assert r.figure("Cumulative shortfall by 2030").value == pytest.approx(
        float(o.grid[o.shortfall_column].median())
    )
    assert r.key_figure.claim_id == "C33"
    assert r.detail.debate.to_dict() == {
        "build_gw_per_year": [8.0, 12.0],
        "gap_gw_per_year": [10.0, 20.0],
        "shortfall_gw": [50.0, 100.0],
        "shortfall_year": 2030,
    }
