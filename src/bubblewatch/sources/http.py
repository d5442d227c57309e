"""The one HTTP client every provider goes through: identity, rate limits, timeouts, retries, cache.

Etiquette, per provider (see :data:`PROVIDERS`):

- **Identity.** SEC's fair-access policy requires a User-Agent that names a contact
  ("Sample Company Name AdminContact@sample.com", https://www.sec.gov/os/accessing-edgar-data);
  it is read from ``BUBBLEWATCH_SEC_IDENTITY`` and an SEC client refuses to start without one.
  Other providers get ``bubblewatch/<version>``.
- **Rate.** One process-wide limiter per host group: SEC ≤ 9 requests/s (its limit is 10/s),
  FRED 2/s (120 requests per minute, https://fred.stlouisfed.org/docs/api/fred/), BEA 1.5/s
  (100 requests per minute, https://apps.bea.gov/API/docs/index.htm), Stooq 1/s.
  The limiter (:class:`RateLimiter`) spaces requests ``1/rate`` apart across threads, so no
  second ever holds a burst.
  pyrate-limiter was considered; its ``try_acquire`` returns ``bool | Awaitable[bool]``, it runs a
  background leak thread per bucket and its API broke at each major version (2, 3, 4), which is
  more moving parts than thirty lines of stdlib code.
- **Timeouts.** Every request carries an explicit ``(connect, read)`` timeout.
- **Retries** (stamina: jittered exponential backoff) on 429, 5xx, timeouts and connection
  errors only; ``Retry-After`` (seconds or an HTTP date, RFC 9110 §10.2.3) is honoured, capped
  at :attr:`RetryPolicy.retry_after_cap`. Other 4xx fail at once.
- **Cache** (requests-cache, SQLite under ``data_home()/http-cache``): only 200 responses are
  stored, each provider has a default freshness and per-endpoint freshness, and API keys
  (``api_key``, ``UserID``) are left out of cache keys and stored requests. When the network
  fails after the retries, a cached copy — even a stale one — is returned with ``stale=True``;
  ``offline=True`` reads the cache only.
- **Errors** are :class:`~bubblewatch.errors.SourceError` with one line,
  ``"PROVIDER /endpoint/path: what went wrong"``, with secrets redacted.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import stamina
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from requests_cache.models.response import CachedResponse

from bubblewatch import __version__
from bubblewatch.errors import SourceError, SpecificationError
from bubblewatch.paths import data_home

# stamina logs each scheduled retry; the CLI reports failures itself, in one line.
logging.getLogger("stamina").addHandler(logging.NullHandler())
logging.getLogger("stamina").propagate = False

__all__ = [
    "DEFAULT_RETRY",
    "ENV_SEC_IDENTITY",
    "PROVIDERS",
    "SECRET_PARAMS",
    "Client",
    "Fetched",
    "Provider",
    "RateLimiter",
    "RetryPolicy",
    "limiter_for",
    "redact",
    "sec_identity",
]

ENV_SEC_IDENTITY = "BUBBLEWATCH_SEC_IDENTITY"
SECRET_PARAMS: tuple[str, ...] = ("api_key", "UserID")
"""Query parameters that carry credentials (FRED ``api_key``, BEA ``UserID``)."""

_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Provider:
    """One remote host and the etiquette it asks for."""

    name: str
    base_url: str
    rate_per_second: float
    freshness: timedelta
    limiter_group: str
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    terms: str = ""
    needs_identity: bool = False
    endpoint_freshness: tuple[tuple[str, timedelta], ...] = ()
    """``(path glob, freshness)`` pairs that override :attr:`freshness` per endpoint."""

    @property
    def env_url(self) -> str:
        """The environment variable that overrides :attr:`base_url`."""
        return f"BUBBLEWATCH_{self.name.upper()}_URL"

    def resolved_base_url(self) -> str:
        """:attr:`base_url`, or ``$BUBBLEWATCH_<NAME>_URL`` when set; no trailing slash."""
        return (os.environ.get(self.env_url) or self.base_url).rstrip("/")


_SEC_TERMS = (
    "SEC EDGAR fair access: at most 10 requests/s and a User-Agent naming a contact "
    "(https://www.sec.gov/os/accessing-edgar-data); U.S. government data"
)
_FRED_TERMS = (
    "FRED API terms of use (https://fred.stlouisfed.org/docs/api/terms_of_use.html); "
    "some series (e.g. ICE BofA) belong to their owners"
)

PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider(
            "sec",
            "https://data.sec.gov",
            9.0,
            12 * _HOUR,
            "sec",
            terms=_SEC_TERMS,
            needs_identity=True,
            endpoint_freshness=(
                ("/api/xbrl/companyfacts/*", 12 * _HOUR),
                ("/submissions/*", 6 * _HOUR),
            ),
        ),
        Provider(
            "sec_www",
            "https://www.sec.gov",
            9.0,
            24 * _HOUR,
            "sec",
            terms=_SEC_TERMS,
            needs_identity=True,
            endpoint_freshness=(("/files/company_tickers*.json", 24 * _HOUR),),
        ),
        Provider(
            "fred",
            "https://api.stlouisfed.org",
            2.0,
            6 * _HOUR,
            "fred",
            terms=_FRED_TERMS,
            endpoint_freshness=(("/fred/series/vintagedates*", 24 * _HOUR),),
        ),
        Provider(
            "fred_graph", "https://fred.stlouisfed.org", 2.0, 6 * _HOUR, "fred", terms=_FRED_TERMS
        ),
        Provider(
            "bea",
            "https://apps.bea.gov",
            1.5,
            24 * _HOUR,
            "bea",
            read_timeout=60.0,
            terms="BEA API terms (https://apps.bea.gov/API/docs/index.htm): 100 requests/min; U.S. government data",
        ),
        Provider(
            "stooq",
            "https://stooq.com",
            1.0,
            12 * _HOUR,
            "stooq",
            terms="Stooq's terms of use; split- and dividend-adjusted closes",
        ),
        Provider(
            "yahoo",
            "https://query2.finance.yahoo.com",
            1.0,
            12 * _HOUR,
            "yahoo",
            terms="Yahoo terms of service: personal, non-commercial use",
        ),
    )
}
"""Every provider bubblewatch talks to, by name."""


# --- rate limiting -------------------------------------------------------------------------


class RateLimiter:
    """Requests spaced at least ``1/rate`` seconds apart, across threads (no bursts).

    Even spacing, rather than "n per window", keeps a margin against network jitter: requests
    that leave ``1/rate`` apart cannot reach the server bunched into one second.
    """

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("a rate limiter needs a positive rate")
        self.rate = rate
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until the next request may leave; return the seconds waited."""
        with self._lock:
            now = time.monotonic()
            waited = max(0.0, self._next - now)
            if waited:
                time.sleep(waited)
            self._next = max(now, self._next) + self.interval
            return waited


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(provider: Provider) -> RateLimiter:
    """The process-wide limiter of ``provider``'s host group (created on first use)."""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(provider.limiter_group)
        if limiter is None:
            limiter = RateLimiter(provider.rate_per_second)
            _LIMITERS[provider.limiter_group] = limiter
        return limiter


