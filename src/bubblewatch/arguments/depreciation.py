"""The ``depreciation`` argument: do longer server lives inflate profits, and how long does a GPU earn?

The vintage engine of :mod:`bubblewatch.models.depreciation` gives each hyperscaler's operating
income under its reported server lives and under constant alternatives, its estimate of every
disclosed life-change effect, and the critics' 2026-2028 figure rebuilt from stated assumptions
(C10); :mod:`bubblewatch.models.gpu` gives an H100's economic life under three rent paths, the
trend of its on-demand rent (C12) and a fleet cascaded from training to inference (C11).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from bubblewatch.arguments.params import Params, knob
from bubblewatch.arguments.registry import Argument, Tables, register
from bubblewatch.arguments.result import KeyFigure, Result
from bubblewatch.arguments.signals import Lean, Signal, lean_by, ranked, share_below
from bubblewatch.charts import CLAIM_COLOUR, REFERENCE_COLOUR, claimed_line, style
from bubblewatch.frames import claim_sources
from bubblewatch.models import depreciation as dep
from bubblewatch.models.depreciation.critics import (
    GUIDANCE_METRICS,
    YEARS,
    guidance_midpoint,
    life_for_total,
)
from bubblewatch.models.depreciation.disclosures import TOLERANCE
from bubblewatch.models.depreciation.inputs import FISCAL_YEAR, SHARE_METRICS
from bubblewatch.models.depreciation.schedule import MAX_LIFE_YEARS
from bubblewatch.models.gpu import (
    AcceleratorLife,
    Assumption,
    FleetResult,
    PriceTrend,
    assumptions_frame,
    fit_trend,
    simulate,
)
from bubblewatch.models.gpu.defaults import (
    HORIZON_YEARS,
    default_assumptions,
    default_fleet,
    gpu_life,
    rental_quotes,
)
from bubblewatch.models.gpu.economics import STRAIGHT_LINES
from bubblewatch.universe import HYPERSCALERS

ALL = "all"
PRICE_PATHS = ("observed", "generational", "flat")
"""The rent paths an H100's economic life is shown under (the first is the ``gpu-life`` default)."""
CRITICS_ESTIMATE = "burry_2025_understated_depreciation"
TPU_ESTIMATE = "vahdat_2025_tpu_age"
CLAIMS = ("C10", "C11", "C12")
"""The claims whose sources the TPU figure cites beside Google's statement."""

_NUMBERS = r"\s*\d+(?:\.\d+)?\s*(?:,\s*\d+(?:\.\d+)?\s*)*"
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class DepreciationParams(Params):
    argument = "depreciation"
    company: str = knob(
        ALL,
        unit="company",
        doc="One hyperscaler, or all of them.",
        choices=(ALL, *HYPERSCALERS),
    )
    life: str = knob(
        "3,4,5,6",
        unit="years",
        doc="Alternative server lives, comma-separated, set against the reported ones.",
        pattern=_NUMBERS,
    )
    tax: str = knob(
        "effective",
        unit="share",
        doc="'effective' (reported tax over pretax income, year by year) or one rate such as 0.21.",
        pattern=r"effective|0(?:\.\d+)?|\.\d+",
    )
    true_life: float = knob(
        3.0,
        unit="years",
        doc="The critics' server life for their 2026-2028 understated depreciation.",
        low=1.0,
        high=MAX_LIFE_YEARS,
    )
    capex_growth: float = knob(
        0.0,
        unit="share",
        doc="Capex growth a year after the 2026 guidance midpoint (the critics' figure).",
        low=-0.9,
        high=5.0,
    )
    book_life: float = knob(
        6.0,
        unit="years",
        doc="The server life the platforms book, set against an H100's economic life.",
        low=1.0,
        high=15.0,
    )
    gpu_years: int = knob(
        HORIZON_YEARS,
        unit="years",
        doc="Years of an H100's life modelled.",
        low=1,
        high=30,
    )

    @property
    def lives(self) -> tuple[float, ...]:
        """The alternative lives, in years."""
        return tuple(float(x) for x in self.life.split(","))

    @property
    def tax_rate(self) -> str | float:
        """``"effective"`` or the rate."""
        return self.tax if self.tax == "effective" else float(self.tax)

    @property
    def companies(self) -> tuple[str, ...]:
        return HYPERSCALERS if self.company == ALL else (self.company,)


