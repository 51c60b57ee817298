"""The sandbox's per-key rate limit and request counters (thread-safe, clock injected).

FRED throttles each API key (120 requests a minute); the sandbox enforces the same budget so
client-side pacing and 429 handling are exercised for real. Counters let tests assert how
many requests a client actually made.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence


def most_within(times: Sequence[float], seconds: float) -> int:
    """Most of the ascending instants ``times`` that fall within any ``seconds``-long span:
    how a budget is checked after the fact."""
    most, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= seconds:
            lo += 1
        most = max(most, hi - lo + 1)
    return most


class RateLimiter:
    """Sliding windows: at most ``limit`` accepted requests per key in any ``window`` seconds,
    and as many more (limit, window) budgets as ``also`` lists (FRED: 2/s *and* 120/min).
    A request is accepted only when every budget has room."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        also: tuple[tuple[int, float], ...] = (),
    ) -> None:
        self.budgets = ((limit, window), *also)
        for n, w in self.budgets:
            if n < 1 or w <= 0:
                raise ValueError(f"rate limit needs limit >= 1 and window > 0; got {n}/{w}s")
        self.limit = limit
        self.window = window
        self._longest = max(w for _, w in self.budgets)
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record a request for ``key`` if it fits the budget; rejected requests don't count."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self._longest:
                hits.popleft()
            for n, w in self.budgets:
                if sum(1 for t in hits if t > now - w) >= n:
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
        self._by_series: Counter[str] = Counter()
        #: monotonic arrival times of the latest requests answered 200 (bounded).
        self._accepted_at: deque[float] = deque(maxlen=10_000)

    def record(
        self, endpoint: str, status: int, series_id: str = "", arrived: float | None = None
    ) -> None:
        """Count one answered request; ``arrived`` is its ``time.monotonic()`` on arrival."""
        with self._lock:
            self._total += 1
            self._by_endpoint[endpoint] += 1
            self._by_status[status] += 1
            self._by_series[series_id] += 1
            if status == 200:
                self._accepted_at.append(time.monotonic() if arrived is None else arrived)

    def series(self, series_id: str) -> int:
        """Requests (any endpoint, any status) naming ``series_id``."""
        with self._lock:
            return self._by_series[series_id]

    def max_in_window(self, seconds: float) -> int:
        """Most requests answered 200 within any ``seconds``-long span (recent history)."""
        with self._lock:
            times = list(self._accepted_at)
        return most_within(times, seconds)

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
            self._by_series.clear()
            self._accepted_at.clear()
