"""BEA NIPA tables into the ``bea_nipa`` live table, one vintage per release.

Implements ``GetData`` on the ``NIPA`` dataset of BEA's Data Retrieval API ("BEA API for Data
Retrieval: User Guide", https://apps.bea.gov/api/_pdf/bea_web_service_api_user_guide.pdf, and
its NIPA appendix): ``GET https://apps.bea.gov/api/data?UserID=KEY&method=GetData&
datasetname=NIPA&TableName=T10105&Frequency=Q&Year=ALL&ResultFormat=json``. The answer is
``{"BEAAPI": {"Request": ..., "Results": {"Statistic", "UTCProductionTime", "Dimensions",
"Data": [...], "Notes": [...]}}}``; each ``Data`` row carries ``TableName``, ``SeriesCode``,
``LineNumber``, ``LineDescription``, ``TimePeriod``, ``METRIC_NAME``, ``CL_UNIT``,
``UNIT_MULT``, ``DataValue`` (a string with thousands separators) and ``NoteRef``. Errors come
as ``{"BEAAPI": {"Error": {"APIErrorCode", "APIErrorDescription"}}}``, or with ``Error`` under
``Results``.

``published`` is the table's release date when a note states it ("Last Revised on: May 28,
2026", as BEA's table headers do); otherwise the date of ``UTCProductionTime``, the moment
BEA produced the answer, which is on or after the release.

BEA needs a registered key (``BEA_API_KEY``). Without one, :func:`fetch` returns nothing and
the GDP section's lines come from FRED's mirrors of them (:func:`fred_mirrors`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from bubblewatch.data.live_schema import BEA_NIPA
from bubblewatch.data.loaders import coerce
from bubblewatch.errors import DataError, SourceError, SpecificationError
from bubblewatch.sources._protocols import ClientFactory

PROVIDER = "bea"
KEY_ENV = "BEA_API_KEY"
ENDPOINT = "/api/data"
TABLE = "bea_nipa"

#: The NIPA tables the GDP section reads, by their API ``TableName``.
TABLES: dict[str, str] = {
    "T10105": "Table 1.1.5. Gross Domestic Product (current dollars)",
    "T10106": "Table 1.1.6. Real Gross Domestic Product, Chained Dollars",
    "T10109": "Table 1.1.9. Implicit Price Deflators for Gross Domestic Product",
    "T50305": "Table 5.3.5. Private Fixed Investment by Type (current dollars)",
    "T50306": "Table 5.3.6. Real Private Fixed Investment by Type, Chained Dollars",
    "T50405": "Table 5.4.5. Private Fixed Investment in Structures by Type (current dollars)",
    "T50406": "Table 5.4.6. Real Private Fixed Investment in Structures by Type, Chained Dollars",
}
DEFAULT_TABLES: tuple[str, ...] = tuple(TABLES)
FREQUENCIES = frozenset({"A", "Q", "M"})

#: NIPA (table, line) -> the FRED series that mirrors it, for the lines the GDP section uses.
#: Data-centre structures (5.4.5/5.4.6 line 5) have no FRED mirror: they need BEA itself.
_FRED_MIRRORS: dict[tuple[str, int], str] = {
    ("T10101", 1): "A191RL1Q225SBEA",  # real GDP, percent change at annual rate
    ("T10105", 1): "GDP",  # GDP
    ("T10105", 2): "PCEC",  # personal consumption expenditures
    ("T10105", 9): "PNFI",  # nonresidential fixed investment
    ("T10105", 11): "Y033RC1Q027SBEA",  # equipment
    ("T10106", 1): "GDPC1",  # real GDP
    ("T10109", 1): "GDPDEF",  # GDP deflator
    ("T10109", 2): "DPCERD3Q086SBEA",  # PCE deflator
    ("T10109", 9): "A008RD3Q086SBEA",  # nonresidential fixed investment deflator
    ("T50305", 10): "Y034RC1Q027SBEA",  # information processing equipment
    ("T50305", 17): "B985RC1Q027SBEA",  # software
    ("T50305", 32): "A679RC1Q027SBEA",  # information processing equipment and software
    ("T50306", 10): "Y034RX1Q020SBEA",
    ("T50306", 17): "B985RX1Q020SBEA",
    ("T50306", 32): "A679RX1Q020SBEA",
}

_TABLE_NAME = re.compile(r"^T\d{5}$")
_YEARS = re.compile(r"^(ALL|X|\d{4}(,\d{4})*)$")
_SECRET = re.compile(r"(?i)\b(UserID|api_key)=[^&\s]*")
_REVISED = re.compile(
    r"Last\s*Revised(?:\s+on)?\s*:?\s*([A-Z][a-z]+)\.?\s+(\d{1,2}),\s*(\d{4})", re.IGNORECASE
)
_MISSING = frozenset({"", "---", "(NA)", "(D)", "(NM)", "(X)", "(S)", "(L)", "...", "n.a."})
_ROW_FIELDS = (
    "TableName",
    "SeriesCode",
    "LineNumber",
    "LineDescription",
    "TimePeriod",
    "CL_UNIT",
    "UNIT_MULT",
    "DataValue",
)


@dataclass(frozen=True)
class BeaQuery:
    """Which NIPA tables to fetch, at which frequency (``A``, ``Q``, ``M``) and for which years."""

    tables: tuple[str, ...] = DEFAULT_TABLES
    frequency: str = "Q"
    years: str = "ALL"

    def __post_init__(self) -> None:
        tables = (self.tables,) if isinstance(self.tables, str) else tuple(self.tables)
        if not tables:
            raise SpecificationError("BeaQuery: no tables given")
        for name in tables:
            if not isinstance(name, str) or not _TABLE_NAME.match(name):
                raise SpecificationError(
                    f"BeaQuery: {name!r} is not a NIPA TableName like T10105 (Table 1.1.5)"
                )
        if len(set(tables)) != len(tables):
            raise SpecificationError("BeaQuery: a table is listed twice")
        if self.frequency not in FREQUENCIES:
            raise SpecificationError(f"BeaQuery: frequency {self.frequency!r} is not A, Q or M")
        if not _YEARS.match(self.years):
            raise SpecificationError(
                f"BeaQuery: years {self.years!r} is not ALL or comma-separated years"
            )
        object.__setattr__(self, "tables", tables)


def api_key() -> str | None:
    """The BEA UserID from ``BEA_API_KEY``, or ``None``."""
    key = os.environ.get(KEY_ENV, "").strip()
    return key or None


def needs_key() -> bool:
    """Whether BEA cannot be asked: no ``BEA_API_KEY`` is set (the FRED mirrors stand in)."""
    return api_key() is None


def fred_mirrors() -> dict[tuple[str, int], str]:
    """NIPA ``(TableName, LineNumber)`` -> FRED series id, for the lines the GDP section uses."""
    return dict(_FRED_MIRRORS)


def redact(url: str) -> str:
    return _SECRET.sub(lambda m: f"{m.group(1)}=REDACTED", url)


def _where() -> str:
    return f"{PROVIDER} {ENDPOINT}"


def _error_text(node: Any) -> str:
    if isinstance(node, list):
        return "; ".join(_error_text(n) for n in node)
    if isinstance(node, dict):
        desc = str(node.get("APIErrorDescription") or node.get("error") or "").strip()
        code = str(node.get("APIErrorCode") or "").strip()
        detail = node.get("ErrorDetail")
        if isinstance(detail, dict) and detail.get("Description"):
            desc = f"{desc} ({str(detail['Description']).strip()})"
        return f"BEA error {code}: {desc}" if code else f"BEA error: {desc}"
    return f"BEA error: {node}"


def _results(payload: Any, table_name: str) -> dict[str, Any]:
    where = _where()
    if not isinstance(payload, dict) or not isinstance(payload.get("BEAAPI"), dict):
        raise SourceError(f"{where}: response has no field 'BEAAPI' ({table_name})")
    root = payload["BEAAPI"]
    if "Error" in root:
        raise SourceError(f"{where}: {_error_text(root['Error'])} ({table_name})")
    results = root.get("Results")
    if isinstance(results, list) and len(results) == 1:
        results = results[0]
    if not isinstance(results, dict):
        raise SourceError(f"{where}: response has no field 'Results' ({table_name})")
    if "Error" in results:
        raise SourceError(f"{where}: {_error_text(results['Error'])} ({table_name})")
    if "Data" not in results:
        raise SourceError(f"{where}: response has no field 'Data' ({table_name})")
    return results


def release_date(results: Mapping[str, Any], table_name: str) -> str | None:
    """The release date a note of ``table_name`` states ("Last Revised on: May 28, 2026")."""
    notes = [n for n in results.get("Notes") or [] if isinstance(n, dict)]
    # the table's own note first, then any other
    notes.sort(key=lambda n: str(n.get("NoteRef", "")).strip() != table_name)
    texts = [str(n.get("NoteText", "")) for n in notes]
    for text in texts:
        m = _REVISED.search(text)
        if m:
            try:
                day = datetime.strptime(" ".join(m.groups()), "%B %d %Y")
            except ValueError:
                try:
                    day = datetime.strptime(" ".join(m.groups()), "%b %d %Y")
                except ValueError:
                    continue
            return day.date().isoformat()
    return None


def _production_date(results: Mapping[str, Any], table_name: str) -> str:
    raw = results.get("UTCProductionTime")
    if not raw:
        raise SourceError(
            f"{_where()}: response has neither a 'Last Revised' note nor field "
            f"'UTCProductionTime' ({table_name})"
        )
    try:
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise SourceError(
            f"{_where()}: field 'UTCProductionTime' {raw!r} is not a timestamp ({table_name})"
        ) from None


def _number(raw: object, where: str) -> float | None:
    text = str(raw).strip() if raw is not None else ""
    if text in _MISSING:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise SourceError(f"{where}: DataValue {text!r} is not a number") from None


def data_frame(payload: Any, table_name: str, *, url: str, retrieved: datetime) -> pd.DataFrame:
    """Rows of a NIPA ``GetData`` answer for ``table_name``.

    ``DataValue`` strings lose their thousands separators; ``---``, ``(NA)`` and BEA's other
    suppression marks become missing. Values stay in the published unit (``unit_mult`` is the
    power of ten, 6 = millions). An API error body, a missing ``Data`` field or a row missing
    a field raises :class:`SourceError` with BEA's description or the field's name.
    """
    where = _where()
    results = _results(payload, table_name)
    data = results["Data"]
    if not isinstance(data, list):
        raise SourceError(f"{where}: field 'Data' is not a list ({table_name})")
    published = release_date(results, table_name) or _production_date(results, table_name)
    if retrieved.tzinfo is None:
        retrieved = retrieved.replace(tzinfo=UTC)
    stamp = retrieved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    clean = redact(url)
    rows: list[dict[str, object]] = []
    for n, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise SourceError(f"{where}: Data row {n} is not an object ({table_name})")
        for key in _ROW_FIELDS:
            if key not in rec:
                raise SourceError(f"{where}: Data row {n} has no field {key!r} ({table_name})")
        if str(rec["TableName"]).strip() != table_name:
            raise SourceError(
                f"{where}: Data row {n} is of table {rec['TableName']!r}, not {table_name}"
            )
        try:
            line = int(str(rec["LineNumber"]).strip())
            mult = int(str(rec["UNIT_MULT"]).strip()) if str(rec["UNIT_MULT"]).strip() else None
        except ValueError:
            raise SourceError(
                f"{where}: Data row {n}: LineNumber/UNIT_MULT is not an integer ({table_name})"
            ) from None
        metric = str(rec.get("METRIC_NAME") or "").strip()
        unit = str(rec["CL_UNIT"]).strip()
        note = str(rec.get("NoteRef") or "").strip()
        rows.append(
            {
                "table_name": table_name,
                "line_number": line,
                "line_description": str(rec["LineDescription"]).strip(),
                "series_code": str(rec["SeriesCode"]).strip(),
                "time_period": str(rec["TimePeriod"]).strip(),
                "value": _number(rec["DataValue"], f"{where}: Data row {n}"),
                "unit": f"{metric}: {unit}" if metric else unit,
                "unit_mult": mult,
                "note_ref": note or None,
                "provider": PROVIDER,
                "url": clean,
                "retrieved": stamp,
                "published": published,
            }
        )
    frame = pd.DataFrame(rows, columns=[c.name for c in BEA_NIPA.columns])
    try:
        out = coerce(frame, BEA_NIPA, origin=f"{where} {table_name}")
    except DataError as exc:  # a malformed field is drift, not bad user input
        raise SourceError(f"{where}: {exc}") from exc
    out["line_number"] = out["line_number"].astype("int64")
    out["unit_mult"] = out["unit_mult"].astype("Int64")
    return out


def fetch(
    query: BeaQuery, client_factory: ClientFactory, *, key: str | None = None
) -> dict[str, pd.DataFrame]:
    """Fetch every table of ``query``; ``{}`` without a key (``BEA_API_KEY``).

    Returns ``{"bea_nipa": rows}``; any failure raises :class:`SourceError` before a row is
    returned.
    """
    key = key if key is not None else api_key()
    if not key:
        return {}
    client = client_factory(PROVIDER)
    frames = []
    for name in query.tables:
        got = client.get(
            ENDPOINT,
            params={
                "UserID": key,
                "method": "GetData",
                "datasetname": "NIPA",
                "TableName": name,
                "Frequency": query.frequency,
                "Year": query.years,
                "ResultFormat": "json",
            },
        )
        frames.append(data_frame(got.json(), name, url=got.url, retrieved=got.retrieved))
    return {TABLE: pd.concat(frames, ignore_index=True)}
