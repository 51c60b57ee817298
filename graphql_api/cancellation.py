"""A client that gives up stops its request's work, and CPU work never runs on the event loop.

``CancelOnDisconnect`` (pure ASGI) runs each HTTP request in its own task and watches the
connection while it runs: on ``http.disconnect`` before the response is complete it cancels
that task. Cancelling a task cannot stop a thread that is already running, so every request
also carries a ``RequestWork`` (a context variable, which anyio copies into worker threads):
``run_off_loop`` and the database handle (``graphql_api.db.RequestDB``) call ``checkpoint()``
before each unit of work, so queued work of a cancelled request is skipped rather than done.
The finished requests' counts are kept in a small ``WorkLog`` (``app.state.work_log``), which
is how tests observe that a disconnect really stopped the work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import weakref
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

from anyio import CapacityLimiter, to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql_api.errors import ServiceUnavailable, retry_after, send_json

log = logging.getLogger("fredpipe.api.cancellation")

T = TypeVar("T")

#: threads for CPU-bound work (correlation, downsampling, charts) across all requests: the
#: machine's cores are the limit of useful parallelism, and a bounded pool leaves the I/O
#: threads (database calls, /healthz) free while a heavy query computes
CPU_THREADS = 2

#: finished requests remembered by ``WorkLog`` (for operators and tests; a ring buffer)
WORK_LOG_SIZE = 256


class ClientDisconnected(Exception):
    """The request's client went away; raised instead of starting more work for it."""


@dataclass(eq=False)
class RequestWork:
    """What one request started and skipped; shared with its worker threads."""

    request_id: str
    cancelled: threading.Event = field(default_factory=threading.Event)
    started: int = 0
    skipped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def checkpoint(self) -> None:
        """Count one unit of work about to start, or raise if the client is gone."""
        with self._lock:
            if self.cancelled.is_set():
                self.skipped += 1
                raise ClientDisconnected(self.request_id)
            self.started += 1


_current: ContextVar[RequestWork | None] = ContextVar("fredpipe_request_work", default=None)


def current_work() -> RequestWork | None:
    return _current.get()


def checkpoint() -> None:
    """Call before each unit of work (a query, a chunk of maths); a no-op outside requests."""
    work = _current.get()
    if work is not None:
        work.checkpoint()


_cpu_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _cpu_threads() -> CapacityLimiter:
    """One limiter per event loop (a limiter belongs to the loop it was first used on)."""
    loop = asyncio.get_running_loop()
    limiter = _cpu_limiters.get(loop)
    if limiter is None:
        limiter = _cpu_limiters[loop] = CapacityLimiter(CPU_THREADS)
    return limiter


async def run_off_loop(fn: Callable[..., T], *args: object) -> T:
    """Run CPU-bound ``fn(*args)`` in a worker thread (at most ``CPU_THREADS`` at once), so
    the event loop keeps answering; skipped if the client disconnected before it started."""

    def guarded() -> T:
        checkpoint()
        return fn(*args)

    return await to_thread.run_sync(guarded, limiter=_cpu_threads())


async def read_body(receive: Receive) -> bytes | None:
    """A request's whole body, or None when the client disconnected before sending it all."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class WorkLog:
    """The requests in flight and the last ``WORK_LOG_SIZE`` finished ones' ``RequestWork``."""

    def __init__(self, size: int = WORK_LOG_SIZE) -> None:
        self._items: deque[RequestWork] = deque(maxlen=size)
        self._running: dict[int, RequestWork] = {}

    def begin(self, work: RequestWork) -> None:
        self._running[id(work)] = work

    def record(self, work: RequestWork) -> None:
        self._running.pop(id(work), None)
        self._items.append(work)

    def running(self, request_id: str) -> RequestWork | None:
        """The request in flight with this id (its counts move while it runs)."""
        for work in list(self._running.values()):
            if work.request_id == request_id:
                return work
        return None

    def find(self, request_id: str) -> RequestWork | None:
        """The finished request with this id, newest first."""
        for work in reversed(self._items):
            if work.request_id == request_id:
                return work
        return None


async def _over_budget(send: Send, budget: float) -> None:
    message = f"the request took longer than its time budget of {budget:g} s and was stopped"
    payload = {"code": ServiceUnavailable.code, "message": message}
    await send_json(send, 503, payload, retry_after())


class CancelOnDisconnect:
    """Pure ASGI: run the request in a task, cancel it when the client disconnects early or
    its time budget runs out.

    The request body is read first (this API's bodies are small GraphQL documents and JSON),
    so afterwards the only message the connection can still send is ``http.disconnect``.
    """

    def __init__(self, app: ASGIApp, work_log: WorkLog, budget: float | None = None) -> None:
        self.app = app
        self.work_log = work_log
        #: seconds a request may take (``FREDPIPE_REQUEST_TIMEOUT_SECONDS``); past it, it is
        #: cancelled like a disconnected one and answered 503
        self.budget = budget

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return
        rid = str(scope.get("state", {}).get("request_id", ""))
        work = RequestWork(rid)
        self.work_log.begin(work)
        token = _current.set(work)
        try:
            await self._serve(scope, body, receive, send, work)
        finally:
            _current.reset(token)
            self.work_log.record(work)

    async def _serve(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, work: RequestWork
    ) -> None:
        gone = asyncio.Event()
        replayed = False
        complete = False

        async def app_receive() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def app_send(message: Message) -> None:
            nonlocal complete
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True
            await send(message)

        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await app_send(message)

        task = asyncio.ensure_future(self.app(scope, app_receive, tracked_send))
        watcher = asyncio.ensure_future(receive())
        try:
            await asyncio.wait(
                {task, watcher}, timeout=self.budget, return_when=asyncio.FIRST_COMPLETED
            )
            if not task.done() and not watcher.done():  # the time budget ran out
                work.cancelled.set()
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ClientDisconnected):
                    await task
                log.warning(
                    "request %s stopped after its time budget of %.0f s (%d units done, "
                    "%d skipped)",
                    work.request_id,
                    self.budget,
                    work.started,
                    work.skipped,
                )
                if not started and self.budget is not None:
                    await _over_budget(send, self.budget)
                return
            if (
                not task.done()
                and watcher.done()
                and not watcher.cancelled()
                and watcher.result()["type"] == "http.disconnect"
                and not complete
            ):
                work.cancelled.set()
                gone.set()
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ClientDisconnected):
                    await task
                log.info(
                    "client disconnected: request %s cancelled (%d units done, %d skipped)",
                    work.request_id,
                    work.started,
                    work.skipped,
                )
                return
            await task
        finally:
            if not watcher.done():
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            if not task.done():  # this coroutine itself was cancelled (server shutdown)
                task.cancel()
