"""The ``roi`` argument: can revenue catch up with the commitments being signed?

OpenAI's disclosed compute and chip deals against the ~$1.4tn the debate cites (C26) and its
revenue target (C28); Sequoia's revenue gap recomputed from its published inputs, a seeded
Monte Carlo over their ranges and the growth that closes the median gap; Sequoia's arithmetic
on the latest figures; and OpenAI's stated commitments spread over their term against its
revenue path (:mod:`bubblewatch.models.roi`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Lean, Signal, lean_by
from bubblewatch.errors import SpecificationError
from bubblewatch.frames import claim_sources, hyperscaler_years
from bubblewatch.models import roi

_LAYOUT = {
    "template": "plotly_white",
    "height": 420,
    "margin": {"l": 60, "r": 30, "t": 50, "b": 40},
}

COMMITMENT_TYPES = ("compute_contract", "chip_purchase")
"""Deal types that commit OpenAI's money to compute."""
COMMITMENTS = "openai_commitments_2025"
"""The ``estimates`` row of OpenAI's stated commitments (its chief executive, November 2025)."""
RUN_RATE = "openai_run_rate_end_2025"
"""The ``estimates`` row of OpenAI's annualised revenue at end-2025."""
TARGET = "openai_revenue_target_2027"
"""The ``estimates`` row of OpenAI's revenue target (C28)."""
_RANGE = r"[A-Za-z_]+=[^,]+"
_USD_BN = {"usd_bn": 1.0, "usd_tn": 1000.0, "usd_m": 0.001}


@dataclass(frozen=True)
class RoiParams(Params):
    argument = "roi"
    draws: int = knob(10_000, unit="draws", doc="Monte Carlo draws over the input ranges.", low=1)
    seed: int = knob(0, unit="seed", doc="Seed of the draws.", low=0)
    ranges: str = knob(
        "",
        unit="NAME=LOW:HIGH[:MODE], comma-separated",
        doc=(
            "Input ranges replacing those spanning Sequoia's two analyses "
            "(e.g. margin_multiple=1.5:2.5,ai_revenue_usd_bn=80:150:100)."
        ),
        pattern=rf"(?:{_RANGE}(?:,{_RANGE})*)?",
    )
    close_by: int = knob(
        2030,
        unit="year",
        doc="Year by which AI revenue should close the median gap (after Sequoia's latest year).",
    )
    commitment_years: int = knob(
        8,
        unit="years",
        doc="Term over which OpenAI's stated commitments are spread evenly (about 8 years).",
        low=1,
        high=50,
    )
    start_offset: int = knob(
        4,
        unit="years",
        doc="The term starts this many years before the last year of OpenAI's revenue path.",
        low=0,
        high=50,
    )
    datacenter_multiple: float = knob(
        2.0,
        unit="x",
        doc="Data-centre cost per dollar of accelerators, on the latest figures (Sequoia's 2).",
        low=roi.BOUNDS["datacenter_multiple"][0],
        high=roi.BOUNDS["datacenter_multiple"][1],
    )
    margin_multiple: float = knob(
        2.0,
        unit="x",
        doc="End-user revenue per dollar of cost, on the latest figures (Sequoia's 2: 50% margin).",
        low=roi.BOUNDS["margin_multiple"][0],
        high=roi.BOUNDS["margin_multiple"][1],
    )

    @property
    def range_list(self) -> list[str]:
        """The ``ranges`` knob as ``NAME=LOW:HIGH[:MODE]`` texts."""
        return [part for part in self.ranges.split(",") if part]


def absent(t: Tables) -> list[str]:
    """What the analysis needs and ``t`` lacks (empty when it can run): the checks ask this
    before the result, so missing data make a claim not verifiable rather than an error."""
    held = set(t["estimates"]["estimate_id"].astype(str))
    missing = []
    if not any(
        all(f"sequoia_{year}_{n}" in held for n in roi.SEQUOIA_INPUTS) for year in roi.SEQUOIA_YEARS
    ):
        missing.append("Sequoia's published inputs")
    if hyperscaler_years(t["financials"], ["capex"])[1].empty:
        missing.append("a fiscal year of capex from all five hyperscalers")
    return missing


