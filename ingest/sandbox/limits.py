"""The sandbox's per-key rate limit and request counters (thread-safe, clock injected).

FRED throttles each API key (120 requests a minute); the sandbox enforces the same budget so
client-side pacing and 429 handling are exercised for real. Counters let tests assert how
many requests a client actually made.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable


class RateLimiter:
    """Sliding window: at most ``limit`` accepted requests per key in any ``window`` seconds."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError(f"rate limit needs limit >= 1 and window > 0; got {limit}/{window}s")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record a request for ``key`` if it fits the budget; rejected requests don't count."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


class RequestStats:
    """Counts of requests served: in total, per endpoint, and how many were throttled (429)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = 0
        self._by_endpoint: Counter[str] = Counter()
        self._by_status: Counter[int] = Counter()

    def record(self, endpoint: str, status: int) -> None:
        with self._lock:
            self._total += 1
            self._by_endpoint[endpoint] += 1
            self._by_status[status] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return self._total

    @property
    def rate_limited(self) -> int:
        with self._lock:
            return self._by_status[429]

    def endpoint(self, name: str) -> int:
        with self._lock:
            return self._by_endpoint[name]

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "total": self._total,
                "by_endpoint": dict(self._by_endpoint),
                "by_status": {str(k): v for k, v in sorted(self._by_status.items())},
                "rate_limited": self._by_status[429],
            }

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._by_endpoint.clear()
            self._by_status.clear()
