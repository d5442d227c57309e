"""A one-year stress test of the AI deal network: clearing payments and DebtRank under named shocks.

*Obligations.* Binding compute contracts and chip purchases from the ``deals`` table, the
buyer owing the seller, and loans, the borrower owing the lenders. A deal's yearly obligation
is its amount over its stated term; one without a stated term (every loan in the table) is
spread over ``default_term`` years (a scenario choice).

*Buffers.* Each firm's outside assets are set so that, with no shock, it meets its yearly
obligations and keeps a buffer: :math:`e_i = b_i + \\max(0, \\bar p_i - \\sum_j L_{ji})`. The
buffer :math:`b_i` of a hyperscaler is its latest operating cash flow (``financials``); other
firms get ``other_buffer`` (a scenario choice) unless the user sets one. The same buffers are
the equity in DebtRank.

*Shocks.* ``{"OpenAI": 0.4}`` means OpenAI fails to pay 40% of what it owes this year. The
clearing vector (Eisenberg & Noe 2001) says who then cannot pay in full, in what order, and
how much each creditor loses; DebtRank (Battiston et al. 2012) how far the distress spreads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch._assignments import parse_assignments
from bubblewatch.data.units import usd_bn
from bubblewatch.errors import SpecificationError
from bubblewatch.models import contagion, financing

OBLIGATION_TYPES = ("compute_contract", "chip_purchase", "debt")
DEFAULT_TERM = 5.0
OTHER_BUFFER = 0.0


def yearly_obligations(
    deals: pd.DataFrame,
    *,
    statuses: tuple[str, ...] = ("binding",),
    default_term: float = DEFAULT_TERM,
    by_firm: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Matrix of yearly obligations (row owes column, USD bn) and the source ids behind it;
    ``by_firm``, if given, collects each firm's source ids (as debtor or creditor)."""
    if not np.isfinite(default_term) or not 0.25 <= default_term <= 50:
        raise SpecificationError("default_term must be between 0.25 and 50 years")
    rows = financing.select(deals, statuses=statuses, types=OBLIGATION_TYPES)
    graph = financing.network(rows)
    edges = financing.money_edges(graph)
    firms = sorted(set(edges["payer"]) | set(edges["payee"]))
    matrix = pd.DataFrame(0.0, index=firms, columns=firms)
    for rec in edges.itertuples(index=False):
        if np.isfinite(rec.annual_usd_bn):
            yearly = rec.annual_usd_bn
        else:
            yearly = rec.amount_usd_bn / default_term
        # a loan's money goes lender -> borrower; the obligation runs back
        debtor, creditor = (rec.payee, rec.payer) if rec.type == "debt" else (rec.payer, rec.payee)
        matrix.loc[debtor, creditor] += yearly
        if by_firm is not None:
            for firm in (debtor, creditor):
                by_firm.setdefault(str(firm), []).append(str(rec.source_id))
    return matrix, tuple(dict.fromkeys(edges["source_id"]))


def buffers(
    firms: list[str],
    financials: pd.DataFrame,
    overrides: Mapping[str, float] | None = None,
    other: float = OTHER_BUFFER,
) -> tuple[pd.Series, dict[str, str]]:
    """Each firm's buffer (USD bn) and where it comes from."""
    ocf = financials.loc[financials["metric"] == "operating_cash_flow"].copy()
    ocf["fiscal_year_end"] = pd.to_datetime(ocf["fiscal_year_end"])
    ocf = ocf.sort_values("fiscal_year_end").groupby("entity").last()
    latest = pd.Series(usd_bn(ocf), index=ocf.index)
    values, origin = {}, {}
    for firm in firms:
        if overrides and firm in overrides:
            values[firm], origin[firm] = float(overrides[firm]), "set by the user"
        elif firm in latest.index:
            values[firm] = float(latest[firm])
            origin[firm] = (
                f"operating cash flow {ocf.loc[firm, 'period']} ({ocf.loc[firm, 'source_id']})"
            )
        else:
            values[firm], origin[firm] = float(other), "scenario choice"
    unknown = set(overrides or {}) - set(firms)
    if unknown:
        raise SpecificationError(
            f"unknown firm(s) for a buffer: {', '.join(sorted(unknown))}; firms: {', '.join(firms)}"
        )
    series = pd.Series(values)
    if not np.all(np.isfinite(series)) or (series < 0).any():
        raise SpecificationError("buffers must be finite and non-negative")
    return series, origin


