"""One reader of users' series CSVs: ``import`` and the ``psy``/``lppls`` commands agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import run_cli

from bubblewatch.data.series_csv import parse_series_csv
from bubblewatch.errors import DataError, SpecificationError


def test_dates_sorted_and_the_value_column_chosen() -> None:
    text = b"Date,Open,Close\n2024-01-03,1,2.5\n2024-01-02,1,2\n"
    close = parse_series_csv(text, origin="f.csv", column="Close")
    assert close.index.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-01-03"]
    assert close.tolist() == [2.0, 2.5] and close.name == "Close"
    with pytest.raises(SpecificationError, match="choose one with --column"):
        parse_series_csv(text, origin="f.csv")
    only = parse_series_csv(
        b"date,value\n2024-01-02,1\n", origin="f.csv", columns=("date", "value")
    )
    assert only.tolist() == [1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,value\n2024-13-01,1\n", "row 2: expected an ISO date"),
        (
            "date,value\n2024-01-01,abc\n",
            "row 2: expected a finite number; found 'abc' (not numeric)",
        ),
        ("date,value\n2024-01-01,\n", "row 2: expected a finite number; the value is missing"),
        ("date,value\n2024-01-01,inf\n", "expected a finite number"),
        ("date,value\n2024-01-01,1\n2024-01-01,2\n", "row 3: date 2024-01-01 appears twice"),
    ],
)
def test_import_and_psy_refuse_the_same_rows_alike(
    text: str, message: str, home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(message)):
        parse_series_csv(text.encode(), origin=str(path))
    imported = run_cli("import", str(path), "--name", "bad")
    tested = run_cli("psy", str(path))
    for proc in (imported, tested):
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
