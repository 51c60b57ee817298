"""A request id on every request (taken from ``X-Request-ID`` or made up) and response."""

from __future__ import annotations

import os
import re

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware) to stay cheap on the hot path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(HEADER.encode(), b"").decode("latin-1")
        rid = incoming if incoming and _SAFE.match(incoming) else new_request_id()
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER.encode(), rid.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


def new_request_id() -> str:
    """128 random bits in hex, like ``uuid4().hex`` without building a UUID (this runs on
    every request, cache hits included)."""
    return os.urandom(16).hex()


def request_id_of(conn: HTTPConnection) -> str:
    return getattr(conn.state, "request_id", None) or new_request_id()