@dataclass(frozen=True)
class ClaimedAmount:
    """A sum of money a claim of the debate states, from the claims table."""

    claim_id: str
    usd_bn: float
    approximate: bool
    year: int | None
    """The year the claim names, if any (a target's year)."""

    @property
    def text(self) -> str:
        """``~$1.4tn``, ``~$100bn`` (``n/a`` when the claim states no sum)."""
        if pd.isna(self.usd_bn):
            return "n/a"
        tn = abs(self.usd_bn) >= 1000
        amount = f"${self.usd_bn / 1000:g}tn" if tn else f"${self.usd_bn:g}bn"
        return ("~" if self.approximate else "") + amount


def usd_bn(value: float, unit: str) -> float:
    """A claimed sum of money in USD bn (``unit`` as :func:`bubblewatch.claims.claimed.parse`
    gives it: ``usd_bn``, ``usd_tn`` or ``usd_m``)."""
    if unit not in _USD_BN:
        raise SpecificationError(f"a claimed sum in {unit!r} is not in USD bn, tn or m")
    return value * _USD_BN[unit]


def claimed_amount(claims: pd.DataFrame, claim_id: str) -> ClaimedAmount:
    """The first sum of money the claim ``claim_id`` states in the claims table (NaN if none)."""
    from bubblewatch.claims.claimed import parse  # the claims package imports the arguments

    rows = claims.loc[claims["claim_id"] == claim_id, "figures"]
    text = str(rows.iloc[0]) if len(rows) and pd.notna(rows.iloc[0]) else ""
    money = [q for q in parse(text) if q.unit in _USD_BN]
    named = re.search(r"\b(?:19|20)\d\d\b", text)
    year = int(named.group(0)) if named else None
    if not money:
        return ClaimedAmount(claim_id, float("nan"), False, year)
    q = money[0]
    return ClaimedAmount(claim_id, usd_bn(q.value, q.unit), q.approximate, year)


@dataclass(frozen=True)
class RevenueTarget:
    """OpenAI's revenue target against its latest reported revenue (C28)."""

    target_usd_bn: float
    target_year: int
    revenue_usd_bn: float
    revenue_year: int
    revenue_source_id: str
    growth: float
    """Yearly growth that takes the latest revenue to the target by its year."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RoiDetail:
    """The model output behind the roi argument."""

    openai_deals: pd.DataFrame
    """OpenAI's compute and chip deals (``deals`` rows)."""
    by_party: pd.Series
    """Their disclosed amounts by counterparty (USD bn)."""
    sequoia: pd.DataFrame
    ranges: dict[str, roi.Range]
    simulation: roi.RevenueGapSimulation
    quantiles: pd.DataFrame
    growth_to_close: dict[str, Any]
    current: dict[str, Any] | None
    """Sequoia's arithmetic on the latest figures (None without NVIDIA data-centre revenue)."""
    revenue_path: pd.DataFrame | None
    """OpenAI's revenue by year (None without OpenAI revenue figures)."""
    coverage: roi.CommitmentCoverage | None
    openai: dict[str, Any] | None
    """OpenAI's stated commitments, their yearly share over the term and its run-rate."""
    target: RevenueTarget | None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sequoia": self.sequoia.reset_index().to_dict(orient="records"),
            "current": self.current,
        }
        if self.revenue_path is not None:
            out["openai_revenue_path"] = self.revenue_path.reset_index().to_dict(orient="records")
            out["openai_revenue_path_note"] = (
                "source_id is null for interpolated years: they lie between sourced years and "
                "are computed, not reported"
            )
        if self.coverage is not None:
            out["openai_commitments_coverage"] = self.coverage.to_dict()
        out["monte_carlo"] = self.simulation.to_dict()
        out["growth_to_close"] = self.growth_to_close
        out["openai"] = self.openai
        out["openai_revenue_target"] = None if self.target is None else self.target.to_dict()
        out["openai_deals_by_counterparty"] = {str(k): v for k, v in self.by_party.items()}
        return out


def _openai_target(estimates: pd.DataFrame) -> RevenueTarget | None:
    target = estimates.loc[estimates["estimate_id"] == TARGET]
    actual = estimates.loc[
        estimates["metric"].eq("revenue") & estimates["subject"].str.startswith("OpenAI")
    ]
    if target.empty or actual.empty:
        return None
    goal, last = target.iloc[-1], actual.sort_values("period").iloc[-1]
    goal_year, year = int(str(goal["period"])[:4]), int(str(last["period"])[:4])
    if goal_year <= year:
        return None
    return RevenueTarget(
        float(goal["value"]),
        goal_year,
        float(last["value"]),
        year,
        str(last["source_id"]),
        roi.growth_to_close(float(goal["value"]), float(last["value"]), goal_year - year),
    )


