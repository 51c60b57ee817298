"""FRED over HTTP through ``fredapi``, with the timeout, typed errors and retries it lacks.

``fredapi`` routes every request through one private hook (``Fred.__fetch_data``). We
override that hook in a subclass instead of patching ``socket.setdefaulttimeout``: the
timeout is passed to ``urlopen`` per request, so nothing global changes and clients in
different threads keep their own timeouts. The same hook keeps FRED's HTTP status, which
``fredapi`` would drop, so errors arrive as ``FredAPIError`` subclasses with FRED's code and
message. fredapi's URL conventions (``root_url``, ``api_key`` handling, XML) stay in charge.

The client never logs or raises the request URL: it contains the API key.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote_plus, urlencode

from fredapi import Fred
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from ingest.series_data import SeriesInfo
from models.settings import FRED_LIVE_URL

#: FRED's largest page for series/observations.
MAX_PAGE = 100_000


class FredError(Exception):
    """Anything that kept a FRED request from producing data."""


class FredAPIError(FredError):
    """FRED answered with an error: ``code`` (HTTP status / FRED error_code) and its message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"FRED error {code}: {message}")
        self.code = code
        self.message = message


class SeriesNotFoundError(FredAPIError):
    """FRED's "The series does not exist." (a typo'd or retired id)."""


class InvalidAPIKeyError(FredAPIError):
    """The API key is missing, malformed or not registered."""


class RateLimitedError(FredAPIError):
    """HTTP 429: the key exceeded FRED's request budget."""


class FredServerError(FredAPIError):
    """HTTP 5xx: FRED (or a proxy in front of it) failed; worth retrying."""


class FredTransportError(FredError):
    """No usable answer: timeout, refused or dropped connection, or an unparsable body."""


RETRYABLE = (RateLimitedError, FredServerError, FredTransportError)


def error_from_response(status: int, body: bytes) -> FredAPIError:
    """Map FRED's error body (XML or JSON) and HTTP status to the matching exception type."""
    code, message = _parse_error_body(body)
    code = code or status
    message = message or f"HTTP {status} without a FRED error message"
    if status == 429 or code == 429:
        return RateLimitedError(429, message)
    if status >= 500:
        return FredServerError(status, message)
    if "series does not exist" in message.lower():
        return SeriesNotFoundError(code, message)
    if "api_key" in message:
        return InvalidAPIKeyError(code, message)
    return FredAPIError(code, message)


def _parse_error_body(body: bytes) -> tuple[int | None, str | None]:
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
            return _as_int(data.get("error_code")), data.get("error_message")
        except (ValueError, AttributeError):
            return None, None
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None, None
    if root.tag != "error":
        return None, None
    return _as_int(root.get("code")), root.get("message")


def _as_int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


class _TimedFred(Fred):
    """fredapi's ``Fred`` whose single fetch hook has a timeout and keeps FRED's status."""

    def __init__(self, api_key: str, root_url: str, timeout: float) -> None:
        super().__init__(api_key=api_key)
        self.root_url = root_url
        self.timeout = timeout

    def _Fred__fetch_data(self, url: str) -> ET.Element:
        """Replaces fredapi's private fetch hook (name-mangled ``Fred.__fetch_data``)."""
        url += "&api_key=" + quote_plus(self.api_key)
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise error_from_response(exc.code, exc.read()) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise FredTransportError(f"no answer from FRED at {self.root_url}: {reason}") from None
        try:
            return ET.fromstring(body)
        except ET.ParseError as exc:
            raise FredTransportError(f"FRED sent a body that is not XML: {exc}") from None

    def fetch(self, path: str, params: Mapping[str, str]) -> ET.Element:
        """GET ``root_url/path`` through fredapi's hook (the key is appended by the hook)."""
        return self._Fred__fetch_data(f"{self.root_url}/{path}?{urlencode(params)}")


@dataclass(frozen=True, slots=True)
class FredObservation:
    """One observation row as FRED sent it; ``value`` is FRED's text ("." = missing)."""

    obs_date: date
    realtime_start: date
    realtime_end: date
    value: str


class FredClient:
    """Series metadata and observations (with their realtime period) from FRED or the sandbox.

    Each HTTP request is retried on 429, 5xx and transport failures with exponential backoff
    (``max_attempts`` in total), so one blip does not fail a run; other FRED errors (unknown
    series, bad key) are final and raised at once.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = FRED_LIVE_URL,
        timeout: float = 30.0,
        *,
        max_attempts: int = 4,
        backoff_seconds: float = 1.0,
        page_size: int = MAX_PAGE,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE:
            raise ValueError(f"page_size must be within 1..{MAX_PAGE}, got {page_size}")
        self._fred = _TimedFred(api_key, base_url.rstrip("/"), timeout)
        self._page_size = page_size
        self._retrying = Retrying(
            stop=stop_after_attempt(max_attempts),
            wait=wait_exponential(multiplier=backoff_seconds, max=30),
            retry=retry_if_exception_type(RETRYABLE),
            reraise=True,
        )

    @property
    def base_url(self) -> str:
        return str(self._fred.root_url)

    def series_info(self, series_id: str) -> SeriesInfo:
        """``/fred/series`` via fredapi's ``get_series_info``."""
        info = self._retrying(self._fred.get_series_info, quote_plus(series_id))
        return _series_info(series_id, info.to_dict())

    def observations(
        self,
        series_id: str,
        *,
        observation_start: date | None = None,
        realtime_start: date | None = None,
        realtime_end: date | None = None,
    ) -> list[FredObservation]:
        """Every observation (all pages), ascending by date.

        Without a realtime period FRED returns the current vintage stamped today..today;
        pass ``realtime_start``/``realtime_end`` (e.g. 1776-07-04..9999-12-31) for ALFRED
        vintages.
        """
        params = {"series_id": series_id, "sort_order": "asc", "limit": str(self._page_size)}
        for name, value in (
            ("observation_start", observation_start),
            ("realtime_start", realtime_start),
            ("realtime_end", realtime_end),
        ):
            if value is not None:
                params[name] = value.isoformat()
        rows: list[FredObservation] = []
        while True:
            root = self._retrying(
                self._fred.fetch, "series/observations", {**params, "offset": str(len(rows))}
            )
            page = [_observation(child.attrib) for child in root]
            rows.extend(page)
            if not page or len(rows) >= int(root.get("count", len(rows))):
                return rows


def _iso(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def _observation(attrs: Mapping[str, str]) -> FredObservation:
    return FredObservation(
        obs_date=_iso(attrs["date"]),
        realtime_start=_iso(attrs["realtime_start"]),
        realtime_end=_iso(attrs["realtime_end"]),
        value=attrs["value"],
    )


def _series_info(series_id: str, attrs: Mapping[str, Any]) -> SeriesInfo:
    def text(name: str) -> str:
        value = attrs.get(name)
        return "" if value is None else str(value)

    popularity = _as_int(attrs.get("popularity"))
    return SeriesInfo(
        series_id=text("id") or series_id,
        title=text("title"),
        observation_start=_iso(attrs["observation_start"]),
        observation_end=_iso(attrs["observation_end"]),
        frequency=text("frequency"),
        frequency_short=text("frequency_short"),
        units=text("units"),
        units_short=text("units_short"),
        seasonal_adjustment=text("seasonal_adjustment"),
        seasonal_adjustment_short=text("seasonal_adjustment_short"),
        last_updated=text("last_updated"),
        popularity=popularity if popularity is not None else 0,
        notes=text("notes"),
    )
