"""Indicator types: an indicator's metadata, its observations (in any units, aggregated,
downsampled) and statistics in a window, its technicals, candles and trailing-window
statistics, and its forecast.

Series travel as columns (``dates``/``values`` lists): Strawberry's cost is per object and
per field, so a list of point objects would dominate every request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from graphql_api.context import Info
from graphql_api.records import as_api
from graphql_api.services import forecasts, indicators, technicals
from graphql_api.services import trends as trend_service
from graphql_api.services.indicators import MAX_POINTS_LIMIT, MIN_POINTS
from graphql_api.terms import Aggregation, Frequency, Transform
from graphql_api.types.analytics import Candles, Technicals, WindowStats
from graphql_api.types.columns import DateColumn, FloatColumn
from graphql_api.types.forecasts import Forecast
from graphql_api.types.trends import Trend
from models.series_repository import SeriesMeta

START = "First date included; null: from the first observation."
END = "Last date included; null: to the last observation."
MAX_POINTS = f"At most this many points ({MIN_POINTS} to {MAX_POINTS_LIMIT}); null: all of them."
MAX_POINTS_ROWS = f"At most this many rows ({MIN_POINTS} to {MAX_POINTS_LIMIT}); null: all of them."
OBSERVATIONS_DESCRIPTION = """Observations inside [start, end] as columns.