@dataclass(frozen=True)
class DepreciationView:
    """The model output behind the figures: profits, disclosures, the critics, GPU economics.

    A part whose data the store lacks (as of an earlier date, say) is empty or None, and its
    figures are left out; the GPU part is always there.
    """

    inputs: Mapping[str, dep.CompanyInputs]
    companies: Mapping[str, dep.ProfitSensitivity]
    disclosed: dep.DisclosureCheck | None
    critics: dep.Understatement | None
    critics_life: float
    """The server life at which the model gives the critics' total (NaN without it)."""
    quotes: pd.DataFrame
    trend: PriceTrend
    gpu: Mapping[str, AcceleratorLife]
    fleet: FleetResult
    fleet_assumptions: Mapping[str, Assumption]
    absent: tuple[str, ...] = ()
    """What the store lacks for the parts left out."""
    critics_figure: float = float("nan")
    """The critics' understated depreciation (USD bn; NaN without it in the estimates)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "companies": {c: r.to_dict() for c, r in self.companies.items()},
            "disclosed_effects": None if self.disclosed is None else self.disclosed.to_dict(),
            "critics": None if self.critics is None else self.critics.to_dict(),
            "critics_life_years": self.critics_life,
            "critics_figure_usd_bn": self.critics_figure,
            "rent_trend": self.trend.to_dict(),
            "accelerator": {path: life.to_dict() for path, life in self.gpu.items()},
            "fleet": self.fleet.to_dict(),
            "fleet_assumptions": [a.to_dict() for a in self.fleet_assumptions.values()],
            "absent": list(self.absent),
        }


def _ids(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sid for g in groups for sid in g if sid))


def _words(value: float) -> str:
    """``6.0 -> "six"``; numbers past ten, or not whole, as figures."""
    whole = float(value).is_integer() and 0 <= value < len(_WORDS)
    return _WORDS[int(value)] if whole else f"{value:g}"


def _absent_inputs(
    financials: pd.DataFrame, useful_lives: pd.DataFrame, companies: tuple[str, ...]
) -> tuple[str, ...]:
    """What the store lacks of the engine's inputs for ``companies`` (empty when complete)."""
    fiscal = financials.loc[financials["period"].astype(str).str.fullmatch(FISCAL_YEAR)]
    have = set(zip(fiscal["entity"], fiscal["metric"], strict=True))
    lives = set(useful_lives["company"])
    missing = [f"{c} server lives" for c in companies if c not in lives]
    missing += [
        f"{c} {metric}"
        for c in companies
        for metric in ("capex", *SHARE_METRICS)
        if (c, metric) not in have
    ]
    return tuple(missing)


def _guidance(
    financials: pd.DataFrame, companies: tuple[str, ...]
) -> dict[str, tuple[str, float, tuple[str, ...]]] | None:
    """Each company's capex guidance midpoint, or None when one has none in the store."""
    guided = set(financials.loc[financials["metric"].isin(GUIDANCE_METRICS), "entity"])
    if not set(companies) <= guided:
        return None
    return {c: guidance_midpoint(financials, c) for c in companies}


def _estimate(estimates: pd.DataFrame, estimate_id: str) -> pd.Series | None:
    return estimates.loc[estimate_id] if estimate_id in estimates.index else None


