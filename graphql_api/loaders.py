"""Per-request DataLoaders: many indicators in one query cost one SQL statement per kind of
read, and none for what the app's read memo (``graphql_api.read_memo``) already holds.

Windowed reads (observations, transforms, resampled series, technicals, candles, a window's
statistics, correlations) read whole histories and cut windows from them, so the memo serves
every window of a series from one read per data version.

A forecast's model selection is keyed by (run id, series id): the candidates of every
forecast in a request are one statement, their backtest windows another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from strawberry.dataloader import DataLoader

from graphql_api.db import RequestDB
from graphql_api.terms import TRANSFORM_COLUMNS, Transform
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
from models.series_repository import SeriesColumns, SeriesMeta, SeriesStats, window_of
from models.trend_repository import SeriesTrend

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

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
C = TypeVar("C", bound="DataclassInstance")


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


def _windowed(
    db: RequestDB, fetch: Callable[..., Mapping[str, C]], missing: Callable[[], C]
) -> Callable[[list[tuple[Any, ...]]], Awaitable[list[C]]]:
    """Keys are (series id, *arguments, window start, window end). Each series' whole history
    is read once per argument set, ``fetch(conn, ids, *arguments, None, None)`` (one statement
    for the ids the read memo does not hold), and every window is cut from it
    (``window_of``, the rows a read filtered on the same dates returns): a new window is a
    cut, not a read."""

    async def load(keys: list[tuple[Any, ...]]) -> list[C]:
        groups: dict[tuple[Any, ...], list[str]] = {}
        for sid, *rest in keys:
            groups.setdefault(tuple(rest[:-2]), []).append(sid)
        histories: dict[tuple[Any, ...], C] = {}
        for arguments, ids in groups.items():
            rows = await db.run_by_ids(fetch, ids, *arguments, None, None)
            histories.update({(sid, *arguments): val for sid, val in rows.items()})
        out: list[C] = []
        for sid, *rest in keys:
            history = histories.get((sid, *rest[:-2]))
            out.append(missing() if history is None else window_of(history, rest[-2], rest[-1]))
        return out

    return load


def _by_ids(
    db: RequestDB,
    fetch: Callable[[sa.Connection, Sequence[str]], Mapping[str, V]],
    missing: Callable[[], V],
) -> Callable[[list[str]], Awaitable[list[V]]]:
    """Keys are series ids: one ``fetch(conn, ids)`` statement for those not remembered."""

    async def load(ids: list[str]) -> list[V]:
        rows = await db.run_by_ids(fetch, ids)
        return [rows[i] if i in rows else missing() for i in ids]

    return load


def _none() -> None:
    return None


def _no_windows() -> list[WindowStats]:
    return []


LEVEL_COLUMN = TRANSFORM_COLUMNS[Transform.LEVEL]


def _stats(db: RequestDB) -> Callable[[list[WindowKey]], Awaitable[list[SeriesStats]]]:
    """Both bounds open: dbt's full-history mart (``mart_series_stats``). Otherwise the
    statistics of the window's observations (``stats_of``), cut from the whole history of
    LEVEL in ``mart_observation_transforms`` (the rows and values of ``mart_observations``),
    the read ``observations`` makes too."""

    async def load(keys: list[WindowKey]) -> list[SeriesStats]:
        full_ids = [sid for sid, start, end in keys if start is None and end is None]
        window_ids = [sid for sid, start, end in keys if start is not None or end is not None]
        full = await db.run_by_ids(series_repository.full_history_stats, full_ids)
        histories = await db.run_by_ids(
            analytics_repository.transformed, window_ids, LEVEL_COLUMN, None, None
        )
        out: list[SeriesStats] = []
        for sid, start, end in keys:
            if start is None and end is None:
                out.append(full.get(sid) or SeriesStats(count=0))
                continue
            history = histories.get(sid)
            out.append(
                SeriesStats(count=0)
                if history is None
                else series_repository.stats_of(window_of(history, start, end))
            )
        return out

    return load


def _correlation_inputs(
    db: RequestDB,
) -> Callable[[list[CorrelationKey]], Awaitable[list[CorrelationInputs]]]:
    """Every correlation of a request on one basis (100 aliases over as many windows, say)
    reads the whole history of the union of their ids once (remembered by the read memo for
    the next request) and each is cut from it (``correlation_repository.within``): two
    statements per basis, however many series, pairs and windows."""

    async def load(keys: list[CorrelationKey]) -> list[CorrelationInputs]:
        groups: dict[str, list[CorrelationKey]] = {}
        for key in keys:
            groups.setdefault(key[3], []).append(key)
        read: dict[str, CorrelationInputs] = {}
        for basis, group in groups.items():
            ids = sorted({sid for key in group for sid in key[0]})
            read[basis] = await db.run(
                correlation_repository.correlation_inputs, ids, None, None, basis
            )
        return [
            correlation_repository.within(read[basis], ids, start, end)
            for ids, start, end, basis in keys
        ]

    return load


def make_loaders(db: RequestDB) -> Loaders:
    async def load_candidates(keys: list[RunSeries]) -> list[list[CandidateModel]]:
        rows = await db.run(forecast_repository.forecast_candidates, keys)
        return [rows.get(k, []) for k in keys]

    async def load_backtests(keys: list[RunSeries]) -> list[list[BacktestWindow]]:
        rows = await db.run(forecast_repository.forecast_backtest_windows, keys)
        return [rows.get(k, []) for k in keys]

    return Loaders(
        meta=SharedLoader(load_fn=_by_ids(db, series_repository.get_series, _none)),
        stats=SharedLoader(load_fn=_stats(db)),
        forecast=SharedLoader(load_fn=_by_ids(db, forecast_repository.latest_forecasts, _none)),
        candidates=SharedLoader(load_fn=load_candidates),
        backtests=SharedLoader(load_fn=load_backtests),
        correlation_inputs=SharedLoader(load_fn=_correlation_inputs(db)),
        trend=SharedLoader(load_fn=_by_ids(db, trend_repository.trends, _none)),
        transforms=SharedLoader(
            load_fn=_windowed(db, analytics_repository.transformed, SeriesColumns)
        ),
        resampled=SharedLoader(
            load_fn=_windowed(db, analytics_repository.resampled, SeriesColumns)
        ),
        index_bases=SharedLoader(load_fn=_by_ids(db, analytics_repository.index_bases, _none)),
        technicals=SharedLoader(
            load_fn=_windowed(db, analytics_repository.technicals, TechnicalColumns)
        ),
        candles=SharedLoader(load_fn=_windowed(db, analytics_repository.candles, CandleColumns)),
        window_stats=SharedLoader(
            load_fn=_by_ids(db, analytics_repository.window_stats, _no_windows)
        ),
    )
