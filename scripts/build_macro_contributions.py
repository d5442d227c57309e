"""Compute contributions to US real GDP growth from BEA NIPA Tables 1.1.5 and 1.1.9.

Reads BEA's CSV downloads of Table 1.1.5 (GDP, nominal) and Table 1.1.9 (implicit price
deflators) for one release, computes contributions with the Fisher formula in
:mod:`bubblewatch.models.macro`, and replaces the ``macro_bea_calc_*`` rows of ``macro.csv``
for 2023Q1 onward. Inventories have no deflator in Table 1.1.9: their weight uses the GDP
deflator, and their contribution is the residual that makes the parts sum to real GDP growth.

Usage::

    python scripts/build_macro_contributions.py TABLE_1_1_5.csv TABLE_1_1_9.csv RELEASE_DATE
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pandas as pd

from bubblewatch.models.macro import fisher_contributions

SNAPSHOT = Path(__file__).resolve().parents[1] / "src" / "bubblewatch" / "data" / "snapshot"
START = "2023Q1"
LINES = {  # partition of GDP: component -> Table 1.1.5 line
    "goods": 3, "services": 6, "structures": 10, "equipment": 11, "ipp": 12,
    "residential": 13, "inventories": 14, "exports": 16, "imports": 19,
    "federal": 23, "state_local": 26,
}  # fmt: skip
SERIES = {  # published series -> (components, table line of the aggregate)
    "contrib_pce": (("goods", "services"), 2),
    "contrib_goods": (("goods",), 3),
    "contrib_services": (("services",), 6),
    "contrib_gross_private_investment": (
        ("structures", "equipment", "ipp", "residential", "inventories"),
        7,
    ),
    "contrib_fixed_investment": (("structures", "equipment", "ipp", "residential"), 8),
    "contrib_nonres_fixed_investment": (("structures", "equipment", "ipp"), 9),
    "contrib_structures": (("structures",), 10),
    "contrib_equipment": (("equipment",), 11),
    "contrib_ipp": (("ipp",), 12),
    "contrib_residential": (("residential",), 13),
    "contrib_inventories": (("inventories",), 14),
    "contrib_net_exports": (("exports", "imports"), 15),
    "contrib_government": (("federal", "state_local"), 22),
}


def read_bea_table(path: Path) -> pd.DataFrame:
    """A BEA interactive-table CSV as a frame: rows = line numbers, columns = quarters."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    years = next(r for r in rows if r and r[0] == "Line")
    quarters = [r for r in rows if r and r[0] == "Line"][1]
    periods = [f"{y}{q}" for y, q in zip(years[2:], quarters[2:], strict=True)]
    data = {}
    for r in rows:
        if r and r[0].strip().isdigit():
            data[int(r[0])] = pd.to_numeric(
                pd.Series(r[2 : 2 + len(periods)]), errors="coerce"
            ).to_numpy()
    return pd.DataFrame(data, index=periods).T


def compute(nominal_table: pd.DataFrame, price_table: pd.DataFrame) -> pd.DataFrame:
    periods = [p for p in nominal_table.columns if p >= _previous(START)]
    nominal = pd.DataFrame({c: nominal_table.loc[line, periods] for c, line in LINES.items()})
    nominal["imports"] = -nominal["imports"]
    prices = pd.DataFrame(
        {
            c: price_table.loc[line, periods] if c != "inventories" else price_table.loc[1, periods]
            for c, line in LINES.items()
        }
    )
    deflator = price_table.loc[1, periods].astype(float)
    quarterly = fisher_contributions(
        nominal.astype(float), prices.astype(float), deflator, annualize=False
    )
    real = nominal_table.loc[1, periods].astype(float) / deflator
    g_q = (real / real.shift(1) - 1.0).iloc[1:] * 100.0
    g_ann = ((1.0 + g_q / 100.0) ** 4 - 1.0) * 100.0
    scaled = quarterly.drop(columns="total").mul(g_ann / g_q, axis=0)
    others = scaled.drop(columns="inventories").sum(axis=1)
    scaled["inventories"] = g_ann - others
    out = pd.DataFrame(
        {name: scaled[list(parts)].sum(axis=1) for name, (parts, _) in SERIES.items()}
    )
    out["gdp_growth"] = g_ann
    return out


def _previous(period: str) -> str:
    return str(pd.Period(period, freq="Q") - 1).replace("Q", "Q")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("table_1_1_5", type=Path)
    parser.add_argument("table_1_1_9", type=Path)
    parser.add_argument("release_date", help="ISO date of the BEA release the tables come from")
    args = parser.parse_args()
    table = compute(read_bea_table(args.table_1_1_5), read_bea_table(args.table_1_1_9))
    sid = f"macro_bea_calc_{args.release_date.replace('-', '')}"
    vintage = (
        f"BEA release of {args.release_date}; contributions computed from NIPA 1.1.5 and 1.1.9"
    )
    rows = []
    for period, rec in table.iterrows():
        for series, value in rec.items():
            line = SERIES[series][1] if series in SERIES else 1
            rows.append(
                {
                    "series": series,
                    "period": str(period).replace("Q", "Q"),
                    "value": f"{value:.4f}",
                    "unit": "pct" if series == "gdp_growth" else "pp",
                    "bea_table": "NIPA 1.1.5 + 1.1.9",
                    "bea_line": str(line),
                    "vintage": vintage,
                    "source_id": sid,
                }
            )
    path = SNAPSHOT / "macro.csv"
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        kept = [r for r in reader if not r["source_id"].startswith("macro_bea_calc_")]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + kept)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    print(f"macro.csv: {len(rows)} computed rows for {table.index[0]}..{table.index[-1]} ({sid})")


if __name__ == "__main__":
    main()
