"""Use cases behind the resolvers and REST handlers: validate, load through DataLoaders, compute.

Resolvers stay thin (argument plumbing and type conversion); the rules live here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from graphql_api.analytics import correlation_matrix
from graphql_api.db import RequestDB
from graphql_api.errors import BadUserInputError, check_window, unknown_indicator
from graphql_api.loaders import Loaders
from models import series_repository
from models.forecast_repository import BacktestWindow, CandidateModel, ForecastColumns, RunSeries
from models.series_repository import SeriesColumns, SeriesMeta, SeriesStats

MIN_CORRELATION_IDS = 2
MAX_CORRELATION_IDS = 20


@dataclass(frozen=True, slots=True)
class CorrelationResult:
    ids: list[str]
    matrix: list[list[float | None]]
    counts: list[list[int]]
    start: date | None
    end: date | None


async def list_indicators(db: RequestDB, loaders: Loaders) -> list[SeriesMeta]:
    rows = await db.run(series_repository.list_series)
    for meta in rows:
        loaders.meta.prime(meta.series_id, meta)
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


async def forecast(loaders: Loaders, series_id: str) -> ForecastColumns | None:
    return await loaders.forecast.load(series_id)


@dataclass(frozen=True, slots=True)
class Selection:
    """Why a forecast's model was chosen: its run's candidates for the series."""

    key: RunSeries
    chosen: CandidateModel | None  # None when the run recorded no selected candidate
    spec: str
    candidates: list[CandidateModel]  # by rank, unranked last (see forecast_repository)


async def forecast_selection(loaders: Loaders, fc: ForecastColumns) -> Selection:
    """The candidates of the run that produced ``fc``. A run without candidate rows (older
    runs, or a writer that skipped them) still answers: no candidates, the points' model."""
    key = (fc.run_id, fc.series_id)
    candidates = await loaders.candidates.load(key)
    chosen = next((c for c in candidates if c.selected), None)
    spec = chosen.spec if chosen is not None and chosen.spec else fc.model
    return Selection(key, chosen, spec, candidates)


async def backtest_windows(
    loaders: Loaders, key: RunSeries, model: str | None = None
) -> list[BacktestWindow]:
    """Backtest windows of one candidate (``model``) by cutoff, or of all of them."""
    windows = await loaders.backtests.load(key)
    return windows if model is None else [w for w in windows if w.model == model]


async def selection_windows(loaders: Loaders, selection: Selection) -> list[BacktestWindow]:
    """Every window of the run and series by cutoff, then in the candidates' (rank) order."""
    order = {c.model: i for i, c in enumerate(selection.candidates)}
    windows = await backtest_windows(loaders, selection.key)
    return sorted(windows, key=lambda w: (w.cutoff, order.get(w.model, len(order)), w.model))


async def backtest_horizon(loaders: Loaders, selection: Selection) -> int | None:
    """Points scored after a cutoff: the chosen model's longest window, else any model's."""
    windows = await backtest_windows(loaders, selection.key)
    if selection.chosen is not None:
        own = [w.horizon for w in windows if w.model == selection.chosen.model]
        if own:
            return max(own)
    return max((w.horizon for w in windows), default=None)


async def backtest_cutoffs(loaders: Loaders, selection: Selection) -> list[date]:
    return sorted({w.cutoff for w in await backtest_windows(loaders, selection.key)})


async def correlation(
    loaders: Loaders, ids: Sequence[str], start: date | None, end: date | None
) -> CorrelationResult:
    """Pairwise Pearson correlation; ``start``/``end`` echo the window asked for."""
    if not MIN_CORRELATION_IDS <= len(ids) <= MAX_CORRELATION_IDS:
        raise BadUserInputError(
            f"correlation needs between {MIN_CORRELATION_IDS} and {MAX_CORRELATION_IDS} ids, "
            f"got {len(ids)}"
        )
    check_window(start, end)
    metas = await loaders.meta.load_many(list(ids))
    for sid, meta in zip(ids, metas, strict=True):
        if meta is None:
            raise unknown_indicator(sid)
    cols = await asyncio.gather(*(loaders.observations.load((sid, start, end)) for sid in ids))
    matrix, counts = correlation_matrix([(c.dates, c.values) for c in cols])
    return CorrelationResult(list(ids), matrix, counts, start, end)
