"""The one reader of a user's time-series CSV: ISO dates in the first column, numbers in another.

``bubblewatch import`` (a ``date,value`` file into the store) and the ``psy`` and ``lppls``
commands (any dated CSV, a column chosen with ``--column``) read files through
:func:`parse_series_csv`, so both accept and refuse the same things, with the same messages
naming the row.
"""

from __future__ import annotations

import io
import math

import pandas as pd

from bubblewatch.errors import DataError, SpecificationError


def parse_series_csv(
    payload: bytes,
    *,
    origin: str,
    column: str | None = None,
    columns: tuple[str, ...] | None = None,
) -> pd.Series:
    """The series of a CSV file's bytes: indexed by the first column's ISO dates, sorted.

    ``column`` names the value column; without it the file must hold exactly one column of
    numbers besides the dates. ``columns`` requires exactly those column names (compared in
    lower case, e.g. ``("date", "value")``).

    Raises
    ------
    DataError
        Not UTF-8, not a CSV, no rows, a date that is not ``YYYY-MM-DD``, a value that is missing
        or not a finite number, or a date that appears twice (each message names the row).
    SpecificationError
        The value column is absent or ambiguous.
    """
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{origin}: not UTF-8 text") from None
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{origin}: not a readable CSV file ({exc})") from None
    raw.columns = pd.Index([str(c).strip() for c in raw.columns])
    names = [c.lower() for c in raw.columns]
    if columns is not None and names != list(columns):
        raise DataError(
            f"{origin}: expected exactly the columns {','.join(columns)}; "
            f"found {','.join(names) or 'none'}"
        )
    if raw.shape[1] < 2:
        raise DataError(f"{origin}: expected a date column and a value column")
    if raw.empty:
        raise DataError(f"{origin}: no rows after the header")
    dates_text = raw.iloc[:, 0].str.strip()
    dates = pd.to_datetime(dates_text, format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(dates.isna().to_numpy().nonzero()[0][0])
        raise DataError(
            f"{origin}: row {row + 2}: expected an ISO date YYYY-MM-DD, found {dates_text.iloc[row]!r}"
        )
    values_text = _value_column(raw, origin, column).str.strip()
    values = pd.to_numeric(values_text, errors="coerce")
    finite = values.map(lambda v: not pd.isna(v) and math.isfinite(v))
    if not finite.all():
        row = int((~finite).to_numpy().nonzero()[0][0])
        found = values_text.iloc[row]
        what = "the value is missing" if not found else f"found {found!r} (not numeric)"
        raise DataError(f"{origin}: row {row + 2}: expected a finite number; {what}")
    if dates.duplicated().any():
        row = int(dates.duplicated().to_numpy().nonzero()[0][0])
        raise DataError(f"{origin}: row {row + 2}: date {dates_text.iloc[row]} appears twice")
    series = pd.Series(
        values.to_numpy(dtype=float),
        index=pd.DatetimeIndex(dates.astype("datetime64[ns]"), name=str(raw.columns[0])),
        name=str(values_text.name),
    )
    return series.sort_index()


def _value_column(raw: pd.DataFrame, origin: str, column: str | None) -> pd.Series:
    rest = list(raw.columns[1:])
    if column is not None:
        if column not in rest:
            raise SpecificationError(
                f"no column {column!r} in {origin}; found {', '.join(map(str, raw.columns))}"
            )
        return raw[column]
    if len(rest) == 1:
        return raw[rest[0]]
    numeric = [c for c in rest if pd.to_numeric(raw[c].str.strip(), errors="coerce").notna().all()]
    if len(numeric) != 1:
        raise SpecificationError(
            f"{origin} has columns {', '.join(map(str, raw.columns))}; choose one with --column"
        )
    return raw[numeric[0]]
