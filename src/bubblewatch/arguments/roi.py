"""The ``roi`` argument: can revenue catch up with the commitments being signed?

OpenAI's disclosed compute and chip deals against the ~$1.4tn the debate cites (C26) and its
revenue target (C28); Sequoia's revenue gap recomputed from its published inputs, a seeded
Monte Carlo over their ranges and the growth that closes the median gap; Sequoia's arithmetic
on the latest figures; and OpenAI's stated commitments spread over their term against its
revenue path (:mod:`bubblewatch.models.roi`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments._claimed_amounts import ClaimedAmount, claimed_amount
from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Lean, Signal, lean_by
from bubblewatch.charts import claimed_line, reference_line, style
from bubblewatch.errors import SpecificationError
from bubblewatch.frames import claim_sources, hyperscaler_years
from bubblewatch.models import roi

COMMITMENT_TYPES = ("compute_contract", "chip_purchase")
"""Deal types that commit OpenAI's money to compute."""
COMMITMENTS = "openai_commitments_2025"
"""The ``estimates`` row of OpenAI's stated commitments (its chief executive, November 2025)."""
RUN_RATE = "openai_run_rate_end_2025"
"""The ``estimates`` row of OpenAI's annualised revenue at end-2025."""
TARGET = "openai_revenue_target_2027"
"""The ``estimates`` row of OpenAI's revenue target (C28)."""
_RANGE = r"[A-Za-z_]+=[^,]+"


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
    """Their disclosed amounts by counterparty (USD bn; NaN where no amount is disclosed)."""
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
    counterparties: pd.DataFrame
    """One row per counterparty (:func:`counterparties`): deals, undisclosed deals, disclosed sum."""
    commitments_said: ClaimedAmount | None = None
    """The debate's claimed commitments (C26)."""
    target_said: ClaimedAmount | None = None
    """The debate's claimed revenue target (C28)."""

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
        out["openai_counterparties"] = self.counterparties.to_dict(orient="records")
        out["openai_counterparties_note"] = (
            "disclosed_usd_bn is null where no deal with the counterparty discloses an amount "
            "(an undisclosed amount, not zero)"
        )
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


def counterparties(openai_deals: pd.DataFrame) -> pd.DataFrame:
    """OpenAI's commitments by counterparty: deals, those without a disclosed amount, and the sum
    of the disclosed amounts (NaN where no deal with that counterparty discloses one).

    Sorted by disclosed amount, largest first, then the counterparties with none, by name.
    """
    amount = openai_deals["amount_usd_bn"]
    frame = (
        pd.DataFrame(
            {
                "counterparty": openai_deals["money_to"].astype(str),
                "deal": 1,
                "undisclosed": amount.isna().astype(int),
                "amount_usd_bn": amount,
                "source_id": openai_deals["source_id"].astype(str),
            }
        )
        .groupby("counterparty")
        .agg(
            deals=("deal", "sum"),
            undisclosed_deals=("undisclosed", "sum"),
            disclosed_usd_bn=("amount_usd_bn", lambda v: v.sum(min_count=1)),
            sources=("source_id", lambda v: ", ".join(dict.fromkeys(v))),
        )
        .reset_index()
    )
    frame["amount_disclosed"] = frame["disclosed_usd_bn"].notna()
    frame = frame.sort_values(
        ["amount_disclosed", "disclosed_usd_bn", "counterparty"], ascending=[False, False, True]
    )
    columns = ["counterparty", "deals", "undisclosed_deals", "disclosed_usd_bn", "amount_disclosed"]
    return frame[[*columns, "sources"]].reset_index(drop=True)


