"""Data-version bumps, heard once per API process and fanned out to its subscriptions.

Each API process runs one ``VersionFeed`` (started and stopped by the app's lifespan) with
two listeners feeding one ``deliver``:

- **Redis** (``settings.redis_url``): a subscription to ``settings.version_channel``, where
  the stage that bumped publishes one message (``models.version_events``). Every replica
  hears a bump within milliseconds. A lost connection (or Redis down at startup) is retried
  forever with jittered exponential backoff (tenacity); the app never fails because of it.
- **Poll** (always, every ``settings.version_poll_seconds``): what a missed or unsent Redis
  message would have said, read from the durable truth. On DuckDB that is a ``stat`` of the
  sidecar file the bumping stage writes (``models.version_events``): the API never opens the
  database file to notice a bump, so it can never hold the lock a pipeline write needs. On
  MySQL it is one primary-key range query on ``data_versions`` over a pooled connection
  that goes straight back to the pool.

Versions only grow, so a bump heard twice (Redis and poll) or late (an older version after
a newer one) is dropped: subscribers see strictly increasing versions. Each subscriber has a
small bounded queue; one that does not keep up loses its oldest updates, never the newest,
and never slows the others down (``deliver`` does not wait).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import redis.asyncio as aioredis
import sqlalchemy as sa
from anyio import to_thread
from redis.exceptions import RedisError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential_jitter,
)

from models.settings import Settings
from models.version_events import VersionBump, from_message, read_sidecar, sidecar_path
from models.versioning import bumps_after, current_version

log = logging.getLogger("fredpipe.api.events")

#: Updates a subscriber may have waiting before its oldest are dropped.
SUBSCRIBER_QUEUE_SIZE = 16
#: Longest wait between two attempts to reach Redis.
REDIS_MAX_BACKOFF_SECONDS = 10.0
#: How long one wait for a Redis message lasts before the loop checks on its connection.
REDIS_READ_SECONDS = 1.0

FileState = tuple[int, int, int] | None


class Subscriber:
    """One subscription's queue of bumps, filtered by the series it asked for."""

    def __init__(self, ids: frozenset[str] | None, size: int = SUBSCRIBER_QUEUE_SIZE) -> None:
        self.ids = ids
        self.dropped = 0
        self._queue: asyncio.Queue[VersionBump | None] = asyncio.Queue(maxsize=size)

    def offer(self, item: VersionBump | None) -> None:
        """Queue without waiting; a full queue gives up its oldest entry (the client learns
        the newest version, which is what it refetches by)."""
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(item)

    async def updates(self) -> AsyncIterator[VersionBump]:
        """Bumps as they come, until the feed stops."""
        while (item := await self._queue.get()) is not None:
            yield item


class SidecarPoll:
    """DuckDB: the sidecar's ``stat`` says whether anything was announced since last time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: FileState = None

    def _state(self) -> FileState:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def baseline(self) -> int:
        self._seen = self._state()
        return max((b.version for b in read_sidecar(self.path)), default=0)

    def poll(self, after: int) -> list[VersionBump]:
        state = self._state()
        if state is None or state == self._seen:
            return []
        self._seen = state
        return [b for b in read_sidecar(self.path) if b.version > after]


class TablePoll:
    """MySQL: ask ``data_versions`` for anything newer (one indexed query)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def baseline(self) -> int:
        with self.engine.connect() as conn:
            return current_version(conn)

    def poll(self, after: int) -> list[VersionBump]:
        with self.engine.connect() as conn:
            return bumps_after(conn, after)


def poll_source(engine: sa.Engine) -> SidecarPoll | TablePoll | None:
    """How this database tells of bumps without being held open; None for in-memory DuckDB
    (only this process could bump it, and only Redis would tell)."""
    if engine.dialect.name != "duckdb":
        return TablePoll(engine)
    path = sidecar_path(engine)
    return SidecarPoll(path) if path is not None else None


