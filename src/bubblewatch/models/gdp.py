"""The debate's GDP arguments on the ``macro`` table: AI-related contributions, Furman, the split.

Builds, from the sourced levels and contributions in ``macro``:

- quarterly contributions of information-processing equipment, software and data-centre
  structures to real GDP growth (:func:`bubblewatch.models.macro.component_contributions`),
  the AI-related share and growth without them;
- Furman's H1 2025 arithmetic in chained dollars (:func:`~bubblewatch.models.macro.growth_excluding`);
- the speakers' split of growth into consumers and business investment for a half-year;
- real IT-investment growth over four quarters, with runs of 20% or more, beside the
  published growth rates of the 1990s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bubblewatch.errors import DataError
from bubblewatch.models import macro as m

IT_PARTS = {
    "info_processing_equipment": "information-processing equipment",
    "software": "software",
    "datacenter": "data-centre structures",
}
RUN_THRESHOLD = 20.0


def _series(macro: pd.DataFrame, name: str, source: str | None = None) -> pd.Series:
    rows = macro.loc[macro["series"] == name]
    if source is not None:
        rows = rows.loc[rows["source_id"] == source]
    if rows.empty:
        raise DataError(f"no {name} rows in the macro table")
    rows = rows.drop_duplicates("period", keep="last").set_index("period")
    return rows["value"].astype(float).sort_index()


def _ids(macro: pd.DataFrame, names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(macro.loc[macro["series"].isin(names), "source_id"].astype(str)))


def it_levels(macro: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Nominal and real levels of the IT components and GDP, on the quarters all of them share.

    Nominal information-processing equipment is the equipment-and-software line less software
    (current dollars add up; chained dollars do not).
    """
    nominal = pd.DataFrame(
        {
            "info_processing_equipment": _series(macro, "ipe_software_nominal_level")
            - _series(macro, "software_nominal_level"),
            "software": _series(macro, "software_nominal_level"),
            "datacenter": _series(macro, "datacenter_nominal_level"),
        }
    )
    real = pd.DataFrame(
        {
            "info_processing_equipment": _series(macro, "ipe_real_level"),
            "software": _series(macro, "software_real_level"),
            "datacenter": _series(macro, "datacenter_real_level"),
        }
    )
    gn, gr = _series(macro, "gdp_nominal_level"), _series(macro, "gdp_real_level")
    common = nominal.dropna().index.intersection(real.dropna().index)
    common = common.intersection(gn.index).intersection(gr.index).sort_values()
    if len(common) < 2:
        raise DataError("the macro table has fewer than two quarters of IT and GDP levels")
    return nominal.loc[common], real.loc[common], gn.loc[common], gr.loc[common]


SHARE_MIN_GROWTH = 1.0
"""Real GDP growth (%, SAAR) below which the IT share of growth is not meaningful."""


def it_contributions(macro: pd.DataFrame) -> pd.DataFrame:
    """Quarterly contributions (pp, SAAR) of the IT parts, their sum, GDP growth and the rest."""
    nominal, real, gn, gr = it_levels(macro)
    c = m.component_contributions(nominal, real, gn, gr)
    c["ai_related"] = c[list(IT_PARTS)].sum(axis=1)
    c["ipe_and_software"] = c["info_processing_equipment"] + c["software"]
    c["growth_excluding_ai_related"] = c["gdp_growth"] - c["ai_related"]
    # A share of growth says nothing where growth is near zero or negative (2025Q1: -203%):
    # it is left missing ("n.m.") below SHARE_MIN_GROWTH.
    c["ai_related_share"] = (c["ai_related"] / c["gdp_growth"]).where(
        c["gdp_growth"] >= SHARE_MIN_GROWTH
    )
    return c


def _latest_computed(macro: pd.DataFrame) -> pd.DataFrame:
    """The latest release's computed top-level contributions, wide by series."""
    calc = macro.loc[macro["source_id"].astype(str).str.startswith("macro_bea_calc_")]
    if calc.empty:
        raise DataError("no computed BEA contributions in the macro table")
    latest = sorted(calc["source_id"].unique())[-1]
    rows = calc.loc[calc["source_id"] == latest]
    wide = rows.pivot_table(index="period", columns="series", values="value", aggfunc="first")
    wide.attrs["source_id"] = latest
    return wide.astype(float)


