"""The GraphQL response cache, in front of GraphQL: a repeat is answered from stored bytes
without parsing, validating or executing anything.

``ResponseCache`` is pure ASGI and handles ``POST /graphql`` and ``GET /graphql?query=…``.
The key is ``v<data version>:<identity scope>:<sha256 of method, query string and body>``:

- the data version comes from ``graphql_api.db.DataVersionSource`` (two ``stat`` calls on
  the DuckDB file; a short-lived memo on MySQL), so a pipeline stage's bump makes every
  older answer unreachable at once;
- the identity scope (``identity_scope``) is the principal's role, set by
  ``graphql_api.auth.middleware`` before this runs: what an answer holds depends on the role
  only (every role reads the same data; roles differ in what they may do and how much), so
  principals of one role share answers and no answer crosses roles;
- the request bytes are hashed as they are, not normalised: a client repeats an operation
  with the same bytes (Apollo and the dashboard do), and hashing is far cheaper than
  parsing, which is exactly the work a hit skips. The same operation spelt differently is
  a miss, never a wrong answer.

On a miss the request goes on to the app; the schema's half of the cache
(``graphql_api.extensions.ResponseCache``) marks an operation that is a query and finished
without errors, and only then are the final bytes stored, with their brotli and gzip
variants made once (``graphql_api.compression.encode_all_off_loop``). Mutations, subscriptions,
errors, other status codes and non-JSON answers are never stored. Every answer says
``X-Cache: hit`` or ``miss``.

Two levels: ``LocalResponses`` in this process, and ``SharedResponses`` (Redis, when
configured) shared by API workers, whose timeouts and circuit breaker keep a frozen Redis
from delaying requests.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql_api.auth.principal import principal_of
from graphql_api.cache import LocalResponses, SharedResponses, StoredResponse
from graphql_api.cancellation import read_body
from graphql_api.compression import accept_encoding_of, accepted_encoding, encode_all_off_loop
from graphql_api.db import DataVersionSource
from graphql_api.errors import ServiceUnavailable, send_unavailable

#: the paths of the GraphQL endpoint (the router is mounted at ``/graphql``)
GRAPHQL_PATHS = frozenset({"/graphql", "/graphql/"})
#: ``scope["state"]`` key the schema extension sets when the answer may be stored
CACHEABLE = "fredpipe.cacheable"
JSON = b"application/json"

IdentityScope = Callable[[Scope], str]


def identity_scope(scope: Scope) -> str:
    """Whose view of the data an answer is: the principal's role (see the module docstring).
    No principal (the middleware did not run, as in a bare test app): its own scope."""
    principal = principal_of(scope)
    return "none" if principal is None else "role:" + principal.role


def mark_cacheable(scope: Scope) -> None:
    """Called by the schema when the operation is a query that finished without errors."""
    scope.setdefault("state", {})[CACHEABLE] = True


def _handles(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["path"] not in GRAPHQL_PATHS:
        return False
    method = scope["method"]
    if method == "POST":
        return True
    return method == "GET" and b"query=" in scope["query_string"]


def _headers(stored: StoredResponse, encoding: str, status: bytes) -> list[tuple[bytes, bytes]]:
    body = stored.variants[encoding]
    headers = [
        (b"content-type", stored.content_type),
        (b"content-length", str(len(body)).encode()),
        (b"x-cache", status),
    ]
    if len(stored.variants) > 1:
        headers.append((b"vary", b"Accept-Encoding"))
    if encoding != "identity":
        headers.append((b"content-encoding", encoding.encode()))
    return headers


class ResponseCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        versions: DataVersionSource,
        local: LocalResponses,
        shared: SharedResponses | None = None,
        scope_of: IdentityScope = identity_scope,
    ) -> None:
        self.app = app
        self.versions = versions
        self.local = local
        self.shared = shared
        self.scope_of = scope_of
        self._pending: set[asyncio.Task[Any]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _handles(scope):
            await self.app(scope, receive, send)
            return
        body = b""
        if scope["method"] == "POST":
            read = await read_body(receive)
            if read is None:
                return
            body = read
        digest = hashlib.sha256(scope["method"].encode())
        digest.update(scope["query_string"])
        digest.update(b"\0")
        digest.update(body)
        try:
            version = await self.versions.current()
        except ServiceUnavailable as exc:
            await send_unavailable(send, scope["path"], exc)
            return
        key = f"v{version}:{self.scope_of(scope)}:{digest.hexdigest()}"
        encoding = accepted_encoding(accept_encoding_of(scope)) or "identity"

        stored = self.local.get(key)
        if stored is None and self.shared is not None:
            shared = await self.shared.get(key)
            if shared is not None:
                stored = StoredResponse(await encode_all_off_loop(shared), JSON)
                self.local.set(key, stored)
        if stored is not None:
            variant = encoding if encoding in stored.variants else "identity"
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": _headers(stored, variant, b"hit"),
                }
            )
            await send({"type": "http.response.body", "body": stored.variants[variant]})
            return
        await self._miss(scope, body, receive, send, key, encoding)

    async def _miss(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, key: str, encoding: str
    ) -> None:
        replayed = False
        start: Message | None = None
        buffered: list[bytes] = []
        passing = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = {**message, "headers": [*message.get("headers", []), (b"x-cache", b"miss")]}
                content_type = dict(start["headers"]).get(b"content-type", b"")
                if start["status"] != 200 or not content_type.startswith(JSON):
                    passing = True
                    await send(start)
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            buffered.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            answer = b"".join(buffered)
            if not scope.get("state", {}).get(CACHEABLE):
                await send(start)
                await send({"type": "http.response.body", "body": answer})
                return
            stored = StoredResponse(await encode_all_off_loop(answer), JSON)
            self.local.set(key, stored)
            if self.shared is not None:
                self._spawn(self.shared.set(key, answer))
            variant = encoding if encoding in stored.variants else "identity"
            await send({**start, "headers": _headers(stored, variant, b"miss")})
            await send({"type": "http.response.body", "body": stored.variants[variant]})

        await self.app(scope, replay, capture)

    def _spawn(self, work: Any) -> None:
        """Store in Redis after answering: the client never waits for the shared level."""
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
