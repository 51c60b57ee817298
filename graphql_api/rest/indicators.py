"""REST reads of indicators: the catalog, one indicator, its observations, statistics and
forecast. Each route calls the service function the GraphQL resolver of the same read calls."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass
from strawberry.types import get_object_definition

from graphql_api.deps import DBDep, LoadersDep
from graphql_api.errors import NotFoundError
from graphql_api.records import as_api
from graphql_api.rest.models import rest_model
from graphql_api.rest.params import (
    AggregationParam,
    End,
    FrequencyParam,
    MaxPoints,
    SeriesId,
    Start,
    TransformParam,
)
from graphql_api.rest_errors import ERRORS
from graphql_api.services import forecasts, indicators
from graphql_api.terms import Aggregation, Transform
from graphql_api.types.indicators import Indicator, Stats
from models.series_repository import SeriesMeta, SeriesStats

router = APIRouter(tags=["indicators"])

#: What each ``SeriesMeta`` field means, for OpenAPI: GraphQL's ``Indicator`` descriptions (one
#: text per field), plus ``last_ingested_at``, which only REST serves.
INDICATOR_FIELDS: dict[str, str] = {
    **{
        f.python_name: f.description or ""
        for f in get_object_definition(Indicator, strict=True).fields
        if f.python_name in {m.name for m in dataclasses.fields(SeriesMeta)}
    },
    "last_ingested_at": "When the pipeline last wrote the series (ISO 8601, UTC offset).",
}
if not all(INDICATOR_FIELDS.values()) or len(INDICATOR_FIELDS) != len(
    dataclasses.fields(SeriesMeta)
):
    raise LookupError("every SeriesMeta field needs a description (GraphQL's Indicator or here)")


def _describe(schema: dict[str, Any]) -> None:
    for name, prop in schema.get("properties", {}).items():
        prop["description"] = INDICATOR_FIELDS[name]


# The fields are ``SeriesMeta``'s (GraphQL's ``Indicator`` extends it too: one field list).
# A comment, not a docstring: that would replace the OpenAPI description below.
@dataclass(kw_only=True, config=ConfigDict(json_schema_extra=_describe))
class IndicatorOut(SeriesMeta):
    pass


IndicatorOut.__doc__ = "An indicator's metadata, as GraphQL's `Indicator` serves it."


class ObservationsOut(BaseModel):
    """Columns, not rows: `values[i]` is the value on `dates[i]`."""

    id: str = Field(description="FRED series id.")
    start: date | None = Field(description="Window start asked for (inclusive); null if open.")
    end: date | None = Field(description="Window end asked for (inclusive); null if open.")
    dates: list[date] = Field(description="Observation dates, ascending.")
    values: list[float | None] = Field(description="Value per date; null where FRED has none.")


StatsOut = rest_model(
    "StatsOut", SeriesStats, Stats, extra={"id": (str, "FRED series id, for example `DGS10`.")}
)


class ForecastOut(BaseModel):
    """The newest successful forecast of a series, as columns with 80 % and 95 % intervals."""

    series_id: str = Field(description="FRED series id.")
    run_id: str = Field(description="Forecast run that produced it; one run covers many series.")
    model: str = Field(description="Model used, for example `ETS(A,Ad,N)`.")
    created_at: datetime = Field(description="When the run started (ISO 8601, UTC offset).")
    dates: list[date] = Field(description="Forecast dates, after the last observation.")
    mean: list[float] = Field(description="Point forecast per date.")
    lower_80: list[float] = Field(description="Lower bound of the 80 % interval.")
    upper_80: list[float] = Field(description="Upper bound of the 80 % interval.")
    lower_95: list[float] = Field(description="Lower bound of the 95 % interval.")
    upper_95: list[float] = Field(description="Upper bound of the 95 % interval.")


@router.get("/indicators", summary="Every indicator in the catalog, ordered by id")
async def list_indicators(db: DBDep, loaders: LoadersDep) -> list[IndicatorOut]:
    return [as_api(IndicatorOut, m) for m in await indicators.list_indicators(db, loaders)]


@router.get("/indicators/{series_id}", summary="One indicator", responses=ERRORS)
async def get_indicator(series_id: SeriesId, loaders: LoadersDep) -> IndicatorOut:
    return as_api(IndicatorOut, await indicators.get_indicator(loaders, series_id))


@router.get(
    "/indicators/{series_id}/stats",
    summary="Sample statistics inside a window (full history when open)",
    response_model=StatsOut,
    responses=ERRORS,
)
async def get_stats(
    series_id: SeriesId, loaders: LoadersDep, start: Start = None, end: End = None
) -> Any:
    await indicators.get_indicator(loaders, series_id)
    return as_api(StatsOut, await indicators.stats(loaders, series_id, start, end), id=series_id)


@router.get(
    "/indicators/{series_id}/forecast",
    summary="The newest successful forecast, with 80 % and 95 % intervals",
    responses={
        **ERRORS,
        404: {"model": ERRORS[404]["model"], "description": "NOT_FOUND: unknown id or no forecast"},
    },
)
async def get_forecast(series_id: SeriesId, loaders: LoadersDep) -> ForecastOut:
    await indicators.get_indicator(loaders, series_id)
    found = await forecasts.forecast(loaders, series_id)
    if found is None:
        raise NotFoundError(f"No successful forecast covers {series_id!r}")
    return as_api(ForecastOut, found)


@router.get(
    "/indicators/{series_id}/observations",
    summary="Observations inside a window, in any units transform, aggregated, downsampled",
    description=(
        "The values come from dbt's marts: `mart_observation_transforms` for a transform at "
        "the series' own frequency, `mart_observations_resampled` for an aggregation to a "
        "coarser frequency (dated by period start). A transform of an aggregated series, "
        "which no mart holds, is computed as FRED does: aggregate first, then transform at "
        "the target frequency. `max_points` downsamples for charts, keeping each bucket's "
        "extremes. The same read as GraphQL's `Indicator.observations`."
    ),
    responses=ERRORS,
)
async def get_observations(
    series_id: SeriesId,
    loaders: LoadersDep,
    start: Start = None,
    end: End = None,
    transform: TransformParam = Transform.LEVEL,
    frequency: FrequencyParam = None,
    aggregation: AggregationParam = Aggregation.AVG,
    max_points: MaxPoints = None,
) -> ObservationsOut:
    cols = await indicators.observations(
        loaders, series_id, start, end, transform, frequency, aggregation, max_points
    )
    return as_api(ObservationsOut, cols, id=series_id, start=start, end=end)
