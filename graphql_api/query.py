"""The root ``Query``: entry points into the domain types of ``graphql_api.types``. Each field
calls one service function and converts its record; the rules live in the services."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

import strawberry

from graphql_api.context import Info
from graphql_api.records import as_api
from graphql_api.services import trends as trend_service
from graphql_api.services.correlations import correlation
from graphql_api.services.indicators import get_indicator, list_indicators
from graphql_api.subscription import DataUpdate, as_update
from graphql_api.terms import CorrelationBasis
from graphql_api.types.correlations import Correlation
from graphql_api.types.indicators import END, START, Indicator
from graphql_api.types.trends import Trend
from models.versioning import latest_bump

IDS = "FRED series ids, e.g. `DGS10`; null: every indicator."
CORRELATION_IDS = "2 to 20 FRED series ids; the matrix rows and columns follow their order."
BASIS = "How two series' values are paired (see CorrelationBasis)."


@strawberry.type(
    description=(
        "Read entry points: indicators (metadata, observations in any units, aggregation, "
        "technicals, candles, statistics, forecast, trend), market movers, correlations and "
        "the data version. Many indicators in one request cost one SQL statement per mart "
        "and distinct set of arguments, however many there are."
    )
)
class Query:
    @strawberry.field(
        description=(
            "Every indicator in the catalog, ordered by id; or `ids` in their order (one "
            "statement for all of them). NOT_FOUND for an unknown id."
        )
    )
    async def indicators(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID] | None, strawberry.argument(description=IDS)] = None,
    ) -> list[Indicator]:
        ctx = info.context
        if ids is None:
            return [as_api(Indicator, m) for m in await list_indicators(ctx.db, ctx.loaders)]
        found = await asyncio.gather(*(get_indicator(ctx.loaders, i) for i in ids))
        return [as_api(Indicator, m) for m in found]

    @strawberry.field(description="One indicator; NOT_FOUND error for an unknown id.")
    async def indicator(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="FRED series id.")],
    ) -> Indicator:
        return as_api(Indicator, await get_indicator(info.context.loaders, id))

    @strawberry.field(
        description=(
            "Pairwise Pearson correlation of 2 to 20 indicators inside [start, end] (inclusive, "
            "open if null) on a basis (CorrelationBasis; MONTHLY by default, as "
            "mart_correlations). NOT_FOUND for an unknown id, BAD_USER_INPUT for fewer than 2 "
            "or more than 20 ids or start after end."
        )
    )
    async def correlation(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description=CORRELATION_IDS)],
        start: Annotated[date | None, strawberry.argument(description=START)] = None,
        end: Annotated[date | None, strawberry.argument(description=END)] = None,
        basis: Annotated[
            CorrelationBasis, strawberry.argument(description=BASIS)
        ] = CorrelationBasis.MONTHLY,
    ) -> Correlation:
        found = await correlation(info.context.loaders, ids, start, end, basis)
        return as_api(Correlation, found)

    @strawberry.field(
        description=(
            "Market movers: the latest value and its changes over standard horizons for every "
            "indicator (ordered by id), or for `ids` in their order; one row per indicator. "
            "NOT_FOUND for an unknown id."
        )
    )
    async def trends(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID] | None, strawberry.argument(description=IDS)] = None,
    ) -> list[Trend]:
        ctx = info.context
        return [as_api(Trend, t) for t in await trend_service.trends(ctx.db, ctx.loaders, ids)]

    @strawberry.field(
        description=(
            "The newest data-version bump: when a pipeline stage last committed new data and "
            "which series it changed (what `dataUpdated` pushed last). null before any stage "
            'has run. A dashboard\'s "data as of" time.'
        )
    )
    async def last_update(self, info: Info) -> DataUpdate | None:
        bump = await info.context.db.run(latest_bump)
        return None if bump is None else as_update(bump)

    @strawberry.field(description="Current data version; it changes after each pipeline stage.")
    async def data_version(self, info: Info) -> int:
        return await info.context.db.version()