def revenue_against_commitments(
    path: pd.DataFrame, coverage: roi.CommitmentCoverage | None
) -> pd.DataFrame:
    """OpenAI's revenue by year (reported, interpolated or projected, with its source) beside the
    year's share of its stated commitments over their term (NaN outside the term or the path)."""
    table = path.reset_index().rename(columns={"kind": "revenue_kind"})
    table["year"] = table["year"].astype(int)
    if coverage is None:
        table["commitments_usd_bn"] = float("nan")
    else:
        yearly = coverage.table["commitments_usd_bn"]
        table["commitments_usd_bn"] = table["year"].map(yearly.to_dict()).astype(float)
    share = table["revenue_usd_bn"] / table["commitments_usd_bn"]
    table["revenue_over_commitments_share"] = share.round(3)
    table["revenue_usd_bn"] = table["revenue_usd_bn"].round(1)
    table["source_id"] = table["source_id"].where(table["source_id"].notna(), None)
    return table[
        [
            "year",
            "revenue_usd_bn",
            "revenue_kind",
            "commitments_usd_bn",
            "revenue_over_commitments_share",
            "source_id",
        ]
    ]


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _parties(n: int) -> str:
    return f"{n} counterpart" + ("y" if n == 1 else "ies")


def analyze(t: Tables, p: RoiParams) -> Result:
    deals = t["deals"]
    openai = deals.loc[deals["money_from"].eq("OpenAI") & deals["type"].isin(COMMITMENT_TYPES)]
    by_party = (
        openai.groupby("money_to")["amount_usd_bn"].sum(min_count=1).sort_values(ascending=False)
    )
    parties = counterparties(openai)
    disclosed_parties = parties.loc[parties["amount_disclosed"], "counterparty"].tolist()
    hidden_parties = parties.loc[~parties["amount_disclosed"], "counterparty"].tolist()
    ids = tuple(dict.fromkeys(openai["source_id"]))
    hidden_ids = (
        tuple(dict.fromkeys(openai.loc[openai["amount_usd_bn"].isna(), "source_id"].astype(str)))
        or ids
    )
    undisclosed = int(openai["amount_usd_bn"].isna().sum())
    disclosed_total = float(openai["amount_usd_bn"].sum())
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
    target = _openai_target(estimates)

    figures: list[KeyFigure] = [
        KeyFigure(
            "OpenAI compute and chip commitments with a disclosed amount",
            disclosed_total,
            "usd_bn",
            ids,
            claim_id="C26",
        ),
        KeyFigure(
            "Counterparties with a disclosed amount",
            float(len(disclosed_parties)),
            "count",
            ids,
            ", ".join(disclosed_parties),
        ),
        KeyFigure(
            "Counterparties with no disclosed amount",
            float(len(hidden_parties)),
            "count",
            hidden_ids,
            ", ".join(hidden_parties),
        ),
        KeyFigure("Deals with no disclosed amount", float(undisclosed), "count", hidden_ids),
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
    ]
    first_cover: int | None = None
    path_text = ""
    if stated is not None:
        figures.append(
            KeyFigure(
                f"OpenAI's stated commitments, over about {p.commitment_years} years",
                stated["commitments_usd_bn"],
                "usd_bn",
                (stated["source_id"],),
                f"${stated['yearly_commitments_usd_bn']:,.0f}bn a year if spread evenly "
                f"(an assumption: the terms are not disclosed)",
                claim_id="C26",
            )
        )
    if path is not None:
        reported = path.loc[path["kind"].eq("actual")]
        projected = path.loc[path["kind"].eq("projection")]
        if len(reported):
            year = int(reported.index[-1])
            figures.append(
                KeyFigure(
                    f"OpenAI revenue, {year} (reported)",
                    float(reported["revenue_usd_bn"].iloc[-1]),
                    "usd_bn",
                    (str(reported["source_id"].iloc[-1]),),
                    claim_id="C28",
                )
            )
        for year, row in projected.iterrows():
            figures.append(
                KeyFigure(
                    f"OpenAI revenue, {year} (OpenAI's projection)",
                    float(row["revenue_usd_bn"]),
                    "usd_bn",
                    (str(row["source_id"]),),
                )
            )
        if coverage is not None and stated is not None:
            cov = coverage.table.dropna()
            covered = cov.loc[cov["revenue_over_commitments"] >= 1]
            first_cover = int(covered.index[0]) if len(covered) else None
            path_ids = tuple(
                dict.fromkeys([*path["source_id"].dropna().astype(str), stated["source_id"]])
            )
            if len(cov):
                y0, y1 = int(cov.index[0]), int(cov.index[-1])
                figures.append(
                    KeyFigure(
                        f"OpenAI revenue over a year's commitments, {y0} / {y1}",
                        f"{cov['revenue_over_commitments'].iloc[0]:.0%} / "
                        f"{cov['revenue_over_commitments'].iloc[-1]:.0%}",
                        "text",
                        path_ids,
                        "revenue between sourced years is interpolated at constant growth",
                    )
                )
            if len(reported):
                last = float(reported["revenue_usd_bn"].iloc[-1])
                path_text = f" against ${last:,.0f}bn of revenue in {int(reported.index[-1])}; " + (
                    f"on its own projections revenue first covers a year's commitments in "
                    f"{first_cover}"
                    if first_cover is not None
                    else "on its own projections revenue covers no year's commitments "
                    f"through {int(path.index[-1])}"
                )
    if target is not None:
        figures.append(
            KeyFigure(
                f"Growth a year from {target.revenue_year} to the {target.target_year} target",
                target.growth,
                "share",
                (target.revenue_source_id, *claim_sources(claims, "C28")),
                claim_id="C28",
            )
        )
    if now is not None:
        spend_id = now["source_ids"][0]
        revenue_ids = tuple(str(r["source_id"]) for r in now["revenues"]) or (spend_id,)
        sellers = ", ".join(
            f"{r['subject']} {r['period']} ${float(r['value']):,.0f}bn" for r in now["revenues"]
        )
        figures += [
            KeyFigure(
                f"Revenue needed: NVIDIA data-centre revenue {now['spend_period']} "
                f"(${now['accelerator_spend_usd_bn']:,.1f}bn) x {now['datacenter_multiple']:g} "
                f"x {now['margin_multiple']:g}",
                float(now["required_revenue_usd_bn"]),
                "usd_bn",
                (spend_id,),
            ),
            KeyFigure(
                "Sourced AI revenue (a partial count)",
                float(now["sourced_ai_revenue_usd_bn"]),
                "usd_bn",
                revenue_ids,
                sellers,
            ),
            KeyFigure(
                "Revenue gap on the latest figures (at most)",
                float(now["gap_usd_bn"]),
                "usd_bn",
                tuple(now["source_ids"]),
            ),
        ]
    figures.append(KeyFigure(f"Hyperscaler capex, {latest}", capex, "usd_bn", cap_ids))
    for year, row in check.iterrows():
        figures.append(
            KeyFigure(
                f"Sequoia {year}: ${row['accelerator_spend_usd_bn']:,.0f}bn x "
                f"{row['datacenter_multiple']:g} x {row['margin_multiple']:g}, recomputed",
                float(row["required_recomputed_usd_bn"]),
                "usd_bn",
                tuple(str(row["sources"]).split(", ")),
                f"published ${row['required_published_usd_bn']:,.0f}bn, gap "
                f"${row['gap_published_usd_bn']:,.0f}bn",
            )
        )
    years = " and ".join(str(y) for y in check.index)
    note = f"ranges: a scenario choice spanning the {years} analyses"
    if p.range_list:
        note += f"; set here: {', '.join(p.range_list)}"
    figures.append(
        KeyFigure(
            f"Median revenue gap over Sequoia's input ranges ({p.draws:,} seeded draws)",
            median_gap,
            "usd_bn",
            tuple(dict.fromkeys(sid for cell in check["sources"] for sid in str(cell).split(", "))),
            note,
        )
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
    if stated is not None:
        opening = (
            f"OpenAI's chief executive puts its commitments at "
            f"${stated['commitments_usd_bn']:,.0f}bn (the debate cites {commitments_said.text}), "
            f"about ${stated['yearly_commitments_usd_bn']:,.0f}bn a year over "
            f"{p.commitment_years} years{path_text}."
        )
    else:
        opening = f"The debate cites {commitments_said.text} of OpenAI commitments."
    deals_text = (
        f" The deals in the table with a disclosed amount add to ${disclosed_total:,.0f}bn across "
        f"{_parties(len(disclosed_parties))}"
        + (
            f"; {_listing(hidden_parties)} ({_parties(len(hidden_parties))}) disclosed no amount"
            if hidden_parties
            else ""
        )
        + "."
    )
    target_text = (
        f" The {target_said.text} revenue target{target_year} (C28) needs "
        f"{target.growth:.0%} growth a year from ${target.revenue_usd_bn:,.1f}bn in "
        f"{target.revenue_year}."
        if target is not None
        else f" The debate cites a {target_said.text} revenue target{target_year} (C28)."
    )
    gap_text = (
        f" On the latest figures NVIDIA's ${now['accelerator_spend_usd_bn']:,.0f}bn of "
        f"data-centre revenue needs ${now['required_revenue_usd_bn']:,.0f}bn of end-user revenue "
        f"against ${now['sourced_ai_revenue_usd_bn']:,.0f}bn sourced (a partial count), a gap "
        f"of up to ${now['gap_usd_bn']:,.0f}bn;"
        if now is not None
        else ""
    )
    reading = (
        opening
        + deals_text
        + target_text
        + gap_text
        + f" Sequoia's {questions} questions {recompute}, and over their ranges the median gap is "
        f"${median_gap:,.0f}bn."
    )
    tables: list[tuple[str, pd.DataFrame]] = [
        ("OpenAI's compute and chip commitments by counterparty", parties),
    ]
    if path is not None:
        tables.append(
            (
                "OpenAI's revenue path against its stated commitments",
                revenue_against_commitments(path, coverage),
            )
        )
    tables.append(
        ("Sequoia's revenue gap recomputed from its published inputs", check.reset_index())
    )
    return Result(
        "roi",
        p,
        reading,
        tuple(figures),
        tables=tuple(tables),
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
            target,
            parties,
            commitments_said,
            target_said,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Charts

_DISCLOSED_COLOUR = "#1f77b4"
_UNDISCLOSED_COLOUR = "#7f7f7f"
_KIND_STYLE = {
    "actual": ("OpenAI revenue, reported", "circle"),
    "interpolated": ("OpenAI revenue, interpolated", "circle-open"),
    "projection": ("OpenAI revenue, its projection", "diamond"),
}


def _year_axis(fig: go.Figure) -> None:
    fig.update_xaxes(tickformat="d", dtick=1)


def counterparty_figure(d: RoiDetail) -> go.Figure:
    """Disclosed amounts by counterparty as bars; counterparties with no disclosed amount as a
    marked, labelled slot (no bar), so a missing amount never reads as zero."""
    parties = d.counterparties
    shown = parties.loc[parties["amount_disclosed"]]
    hidden = parties.loc[~parties["amount_disclosed"]]
    order = parties["counterparty"].tolist()[::-1]  # the largest at the top
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=shown["counterparty"],
            x=shown["disclosed_usd_bn"],
            orientation="h",
            name="Disclosed amount",
            marker_color=_DISCLOSED_COLOUR,
            text=[f"${v:,.0f}bn" for v in shown["disclosed_usd_bn"]],
            textposition="auto",
            customdata=shown[["deals", "undisclosed_deals", "sources"]].to_numpy(),
            hovertemplate=(
                "%{y}: $%{x:,.1f}bn over %{customdata[0]} deal(s); "
                "%{customdata[1]} without an amount<br>sources: %{customdata[2]}<extra></extra>"
            ),
        )
    )
    if len(hidden):
        fig.add_trace(
            go.Scatter(
                y=hidden["counterparty"],
                x=[0.0] * len(hidden),
                mode="markers+text",
                name="Amount undisclosed (deal signed, no figure)",
                marker={"symbol": "line-ns-open", "size": 16, "color": _UNDISCLOSED_COLOUR},
                text=["amount undisclosed"] * len(hidden),
                textposition="middle right",
                textfont={"color": _UNDISCLOSED_COLOUR},
                customdata=hidden[["deals", "sources"]].to_numpy(),
                hovertemplate=(
                    "%{y}: %{customdata[0]} deal(s), no amount disclosed"
                    "<br>sources: %{customdata[1]}<extra></extra>"
                ),
            )
        )
    n_shown, n_hidden = len(shown), len(hidden)
    title = (
        f"OpenAI's deals disclose ${float(shown['disclosed_usd_bn'].sum()):,.0f}bn across "
        f"{_parties(n_shown)}"
        + (
            f"; {n_hidden} more ({_listing(hidden['counterparty'].tolist())}) disclose no amount"
            if n_hidden
            else ""
        )
    )
    style(
        fig,
        title=title,
        x_title="Disclosed commitments (USD bn)",
        y_title="Counterparty",
        height=120 + 34 * len(parties),
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_xaxes(rangemode="tozero")
    return fig


def revenue_path_figure(d: RoiDetail) -> go.Figure | None:
    """OpenAI's revenue by year (reported, interpolated, projected) against a year's share of its
    stated commitments, with the debate's ~$100bn target (C28)."""
    if d.revenue_path is None:
        return None
    path = d.revenue_path
    fig = go.Figure()
    if d.coverage is not None and d.openai is not None:
        yearly = d.coverage.table["commitments_usd_bn"]
        fig.add_trace(
            go.Bar(
                x=list(yearly.index),
                y=yearly.to_numpy(),
                name=(
                    f"Commitments: ${d.openai['commitments_usd_bn']:,.0f}bn spread over "
                    f"{d.openai['term_years']} years"
                ),
                marker_color="rgba(127,127,127,0.35)",
                hovertemplate="%{x}: $%{y:,.0f}bn of commitments<extra></extra>",
            )
        )
    line_x = list(path.index)
    fig.add_trace(
        go.Scatter(
            x=line_x,
            y=path["revenue_usd_bn"].to_numpy(),
            mode="lines",
            line={"color": _DISCLOSED_COLOUR, "width": 2},
            name="OpenAI revenue path",
            legendgroup="revenue",
            showlegend=False,  # drawn with the reported figures' legend entry
            hoverinfo="skip",
        )
    )
    for kind, (name, symbol) in _KIND_STYLE.items():
        rows = path.loc[path["kind"].eq(kind)]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=list(rows.index),
                y=rows["revenue_usd_bn"].to_numpy(),
                mode="markers",
                marker={"symbol": symbol, "size": 10, "color": _DISCLOSED_COLOUR},
                name=name,
                legendgroup="revenue" if kind == "actual" else kind,
                customdata=rows["source_id"].fillna("computed between sourced years").to_numpy(),
                hovertemplate="%{x}: $%{y:,.1f}bn (%{customdata})<extra></extra>",
            )
        )
    said = d.target_said
    if said is not None and not pd.isna(said.usd_bn):
        when = f" by {said.year}" if said.year is not None else ""
        claimed_line(fig, said.usd_bn, said.claim_id, f"{said.text} revenue{when}")
    title = "OpenAI's revenue by year"
    if d.coverage is not None and d.openai is not None:
        cov = d.coverage.table.dropna()
        covered = cov.loc[cov["revenue_over_commitments"] >= 1]
        yearly_bn = d.openai["yearly_commitments_usd_bn"]
        if len(covered):
            title = (
                f"On its own projections OpenAI's revenue first exceeds a year's "
                f"${yearly_bn:,.0f}bn of commitments in {int(covered.index[0])}"
            )
        else:
            title = (
                f"On its own projections OpenAI's revenue stays below a year's "
                f"${yearly_bn:,.0f}bn of commitments through {int(path.index[-1])}"
            )
    style(fig, title=title, x_title="Year", y_title="USD bn a year")
    _year_axis(fig)
    return fig


