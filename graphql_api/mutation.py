"""The root ``Mutation``: operations that change something, each checked against the role."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from graphql_api.context import Info
from graphql_api.errors import BadUserInputError, ForbiddenError
from graphql_api.services.indicators import get_indicator
from graphql_api.services.refresh import Refresher
from models.accounts import ADMIN

MAX_REFRESH_IDS = 50


@strawberry.enum(description="Where a `refreshSeries` run executes.")
class PipelineRunner(Enum):
    PREFECT = strawberry.enum_value(
        "prefect", description="A flow run of the Prefect deployment (a Prefect API is set)."
    )
    WORKER = strawberry.enum_value(
        "worker", description="A background worker process of the API server."
    )


@strawberry.type(description="A pipeline run started by `refreshSeries`.")
class PipelineRun:
    run_id: strawberry.ID = strawberry.field(
        description=(
            "Id of this run: Prefect's flow-run id (runner PREFECT), or the worker's, whose "
            "log is `<data dir>/refresh/<runId>.log` on the server (runner WORKER)."
        )
    )
    runner: PipelineRunner = strawberry.field(description="Where the run executes.")
    series_ids: list[strawberry.ID] = strawberry.field(description="The series it refreshes.")
    started_at: datetime = strawberry.field(description="When the run started (UTC).")


@strawberry.type(description="Operations that change data; each needs a role that may.")
class Mutation:
    @strawberry.mutation(
        description=(
            "Admins only: start ingest → dbt build → forecast for these series now and "
            "return at once: a flow run of the Prefect deployment when the server has a "
            "Prefect API, else a background worker. `dataUpdated` announces each stage as it "
            "lands. FORBIDDEN for other roles, NOT_FOUND for an unknown id, CONFLICT while "
            "another worker refresh of this server runs (Prefect queues its runs), "
            "SERVICE_UNAVAILABLE when Prefect does not answer or lacks the deployment."
        )
    )
    async def refresh_series(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description=f"1 to {MAX_REFRESH_IDS} indicator ids."),
        ],
    ) -> PipelineRun:
        principal = info.context.principal
        if principal is None or not principal.may(ADMIN):
            raise ForbiddenError("refreshSeries needs the admin role")
        wanted = list(dict.fromkeys(str(i) for i in ids))
        if not 1 <= len(wanted) <= MAX_REFRESH_IDS:
            raise BadUserInputError(f"give 1 to {MAX_REFRESH_IDS} ids, not {len(wanted)}")
        for sid in wanted:
            await get_indicator(info.context.loaders, sid)  # NOT_FOUND for an unknown one
        request = info.context.request
        if request is None:
            raise RuntimeError("refreshSeries outside a request")
        refresher: Refresher = request.app.state.refresher
        run = await refresher.start(wanted)
        return PipelineRun(
            run_id=strawberry.ID(run.run_id),
            runner=PipelineRunner(run.runner),
            series_ids=[strawberry.ID(s) for s in run.series_ids],
            started_at=run.started_at,
        )
