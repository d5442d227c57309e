"""The provider HTTP client against the local fake server: retries, rate, cache, errors."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bubblewatch.errors import SourceError, SpecificationError
from bubblewatch.sources import http
from bubblewatch.sources.http import PROVIDERS, Client, RateLimiter, RetryPolicy, redact
from fakeserver import FakeServer

NVDA = "/api/xbrl/companyfacts/CIK0001045810.json"
APPLE_CONCEPT = "/api/xbrl/companyconcept/CIK0000320193/dei/EntityCommonStockSharesOutstanding.json"
FAST = RetryPolicy(attempts=4, wait_initial=0.01, wait_max=0.05, wait_jitter=0.01)


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text
    return text


@pytest.fixture
def server(fake_server: object) -> FakeServer:
    assert isinstance(fake_server, FakeServer)
    return fake_server


def test_replays_real_responses_with_provenance(server: FakeServer) -> None:
    client = Client.for_provider("sec")
    before = datetime.now(UTC)
    fetched = client.get(NVDA)
    assert fetched.status == 200 and not fetched.from_cache and not fetched.stale
    assert fetched.provider == "sec" and fetched.url == f"{server.url}{NVDA}"
    assert fetched.json()["entityName"] == "NVIDIA CORP"
    assert fetched.retrieved.tzinfo is not None and fetched.retrieved >= before - timedelta(
        seconds=1
    )
    csv = Client.for_provider("fred_graph").get("/graph/fredgraph.csv", {"id": "BAMLC0A0CM"})
    assert csv.text().startswith("observation_date,BAMLC0A0CM")
    tickers = Client.for_provider("sec_www").get("/files/company_tickers.json").json()
    assert tickers["0"]["ticker"] == "AAPL"


def test_sec_user_agent_declares_the_contact(server: FakeServer) -> None:
    Client.for_provider("sec").get(APPLE_CONCEPT)
    Client.for_provider("fred").get("/fred/series", {"series_id": "GDP", "api_key": "k"})
    sec, fred = server.requests
    assert sec.headers["User-Agent"] == "Bubblewatch Tests tests@example.com"
    assert fred.headers["User-Agent"].startswith("bubblewatch/")


def test_429_waits_as_long_as_retry_after_says(server: FakeServer) -> None:
    server.fail(APPLE_CONCEPT, "status", status=429, retry_after=1, times=1)
    fetched = Client.for_provider("sec").get(APPLE_CONCEPT)
    assert fetched.json()["tag"] == "EntityCommonStockSharesOutstanding"
    first, second = server.requests_to(APPLE_CONCEPT)
    assert (first.status, second.status) == (429, 200)
    assert 1.0 <= second.time - first.time < 2.0  # the backoff alone would wait ~0.01 s


def test_retry_after_as_http_date_is_understood() -> None:
    soon = datetime.now(UTC) + timedelta(seconds=30)
    stamp = soon.strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = http._retry_after_seconds(stamp)
    assert seconds is not None and 27 <= seconds <= 31
    assert http._retry_after_seconds("garbage") is None


def test_503_then_success(server: FakeServer) -> None:
    server.fail(NVDA, "status", status=503, times=2)
    client = Client.for_provider("sec")
    assert client.get(NVDA).json()["cik"] == 1045810
    assert [r.status for r in server.requests_to(NVDA)] == [503, 503, 200]
    assert client.requests_made == 3


def test_500_always_fails_after_every_try(server: FakeServer) -> None:
    server.fail(NVDA, "status", status=500)
    client = Client.for_provider("sec")
    with pytest.raises(SourceError) as caught:
        client.get(NVDA)
    assert one_line(caught.value) == f"sec {NVDA}: HTTP 500 Internal Server Error after 4 tries"
    assert len(server.requests_to(NVDA)) == 4


def test_404_is_not_retried(server: FakeServer) -> None:
    path = "/api/xbrl/companyfacts/CIK0000000001.json"
    with pytest.raises(SourceError) as caught:
        Client.for_provider("sec").get(path)
    assert one_line(caught.value) == f"sec {path}: HTTP 404 Not Found"
    assert len(server.requests_to(path)) == 1


def test_timeout_is_one_line(server: FakeServer) -> None:
    server.fail(APPLE_CONCEPT, "delay", delay=3.0)
    client = Client.for_provider("sec", timeouts=(1.0, 0.3), retry=FAST)
    with pytest.raises(SourceError) as caught:
        client.get(APPLE_CONCEPT)
    assert one_line(caught.value) == f"sec {APPLE_CONCEPT}: timed out after 0.3 s (4 tries)"


def test_timeout_then_success(server: FakeServer) -> None:
    server.fail(APPLE_CONCEPT, "delay", delay=2.0, times=1)
    client = Client.for_provider("sec", timeouts=(1.0, 0.3), retry=FAST)
    assert client.get(APPLE_CONCEPT).json()["cik"] == 320193
    assert client.requests_made == 2


def test_dropped_connection_is_retried_then_named(server: FakeServer) -> None:
    server.fail(APPLE_CONCEPT, "close", times=1)
    assert Client.for_provider("sec").get(APPLE_CONCEPT).json()["cik"] == 320193
    server.fail(NVDA, "reset")
    with pytest.raises(SourceError) as caught:
        Client.for_provider("sec").get(NVDA)
    assert one_line(caught.value).startswith(f"sec {NVDA}: connection")
    assert "4 tries" in str(caught.value)


def test_html_page_is_not_json_and_not_cached(server: FakeServer) -> None:
    server.fail(NVDA, "html", times=1)
    client = Client.for_provider("sec")
    fetched = client.get(NVDA)
    with pytest.raises(SourceError) as caught:
        fetched.json()
    assert one_line(caught.value) == (
        f"sec {NVDA}: not JSON (an HTML page: 'Service Temporarily Unavailable')"
    )
    assert client.get(NVDA).json()["cik"] == 1045810  # the HTML page was not cached
    assert client.requests_made == 2


def test_truncated_json_is_named_and_not_cached(server: FakeServer) -> None:
    server.fail(APPLE_CONCEPT, "truncate", times=1)
    client = Client.for_provider("sec")
    with pytest.raises(SourceError) as caught:
        client.get(APPLE_CONCEPT).json()
    assert one_line(caught.value).startswith(f"sec {APPLE_CONCEPT}: truncated JSON (")
    assert client.get(APPLE_CONCEPT).json()["cik"] == 320193
    assert client.requests_made == 2


def test_schema_drift_fault_renames_a_key(server: FakeServer) -> None:
    server.fail(APPLE_CONCEPT, "rename", rename=("units", "unitz"))
    payload = Client.for_provider("sec").get(APPLE_CONCEPT).json()
    assert "unitz" in payload and "units" not in payload


def test_sec_rate_never_above_ten_per_second(server: FakeServer) -> None:
    """30 distinct SEC requests from 3 threads and 2 clients share one limiter (≤ 9/s)."""
    clients = [Client.for_provider("sec"), Client.for_provider("sec_www")]
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            for n in range(10):
                client = clients[n % 2]
                client.get(f"{APPLE_CONCEPT}?n={index}-{n}", freshness=timedelta(0))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(server.requests) == 30
    assert server.max_in_window(1.0) <= 10
    span = server.requests[-1].time - server.requests[0].time
    assert span >= 3.0  # 30 requests spaced 1/9 s apart


def test_rate_limiter_spaces_requests() -> None:
    limiter = RateLimiter(20.0)
    start = time.monotonic()
    waits = [limiter.acquire() for _ in range(5)]
    assert waits[0] == 0.0 and all(w > 0 for w in waits[1:])
    assert time.monotonic() - start >= 4 * 0.05 - 0.01
    assert http.limiter_for(PROVIDERS["sec"]) is http.limiter_for(PROVIDERS["sec_www"])
    assert http.limiter_for(PROVIDERS["fred"]) is http.limiter_for(PROVIDERS["fred_graph"])


def test_second_call_within_freshness_makes_no_request(server: FakeServer) -> None:
    first = Client.for_provider("sec").get(NVDA)
    again = Client.for_provider("sec")  # a new process would build a new client, same cache
    second = again.get(NVDA)
    assert again.requests_made == 0 and len(server.requests) == 1
    assert second.from_cache and not second.stale and second.body == first.body
    assert abs((second.retrieved - first.retrieved).total_seconds()) < 1
    refreshed = again.get(NVDA, freshness=timedelta(0))
    assert not refreshed.from_cache and again.requests_made == 1


def test_network_down_reuses_a_stale_copy(server: FakeServer) -> None:
    first = Client.for_provider("sec").get(APPLE_CONCEPT)
    server.stop()
    client = Client.for_provider("sec", retry=FAST)
    stale = client.get(APPLE_CONCEPT, freshness=timedelta(0))
    assert stale.stale and stale.from_cache and stale.body == first.body
    assert client.requests_made == 4
    with pytest.raises(SourceError) as caught:
        client.get(NVDA)
    assert one_line(caught.value) == f"sec {NVDA}: connection refused (4 tries)"


def test_offline_never_touches_the_network(server: FakeServer) -> None:
    Client.for_provider("sec").get(APPLE_CONCEPT)
    offline = Client.for_provider("sec", offline=True)
    assert offline.get(APPLE_CONCEPT).from_cache
    with pytest.raises(SourceError) as caught:
        offline.get(NVDA)
    assert one_line(caught.value) == f"sec {NVDA}: not in the cache and offline"
    assert offline.requests_made == 0 and len(server.requests) == 1


@pytest.mark.parametrize("identity", [None, "", "Jane Doe", "jane@example.com"])
def test_sec_refuses_to_start_without_identity(
    identity: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if identity is None:
        monkeypatch.delenv(http.ENV_SEC_IDENTITY, raising=False)
    else:
        monkeypatch.setenv(http.ENV_SEC_IDENTITY, identity)
    for name in ("sec", "sec_www"):
        with pytest.raises(SpecificationError) as caught:
            Client.for_provider(name, cache_dir=tmp_path)
        assert 'set BUBBLEWATCH_SEC_IDENTITY="Jane Doe jane@example.com"' in one_line(caught.value)
    Client.for_provider("fred", cache_dir=tmp_path)  # others need none


def test_api_keys_are_redacted_in_urls_errors_and_cache(server: FakeServer, home: Path) -> None:
    params = {"series_id": "GDP", "api_key": "abcdef0123456789", "file_type": "json"}
    fetched = Client.for_provider("fred").get("/fred/series/observations", params)
    assert "abcdef" not in fetched.url and "api_key=REDACTED" in fetched.url
    assert fetched.json()["count"] == 315
    assert server.requests[0].query["api_key"] == "abcdef0123456789"  # still sent
    server.fail("/fred/series/observations", "status", status=400)
    with pytest.raises(SourceError) as caught:
        Client.for_provider("fred").get(
            "/fred/series/observations", {**params, "series_id": "NOPE"}
        )
    assert "abcdef" not in str(caught.value)
    assert redact("https://apps.bea.gov/api/data?UserID=SECRET&Method=GetData") == (
        "https://apps.bea.gov/api/data?UserID=REDACTED&Method=GetData"
    )
    for path in (home / "http-cache").rglob("*"):
        if path.is_file():
            assert b"abcdef0123456789" not in path.read_bytes()


def test_fred_429_body_is_the_recorded_one(server: FakeServer) -> None:
    server.fail("/fred/series/observations", "status", status=429)
    client = Client.for_provider(
        "fred", retry=RetryPolicy(attempts=2, wait_initial=0.01, wait_max=0.01, wait_jitter=0)
    )
    with pytest.raises(SourceError) as caught:
        client.get("/fred/series/observations", {"series_id": "GDP"})
    assert one_line(caught.value) == (
        "fred /fred/series/observations: HTTP 429 Too Many Requests after 2 tries"
    )


def test_base_urls_and_unknown_provider(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert PROVIDERS["sec"].base_url == "https://data.sec.gov"
    assert PROVIDERS["sec_www"].env_url == "BUBBLEWATCH_SEC_WWW_URL"
    monkeypatch.setenv("BUBBLEWATCH_STOOQ_URL", "http://127.0.0.1:9/")
    client = Client.for_provider("stooq", cache_dir=tmp_path)
    assert client.url_for("q/d/l/") == "http://127.0.0.1:9/q/d/l/"
    with pytest.raises(SpecificationError, match="unknown provider 'nope'"):
        Client.for_provider("nope")
