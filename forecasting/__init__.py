"""Forecasts of FRED series: statistical models, per-series pipeline, runs and their storage.

"Models" in this package are statistical models (ETS, naive); the storage package is
``models`` and dbt models live in ``transforms/``. Only ``models`` is imported from here.
"""

from forecasting.estimators import ETSForecaster, Forecaster, ModelFitError, NaiveForecaster
from forecasting.frequency import (
    default_horizon,
    future_dates,
    infer_frequency,
    normalize_frequency,
)
from forecasting.history import UnknownSeriesError, load_history, load_series_info
from forecasting.pipeline import SeriesForecast, forecast_series
from forecasting.runner import ForecastReport, SeriesOutcome, run_forecasts
from forecasting.store import StoredForecast, latest_forecasts

__all__ = [
    "ETSForecaster",
    "ForecastReport",
    "Forecaster",
    "ModelFitError",
    "NaiveForecaster",
    "SeriesForecast",
    "SeriesOutcome",
    "StoredForecast",
    "UnknownSeriesError",
    "default_horizon",
    "forecast_series",
    "future_dates",
    "infer_frequency",
    "latest_forecasts",
    "load_history",
    "load_series_info",
    "normalize_frequency",
    "run_forecasts",
]
