"""The ``depreciation`` section: what longer server lives add to profit, and how long a GPU earns."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bubblewatch.models import depreciation as dep
from bubblewatch.models.depreciation.critics import life_for_total
from bubblewatch.models.depreciation.disclosures import TOLERANCE
from bubblewatch.models.gpu import assumptions_frame
from bubblewatch.models.gpu.defaults import default_fleet, gpu_life, rental_quotes, trend
from bubblewatch.models.gpu.fleet import simulate
from bubblewatch.report.assessment import Evidence, Section

Tables = Mapping[str, pd.DataFrame]
PATHS = ("observed", "generational", "flat")


def _ids(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sid for g in groups for sid in g if sid))


def build_depreciation(t: Tables) -> Section:
    """Profit under alternative lives, the disclosed-effect check, the critics' figure, GPU life."""
    financials, lives_table = t["financials"], t["useful_lives"]
    inputs = dep.hyperscaler_inputs(financials, lives_table)
    results = {c: dep.sensitivity(inp) for c, inp in inputs.items()}
    check = dep.disclosed_effects(lives_table, inputs)
    critics = dep.understatement(financials, inputs)
    estimates = t["estimates"].set_index("estimate_id")
    burry = estimates.loc["burry_2025_understated_depreciation"]
    implied = life_for_total(financials, inputs, float(burry["value"]))
    accel = t["accelerators"]
    gpu = {p: gpu_life(accel, price_path=p) for p in PATHS}
    fitted = trend(accel)
    scenario, fleet_inputs = default_fleet(accel)
    cascade = simulate(scenario)

    last = {c: r.table.dropna(subset=["operating_income"]).iloc[-1] for c, r in results.items()}
    benefit = sum(float(row["life_change_benefit"]) for row in last.values())
    oi = sum(float(row["operating_income"]) for row in last.values())
    income_ids = _ids(*[inp.source_ids.get("operating_income", ()) for inp in inputs.values()])
    model_ids = _ids(
        *[
            inp.source_ids.get(k, ())
            for inp in inputs.values()
            for k in ("capex", "server_share", "useful_lives")
        ]
    )
    evidence = [
        Evidence(
            "Latest fiscal year: operating income the life changes add, five hyperscalers",
            benefit,
            "usd_bn",
            _ids(model_ids, income_ids),
            "model: server capex depreciated under reported lives vs each firm's initial life",
        ),
        Evidence(
            "as a share of their operating income",
            benefit / oi,
            "share",
            _ids(model_ids, income_ids),
        ),
    ]
    for company, r in results.items():
        row = last[company]
        evidence.append(
            Evidence(
                f"{company} {row['period']}: operating income with 3-year / reported lives",
                f"${row['operating_income_3y']:,.1f}bn / ${row['operating_income']:,.1f}bn",
                "text",
                _ids(inputs[company].source_ids.get("operating_income", ()), model_ids),
            )
        )
        if not pd.isna(r.growth_share):
            first, final, complete = r.growth_span
            evidence.append(
                Evidence(
                    f"{company}: share of operating-income growth {first}-{final} from life changes",
                    r.growth_share,
                    "share",
                    _ids(inputs[company].source_ids.get("operating_income", ()), model_ids),
                    ""
                    if complete
                    else "capex history shorter than the longest life: early vintages missing",
                )
            )
    within = int((check.table["relative_error"].abs() <= TOLERANCE).sum())
    evidence += [
        Evidence(
            f"Disclosed life-change effects the engine estimates within {TOLERANCE:.0%}",
            f"{within} of {len(check.table)}",
            "text",
            _ids(list(check.table["source_id"]), model_ids),
        ),
        Evidence(
            "Critics' figure: understated depreciation 2026-2028 (Burry)",
            float(burry["value"]),
            "usd_bn",
            (str(burry["source_id"]),),
        ),
        Evidence(
            "Model, servers living 3 years, capex flat at 2026 guidance",
            critics.total,
            "usd_bn",
            _ids(critics.source_ids),
        ),
        Evidence(
            "Server life at which the model gives the critics' $176bn",
            implied,
            "years",
            _ids(critics.source_ids, (str(burry["source_id"]),)),
        ),
        Evidence(
            f"H100 on-demand rent, trend of {fitted.quotes} quotes "
            f"{fitted.first:%Y-%m} to {fitted.last:%Y-%m}",
            fitted.yearly_change,
            "share",
            fitted.source_ids,
            "fitted yearly change",
        ),
    ]
    for p, life in gpu.items():
        cash = (
            f"year {life.cash_breakeven_year}"
            if life.cash_breakeven_year
            else f"beyond year {len(life.table)}"
        )
        evidence.append(
            Evidence(
                f"H100 economic life, {p} rents: cash breakeven / closest straight line",
                f"{cash} / {life.matched_straight_line_life:g} years",
                "text",
                _ids(life.path.source_ids, [a.source_id or "" for a in life.assumptions.values()]),
            )
        )
    evidence.append(
        Evidence(
            "Fleet cascade: mean age at retirement of retired vintages",
            cascade.economic_life,
            "years",
            _ids([a.source_id or "" for a in fleet_inputs.values()]),
            "scenario: tiers, utilisation and purchases are user choices",
        )
    )
    claim = t["claims"].loc[t["claims"]["claim_id"].isin(["C10", "C11", "C12"])]
    tpu = estimates.loc["vahdat_2025_tpu_age"]
    evidence.append(
        Evidence(
            "Google: oldest TPUs said to run at full use (C11)",
            float(tpu["value"]),
            "years",
            _ids((str(tpu["source_id"]),), list(claim["source_id"])),
        )
    )

    figure = _figure(results, check, gpu, accel)
    observed = gpu["observed"]
    generational = gpu["generational"]
    lo = min(generational.matched_straight_line_life, observed.matched_straight_line_life)
    hi = max(generational.matched_straight_line_life, observed.matched_straight_line_life)
    if lo <= 6 <= hi:
        verdict = "six years lies inside that range, so it holds only if compute keeps its price"
    elif hi < 6:
        verdict = "six years is longer than either"
    else:
        verdict = "six years is shorter than either"
    horizon = len(observed.table)
    reading = (
        f"Longer server lives add ${benefit:,.1f}bn ({benefit / oi:.1%}) to the five hyperscalers' "
        f"latest operating income, and the engine matches {within} of {len(check.table)} disclosed "
        f"effects within {TOLERANCE:.0%}; the critics' ${float(burry['value']):,.0f}bn for 2026-2028 "
        f"needs servers to last about {implied:g} years. On its observed rent trend "
        f"({fitted.yearly_change:+.0%} a year) an H100 "
        + (
            f"still covers its running cost after {horizon} years"
            if observed.cash_breakeven_year is None
            else f"stops covering its running cost in year {observed.cash_breakeven_year}"
        )
        + (
            f"; if each generation halves the price of compute it stops in year "
            f"{generational.cash_breakeven_year}"
            if generational.cash_breakeven_year is not None
            else ""
        )
        + f". Over {horizon} years its value in use falls like a {lo:g}- to {hi:g}-year straight "
        f"line: {verdict}."
    )
    disclosed = check.table.assign(
        relative_error=check.table["relative_error"].map(lambda v: f"{v:+.0%}"),
        disclosed_usd_bn=check.table["disclosed_usd_bn"].round(2),
        estimate_usd_bn=check.table["estimate_usd_bn"].round(2),
        effective_date=check.table["effective_date"].dt.strftime("%Y-%m-%d"),
    )[
        [
            "change_id",
            "company",
            "basis",
            "old_years",
            "new_years",
            "period",
            "disclosed_usd_bn",
            "estimate_usd_bn",
            "relative_error",
            "explanation",
            "source_id",
        ]
    ]
    assumptions = assumptions_frame(observed.assumptions.values())
    fleet_table = assumptions_frame(fleet_inputs.values())
    model_assumptions = pd.DataFrame(
        [
            {
                "assumption": "server_share",
                "value": "PP&E note, by year",
                "unit": "share",
                "meaning": "servers and network equipment over gross PP&E, applied to capex",
                "source": "financials: ppe_servers_network_gross / ppe_gross_total",
            },
            {
                "assumption": "convention",
                "value": "full month",
                "unit": "",
                "meaning": "capex spread evenly over the fiscal year, in service from its month",
                "source": "scenario choice",
            },
            {
                "assumption": "tax_rate",
                "value": "effective",
                "unit": "share",
                "meaning": "reported tax over pretax income, for EPS",
                "source": "financials: income_tax / pretax_income",
            },
            {
                "assumption": "true_life (critics)",
                "value": critics.true_life,
                "unit": "years",
                "meaning": "upper end of the critics' 2-3 year product cycle",
                "source": str(burry["source_id"]),
            },
            {
                "assumption": "capex 2026 (critics)",
                "value": "guidance midpoint",
                "unit": "usd_bn",
                "meaning": (
                    "each company's 2026 capex guidance, placed in the fiscal year after its last "
                    "reported one; Microsoft's (calendar 2026) and Meta's include finance leases, "
                    "so their server capex is overstated against the cash-capex history"
                ),
                "source": "financials: capex_guidance_low / capex_guidance_high",
            },
            {
                "assumption": "capex_growth (critics)",
                "value": critics.capex_growth,
                "unit": "share",
                "meaning": "capex after the 2026 guidance midpoint",
                "source": "scenario choice",
            },
        ]
    )
    grid = critics.grid.copy()
    grid.columns = [f"capex {g:+.0%}/yr" for g in grid.columns]
    grid = grid.round(0).reset_index().rename(columns={"true_life": "true life (years)"})
    return Section(
        "depreciation",
        "GPU depreciation: 4 years or 6?",
        "Do longer server lives inflate profits, and how long does a GPU really earn?",
        reading,
        tuple(evidence),
        figure,
        headline=0,
        tables=(
            ("Disclosed useful-life effects against the engine (USD bn, pre-tax)", disclosed),
            (
                "Critics' understated depreciation 2026-2028 (USD bn) by true life and capex growth",
                grid,
            ),
            ("Depreciation model assumptions", model_assumptions),
            ("GPU cash-flow assumptions", assumptions),
            ("Fleet cascade assumptions", fleet_table),
        ),
    )


