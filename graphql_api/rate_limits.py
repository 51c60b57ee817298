"""Moving-window limits (the ``limits`` library) shared by the API's throttles: failed sign-ins
now, requests per identity next.

On Redis when ``FREDPIPE_REDIS_URL`` is set, so every replica counts against the same
windows; in process memory otherwise. Redis is asked with a short timeout, and after a
failure it is skipped for ``BREAK_SECONDS`` (counting in this process meanwhile): a limit
per replica for a few seconds beats a request stalled on a frozen Redis, or no limit at all.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

log = logging.getLogger("fredpipe.api.limits")

T = TypeVar("T")
NAMESPACE = "fredpipe-api"
REDIS_TIMEOUT_SECONDS = 0.1
BREAK_SECONDS = 5.0


def parse_limit(text: str) -> RateLimitItem:
    """``600/minute``, ``10 per second``: the ``limits`` notation, or a clear error."""
    try:
        return parse(text)
    except ValueError:
        raise ValueError(f"not a rate limit: {text!r} (write it like 600/minute)") from None


@dataclass(frozen=True, slots=True)
class Window:
    """Where an identity stands in a window, for ``RateLimit-*`` and ``Retry-After``."""

    limit: int
    remaining: int
    reset_seconds: int


class Limiter:
    def __init__(self, redis_url: str | None, clock: Callable[[], float] = time.monotonic):
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        if redis_url:
            storage = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self._shared = MovingWindowRateLimiter(storage)
        self._clock = clock
        self._broken_until = 0.0

    async def _call(self, use: Callable[[MovingWindowRateLimiter], Awaitable[T]]) -> T:
        shared = self._shared
        if shared is not None and self._clock() >= self._broken_until:
            try:
                return await asyncio.wait_for(use(shared), 2 * REDIS_TIMEOUT_SECONDS)
            except Exception as exc:  # any Redis failure: count in memory for a while
                self._broken_until = self._clock() + BREAK_SECONDS
                log.warning("rate limits: Redis failed (%s); counting in process", exc)
        return await use(self._memory)

    async def hit(self, item: RateLimitItem, *identity: str) -> bool:
        """Count one request; False when the window was already full (nothing counted)."""
        return await self._call(lambda s: s.hit(item, NAMESPACE, *identity))

    async def test(self, item: RateLimitItem, *identity: str) -> bool:
        """Whether one more would fit, without counting it."""
        return await self._call(lambda s: s.test(item, NAMESPACE, *identity))

    async def window(self, item: RateLimitItem, *identity: str) -> Window:
        stats = await self._call(lambda s: s.get_window_stats(item, NAMESPACE, *identity))
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Window(item.amount, max(0, stats.remaining), reset)

    async def clear(self, item: RateLimitItem, *identity: str) -> None:
        await self._call(lambda s: s.clear(item, NAMESPACE, *identity))
