"""The root ``Subscription``: ``dataUpdated`` pushes each data-version bump to the client.

The resolver only filters and converts; hearing bumps (Redis, the poll) and fanning them out
is ``graphql_api.events``. It holds no database handle while it waits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from graphql_api.context import Info
from models.version_events import VersionBump

UPDATE = (
    "One data-version bump: a pipeline stage (ingest, transform or forecast) committed new "
    "data. Refetch what you show (cached answers are keyed by the data version)."
)
VERSION = (
    "The data version this bump created: what `dataVersion` answers once the stage has "
    "committed. Strictly increasing within one subscription, not necessarily by 1 (a bump "
    "that touches none of `ids`, or one a slow client skipped, is not sent)."
)
SERIES_IDS = (
    "FRED series ids (as `Indicator.id`) whose data this bump changed, sorted, no "
    "duplicates. null: the stage does not know which (a dbt build rebuilds every mart); "
    "treat it as touching every indicator. An empty list: the stage bumped the version but "
    "changed no indicator's data; only subscriptions without `ids` receive it."
)
AT = (
    "When the stage recorded the bump: the timestamp of its `data_versions` row, taken as "
    "the stage writes it, just before committing, to the second; UTC, ISO 8601 with +00:00. "
    "Not the date of any observation, nor when this message was sent."
)
DATA_UPDATED = (
    "Pushes one `DataUpdate` each time a pipeline stage bumps the data version, on every API "
    "replica: at once through Redis pub/sub when `FREDPIPE_REDIS_URL` is set, and in any "
    "case within about `FREDPIPE_VERSION_POLL_SECONDS` through each process's poll (of the "
    "`data_versions` table on MySQL, of the sidecar file beside a DuckDB file). Served "
    "over the `graphql-transport-ws` websocket protocol at /graphql. Nothing is sent on "
    "subscribing: query `dataVersion` first to know where you start. A client that falls "
    "behind receives the newest updates and loses the oldest. The subscription holds no "
    "database connection while it waits."
)
IDS = (
    "Only updates whose `seriesIds` include one of these FRED series ids, plus every update "
    "whose `seriesIds` is null (series unknown). null or omitted: every update. An empty "
    "list: only the updates whose series are unknown."
)


@strawberry.type(description=UPDATE)
class DataUpdate:
    version: int = strawberry.field(description=VERSION)
    series_ids: list[strawberry.ID] | None = strawberry.field(description=SERIES_IDS)
    at: datetime = strawberry.field(description=AT)


def as_update(bump: VersionBump) -> DataUpdate:
    ids = None if bump.series_ids is None else [strawberry.ID(s) for s in bump.series_ids]
    return DataUpdate(version=bump.version, series_ids=ids, at=bump.at)


@strawberry.type(
    description="Live pushes over graphql-transport-ws on `/graphql` (see dataUpdated)."
)
class Subscription:
    @strawberry.subscription(description=DATA_UPDATED)
    async def data_updated(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID] | None, strawberry.argument(description=IDS)] = None,
    ) -> AsyncGenerator[DataUpdate, None]:
        wanted = None if ids is None else frozenset(str(i) for i in ids)
        async with info.context.feed.subscribe(wanted) as subscriber:
            async for bump in subscriber.updates():
                yield as_update(bump)