`transform` converts the units (mart_observation_transforms, over the whole history, so the
window's first changes are defined). `frequency` aggregates to a coarser frequency by
`aggregation` (mart_observations_resampled): dates are period starts, a period is inside the
window when its first day is, and a period without observations is a null. `frequency` equal
to the native one means no aggregation (and `aggregation` is ignored); a finer one is a
BAD_USER_INPUT error.

`transform` with `frequency` is in no mart; the API computes it as FRED does: aggregate first,
then apply the transform at the target frequency over the aggregated series' whole history,
with the rules of Transform: x(t-1) is the previous period with a value, a year ago the latest
period with a value on or before the period start minus 12 months (364 days for WEEKLY),
n = 52, 12, 4 or 1 periods per year; ZSCORE and MINMAX over the aggregated history; INDEX100
against the native index's base observation.

`maxPoints` downsamples for a chart, by min/max per bucket (in the API, after the transform
and the aggregation): the first and the last point are kept; the m points between them are cut
into B buckets, bucket k (from 0) holding positions floor(k m / B) to floor((k + 1) m / B) - 1,
and each bucket keeps its first lowest value, its first highest value and its first null (so
every gap at least one bucket long stays a null). B starts at min((maxPoints - 2) / 2, m)
(rounded down); while 2 B plus the number of buckets holding both values and nulls exceeds
maxPoints - 2, B becomes min(B - 1, (maxPoints - 2 - that number) / 2). The result is a
subsequence of the series: at most maxPoints real points in date order, never averages."""


@strawberry.type(description="A time series as parallel columns, ordered by date.")
class Series:
    dates: DateColumn = strawberry.field(
        description="Dates, ascending: observation dates, or period starts when aggregated."
    )
    values: FloatColumn = strawberry.field(
        description="Value per date; null where undefined or where a period has no observation."
    )


@strawberry.type(description="Sample statistics of the observations inside a window.")
class Stats:
    count: int = strawberry.field(description="Observations (dates with a value) in the window.")
    mean: float | None = strawberry.field(description="Arithmetic mean; null without observations.")
    variance: float | None = strawberry.field(description="Sample variance (n - 1); null below 2.")
    stddev: float | None = strawberry.field(
        description="Sample standard deviation (n - 1); null below 2 observations."
    )
    min: float | None = strawberry.field(description="Smallest value; null without observations.")
    max: float | None = strawberry.field(description="Largest value; null without observations.")
    start: date | None = strawberry.field(description="First observation date in the window.")
    end: date | None = strawberry.field(description="Last observation date in the window.")


@strawberry.type(description="A FRED series with its metadata, data, statistics and forecast.")
class Indicator(SeriesMeta):
    """The fields are ``SeriesMeta``'s (shared with REST's ``IndicatorOut``)."""

    id: strawberry.ID = strawberry.field(description="FRED series id, e.g. `DGS10`.")
    title: str = strawberry.field(description="FRED's title of the series.")
    units: str = strawberry.field(
        description="Units of the stored values (LEVEL), as FRED names them, e.g. `Percent`."
    )
    units_short: str = strawberry.field(description="FRED's short form of `units`, e.g. `%`.")
    frequency: str = strawberry.field(
        description="Native frequency as FRED names it, e.g. `Daily`, `Monthly`."
    )
    frequency_short: str = strawberry.field(
        description="FRED's code of the native frequency: D, W, BW, M, Q, SA or A."
    )
    seasonal_adjustment: str = strawberry.field(
        description="FRED's seasonal adjustment, e.g. `Not Seasonally Adjusted`."
    )
    first_date: date | None = strawberry.field(
        description="Earliest observation date (latest vintage); null without observations."
    )
    last_date: date | None = strawberry.field(
        description="Latest observation date (latest vintage); null without observations."
    )
    observation_count: int = strawberry.field(
        description="Observations: dates with a value at the latest vintage (0 without any)."
    )
    last_ingested_at: strawberry.Private[datetime | None]  # REST only, for now

    @strawberry.field(description=OBSERVATIONS_DESCRIPTION)
    async def observations(
        self,
        info: Info,
        start: Annotated[date | None, strawberry.argument(description=START)] = None,
        end: Annotated[date | None, strawberry.argument(description=END)] = None,
        transform: Annotated[
            Transform | None, strawberry.argument(description="Units of the values.")
        ] = Transform.LEVEL,
        frequency: Annotated[
            Frequency | None,
            strawberry.argument(description="Aggregate to this frequency; null: native."),
        ] = None,
        aggregation: Annotated[
            Aggregation | None,
            strawberry.argument(description="How a period becomes one value, with frequency."),
        ] = Aggregation.AVG,
        max_points: Annotated[
            int | None,
            strawberry.argument(description=MAX_POINTS),
        ] = None,
    ) -> Series:
        cols = await indicators.observations(
            info.context.loaders,
            self.id,
            start,
            end,
            transform=transform or Transform.LEVEL,
            frequency=frequency,
            aggregation=aggregation or Aggregation.AVG,
            max_points=max_points,
        )
        return as_api(Series, cols)

    @strawberry.field(
        description=(
            "Moving averages, volatilities and Bollinger bands per observation inside "
            "[start, end] (mart_daily_technicals, computed over the whole history). Daily "
            "series only: BAD_USER_INPUT for any other. `maxPoints` keeps that many rows "
            "evenly spaced by position (row round(k (n - 1) / (maxPoints - 1)) for k = 0 .. "
            "maxPoints - 1, so the first and the last): the columns are trailing averages and "
            "deviations, smooth at a chart's resolution, and one set of rows serves them all."
        )
    )
    async def technicals(
        self,
        info: Info,
        start: Annotated[date | None, strawberry.argument(description=START)] = None,
        end: Annotated[date | None, strawberry.argument(description=END)] = None,
        max_points: Annotated[int | None, strawberry.argument(description=MAX_POINTS_ROWS)] = None,
    ) -> Technicals:
        cols = await technicals.technicals(info.context.loaders, self.id, start, end, max_points)
        return as_api(Technicals, cols)

    @strawberry.field(
        description=(
            "Open/high/low/close per WEEKLY or MONTHLY period whose first day is inside "
            "[start, end] (mart_candles). Daily series only; other series or frequencies: "
            "BAD_USER_INPUT."
        )
    )
    async def candles(
        self,
        info: Info,
        frequency: Annotated[
            Frequency | None, strawberry.argument(description="WEEKLY or MONTHLY candles.")
        ] = Frequency.MONTHLY,
        start: Annotated[date | None, strawberry.argument(description=START)] = None,
        end: Annotated[date | None, strawberry.argument(description=END)] = None,
    ) -> Candles:
        period = frequency or Frequency.MONTHLY
        cols = await technicals.candles(info.context.loaders, self.id, period, start, end)
        return as_api(Candles, cols)

    @strawberry.field(
        description=(
            "Statistics over the whole history and the last 1, 5 and 10 years "
            "(mart_series_window_stats), in that order; empty without observations."
        )
    )
    async def window_stats(self, info: Info) -> list[WindowStats]:
        rows = await indicators.window_stats(info.context.loaders, self.id)
        return [as_api(WindowStats, row) for row in rows]

    @strawberry.field(
        description=(
            "Sample statistics inside [start, end]; with both open, the whole history "
            "(mart_series_stats), otherwise computed in SQL over mart_observations' window."
        )
    )
    async def stats(
        self,
        info: Info,
        start: Annotated[date | None, strawberry.argument(description=START)] = None,
        end: Annotated[date | None, strawberry.argument(description=END)] = None,
    ) -> Stats:
        return as_api(Stats, await indicators.stats(info.context.loaders, self.id, start, end))

    @strawberry.field(description="Null when no successful forecast covers the series.")
    async def forecast(self, info: Info) -> Forecast | None:
        found = await forecasts.forecast(info.context.loaders, self.id)
        return None if found is None else as_api(Forecast, found)

    @strawberry.field(description="Latest value and changes over standard horizons (see Trend).")
    async def trend(self, info: Info) -> Trend:
        return as_api(Trend, await trend_service.trend(info.context.loaders, self.id))
