"""A small REST surface under ``/api/v1`` (documented in ``/docs``) for scripts and curl."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from graphql_api.deps import DBDep, LoadersDep
from graphql_api.records import as_api
from graphql_api.services import indicators
from models.series_repository import SeriesMeta

router = APIRouter(prefix="/api/v1", tags=["indicators"])


# An indicator as GraphQL's ``Indicator`` serves it, plus ``last_ingested_at``: the fields are
# ``SeriesMeta``'s. (A comment, not a docstring: that would become the OpenAPI description.)
@dataclass(kw_only=True)
class IndicatorOut(SeriesMeta):
    pass


class ObservationsOut(BaseModel):
    """Columns, not rows: ``dates[i]`` goes with ``values[i]``."""

    id: str
    start: date | None
    end: date | None
    dates: list[date]
    values: list[float | None]


class ErrorOut(BaseModel):
    code: str
    message: str


ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "BAD_USER_INPUT"},
    404: {"model": ErrorOut, "description": "NOT_FOUND"},
}


@router.get("/indicators", summary="List indicators")
async def list_indicators(db: DBDep, loaders: LoadersDep) -> list[IndicatorOut]:
    return [as_api(IndicatorOut, m) for m in await indicators.list_indicators(db, loaders)]


@router.get("/indicators/{series_id}", summary="One indicator", responses=ERRORS)
async def get_indicator(series_id: str, loaders: LoadersDep) -> IndicatorOut:
    return as_api(IndicatorOut, await indicators.get_indicator(loaders, series_id))


@router.get(
    "/indicators/{series_id}/observations",
    summary="Observations of an indicator inside an inclusive date window",
    responses=ERRORS,
)
async def get_observations(
    series_id: str,
    loaders: LoadersDep,
    start: Annotated[date | None, Query(description="inclusive, ISO date")] = None,
    end: Annotated[date | None, Query(description="inclusive, ISO date")] = None,
) -> ObservationsOut:
    await indicators.get_indicator(loaders, series_id)
    cols = await indicators.observations(loaders, series_id, start, end)
    return ObservationsOut(id=series_id, start=start, end=end, dates=cols.dates, values=cols.values)