def _model(t: Tables, p: DepreciationParams) -> DepreciationView:
    """Every model entry point, each called once per distinct input."""
    financials, lives_table, accel = t["financials"], t["useful_lives"], t["accelerators"]
    absent = _absent_inputs(financials, lives_table, HYPERSCALERS)
    inputs: dict[str, dep.CompanyInputs] = {}
    results: dict[str, dep.ProfitSensitivity] = {}
    check = critics = None
    implied = figure = float("nan")
    if not absent:
        inputs = dep.hyperscaler_inputs(financials, lives_table)
        chosen = {c: inputs[c] for c in p.companies}
        results = {c: dep.sensitivity(inp, p.lives, tax=p.tax_rate) for c, inp in chosen.items()}
        check = dep.disclosed_effects(lives_table, chosen)
        guidance = _guidance(financials, HYPERSCALERS)
        if guidance is None:
            absent += ("capex guidance",)
        else:
            critics = dep.understatement(
                financials,
                inputs,
                true_life=p.true_life,
                capex_growth=p.capex_growth,
                guidance=guidance,
            )
            burry = _estimate(t["estimates"].set_index("estimate_id"), CRITICS_ESTIMATE)
            if burry is not None:
                figure = float(burry["value"])
                implied = life_for_total(
                    financials,
                    inputs,
                    float(burry["value"]),
                    capex_growth=p.capex_growth,
                    projections=critics.projections,
                )
    quotes = rental_quotes(accel)
    fitted = fit_trend(quotes)
    defaults = default_assumptions(accel)
    gpu = {
        path: gpu_life(
            accel, price_path=path, years=p.gpu_years, assumptions=defaults, fitted=fitted
        )
        for path in PRICE_PATHS
    }
    scenario, fleet_inputs = default_fleet(accel, assumptions=defaults, fitted=fitted)
    return DepreciationView(
        inputs,
        results,
        check,
        critics,
        implied,
        quotes,
        fitted,
        gpu,
        simulate(scenario),
        fleet_inputs,
        absent,
        figure,
    )


def _profit_figures(
    v: DepreciationView, p: DepreciationParams, check: dep.DisclosureCheck
) -> tuple[list[KeyFigure], str]:
    """The figures of the life changes' effect on profits, and the reading's first sentence."""
    chosen = {c: v.inputs[c] for c in v.companies}
    short = min(p.lives)
    scope = f"{_words(len(chosen))} hyperscalers" if p.company == ALL else p.company
    whose = f"the {scope}'" if p.company == ALL else f"{p.company}'s"
    last = {c: r.table.dropna(subset=["operating_income"]).iloc[-1] for c, r in v.companies.items()}
    benefit = sum(float(row["life_change_benefit"]) for row in last.values())
    oi = sum(float(row["operating_income"]) for row in last.values())
    income_ids = _ids(*[inp.source_ids.get("operating_income", ()) for inp in chosen.values()])
    model_ids = _ids(
        *[
            inp.source_ids.get(k, ())
            for inp in chosen.values()
            for k in ("capex", "server_share", "useful_lives")
        ]
    )
    figures = [
        KeyFigure(
            f"Latest fiscal year: operating income the life changes add, {scope}",
            benefit,
            "usd_bn",
            _ids(model_ids, income_ids),
            "model: server capex depreciated under reported lives vs each firm's initial life",
            claim_id="C10",
        ),
        KeyFigure(
            "as a share of their operating income",
            benefit / oi,
            "share",
            _ids(model_ids, income_ids),
            claim_id="C10",
        ),
    ]
    for company, r in v.companies.items():
        row = last[company]
        company_ids = _ids(chosen[company].source_ids.get("operating_income", ()), model_ids)
        figures.append(
            KeyFigure(
                f"{company} {row['period']}: operating income with {short:g}-year / reported lives",
                f"${row[f'operating_income_{short:g}y']:,.1f}bn / ${row['operating_income']:,.1f}bn",
                "text",
                company_ids,
                claim_id="C10",
            )
        )
        if not pd.isna(r.growth_share):
            first, final, complete = r.growth_span
            figures.append(
                KeyFigure(
                    f"{company}: share of operating-income growth {first}-{final} from life changes",
                    r.growth_share,
                    "share",
                    company_ids,
                    ""
                    if complete
                    else "capex history shorter than the longest life: early vintages missing",
                    claim_id="C10",
                )
            )
    within = int((check.table["relative_error"].abs() <= TOLERANCE).sum())
    figures.append(
        KeyFigure(
            f"Disclosed life-change effects the engine estimates within {TOLERANCE:.0%}",
            f"{within} of {len(check.table)}",
            "text",
            _ids(list(check.table["source_id"]), model_ids),
        )
    )
    reading = (
        f"Longer server lives add ${benefit:,.1f}bn ({benefit / oi:.1%}) to {whose} "
        f"latest operating income, and the engine matches {within} of {len(check.table)} disclosed "
        f"effects within {TOLERANCE:.0%}"
    )
    return figures, reading