class VersionFeed:
    """The process's one listener and its subscribers (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        engine: sa.Engine,
        *,
        redis_factory: Callable[[], aioredis.Redis] | None = None,
    ) -> None:
        self.settings = settings
        self.source = poll_source(engine)
        self.latest: int | None = None
        self.redis_connected = False
        self._redis_factory = redis_factory or self._default_redis
        self._subscribers: set[Subscriber] = set()
        self._tasks: list[asyncio.Task[None]] = []

    def _default_redis(self) -> aioredis.Redis:
        assert self.settings.redis_url
        return aioredis.Redis.from_url(
            self.settings.redis_url,
            socket_connect_timeout=2.0,
            health_check_interval=15,
            # named, so an operator (or a test) can tell this listener apart in CLIENT LIST
            client_name=redis_client_name(self.settings),
        )

    @property
    def listening(self) -> bool:
        return any(not t.done() for t in self._tasks)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def start(self) -> None:
        """Start the listeners; returns at once (Redis may still be connecting)."""
        if self.listening:
            return
        self._tasks = [asyncio.create_task(self._poll_loop(), name="fredpipe-version-poll")]
        if self.settings.redis_url:
            self._tasks.append(
                asyncio.create_task(self._redis_loop(), name="fredpipe-version-redis")
            )

    async def stop(self) -> None:
        """Cancel the listeners, wait for them, and end every subscription's stream."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError):
                await task
        self.redis_connected = False
        for sub in list(self._subscribers):
            sub.offer(None)

    @asynccontextmanager
    async def subscribe(self, ids: frozenset[str] | None) -> AsyncIterator[Subscriber]:
        """A subscriber registered for as long as the block runs (a subscription's life)."""
        sub = Subscriber(ids)
        self._subscribers.add(sub)
        try:
            yield sub
        finally:
            self._subscribers.discard(sub)

    def deliver(self, bump: VersionBump) -> bool:
        """Fan ``bump`` out to the subscribers it touches, unless it is not newer than the
        last one delivered. Never waits. True if it was new."""
        if self.latest is not None and bump.version <= self.latest:
            return False
        self.latest = bump.version
        for sub in list(self._subscribers):
            if bump.touches(sub.ids):
                sub.offer(bump)
        return True

    async def _poll_loop(self) -> None:
        source = self.source
        if source is None:
            return
        interval = self.settings.version_poll_seconds
        while True:
            try:
                if self.latest is None:
                    # The first look only sets the baseline: a bump from before this
                    # process started is nobody's news.
                    self.latest = await to_thread.run_sync(source.baseline)
                else:
                    for bump in await to_thread.run_sync(source.poll, self.latest):
                        self.deliver(bump)
            except Exception as exc:  # a database outage must not end the loop
                log.warning("data-version poll failed (retrying): %s", exc)
            await asyncio.sleep(interval)

    async def _redis_loop(self) -> None:
        """Subscribe, listen until the connection fails, then subscribe again (with backoff)."""
        while True:
            client = self._redis_factory()
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                async for attempt in AsyncRetrying(
                    retry=retry_if_exception_type((RedisError, OSError)),
                    wait=wait_exponential_jitter(multiplier=0.2, max=REDIS_MAX_BACKOFF_SECONDS),
                    before_sleep=_log_redis_retry,
                ):
                    with attempt:
                        await pubsub.subscribe(self.settings.version_channel)
                self.redis_connected = True
                log.info("listening for data versions on Redis %s", self.settings.version_channel)
                await self._listen(pubsub)
            except (RedisError, OSError) as exc:
                log.warning("lost the Redis data-version subscription: %s", exc)
            finally:
                self.redis_connected = False
                with suppress(RedisError, OSError):
                    await pubsub.aclose()
                with suppress(RedisError, OSError):
                    await client.aclose()

    async def _listen(self, pubsub: aioredis.client.PubSub) -> None:
        while True:
            message = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=REDIS_READ_SECONDS
            )
            if message is None or message.get("type") != "message":
                continue
            bump = from_message(message["data"])
            if bump is not None:
                self.deliver(bump)


def redis_client_name(settings: Settings) -> str:
    return f"fredpipe-api:{settings.version_channel}".replace(" ", "_")


def _log_redis_retry(state: RetryCallState) -> None:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    log.warning(
        "Redis unreachable for data versions (attempt %d, next in %.1f s): %s",
        state.attempt_number,
        wait,
        error,
    )