def analyze(t: Tables, p: RoiParams) -> Result:
    deals = t["deals"]
    openai = deals.loc[deals["money_from"].eq("OpenAI") & deals["type"].isin(COMMITMENT_TYPES)]
    by_party = (
        openai.groupby("money_to")["amount_usd_bn"].sum(min_count=1).sort_values(ascending=False)
    )
    ids = tuple(dict.fromkeys(openai["source_id"]))
    undisclosed = int(openai["amount_usd_bn"].isna().sum())
    claims = t["claims"]
    commitments_said = claimed_amount(claims, "C26")
    target_said = claimed_amount(claims, "C28")
    target_year = f" for {target_said.year}" if target_said.year is not None else ""
    panel, yearly = hyperscaler_years(t["financials"], ["capex"])
    latest = yearly.index.max()
    capex = float(yearly.loc[latest, "capex"])
    cap_ids = tuple(dict.fromkeys(panel.loc[panel["period"] == latest, "src_capex"]))

    estimates = t["estimates"]
    check = roi.sequoia_check(estimates)
    ranges = roi.parse_ranges(p.range_list, roi.sequoia_ranges(check))
    sim = roi.monte_carlo(ranges, n=p.draws, seed=p.seed)
    q = sim.quantiles()
    median_gap = float(q.loc[0.5, "gap_usd_bn"])
    from_year = int(check.index[-1])
    if p.close_by <= from_year:
        raise SpecificationError(
            f"roi knob close_by={p.close_by} leaves no years to close the gap: it must come "
            f"after {from_year}, the year of Sequoia's latest figures"
        )
    growth = roi.growth_to_close(
        float(q.loc[0.5, "required_revenue_usd_bn"]),
        float(check["implied_ai_revenue_usd_bn"].iloc[-1]),
        p.close_by - from_year,
    )
    now = (
        roi.current_gap(estimates, p.datacenter_multiple, p.margin_multiple)
        if estimates["metric"].eq("datacenter_revenue").any()
        else None
    )
    has_path = (
        estimates["subject"].eq("OpenAI revenue")
        & estimates["metric"].isin(["revenue", "revenue_projection"])
    ).any()
    path = roi.openai_revenue_path(estimates) if has_path else None
    est = estimates.set_index("estimate_id")
    stated: dict[str, Any] | None = None
    coverage = None
    if COMMITMENTS in est.index:
        total = float(est.loc[COMMITMENTS, "value"])
        stated = {
            "commitments_usd_bn": total,
            "term_years": p.commitment_years,
            "yearly_commitments_usd_bn": total / p.commitment_years,
            "run_rate_end_2025_usd_bn": (
                float(est.loc[RUN_RATE, "value"]) if RUN_RATE in est.index else None
            ),
            "source_id": str(est.loc[COMMITMENTS, "source_id"]),
        }
        if path is not None:
            start = int(path.index[-1]) - p.start_offset
            stated["term_start"] = start
            coverage = roi.commitments_against_revenue(
                total, p.commitment_years, path["revenue_usd_bn"].to_dict(), start
            )

    figures: tuple[KeyFigure, ...] = (
        KeyFigure(
            "OpenAI compute and chip commitments with a disclosed amount",
            float(by_party.sum()),
            "usd_bn",
            ids,
            claim_id="C26",
        ),
        KeyFigure("Counterparties of those commitments", float(len(by_party)), "count", ids),
        KeyFigure("Commitments with no disclosed amount", float(undisclosed), "count", ids),
        KeyFigure(
            "Claimed OpenAI commitments (C26)",
            commitments_said.usd_bn,
            "usd_bn",
            claim_sources(claims, "C26"),
            claim_id="C26",
        ),
        KeyFigure(
            f"Claimed OpenAI revenue target{target_year} (C28)",
            target_said.usd_bn,
            "usd_bn",
            claim_sources(claims, "C28"),
            claim_id="C28",
        ),
        KeyFigure(f"Hyperscaler capex, {latest}", capex, "usd_bn", cap_ids),
    )
    for year, row in check.iterrows():
        figures += (
            KeyFigure(
                f"Sequoia {year}: ${row['accelerator_spend_usd_bn']:,.0f}bn x "
                f"{row['datacenter_multiple']:g} x {row['margin_multiple']:g}, recomputed",
                float(row["required_recomputed_usd_bn"]),
                "usd_bn",
                tuple(str(row["sources"]).split(", ")),
                f"published ${row['required_published_usd_bn']:,.0f}bn, gap "
                f"${row['gap_published_usd_bn']:,.0f}bn",
            ),
        )
    years = " and ".join(str(y) for y in check.index)
    note = f"ranges: a scenario choice spanning the {years} analyses"
    if p.range_list:
        note += f"; set here: {', '.join(p.range_list)}"
    figures += (
        KeyFigure(
            f"Median revenue gap over Sequoia's input ranges ({p.draws:,} seeded draws)",
            median_gap,
            "usd_bn",
            tuple(dict.fromkeys(sid for cell in check["sources"] for sid in str(cell).split(", "))),
            note,
        ),
    )
    questions = " and ".join(f"${v:,.0f}bn" for v in check["required_published_usd_bn"])
    exact = (check["required_recomputed_usd_bn"] == check["required_published_usd_bn"]).all()
    recompute = (
        "recompute exactly from their inputs"
        if exact
        else "recompute to "
        + " and ".join(f"${v:,.0f}bn" for v in check["required_recomputed_usd_bn"])
        + " from their inputs"
    )
    reading = (
        f"Deals in the table commit OpenAI to ${by_party.sum():,.0f}bn of compute and chips across "
        f"{len(by_party)} counterparties ({undisclosed} more undisclosed), against the "
        f"{commitments_said.text} the debate cites and a {target_said.text} revenue target"
        f"{target_year}; Sequoia's {questions} questions {recompute}, and over their ranges the "
        f"median gap is ${median_gap:,.0f}bn."
    )
    return Result(
        "roi",
        p,
        reading,
        figures,
        tables=(
            ("Sequoia's revenue gap recomputed from its published inputs", check.reset_index()),
        ),
        detail=RoiDetail(
            openai,
            by_party,
            check,
            ranges,
            sim,
            q,
            {"by": p.close_by, "from_year": from_year, "yearly": growth},
            now,
            path,
            coverage,
            stated,
            _openai_target(estimates),
        ),
    )


