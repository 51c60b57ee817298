"""Injected failures, so tests meet FRED's bad days on purpose: throttling bursts, 5xx,
slow answers, malformed and truncated bodies.

A ``Fault`` matches requests by series (None = every series) and endpoint (None = both) and
fires on the next ``times`` matching requests (None = every one), then the series answers
normally again. Faults fire in the order they were added; a request meets at most one.
Faults apply after the API key check and FRED's own rate limit, so a faulted request counts
against the budget like any other.

Kinds:

- ``status``: HTTP ``status`` (default 500) with FRED's error body; ``retry_after`` (seconds,
  or any text such as an HTTP date) is sent as the ``Retry-After`` header. A 429 uses FRED's
  "Too Many Requests" message.
- ``slow``: sleeps ``delay_seconds`` and then answers normally (past a client's timeout).
- ``malformed``: 200 with ``body`` (default: a cut-off HTML page, not XML).
- ``truncated``: 200 announcing the full ``Content-Length`` but closing the connection after
  ``fraction`` (default half) of the real body, as a dropped connection looks to a client.

Tests set faults in process (``SandboxURL.state.faults.add(Fault(...))``); a sandbox in
another process takes ``POST /sandbox/faults`` with a JSON object (or list) of the same
fields and ``DELETE /sandbox/faults`` to clear them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

KINDS = ("status", "slow", "malformed", "truncated")
ENDPOINTS = ("series", "series/observations")
DEFAULT_MALFORMED_BODY = "<html><body><h1>Service Temporarily Unavailable</h1><p>Try again"


@dataclass
class Fault:
    kind: str
    series_id: str | None = None
    endpoint: str | None = None
    times: int | None = 1
    status: int = 500
    retry_after: str | None = None
    delay_seconds: float = 0.0
    body: str | None = None
    fraction: float = 0.5
    #: Requests this fault has answered so far.
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(KINDS)}; got {self.kind!r}")
        if self.endpoint is not None and self.endpoint not in ENDPOINTS:
            raise ValueError(f"fault endpoint must be one of {', '.join(ENDPOINTS)} or null")
        if self.times is not None and self.times < 1:
            raise ValueError(f"fault times must be >= 1 or null (always); got {self.times}")
        if not 0 <= self.fraction < 1:
            raise ValueError(f"fault fraction must be within [0, 1); got {self.fraction}")
        if self.kind == "status" and not 400 <= self.status <= 599:
            raise ValueError(f"fault status must be an HTTP error (400..599); got {self.status}")
        if self.series_id is not None:
            self.series_id = self.series_id.upper()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        known = {f.name for f in fields(cls)} - {"fired"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        if isinstance(data.get("retry_after"), int | float):
            data = {**data, "retry_after": str(data["retry_after"])}
        return cls(**data)

    def matches(self, endpoint: str, series_id: str) -> bool:
        return (self.series_id is None or self.series_id == series_id) and (
            self.endpoint is None or self.endpoint == endpoint
        )

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times


class FaultPlan:
    """The faults a running sandbox applies; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, endpoint: str, series_id: str) -> Fault | None:
        """The first live fault matching this request, counted as fired; None = answer."""
        with self._lock:
            for fault in self._faults:
                if not fault.spent and fault.matches(endpoint, series_id):
                    fault.fired += 1
                    return fault
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]