# --- identity and secrets ------------------------------------------------------------------

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_HOW_TO_SET = (
    f'set {ENV_SEC_IDENTITY}="Jane Doe jane@example.com" (SEC requires a contact in the User-Agent)'
)


def sec_identity() -> str:
    """The declared SEC contact ("Name email") from ``$BUBBLEWATCH_SEC_IDENTITY``.

    Raises :class:`SpecificationError` when it is unset or lacks a name and an email address.
    """
    value = " ".join(os.environ.get(ENV_SEC_IDENTITY, "").split())
    words = value.split(" ") if value else []
    has_email = any(_EMAIL.fullmatch(w) for w in words)
    has_name = any(not _EMAIL.fullmatch(w) for w in words)
    if not value:
        raise SpecificationError(f"sec: no contact identity; {_HOW_TO_SET}")
    if not (has_email and has_name):
        raise SpecificationError(
            f"sec: {ENV_SEC_IDENTITY}={value!r} needs a name and an email; {_HOW_TO_SET}"
        )
    return value


_SECRET_RE = re.compile(
    r"(?i)([?&;](?:" + "|".join(re.escape(p) for p in SECRET_PARAMS) + r")=)[^&#;\s]*"
)


def redact(text: str) -> str:
    """``text`` with the value of every credential query parameter replaced by ``REDACTED``."""
    return _SECRET_RE.sub(r"\1REDACTED", text)


