"""One GET to FRED over ``httpx``: rate limited, with a timeout, FRED's status kept, XML parsed.

Why our own transport rather than ``fredapi``: fredapi has no timeout, no retry and no rate
limiting, speaks XML through ``urllib`` and offers no public hook to add them (its only fetch
function is private), and it drops FRED's HTTP status and ``Retry-After``, which the retry
policy needs. We call two endpoints (``series`` and ``series/observations``) with FRED's
documented parameters, so the transport is one small function over ``httpx`` (already a
dependency) and the answers are parsed in ``ingest.fred_client``.

Connections are not kept alive between requests, as with ``urllib``: at FRED's budget (2
requests a second) reuse saves nothing, and a pooled connection the server has closed would
otherwise cost a failed try. The request URL carries the API key, so it is never logged or
put in an error message.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from ingest.fred_errors import (
    FredResponseError,
    FredTransportError,
    error_from_response,
    parse_retry_after,
)

if TYPE_CHECKING:
    from ingest.ratelimit import RequestLimiter

#: Longest ``Retry-After`` we wait for; a longer one fails the request at once.
MAX_RETRY_AFTER_SECONDS = 120.0


class FredTransport:
    """GET ``root_url/path`` with the API key; thread-safe (one may serve every worker).

    Each request first takes a slot from ``limiter`` (None: no client-side pacing). A 429
    also pauses the limiter for its ``Retry-After`` (1 s without one, at most ``max_pause``),
    so every worker on the key waits instead of collecting 429s of its own.
    """

    def __init__(
        self,
        api_key: str,
        root_url: str,
        timeout: float,
        limiter: RequestLimiter | None = None,
        max_pause: float = MAX_RETRY_AFTER_SECONDS,
    ) -> None:
        self.root_url = root_url.rstrip("/")
        self.limiter = limiter
        self._api_key = api_key
        self._max_pause = max_pause
        self._http = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def get(self, path: str, params: Mapping[str, str]) -> ET.Element:
        """FRED's XML answer as an element, or a ``FredError`` saying what went wrong."""
        if self.limiter is not None:
            self.limiter.acquire()
        query = {**params, "api_key": self._api_key}
        try:
            with self._http.stream("GET", f"{self.root_url}/{path}", params=query) as response:
                body = _read_whole(response)
        except httpx.TimeoutException:
            raise FredTransportError(f"no answer from FRED at {self.root_url}: timed out") from None
        except httpx.TransportError as exc:
            reason = str(exc).replace(self._api_key, "<api_key>") or type(exc).__name__
            raise FredTransportError(f"no answer from FRED at {self.root_url}: {reason}") from None
        if response.status_code >= 400:
            raise self._error(response, body)
        try:
            return ET.fromstring(body)
        except ET.ParseError as exc:
            raise FredResponseError(
                f"FRED sent a body that is not well-formed XML ({len(body)} bytes): {exc}"
            ) from None

    def _error(self, response: httpx.Response, body: bytes) -> Exception:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if response.status_code == 429 and self.limiter is not None:
            # Capped: a Retry-After beyond the cap ends the retries anyway.
            self.limiter.pause(min(retry_after or 1.0, self._max_pause))
        return error_from_response(response.status_code, body, retry_after=retry_after)


def _read_whole(response: httpx.Response) -> bytes:
    """The body, or ``FredTransportError`` when the connection dropped before all of it came
    (fewer bytes than ``Content-Length`` announced)."""
    try:
        return response.read()
    except httpx.RemoteProtocolError:
        received = response.num_bytes_downloaded
        announced = response.headers.get("Content-Length", "?")
        raise FredTransportError(
            f"FRED's answer was cut off after {received} of {announced} bytes"
        ) from None
