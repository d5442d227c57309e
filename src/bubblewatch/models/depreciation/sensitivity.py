"""Operating income and EPS of a hyperscaler under its reported server lives and alternatives.

For fiscal year :math:`y`, with :math:`D^{rep}_y` the model's server depreciation under the
company's life history and :math:`D^{L}_y` the same capex depreciated over a constant life
of :math:`L` years from the start,

.. math::

    OI^{L}_y = OI_y + D^{rep}_y - D^{L}_y, \\qquad
    EPS^{L}_y = EPS_y + \\frac{(D^{rep}_y - D^{L}_y)(1 - \\tau_y)}{S_y},

where :math:`OI` and :math:`EPS` are reported operating income and diluted EPS, :math:`S`
diluted shares and :math:`\\tau` the effective tax rate (reported tax over pretax income, or
a rate the user sets). The *life-change benefit* is :math:`B_y = D^{0}_y - D^{rep}_y` with
:math:`D^0` the depreciation had the company kept its initial life; the share of
operating-income growth from the life changes between years :math:`a` and :math:`b` is
:math:`(B_b - B_a) / (OI_b - OI_a)`.

Years are reported once the capex history covers the company's initial server life;
``complete_history`` marks the years whose history also covers the longest life compared
(earlier years miss assets bought before the data begin). The growth share uses the
complete years where there are at least two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models.depreciation.inputs import CompanyInputs, effective_tax_rate
from bubblewatch.models.depreciation.schedule import schedule

DEFAULT_LIVES = (3.0, 4.0, 5.0, 6.0)
USD_BN_PER_M_SHARES = 1000.0
"""USD bn divided by millions of shares gives USD per share times 1000."""


def _label(years: float) -> str:
    return f"{years:g}y"


@dataclass(frozen=True)
class ProfitSensitivity:
    """One company's income under its reported lives and each alternative life, by fiscal year."""

    company: str
    lives: tuple[float, ...]
    table: pd.DataFrame
    tax: str | float
    inputs: CompanyInputs

    @property
    def growth_span(self) -> tuple[str, str, bool]:
        """(first period, last period, whether both have a complete capex history)."""
        t = self.table.dropna(subset=["operating_income"])
        complete = int(t["complete_history"].sum()) >= 2
        if complete:
            t = t.loc[t["complete_history"]]
        return str(t["period"].iloc[0]), str(t["period"].iloc[-1]), complete

    @property
    def growth_share(self) -> float:
        """Share of operating-income growth, first to last reported year, from life changes."""
        t = self.table.dropna(subset=["operating_income"])
        if int(t["complete_history"].sum()) >= 2:
            t = t.loc[t["complete_history"]]
        if len(t) < 2:
            return float("nan")
        d_oi = t["operating_income"].iloc[-1] - t["operating_income"].iloc[0]
        d_b = t["life_change_benefit"].iloc[-1] - t["life_change_benefit"].iloc[0]
        return float(d_b / d_oi) if d_oi != 0 else float("nan")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for idx, row in self.table.iterrows():
            rec: dict[str, Any] = {"fiscal_year_end": f"{idx:%Y-%m-%d}"}
            for k, v in row.items():
                if isinstance(v, str):
                    rec[str(k)] = v
                else:
                    rec[str(k)] = None if pd.isna(v) else float(v)
            rows.append(rec)
        return {
            "company": self.company,
            "lives_reported": self.inputs.lives.describe(),
            "alternative_lives": list(self.lives),
            "tax_rate": self.tax,
            "growth_share": None if np.isnan(self.growth_share) else self.growth_share,
            "years": rows,
            "inputs": self.inputs.to_dict(),
        }

    def summary(self) -> str:
        t = self.table.dropna(subset=["operating_income"])
        if t.empty:
            return f"{self.company}: no reported operating income in the modelled years."
        last = t.iloc[-1]
        parts = [
            f"{self.company} {last['period']}: operating income ${last['operating_income']:,.1f}bn "
            f"reported (lives {self.inputs.lives.describe()}); life changes add "
            f"${last['life_change_benefit']:,.1f}bn ({last['benefit_share_of_oi']:.1%} of it)."
        ]
        for years in self.lives:
            parts.append(
                f"  with {years:g}-year lives: ${last[f'operating_income_{_label(years)}']:,.1f}bn"
                + (
                    f", EPS ${last[f'eps_{_label(years)}']:,.2f} vs ${last['eps_diluted']:,.2f}"
                    if "eps_diluted" in t and not pd.isna(last.get("eps_diluted"))
                    else ""
                )
            )
        if not np.isnan(self.growth_share):
            first, final, complete = self.growth_span
            parts.append(
                f"  share of operating-income growth {first}-{final} from life changes: "
                f"{self.growth_share:.1%}"
                + ("" if complete else " (capex history shorter than the longest life)")
            )
        return "\n".join(parts)

    def figure(self) -> go.Figure:
        t = self.table.dropna(subset=["operating_income"])
        fig = go.Figure()
        fig.add_trace(
            go.Scatter(x=t["period"], y=t["operating_income"], name="reported", line={"width": 3})
        )
        for years in self.lives:
            fig.add_trace(
                go.Scatter(
                    x=t["period"],
                    y=t[f"operating_income_{_label(years)}"],
                    name=f"{years:g}-year lives",
                    line={"dash": "dot"},
                )
            )
        fig.update_layout(
            template="plotly_white",
            title=f"{self.company}: operating income under alternative server lives (USD bn)",
            height=420,
        )
        return fig


