"""One builder per argument of the debate: sourced figures, a chart and a plain reading.

Each builder takes the store's current tables and returns a :class:`Section`. The analytic
engines of later releases refine these readings; here each states what the sourced data shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.frames import claim_sources, hyperscaler_years
from bubblewatch.models import roi
from bubblewatch.report.assessment import Evidence, Section
from bubblewatch.report.claims_section import build_claims
from bubblewatch.report.cycles_section import build_cycles
from bubblewatch.report.depreciation_section import build_depreciation
from bubblewatch.report.financing_section import build_circularity, build_credit, build_funding
from bubblewatch.report.power_section import build_power

Tables = Mapping[str, pd.DataFrame]
_LAYOUT = {
    "template": "plotly_white",
    "height": 420,
    "margin": {"l": 60, "r": 30, "t": 50, "b": 40},
}


def _ids(rows: pd.DataFrame, metrics: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sid for m in metrics for sid in rows[f"src_{m}"]))


def build_roi(t: Tables) -> Section:
    deals = t["deals"]
    openai = deals.loc[
        deals["money_from"].eq("OpenAI") & deals["type"].isin(["compute_contract", "chip_purchase"])
    ]
    by_party = (
        openai.groupby("money_to")["amount_usd_bn"].sum(min_count=1).sort_values(ascending=False)
    )
    ids = tuple(dict.fromkeys(openai["source_id"]))
    undisclosed = int(openai["amount_usd_bn"].isna().sum())
    claims = t["claims"]
    panel, yearly = hyperscaler_years(t["financials"], ["capex"])
    latest = yearly.index.max()
    capex = float(yearly.loc[latest, "capex"])
    cap_ids = _ids(panel.loc[panel["period"] == latest], ["capex"])
    evidence: tuple[Evidence, ...] = (
        Evidence(
            "OpenAI compute and chip commitments with a disclosed amount",
            float(by_party.sum()),
            "usd_bn",
            ids,
        ),
        Evidence("Counterparties of those commitments", float(len(by_party)), "count", ids),
        Evidence("Commitments with no disclosed amount", float(undisclosed), "count", ids),
        Evidence(
            "Claimed OpenAI commitments (C26)", 1400.0, "usd_bn", claim_sources(claims, "C26")
        ),
        Evidence(
            "Claimed OpenAI revenue target for 2027 (C28)",
            100.0,
            "usd_bn",
            claim_sources(claims, "C28"),
        ),
        Evidence(f"Hyperscaler capex, {latest}", capex, "usd_bn", cap_ids),
    )
    check = roi.sequoia_check(t["estimates"])
    sim = roi.monte_carlo(roi.default_ranges(t["estimates"]), n=10_000, seed=0)
    median_gap = float(sim.quantiles().loc[0.5, "gap_usd_bn"])
    for year, row in check.iterrows():
        evidence += (
            Evidence(
                f"Sequoia {year}: ${row['accelerator_spend_usd_bn']:,.0f}bn x "
                f"{row['datacenter_multiple']:g} x {row['margin_multiple']:g}, recomputed",
                float(row["required_recomputed_usd_bn"]),
                "usd_bn",
                tuple(str(row["sources"]).split(", ")),
                f"published ${row['required_published_usd_bn']:,.0f}bn, gap ${row['gap_published_usd_bn']:,.0f}bn",
            ),
        )
    evidence += (
        Evidence(
            "Median revenue gap over Sequoia's input ranges (10,000 seeded draws)",
            median_gap,
            "usd_bn",
            tuple(dict.fromkeys(sid for cell in check["sources"] for sid in str(cell).split(", "))),
            "ranges: a scenario choice spanning the 2023 and 2024 analyses",
        ),
    )
    fig = go.Figure(go.Bar(x=by_party.index, y=by_party.to_numpy(), name="USD bn"))
    fig.update_layout(
        **_LAYOUT, title="OpenAI's disclosed compute and chip commitments by counterparty (USD bn)"
    )
    reading = (
        f"Deals in the table commit OpenAI to ${by_party.sum():,.0f}bn of compute and chips across "
        f"{len(by_party)} counterparties ({undisclosed} more undisclosed), against the ~$1.4tn the debate "
        "cites and a ~$100bn revenue target for 2027; Sequoia's $200bn and $600bn questions recompute "
        f"exactly from their inputs, and over their ranges the median gap is ${median_gap:,.0f}bn."
    )
    return Section(
        "roi",
        "Where do the trillions come from?",
        "Can revenue catch up with the commitments being signed?",
        reading,
        evidence,
        fig,
        tables=(
            ("Sequoia's revenue gap recomputed from its published inputs", check.reset_index()),
        ),
    )


def from_argument(argument_id: str) -> Callable[[Tables], Section]:
    """A builder that renders a registered argument's result on the given tables."""

    def build(t: Tables) -> Section:
        from bubblewatch.arguments import Session, get

        argument = get(argument_id)
        return Section.from_result(
            Session(t).result(argument_id), argument.title, argument.question
        )

    build.__name__ = f"build_{argument_id}"
    return build


build_markets = from_argument("markets")
build_gdp = from_argument("gdp")


BUILDERS: dict[str, Callable[[Tables], Section]] = {
    "markets": build_markets,
    "circularity": build_circularity,
    "funding": build_funding,
    "depreciation": build_depreciation,
    "gdp": build_gdp,
    "cycles": build_cycles,
    "roi": build_roi,
    "power": build_power,
    "credit": build_credit,
    "claims": build_claims,
}
