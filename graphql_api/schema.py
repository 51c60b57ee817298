"""The Strawberry schema of ``docs/contracts.md`` (the React client's contract).

Series travel as columns (``dates``/``values`` lists): Strawberry's cost is per object and
per field, so a list of point objects would dominate every request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from graphql_api import services
from graphql_api.context import Context
from graphql_api.errors import mask_unexpected
from graphql_api.extensions import ResponseCache
from models.repository import ForecastColumns, SeriesMeta, SeriesStats

Info = strawberry.Info[Context, None]


@strawberry.type(description="A time series as parallel columns, ordered by date.")
class Series:
    dates: list[date]
    values: list[float | None]


@strawberry.type(description="Sample statistics of the observations inside a window.")
class Stats:
    count: int
    mean: float | None
    variance: float | None
    stddev: float | None
    min: float | None
    max: float | None
    start: date | None = strawberry.field(description="First observation date in the window.")
    end: date | None = strawberry.field(description="Last observation date in the window.")

    @classmethod
    def of(cls, s: SeriesStats) -> Stats:
        return cls(
            count=s.count,
            mean=s.mean,
            variance=s.variance,
            stddev=s.stddev,
            min=s.min,
            max=s.max,
            start=s.start,
            end=s.end,
        )


@strawberry.type(description="The newest successful forecast of a series, with intervals.")
class Forecast:
    run_id: strawberry.ID
    model: str
    created_at: datetime
    dates: list[date]
    mean: list[float]
    lower80: list[float]
    upper80: list[float]
    lower95: list[float]
    upper95: list[float]

    @classmethod
    def of(cls, f: ForecastColumns) -> Forecast:
        return cls(
            run_id=strawberry.ID(f.run_id),
            model=f.model,
            created_at=f.created_at,
            dates=f.dates,
            mean=f.mean,
            lower80=f.lower_80,
            upper80=f.upper_80,
            lower95=f.lower_95,
            upper95=f.upper_95,
        )


@strawberry.type(description="A FRED series with its metadata, data, statistics and forecast.")
class Indicator:
    id: strawberry.ID
    title: str
    units: str
    units_short: str
    frequency: str
    frequency_short: str
    seasonal_adjustment: str
    first_date: date | None
    last_date: date | None
    observation_count: int

    @classmethod
    def of(cls, m: SeriesMeta) -> Indicator:
        return cls(
            id=strawberry.ID(m.series_id),
            title=m.title,
            units=m.units,
            units_short=m.units_short,
            frequency=m.frequency,
            frequency_short=m.frequency_short,
            seasonal_adjustment=m.seasonal_adjustment,
            first_date=m.first_obs_date,
            last_date=m.last_obs_date,
            observation_count=m.n_obs,
        )

    @strawberry.field(description="Observations inside [start, end] (inclusive, open if null).")
    async def observations(
        self, info: Info, start: date | None = None, end: date | None = None
    ) -> Series:
        cols = await services.observations(info.context.loaders, self.id, start, end)
        return Series(dates=cols.dates, values=cols.values)

    @strawberry.field(description="Sample statistics inside [start, end]; full history if open.")
    async def stats(self, info: Info, start: date | None = None, end: date | None = None) -> Stats:
        return Stats.of(await services.stats(info.context.loaders, self.id, start, end))

    @strawberry.field(description="Null when no successful forecast covers the series.")
    async def forecast(self, info: Info) -> Forecast | None:
        found = await services.forecast(info.context.loaders, self.id)
        return None if found is None else Forecast.of(found)


@strawberry.type
class Correlation:
    ids: list[strawberry.ID]
    matrix: list[list[float | None]] = strawberry.field(
        description="Pearson on dates both series observe; null when fewer than 3 pairs."
    )
    counts: list[list[int]] = strawberry.field(description="Overlapping observations per pair.")
    start: date | None
    end: date | None


@strawberry.type
class Query:
    @strawberry.field(description="Every indicator in the catalog, ordered by id.")
    async def indicators(self, info: Info) -> list[Indicator]:
        ctx = info.context
        return [Indicator.of(m) for m in await services.list_indicators(ctx.db, ctx.loaders)]

    @strawberry.field(description="One indicator; NOT_FOUND error for an unknown id.")
    async def indicator(self, info: Info, id: strawberry.ID) -> Indicator:
        return Indicator.of(await services.get_indicator(info.context.loaders, id))

    @strawberry.field(description="Pairwise correlation of 2 to 20 indicators inside a window.")
    async def correlation(
        self,
        info: Info,
        ids: list[strawberry.ID],
        start: date | None = None,
        end: date | None = None,
    ) -> Correlation:
        r = await services.correlation(info.context.loaders, ids, start, end)
        return Correlation(
            ids=[strawberry.ID(i) for i in r.ids],
            matrix=r.matrix,
            counts=r.counts,
            start=r.start,
            end=r.end,
        )

    @strawberry.field(description="Current data version; it changes after each pipeline stage.")
    async def data_version(self, info: Info) -> int:
        return await info.context.db.version()


class FredpipeSchema(strawberry.Schema):
    """Masks unexpected errors (with a logged request id) for every execution path."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        ctx: Any = execution_context.context if execution_context else None
        mask_unexpected(errors, getattr(ctx, "request_id", None) or "unknown")


def build_schema() -> strawberry.Schema:
    return FredpipeSchema(query=Query, extensions=[ResponseCache])


schema = build_schema()
