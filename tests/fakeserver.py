"""A local fake of the providers' HTTP APIs, replaying recorded real responses, with faults.

One server on ``127.0.0.1`` (an ephemeral port) answers for every provider: SEC's data.sec.gov
and www.sec.gov paths, FRED's API and ``fredgraph.csv``, Stooq's CSV download. Each route maps a
path (and optionally query parameters) to a file under ``shared/data/api_responses``.

Faults are set per path (a glob): ``server.fail("/api/xbrl/companyfacts/*", "status", status=503,
times=2)`` fails the first two matching requests, then answers normally; ``times=None`` fails
always. Kinds: ``status`` (any code, optional ``Retry-After``), ``delay`` (sleep before answering),
``truncate`` (the first half of the body, with a matching Content-Length), ``html`` (an HTML error
page with 200), ``rename`` (rename a JSON key, at any depth), ``close`` (drop the connection
without answering) and ``reset`` (a TCP reset). A stopped server refuses connections.

Every request is logged (:attr:`FakeServer.requests`: monotonic arrival time, path, query,
headers, status answered), so tests can measure rates and count requests.
"""

from __future__ import annotations

import fnmatch
import json
import socket
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

FaultKind = Literal["status", "delay", "truncate", "html", "rename", "close", "reset"]


@dataclass(frozen=True)
class Route:
    path: str
    file: str
    query: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"


def _json(path: str, file: str, **query: str) -> Route:
    return Route(path, file, tuple(sorted(query.items())))


def _csv(path: str, file: str, **query: str) -> Route:
    return Route(path, file, tuple(sorted(query.items())), "text/csv")


_SEC_COMPANIES = {
    "0001045810": "NVIDIA",
    "0001652044": "Alphabet",
    "0001046179": "TSMC_ifrs",
    "0000320193": "Apple",
}

DEFAULT_ROUTES: tuple[Route, ...] = (
    *(
        _json(
            f"/api/xbrl/companyfacts/CIK{cik}.json", f"sec_edgar/companyfacts_CIK{cik}_{name}.json"
        )
        for cik, name in _SEC_COMPANIES.items()
    ),
    *(
        _json(f"/submissions/CIK{cik}.json", f"sec_edgar/submissions_CIK{cik}_{name}.json")
        for cik, name in (
            ("0000320193", "Apple"),
            ("0000789019", "Microsoft"),
            ("0001045810", "NVIDIA"),
        )
    ),
    _json(
        "/api/xbrl/companyconcept/CIK0000320193/dei/EntityCommonStockSharesOutstanding.json",
        "sec_edgar/companyconcept_CIK0000320193_dei_EntityCommonStockSharesOutstanding.json",
    ),
    _json(
        "/api/xbrl/frames/us-gaap/AccountsPayableCurrent/USD/CY2019Q1I.json",
        "sec_edgar/frames_us-gaap_AccountsPayableCurrent_USD_CY2019Q1I.json",
    ),
    _json(
        "/api/xbrl/frames/us-gaap/RevenueFromContractWithCustomerExcludingAssessedTax/USD/CY2024Q2.json",
        "sec_edgar/frames_us-gaap_RevenueFromContractWithCustomerExcludingAssessedTax_USD_CY2024Q2.json",
    ),
    _json("/files/company_tickers.json", "sec_edgar/company_tickers.json"),
    _json("/files/company_tickers_exchange.json", "sec_edgar/company_tickers_exchange.json"),
    _json(
        "/fred/series/observations", "fred/fredapi_series_observations_GDP.json", series_id="GDP"
    ),
    _json(
        "/fred/series/observations",
        "fred/fredapi_series_observations_GDP_realtime_1776-07-04_9999-12-31_all_vintages.json",
        series_id="GDP",
        realtime_start="1776-07-04",
        realtime_end="9999-12-31",
    ),
    _json(
        "/fred/series/observations",
        "fred/fredapi_series_observations_GDP_realtime_1776-07-04_2019-01-01_asof.json",
        series_id="GDP",
        realtime_start="1776-07-04",
        realtime_end="2019-01-01",
    ),
    _json(
        "/fred/series/observations",
        "fred/fredapi_series_observations_GDP_output_type4_initial_release.json",
        series_id="GDP",
        output_type="4",
    ),
    _json(
        "/fred/series/vintagedates", "fred/fredapi_series_vintagedates_GDP.json", series_id="GDP"
    ),
    _json("/fred/series", "fred/fredapi_series_GDP.json", series_id="GDP"),
    _csv("/graph/fredgraph.csv", "fred/fredgraph_BAMLC0A0CM.csv", id="BAMLC0A0CM"),
    _csv("/graph/fredgraph.csv", "fred/fredgraph_BAMLH0A0HYM2.csv", id="BAMLH0A0HYM2"),
    # FRED chart downloads (fredgraph.csv layout) kept beside the recorded responses
    *(
        _csv("/graph/fredgraph.csv", f"../fred_macro_acc102/{sid}.csv", id=sid)
        for sid in ("NASDAQCOM", "SP500", "DGS10")
    ),
    *(
        _csv("/q/d/l/", f"prices/stooq_{t}_us_d.csv", s=f"{t}.us", i="d")
        for t in ("nvda", "msft", "aapl")
    ),
)
"""Every recorded response, by the path (and query) of the endpoint that served it."""

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>\n"
    b"<body><h1>Service Temporarily Unavailable</h1><p>Please try again later.</p></body></html>\n"
)


