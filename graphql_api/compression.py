"""Response compression in the app: brotli when the client accepts it, else gzip.

Measured on the API's own answers (``bench/encoding.py``; README request 100 KB, dashboard
request 1.44 MB; medians on 2 shared cores): brotli at quality 3 makes the dashboard answer
388 KB in 40 ms, where quality 5 saves 6 % more bytes and takes 150 ms, and gzip level 6
makes 402 KB in 156 ms; on the 100 KB answer brotli 3 takes 1.3 ms for 34.4 KB. An uncached
answer waits for its compression, so the fast settings win: brotli 3 first, gzip level 1
(459 KB in 29 ms; 12 % more than level 6 at a fifth of the time) for clients without brotli.
The response cache stores every variant ready-made (``encode_all``); ``Compression`` does the
rest (REST, misses of the cache, answers that are not stored) per response.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

import brotli
from anyio import to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: smaller bodies are sent as they are: the headers would cost more than the bytes saved
MIN_SIZE = 500
GZIP_LEVEL = 1
BROTLI_QUALITY = 3
#: in order of preference
ENCODINGS = ("br", "gzip")
#: bodies from this size on are compressed in a worker thread: brotli takes milliseconds
#: on a large answer (a long daily series), which the event loop must not wait for
OFF_LOOP_BYTES = 64_000
_COMPRESSIBLE = (b"application/json", b"text/", b"application/javascript", b"image/svg+xml")
#: suffix of a file's ready-made encoded copy (the client build writes them next to its assets)
SUFFIXES = {"br": ".br", "gzip": ".gz"}


@lru_cache(maxsize=256)
def accepted_encodings(accept_encoding: str) -> tuple[str, ...]:
    """The encodings of ``ENCODINGS`` the client accepts (``q=0`` refuses), in our order of
    preference. Memoised: clients send a handful of distinct headers, and this runs on every
    hit."""
    offered: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip().lower()] = quality
    return tuple(e for e in ENCODINGS if offered.get(e, offered.get("*", 0.0)) > 0)


def accepted_encoding(accept_encoding: str) -> str | None:
    """The preferred encoding the client accepts, or None for identity."""
    accepted = accepted_encodings(accept_encoding)
    return accepted[0] if accepted else None


def encode(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY))
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    raise ValueError(f"unknown encoding {encoding!r}")


def encode_all(body: bytes) -> dict[str, bytes]:
    """Every variant worth sending: identity always, each encoding when it saves bytes."""
    variants = {"identity": body}
    if len(body) >= MIN_SIZE:
        for encoding in ENCODINGS:
            variants[encoding] = encode(body, encoding)
    return variants


async def encode_all_off_loop(body: bytes) -> dict[str, bytes]:
    """``encode_all``, in a worker thread when the body is large."""
    if len(body) < OFF_LOOP_BYTES:
        return encode_all(body)
    return await to_thread.run_sync(encode_all, body)


async def encode_off_loop(body: bytes, encoding: str) -> bytes:
    """``encode``, in a worker thread when the body is large."""
    if len(body) < OFF_LOOP_BYTES:
        return encode(body, encoding)
    return await to_thread.run_sync(encode, body, encoding)


def accept_encoding_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return str(value.decode("latin-1"))
    return ""


def compressible_type(content_type: str) -> bool:
    return content_type.encode("latin-1").startswith(_COMPRESSIBLE)


def _compressible(headers: Headers) -> bool:
    if "content-encoding" in headers:
        return False
    return compressible_type(headers.get("content-type", ""))


class Compression:
    """Pure ASGI: compresses complete response bodies of compressible types.

    A streamed response (several body messages) is passed on untouched: its parts are sent
    as they come, which matters more for streams than their size.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoding = accepted_encoding(accept_encoding_of(scope))
        if encoding is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        passing = False

        async def compressing_send(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                if not _compressible(Headers(raw=message.get("headers", []))):
                    passing = True
                    await send(message)
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            passing = True
            body = message.get("body", b"")
            if message.get("more_body", False) or len(body) < MIN_SIZE:
                await send(start)
                await send(message)
                return
            compressed = await encode_off_loop(body, encoding)
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            headers["content-encoding"] = encoding
            headers["content-length"] = str(len(compressed))
            headers.add_vary_header("Accept-Encoding")
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": compressed})

        await self.app(scope, receive, compressing_send)
