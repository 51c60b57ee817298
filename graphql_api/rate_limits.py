"""Sliding-window limits (the ``limits`` library): requests per identity (``RateLimits``, on
every data route; websocket operations in ``graphql_api.auth.websocket``) and failed sign-ins
(``graphql_api.auth.routes``).

The strategy is the library's sliding window counter: the count of the current fixed window
plus the previous window's count weighted by how much of it still overlaps the sliding
window. It is exact while a window's first period runs and never admits more than the
limit over any one window length by more than the previous window's share; it keeps two
counters per identity instead of one timestamp per request. Measured on 2 cores
(``bench.rate_limits``): 4 µs per request in memory where the moving window took 54 µs (its
in-memory storage expires entries in a worker thread, and inserts at the head of a list as
long as the limit), which was most of the cost of a response cache hit.

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
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from graphql_api.auth.principal import Principal, principal_of
from graphql_api.errors import Headers, send_json

log = logging.getLogger("fredpipe.api.limits")

T = TypeVar("T")
#: Redis key prefix; it names the strategy, whose keys differ in type from other strategies'
NAMESPACE = "fredpipe-api-swc"
RATE_LIMITED = "RATE_LIMITED"
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
        self._memory = SlidingWindowCounterRateLimiter(MemoryStorage())
        self._shared: SlidingWindowCounterRateLimiter | None = None
        if redis_url:
            storage = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self._shared = SlidingWindowCounterRateLimiter(storage)
        self._clock = clock
        self._broken_until = 0.0

    async def _call(self, use: Callable[[SlidingWindowCounterRateLimiter], Awaitable[T]]) -> T:
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


def identity_of(scope: Scope, principal: Principal | None = None) -> str:
    """Whom a request counts against: its principal (the scope's, unless given), or for
    anonymous requests the client's address (anonymous callers share no budget)."""
    principal = principal or principal_of(scope)
    if principal is not None and principal.kind != "anonymous":
        return principal.label
    client = scope.get("client")
    return f"anonymous:{client[0] if client else 'unknown'}"


def too_many(item: RateLimitItem, window: Window, what: str) -> tuple[str, Headers]:
    """The refusal's message and the 429's headers: ``Retry-After`` and the IETF draft's
    ``RateLimit-*``."""
    retry = max(1, window.reset_seconds)
    message = (
        f"rate limit exceeded: {item.amount} {what} per {item.multiples} "
        f"{item.GRANULARITY.name}; retry in {retry} s"
    )
    headers = [
        (b"retry-after", str(retry).encode()),
        (b"ratelimit-limit", str(item.amount).encode()),
        (b"ratelimit-remaining", b"0"),
        (b"ratelimit-reset", str(retry).encode()),
    ]
    return message, headers


class RateLimits:
    """Pure ASGI, after authentication and before the response cache (hits count too): every
    HTTP request to a data route counts against its identity's ``FREDPIPE_RATE_LIMIT``."""

    def __init__(self, app: ASGIApp, *, limiter: Limiter, limit: RateLimitItem) -> None:
        self.app = app
        self.limiter = limiter
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or principal_of(scope) is None:
            await self.app(scope, receive, send)  # public routes: the middleware set none
            return
        identity = identity_of(scope)
        if await self.limiter.hit(self.limit, "requests", identity):
            await self.app(scope, receive, send)
            return
        window = await self.limiter.window(self.limit, "requests", identity)
        message, headers = too_many(self.limit, window, "requests")
        await send_json(send, 429, {"code": RATE_LIMITED, "message": message}, headers)
