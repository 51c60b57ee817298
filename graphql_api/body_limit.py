"""A cap on request bodies (``FREDPIPE_MAX_BODY_BYTES``, 1 MB by default): 413 before the body
is read in full.

A declared ``Content-Length`` over the cap is refused before a byte of the body is read (one
within it passes untouched: the HTTP server delivers no more than it declares); a body
without one (chunked) is counted as it arrives and refused as soon as it passes the cap,
so nothing downstream (the response cache, the cancellation layer, FastAPI) ever holds more
than the cap in memory. The API's own bodies are GraphQL documents and forms of a few KB.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql_api.errors import send_json


class BodyTooLarge(Exception):
    pass


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None:
            if declared > self.max_bytes:
                await self._refuse(send)
            else:  # the server delivers no more than the declared length: nothing to count
                await self.app(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        message = f"the request body is over {self.max_bytes} bytes"
        payload = {"code": "PAYLOAD_TOO_LARGE", "message": message}
        await send_json(send, 413, payload, [(b"connection", b"close")])
