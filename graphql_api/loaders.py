"""Per-request DataLoaders: many indicators in one query cost one SQL statement per window.

A forecast's model selection is keyed by (run id, series id): the candidates of every
forecast in a request are one statement, their backtest windows another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from strawberry.dataloader import DataLoader

from graphql_api.db import RequestDB
from models import (
    analytics_repository,
    correlation_repository,
    forecast_repository,
    series_repository,
    trend_repository,
)
from models.analytics_repository import CandleColumns, TechnicalColumns, WindowStats
from models.correlation_repository import CorrelationInputs
from models.forecast_repository import BacktestWindow, CandidateModel, ForecastColumns, RunSeries
from models.series_repository import SeriesColumns, SeriesMeta, SeriesStats
from models.trend_repository import SeriesTrend

#: (series id, window start, window end); None means an open bound.
WindowKey = tuple[str, date | None, date | None]
#: (series ids, window start, window end, mart_correlations basis)
CorrelationKey = tuple[tuple[str, ...], date | None, date | None, str]
#: (series id, a mart column or period code, window start, window end)
ColumnWindowKey = tuple[str, str, date | None, date | None]
#: (series id, frequency code, aggregation column, window start, window end)
ResampleKey = tuple[str, str, str, date | None, date | None]
K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A ``DataLoader`` whose loads survive one of their awaiters being cancelled.

    Fields of one request share a loader's futures (``trend`` and ``trends`` ask for the same
    row). When a field fails and nulls its parent, graphql-core cancels the parent's pending
    siblings; an awaiter cancelled while it awaits a shared future would cancel that future
    too, and every other field awaiting it would see ``CancelledError`` and end the request
    with a 500. Each caller therefore awaits a shield of the shared future.
    """

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


@dataclass
class Loaders:
    meta: DataLoader[str, SeriesMeta | None]
    observations: DataLoader[WindowKey, SeriesColumns]
    stats: DataLoader[WindowKey, SeriesStats]
    forecast: DataLoader[str, ForecastColumns | None]
    candidates: DataLoader[RunSeries, list[CandidateModel]]
    backtests: DataLoader[RunSeries, list[BacktestWindow]]
    correlation_inputs: DataLoader[CorrelationKey, CorrelationInputs]
    trend: DataLoader[str, SeriesTrend | None]
    transforms: DataLoader[ColumnWindowKey, SeriesColumns]
    resampled: DataLoader[ResampleKey, SeriesColumns]
    index_bases: DataLoader[str, float | None]
    technicals: DataLoader[WindowKey, TechnicalColumns]
    candles: DataLoader[ColumnWindowKey, CandleColumns]
    window_stats: DataLoader[str, list[WindowStats]]


def _by_window(
    db: RequestDB,
    fetch: Callable[[sa.Connection, Sequence[str], date | None, date | None], dict[str, V]],
    missing: Callable[[], V],
) -> Callable[[list[WindowKey]], Awaitable[list[V]]]:
    async def load(keys: list[WindowKey]) -> list[V]:
        windows: dict[tuple[date | None, date | None], list[str]] = {}
        for sid, start, end in keys:
            windows.setdefault((start, end), []).append(sid)
        found: dict[WindowKey, V] = {}
        for (start, end), ids in windows.items():
            rows = await db.run(fetch, ids, start, end)
            found.update({(sid, start, end): val for sid, val in rows.items()})
        return [found[k] if k in found else missing() for k in keys]

    return load


def _by_arguments(
    db: RequestDB, fetch: Callable[..., dict[str, V]], missing: Callable[[], V]
) -> Callable[[list[tuple[Any, ...]]], Awaitable[list[V]]]:
    """Keys are (series id, *arguments): one ``fetch(conn, ids, *arguments)`` statement per
    distinct argument set, however many series ask for it."""

    async def load(keys: list[tuple[Any, ...]]) -> list[V]:
        groups: dict[tuple[Any, ...], list[str]] = {}
        for sid, *rest in keys:
            groups.setdefault(tuple(rest), []).append(sid)
        found: dict[tuple[Any, ...], V] = {}
        for arguments, ids in groups.items():
            rows = await db.run(fetch, ids, *arguments)
            found.update({(sid, *arguments): val for sid, val in rows.items()})
        return [found[k] if k in found else missing() for k in keys]

    return load