# --- responses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """A successful (HTTP 200) response, from the network or the cache."""

    provider: str
    url: str
    """The full URL requested, credentials redacted."""
    status: int
    body: bytes = field(repr=False)
    retrieved: datetime
    """When the network response arrived (UTC); for a cached copy, when it was first fetched."""
    from_cache: bool
    stale: bool = False
    """True when the network failed and an expired cached copy was returned instead."""
    content_type: str = ""

    @property
    def endpoint(self) -> str:
        """The URL's path, as named in error messages."""
        return urlsplit(self.url).path or "/"

    def _fail(self, what: str) -> SourceError:
        return SourceError(redact(f"{self.provider} {self.endpoint}: {what}"))

    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 by default)."""
        match = re.search(r"charset=([\w-]+)", self.content_type, re.IGNORECASE)
        charset = match.group(1) if match else "utf-8"
        try:
            return self.body.decode(charset)
        except (UnicodeDecodeError, LookupError) as exc:
            if isinstance(exc, UnicodeDecodeError) and exc.end >= len(self.body):
                raise self._fail(
                    f"truncated body (incomplete {charset} character at the end)"
                ) from None
            raise self._fail(f"not {charset} text ({exc})") from None

    def json(self) -> Any:
        """The body parsed as JSON; :class:`SourceError` for HTML pages and broken JSON."""
        head = self.body[:512].lstrip()
        if not head:
            raise self._fail("empty body where JSON was expected")
        if head.startswith(b"<"):
            title = re.search(rb"<title[^>]*>([^<]{1,80})", self.body[:4096], re.IGNORECASE)
            named = f": {title.group(1).decode('utf-8', 'replace').strip()!r}" if title else ""
            raise self._fail(f"not JSON (an HTML page{named})")
        try:
            text = self.body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.end >= len(self.body):
                raise self._fail(
                    f"truncated JSON (cut inside a character at byte {exc.start})"
                ) from None
            raise self._fail(f"not JSON (invalid UTF-8 at byte {exc.start})") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            at_end = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated")
            kind = "truncated JSON" if at_end else "malformed JSON"
            raise self._fail(f"{kind} ({exc.msg} at char {exc.pos})") from None


# --- retries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry (times in seconds)."""

    attempts: int = 4
    wait_initial: float = 0.5
    wait_max: float = 10.0
    wait_jitter: float = 1.0
    retry_after_cap: float = 60.0
    total_timeout: float = 300.0


DEFAULT_RETRY = RetryPolicy()
"""The policy :meth:`Client.for_provider` uses when none is given (read at call time)."""


