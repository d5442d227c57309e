"""The revenue gap: Sequoia's arithmetic from accelerator spend to the end-user revenue it needs.

David Cahn's "AI's $200B Question" (Sequoia Capital, September 2023) and "AI's $600B
Question" (June 2024) run one chain of multiples:

.. math:: R = S \\cdot m_{dc} \\cdot m_{margin},

where :math:`S` is the yearly accelerator spend (NVIDIA's data-centre revenue run-rate),
:math:`m_{dc}` the data-centre cost per dollar of GPUs (GPUs are about half of the total, so
2) and :math:`m_{margin}` the revenue per dollar of cost the end user needs at its gross
margin (a 50% margin, so 2). The *gap* is :math:`R - A` with :math:`A` the AI revenue that
exists. The growth that closes the gap by year :math:`T` from revenue :math:`A_0` in year
:math:`t_0` is :math:`(R/A_0)^{1/(T - t_0)} - 1` a year.

:func:`monte_carlo` draws each input from a range the user sets (uniform, or triangular
with a mode) with a seeded generator, so a run is reproducible bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import SpecificationError

PARAMETERS = (
    "accelerator_spend_usd_bn",
    "datacenter_multiple",
    "margin_multiple",
    "ai_revenue_usd_bn",
)


#: Bounds of each input a user may set: a multiple below 1 would mean the chips cost more than
#: what is built around them (or a margin above 100%); a USD figure must be positive for the
#: growth needed to close a gap to be defined. The upper bounds lie far beyond any estimate.
BOUNDS: dict[str, tuple[float, float]] = {
    "accelerator_spend_usd_bn": (0.1, 100_000.0),
    "datacenter_multiple": (1.0, 10.0),
    "margin_multiple": (1.0, 10.0),
    "ai_revenue_usd_bn": (0.1, 100_000.0),
}


def required_revenue(spend: float, datacenter_multiple: float, margin_multiple: float) -> float:
    """End-user revenue that accelerator spend ``spend`` needs: spend x dc multiple x margin multiple."""
    for name, v in (
        ("spend", spend),
        ("datacenter_multiple", datacenter_multiple),
        ("margin_multiple", margin_multiple),
    ):
        if not np.isfinite(v) or v < 0:
            raise SpecificationError(f"{name} must be a finite number >= 0, got {v!r}")
    return float(spend * datacenter_multiple * margin_multiple)


def growth_to_close(required: float, revenue_now: float, years: float) -> float:
    """Yearly growth that takes ``revenue_now`` to ``required`` in ``years`` years."""
    if revenue_now <= 0 or required <= 0 or years <= 0:
        raise SpecificationError("revenue, required revenue and years must be positive")
    return float((required / revenue_now) ** (1.0 / years) - 1.0)


@dataclass(frozen=True)
class Range:
    """A range for one input: ``low``..``high``, triangular around ``mode`` if given."""

    low: float
    high: float
    mode: float | None = None

    def __post_init__(self) -> None:
        if not (np.isfinite(self.low) and np.isfinite(self.high)) or self.low > self.high:
            raise SpecificationError(f"a range needs low <= high, got {self.low!r}..{self.high!r}")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise SpecificationError("a range's mode must lie between low and high")

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.low == self.high:
            return np.full(n, float(self.low))
        if self.mode is None:
            return rng.uniform(self.low, self.high, n)
        return rng.triangular(self.low, self.mode, self.high, n)


@dataclass(frozen=True)
class RevenueGapSimulation:
    """Monte Carlo draws of required revenue and the gap, with their inputs and seed."""

    draws: pd.DataFrame
    ranges: Mapping[str, Range]
    seed: int

    def quantiles(self, qs: tuple[float, ...] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        return self.draws[["required_revenue_usd_bn", "gap_usd_bn"]].quantile(list(qs))

    def to_dict(self) -> dict[str, Any]:
        q = self.quantiles()
        return {
            "seed": self.seed,
            "draws": len(self.draws),
            "ranges": {
                k: {"low": r.low, "high": r.high, "mode": r.mode} for k, r in self.ranges.items()
            },
            "quantiles": {
                col: {f"{p:.2f}": float(v) for p, v in q[col].items()} for col in q.columns
            },
            "share_of_draws_with_a_gap": float((self.draws["gap_usd_bn"] > 0).mean()),
        }


def monte_carlo(
    ranges: Mapping[str, Range], *, n: int = 10_000, seed: int = 0
) -> RevenueGapSimulation:
    """Draw every input in :data:`PARAMETERS` from its range and compute required revenue and gap."""
    missing = set(PARAMETERS) - set(ranges)
    unknown = set(ranges) - set(PARAMETERS)
    if missing or unknown:
        raise SpecificationError(
            f"ranges must name exactly {', '.join(PARAMETERS)}"
            + (f"; missing {', '.join(sorted(missing))}" if missing else "")
            + (f"; unknown {', '.join(sorted(unknown))}" if unknown else "")
        )
    if n < 1:
        raise SpecificationError("n must be at least 1")
    for name, r in ranges.items():
        if r.low < 0:
            raise SpecificationError(f"{name} cannot be negative")
    rng = np.random.default_rng(seed)
    values = {name: ranges[name].draw(rng, n) for name in PARAMETERS}
    required = (
        values["accelerator_spend_usd_bn"]
        * values["datacenter_multiple"]
        * values["margin_multiple"]
    )
    frame = pd.DataFrame(values)
    frame["required_revenue_usd_bn"] = required
    frame["gap_usd_bn"] = required - values["ai_revenue_usd_bn"]
    return RevenueGapSimulation(frame, dict(ranges), seed)


@dataclass(frozen=True)
class CommitmentCoverage:
    """Yearly commitments against a revenue path: the share of commitments revenue would pay."""

    table: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"years": self.table.reset_index().to_dict(orient="records")}
        if self.table["revenue_usd_bn"].isna().any():
            out["revenue_note"] = (
                "revenue and its ratio to the commitments are null for years beyond the "
                "revenue path: no actual, projected or interpolated figure covers them"
            )
        return out


def commitments_against_revenue(
    total_commitments: float, years: int, revenue: Mapping[int, float], start: int
) -> CommitmentCoverage:
    """Spread ``total_commitments`` evenly over ``years`` from ``start`` against ``revenue``."""
    if total_commitments <= 0 or years <= 0:
        raise SpecificationError("commitments and years must be positive")
    yearly = total_commitments / years
    idx = pd.Index(range(start, start + years), name="year")
    rev = pd.Series(revenue, dtype=float).reindex(idx)
    table = pd.DataFrame({"commitments_usd_bn": yearly, "revenue_usd_bn": rev}, index=idx)
    table["revenue_over_commitments"] = table["revenue_usd_bn"] / table["commitments_usd_bn"]
    return CommitmentCoverage(table)


SEQUOIA_YEARS = (2023, 2024)
"""The years of Sequoia's two analyses ("AI's $200B Question" and "AI's $600B Question")."""
SEQUOIA_INPUTS = (
    "gpu_run_rate",
    "datacenter_multiple",
    "margin_multiple",
    "required_revenue",
    "gap",
)
"""The ``estimates`` rows ``sequoia_<year>_<input>`` each analysis needs."""