@dataclass(frozen=True)
class GdpView:
    """Everything ``bubblewatch gdp`` reports, with the source ids behind each part."""

    half: str
    contributions: pd.DataFrame
    half_year: pd.Series
    furman_recomputed: m.Exclusion
    furman_published: dict[str, float]
    split: dict[str, float]
    yoy: pd.DataFrame
    runs_now: pd.DataFrame
    then: pd.DataFrame
    published_checks: pd.DataFrame
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def summary(self) -> str:
        h, f, s = self.half_year, self.furman_recomputed, self.split
        parts = []
        for col, label in (
            ("ipe_and_software", "equipment and software together"),
            ("info_processing_equipment", "equipment alone"),
        ):
            r = self.runs_now.loc[self.runs_now["series"] == col]
            peak = self.yoy[col].dropna()
            parts.append(
                f"{label} grew >= {RUN_THRESHOLD:.0f}% over four quarters in "
                + ", ".join(f"{a}-{b}" for a, b in zip(r["first"], r["last"], strict=True))
                if len(r)
                else f"{label} never reached {RUN_THRESHOLD:.0f}% over four quarters "
                f"(peak {peak.max():.1f}% in {peak.idxmax()})"
            )
        run = "; ".join(parts)
        return (
            f"{self.half}: real GDP grew {s['gdp_growth']:.2f}% (SAAR, mean of the quarters); consumers "
            f"added {s['pce']:.2f} pp and business fixed investment {s['business_investment']:.2f} pp. "
            f"Information-processing equipment, software and data centres added {h['ai_related']:.2f} pp "
            f"({h['ai_related'] / h['gdp_growth']:.0%} of growth); growth without them "
            f"{h['growth_excluding_ai_related']:.2f}%. Furman's chained-dollar arithmetic "
            f"({f.start}-{f.end}): {f.share_of_growth:.0%} of growth, {f.growth_excluding:.2f}% "
            f"without equipment and software (he published {self.furman_published.get('share', float('nan')):.0f}% "
            f"and {self.furman_published.get('growth_excluding', float('nan')):.1f}%). In the data since "
            f"{self.yoy.index[0]}: {run}."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "half": self.half,
            "contributions": self.contributions.reset_index(names="period").to_dict(
                orient="records"
            ),
            "half_year": self.half_year.to_dict(),
            "furman": {
                "recomputed": self.furman_recomputed.to_dict(),
                "published": self.furman_published,
                "caveat": "growth without a component is arithmetic, not a counterfactual",
            },
            "speakers_split": self.split,
            "tech_investment_yoy": self.yoy.reset_index(names="period").to_dict(orient="records"),
            "tech_investment_yoy_note": (
                "four-quarter growth is null where the store holds no real level for the "
                "quarter or for the same quarter a year before"
            ),
            "runs_at_or_above_20pct": self.runs_now.to_dict(orient="records"),
            "then": self.then.to_dict(orient="records"),
            "published_checks": self.published_checks.to_dict(orient="records"),
            "sources": {k: list(v) for k, v in self.sources.items()},
        }


def view(macro: pd.DataFrame, half: str = "2025H1") -> GdpView:
    """The GDP view for ``half`` (a half-year like ``2025H1``)."""
    half = half.strip().upper()
    contrib = it_contributions(macro)
    h = m.half_year(contrib, half)
    year, hh = half.upper().split("H")
    end = f"{year}Q{2 if hh == '1' else 4}"
    start = str(pd.Period(f"{year}Q{1 if hh == '1' else 3}", freq="Q") - 1)
    furman = m.growth_excluding(
        _series(macro, "gdp_real_level"), _series(macro, "ipe_software_real_level"), start, end
    )
    published = {}
    for key, name in (
        ("share", "furman_share_h1_2025"),
        ("growth_excluding", "furman_gdp_ex_it_h1_2025"),
    ):
        rows = macro.loc[macro["series"] == name]
        if len(rows):
            published[key] = float(rows["value"].iloc[0])
    top = _latest_computed(macro)
    th = m.half_year(top, half)
    split = {
        "gdp_growth": float(th["gdp_growth"]),
        "pce": float(th["contrib_pce"]),
        "business_investment": float(th["contrib_nonres_fixed_investment"]),
    }
    yoy = pd.DataFrame(
        {
            "ipe_and_software": m.yoy_growth(_series(macro, "ipe_software_real_level")),
            "info_processing_equipment": m.yoy_growth(_series(macro, "ipe_real_level")),
        }
    )
    runs_now = pd.concat(
        [m.runs(yoy[c].dropna(), RUN_THRESHOLD).assign(series=c) for c in yoy.columns],
        ignore_index=True,
    )
    then = macro.loc[
        macro["series"].isin(["ipe_real_growth_5yr_avg", "it_real_growth_avg_1995_2000"]),
        ["series", "period", "value", "source_id"],
    ].reset_index(drop=True)
    checks = []
    for series, column in (
        ("contrib_info_processing_equipment", "info_processing_equipment"),
        ("contrib_software", "software"),
    ):
        for rec in macro.loc[macro["series"] == series].itertuples():
            if rec.period in contrib.index:
                checks.append(
                    {
                        "series": series,
                        "period": rec.period,
                        "published": float(rec.value),
                        "computed": float(contrib.loc[rec.period, column]),
                        "vintage": rec.vintage,
                        "source_id": rec.source_id,
                    }
                )
    sources = {
        "levels": _ids(
            macro,
            [
                "gdp_nominal_level",
                "gdp_real_level",
                "ipe_software_nominal_level",
                "software_nominal_level",
                "ipe_real_level",
                "software_real_level",
                "datacenter_nominal_level",
                "datacenter_real_level",
            ],
        ),
        "split": (str(top.attrs["source_id"]),),
        "furman": _ids(macro, ["furman_share_h1_2025", "furman_gdp_ex_it_h1_2025"]),
        "yoy": _ids(macro, ["ipe_software_real_level"]),
        "then": tuple(dict.fromkeys(then["source_id"].astype(str))),
    }
    return GdpView(
        half.upper(),
        contrib,
        h,
        furman,
        published,
        split,
        yoy,
        runs_now,
        then,
        pd.DataFrame(checks),
        sources,
    )