class _StatusError(Exception):
    """A non-200 HTTP status, raised inside the retry loop."""

    def __init__(self, status: int, reason: str, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.reason = reason
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.status == 429 or self.status >= 500


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


_NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def _connection_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "remotedisconnected" in text or "closed" in text or "reset" in text or "aborted" in text:
        return "connection closed by the server"
    if "name or service not known" in text or "nodename" in text or "resolve" in text:
        return "host name not found"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broken mid-response"
    return "connection failed"


class _Counter:
    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def increment(self) -> None:
        with self._lock:
            self.value += 1


class _PoliteAdapter(HTTPAdapter):
    """Waits on the host group's limiter and counts every request that reaches the network."""

    def __init__(self, limiter: RateLimiter, counter: _Counter) -> None:
        super().__init__()
        self._limiter = limiter
        self._counter = counter

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        self._limiter.acquire()
        self._counter.increment()
        return super().send(request, *args, **kwargs)


def _cacheable(response: requests.Response) -> bool:
    """Keep HTML pages and unparsable JSON served with 200 out of the cache.

    requests-cache also drops an earlier copy of a URL whose new answer is filtered out, so such
    an answer is never reused and the next call asks the network again.
    """
    if getattr(response, "from_cache", False) or response.status_code != 200:
        return True
    body = response.content or b""
    if body[:512].lstrip().startswith(b"<"):
        return False
    declared = response.headers.get("Content-Type", "")
    if "json" in declared or urlsplit(response.url or "").path.endswith(".json"):
        try:
            json.loads(body)
        except ValueError:
            return False
    return True


def _created(response: requests.Response) -> datetime:
    """When ``response`` came off the network (requests-cache's ``created_at``), in UTC."""
    created = getattr(response, "created_at", None)
    if not isinstance(created, datetime):
        return datetime.now(UTC)
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def _glob_to_pattern(host: str, glob: str) -> str:
    return f"{host}{glob}"


# --- the client ----------------------------------------------------------------------------


class Client:
    """An HTTP client for one provider; build it with :meth:`for_provider`."""

    def __init__(
        self,
        provider: Provider,
        *,
        cache_dir: Path | None = None,
        offline: bool = False,
        retry: RetryPolicy | None = None,
        timeouts: tuple[float, float] | None = None,
        use_cache: bool = True,
    ) -> None:
        self.provider = provider
        self.base_url = provider.resolved_base_url()
        self.offline = offline
        self.retry = retry if retry is not None else DEFAULT_RETRY
        self.timeouts = timeouts or (provider.connect_timeout, provider.read_timeout)
        agent = sec_identity() if provider.needs_identity else f"bubblewatch/{__version__}"
        self._requests = _Counter()
        self._last: requests.PreparedRequest | None = None
        self._cache: CachedSession | None = None
        if use_cache or offline:
            directory = cache_dir if cache_dir is not None else data_home() / "http-cache"
            directory.mkdir(parents=True, exist_ok=True)
            host = urlsplit(self.base_url).netloc
            self._cache = CachedSession(
                str(directory / f"{provider.name}.sqlite"),
                backend="sqlite",
                expire_after=provider.freshness,
                urls_expire_after={
                    _glob_to_pattern(host, glob): fresh
                    for glob, fresh in provider.endpoint_freshness
                },
                allowable_codes=(200,),
                allowable_methods=("GET",),
                ignored_parameters=SECRET_PARAMS,
                filter_fn=_cacheable,
            )
            self._session: requests.Session = self._cache
        else:
            self._session = requests.Session()
        adapter = _PoliteAdapter(limiter_for(provider), self._requests)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"User-Agent": agent, "Accept-Encoding": "gzip, deflate"})

    @classmethod
    def for_provider(
        cls,
        name: str,
        *,
        cache_dir: Path | None = None,
        offline: bool = False,
        retry: RetryPolicy | None = None,
        timeouts: tuple[float, float] | None = None,
        use_cache: bool = True,
    ) -> Client:
        """A client for the provider called ``name`` (a key of :data:`PROVIDERS`)."""
        provider = PROVIDERS.get(name)
        if provider is None:
            known = ", ".join(sorted(PROVIDERS))
            raise SpecificationError(f"unknown provider {name!r}; known: {known}")
        return cls(
            provider,
            cache_dir=cache_dir,
            offline=offline,
            retry=retry,
            timeouts=timeouts,
            use_cache=use_cache,
        )

    @property
    def requests_made(self) -> int:
        """How many requests this client sent to the network (retries included)."""
        return self._requests.value

    def close(self) -> None:
        """Release the HTTP connections and the cache file."""
        self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL: ``path_or_url`` itself, or the provider's base URL joined with it."""
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def get(
        self,
        path_or_url: str,
        params: Mapping[str, str | int | float] | None = None,
        *,
        freshness: timedelta | None = None,
    ) -> Fetched:
        """GET an endpoint: a fresh cached copy, else the network (with retries), else a stale copy.

        Raises :class:`SourceError` (one line naming provider and endpoint) on any failure.
        """
        url = self.url_for(path_or_url)
        query = dict(params or {})
        prepared = requests.Request("GET", url, params=query).prepare()
        self._last = prepared
        shown = redact(prepared.url or url)
        label = f"{self.provider.name} {urlsplit(url).path or '/'}"
        if self.offline:
            cached = self._cached(prepared)
            if cached is None:
                raise SourceError(redact(f"{label}: not in the cache and offline"))
            return self._fetched(cached, shown, stale=cached.is_expired)
        if freshness is not None:
            cached = self._cached(prepared)
            if cached is not None and datetime.now(UTC) - _created(cached) < freshness:
                return self._fetched(cached, shown, stale=False)
        tries = [0]
        try:
            response = self._fetch_with_retries(url, query, freshness, tries)
        except _StatusError as exc:
            text = f"HTTP {exc.status}" + (f" {exc.reason}" if exc.reason else "")
            if exc.retryable:
                text += f" after {tries[0]} tries"
            raise SourceError(redact(f"{label}: {text}")) from None
        except requests.Timeout as exc:
            fallback = self._stale(prepared, shown)
            if fallback is not None:
                return fallback
            connect, read = self.timeouts
            if isinstance(exc, requests.ConnectTimeout):
                what = f"could not connect within {connect:g} s"
            else:
                what = f"timed out after {read:g} s"
            raise SourceError(redact(f"{label}: {what} ({tries[0]} tries)")) from None
        except _NETWORK_ERRORS as exc:
            fallback = self._stale(prepared, shown)
            if fallback is not None:
                return fallback
            what = _connection_reason(exc)
            raise SourceError(redact(f"{label}: {what} ({tries[0]} tries)")) from None
        except requests.RequestException as exc:
            raise SourceError(redact(f"{label}: request failed ({type(exc).__name__})")) from None
        return self._fetched(response, shown, stale=False)

    def forget_last(self) -> None:
        """Drop the cached copy of the last endpoint asked for.

        A fetcher calls this when a response it was given turns out unusable (a renamed field,
        a value that does not parse), so that a rerun asks the network again instead of
        replaying the bad copy.
        """
        if self._cache is not None and self._last is not None:
            self._cache.cache.delete(self._cache.cache.create_key(self._last))

    # -- internals --------------------------------------------------------------------------

    def _backoff(self, exc: Exception) -> bool | float:
        if isinstance(exc, _StatusError):
            if not exc.retryable:
                return False
            if exc.retry_after is not None:
                return min(exc.retry_after, self.retry.retry_after_cap)
            return True
        return isinstance(exc, _NETWORK_ERRORS)

    def _fetch_with_retries(
        self, url: str, query: dict[str, Any], freshness: timedelta | None, tries: list[int]
    ) -> requests.Response:
        policy = self.retry
        response: requests.Response | None = None
        for attempt in stamina.retry_context(
            on=self._backoff,
            attempts=policy.attempts,
            timeout=policy.total_timeout,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        ):
            with attempt:
                tries[0] = attempt.num
                response = self._send_once(url, query, freshness)
        assert response is not None
        return response

    def _send_once(
        self, url: str, query: dict[str, Any], freshness: timedelta | None
    ) -> requests.Response:
        response: requests.Response
        if self._cache is not None and freshness is not None:
            # requests-cache judges freshness when a response is written; a per-call freshness
            # was already checked in get(), so this goes to the network and stores the answer.
            response = self._cache.get(
                url,
                params=query,
                timeout=self.timeouts,
                expire_after=max(freshness, timedelta(seconds=1)),
                force_refresh=True,
            )
        else:
            response = self._session.get(url, params=query, timeout=self.timeouts)
        if response.status_code != 200:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            reason = str(response.reason or "")
            response.close()
            raise _StatusError(response.status_code, reason, retry_after)
        return response

    def _cached(self, prepared: requests.PreparedRequest) -> CachedResponse | None:
        if self._cache is None:
            return None
        key = self._cache.cache.create_key(prepared)
        cached = self._cache.cache.get_response(key)
        if cached is None or cached.status_code != 200:
            return None
        return cached

    def _stale(self, prepared: requests.PreparedRequest, shown: str) -> Fetched | None:
        cached = self._cached(prepared)
        return None if cached is None else self._fetched(cached, shown, stale=True)

    def _fetched(self, response: requests.Response, shown: str, *, stale: bool) -> Fetched:
        from_cache = bool(getattr(response, "from_cache", False))
        retrieved = _created(response)
        return Fetched(
            provider=self.provider.name,
            url=shown,
            status=response.status_code,
            body=response.content,
            retrieved=retrieved.astimezone(UTC),
            from_cache=from_cache or stale,
            stale=stale,
            content_type=response.headers.get("Content-Type", ""),
        )
