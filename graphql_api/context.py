"""Per-request context: settings, the request's database handle, DataLoaders and request id."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext

from graphql_api.cache import Cache
from graphql_api.db import RequestDB
from graphql_api.loaders import Loaders, make_loaders
from graphql_api.request_id import request_id_of
from models.settings import Settings


class Context(BaseContext):
    def __init__(self, settings: Settings, db: RequestDB, cache: Cache, request_id: str) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.cache = cache
        self.request_id = request_id
        self.loaders: Loaders = make_loaders(db)


async def request_db(request: Request) -> AsyncIterator[RequestDB]:
    """FastAPI dependency: a lazily opened connection, closed when the request ends."""
    db = RequestDB(request.app.state.engine, request.app.state.version_probe)
    try:
        yield db
    finally:
        await db.aclose()


async def get_context(connection: HTTPConnection) -> AsyncIterator[Context]:
    """Built for HTTP requests and websocket connections alike (subscriptions)."""
    state = connection.app.state
    db = RequestDB(state.engine, state.version_probe)
    try:
        yield Context(state.settings, db, state.cache, request_id_of(connection))
    finally:
        await db.aclose()
