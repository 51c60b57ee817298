"""The GraphQL context, built per request (HTTP or websocket) from the dependencies in
``graphql_api.deps``, and ``Info``, the one type resolvers take it through."""

from __future__ import annotations

import strawberry
from strawberry.fastapi import BaseContext

from graphql_api.cache import Cache
from graphql_api.db import RequestDB
from graphql_api.deps import CacheDep, DBDep, LoadersDep, RequestIdDep, SettingsDep
from graphql_api.loaders import Loaders
from models.settings import Settings


class Context(BaseContext):
    """Settings, the request's database handle and DataLoaders, the response cache and the
    request id (logged with masked errors); Strawberry adds the request and response."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: RequestDB,
        loaders: Loaders,
        cache: Cache,
        request_id: str,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.loaders = loaders
        self.cache = cache
        self.request_id = request_id


Info = strawberry.Info[Context, None]


async def get_context(
    settings: SettingsDep,
    db: DBDep,
    loaders: LoadersDep,
    cache: CacheDep,
    request_id: RequestIdDep,
) -> Context:
    return Context(settings=settings, db=db, loaders=loaders, cache=cache, request_id=request_id)
