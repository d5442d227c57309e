"""The critics' headline: depreciation understated by longer server lives, 2026-2028.

Michael Burry (X post of 2025-11-10, reported by CNBC) put the hyperscalers' understated
depreciation at about $176bn over 2026-2028, on the premise that servers follow NVIDIA's
2-3 year product cycle; he published no method. This module rebuilds such a figure from
stated assumptions so that each can be moved:

.. math:: U = \\sum_{c} \\sum_{y \\in Y} \\left(D^{L^*}_{c,y} - D^{rep}_{c,y}\\right),

where :math:`D^{rep}` is server depreciation under company :math:`c`'s life history (its
current life carried forward) and :math:`D^{L^*}` the same capex depreciated over a "true"
life :math:`L^*` from the start. Capex after the last reported year is the company's guidance
midpoint for the next fiscal year, then grows at ``capex_growth`` a year; the server share
stays at its last reported value. Fiscal years are the companies' own (Microsoft to June,
Oracle to May).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.units import usd_bn
from bubblewatch.errors import DataError, SpecificationError
from bubblewatch.models.depreciation.inputs import CompanyInputs
from bubblewatch.models.depreciation.schedule import months_of_life, schedule

YEARS = (2026, 2027, 2028)
TRUE_LIVES = (2.0, 2.5, 3.0, 4.0, 5.0)
GROWTHS = (-0.2, 0.0, 0.2, 0.4)
GUIDANCE_METRICS = ("capex_guidance_low", "capex_guidance_high")
"""The ``financials`` metrics whose midpoint is a company's next-year capex."""


def guidance_midpoint(financials: pd.DataFrame, company: str) -> tuple[str, float, tuple[str, ...]]:
    """(period, capex guidance midpoint in USD bn, source ids) for ``company``."""
    rows = financials.loc[
        (financials["entity"] == company) & financials["metric"].isin(GUIDANCE_METRICS)
    ]
    if rows.empty:
        raise DataError(f"no capex guidance for {company!r}")
    value = float(np.mean(usd_bn(rows)))
    return str(rows["period"].iloc[0]), value, tuple(dict.fromkeys(rows["source_id"]))


def projected_capex(
    inputs: CompanyInputs, guidance: float, last_year: int, capex_growth: float
) -> pd.Series:
    """Server capex by fiscal-year end: reported, then guidance, then growth to ``last_year``."""
    capex = inputs.server_capex.copy()
    share = float(inputs.server_share.iloc[-1])
    end = capex.index[-1]
    value = guidance
    while end.year < last_year:
        end = end + pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)
        capex.loc[end] = value * share
        value *= 1 + capex_growth
    return capex.sort_index()


Guidance = Mapping[str, tuple[str, float, tuple[str, ...]]]
"""Per company, what :func:`guidance_midpoint` returns: (period, midpoint in USD bn, source ids)."""


class Projections:
    """Understated depreciation per company, true life and capex growth, each computed once.

    The projected capex depends on the growth only, and the depreciation under the reported
    lives on the capex only, so the grid, the headline figure and the search for the life
    behind a target total share every schedule they have in common.
    """

    def __init__(
        self,
        inputs: Mapping[str, CompanyInputs],
        guidance: Guidance,
        years: Sequence[int] = YEARS,
    ) -> None:
        missing = [c for c in inputs if c not in guidance]
        if missing:
            raise DataError(f"no capex guidance for {', '.join(map(repr, missing))}")
        self.inputs = inputs
        self.guidance = guidance
        self.years = tuple(int(y) for y in years)
        self._capex: dict[tuple[str, float], pd.Series] = {}
        self._reported: dict[tuple[str, float], pd.Series] = {}
        self._diff: dict[tuple[str, float, float], pd.Series] = {}
        self._total: dict[tuple[float, float], float] = {}

    def capex(self, company: str, growth: float) -> pd.Series:
        """Server capex of ``company``: reported, then guidance, then ``growth`` a year."""
        key = (company, float(growth))
        if key not in self._capex:
            self._capex[key] = projected_capex(
                self.inputs[company], self.guidance[company][1], max(self.years), growth
            )
        return self._capex[key]

    def understated(self, company: str, life: float, growth: float) -> pd.Series:
        """Depreciation over ``life`` less that under the reported lives, in the chosen years."""
        key = (company, float(life), float(growth))
        if key not in self._diff:
            capex = self.capex(company, growth)
            reported_key = (company, float(growth))
            if reported_key not in self._reported:
                self._reported[reported_key] = schedule(
                    capex, self.inputs[company].lives
                ).depreciation
            alternative = schedule(capex, life).depreciation
            diff = alternative - self._reported[reported_key]
            self._diff[key] = diff.loc[diff.index.year.isin(self.years)]
        return self._diff[key]

    def total(self, life: float, growth: float) -> float:
        """Understated depreciation summed over the companies and years."""
        key = (float(life), float(growth))
        if key not in self._total:
            total = 0.0
            for company in self.inputs:
                total += float(self.understated(company, life, growth).sum())
            self._total[key] = total
        return self._total[key]


