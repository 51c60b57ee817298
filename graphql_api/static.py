"""Serve the built React client (``client/dist``) with an index.html fallback for its routes.

Vite names every file under ``assets/`` by a hash of its content, so those are cached by
browsers for a year (``immutable``); ``index.html`` and the other top-level files are
revalidated on each load (``no-cache``, with an ETag), so a new build is picked up at once.

Compressible files (JavaScript, CSS, HTML, SVG, JSON) are sent brotli- or gzip-encoded when
the client accepts it: the ready-made ``<file>.br`` / ``<file>.gz`` the client build writes
next to each asset when present (made once, at the best quality), else an encoding made on
the first request for that file in a worker thread and remembered for the life of the process
(the files of a build never change; ``EncodedFiles`` keys them by size and mtime anyway).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from graphql_api.compression import (
    MIN_SIZE,
    SUFFIXES,
    accepted_encodings,
    compressible_type,
    encode,
)

#: Paths the SPA fallback must never swallow: an unknown API path is a 404, not index.html.
RESERVED = ("api/", "graphql", "docs", "redoc", "openapi.json", "healthz")
#: Vite's output folder of content-hashed files
HASHED = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def cache_control(relative: str) -> str:
    return IMMUTABLE if relative.startswith(HASHED) else REVALIDATE


def media_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class EncodedFiles:
    """Encodings made on demand for files without a ready-made copy, one per file state."""

    def __init__(self) -> None:
        self._made: dict[tuple[Path, int, int, str], bytes] = {}

    async def get(self, path: Path, encoding: str) -> bytes:
        stat = path.stat()
        key = (path, stat.st_size, stat.st_mtime_ns, encoding)
        made = self._made.get(key)
        if made is None:
            made = await to_thread.run_sync(lambda: encode(path.read_bytes(), encoding))
            self._made[key] = made
        return made


async def send_file(request: Request, path: Path, relative: str, encoded: EncodedFiles) -> Response:
    """``path`` with the cache policy of ``relative`` and the best encoding the client takes."""
    kind = media_type(path)
    headers = {"Cache-Control": cache_control(relative)}
    if not compressible_type(kind) or path.stat().st_size < MIN_SIZE:
        return FileResponse(path, media_type=kind, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    accepted = accepted_encodings(request.headers.get("accept-encoding", ""))
    for encoding in accepted:
        ready = path.with_name(path.name + SUFFIXES[encoding])
        if ready.is_file():
            headers["Content-Encoding"] = encoding
            return FileResponse(ready, media_type=kind, headers=headers)
    if accepted:
        body = await encoded.get(path, accepted[0])
        headers["Content-Encoding"] = accepted[0]
        return Response(body, media_type=kind, headers=headers)
    return FileResponse(path, media_type=kind, headers=headers)


def mount_client(app: FastAPI, dist: Path) -> None:
    root = dist.resolve()
    index = root / "index.html"
    encoded = EncodedFiles()

    @app.get("/{path:path}", include_in_schema=False)
    async def client(path: str, request: Request) -> Response:
        if path.startswith(RESERVED):
            raise HTTPException(status_code=404, detail="Not Found")
        if path:
            candidate = (root / path).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return await send_file(request, candidate, path, encoded)
        return await send_file(request, index, "index.html", encoded)


def mount_pointer(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def pointer() -> JSONResponse:
        return JSONResponse(
            {
                "name": "fredpipe API",
                "graphql": "/graphql",
                "docs": "/docs",
                "health": "/healthz",
                "note": "build the client (client/dist) to serve the dashboard here",
            }
        )
