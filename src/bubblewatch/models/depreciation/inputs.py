"""A company's depreciation inputs from the dataset: life history, server capex, income lines.

*Life history.* From the ``useful_lives`` table: the initial server life is the ``old_years``
of the company's earliest change, and each change's ``new_years`` applies from its
``effective_date``. Where one change covers several asset classes (servers 3 to 4 years,
network equipment 3 to 5), the row that carries the disclosed effect sets the life, else the
first row; these are the server rows.

*Server capex.* Cash capex times the share of servers and network equipment in gross
property and equipment at the same fiscal year end, as the company's PP&E note reports it
(``ppe_servers_network_gross / ppe_gross_total``). Years before the first reported share take
the first one; years after the last take the last. The share is read, never fitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.units import usd_bn
from bubblewatch.errors import DataError
from bubblewatch.models.depreciation.schedule import LifeChange, LifeHistory

INCOME_METRICS = (
    "operating_income",
    "pretax_income",
    "income_tax",
    "net_income",
    "eps_diluted",
    "shares_diluted",
)
SHARE_METRICS = ("ppe_servers_network_gross", "ppe_gross_total")
FISCAL_YEAR = r"FY\d{4}"
"""The period label of the fiscal-year figures the engine reads ("FY2024"; not quarters)."""


def life_history(useful_lives: pd.DataFrame, company: str) -> LifeHistory:
    """The server life history of ``company`` from the ``useful_lives`` table."""
    rows = useful_lives.loc[useful_lives["company"] == company]
    if rows.empty:
        raise DataError(f"no useful-life history for {company!r}")
    effect_cols = [
        "effect_depreciation_usd_bn",
        "effect_operating_income_usd_bn",
        "effect_net_income_usd_bn",
    ]
    chosen = []
    for _, group in rows.groupby("change_id", sort=False):
        with_effect = group.loc[group[effect_cols].notna().any(axis=1)]
        chosen.append((with_effect if len(with_effect) else group).iloc[0])
    chosen.sort(key=lambda r: pd.Timestamp(r["effective_date"]))
    changes = tuple(
        LifeChange(pd.Timestamp(r["effective_date"]), float(r["new_years"])) for r in chosen
    )
    return LifeHistory(float(chosen[0]["old_years"]), changes)


def _fiscal_years(financials: pd.DataFrame, company: str) -> dict[str, pd.DataFrame]:
    """``company``'s fiscal-year rows ("FY2024") by metric, each in fiscal-year order."""
    rows = financials.loc[
        (financials["entity"] == company)
        & financials["period"].astype(str).str.fullmatch(FISCAL_YEAR)
    ]
    rows = rows.assign(fiscal_year_end=pd.to_datetime(rows["fiscal_year_end"])).sort_values(
        "fiscal_year_end"
    )
    by_metric = {str(m): g for m, g in rows.groupby("metric", sort=False)}
    by_metric[""] = rows.iloc[:0]
    return by_metric


def _metric(by_metric: dict[str, pd.DataFrame], metric: str) -> pd.DataFrame:
    """One metric's rows from :func:`_fiscal_years` (none when the company does not report it)."""
    return by_metric.get(metric, by_metric[""])


def _series(rows: pd.DataFrame, scale: float = 1.0) -> pd.Series:
    return pd.Series(
        rows["value"].to_numpy(dtype=float) * scale, index=pd.DatetimeIndex(rows["fiscal_year_end"])
    )


def _usd_bn(rows: pd.DataFrame) -> pd.Series:
    return pd.Series(usd_bn(rows), index=pd.DatetimeIndex(rows["fiscal_year_end"]))


@dataclass(frozen=True)
class CompanyInputs:
    """Everything the depreciation model reads for one company, with source ids.

    ``capex`` and ``server_share`` are indexed by fiscal-year end; ``income`` has one column per
    income metric (USD bn, EPS in USD, shares in millions); ``periods`` maps fiscal-year end
    to the period label ("FY2023").
    """

    company: str
    lives: LifeHistory
    capex: pd.Series
    server_share: pd.Series
    server_share_reported: pd.Series
    income: pd.DataFrame
    periods: pd.Series
    source_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def server_capex(self) -> pd.Series:
        return self.capex * self.server_share

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "lives": self.lives.describe(),
            "server_share": {
                f"{k:%Y-%m-%d}": float(v) for k, v in self.server_share_reported.items()
            },
            "source_ids": {k: list(v) for k, v in self.source_ids.items()},
        }


def company_inputs(
    financials: pd.DataFrame,
    useful_lives: pd.DataFrame,
    company: str,
    *,
    server_share: float | None = None,
) -> CompanyInputs:
    """Collect ``company``'s capex, server share, income lines and life history.

    ``server_share`` overrides the PP&E-note share with one constant (a scenario choice).
    """
    fiscal = _fiscal_years(financials, company)
    capex_rows = _metric(fiscal, "capex")
    if capex_rows.empty:
        raise DataError(f"no fiscal-year capex for {company!r}")
    capex = _usd_bn(capex_rows)
    periods = pd.Series(
        capex_rows["period"].to_numpy(), index=pd.DatetimeIndex(capex_rows["fiscal_year_end"])
    )
    sources: dict[str, tuple[str, ...]] = {"capex": tuple(dict.fromkeys(capex_rows["source_id"]))}
    servers = _metric(fiscal, "ppe_servers_network_gross")
    total = _metric(fiscal, "ppe_gross_total")
    reported = (_usd_bn(servers) / _usd_bn(total)).dropna()
    if server_share is not None:
        if not 0 < server_share <= 1:
            raise DataError("server_share must be in (0, 1]")
        share = pd.Series(float(server_share), index=capex.index)
    else:
        if reported.empty:
            raise DataError(
                f"no PP&E-note server share for {company!r}; pass server_share= to set one"
            )
        share = reported.reindex(capex.index.union(reported.index)).sort_index()
        share = share.ffill().bfill().reindex(capex.index)
        sources["server_share"] = tuple(dict.fromkeys([*servers["source_id"], *total["source_id"]]))
    income = {}
    for metric in INCOME_METRICS:
        rows = _metric(fiscal, metric)
        if rows.empty:
            continue
        if metric == "eps_diluted" or metric == "shares_diluted":
            income[metric] = _series(rows)
        else:
            income[metric] = _usd_bn(rows)
        sources[metric] = tuple(dict.fromkeys(rows["source_id"]))
        periods = periods.combine_first(
            pd.Series(rows["period"].to_numpy(), index=pd.DatetimeIndex(rows["fiscal_year_end"]))
        )
    frame = pd.DataFrame(income)
    lives_rows = useful_lives.loc[useful_lives["company"] == company]
    sources["useful_lives"] = tuple(dict.fromkeys(lives_rows["source_id"]))
    return CompanyInputs(
        company,
        life_history(useful_lives, company),
        capex,
        share.astype(float),
        reported,
        frame,
        periods,
        sources,
    )


def effective_tax_rate(inputs: CompanyInputs) -> pd.Series:
    """Income tax over income before tax, by fiscal year (reported figures)."""
    income = inputs.income
    if not {"income_tax", "pretax_income"} <= set(income.columns):
        raise DataError(f"{inputs.company}: no income tax or pretax income in the dataset")
    rate = income["income_tax"] / income["pretax_income"]
    return rate.replace([np.inf, -np.inf], np.nan)
