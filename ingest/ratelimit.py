"""FRED's request budget, enforced on our side so the server never has to throttle us.

FRED allows each API key a few requests a second *and* a fixed number a minute. One
``RequestLimiter`` holds both budgets as moving windows from the ``limits`` library: exact
(never more than the budget in any window, unlike a fixed window that allows a double burst
at the boundary). With ``MemoryStorage`` the budget is shared by the threads of one process;
with ``RedisStorage`` (``settings.redis_url``) by every process and worker using the same
key. The storage key is a hash of the API key, so the key itself never reaches Redis.

``acquire()`` blocks until both windows have room: it sleeps until the oldest request leaves
the full window (``limits`` reports that instant), never spins. Threads of one process queue
on a lock so only one of them polls the storage at a time.

When FRED throttles anyway (a 429, e.g. another program spends the same key), the client calls
``pause(retry_after)``: every request on the key, in every worker and, through Redis, every
process, then waits out the pause instead of each worker discovering the throttle with a
429 of its own.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from models.settings import Settings

#: Namespace of our keys in the storage (shared Redis databases hold other apps' keys too).
NAMESPACE = "fredpipe-fred"
#: Extra wait after a window frees: requests granted back to back can reach the server in
#: a slightly different order/spacing than they were granted; this keeps them inside FRED's
#: window as FRED measures it.
DEFAULT_MARGIN_SECONDS = 0.05


class RateLimitTimeout(TimeoutError):
    """``acquire(timeout=...)`` gave up before the budget had room."""


@dataclass(frozen=True, slots=True)
class Budget:
    """Requests allowed per second and per minute; both hold at once.

    ``minute_seconds`` is the long window's length: 60, except in tests that want to watch
    the long budget bind without waiting a minute.
    """

    per_second: float
    per_minute: int
    minute_seconds: int = 60

    def __post_init__(self) -> None:
        if not (self.per_second > 0 and self.per_minute > 0 and self.minute_seconds > 0):
            raise ValueError(
                f"rate budget must be > 0; got {self.per_second}/s, "
                f"{self.per_minute}/{self.minute_seconds}s"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> Budget:
        return cls(settings.fred_requests_per_second, settings.fred_requests_per_minute)

    def items(self) -> tuple[RateLimitItem, ...]:
        """The budget as ``limits`` items (whole requests over whole seconds)."""
        amount, seconds = per_second_window(self.per_second)
        return (
            RateLimitItemPerSecond(amount, seconds),
            RateLimitItemPerSecond(self.per_minute, self.minute_seconds),
        )


def per_second_window(rate: float) -> tuple[int, int]:
    """A rate in requests/second as (requests, window seconds) in whole numbers, never faster.

    ``limits`` counts whole requests over whole seconds. 2/s -> (2, 1); below one a second,
    one request per whole number of seconds: 0.5/s -> (1, 2), 0.3/s -> (1, 4). Fractions
    above one round down (2.5/s -> (2, 1)): a (5, 2) window would allow 5 in one second.
    """
    if rate >= 1:
        return int(rate), 1
    return 1, math.ceil(1 / rate - 1e-9)


def key_id(api_key: str) -> str:
    """What the storage sees instead of the API key: a short, stable hash of it."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:20]


class RequestLimiter:
    """Both budgets for one API key over a ``limits`` storage; thread-safe, blocking."""

    def __init__(
        self,
        budget: Budget,
        api_key: str,
        storage: Storage | None = None,
        *,
        margin_seconds: float = DEFAULT_MARGIN_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.budget = budget
        self._storage = storage if storage is not None else MemoryStorage()
        self._strategy = MovingWindowRateLimiter(self._storage)
        self._items = budget.items()
        self._key = key_id(api_key)
        self._margin = margin_seconds
        self._sleep = sleep
        self._lock = threading.Lock()
        self._pause_key = f"{NAMESPACE}/pause/{self._key}"

    @property
    def storage(self) -> Storage:
        return self._storage

    def try_acquire(self) -> float:
        """Take one request from both budgets if both have room and return 0.0; otherwise
        take nothing and return how many seconds to wait before trying again.

        The per-second window is taken first: when the minute window then refuses, the
        second's slot stays counted (a moving window cannot give one back) for at most one
        second, which only errs on the slow side.
        """
        for item in self._items:
            if not self._strategy.hit(item, NAMESPACE, self._key):
                reset_at = self._strategy.get_window_stats(item, NAMESPACE, self._key).reset_time
                return max(reset_at - time.time(), 0.0) + self._margin
        return 0.0

    def pause(self, seconds: float) -> None:
        """Hold every request on this key for ``seconds`` (whole seconds, rounded up).

        Called when FRED answers 429. A pause already running is not extended: its end is
        when the throttle that caused it ends, and a request after it that is throttled again
        pauses again.
        """
        if seconds > 0:
            self._storage.incr(self._pause_key, math.ceil(seconds))

    def paused_for(self) -> float:
        """Seconds left of a running ``pause`` (0.0 when none), margin included."""
        if self._storage.get(self._pause_key) <= 0:
            return 0.0
        return max(self._storage.get_expiry(self._pause_key) - time.time(), 0.0) + self._margin

    def acquire(self, timeout: float | None = None) -> float:
        """Block until no pause runs and one request fits both budgets; return the seconds
        spent waiting."""
        started = time.monotonic()
        deadline = None if timeout is None else started + timeout
        with self._lock:
            while True:
                wait = self.paused_for() or self.try_acquire()
                if wait == 0.0:
                    return time.monotonic() - started
                if deadline is not None and time.monotonic() + wait > deadline:
                    raise RateLimitTimeout(f"no room in the FRED request budget within {timeout} s")
                self._sleep(wait)

    def reset(self) -> None:
        """Forget every request counted for this key (tests; never needed in operation)."""
        for item in self._items:
            self._strategy.clear(item, NAMESPACE, self._key)
        self._storage.clear(self._pause_key)


def storage_for(redis_url: str | None) -> Storage:
    """Redis when configured (budget shared across processes), else this process's memory."""
    if not redis_url:
        return MemoryStorage()
    if redis_url.startswith("unix://"):
        redis_url = "redis+" + redis_url
    storage = storage_from_string(redis_url)
    assert isinstance(storage, Storage)  # a sync URL scheme never gives an async storage
    return storage


_shared: dict[tuple[str, str | None, Budget], RequestLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(settings: Settings, api_key: str | None = None) -> RequestLimiter:
    """The process-wide limiter for this key, storage and budget (created on first use).

    Every client built from the same settings gets the same object, so all requests of the
    process, in any thread, draw from one budget.
    """
    key = api_key if api_key is not None else settings.require_fred_api_key()
    budget = Budget.from_settings(settings)
    ident = (key_id(key), settings.redis_url, budget)
    with _shared_lock:
        limiter = _shared.get(ident)
        if limiter is None:
            limiter = RequestLimiter(budget, key, storage_for(settings.redis_url))
            _shared[ident] = limiter
        return limiter
