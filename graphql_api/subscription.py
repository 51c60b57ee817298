"""The root ``Subscription``: ``dataUpdated`` pushes each data-version bump to the client.

The resolver only filters and converts; hearing bumps (Redis, the poll) and fanning them out
is ``graphql_api.events``. It holds no database handle while it waits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from graphql_api.context import Info
from models.version_events import VersionBump


@strawberry.type(
    description="A pipeline stage committed new data: refetch what you show (the data "
    "version keys every cached answer, so a refetch after this never sees stale data)."
)
class DataUpdate:
    version: int = strawberry.field(
        description="The new data version (as `dataVersion` now answers); strictly "
        "increasing within one subscription."
    )
    series_ids: list[strawberry.ID] | None = strawberry.field(
        description="The indicators whose data changed in this bump, sorted; null when the "
        "stage does not know (a dbt build): treat it as touching every indicator."
    )
    at: datetime = strawberry.field(description="When the stage committed it (UTC).")


def as_update(bump: VersionBump) -> DataUpdate:
    ids = None if bump.series_ids is None else [strawberry.ID(s) for s in bump.series_ids]
    return DataUpdate(version=bump.version, series_ids=ids, at=bump.at)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Pushes one `DataUpdate` each time a pipeline stage (ingest, transform, "
        "forecast) bumps the data version, on any API replica (over the `graphql-transport-ws` "
        "websocket protocol at /graphql). With `ids`, only updates that touch one of those "
        "indicators, plus those whose series are unknown. Nothing is sent on subscribing; a "
        "client that falls behind receives the newest updates and skips the oldest."
    )
    async def data_updated(
        self, info: Info, ids: list[strawberry.ID] | None = None
    ) -> AsyncGenerator[DataUpdate, None]:
        wanted = None if ids is None else frozenset(str(i) for i in ids)
        async with info.context.feed.subscribe(wanted) as subscriber:
            async for bump in subscriber.updates():
                yield as_update(bump)
