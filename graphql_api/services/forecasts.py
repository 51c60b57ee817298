"""Forecasts: the newest successful forecast of a series and why its model was chosen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graphql_api.loaders import Loaders
from models.forecast_repository import BacktestWindow, CandidateModel, ForecastColumns, RunSeries


async def forecast(loaders: Loaders, series_id: str) -> ForecastColumns | None:
    return await loaders.forecast.load(series_id)


@dataclass(frozen=True, slots=True)
class Selection:
    """Why a forecast's model was chosen: its run's candidates for the series."""

    key: RunSeries
    chosen: CandidateModel | None  # None when the run recorded no selected candidate
    spec: str
    candidates: list[CandidateModel]  # by rank, unranked last (see forecast_repository)


async def forecast_selection(loaders: Loaders, key: RunSeries, model: str) -> Selection:
    """The candidates of the run and series of a forecast whose points name ``model``. A run
    without candidate rows (older runs, or a writer that skipped them) still answers: no
    candidates, the points' model."""
    candidates = await loaders.candidates.load(key)
    chosen = next((c for c in candidates if c.selected), None)
    spec = chosen.spec if chosen is not None and chosen.spec else model
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