@dataclass(frozen=True)
class Understatement:
    """Understated depreciation by company and year, and the grid over its assumptions."""

    by_company: pd.DataFrame
    grid: pd.DataFrame
    true_life: float
    capex_growth: float
    years: tuple[int, ...]
    source_ids: tuple[str, ...]
    projections: Projections | None = field(default=None, repr=False, compare=False)
    """The schedules behind the figures, for :func:`life_for_total` to reuse."""

    @property
    def total(self) -> float:
        return float(self.by_company["understatement_usd_bn"].sum())

    def to_dict(self) -> dict[str, Any]:
        return {
            "true_life_years": self.true_life,
            "capex_growth": self.capex_growth,
            "years": list(self.years),
            "total_usd_bn": self.total,
            "by_company": self.by_company.reset_index().to_dict(orient="records"),
            "grid_usd_bn": {
                f"{life:g}y": {f"{g:+.0%}": float(v) for g, v in row.items()}
                for life, row in self.grid.iterrows()
            },
            "source_ids": list(self.source_ids),
        }

    def summary(self) -> str:
        lines = [
            f"Understated server depreciation FY{self.years[0]}-FY{self.years[-1]} if servers last "
            f"{self.true_life:g} years (capex: guidance, then {self.capex_growth:+.0%} a year): "
            f"${self.total:,.0f}bn"
        ]
        lines.append(
            "true life \\ capex growth: " + "  ".join(f"{g:+.0%}" for g in self.grid.columns)
        )
        for life, row in self.grid.iterrows():
            lines.append(f"  {life:g} years: " + "  ".join(f"{v:,.0f}" for v in row))
        return "\n".join(lines)


def understatement(
    financials: pd.DataFrame,
    inputs: Mapping[str, CompanyInputs],
    *,
    true_life: float = 3.0,
    capex_growth: float = 0.0,
    years: Sequence[int] = YEARS,
    true_lives: Sequence[float] = TRUE_LIVES,
    growths: Sequence[float] = GROWTHS,
    guidance: Guidance | None = None,
) -> Understatement:
    """Rebuild the critics' understated-depreciation figure from stated assumptions.

    ``guidance`` gives each company's :func:`guidance_midpoint` when the caller has read it.
    """
    years = tuple(int(y) for y in years)
    if not years or not np.isfinite(true_life) or not np.isfinite(capex_growth):
        raise SpecificationError("true life and capex growth must be finite numbers")
    if true_life <= 0 or capex_growth <= -1 or capex_growth > 5:
        raise SpecificationError(
            "give years, a positive true life and capex growth between -100% and +500% a year"
        )
    try:
        months_of_life(true_life)
    except SpecificationError as exc:
        raise SpecificationError(f"true life: {exc}") from None
    rows = []
    sources: list[str] = []
    if guidance is None:
        guidance = {c: guidance_midpoint(financials, c) for c in inputs}
    projections = Projections(inputs, guidance, years)
    for company, inp in inputs.items():
        _, _, ids = guidance[company]
        sources += [*ids, *inp.source_ids.get("capex", ()), *inp.source_ids.get("server_share", ())]
        capex = projections.capex(company, capex_growth)
        diff = projections.understated(company, true_life, capex_growth)
        for end, value in diff.items():
            rows.append(
                {
                    "company": company,
                    "fiscal_year_end": end,
                    "server_capex_usd_bn": float(capex.loc[end]),
                    "understatement_usd_bn": float(value),
                }
            )
    by_company = pd.DataFrame(rows).set_index(["company", "fiscal_year_end"])
    grid = pd.DataFrame(index=pd.Index(list(true_lives), name="true_life"), columns=list(growths))
    for life in true_lives:
        for g in growths:
            grid.loc[life, g] = projections.total(life, g)
    return Understatement(
        by_company,
        grid.astype(float),
        float(true_life),
        float(capex_growth),
        years,
        tuple(dict.fromkeys(sources)),
        projections,
    )


def life_for_total(
    financials: pd.DataFrame,
    inputs: Mapping[str, CompanyInputs],
    target: float,
    *,
    capex_growth: float = 0.0,
    years: Sequence[int] = YEARS,
    projections: Projections | None = None,
) -> float:
    """The true life (whole months, in years) whose understatement is closest to ``target``.

    The understatement falls as the true life lengthens, so a bisection over 12 to 72 months
    finds it; the answer is how short a life a headline figure implies. ``projections`` (from
    :attr:`Understatement.projections`, for the same inputs and years) reuses its schedules.
    """
    if projections is None:
        guidance = {c: guidance_midpoint(financials, c) for c in inputs}
        projections = Projections(inputs, guidance, years)
    elif tuple(projections.inputs) != tuple(inputs) or projections.years != tuple(
        int(y) for y in years
    ):
        raise SpecificationError("projections were made for other companies or years")

    def total(months: int) -> float:
        return projections.total(months / 12.0, capex_growth)

    lo, hi = 12, 72
    if target >= total(lo):
        return lo / 12.0
    if target <= total(hi):
        return hi / 12.0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if total(mid) > target:
            lo = mid
        else:
            hi = mid
    best = lo if abs(total(lo) - target) <= abs(total(hi) - target) else hi
    return best / 12.0
