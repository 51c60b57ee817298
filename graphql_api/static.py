"""Serve the built React client (``client/dist``) with an index.html fallback for its routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, JSONResponse

#: Paths the SPA fallback must never swallow: an unknown API path is a 404, not index.html.
RESERVED = ("api/", "graphql", "docs", "redoc", "openapi.json", "healthz")


def mount_client(app: FastAPI, dist: Path) -> None:
    root = dist.resolve()
    index = root / "index.html"

    @app.get("/{path:path}", include_in_schema=False)
    async def client(path: str) -> FileResponse:
        if path.startswith(RESERVED):
            raise HTTPException(status_code=404, detail="Not Found")
        if path:
            candidate = (root / path).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})


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
