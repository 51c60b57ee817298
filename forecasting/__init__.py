"""Forecasts of FRED series: statistical models, backtests, per-series pipeline, runs and storage.

"Models" in this package are statistical models (ETS, ARIMA, naive, ...); the storage package
is ``models`` and dbt models live in ``transforms/``. Only ``models`` is imported from here.
"""

from forecasting.backtest import BacktestConfig, BacktestResult, WindowScore, backtest
from forecasting.base import DEFAULT_LEVELS, Forecaster, ModelFitError, SeriesSpec
from forecasting.baselines import DriftForecaster, NaiveForecaster, SeasonalNaiveForecaster
from forecasting.candidates import LABELS as CANDIDATE_LABELS
from forecasting.candidates import candidate_models
from forecasting.frequency import default_horizon, future_dates
from forecasting.history import UnknownSeriesError, load_history, load_series_info
from forecasting.pipeline import (
    CandidateResult,
    ForecastConfig,
    NoObservationsError,
    SeriesForecast,
    forecast_series,
)
from forecasting.runner import ForecastReport, SeriesOutcome, run_forecasts
from forecasting.selection import ENSEMBLE, EnsembleForecaster, Selection, select

__all__ = [
    "CANDIDATE_LABELS",
    "DEFAULT_LEVELS",
    "ENSEMBLE",
    "BacktestConfig",
    "BacktestResult",
    "CandidateResult",
    "DriftForecaster",
    "EnsembleForecaster",
    "ForecastConfig",
    "ForecastReport",
    "Forecaster",
    "ModelFitError",
    "NaiveForecaster",
    "NoObservationsError",
    "SeasonalNaiveForecaster",
    "Selection",
    "SeriesForecast",
    "SeriesOutcome",
    "SeriesSpec",
    "UnknownSeriesError",
    "WindowScore",
    "backtest",
    "candidate_models",
    "default_horizon",
    "forecast_series",
    "future_dates",
    "load_history",
    "load_series_info",
    "run_forecasts",
    "select",
]
