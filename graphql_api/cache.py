"""Response cache keyed by (data version, operation): in-process TTL cache or Redis.

The data version is part of every key, so a version bump makes every older entry
unreachable at once; old entries then simply expire.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import redis
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
        self.ttl = max(1, int(ttl_seconds))
        self.prefix = prefix

    def get(self, key: str) -> str | None:
        try:
            raw = self.client.get(self.prefix + key)
        except redis.RedisError as exc:
            log.warning("redis get failed, treating as miss: %s", exc)
            return None
        return None if raw is None else bytes(raw).decode()  # type: ignore[arg-type]

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
