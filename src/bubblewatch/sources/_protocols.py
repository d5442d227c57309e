"""What a provider module needs of the HTTP client, so that its transforms and tests do not
depend on :mod:`bubblewatch.sources.http` (whose :class:`~bubblewatch.sources.http.Client`
satisfies these protocols)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol


class Response(Protocol):
    """A fetched response: where it came from, when, and its body."""

    @property
    def url(self) -> str: ...

    @property
    def retrieved(self) -> datetime: ...

    def json(self) -> Any: ...

    def text(self) -> str: ...


class Getter(Protocol):
    """A client of one provider: ``get(endpoint, params)``."""

    def get(self, path: str, /, params: Mapping[str, str] | None = None) -> Response: ...


ClientFactory = Callable[[str], Getter]
"""Makes the client of a provider name (``Client.for_provider``)."""
