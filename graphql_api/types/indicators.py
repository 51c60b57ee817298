"""Indicator types: an indicator's metadata, its observations and statistics in a window,
and its forecast.

Series travel as columns (``dates``/``values`` lists): Strawberry's cost is per object and
per field, so a list of point objects would dominate every request.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from graphql_api.context import Info
from graphql_api.records import as_api
from graphql_api.services import forecasts, indicators
from graphql_api.services import trends as trend_service
from graphql_api.types.forecasts import Forecast
from graphql_api.types.trends import Trend
from models.series_repository import SeriesMeta


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


@strawberry.type(description="A FRED series with its metadata, data, statistics and forecast.")
class Indicator(SeriesMeta):
    """The fields are ``SeriesMeta``'s (shared with REST's ``IndicatorOut``)."""

    id: strawberry.ID
    last_ingested_at: strawberry.Private[datetime | None]  # REST only, for now

    @strawberry.field(description="Observations inside [start, end] (inclusive, open if null).")
    async def observations(
        self, info: Info, start: date | None = None, end: date | None = None
    ) -> Series:
        cols = await indicators.observations(info.context.loaders, self.id, start, end)
        return as_api(Series, cols)

    @strawberry.field(description="Sample statistics inside [start, end]; full history if open.")
    async def stats(self, info: Info, start: date | None = None, end: date | None = None) -> Stats:
        return as_api(Stats, await indicators.stats(info.context.loaders, self.id, start, end))

    @strawberry.field(description="Null when no successful forecast covers the series.")
    async def forecast(self, info: Info) -> Forecast | None:
        found = await forecasts.forecast(info.context.loaders, self.id)
        return None if found is None else as_api(Forecast, found)

    @strawberry.field(description="Latest value and changes over standard horizons (see Trend).")
    async def trend(self, info: Info) -> Trend:
        return as_api(Trend, await trend_service.trend(info.context.loaders, self.id))