def _critics_figures(
    v: DepreciationView, p: DepreciationParams, burry: pd.Series | None
) -> tuple[list[KeyFigure], str]:
    """The critics' figure beside the model's, and the clause the reading gives them."""
    span = f"{YEARS[0]}-{YEARS[-1]}"
    model_ids = _ids(
        *[
            inp.source_ids.get(k, ())
            for inp in v.inputs.values()
            for k in ("capex", "server_share", "useful_lives")
        ]
    )
    critics_ids = model_ids if v.critics is None else _ids(v.critics.source_ids)
    note = "" if v.critics is not None else "no 2026 capex guidance in the data"
    figures = []
    if burry is not None:
        figures.append(
            KeyFigure(
                f"Critics' figure: understated depreciation {span} (Burry)",
                float(burry["value"]),
                "usd_bn",
                (str(burry["source_id"]),),
            )
        )
    capex = (
        f"flat at {YEARS[0]} guidance"
        if p.capex_growth == 0
        else f"at {YEARS[0]} guidance, then {p.capex_growth:+.0%} a year"
    )
    figures.append(
        KeyFigure(
            f"Model, servers living {p.true_life:g} years, capex {capex}",
            float("nan") if v.critics is None else v.critics.total,
            "usd_bn",
            critics_ids,
            note,
        )
    )
    if burry is None:
        return figures, ""
    figures.append(
        KeyFigure(
            f"Server life at which the model gives the critics' ${float(burry['value']):,.0f}bn",
            v.critics_life,
            "years",
            _ids(critics_ids, (str(burry["source_id"]),)),
            note,
        )
    )
    if v.critics is None:
        return figures, ""
    return figures, (
        f"; the critics' ${float(burry['value']):,.0f}bn for {span} needs servers to last "
        f"about {v.critics_life:g} years"
    )


def _gpu_figures(v: DepreciationView, t: Tables, tpu: pd.Series | None) -> list[KeyFigure]:
    """The rent trend, an H100's economic life on each path, the fleet and Google's TPUs."""
    fitted = v.trend
    figures = [
        KeyFigure(
            f"H100 on-demand rent, trend of {fitted.quotes} quotes "
            f"{fitted.first:%Y-%m} to {fitted.last:%Y-%m}",
            fitted.yearly_change,
            "share",
            fitted.source_ids,
            "fitted yearly change",
            claim_id="C12",
        )
    ]
    for path, life in v.gpu.items():
        cash = (
            f"year {life.cash_breakeven_year}"
            if life.cash_breakeven_year
            else f"beyond year {len(life.table)}"
        )
        figures.append(
            KeyFigure(
                f"H100 economic life, {path} rents: cash breakeven / closest straight line",
                f"{cash} / {life.matched_straight_line_life:g} years",
                "text",
                _ids(life.path.source_ids, [a.source_id or "" for a in life.assumptions.values()]),
                claim_id="C11",
            )
        )
    figures.append(
        KeyFigure(
            "Fleet cascade: mean age at retirement of retired vintages",
            v.fleet.economic_life,
            "years",
            _ids([a.source_id or "" for a in v.fleet_assumptions.values()]),
            "scenario: tiers, utilisation and purchases are user choices",
            claim_id="C11",
        )
    )
    if tpu is not None:
        figures.append(
            KeyFigure(
                "Google: oldest TPUs said to run at full use (C11)",
                float(tpu["value"]),
                "years",
                _ids((str(tpu["source_id"]),), claim_sources(t["claims"], *CLAIMS)),
                claim_id="C11",
            )
        )
    return figures


