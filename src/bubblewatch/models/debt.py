"""The mix of AI-related debt: how much of each kind of issuer's borrowing sits in which instrument."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bubblewatch.errors import DataError

RISKY = ("private_credit", "project_finance", "hy_bond", "term_loan")
"""Instruments outside the investment-grade bond market: private credit, project finance,
leveraged loans and high-yield bonds."""


@dataclass(frozen=True)
class InstrumentMix:
    """Shares of recorded debt (by amount) and the sources behind each side."""

    hyperscaler_ig_share: float
    """Share of the hyperscalers' debt that is investment-grade bonds."""
    other_risky_share: float
    """Share of every other issuer's debt in :data:`RISKY` instruments."""
    hyperscaler_sources: tuple[str, ...]
    other_sources: tuple[str, ...]


def instrument_mix(debt: pd.DataFrame) -> InstrumentMix:
    """The instrument mix of the ``debt`` table: hyperscalers against every other issuer."""
    hyper = debt.loc[debt["issuer_type"] == "hyperscaler"]
    other = debt.loc[debt["issuer_type"] != "hyperscaler"]
    if hyper.empty or other.empty:
        raise DataError("the debt table needs issues of both hyperscalers and other AI issuers")
    ig = float(
        hyper.loc[hyper["instrument"] == "ig_bond", "amount_usd_bn"].sum()
        / hyper["amount_usd_bn"].sum()
    )
    risky = other["instrument"].isin(list(RISKY))
    private = float(other.loc[risky, "amount_usd_bn"].sum() / other["amount_usd_bn"].sum())
    return InstrumentMix(
        ig,
        private,
        tuple(dict.fromkeys(hyper["source_id"].astype(str))),
        tuple(dict.fromkeys(other["source_id"].astype(str))),
    )
