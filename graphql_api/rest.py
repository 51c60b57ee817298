"""A small REST surface under ``/api/v1`` (documented in ``/docs``) for scripts and curl."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from graphql_api import services
from graphql_api.context import request_db
from graphql_api.db import RequestDB
from graphql_api.loaders import make_loaders
from models.series_repository import SeriesMeta

DB = Annotated[RequestDB, Depends(request_db)]

router = APIRouter(prefix="/api/v1", tags=["indicators"])


class IndicatorOut(BaseModel):
    id: str
    title: str
    units: str
    units_short: str
    frequency: str
    frequency_short: str
    seasonal_adjustment: str
    first_date: date | None
    last_date: date | None
    observation_count: int
    last_ingested_at: datetime | None

    @classmethod
    def of(cls, m: SeriesMeta) -> IndicatorOut:
        return cls(
            id=m.series_id,
            title=m.title,
            units=m.units,
            units_short=m.units_short,
            frequency=m.frequency,
            frequency_short=m.frequency_short,
            seasonal_adjustment=m.seasonal_adjustment,
            first_date=m.first_obs_date,
            last_date=m.last_obs_date,
            observation_count=m.n_obs,
            last_ingested_at=m.last_ingested_at,
        )


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
async def list_indicators(db: DB) -> list[IndicatorOut]:
    rows = await services.list_indicators(db, make_loaders(db))
    return [IndicatorOut.of(m) for m in rows]


@router.get("/indicators/{series_id}", summary="One indicator", responses=ERRORS)
async def get_indicator(series_id: str, db: DB) -> IndicatorOut:
    return IndicatorOut.of(await services.get_indicator(make_loaders(db), series_id))


@router.get(
    "/indicators/{series_id}/observations",
    summary="Observations of an indicator inside an inclusive date window",
    responses=ERRORS,
)
async def get_observations(
    series_id: str,
    db: DB,
    start: Annotated[date | None, Query(description="inclusive, ISO date")] = None,
    end: Annotated[date | None, Query(description="inclusive, ISO date")] = None,
) -> ObservationsOut:
    loaders = make_loaders(db)
    await services.get_indicator(loaders, series_id)
    cols = await services.observations(loaders, series_id, start, end)
    return ObservationsOut(id=series_id, start=start, end=end, dates=cols.dates, values=cols.values)