def _gpu_reading(v: DepreciationView, p: DepreciationParams) -> str:
    observed, generational = v.gpu["observed"], v.gpu["generational"]
    lo = min(generational.matched_straight_line_life, observed.matched_straight_line_life)
    hi = max(generational.matched_straight_line_life, observed.matched_straight_line_life)
    book = f"{_words(p.book_life)} years"
    if lo <= p.book_life <= hi:
        verdict = f"{book} lies inside that range, so it holds only if compute keeps its price"
    elif hi < p.book_life:
        verdict = f"{book} is longer than either"
    else:
        verdict = f"{book} is shorter than either"
    horizon = len(observed.table)
    return (
        f"On its observed rent trend ({v.trend.yearly_change:+.0%} a year) an H100 "
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


def analyze(t: Tables, p: DepreciationParams) -> Result:
    v = _model(t, p)
    estimates = t["estimates"].set_index("estimate_id")
    burry = _estimate(estimates, CRITICS_ESTIMATE)
    figures: list[KeyFigure] = []
    reading = ""
    if v.disclosed is not None:
        figures, reading = _profit_figures(v, p, v.disclosed)
        critics, clause = _critics_figures(v, p, burry)
        figures += critics
        reading += clause + ". "
    else:
        reading = f"The store lacks {', '.join(v.absent)}, so the engine does not run. "
    figures += _gpu_figures(v, t, _estimate(estimates, TPU_ESTIMATE))
    reading += _gpu_reading(v, p)
    observed = v.gpu[PRICE_PATHS[0]]
    return Result(
        "depreciation",
        p,
        reading,
        tuple(figures),
        tables=(
            (
                "Disclosed useful-life effects against the engine (USD bn, pre-tax)",
                _disclosed(v.disclosed),
            ),
            (
                f"Critics' understated depreciation {YEARS[0]}-{YEARS[-1]} (USD bn) by true life "
                "and capex growth",
                _grid(v.critics),
            ),
            ("Depreciation model assumptions", _model_assumptions(p, burry)),
            ("GPU cash-flow assumptions", assumptions_frame(observed.assumptions.values())),
            ("Fleet cascade assumptions", assumptions_frame(v.fleet_assumptions.values())),
        ),
        headline=0,
        detail=v,
    )


_DISCLOSED_COLUMNS = [
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


def _disclosed(check: dep.DisclosureCheck | None) -> pd.DataFrame:
    if check is None:
        return pd.DataFrame(columns=_DISCLOSED_COLUMNS)
    table = check.table
    return table.assign(
        relative_error=table["relative_error"].map(lambda v: f"{v:+.0%}"),
        disclosed_usd_bn=table["disclosed_usd_bn"].round(2),
        estimate_usd_bn=table["estimate_usd_bn"].round(2),
        effective_date=table["effective_date"].dt.strftime("%Y-%m-%d"),
    )[_DISCLOSED_COLUMNS]


def _grid(critics: dep.Understatement | None) -> pd.DataFrame:
    if critics is None:
        return pd.DataFrame({"true life (years)": []})
    grid = critics.grid.copy()
    grid.columns = [f"capex {g:+.0%}/yr" for g in grid.columns]
    return grid.round(0).reset_index().rename(columns={"true_life": "true life (years)"})


def _model_assumptions(p: DepreciationParams, burry: pd.Series | None) -> pd.DataFrame:
    default = DepreciationParams()
    return pd.DataFrame(
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
                "value": "effective" if p.tax_rate == "effective" else p.tax_rate,
                "unit": "share",
                "meaning": "reported tax over pretax income, for EPS"
                if p.tax_rate == "effective"
                else "one rate for every year, for EPS",
                "source": "financials: income_tax / pretax_income"
                if p.tax_rate == "effective"
                else "set by the user",
            },
            {
                "assumption": "true_life (critics)",
                "value": float(p.true_life),
                "unit": "years",
                "meaning": "upper end of the critics' 2-3 year product cycle"
                if p.true_life == default.true_life
                else "set by the user",
                "source": "scenario choice" if burry is None else str(burry["source_id"]),
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
                "value": float(p.capex_growth),
                "unit": "share",
                "meaning": "capex after the 2026 guidance midpoint",
                "source": "scenario choice",
            },
        ]
    )


