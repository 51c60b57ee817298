"""One database connection per request, used from worker threads.

Opening a DuckDB file costs ~20 ms (the engine uses NullPool so the pipeline can write between
requests, and ``models.engine`` retries while a writer holds the file), so a request opens at
most one connection, lazily, and all its reads share it (one snapshot). On DuckDB the data
version usually comes from ``VersionProbe`` without opening the file, so a cache hit never
touches the database. Calls are serialised because a DBAPI connection is not safe for
concurrent use: by an asyncio lock first, so a query with a hundred aliases occupies one worker
thread at a time instead of parking a hundred threads on the connection (and starving
``/healthz`` and other requests of the threadpool), and by a thread lock as the backstop.

Each call is a unit of work of ``graphql_api.cancellation``: once the client has
disconnected, queued calls are skipped (``ClientDisconnected``) instead of run.

With a ``ReadMemo`` (the app's), a read another request already made at the same data version
is answered from memory and opens nothing (``graphql_api.read_memo``).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TypeVar

import sqlalchemy as sa
from anyio import to_thread

from graphql_api.cancellation import checkpoint
from graphql_api.errors import ServiceUnavailable, is_database_outage
from graphql_api.read_memo import ABSENT, ReadMemo
from graphql_api.version_probe import VersionProbe
from models import series_repository

T = TypeVar("T")
V = TypeVar("V")


class RequestDB:
    def __init__(
        self, engine: sa.Engine, probe: VersionProbe | None = None, memo: ReadMemo | None = None
    ) -> None:
        self._engine = engine
        self._probe = probe
        self._memo = memo
        self._memo_key_version: int | None = None
        self._conn: sa.Connection | None = None
        self._lock = threading.Lock()
        self._turn = asyncio.Lock()
        self._version: int | None = None
        self._version_lock = asyncio.Lock()

    def _call(self, fn: Callable[..., T], *args: object) -> T:
        with self._lock:
            checkpoint()
            try:
                if self._conn is None:
                    self._conn = self._engine.connect()
                return fn(self._conn, *args)
            except Exception as exc:
                if is_database_outage(exc):
                    self._discard()
                    raise ServiceUnavailable() from exc
                raise

    def _discard(self) -> None:
        """Drop a connection that failed mid-call; the next call of this request reconnects."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.invalidate()
                self._conn.close()
            self._conn = None

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(connection, *args)``, a read: remembered by the memo, else run in the
        threadpool, off the event loop."""
        memo = self._memo
        if memo is None or not memo.enabled:
            return await self._run(fn, *args)
        key = memo.key(await self._memo_version(memo), fn, args)
        found, value = memo.get(key)
        if found:
            return value
        value = await self._run(fn, *args)
        memo.put(key, value)
        return value

    async def run_by_ids(
        self, fn: Callable[..., Mapping[str, V]], ids: Sequence[str], *args: object
    ) -> dict[str, V]:
        """``fn(connection, ids, *args)``, a read answering a value per id it found,
        remembered per id: only the ids the memo does not hold are read (one statement)."""
        memo = self._memo
        if memo is None or not memo.enabled:
            return dict(await self._run(fn, ids, *args))
        version = await self._memo_version(memo)
        found: dict[str, V] = {}
        missing: list[str] = []
        for sid in dict.fromkeys(ids):
            hit, value = memo.get(memo.key_of_id(version, fn, sid, args))
            if not hit:
                missing.append(sid)
            elif value is not ABSENT:
                found[sid] = value
        if missing:
            rows = await self._run(fn, missing, *args)
            for sid in missing:
                key = memo.key_of_id(version, fn, sid, args)
                if sid in rows:
                    found[sid] = rows[sid]
                    memo.put(key, rows[sid])
                else:
                    memo.put(key, ABSENT)
        return found

    async def _memo_version(self, memo: ReadMemo) -> int:
        """The data version the memo keys this request's reads by: read once, so one request
        never mixes two versions' remembered reads."""
        if self._memo_key_version is None:
            self._memo_key_version = await memo.version()
        return self._memo_key_version

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        async with self._turn:
            return await to_thread.run_sync(partial(self._call, fn, *args))

    async def version(self) -> int:
        """The data version, read at most once per request."""
        async with self._version_lock:
            if self._version is None:
                self._version = await self._read_version()
            return self._version

    async def _read_version(self) -> int:
        if self._probe is None:
            return await self._run(series_repository.data_version)
        fingerprint = self._probe.fingerprint()
        known = self._probe.lookup(fingerprint)
        if known is not None:
            return known
        version = await self._run(series_repository.data_version)
        self._probe.remember(fingerprint, version)
        return version

    def _close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    async def aclose(self) -> None:
        if self._conn is not None:
            await to_thread.run_sync(self._close)


#: on MySQL the response cache's data version is remembered this long, so a cache hit costs
#: no database round trip; it is also how long after a bump a hit can still be the previous
#: version's answer (the staleness bound), unless this process heard of the bump first.
MYSQL_VERSION_TTL_SECONDS = 1.0


class DataVersionSource:
    """The data version for the response cache's keys, cheaply, for the whole app.

    DuckDB file: ``VersionProbe`` (two ``stat`` calls) and a fresh read only when the file
    changed. MySQL (or a DuckDB in memory): a pooled query, its answer reused for ``ttl``
    seconds; concurrent requests share one query.
    """

    def __init__(
        self,
        engine: sa.Engine,
        probe: VersionProbe | None,
        *,
        ttl: float = MYSQL_VERSION_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        heard: Callable[[], int | None] = lambda: None,
    ) -> None:
        self._engine = engine
        self._probe = probe
        #: the newest version this process was told about (``VersionFeed.latest``): a memo
        #: older than that is stale at once, so a client refetching on a ``dataUpdated``
        #: push never gets the previous version's cached answer
        self._heard = heard
        #: public so tests and operators can shorten the bound or drive time by hand
        self.ttl = ttl
        self.clock = clock
        self._memo: tuple[float, int] | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> int:
        probe = self._probe
        if probe is not None:
            fingerprint = probe.fingerprint()
            known = probe.lookup(fingerprint)
            if known is not None:
                return known
            version = await to_thread.run_sync(self._read)
            probe.remember(fingerprint, version)
            return version
        memo = self._memo
        if memo is not None and self._fresh(memo):
            return memo[1]
        async with self._lock:
            memo = self._memo
            if memo is not None and self._fresh(memo):
                return memo[1]
            asked = self.clock()
            version = await to_thread.run_sync(self._read)
            self._memo = (asked, version)
            return version

    def _fresh(self, memo: tuple[float, int]) -> bool:
        if self.clock() - memo[0] >= self.ttl:
            return False
        heard = self._heard()
        return heard is None or heard <= memo[1]

    def _read(self) -> int:
        try:
            with self._engine.connect() as conn:
                return series_repository.data_version(conn)
        except Exception as exc:
            if is_database_outage(exc):
                raise ServiceUnavailable() from exc
            raise
