"""One log line per HTTP request (``fredpipe.access``), and the request id every request and
response carries (``graphql_api.request_id``: the client's ``X-Request-ID`` or a new one),
in one layer because the line logs the id, through the process's structlog setup
(``models.log_config``: JSON lines in production): request id, who (``user:…``,
``client:…``, ``anonymous``, or none on public routes), method, path, status, latency in ms,
whether the response cache answered, and for GraphQL the operation's name and cost (left in
the request's state by ``graphql_api.query_cost``). Query strings and bodies are not logged:
they may carry user input nobody asked to keep."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql_api.auth.principal import principal_of
from graphql_api.request_id import HEADER_BYTES, request_id_for
from models.log_config import hot_path_logger

LOGGER = "fredpipe.access"

#: request-state keys the GraphQL layer fills in
OPERATION, COST = "graphql_operation", "graphql_cost"


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = hot_path_logger(LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_for(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        echoed = (HEADER_BYTES, request_id.encode())
        status = 500
        cache: str | None = None

        async def tracked_send(message: Message) -> None:
            nonlocal status, cache
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = message.get("headers", ())
                for name, value in headers:
                    if name.lower() == b"x-cache":
                        cache = value.decode("latin-1")
                message["headers"] = [*headers, echoed]
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            state = scope.get("state", {})
            principal = principal_of(scope)
            self.log.info(
                "request",
                request_id=request_id,
                principal=principal.label if principal is not None else None,
                method=scope["method"],
                path=scope["path"],
                status=status,
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
                cache=cache,
                operation=state.get(OPERATION),
                cost=state.get(COST),
            )