@dataclass(frozen=True)
class StressResult:
    """Clearing and DebtRank under one set of shocks, with the inputs that made them."""

    shocks: Mapping[str, float]
    obligations: pd.DataFrame
    buffers: pd.Series
    buffer_origin: Mapping[str, str]
    clearing: contagion.Clearing
    debtrank: contagion.DebtRankResult
    source_ids: tuple[str, ...]
    default_term: float
    firm_sources: Mapping[str, str]

    def to_frame(self) -> pd.DataFrame:
        """One row per firm: buffer, obligations, payments, losses, distress, and sources."""
        frame = self.clearing.to_frame().join(
            self.debtrank.to_frame()[["distress", "first_hit_round"]]
        )
        frame.insert(0, "buffer", self.buffers)
        frame["sources"] = pd.Series(self.firm_sources).reindex(frame.index).fillna("")
        return frame

    def hit(self) -> pd.DataFrame:
        """Firms that lose money or fail to pay, in the order they are hit."""
        frame = self.to_frame()
        hit = frame.loc[(frame["loss_on_claims"] > 1e-9) | (frame["shortfall"] > 1e-9)]
        return hit.sort_values(
            ["default_round", "loss_on_claims"], ascending=[True, False], na_position="last"
        )

    def summary(self) -> str:
        shocks = ", ".join(f"{k} pays {1 - v:.0%}" for k, v in self.shocks.items())
        lines = [
            f"Shock: {shocks} of a year's obligations (DebtRank {self.debtrank.debtrank:.3f})."
        ]
        for firm, row in self.hit().iterrows():
            rnd = (
                ""
                if pd.isna(row["default_round"])
                else f", cannot pay in full (round {int(row['default_round'])})"
            )
            lines.append(
                f"  {firm}: loses ${row['loss_on_claims']:,.1f}bn of ${row['buffer']:,.1f}bn buffer; "
                f"pays ${row['payments']:,.1f}bn of ${row['obligations']:,.1f}bn{rnd}"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "shocks": dict(self.shocks),
            "default_term_years": self.default_term,
            "clearing": self.clearing.to_dict(),
            "debtrank": self.debtrank.to_dict(),
            "buffers": {
                k: {"usd_bn": float(v), "origin": self.buffer_origin[k]}
                for k, v in self.buffers.items()
            },
            "source_ids": list(self.source_ids),
        }


def stress(
    deals: pd.DataFrame,
    financials: pd.DataFrame,
    shocks: Mapping[str, float],
    *,
    buffer_overrides: Mapping[str, float] | None = None,
    other_buffer: float = OTHER_BUFFER,
    statuses: tuple[str, ...] = ("binding",),
    default_term: float = DEFAULT_TERM,
) -> StressResult:
    """Run clearing and DebtRank on the deal network's yearly obligations under ``shocks``."""
    if not shocks:
        raise SpecificationError("name at least one shock, e.g. OpenAI=0.4")
    by_firm: dict[str, list[str]] = {}
    matrix, sources = yearly_obligations(
        deals, statuses=statuses, default_term=default_term, by_firm=by_firm
    )
    firms = list(matrix.index)
    buf, origin = buffers(firms, financials, buffer_overrides, other_buffer)
    owed = matrix.sum(axis=1)
    due = matrix.sum(axis=0)
    external = buf + (owed - due).clip(lower=0.0)
    cleared = contagion.clearing(matrix, external, shocks)
    ranked = contagion.debtrank(matrix.T, buf, shocks, value=owed + due)
    firm_sources = {k: ", ".join(dict.fromkeys(v)) for k, v in by_firm.items()}
    return StressResult(
        dict(shocks), matrix, buf, origin, cleared, ranked, sources, default_term, firm_sources
    )


def parse_shocks(texts: list[str]) -> dict[str, float]:
    """``["OpenAI=0.4", "CoreWeave=1"]`` -> ``{"OpenAI": 0.4, "CoreWeave": 1.0}``."""
    return parse_assignments(texts, form="FIRM=SHARE")
