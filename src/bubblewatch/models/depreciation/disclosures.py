"""The engine's estimate of each disclosed useful-life effect, made without fitting to it.

For a change of life taking effect on date :math:`e` in fiscal year :math:`Y`, the estimate
is the depreciation the company would have charged in :math:`Y` had the change not been
made, less what it charged with it:

.. math:: \\hat E = D_Y(\\text{history before } e) - D_Y(\\text{history through } e),

computed on server capex (capex times the PP&E-note server share). A company that states
the effect *anticipated* for the assets in service at the change (in the prior year's 10-K)
is compared with the estimate on the tranches bought before :math:`e` only; a *realized*
effect (in the year's own 10-K) with the estimate on all tranches, those bought during the
year included. Where a company discloses only the operating-income effect, that is the
pre-tax depreciation effect (the server depreciation sits in operating expenses).

Nothing here is tuned to the disclosed figures: the capex, the shares and the lives are
read from the dataset, and the disclosed effect is only compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bubblewatch.errors import DataError
from bubblewatch.models.depreciation.inputs import CompanyInputs
from bubblewatch.models.depreciation.schedule import LifeHistory, month_index, schedule

TOLERANCE = 0.35
"""Estimates within 35% of the disclosed figure count as close."""

LIMITS: dict[str, str] = {
    "Amazon": (
        "Amazon's PP&E note puts servers in one 'Equipment' line with heavy and fulfillment "
        "equipment, so the share read from it overstates server capex; its 2025 shortening "
        "covers an undisclosed subset of servers, while the model applies it to all."
    ),
    "Meta": (
        "Meta's gross server share (about 0.33-0.42) is a stock share that mixes old and new "
        "capex; its data-centre buildings and construction in progress swing it from year to "
        "year, so it misstates the servers' share of the capex each change acts on (too low "
        "for the 2024-25 build-out, too high for 2022)."
    ),
}
"""Why the public data cannot get closer, by company, shown beside estimates off by more
than :data:`TOLERANCE`."""


def basis_of(asset_class: str) -> str:
    """'anticipated' for effects stated ahead for assets in service, else 'realized'."""
    return "anticipated" if "anticipated" in asset_class.lower() else "realized"


def change_effect(
    inputs: CompanyInputs,
    effective: Any,
    fiscal_year_end: Any,
    *,
    anticipated: bool,
    through: Any = None,
) -> float:
    """Estimated fall in depreciation in the fiscal year from the change on ``effective``.

    ``through`` extends the change to later steps whose effect the company reports together
    with this one (Meta's two 2022 steps); by default only the change on ``effective``.
    """
    last = month_index(effective if through is None else through)
    with_change = LifeHistory(
        inputs.lives.initial_years,
        tuple(c for c in inputs.lives.changes if month_index(c.effective) <= last),
    )
    without = inputs.lives.without_changes_from(effective)
    capex = inputs.server_capex
    if pd.Timestamp(fiscal_year_end) > capex.index.max():
        raise DataError(
            f"{inputs.company}: no capex for the fiscal year ending {fiscal_year_end:%Y-%m-%d}"
        )
    cut = effective if anticipated else None
    before = schedule(capex, without, through=fiscal_year_end, acquired_before=cut)
    after = schedule(capex, with_change, through=fiscal_year_end, acquired_before=cut)
    year = pd.Timestamp(fiscal_year_end)
    return float(before.depreciation.loc[year] - after.depreciation.loc[year])


@dataclass(frozen=True)
class DisclosureCheck:
    """Estimated against disclosed effects, one row per disclosed change (USD bn, pre-tax)."""

    table: pd.DataFrame

    @property
    def within_tolerance(self) -> float:
        """Share of rows whose absolute relative error is at most :data:`TOLERANCE`."""
        return float((self.table["relative_error"].abs() <= TOLERANCE).mean())

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "tolerance": TOLERANCE,
            "within_tolerance": self.within_tolerance,
            "rows": [
                {k: (None if pd.isna(v) else v) for k, v in rec.items()}
                for rec in self.table.assign(
                    effective_date=self.table["effective_date"].dt.strftime("%Y-%m-%d")
                ).to_dict(orient="records")
            ],
        }

    def summary(self) -> str:
        lines = [
            f"{'change':<14}{'basis':<12}{'lives':<10}{'disclosed':>10}{'estimate':>10}{'error':>8}"
        ]
        for r in self.table.itertuples():
            lines.append(
                f"{r.change_id:<14}{r.basis:<12}{r.old_years:g}->{r.new_years:g}".ljust(36)
                + f"{r.disclosed_usd_bn:>10.2f}{r.estimate_usd_bn:>10.2f}{r.relative_error:>8.0%}"
            )
        lines.append(f"within {TOLERANCE:.0%}: {self.within_tolerance:.0%} of rows")
        return "\n".join(lines)


_EFFECTS = (
    "effect_depreciation_usd_bn",
    "effect_operating_income_usd_bn",
    "effect_net_income_usd_bn",
)


def _folded_steps(useful_lives: pd.DataFrame, rec: Any, fiscal_year_end: pd.Timestamp) -> Any:
    """The last later change in the same fiscal year that has no effect of its own, if any.

    A company that makes two steps in one year and states one combined effect (the second
    step's row carries no figure) is compared with both steps together.
    """
    start = pd.Timestamp(rec.effective_date)
    same = useful_lives.loc[
        (useful_lives["company"] == rec.company)
        & (pd.to_datetime(useful_lives["effective_date"]) > start)
        & (pd.to_datetime(useful_lives["effective_date"]) <= fiscal_year_end)
    ]
    silent = same.groupby("change_id").filter(lambda g: g[list(_EFFECTS)].isna().all().all())
    if silent.empty:
        return None
    return pd.to_datetime(silent["effective_date"]).max()


def disclosed_effects(
    useful_lives: pd.DataFrame, inputs: Mapping[str, CompanyInputs]
) -> DisclosureCheck:
    """Every fiscal-year disclosed effect in ``useful_lives`` beside the engine's estimate.

    Rows for companies without inputs, and effects stated for a quarter, are left out (each
    quarterly effect in the dataset has a fiscal-year row for the same change).
    """
    rows = []
    for rec in useful_lives.itertuples():
        if rec.company not in inputs or not isinstance(rec.effect_period, str):
            continue
        if not rec.effect_period.startswith("FY"):
            continue
        disclosed = rec.effect_depreciation_usd_bn
        measure = "depreciation"
        if pd.isna(disclosed):
            disclosed, measure = rec.effect_operating_income_usd_bn, "operating income"
        if pd.isna(disclosed):
            continue
        company = inputs[rec.company]
        fy = company.periods.loc[company.periods == rec.effect_period]
        if fy.empty:
            continue
        basis = basis_of(str(rec.asset_class))
        folded = _folded_steps(useful_lives, rec, fy.index[0])
        estimate = change_effect(
            company,
            rec.effective_date,
            fy.index[0],
            anticipated=basis == "anticipated",
            through=folded,
        )
        rows.append(
            {
                "change_id": rec.change_id,
                "company": rec.company,
                "basis": basis,
                "old_years": float(rec.old_years),
                "new_years": float(rec.new_years),
                "effective_date": pd.Timestamp(rec.effective_date),
                "period": rec.effect_period,
                "measure": measure,
                "disclosed_usd_bn": float(disclosed),
                "estimate_usd_bn": estimate,
                "relative_error": estimate / float(disclosed) - 1.0,
                "explanation": ""
                if abs(estimate / float(disclosed) - 1.0) <= TOLERANCE
                else LIMITS.get(str(rec.company), "no explanation recorded"),
                "source_id": rec.source_id,
            }
        )
    if not rows:
        raise DataError("no disclosed useful-life effects to check")
    return DisclosureCheck(pd.DataFrame(rows))