def sequoia_check(estimates: pd.DataFrame) -> pd.DataFrame:
    """Sequoia's 2023 and 2024 figures recomputed from their published inputs.

    One row per year: the inputs, the required revenue and gap as published, the same
    recomputed here, and the AI revenue the published gap implies (required less gap).
    """
    est = estimates.set_index("estimate_id")
    rows = []
    for year in SEQUOIA_YEARS:
        key = f"sequoia_{year}_"
        needed = SEQUOIA_INPUTS
        if not all(key + n in est.index for n in needed):
            continue
        v = {n: float(est.loc[key + n, "value"]) for n in needed}
        required = required_revenue(
            v["gpu_run_rate"], v["datacenter_multiple"], v["margin_multiple"]
        )
        rows.append(
            {
                "year": year,
                "accelerator_spend_usd_bn": v["gpu_run_rate"],
                "datacenter_multiple": v["datacenter_multiple"],
                "margin_multiple": v["margin_multiple"],
                "required_published_usd_bn": v["required_revenue"],
                "required_recomputed_usd_bn": required,
                "gap_published_usd_bn": v["gap"],
                "implied_ai_revenue_usd_bn": v["required_revenue"] - v["gap"],
                "sources": ", ".join(
                    dict.fromkeys(str(est.loc[key + n, "source_id"]) for n in needed)
                ),
            }
        )
    if not rows:
        raise SpecificationError("the estimates table has no Sequoia inputs")
    return pd.DataFrame(rows).set_index("year")


def parse_ranges(texts: list[str], defaults: Mapping[str, Range]) -> dict[str, Range]:
    """``["margin_multiple=1.5:2.5", "ai_revenue_usd_bn=80:150:100"]`` over ``defaults``."""
    out = dict(defaults)
    for text in texts:
        name, sep, spec = text.partition("=")
        name = name.strip()
        if not sep or name not in PARAMETERS:
            raise SpecificationError(
                f"expected NAME=LOW:HIGH[:MODE] with NAME one of {', '.join(PARAMETERS)}; got {text!r}"
            )
        parts = spec.split(":")
        try:
            numbers = [float(p) for p in parts]
        except ValueError as exc:
            raise SpecificationError(f"{name} needs numbers, got {spec!r}") from exc
        if not 1 <= len(numbers) <= 3:
            raise SpecificationError(f"{name} takes LOW:HIGH or LOW:HIGH:MODE, got {spec!r}")
        lo, hi = BOUNDS[name]
        if not all(lo <= v <= hi for v in numbers):
            raise SpecificationError(f"{name} must lie in [{lo:g}, {hi:g}], got {spec!r}")
        if len(numbers) == 1:
            numbers = [numbers[0], numbers[0]]
        try:
            out[name] = Range(*numbers)
        except SpecificationError as exc:
            raise SpecificationError(f"{name}: {exc}") from None
    return out