def _figure(
    results: Mapping[str, dep.ProfitSensitivity],
    check: dep.DisclosureCheck,
    gpu: Mapping[str, object],
    accel: pd.DataFrame,
) -> go.Figure:
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=(
            "Operating income, five hyperscalers (USD bn)",
            "Disclosed vs estimated life-change effects (USD bn)",
            "H100: share of value left, economic vs straight-line",
            "H100 on-demand rent (USD per GPU-hour)",
        ),
        vertical_spacing=0.14,
    )
    frames = [r.table.dropna(subset=["operating_income"]) for r in results.values()]
    common = sorted(set.intersection(*[{d.year for d in f.index} for f in frames]))
    for column, name in (
        ("operating_income", "reported lives"),
        ("operating_income_3y", "3-year"),
        ("operating_income_4y", "4-year"),
        ("operating_income_6y", "6-year"),
    ):
        totals = [
            sum(float(f.loc[[d for d in f.index if d.year == y], column].iloc[0]) for f in frames)
            for y in common
        ]
        fig.add_trace(go.Scatter(x=common, y=totals, name=name, legendgroup="oi"), row=1, col=1)
    tab = check.table
    fig.add_trace(
        go.Bar(
            x=tab["change_id"] + " " + tab["basis"].str[0],
            y=tab["disclosed_usd_bn"],
            name="disclosed",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Bar(
            x=tab["change_id"] + " " + tab["basis"].str[0], y=tab["estimate_usd_bn"], name="engine"
        ),
        row=1,
        col=2,
    )
    for name, life in gpu.items():
        table = life.table  # type: ignore[attr-defined]
        fig.add_trace(
            go.Scatter(
                x=table.index, y=table["economic_book_share"], name=f"economic, {name} rents"
            ),
            row=2,
            col=1,
        )
    table = gpu["observed"].table  # type: ignore[attr-defined]
    for life_years in (4, 5, 6):
        fig.add_trace(
            go.Scatter(
                x=table.index,
                y=table[f"straight_line_{life_years}y"],
                name=f"straight-line {life_years}y",
                line={"dash": "dot"},
            ),
            row=2,
            col=1,
        )
    quotes = rental_quotes(accel)
    fig.add_trace(
        go.Scatter(
            x=quotes["date"],
            y=quotes["value"],
            mode="markers",
            name="H100 quotes",
            text=quotes["provider"],
        ),
        row=2,
        col=2,
    )
    fitted = trend(accel)
    dates = pd.date_range(fitted.first, fitted.last, freq="MS")
    fig.add_trace(
        go.Scatter(x=dates, y=[fitted.price_at(d) for d in dates], name="log-linear trend"),
        row=2,
        col=2,
    )
    fig.update_layout(template="plotly_white", height=900, barmode="group")
    fig.update_yaxes(tickformat=".0%", row=2, col=1)
    return fig
