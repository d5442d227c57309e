"""FRED and ALFRED series into the ``fred_observations`` live table.

Two ways in, chosen by whether ``FRED_API_KEY`` is set:

- **Keyless** (provider ``fred_graph``): the chart-download CSV
  ``https://fred.stlouisfed.org/graph/fredgraph.csv?id=ID``, header ``observation_date,ID``, one
  row per date, empty fields on holidays. It is the *current* vintage only and carries no
  vintage information, so each row gets ``realtime_start = realtime_end = published`` = the
  UTC date it was retrieved: the value is only known to have been current on that day.
- **With a key** (provider ``fred``): ALFRED's ``fred/series/observations`` with
  ``realtime_start=1776-07-04&realtime_end=9999-12-31`` returns every vintage of every
  observation with its real-time period (FRED API, "fred/series/observations", parameters
  ``realtime_start``/``realtime_end`` and "Real-Time Periods"). ``"."`` means missing;
  ``published`` is ``realtime_start``, the day that value became the current one.

FRED's open end ``9999-12-31`` ("still current") and ALFRED's origin ``1776-07-04`` do not fit
a ``datetime64[ns]`` column; they are stored as :data:`OPEN_END` and :data:`ORIGIN`.

Views: :func:`as_known_on` (the value whose real-time period covers a date, as ALFRED answers
with ``realtime_start=realtime_end=D``) and :func:`first_release` (ALFRED ``output_type=4``).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from bubblewatch.data.live_schema import FRED_OBSERVATIONS
from bubblewatch.data.loaders import coerce
from bubblewatch.errors import DataError, SourceError, SpecificationError
from bubblewatch.sources._protocols import ClientFactory

PROVIDER = "fred"
"""Provider name of the FRED/ALFRED API (``api.stlouisfed.org``), used with a key."""
GRAPH_PROVIDER = "fred_graph"
"""Provider name of the keyless chart-download CSV (``fred.stlouisfed.org``)."""
KEY_ENV = "FRED_API_KEY"
OBSERVATIONS_ENDPOINT = "/fred/series/observations"
GRAPH_ENDPOINT = "/graph/fredgraph.csv"
TABLE = "fred_observations"

#: ALFRED's earliest real-time date, as requested.
ALFRED_ORIGIN = "1776-07-04"
#: FRED's "still current" real-time end, as requested and as returned.
ALFRED_OPEN_END = "9999-12-31"
#: How :data:`ALFRED_OPEN_END` is stored (the last whole day a ``datetime64[ns]`` holds).
OPEN_END = pd.Timestamp.max.normalize()
#: How a real-time date before 1677 is stored (the first whole day ``datetime64[ns]`` holds).
ORIGIN = (pd.Timestamp.min + pd.Timedelta(days=1)).normalize()

#: The series ``bubblewatch update`` keeps, each with what it feeds.
SERIES: dict[str, str] = {
    # markets section
    "NASDAQCOM": "NASDAQ Composite index, daily close (markets: the Composite against its high)",
    "SP500": "S&P 500 index, daily close (markets: the broad index)",
    "DGS10": "10-year Treasury constant-maturity yield, % (markets/credit: the risk-free leg)",
    # credit section: ICE BofA option-adjusted spreads (ICE-owned; FRED serves about 3 years)
    "BAMLC0A0CM": "ICE BofA US Corporate Index OAS, % (credit: investment-grade spread)",
    "BAMLH0A0HYM2": "ICE BofA US High Yield Index OAS, % (credit: high-yield spread)",
    # GDP section: BEA NIPA lines as FRED mirrors them (used when no BEA_API_KEY is set)
    "GDP": "nominal GDP, $bn SAAR = NIPA 1.1.5 line 1 (gdp_nominal_level)",
    "GDPC1": "real GDP, chained $bn SAAR = NIPA 1.1.6 line 1 (gdp_real_level)",
    "GDPDEF": "GDP implicit price deflator = NIPA 1.1.9 line 1 (contributions: GDP deflator)",
    "A191RL1Q225SBEA": "real GDP growth, % SAAR = NIPA 1.1.1 line 1 (gdp_growth)",
    "PCEC": "personal consumption expenditures, $bn SAAR = NIPA 1.1.5 line 2 (split: consumers)",
    "DPCERD3Q086SBEA": "PCE implicit price deflator = NIPA 1.1.9 line 2 (split: consumers)",
    "DPCERY2Q224SBEA": "contribution of PCE to real GDP growth, pp = NIPA 1.1.2 line 2 (split check)",
    "PNFI": "nonresidential fixed investment, $bn SAAR = NIPA 1.1.5 line 9 (split: business)",
    "A008RD3Q086SBEA": "nonresidential fixed investment deflator = NIPA 1.1.9 line 9 (split: business)",
    "A008RY2Q224SBEA": "contribution of nonresidential fixed investment, pp = NIPA 1.1.2 line 9 (split check)",
    "Y033RC1Q027SBEA": "equipment investment, $bn SAAR = NIPA 1.1.5 line 11 (contrib_equipment)",
    "A679RC1Q027SBEA": "information processing equipment and software, $bn SAAR = NIPA 5.3.5 line 32 (ipe_software_nominal_level)",
    "A679RX1Q020SBEA": "the same in chained dollars = NIPA 5.3.6 line 32 (ipe_software_real_level, Furman, yoy runs)",
    "Y034RC1Q027SBEA": "information processing equipment, $bn SAAR = NIPA 5.3.5 line 10 (IT contributions)",
    "Y034RX1Q020SBEA": "the same in chained dollars = NIPA 5.3.6 line 10 (ipe_real_level)",
    "B985RC1Q027SBEA": "software, $bn SAAR = NIPA 5.3.5 line 17 (software_nominal_level)",
    "B985RX1Q020SBEA": "software in chained dollars = NIPA 5.3.6 line 17 (software_real_level)",
    "Y034RY2Q224SBEA": "contribution of information processing equipment, pp (published_checks)",
    "B985RY2Q224SBEA": "contribution of software, pp (published_checks)",
}
DEFAULT_SERIES: tuple[str, ...] = tuple(SERIES)

_SERIES_ID = re.compile(r"^[A-Z0-9][A-Z0-9_]{0,49}$")
_SECRET = re.compile(r"(?i)\b(api_key|UserID)=[^&\s]*")
_REQUIRED = ("date", "value", "realtime_start", "realtime_end")


@dataclass(frozen=True)
class FredQuery:
    """Which series to fetch, and whether to ask ALFRED for every vintage (needs a key)."""

    series: tuple[str, ...] = DEFAULT_SERIES
    vintages: bool = True

    def __post_init__(self) -> None:
        series = (self.series,) if isinstance(self.series, str) else tuple(self.series)
        if not series:
            raise SpecificationError("FredQuery: no series given")
        for sid in series:
            if not isinstance(sid, str) or not _SERIES_ID.match(sid):
                raise SpecificationError(
                    f"FredQuery: {sid!r} is not a FRED series id (capitals, digits, _)"
                )
        if len(set(series)) != len(series):
            raise SpecificationError("FredQuery: a series is listed twice")
        object.__setattr__(self, "series", series)


def redact(url: str) -> str:
    """``url`` with any ``api_key=``/``UserID=`` value replaced by ``REDACTED``."""
    return _SECRET.sub(lambda m: f"{m.group(1)}=REDACTED", url)


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date().isoformat()


def _realtime(text: str) -> str:
    """A real-time date as stored: the open end and the origin mapped into range."""
    if text >= "2262-04-11":
        return str(OPEN_END.date())
    if text < "1677-09-22":
        return str(ORIGIN.date())
    return text


def _value(raw: object, where: str) -> float | None:
    if raw is None:
        return None
    text = str(raw).strip()
    if text in ("", "."):
        return None
    try:
        number = float(text)
    except ValueError:
        raise SourceError(f"{where}: value {text!r} is not a number") from None
    return None if math.isnan(number) else number


def _frame(rows: list[dict[str, object]], origin: str) -> pd.DataFrame:
    columns = [c.name for c in FRED_OBSERVATIONS.columns]
    frame = pd.DataFrame(rows, columns=columns)
    return coerce(frame, FRED_OBSERVATIONS, origin=origin)


def graph_csv_frame(text: str, series_id: str, *, url: str, retrieved: datetime) -> pd.DataFrame:
    """Rows of a keyless ``fredgraph.csv`` download (current vintage, no real-time periods).

    ``realtime_start``, ``realtime_end`` and ``published`` are the retrieval date (UTC).
    Raises :class:`SourceError` if the header is not ``observation_date,SERIES_ID`` or the text
    does not end in a line break (a body cut short).
    """
    where = f"{GRAPH_PROVIDER} {GRAPH_ENDPOINT}"
    if text.strip() and not text.endswith("\n"):
        # every line of a complete download ends in a line break; a body cut short mid-line
        # could otherwise parse, with its last value silently shortened
        raise SourceError(
            f"{where}: truncated CSV (no line break after the last row) ({series_id})"
        )
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    expected = ["observation_date", series_id]
    if header is None or [h.strip() for h in header] != expected:
        raise SourceError(
            f"{where}: header {','.join(header or [])!r} is not {','.join(expected)!r} "
            f"(field observation_date/{series_id})"
        )
    day = _day(retrieved)
    stamp, clean = _iso_utc(retrieved), redact(url)
    rows: list[dict[str, object]] = []
    for n, rec in enumerate(reader, start=2):
        if not rec:
            continue
        if len(rec) != 2:
            raise SourceError(f"{where}: line {n} has {len(rec)} fields, expected 2 ({series_id})")
        rows.append(
            {
                "series_id": series_id,
                "date": rec[0].strip(),
                "value": _value(rec[1], f"{where}: line {n}"),
                "realtime_start": day,
                "realtime_end": day,
                "provider": GRAPH_PROVIDER,
                "url": clean,
                "retrieved": stamp,
                "published": day,
            }
        )
    try:
        return _frame(rows, f"{where} {series_id}")
    except DataError as exc:  # a malformed date is drift, not bad user input
        raise SourceError(f"{where}: {exc}") from exc


def observations_frame(
    payload: Any, series_id: str, *, url: str, retrieved: datetime
) -> pd.DataFrame:
    """Rows of an ALFRED ``fred/series/observations`` JSON answer, one per vintage.

    ``value`` ``"."`` is missing; ``published`` is ``realtime_start``. A FRED error body
    (``error_code``/``error_message``) or a missing field raises :class:`SourceError`.
    """
    where = f"{PROVIDER} {OBSERVATIONS_ENDPOINT}"
    if isinstance(payload, dict) and "error_message" in payload:
        raise SourceError(
            f"{where}: FRED error {payload.get('error_code', '?')}: "
            f"{str(payload['error_message']).strip()} ({series_id})"
        )
    if not isinstance(payload, dict) or "observations" not in payload:
        raise SourceError(f"{where}: response has no field 'observations' ({series_id})")
    observations = payload["observations"]
    if not isinstance(observations, list):
        raise SourceError(f"{where}: field 'observations' is not a list ({series_id})")
    stamp, clean = _iso_utc(retrieved), redact(url)
    rows: list[dict[str, object]] = []
    for n, obs in enumerate(observations):
        if not isinstance(obs, dict):
            raise SourceError(f"{where}: observation {n} is not an object ({series_id})")
        for key in _REQUIRED:
            if key not in obs:
                raise SourceError(f"{where}: observation {n} has no field {key!r} ({series_id})")
        start = str(obs["realtime_start"])
        rows.append(
            {
                "series_id": series_id,
                "date": obs["date"],
                "value": _value(obs["value"], f"{where}: observation {n}"),
                "realtime_start": _realtime(start),
                "realtime_end": _realtime(str(obs["realtime_end"])),
                "provider": PROVIDER,
                "url": clean,
                "retrieved": stamp,
                "published": _realtime(start),
            }
        )
    try:
        return _frame(rows, f"{where} {series_id}")
    except DataError as exc:
        raise SourceError(f"{where}: {exc}") from exc


def api_key() -> str | None:
    """The FRED API key from ``FRED_API_KEY``, or ``None``."""
    key = os.environ.get(KEY_ENV, "").strip()
    return key or None


def fetch(
    query: FredQuery, client_factory: ClientFactory, *, key: str | None = None
) -> dict[str, pd.DataFrame]:
    """Fetch every series of ``query``: all vintages with a key, else the keyless CSV.

    ``key`` defaults to ``FRED_API_KEY``. Returns ``{"fred_observations": rows}``; any failure
    raises :class:`SourceError` before a row is returned.
    """
    key = key if key is not None else api_key()
    frames: list[pd.DataFrame] = []
    if key and query.vintages:
        client = client_factory(PROVIDER)
        for sid in query.series:
            got = client.get(
                OBSERVATIONS_ENDPOINT,
                params={
                    "series_id": sid,
                    "api_key": key,
                    "file_type": "json",
                    "realtime_start": ALFRED_ORIGIN,
                    "realtime_end": ALFRED_OPEN_END,
                },
            )
            frames.append(observations_frame(got.json(), sid, url=got.url, retrieved=got.retrieved))
    else:
        client = client_factory(GRAPH_PROVIDER)
        for sid in query.series:
            got = client.get(GRAPH_ENDPOINT, params={"id": sid})
            frames.append(graph_csv_frame(got.text(), sid, url=got.url, retrieved=got.retrieved))
    return {TABLE: pd.concat(frames, ignore_index=True)}


def _as_timestamp(when: date | datetime | str) -> pd.Timestamp:
    return pd.Timestamp(when).tz_localize(None).normalize()


def as_known_on(frame: pd.DataFrame, when: date | datetime | str) -> pd.DataFrame:
    """For each ``(series_id, date)``, the row whose real-time period covers ``when``.

    ``realtime_start <= when <= realtime_end``; where several rows cover it (the same vintage
    retrieved twice), the latest ``realtime_start`` then the latest retrieval wins. Missing
    values stay: a figure known to be missing on that day is an answer too.
    """
    day = _as_timestamp(when)
    covering = frame.loc[(frame["realtime_start"] <= day) & (frame["realtime_end"] >= day)]
    ordered = covering.sort_values(["series_id", "date", "realtime_start", "retrieved"])
    latest = ordered.drop_duplicates(["series_id", "date"], keep="last")
    return latest.reset_index(drop=True)


def first_release(frame: pd.DataFrame, *, releases_only: bool = False) -> pd.DataFrame:
    """For each ``(series_id, date)``, the row of its earliest real-time period.

    With ``releases_only``, keep only observations that were new when they first appeared,
    later than every date the series already had: observations of the earliest vintage and
    history added later (backfill) are dropped, as their first release predates the record.
    The result then equals ALFRED's ``output_type=4`` ("initial release only").
    """
    ordered = frame.sort_values(["series_id", "date", "realtime_start", "retrieved"])
    first = ordered.drop_duplicates(["series_id", "date"], keep="first")
    if releases_only:
        # the latest observation date each series had before each vintage began
        per_vintage = frame.groupby(["series_id", "realtime_start"])["date"].max()
        before = per_vintage.groupby(level="series_id").transform(lambda s: s.cummax().shift(1))
        prior = pd.Series(
            before.reindex(
                pd.MultiIndex.from_frame(first[["series_id", "realtime_start"]])
            ).to_numpy(),
            index=first.index,
        )
        first = first.loc[prior.notna() & (first["date"] > prior)]
    return first.reset_index(drop=True)