def default_ranges(estimates: pd.DataFrame) -> dict[str, Range]:
    """Ranges spanning Sequoia's two analyses (a scenario choice the user can override)."""
    return sequoia_ranges(sequoia_check(estimates))


def sequoia_ranges(check: pd.DataFrame) -> dict[str, Range]:
    """:func:`default_ranges` from an already computed :func:`sequoia_check`."""
    spend = check["accelerator_spend_usd_bn"]
    revenue = check["implied_ai_revenue_usd_bn"]
    return {
        "accelerator_spend_usd_bn": Range(float(spend.min()), float(spend.max())),
        "datacenter_multiple": Range(1.5, 2.5, float(check["datacenter_multiple"].iloc[-1])),
        "margin_multiple": Range(1.5, 2.5, float(check["margin_multiple"].iloc[-1])),
        "ai_revenue_usd_bn": Range(float(revenue.min()), float(revenue.max())),
    }


def current_gap(
    estimates: pd.DataFrame, datacenter_multiple: float = 2.0, margin_multiple: float = 2.0
) -> dict[str, Any]:
    """Sequoia's arithmetic on the latest sourced accelerator spend, against sourced AI revenues.

    Spend is NVIDIA's latest fiscal-year data-centre revenue (``datacenter_revenue`` rows);
    revenue is the latest sourced figure of each AI seller in the table (``revenue`` and
    ``ai_revenue_run_rate`` rows), a partial count: the gap it leaves is an upper bound.
    """
    spend_rows = estimates.loc[estimates["metric"] == "datacenter_revenue"]
    if spend_rows.empty:
        raise SpecificationError(
            "the estimates table has no accelerator spend (datacenter_revenue)"
        )
    spend = spend_rows.sort_values("period").iloc[-1]
    required = required_revenue(float(spend["value"]), datacenter_multiple, margin_multiple)
    sellers = estimates.loc[estimates["metric"].isin(["revenue", "ai_revenue_run_rate"])]
    latest = sellers.sort_values("period").groupby("subject", as_index=False).last()
    revenue = float(latest["value"].sum())
    return {
        "accelerator_spend_usd_bn": float(spend["value"]),
        "spend_period": str(spend["period"]),
        "datacenter_multiple": datacenter_multiple,
        "margin_multiple": margin_multiple,
        "required_revenue_usd_bn": required,
        "sourced_ai_revenue_usd_bn": revenue,
        "gap_usd_bn": required - revenue,
        "revenues": latest[["subject", "metric", "period", "value", "source_id"]].to_dict(
            orient="records"
        ),
        "source_ids": list(
            dict.fromkeys([str(spend["source_id"]), *latest["source_id"].astype(str)])
        ),
    }


def openai_revenue_path(estimates: pd.DataFrame) -> pd.DataFrame:
    """OpenAI's revenue by year: reported actuals, then its latest projections.

    Actuals win over projections of the same year.

    Years between two known years are filled by constant growth (log-linear interpolation) and
    marked ``interpolated``; for a year with several projections the latest published wins.
    """
    rows = estimates.loc[
        estimates["subject"].eq("OpenAI revenue")
        & estimates["metric"].isin(["revenue", "revenue_projection"])
    ].copy()
    if rows.empty:
        raise SpecificationError("the estimates table has no OpenAI revenue")
    rows["year"] = rows["period"].astype(str).str[:4].astype(int)
    rows["kind"] = rows["metric"].map({"revenue": "actual", "revenue_projection": "projection"})
    rows["_actual_last"] = rows["kind"].eq("actual")  # an actual beats any projection
    rows = rows.sort_values(["year", "_actual_last", "date"])
    known = rows.groupby("year").last()[["value", "kind", "source_id"]]
    years = pd.Index(range(int(known.index.min()), int(known.index.max()) + 1), name="year")
    path = known.reindex(years)
    logs = np.log(path["value"].astype(float)).interpolate(method="index")
    filled = path["value"].isna()
    path["value"] = np.exp(logs)
    path.loc[filled, "kind"] = "interpolated"
    return path.rename(columns={"value": "revenue_usd_bn"})
