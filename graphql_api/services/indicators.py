"""Indicators: the catalog, one indicator, its observations and statistics in a window."""

from __future__ import annotations

from datetime import date

from graphql_api.db import RequestDB
from graphql_api.errors import check_window, unknown_indicator
from graphql_api.loaders import Loaders
from models import series_repository
from models.series_repository import SeriesColumns, SeriesMeta, SeriesStats


async def list_indicators(db: RequestDB, loaders: Loaders) -> list[SeriesMeta]:
    """Every indicator; primes the request's loader so nested fields need no second read."""
    rows = await db.run(series_repository.list_series)
    for meta in rows:
        loaders.meta.prime(meta.id, meta)
    return rows


async def get_indicator(loaders: Loaders, series_id: str) -> SeriesMeta:
    meta = await loaders.meta.load(series_id)
    if meta is None:
        raise unknown_indicator(series_id)
    return meta


async def observations(
    loaders: Loaders, series_id: str, start: date | None, end: date | None
) -> SeriesColumns:
    check_window(start, end)
    return await loaders.observations.load((series_id, start, end))


async def stats(
    loaders: Loaders, series_id: str, start: date | None, end: date | None
) -> SeriesStats:
    check_window(start, end)
    return await loaders.stats.load((series_id, start, end))