def cumulative_figure(d: RoiDetail) -> go.Figure | None:
    """Commitments and revenue added up from the start of the term, against the debate's ~$1.4tn
    (C26) and the sum of the deals with a disclosed amount."""
    if d.coverage is None or d.openai is None:
        return None
    table = d.coverage.table
    committed = table["commitments_usd_bn"].cumsum()
    earned = table["revenue_usd_bn"].dropna().cumsum()
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=list(committed.index),
            y=committed.to_numpy(),
            mode="lines+markers",
            name="Commitments to date (spread evenly)",
            line={"color": "#7f7f7f", "width": 2},
            hovertemplate="%{x}: $%{y:,.0f}bn committed<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(earned.index),
            y=earned.to_numpy(),
            mode="lines+markers",
            name="OpenAI revenue to date (reported, interpolated, projected)",
            line={"color": _DISCLOSED_COLOUR, "width": 3},
            hovertemplate="%{x}: $%{y:,.0f}bn earned<extra></extra>",
        )
    )
    said = d.commitments_said
    if said is not None and not pd.isna(said.usd_bn):
        claimed_line(fig, said.usd_bn, said.claim_id, f"{said.text} of commitments")
    disclosed = float(d.openai_deals["amount_usd_bn"].sum())
    reference_line(fig, disclosed, f"Deals with a disclosed amount: ${disclosed:,.0f}bn")
    start = int(table.index[0])
    if len(earned):
        end = int(earned.index[-1])
        share = float(earned.iloc[-1] / committed.loc[end])
        title = (
            f"From {start} to {end} OpenAI's revenue adds to ${float(earned.iloc[-1]):,.0f}bn, "
            f"{share:.0%} of the ${float(committed.loc[end]):,.0f}bn committed by then"
        )
    else:
        title = f"OpenAI's commitments add up from {start}; no revenue figure covers the term"
    style(fig, title=title, x_title="Year", y_title=f"USD bn, added up from {start}")
    _year_axis(fig)
    return fig


