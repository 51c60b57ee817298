"""One log line per HTTP request (``fredpipe.access``), through the process's structlog setup
(``models.log_config``: JSON lines in production): request id, who (``user:…``,
``client:…``, ``anonymous``, or none on public routes), method, path, status, latency in ms,
whether the response cache answered, and for GraphQL the operation's name and cost (left in
the request's state by ``graphql_api.query_cost``). Query strings and bodies are not logged:
they may carry user input nobody asked to keep."""

from __future__ import annotations

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql_api.auth.principal import principal_of

log = structlog.get_logger("fredpipe.access")

#: request-state keys the GraphQL layer fills in
OPERATION, COST = "graphql_operation", "graphql_cost"


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        cache: str | None = None

        async def tracked_send(message: Message) -> None:
            nonlocal status, cache
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", ()):
                    if name.lower() == b"x-cache":
                        cache = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            state = scope.get("state", {})
            principal = principal_of(scope)
            log.info(
                "request",
                request_id=state.get("request_id"),
                principal=principal.label if principal is not None else None,
                method=scope["method"],
                path=scope["path"],
                status=status,
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
                cache=cache,
                operation=state.get(OPERATION),
                cost=state.get(COST),
            )
