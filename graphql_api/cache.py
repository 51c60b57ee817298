"""Caches keyed by (data version, ...): in-process TTL caches and Redis.

The data version is part of every key, so a version bump makes every older entry
unreachable at once; old entries then simply expire.

Two families:

- ``Cache`` (``MemoryCache``, ``RedisCache``): a blocking string store for resolvers and
  REST routes (``Context.cache``), called from worker threads.
- ``LocalResponses`` and ``SharedResponses``: the two levels of the HTTP response cache
  (``graphql_api.response_cache``), used on the event loop. The first holds the final bytes
  of each answer and their compressed variants in this process; the second shares answers
  across API workers through Redis with short timeouts and a circuit breaker, so a frozen
  Redis costs one request at most ``SHARED_TIMEOUT_SECONDS`` and then nothing for
  ``SHARED_COOLDOWN_SECONDS``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis
from cachetools import TTLCache

from models.settings import Settings

log = logging.getLogger("fredpipe.api.cache")

DEFAULT_PREFIX = "fredpipe:gql:"


class Cache(Protocol):
    """A string store with expiry. Implementations never raise on a backend outage."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


class MemoryCache:
    """Per-process TTL cache, bounded by the total characters it holds. ``clock`` (seconds,
    monotonic) is injectable so expiry can be proven without sleeping."""

    def __init__(
        self,
        ttl_seconds: float,
        max_chars: int = 64_000_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._data: TTLCache[str, str] = TTLCache(
            maxsize=max_chars, ttl=ttl_seconds, timer=clock, getsizeof=len
        )
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._data.get(key)

    def set(self, key: str, value: str) -> None:
        if len(value) > self._data.maxsize:
            return
        with self._lock:
            self._data[key] = value

    def __len__(self) -> int:
        return len(self._data)


class RedisCache:
    """Shared cache across API workers; a Redis outage degrades to cache misses."""

    def __init__(self, url: str, ttl_seconds: int, prefix: str = DEFAULT_PREFIX) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.url = url
        self.ttl = max(1, int(ttl_seconds))
        self.prefix = prefix

    def get(self, key: str) -> str | None:
        try:
            raw = self.client.get(self.prefix + key)
        except redis.RedisError as exc:
            log.warning("redis get failed, treating as miss: %s", exc)
            return None
        if raw is None:
            return None
        return raw if isinstance(raw, str) else bytes(raw).decode()

    def set(self, key: str, value: str) -> None:
        try:
            self.client.set(self.prefix + key, value, ex=self.ttl)
        except redis.RedisError as exc:
            log.warning("redis set failed, answer not cached: %s", exc)


def make_cache(settings: Settings) -> Cache:
    if settings.redis_url:
        return RedisCache(settings.redis_url, settings.cache_ttl_seconds)
    return MemoryCache(settings.cache_ttl_seconds)


def cache_key(version: int, *parts: Any) -> str:
    """``v<version>:<sha256 of the parts>``; the version stays readable for operators."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return f"v{version}:{hashlib.sha256(blob.encode()).hexdigest()}"


#: a Redis round trip on the request path may take this long before it counts as a failure
SHARED_TIMEOUT_SECONDS = 0.1
#: after a failure the shared level is skipped this long (the circuit is open)
SHARED_COOLDOWN_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """One answer's bytes in every encoding worth sending (``identity`` always present)."""

    variants: dict[str, bytes]
    content_type: bytes

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.variants.values())


class LocalResponses:
    """First level: this process's answers with a TTL, bounded by their total bytes (the
    oldest go first). Used from the event loop only, so no lock; a plain dict because this
    lookup is most of what a cache hit costs (``cachetools.TTLCache`` took three times as
    long per ``get`` in ``bench/api_wrk.py``'s profile)."""

    def __init__(
        self,
        ttl_seconds: float,
        max_bytes: int = 256_000_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_bytes = max_bytes
        self._clock = clock
        self._data: dict[str, tuple[float, StoredResponse]] = {}
        self._bytes = 0

    def get(self, key: str) -> StoredResponse | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[0] <= self._clock():
            self._drop(key)
            return None
        return item[1]

    def set(self, key: str, value: StoredResponse) -> None:
        size = value.size
        if size > self.max_bytes:
            return
        self._drop(key)
        now = self._clock()
        # insertion order is expiry order (one TTL): drop the expired, then the oldest
        for old in list(self._data):
            if self._bytes + size <= self.max_bytes and self._data[old][0] > now:
                break
            self._drop(old)
        self._data[key] = (now + self.ttl, value)
        self._bytes += size

    def _drop(self, key: str) -> None:
        item = self._data.pop(key, None)
        if item is not None:
            self._bytes -= item[1].size

    def __len__(self) -> int:
        return len(self._data)


class SharedResponses:
    """Second level: answers (their identity bytes) in Redis, shared by API workers.

    Every call is bounded by ``timeout`` seconds; a failure or timeout opens the circuit for
    ``cooldown`` seconds, during which calls return at once (a miss; nothing stored).
    """

    def __init__(
        self,
        url: str,
        ttl_seconds: int,
        prefix: str = DEFAULT_PREFIX,
        *,
        timeout: float = SHARED_TIMEOUT_SECONDS,
        cooldown: float = SHARED_COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = aioredis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self.ttl = max(1, int(ttl_seconds))
        self.prefix = prefix
        self.timeout = timeout
        self.cooldown = cooldown
        self._clock = clock
        self._open_until = 0.0

    @classmethod
    def like(cls, cache: RedisCache) -> SharedResponses:
        """The shared level on the same Redis, prefix and TTL as ``cache``."""
        return cls(cache.url, cache.ttl, cache.prefix)

    @property
    def available(self) -> bool:
        return self._clock() >= self._open_until

    async def get(self, key: str) -> bytes | None:
        if not self.available:
            return None
        try:
            raw = await asyncio.wait_for(self.client.get(self.prefix + key), self.timeout)
        except (redis.RedisError, OSError, TimeoutError) as exc:
            self._trip("get", exc)
            return None
        if raw is None:
            return None
        return raw.encode() if isinstance(raw, str) else bytes(raw)

    async def set(self, key: str, value: bytes) -> None:
        if not self.available:
            return
        try:
            await asyncio.wait_for(
                self.client.set(self.prefix + key, value, ex=self.ttl), self.timeout
            )
        except (redis.RedisError, OSError, TimeoutError) as exc:
            self._trip("set", exc)

    async def healthy(self) -> bool:
        """Whether Redis answers a PING within the timeout now (a failure opens the circuit,
        as any other call's would); False at once while the circuit is open."""
        if not self.available:
            return False
        try:
            await asyncio.wait_for(self.client.ping(), self.timeout)
        except (redis.RedisError, OSError, TimeoutError) as exc:
            self._trip("ping", exc)
            return False
        return True

    def _trip(self, what: str, exc: BaseException) -> None:
        self._open_until = self._clock() + self.cooldown
        log.warning(
            "redis %s failed (%s); shared response cache off for %.0f s",
            what,
            type(exc).__name__,
            self.cooldown,
        )

    async def aclose(self) -> None:
        await self.client.aclose()
