"""FastAPI dependencies as ``Annotated`` aliases, for the REST routes and the GraphQL context.

FastAPI resolves a dependency once per request, so a route (or the GraphQL context) and
everything it asks for share one lazily opened database handle and one set of DataLoaders.
They take an ``HTTPConnection``, so websocket connections (subscriptions) get them too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from graphql_api.cache import Cache
from graphql_api.db import RequestDB
from graphql_api.events import VersionFeed
from graphql_api.loaders import Loaders, make_loaders
from graphql_api.request_id import request_id_of
from models.settings import Settings


def new_db(connection: HTTPConnection) -> RequestDB:
    """A database handle that opens its connection on first use (none until then)."""
    state = connection.app.state
    return RequestDB(state.engine, state.version_probe, state.read_memo)


async def request_db(connection: HTTPConnection) -> AsyncIterator[RequestDB]:
    """A connection opened on first use and closed when the request ends.

    A websocket lives for minutes or hours, so GraphQL over a websocket does not use this
    one (it would hold the DuckDB file and block every pipeline write while the socket is
    open): each of its operations gets a handle of its own (``graphql_api.context``).
    """
    db = new_db(connection)
    try:
        yield db
    finally:
        await db.aclose()


DBDep = Annotated[RequestDB, Depends(request_db)]


async def request_loaders(db: DBDep) -> Loaders:
    """Per-request DataLoaders over the request's database handle (never shared across
    requests: a loader caches what it loaded)."""
    return make_loaders(db)


async def app_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


async def response_cache(connection: HTTPConnection) -> Cache:
    cache: Cache = connection.app.state.cache
    return cache


async def request_id(connection: HTTPConnection) -> str:
    return request_id_of(connection)


async def version_feed(connection: HTTPConnection) -> VersionFeed:
    """The process's one data-version listener (``graphql_api.events``)."""
    feed: VersionFeed = connection.app.state.version_feed
    return feed


LoadersDep = Annotated[Loaders, Depends(request_loaders)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
CacheDep = Annotated[Cache, Depends(response_cache)]
RequestIdDep = Annotated[str, Depends(request_id)]
FeedDep = Annotated[VersionFeed, Depends(version_feed)]
