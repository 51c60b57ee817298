"""Trends ("market movers"): each indicator's latest value and its changes over standard
horizons, read from dbt's ``mart_series_trends`` (definitions in its YAML), never recomputed.

One statement answers a whole request: ``trends`` reads every id at once and primes the
request's ``trend`` loader, which ``Indicator.trend`` shares.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql_api.db import RequestDB
from graphql_api.errors import unknown_indicator
from graphql_api.loaders import Loaders
from models import trend_repository
from models.trend_repository import SeriesTrend


async def trends(db: RequestDB, loaders: Loaders, ids: Sequence[str] | None) -> list[SeriesTrend]:
    """The trend of every catalog indicator (by id) or of ``ids`` in their order; NOT_FOUND
    for an id not in the catalog. An indicator without observations has a row of nulls."""
    if ids is None:
        rows = await db.run(trend_repository.trends, None)
        for sid, row in rows.items():
            loaders.trend.prime(sid, row)
        return list(rows.values())
    found = await loaders.trend.load_many(list(ids))
    out: list[SeriesTrend] = []
    for sid, maybe in zip(ids, found, strict=True):
        if maybe is None:
            raise unknown_indicator(sid)
        out.append(maybe)
    return out


async def trend(loaders: Loaders, series_id: str) -> SeriesTrend:
    """One indicator's trend (``Indicator.trend``); batched with every other in the request."""
    row = await loaders.trend.load(series_id)
    if row is None:
        raise unknown_indicator(series_id)
    return row