def sensitivity(
    inputs: CompanyInputs,
    lives: Sequence[float] = DEFAULT_LIVES,
    *,
    tax: str | float = "effective",
    through: Any = None,
) -> ProfitSensitivity:
    """Income under the reported lives and each constant alternative in ``lives``.

    ``tax`` is ``"effective"`` (reported tax / pretax income, year by year) or a rate.
    ``through`` extends the schedule past the last capex year (no further capex).
    """
    lives = tuple(float(x) for x in lives)
    if not lives:
        raise SpecificationError("give at least one alternative life")
    capex = inputs.server_capex
    reported = schedule(capex, inputs.lives, through=through)
    constant: dict[float, pd.Series] = {}

    def depreciation(years: float) -> pd.Series:
        """Depreciation over one constant life, each life scheduled once."""
        if years not in constant:
            constant[years] = schedule(capex, years, through=through).depreciation
        return constant[years]

    table = pd.DataFrame(
        {
            "period": inputs.periods.reindex(reported.annual.index),
            "capex": inputs.capex.reindex(reported.annual.index),
            "server_share": inputs.server_share.reindex(reported.annual.index),
            "server_capex": reported.annual["capex"],
            "depreciation_reported_lives": reported.depreciation,
            "depreciation_initial_life": depreciation(inputs.lives.initial_years),
        }
    )
    table["period"] = table["period"].fillna(
        pd.Series([f"FY{d.year}" for d in table.index], index=table.index)
    )
    for years in lives:
        table[f"depreciation_{_label(years)}"] = depreciation(years)
    table["life_change_benefit"] = (
        table["depreciation_initial_life"] - table["depreciation_reported_lives"]
    )
    income = inputs.income.reindex(table.index)
    for col in ("operating_income", "net_income", "eps_diluted", "shares_diluted"):
        table[col] = income.get(col, np.nan)
    if isinstance(tax, str):
        if tax != "effective":
            raise SpecificationError("tax must be 'effective' or a rate between 0 and 1")
        table["tax_rate"] = effective_tax_rate(inputs).reindex(table.index)
    else:
        if not 0 <= float(tax) < 1:
            raise SpecificationError("tax must be 'effective' or a rate between 0 and 1")
        table["tax_rate"] = float(tax)
    for years in lives:
        lab = _label(years)
        delta = table["depreciation_reported_lives"] - table[f"depreciation_{lab}"]
        table[f"operating_income_{lab}"] = table["operating_income"] + delta
        table[f"eps_{lab}"] = (
            table["eps_diluted"]
            + delta * (1 - table["tax_rate"]) / table["shares_diluted"] * USD_BN_PER_M_SHARES
        )
    table["benefit_share_of_oi"] = table["life_change_benefit"] / table["operating_income"]
    needed = int(
        np.ceil(max(*lives, inputs.lives.initial_years, *[c.years for c in inputs.lives.changes]))
    )
    history = np.array([d.year for d in table.index]) - inputs.capex.index.min().year
    table["complete_history"] = history >= needed
    table = table.loc[history >= int(np.ceil(inputs.lives.initial_years))]
    if table.empty:
        raise DataError(f"{inputs.company}: capex history too short for its initial server life")
    return ProfitSensitivity(inputs.company, lives, table, tax, inputs)
