"""The root ``Query``: entry points into the domain types of ``graphql_api.types``. Each field
calls one service function and converts its record; the rules live in the services."""

from __future__ import annotations

from datetime import date

import strawberry

from graphql_api.context import Info
from graphql_api.records import as_api
from graphql_api.services.correlations import correlation
from graphql_api.services.indicators import get_indicator, list_indicators
from graphql_api.types.correlations import Correlation
from graphql_api.types.indicators import Indicator


@strawberry.type
class Query:
    @strawberry.field(description="Every indicator in the catalog, ordered by id.")
    async def indicators(self, info: Info) -> list[Indicator]:
        ctx = info.context
        return [as_api(Indicator, m) for m in await list_indicators(ctx.db, ctx.loaders)]

    @strawberry.field(description="One indicator; NOT_FOUND error for an unknown id.")
    async def indicator(self, info: Info, id: strawberry.ID) -> Indicator:
        return as_api(Indicator, await get_indicator(info.context.loaders, id))

    @strawberry.field(description="Pairwise correlation of 2 to 20 indicators inside a window.")
    async def correlation(
        self,
        info: Info,
        ids: list[strawberry.ID],
        start: date | None = None,
        end: date | None = None,
    ) -> Correlation:
        return as_api(Correlation, await correlation(info.context.loaders, ids, start, end))

    @strawberry.field(description="Current data version; it changes after each pipeline stage.")
    async def data_version(self, info: Info) -> int:
        return await info.context.db.version()
