"""Indicators: the catalog, one indicator, its observations (any units transform, aggregated to
a coarser frequency, downsampled for a chart) and statistics in a window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial

import numpy as np

from graphql_api import downsample, units
from graphql_api.cancellation import run_off_loop
from graphql_api.db import RequestDB
from graphql_api.errors import BadUserInputError, check_window, unknown_indicator
from graphql_api.loaders import Loaders
from graphql_api.terms import (
    AGGREGATION_COLUMNS,
    FREQUENCY_CODES,
    TRANSFORM_COLUMNS,
    Aggregation,
    Frequency,
    Transform,
)
from models import series_repository
from models.analytics_repository import WindowStats
from models.calendar import FREQUENCIES
from models.series_repository import SeriesColumns, SeriesMeta, SeriesStats

#: ``max_points`` above this is no chart (50 years of business days are ~13,000 points).
MAX_POINTS_LIMIT = 100_000
MIN_POINTS = downsample.MIN_POINTS


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


def check_max_points(max_points: int | None) -> None:
    if max_points is not None and not MIN_POINTS <= max_points <= MAX_POINTS_LIMIT:
        raise BadUserInputError(
            f"maxPoints must be between {MIN_POINTS} and {MAX_POINTS_LIMIT}, got {max_points}"
        )


def aggregation_target(meta: SeriesMeta, frequency: Frequency | None) -> Frequency | None:
    """The frequency to aggregate ``meta``'s series to: None for no aggregation (none asked,
    or the native frequency); an error for a frequency finer than the native one, which
    ``mart_observations_resampled`` cannot (and FRED does not) produce."""
    if frequency is None:
        return None
    native, code = meta.frequency_short, FREQUENCY_CODES[frequency]
    if native == code:
        return None
    if native not in FREQUENCIES:
        raise BadUserInputError(
            f"{meta.id} has no native frequency ({native or 'none'}) to aggregate from"
        )
    if FREQUENCIES.index(code) < FREQUENCIES.index(native):
        raise BadUserInputError(
            f"{meta.id} is {meta.frequency.lower() or native}: it cannot be aggregated to the "
            f"finer frequency {frequency.name}"
        )
    return frequency


def _transformed_window(
    history: SeriesColumns,
    transform: Transform,
    frequency: Frequency,
    index_base: float | None,
    start: date | None,
    end: date | None,
    max_points: int | None,
) -> SeriesColumns:
    """Worker-thread step: the transform over the aggregated series' whole history, then the
    window, then the downsampling."""
    values = units.transform_aggregated(
        history.dates, history.values, transform, frequency, index_base
    )
    inside = [
        i
        for i, d in enumerate(history.dates)
        if (start is None or d >= start) and (end is None or d <= end)
    ]
    cols = SeriesColumns([history.dates[i] for i in inside], [values[i] for i in inside])
    return _downsampled(cols, max_points)


def _downsampled(cols: SeriesColumns, max_points: int | None) -> SeriesColumns:
    if max_points is None or len(cols.dates) <= max_points:
        return cols
    kept = downsample.keep(np.array(cols.values, dtype=float), max_points).tolist()
    return replace(cols, dates=[cols.dates[i] for i in kept], values=[cols.values[i] for i in kept])


async def observations(
    loaders: Loaders,
    series_id: str,
    start: date | None = None,
    end: date | None = None,
    transform: Transform = Transform.LEVEL,
    frequency: Frequency | None = None,
    aggregation: Aggregation = Aggregation.AVG,
    max_points: int | None = None,
) -> SeriesColumns:
    """The series inside [start, end] in ``transform``'s units, aggregated by ``aggregation``
    to ``frequency`` when that is coarser than the native one (dated by period start; a
    period is inside when its start is), at most ``max_points`` of them (``downsample``).

    Native values come from ``mart_observation_transforms`` (LEVEL is its ``value``, the rows
    and values of ``mart_observations``), aggregated ones from ``mart_observations_resampled``.
    Every value is a mart's except a transform of an aggregated series, which no mart holds:
    ``units.transform_aggregated`` applies it to ``mart_observations_resampled``, as FRED
    aggregates first and transforms at the target frequency. CPU work runs in a worker thread.
    """
    check_window(start, end)
    check_max_points(max_points)
    meta = await get_indicator(loaders, series_id)
    target = aggregation_target(meta, frequency)
    if target is None:
        cols = await loaders.transforms.load((series_id, TRANSFORM_COLUMNS[transform], start, end))
    else:
        code, column = FREQUENCY_CODES[target], AGGREGATION_COLUMNS[aggregation]
        if transform is not Transform.LEVEL:
            history = await loaders.resampled.load((series_id, code, column, None, None))
            base = None
            if transform is Transform.INDEX100:
                base = await loaders.index_bases.load(series_id)
            work = partial(
                _transformed_window, history, transform, target, base, start, end, max_points
            )
            return await run_off_loop(work)
        cols = await loaders.resampled.load((series_id, code, column, start, end))
    if max_points is None or len(cols.dates) <= max_points:
        return cols
    return await run_off_loop(_downsampled, cols, max_points)


async def stats(
    loaders: Loaders, series_id: str, start: date | None, end: date | None
) -> SeriesStats:
    check_window(start, end)
    return await loaders.stats.load((series_id, start, end))


async def window_stats(loaders: Loaders, series_id: str) -> list[WindowStats]:
    """``mart_series_window_stats``: full history, 1, 5 and 10 years back from the last
    observation, in that order; empty for a series without values."""
    await get_indicator(loaders, series_id)
    return await loaders.window_stats.load(series_id)
