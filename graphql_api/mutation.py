"""The root ``Mutation``: operations that change something, each checked against the role."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from anyio import to_thread

from graphql_api.context import Info
from graphql_api.errors import BadUserInputError, ForbiddenError
from graphql_api.services.indicators import get_indicator
from graphql_api.services.refresh import Refresher
from models.accounts import ADMIN

MAX_REFRESH_IDS = 50


@strawberry.type(description="A pipeline run started by `refreshSeries`.")
class PipelineRun:
    run_id: strawberry.ID = strawberry.field(
        description="Id of this run; its log is `<data dir>/refresh/<runId>.log` on the server."
    )
    series_ids: list[strawberry.ID] = strawberry.field(description="The series it refreshes.")
    started_at: datetime = strawberry.field(description="When the run started (UTC).")


@strawberry.type(description="Operations that change data; each needs a role that may.")
class Mutation:
    @strawberry.mutation(
        description=(
            "Admins only: start ingest → dbt build → forecast for these series now, in a "
            "background worker, and return at once. `dataUpdated` announces each stage as it "
            "lands. FORBIDDEN for other roles, NOT_FOUND for an unknown id, CONFLICT while "
            "another refresh of this server runs."
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
        run = await to_thread.run_sync(refresher.start, wanted)
        return PipelineRun(
            run_id=strawberry.ID(run.run_id),
            series_ids=[strawberry.ID(s) for s in run.series_ids],
            started_at=run.started_at,
        )