def _benefit_chart(v: DepreciationView, p: DepreciationParams) -> go.Figure:
    """Operating income the life changes add, by company and fiscal year (reported lives
    against each company's initial life), stacked."""
    fig = go.Figure()
    benefit = income = 0.0
    for company, sens in v.companies.items():
        table = sens.table.dropna(subset=["operating_income"])
        years = [int(str(period).removeprefix("FY")) for period in table["period"]]
        fig.add_trace(
            go.Bar(
                x=years,
                y=table["life_change_benefit"].to_numpy(),
                name=company,
                customdata=table["period"].astype(str).to_list(),
                hovertemplate="%{customdata}: $%{y:,.1f}bn<extra>%{fullData.name}</extra>",
            )
        )
        benefit += float(table["life_change_benefit"].iloc[-1])
        income += float(table["operating_income"].iloc[-1])
    scope = f"{_words(len(v.companies))} hyperscalers" if p.company == ALL else p.company
    style(
        fig,
        title=(
            f"Longer server lives add ${benefit:,.1f}bn ({benefit / income:.1%}) to the {scope}' "
            "latest operating income (C10)<br>(reported lives against each one's initial life)"
            if p.company == ALL
            else f"Longer server lives add ${benefit:,.1f}bn ({benefit / income:.1%}) to "
            f"{p.company}'s latest operating income (C10)"
        ),
        x_title="Fiscal year",
        y_title="Operating income added (USD bn)",
    )
    fig.update_layout(barmode="relative")
    fig.update_xaxes(tickformat="d", dtick=1 if len({x for t in fig.data for x in t.x}) <= 8 else 2)
    return fig


def _disclosed_chart(check: dep.DisclosureCheck) -> go.Figure:
    """Every disclosed life-change effect beside the engine's estimate of it."""
    tab = check.table.iloc[::-1]
    labels = [
        f"{row.company} {row.period}<br>{row.old_years:g} → {row.new_years:g} years, {row.basis}"
        for row in tab.itertuples()
    ]
    fig = go.Figure()
    for column, name, colour in (
        ("disclosed_usd_bn", "Disclosed in the filing", "#7f7f7f"),
        ("estimate_usd_bn", "Engine's estimate", "#1f77b4"),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=tab[column].to_numpy(),
                orientation="h",
                name=name,
                marker={"color": colour},
            )
        )
    within = int((check.table["relative_error"].abs() <= TOLERANCE).sum())
    style(
        fig,
        title=(
            f"The engine estimates {within} of {len(check.table)} disclosed life-change effects "
            f"within {TOLERANCE:.0%}"
        ),
        x_title="Effect on profit (USD bn, pre-tax)",
        y_title="Life change",
        height=200 + 40 * len(labels),
    )
    fig.update_layout(barmode="group", legend={"y": -90 / fig.layout.height})
    fig.update_yaxes(automargin=True)
    return fig


