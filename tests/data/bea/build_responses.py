"""Build the BEA API test responses in this folder from BEA's own NIPA table downloads.

No recorded BEA API response is available, so the JSON files here are BUILT: the layout
follows BEA's API user guide (see README.md); the numbers are BEA's, read from the
interactive-table CSV downloads of NIPA Table 1.1.5 kept beside the project in
``../shared/data/bea_nipa_tables_bsvars/`` (two vintages). Run from the repository root:

    python tests/data/bea/build_responses.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCE = ROOT.parent / "shared" / "data" / "bea_nipa_tables_bsvars"

#: Table 1.1.5 lines kept, with BEA's series code for each line.
LINES: dict[int, str] = {
    1: "A191RC",  # Gross domestic product
    2: "DPCERC",  # Personal consumption expenditures
    7: "A006RC",  # Gross private domestic investment
    8: "A007RC",  # Fixed investment
    9: "A008RC",  # Nonresidential
    10: "B009RC",  # Structures
    11: "Y033RC",  # Equipment
    12: "Y001RC",  # Intellectual property products
    13: "A011RC",  # Residential
    22: "A822RC",  # Government consumption expenditures and gross investment
}
#: (output file, vintage folder, quarters kept, UTCProductionTime)
BUILDS = (
    (
        "T10105_Q_built.json",
        "vintage_2026-05-28",
        ("2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"),
        "2026-05-28T12:30:00.000",
    ),
    (
        "T10105_Q_2026-03-13_built.json",
        "vintage_2026-03-13",
        ("2025Q1", "2025Q2", "2025Q3", "2025Q4"),
        "2026-03-13T12:30:00.000",
    ),
)
USER_ID = "00000000-0000-0000-0000-000000000000"


def read_table(path: Path) -> tuple[str, dict[int, tuple[str, dict[str, float]]]]:
    """The 'Last Revised' line and {line: (label, {period: $bn})} of a NIPA table CSV."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    revised = rows[2][0].strip()
    years, quarters = rows[3][2:], rows[4][2:]
    periods = [f"{y}{q}" for y, q in zip(years, quarters, strict=True)]
    lines: dict[int, tuple[str, dict[str, float]]] = {}
    for row in rows[5:]:
        if not row or not row[0].strip().isdigit():
            continue
        values = {p: float(v) for p, v in zip(periods, row[2:], strict=False) if v.strip()}
        lines[int(row[0])] = (row[1].strip(), values)
    return revised, lines


def request(table: str) -> dict[str, object]:
    params = [
        ("USERID", USER_ID),
        ("METHOD", "GETDATA"),
        ("DATASETNAME", "NIPA"),
        ("TABLENAME", table),
        ("FREQUENCY", "Q"),
        ("YEAR", "ALL"),
        ("RESULTFORMAT", "JSON"),
    ]
    return {"RequestParam": [{"ParameterName": k, "ParameterValue": v} for k, v in params]}


def build(vintage: str, quarters: tuple[str, ...], produced: str) -> dict[str, object]:
    revised, lines = read_table(SOURCE / vintage / "Table1.1.5.csv")
    data = []
    for line, code in LINES.items():
        label, values = lines[line]
        for period in quarters:
            millions = round(values[period] * 1000)
            data.append(
                {
                    "TableName": "T10105",
                    "SeriesCode": code,
                    "LineNumber": str(line),
                    "LineDescription": label,
                    "TimePeriod": period,
                    "METRIC_NAME": "Current Dollars",
                    "CL_UNIT": "Level",
                    "UNIT_MULT": "6",
                    "DataValue": f"{millions:,}",
                    "NoteRef": "T10105",
                }
            )
    return {
        "BEAAPI": {
            "Request": request("T10105"),
            "Results": {
                "Statistic": "NIPA Table",
                "UTCProductionTime": produced,
                "Dimensions": [
                    {"Ordinal": str(i), "Name": name, "DataType": kind, "IsValue": value}
                    for i, (name, kind, value) in enumerate(
                        [
                            ("TableName", "string", "0"),
                            ("SeriesCode", "string", "0"),
                            ("LineNumber", "numeric", "0"),
                            ("LineDescription", "string", "0"),
                            ("TimePeriod", "string", "0"),
                            ("METRIC_NAME", "string", "0"),
                            ("CL_UNIT", "string", "0"),
                            ("UNIT_MULT", "numeric", "0"),
                            ("DataValue", "numeric", "1"),
                        ],
                        start=1,
                    )
                ],
                "Data": data,
                "Notes": [
                    {
                        "NoteRef": "T10105",
                        "NoteText": "Table 1.1.5. Gross Domestic Product - [Millions of dollars] "
                        f"Seasonally adjusted at annual rates. {revised}",
                    }
                ],
            },
        }
    }


def error_body() -> dict[str, object]:
    return {
        "BEAAPI": {
            "Request": request("T10105"),
            "Results": {
                "Error": {
                    "APIErrorCode": "3",
                    "APIErrorDescription": "The UserID provided in the request is not valid.",
                }
            },
        }
    }


def main() -> None:
    for name, vintage, quarters, produced in BUILDS:
        body = build(vintage, quarters, produced)
        (HERE / name).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    (HERE / "error_invalid_userid_built.json").write_text(
        json.dumps(error_body(), indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
