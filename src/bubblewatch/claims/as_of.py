"""The store's tables as they stood on a date.

"As of D" means: observations of periods that ended on or before D (prices, national accounts,
company financials, cycle series, installed capacity, rental quotes, accounting changes), at the
latest vintage the store holds; and forecasts, estimates, deals and debt issues announced on or
before D. Real-time vintages are not kept for every curated table, so a figure revised after D
is read at its revised value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import pandas as pd

_QUARTER = re.compile(r"(\d{4})Q([1-4])")
_HALF = re.compile(r"(\d{4})H([12])")
_YEAR = re.compile(r"(\d{4})")
_SPAN = re.compile(r"\d{4}\s*[-–]\s*(\d{4})")

_DATED: Mapping[str, str] = {
    "market": "date",
    "series": "date",
    "deals": "date",
    "debt": "date",
    "estimates": "date",
    "accelerators": "date",
    "useful_lives": "effective_date",
    "financials": "fiscal_year_end",
}
"""Tables filtered on one date column."""


def period_end(period: str) -> pd.Timestamp | None:
    """Last day of a period label: ``2025Q2``, ``2025H1``, ``2025``, ``1995-2000``; else None."""
    text = str(period).strip()
    if m := _QUARTER.fullmatch(text):
        return pd.Period(f"{m[1]}Q{m[2]}", "Q").end_time.normalize()
    if m := _HALF.fullmatch(text):
        month = 6 if m[2] == "1" else 12
        return pd.Period(f"{m[1]}-{month:02d}", "M").end_time.normalize()
    if m := _SPAN.fullmatch(text):
        return pd.Timestamp(int(m[1]), 12, 31)
    if m := _YEAR.fullmatch(text):
        return pd.Timestamp(int(m[1]), 12, 31)
    return None


def known_as_of(tables: Mapping[str, pd.DataFrame], as_of: date | None) -> dict[str, pd.DataFrame]:
    """The rows of ``tables`` known on ``as_of`` (every row when ``as_of`` is None)."""
    if as_of is None:
        return dict(tables)
    cutoff = pd.Timestamp(as_of)
    published = tables["sources"].set_index("source_id")["published"]
    out: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        if name in _DATED:
            keep = pd.to_datetime(frame[_DATED[name]]) <= cutoff
        elif name == "macro":
            ends = pd.to_datetime(frame["period"].map(period_end))
            announced = pd.to_datetime(frame["source_id"].map(published)) <= cutoff
            keep = (ends <= cutoff) | (ends.isna() & announced)
        elif name == "cycles":
            keep = frame["year"].astype(int) < cutoff.year
        elif name == "power":
            years = pd.to_numeric(frame["year"], errors="coerce")
            actual = frame["kind"].eq("actual") & (years < cutoff.year)
            forecast = frame["kind"].eq("forecast") & (
                pd.to_datetime(frame["source_id"].map(published)) <= cutoff
            )
            keep = actual | forecast
        else:
            out[name] = frame
            continue
        out[name] = frame.loc[keep.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    return out