def _critics_chart(v: DepreciationView, critics: dep.Understatement) -> go.Figure:
    """The critics' understated depreciation rebuilt for each true server life and capex
    path, against their figure."""
    grid = critics.grid
    fig = go.Figure()
    for growth in grid.columns:
        fig.add_trace(
            go.Scatter(
                x=grid.index.to_numpy(),
                y=grid[growth].to_numpy(),
                name=f"Capex {float(growth):+.0%} a year",
                mode="lines+markers",
            )
        )
    span = f"{YEARS[0]}-{YEARS[-1]}"
    if pd.notna(v.critics_figure):
        claimed_line(fig, v.critics_figure, "Burry", f"${v.critics_figure:,.0f}bn")
        title = (
            f"The critics' ${v.critics_figure:,.0f}bn of understated depreciation in {span} needs "
            f"servers to last about {v.critics_life:.1f} years"
        )
    else:
        title = f"Understated depreciation in {span} shrinks as servers last longer"
    style(
        fig,
        title=title
        + f"<br>(model at {critics.true_life:g} years, capex "
        + ("flat" if critics.capex_growth == 0 else f"{critics.capex_growth:+.0%} a year")
        + f": ${critics.total:,.0f}bn)",
        x_title="Servers' true life (years)",
        y_title=f"USD bn, {YEARS[0]}-{YEARS[-1] % 100:02d}",
        height=480,
    )
    return fig


def _value_chart(v: DepreciationView, p: DepreciationParams) -> go.Figure:
    """An H100's value in use under each rent path against straight-line book values."""
    fig = go.Figure()
    for name, life in v.gpu.items():
        fig.add_trace(
            go.Scatter(
                x=life.table.index.to_numpy(),
                y=life.table["economic_book_share"].to_numpy(),
                name=f"Value in use, {name} rents",
                mode="lines",
                line={"width": 3},
            )
        )
    table = v.gpu[PRICE_PATHS[0]].table
    notes = {4.0: " (C10: old life)", 6.0: " (C10: booked now)"}
    for years in STRAIGHT_LINES:
        fig.add_trace(
            go.Scatter(
                x=table.index.to_numpy(),
                y=table[f"straight_line_{years:g}y"].to_numpy(),
                name=f"{years:g}-year straight line{notes.get(float(years), '')}",
                mode="lines",
                line={
                    "dash": "dot" if years in notes else "dash",
                    "color": CLAIM_COLOUR if years == p.book_life else REFERENCE_COLOUR,
                },
            )
        )
    matched = [life.matched_straight_line_life for life in v.gpu.values()]
    style(
        fig,
        title=(
            f"An H100's value in use falls like a {min(matched):g}- to {max(matched):g}-year "
            f"straight line across rent paths;<br>the booked {p.book_life:g} years "
            + (
                "lies inside that range"
                if min(matched) <= p.book_life <= max(matched)
                else "lies outside that range"
            )
        ),
        x_title="Year of the GPU's life",
        y_title="Share of its value left",
        height=480,
    )
    fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(dtick=1)
    return fig


def _rent_chart(v: DepreciationView) -> go.Figure:
    """H100 on-demand rent quotes, their log-linear trend and the claim that rent held (C12)."""
    trend = v.trend
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=v.quotes["date"],
            y=v.quotes["value"],
            mode="markers",
            name="On-demand quotes",
            text=v.quotes["provider"],
            hovertemplate="%{text}, %{x|%b %Y}: $%{y:.2f}<extra></extra>",
        )
    )
    dates = pd.date_range(trend.first, trend.last, freq="MS")
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[trend.price_at(d) for d in dates],
            name=f"Log-linear trend ({trend.yearly_change:+.0%} a year)",
            mode="lines",
        )
    )
    start = trend.price_at(trend.first)
    claimed_line(fig, start, "C12", f"rent stable at ${start:.2f}")
    held = abs(trend.yearly_change) < 0.05
    style(
        fig,
        title=(
            f"H100 rent {'held' if held else 'fell'} {abs(trend.yearly_change):.0%} a year over "
            f"{trend.quotes} quotes, {trend.first:%b %Y} to {trend.last:%b %Y}"
            + ("" if held else ", not stable as claimed (C12)")
        ),
        x_title="Date quoted",
        y_title="USD per GPU-hour",
    )
    fig.update_yaxes(rangemode="tozero")
    return fig


