"""GW conversions and the demand-versus-build gap."""

from __future__ import annotations

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
