"""The GraphQL context, built per request (HTTP or websocket) from the dependencies in
``graphql_api.deps``, and ``Info``, the one type resolvers take it through.

Over HTTP the context lives as long as its request, and so do its database handle and
DataLoaders. Over a websocket Strawberry builds one context for the whole connection, which
may stay open for hours; a handle living that long would hold the embedded DuckDB file and
block every pipeline write, and DataLoaders that long would serve stale data after a bump.
So a websocket context hands each operation a database handle and DataLoaders of its own,
opened by ``OperationScope`` when the operation starts and closed when it ends. Operations
run in tasks of their own, so a context variable tells concurrent operations apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import strawberry
from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension
from strawberry.fastapi import BaseContext

from graphql_api.auth.principal import Principal, principal_of
from graphql_api.cache import Cache
from graphql_api.db import RequestDB
from graphql_api.deps import (
    CacheDep,
    DBDep,
    FeedDep,
    LoadersDep,
    RequestIdDep,
    SettingsDep,
    new_db,
)
from graphql_api.events import VersionFeed
from graphql_api.loaders import Loaders, make_loaders
from models.settings import Settings


@dataclass(frozen=True, slots=True)
class _Operation:
    """The database handle and DataLoaders of one websocket operation."""

    context: Context
    db: RequestDB
    loaders: Loaders


_current: ContextVar[_Operation | None] = ContextVar("fredpipe_ws_operation", default=None)


class Context(BaseContext):
    """Settings, the database handle and DataLoaders (the request's, or over a websocket the
    operation's), the response cache, the data-version feed and the request id (logged with
    masked errors); Strawberry adds the request and response."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: RequestDB,
        loaders: Loaders,
        cache: Cache,
        request_id: str,
        feed: VersionFeed,
        open_db: Callable[[], RequestDB] | None = None,
        principal: Principal | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self._db = db
        self._loaders = loaders
        self.cache = cache
        self.request_id = request_id
        self.feed = feed
        #: set for websockets: how ``OperationScope`` opens each operation's handle
        self.open_db = open_db
        #: who the request acts for (``graphql_api.auth``): over HTTP set by the middleware,
        #: over a websocket by ``connection_init``
        self.principal = principal

    def _operation(self) -> _Operation:
        op = _current.get()
        if op is None or op.context is not self:
            raise RuntimeError("a websocket operation used the database outside its scope")
        return op

    @property
    def db(self) -> RequestDB:
        return self._db if self.open_db is None else self._operation().db

    @property
    def loaders(self) -> Loaders:
        return self._loaders if self.open_db is None else self._operation().loaders


Info = strawberry.Info[Context, None]


class OperationScope(SchemaExtension):
    """Opens a websocket operation's database handle and DataLoaders around the operation and
    closes them after it (a subscription that never reads the database opens nothing)."""

    async def on_operation(self) -> AsyncIterator[None]:
        ctx: Any = self.execution_context.context
        if not isinstance(ctx, Context) or ctx.open_db is None:
            yield
            return
        db = ctx.open_db()
        token = _current.set(_Operation(ctx, db, make_loaders(db)))
        try:
            yield
        finally:
            with suppress(ValueError):  # closed from another task: nothing left to reset
                _current.reset(token)
            await db.aclose()


async def get_context(
    connection: HTTPConnection,
    settings: SettingsDep,
    db: DBDep,
    loaders: LoadersDep,
    cache: CacheDep,
    request_id: RequestIdDep,
    feed: FeedDep,
) -> Context:
    """For a websocket, ``db`` (never opened) is replaced per operation by ``OperationScope``."""
    websocket = connection.scope["type"] == "websocket"
    return Context(
        settings=settings,
        db=db,
        loaders=loaders,
        cache=cache,
        request_id=request_id,
        feed=feed,
        open_db=(lambda: new_db(connection)) if websocket else None,
        principal=principal_of(connection.scope),
    )
