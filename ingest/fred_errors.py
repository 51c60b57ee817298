"""FRED's failures as typed errors: what FRED said (code and message), what the wire did.

FRED answers errors as ``<error code="400" message="Bad Request.  The series does not
exist."/>`` (XML) or ``{"error_code": ..., "error_message": ...}`` (JSON), with the HTTP
status; a 429 when a key is throttled, possibly with ``Retry-After``. The types say what a
caller may do: ``RETRYABLE`` ones may heal on another try, the others never will.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class FredError(Exception):
    """Anything that kept a FRED request from producing data."""


class FredAPIError(FredError):
    """FRED answered with an error: ``code`` (HTTP status / FRED error_code) and its message."""

    def __init__(self, code: int, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"FRED error {code}: {message}")
        self.code = code
        self.message = message
        #: Seconds the server asked us to wait (``Retry-After``), if it said.
        self.retry_after = retry_after


class SeriesNotFoundError(FredAPIError):
    """FRED's "The series does not exist." (a typo'd or retired id)."""


class InvalidAPIKeyError(FredAPIError):
    """The API key is missing, malformed or not registered."""


class RateLimitedError(FredAPIError):
    """HTTP 429: the key exceeded FRED's request budget."""


class FredServerError(FredAPIError):
    """HTTP 5xx: FRED (or a proxy in front of it) failed; worth retrying."""


class FredTransportError(FredError):
    """No usable answer: timeout, refused or dropped connection, a body cut off mid-transfer."""


class FredResponseError(FredError):
    """FRED answered 200 with a complete body that is not what FRED sends (malformed XML, a
    body truncated at an element boundary, missing fields, fewer rows than announced)."""


RETRYABLE = (RateLimitedError, FredServerError, FredTransportError, FredResponseError)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP date; None if absent
    or unreadable (a date in the past is 0)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def error_from_response(
    status: int, body: bytes, *, retry_after: float | None = None
) -> FredAPIError:
    """Map FRED's error body (XML or JSON) and HTTP status to the matching exception type."""
    code, message = _parse_error_body(body)
    code = code or status
    message = message or f"HTTP {status} without a FRED error message"
    if status == 429 or code == 429:
        return RateLimitedError(429, message, retry_after=retry_after)
    if status >= 500:
        return FredServerError(status, message, retry_after=retry_after)
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