@dataclass
class Fault:
    kind: FaultKind
    times: int | None = None
    status: int = 500
    retry_after: str | None = None
    delay: float = 0.0
    rename: tuple[str, str] | None = None
    served: int = 0

    def take(self) -> bool:
        """Whether this request gets the fault (counts it)."""
        if self.times is not None and self.served >= self.times:
            return False
        self.served += 1
        return True


@dataclass(frozen=True)
class RecordedRequest:
    time: float
    """``time.monotonic()`` at arrival."""
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int | None = None
    """The status answered; ``None`` when the connection was dropped."""


def _rename_key(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {(new if k == old else k): _rename_key(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename_key(v, old, new) for v in value]
    return value


@dataclass
class FakeServer:
    """The fake provider server; use as a context manager or call :meth:`start`/:meth:`stop`."""

    data_dir: Path
    routes: tuple[Route, ...] = DEFAULT_ROUTES
    _faults: dict[str, Fault] = field(default_factory=dict)
    _log: list[RecordedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    port: int = 0

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        handler = type("Handler", (_Handler,), {"server_state": self})
        httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; the port then refuses connections. Delayed answers are cut short."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------------

    def fail(
        self,
        path: str,
        kind: FaultKind,
        *,
        times: int | None = None,
        status: int = 500,
        retry_after: str | float | None = None,
        delay: float = 0.0,
        rename: tuple[str, str] | None = None,
    ) -> Fault:
        """Make requests whose path matches the glob ``path`` misbehave (``times=None``: always)."""
        if kind == "rename" and rename is None:
            raise ValueError("a rename fault needs rename=(old_key, new_key)")
        fault = Fault(
            kind,
            times=times,
            status=status,
            retry_after=None if retry_after is None else str(retry_after),
            delay=delay,
            rename=rename,
        )
        with self._lock:
            self._faults[path] = fault
        return fault

    def heal(self, path: str | None = None) -> None:
        """Remove the fault on ``path`` (or every fault)."""
        with self._lock:
            if path is None:
                self._faults.clear()
            else:
                self._faults.pop(path, None)

    def _fault_for(self, path: str) -> Fault | None:
        with self._lock:
            for pattern, fault in self._faults.items():
                if fnmatch.fnmatchcase(path, pattern) and fault.take():
                    return fault
        return None

    # -- the request log --------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order."""
        with self._lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The requests whose path matches the glob ``path``."""
        return [r for r in self.requests if fnmatch.fnmatchcase(r.path, path)]

    def max_in_window(self, window: float = 1.0, path: str = "*") -> int:
        """The most requests (matching ``path``) that arrived within any ``window`` seconds."""
        times = sorted(r.time for r in self.requests_to(path))
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def _record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    # -- routing ----------------------------------------------------------------------------

    def resolve(self, path: str, query: Mapping[str, str]) -> Route | None:
        """The route that serves ``path`` with ``query``: the one matching the most parameters."""
        best: Route | None = None
        for route in self.routes:
            if route.path != path:
                continue
            matches = all(query.get(k) == v for k, v in route.query)
            if matches and (best is None or len(route.query) > len(best.query)):
                best = route
        return best


class _Handler(BaseHTTPRequestHandler):
    server_state: FakeServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""

    def do_GET(self) -> None:
        state = self.server_state
        arrived = time.monotonic()
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        headers = {k: v for k, v in self.headers.items()}

        def record(status: int | None) -> None:
            state._record(RecordedRequest(arrived, parts.path, query, headers, status))

        fault = state._fault_for(parts.path)
        if fault is not None and fault.kind == "delay":
            if state._stopping.wait(fault.delay):
                record(None)
                return
            fault = None
        if fault is not None and fault.kind in ("close", "reset"):
            record(None)
            if fault.kind == "reset":
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None and fault.kind == "status":
            body = json.dumps({"error_code": fault.status, "error_message": "fault"}).encode()
            if fault.status == 429 and parts.path.startswith("/fred/"):
                body = (
                    state.data_dir / "fred/fredapi_error_429_too_many_requests.json"
                ).read_bytes()
            extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            record(fault.status)
            self._answer(fault.status, body, "application/json", extra)
            return
        if fault is not None and fault.kind == "html":
            record(200)
            self._answer(200, HTML_PAGE, "text/html; charset=utf-8")
            return

        route = state.resolve(parts.path, query)
        if route is None:
            record(404)
            self._answer(404, b'{"error": "not found"}', "application/json")
            return
        body = (state.data_dir / route.file).read_bytes()
        if fault is not None and fault.kind == "truncate":
            body = body[: len(body) // 2]
        elif fault is not None and fault.kind == "rename":
            assert fault.rename is not None
            old, new = fault.rename
            body = json.dumps(_rename_key(json.loads(body), old, new)).encode()
        record(200)
        self._answer(200, body, route.content_type)

    def _answer(
        self, status: int, body: bytes, content_type: str, extra: Mapping[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