def chart(r: Result) -> list[go.Figure]:
    """One figure per question: the profit the life changes add, the engine against the
    filings, the critics' figure, an H100's value in use and its rent."""
    v: DepreciationView = r.detail
    p: DepreciationParams = r.params  # type: ignore[assignment]
    figures = []
    if v.companies:
        figures.append(_benefit_chart(v, p))
    if v.disclosed is not None:
        figures.append(_disclosed_chart(v.disclosed))
    if v.critics is not None:
        figures.append(_critics_chart(v, v.critics))
    figures += [_value_chart(v, p), _rent_chart(v)]
    return figures


MATERIAL_SHARE = 0.10
"""Share of operating income at or above which an accounting effect is material (the usual
5% / 10% rule of thumb of auditors: below 5% immaterial, 10% or more material)."""
IMMATERIAL_SHARE = 0.05


def life_benefit_share_by_year(v: DepreciationView) -> pd.Series:
    """Operating income the life changes add over operating income, summed over the firms, by
    fiscal year, in the years every firm has both."""
    frames = [
        r.table.dropna(subset=["operating_income", "life_change_benefit"])
        .assign(year=lambda f: pd.to_datetime(f.index).year)
        .set_index("year")[["life_change_benefit", "operating_income"]]
        for r in v.companies.values()
    ]
    if not frames:
        return pd.Series(dtype=float)
    both = pd.concat(frames, keys=range(len(frames)), names=["firm", "year"])
    sums = both.groupby("year").agg(["sum", "count"])
    full = sums.loc[sums[("operating_income", "count")] == len(frames)]
    return full[("life_change_benefit", "sum")] / full[("operating_income", "sum")]


def signal(r: Result) -> Signal:
    """Operating income the longer server lives add, against the materiality rule of thumb."""
    v: DepreciationView = r.detail
    share = life_benefit_share_by_year(v)
    rule = (
        f"bubble-leaning when longer server lives add {MATERIAL_SHARE:.0%} or more of operating "
        f"income (material by the auditors' rule of thumb), boom-leaning below "
        f"{IMMATERIAL_SHARE:.0%} (immaterial), neutral between"
    )
    sources = r.key_figure.source_ids
    if share.empty:
        return Signal(
            "Operating income added by longer server lives",
            float("nan"),
            "share",
            "no fiscal year in which every firm has the figures",
            None,
            Lean.NEUTRAL,
            rule,
            sources,
        )
    now, year = float(share.iloc[-1]), int(share.index[-1])
    pct, seen = ranked(share.iloc[:-1], now)
    years = ", ".join(f"{x:.1%} in fiscal {int(y)}" for y, x in share.items())
    history = f"{years}: the years every firm reports" + (
        f"; above {share_below(pct)} of the earlier years"
        if pct is not None and len(share) > 6
        else ""
    )
    return Signal(
        indicator=f"Share of the hyperscalers' operating income added by longer server lives, "
        f"fiscal {year}",
        value=now,
        unit="share",
        history=history,
        percentile=pct,
        observations=seen,
        lean=lean_by(now, bubble=MATERIAL_SHARE, boom=IMMATERIAL_SHARE),
        rule=rule,
        source_ids=sources,
    )


ARGUMENT = register(
    Argument(
        id="depreciation",
        title="GPU depreciation: 4 years or 6?",
        question="Do longer server lives inflate profits, and how long does a GPU really earn?",
        params=DepreciationParams,
        analyze=analyze,
        signal=signal,
        chart=chart,
        tables=("financials", "useful_lives", "estimates", "accelerators", "claims"),
        command_help=(
            "Operating income under alternative server lives, the engine against every "
            "disclosed life-change effect, the critics' figure and an H100's economic life."
        ),
    )
)