def _by_ids(
    db: RequestDB,
    fetch: Callable[[sa.Connection, Sequence[str]], Mapping[str, V]],
    missing: Callable[[], V],
) -> Callable[[list[str]], Awaitable[list[V]]]:
    """Keys are series ids: one ``fetch(conn, ids)`` statement for all of them."""

    async def load(ids: list[str]) -> list[V]:
        rows = await db.run(fetch, ids)
        return [rows[i] if i in rows else missing() for i in ids]

    return load


def _no_base() -> float | None:
    return None


def _no_windows() -> list[WindowStats]:
    return []


def _stats(
    conn: sa.Connection, ids: Sequence[str], start: date | None, end: date | None
) -> dict[str, SeriesStats]:
    """Open windows read dbt's full-history mart; bounded windows aggregate in SQL."""
    if start is None and end is None:
        return series_repository.full_history_stats(conn, ids)
    return series_repository.window_stats(conn, ids, start, end)


def _correlation_inputs(
    db: RequestDB,
) -> Callable[[list[CorrelationKey]], Awaitable[list[CorrelationInputs]]]:
    """Every correlation of a request on one basis (100 aliases over as many windows, say) is
    read once, for the union of their ids over a window covering all of theirs, and each is
    cut from it (``correlation_repository.within``): two statements per basis, however many
    series, pairs and windows."""

    async def load(keys: list[CorrelationKey]) -> list[CorrelationInputs]:
        groups: dict[str, list[CorrelationKey]] = {}
        for key in keys:
            groups.setdefault(key[3], []).append(key)
        read: dict[str, CorrelationInputs] = {}
        for basis, group in groups.items():
            ids = sorted({sid for key in group for sid in key[0]})
            start, end = correlation_repository.covering((k[1], k[2]) for k in group)
            read[basis] = await db.run(
                correlation_repository.correlation_inputs, ids, start, end, basis
            )
        return [
            correlation_repository.within(read[basis], ids, start, end)
            for ids, start, end, basis in keys
        ]

    return load


def make_loaders(db: RequestDB) -> Loaders:
    async def load_meta(ids: list[str]) -> list[SeriesMeta | None]:
        rows = await db.run(series_repository.get_series, ids)
        return [rows.get(i) for i in ids]

    async def load_forecast(ids: list[str]) -> list[ForecastColumns | None]:
        rows = await db.run(forecast_repository.latest_forecasts, ids)
        return [rows.get(i) for i in ids]

    async def load_candidates(keys: list[RunSeries]) -> list[list[CandidateModel]]:
        rows = await db.run(forecast_repository.forecast_candidates, keys)
        return [rows.get(k, []) for k in keys]

    async def load_trend(ids: list[str]) -> list[SeriesTrend | None]:
        rows = await db.run(trend_repository.trends, ids)
        return [rows.get(i) for i in ids]

    async def load_backtests(keys: list[RunSeries]) -> list[list[BacktestWindow]]:
        rows = await db.run(forecast_repository.forecast_backtest_windows, keys)
        return [rows.get(k, []) for k in keys]

    return Loaders(
        meta=SharedLoader(load_fn=load_meta),
        observations=SharedLoader(
            load_fn=_by_window(db, series_repository.observations, SeriesColumns)
        ),
        stats=SharedLoader(load_fn=_by_window(db, _stats, lambda: SeriesStats(count=0))),
        forecast=SharedLoader(load_fn=load_forecast),
        candidates=SharedLoader(load_fn=load_candidates),
        backtests=SharedLoader(load_fn=load_backtests),
        correlation_inputs=SharedLoader(load_fn=_correlation_inputs(db)),
        trend=SharedLoader(load_fn=load_trend),
        transforms=SharedLoader(
            load_fn=_by_arguments(db, analytics_repository.transformed, SeriesColumns)
        ),
        resampled=SharedLoader(
            load_fn=_by_arguments(db, analytics_repository.resampled, SeriesColumns)
        ),
        index_bases=SharedLoader(load_fn=_by_ids(db, analytics_repository.index_bases, _no_base)),
        technicals=SharedLoader(
            load_fn=_by_arguments(db, analytics_repository.technicals, TechnicalColumns)
        ),
        candles=SharedLoader(
            load_fn=_by_arguments(db, analytics_repository.candles, CandleColumns)
        ),
        window_stats=SharedLoader(
            load_fn=_by_ids(db, analytics_repository.window_stats, _no_windows)
        ),
    )