def chart(r: Result) -> list[go.Figure]:
    by_party = r.detail.by_party
    fig = go.Figure(go.Bar(x=by_party.index, y=by_party.to_numpy(), name="USD bn"))
    fig.update_layout(
        **_LAYOUT, title="OpenAI's disclosed compute and chip commitments by counterparty (USD bn)"
    )
    return [fig]


def signal(r: Result) -> Signal:
    """Sourced AI revenue over the revenue Sequoia's arithmetic asks of the latest chip spend."""
    v: RoiDetail = r.detail
    cur = v.current
    if cur is None:
        return Signal(
            "AI revenue over the revenue the accelerator spend needs",
            float("nan"),
            "share",
            "no accelerator spend in the data",
            None,
            Lean.NEUTRAL,
            "needs the latest accelerator spend (NVIDIA data-centre revenue)",
            r.key_figure.source_ids,
        )
    multiple = float(cur["datacenter_multiple"]) * float(cur["margin_multiple"])
    cover = float(cur["sourced_ai_revenue_usd_bn"]) / float(cur["required_revenue_usd_bn"])
    return Signal(
        indicator=(
            f"Sourced AI revenue over the revenue {cur['spend_period']} accelerator spend needs "
            "(Sequoia's arithmetic)"
        ),
        value=cover,
        unit="share",
        history=(
            f"no history to rank it in: ${float(cur['sourced_ai_revenue_usd_bn']):,.0f}bn of "
            f"sourced AI revenue against ${float(cur['required_revenue_usd_bn']):,.0f}bn needed "
            f"(${float(cur['accelerator_spend_usd_bn']):,.0f}bn of accelerators x "
            f"{float(cur['datacenter_multiple']):g} x {float(cur['margin_multiple']):g})"
        ),
        percentile=None,
        lean=lean_by(cover, bubble=1 / multiple, boom=1.0),
        rule=(
            f"bubble-leaning when the revenue covers {1 / multiple:.0%} or less of what is "
            "needed (not even the accelerators' cost), boom-leaning when it covers more than "
            "all of it (chips, data centres and margin), neutral between"
        ),
        source_ids=tuple(cur["source_ids"]),
    )


ARGUMENT = register(
    Argument(
        id="roi",
        title="Where do the trillions come from?",
        question="Can revenue catch up with the commitments being signed?",
        params=RoiParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("deals", "claims", "financials", "estimates"),
        command_help=(
            "Where the trillions come from: OpenAI's commitments, Sequoia's revenue gap and a "
            "seeded Monte Carlo over its inputs."
        ),
    )
)
