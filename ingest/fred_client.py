"""FRED's series metadata and observations, with the retries, pacing and checks FRED needs.

The wire is ``ingest.fred_http`` (httpx with a timeout and the shared rate limiter; why not
``fredapi`` is said there); errors are the types of ``ingest.fred_errors``. Every request
(each retry included) first takes a slot from a ``RequestLimiter`` (``ingest.ratelimit``) when
the client has one; ``FredClient.from_settings`` always attaches the process-wide one.
Retries are tenacity's, not a hand-written loop:

- retried: 429, 5xx, timeouts, refused/dropped connections and bodies cut off mid-transfer
  (fewer bytes than announced), with exponential backoff plus random jitter, waiting at
  least what ``Retry-After`` asks (seconds or an HTTP date); a ``Retry-After`` longer than
  ``max_retry_after`` ends the retries at once rather than block a worker for hours;
- retried once (two tries): a complete body that is not the XML FRED sends (malformed,
  truncated at an element boundary, wrong root, missing attributes), since a proxy hiccup can
  cause one but a second identical failure will not heal; then ``FredResponseError``;
- a 429 also pauses the limiter for the ``Retry-After`` (1 s without one), so the other
  workers on the key wait too instead of collecting 429s of their own;
- never retried: FRED's other errors (unknown series, bad API key, any other 400), raised
  at once with FRED's message.

The client never logs or raises the request URL: it contains the API key.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from ingest.fred_errors import RETRYABLE, FredResponseError
from ingest.fred_http import MAX_RETRY_AFTER_SECONDS, FredTransport
from ingest.series_data import FredObservation, SeriesInfo
from models.settings import FRED_LIVE_URL

if TYPE_CHECKING:
    from ingest.ratelimit import RequestLimiter
    from models.settings import Settings

T = TypeVar("T")

#: FRED's largest page for series/observations.
MAX_PAGE = 100_000
#: Tries for a malformed body (see the module docstring), however many ``max_attempts`` allows.
MALFORMED_BODY_ATTEMPTS = 2


class _WaitRetryAfter(wait_base):
    """Exponential backoff with jitter, but never shorter than the server's ``Retry-After``."""

    def __init__(self, backoff: wait_base) -> None:
        self.backoff = backoff

    def __call__(self, retry_state: RetryCallState) -> float:
        wait = float(self.backoff(retry_state))
        hint = _retry_after(retry_state)
        return wait if hint is None else max(wait, hint)


class _StopRetrying(stop_base):
    """Stop after ``max_attempts``; after ``MALFORMED_BODY_ATTEMPTS`` for a malformed body;
    at once when ``Retry-After`` asks for longer than ``max_retry_after``."""

    def __init__(self, max_attempts: int, max_retry_after: float) -> None:
        self.after_attempts = stop_after_attempt(max_attempts)
        self.max_retry_after = max_retry_after

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.after_attempts(retry_state):
            return True
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, FredResponseError):
            return retry_state.attempt_number >= MALFORMED_BODY_ATTEMPTS
        hint = _retry_after(retry_state)
        return hint is not None and hint > self.max_retry_after


def _retry_after(retry_state: RetryCallState) -> float | None:
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    return getattr(error, "retry_after", None)


class FredClient:
    """Series metadata and observations (with their realtime period) from FRED or the sandbox.

    Each HTTP request takes a slot from ``limiter`` (None: no client-side pacing, for tests
    of the server's own throttling; production code uses ``from_settings``) and is retried
    as the module docstring says, ``max_attempts`` tries in total, backing off
    ``backoff_seconds * 2**n`` plus up to ``backoff_seconds`` of jitter (capped at
    ``max_backoff``). Thread-safe: one client may serve every worker of a run.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = FRED_LIVE_URL,
        timeout: float = 30.0,
        *,
        max_attempts: int = 4,
        backoff_seconds: float = 1.0,
        max_backoff: float = 30.0,
        max_retry_after: float = MAX_RETRY_AFTER_SECONDS,
        page_size: int = MAX_PAGE,
        limiter: RequestLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE:
            raise ValueError(f"page_size must be within 1..{MAX_PAGE}, got {page_size}")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
        self._http = FredTransport(api_key, base_url, timeout, limiter, max_retry_after)
        self._page_size = page_size
        backoff = wait_exponential_jitter(
            multiplier=backoff_seconds, max=max_backoff, jitter=backoff_seconds
        )
        self._retry_kwargs: dict[str, Any] = {
            "stop": _StopRetrying(max_attempts, max_retry_after),
            "wait": _WaitRetryAfter(backoff),
            "retry": retry_if_exception_type(RETRYABLE),
            "sleep": sleep,
            "reraise": True,
        }

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> FredClient:
        """The production client: key, URL, timeout and attempts from settings, and the
        process-wide limiter (shared through Redis when ``redis_url`` is set)."""
        from ingest.ratelimit import shared_limiter

        api_key = settings.require_fred_api_key()
        kwargs: dict[str, Any] = {
            "timeout": settings.fred_timeout_seconds,
            "max_attempts": settings.fred_max_attempts,
            "limiter": shared_limiter(settings, api_key),
            **overrides,
        }
        return cls(api_key, settings.fred_base_url, **kwargs)

    @property
    def base_url(self) -> str:
        return self._http.root_url

    @property
    def limiter(self) -> RequestLimiter | None:
        return self._http.limiter

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """One request under the retry policy (a fresh ``Retrying`` per call: thread-safe)."""
        return Retrying(**self._retry_kwargs)(fn, *args)

    def series_info(self, series_id: str) -> SeriesInfo:
        """``/fred/series``, checked field by field."""
        root = self._call(self._http.get, "series", {"series_id": series_id})
        if root.tag != "seriess" or len(root) == 0 or root[0].tag != "series":
            raise FredResponseError(
                f"FRED's /series answer for {series_id} has no <series> element (root <{root.tag}>)"
            )
        try:
            return _series_info(series_id, root[0].attrib)
        except (KeyError, ValueError) as exc:
            raise FredResponseError(
                f"FRED's /series answer for {series_id} is bad: {exc!r}"
            ) from None

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
            root = self._call(
                self._http.get, "series/observations", {**params, "offset": str(len(rows))}
            )
            page, count = _observation_page(series_id, root)
            rows.extend(page)
            if len(rows) >= count:
                return rows
            if not page:
                raise FredResponseError(
                    f"FRED announced {count} observations of {series_id} but sent {len(rows)}"
                )


def _iso(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def _observation_page(series_id: str, root: ET.Element) -> tuple[list[FredObservation], int]:
    """One page's rows and FRED's announced total, or ``FredResponseError`` naming the flaw."""
    if root.tag != "observations":
        raise FredResponseError(
            f"FRED's observations answer for {series_id} has root <{root.tag}>, not <observations>"
        )
    try:
        count = int(root.attrib["count"])
        return [_observation(child.attrib) for child in root], count
    except (KeyError, ValueError) as exc:
        raise FredResponseError(
            f"FRED's observations answer for {series_id} is bad: missing or invalid {exc}"
        ) from None


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

    try:
        popularity = int(text("popularity"))
    except ValueError:
        popularity = 0
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
        popularity=popularity,
        notes=text("notes"),
    )