def gap_figure(d: RoiDetail) -> go.Figure:
    """Revenue needed against AI revenue: Sequoia's 2023 and 2024 analyses and the latest
    figures (NVIDIA's latest data-centre revenue against the sourced AI revenues)."""
    labels = [f"Sequoia {year}" for year in d.sequoia.index]
    needed = d.sequoia["required_published_usd_bn"].tolist()
    have = d.sequoia["implied_ai_revenue_usd_bn"].tolist()
    sources = d.sequoia["sources"].astype(str).tolist()
    now = d.current
    if now is not None:
        labels.append(f"Latest ({now['spend_period']} chips)")
        needed.append(float(now["required_revenue_usd_bn"]))
        have.append(float(now["sourced_ai_revenue_usd_bn"]))
        sources.append(", ".join(now["source_ids"]))
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=needed,
            name="Revenue needed (accelerator spend x 2 x 2)",
            marker_color="#7f7f7f",
            text=[f"${v:,.0f}bn" for v in needed],
            textposition="outside",
            customdata=sources,
            hovertemplate="%{x}: $%{y:,.0f}bn needed<br>sources: %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=have,
            name="AI revenue (Sequoia's estimate; latest: sourced, partial)",
            marker_color=_DISCLOSED_COLOUR,
            text=[f"${v:,.0f}bn" for v in have],
            textposition="outside",
            customdata=sources,
            hovertemplate="%{x}: $%{y:,.0f}bn of AI revenue<br>sources: %{customdata}<extra></extra>",
        )
    )
    if now is not None:
        title = (
            f"The latest chip spend needs ${now['required_revenue_usd_bn']:,.0f}bn of revenue "
            f"against ${now['sourced_ai_revenue_usd_bn']:,.0f}bn sourced: a gap of up to "
            f"${now['gap_usd_bn']:,.0f}bn"
        )
    else:
        title = (
            f"Sequoia's revenue gap grew to ${float(d.sequoia['gap_published_usd_bn'].iloc[-1]):,.0f}bn "
            f"by {int(d.sequoia.index[-1])}"
        )
    style(fig, title=title, x_title="Analysis", y_title="USD bn a year")
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, max(needed) * 1.15])
    return fig


def chart(r: Result) -> list[go.Figure]:
    d: RoiDetail = r.detail
    figures = [counterparty_figure(d), revenue_path_figure(d), cumulative_figure(d), gap_figure(d)]
    return [f for f in figures if f is not None]


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
