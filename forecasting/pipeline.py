"""Forecast one series: prepare it, fit ETS, fall back to the naive model, score both.

Pure: data in, a ``SeriesForecast`` out. A model failing is an expected outcome with a
recorded reason, never an exception that would stop a run over many series.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from forecasting.estimators import (
    DEFAULT_LEVELS,
    ETSForecaster,
    Forecaster,
    ModelFitError,
    NaiveForecaster,
)
from forecasting.frequency import default_horizon, season_length
from forecasting.metrics import holdout_metrics
from forecasting.prepare import PreparedSeries, prepare_series
from forecasting.threads import single_threaded_blas

log = logging.getLogger(__name__)

#: The holdout is the last min(h, n // HOLDOUT_FRACTION) observations.
HOLDOUT_FRACTION = 5


class NoObservationsError(ValueError):
    """The series has no usable (finite) observation, so nothing can be forecast."""


@dataclass(frozen=True)
class CandidateResult:
    """One model tried on one series: holdout metrics and whether it was chosen."""

    model: str
    selected: bool
    metrics: dict[str, float | None] | None
    note: str | None


@dataclass(frozen=True)
class SeriesForecast:
    model: str
    frame: pd.DataFrame
    n_obs: int
    horizon: int
    fallback: bool
    note: str | None
    candidates: tuple[CandidateResult, ...]


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def _holdout(
    make: Callable[[], Forecaster], prep: PreparedSeries, h: int, level: Sequence[int]
) -> dict[str, float | None] | None:
    """Refit on all but the last k points and score the k-step forecast (k <= h)."""
    k = min(h, len(prep.values) // HOLDOUT_FRACTION)
    if k < 1:
        return None
    train, test = prep.values.iloc[:-k], prep.values.iloc[-k:]
    try:
        frame = make().fit(train).predict(k, level)
    except Exception:  # a candidate that cannot be scored simply has no metrics
        return None
    return holdout_metrics(test.to_numpy(), frame, train.to_numpy(), season_length(prep.freq) or 1)


def forecast_series(
    y: pd.Series,
    freq: str,
    h: int | None = None,
    level: Sequence[int] = DEFAULT_LEVELS,
    *,
    evaluate: bool = True,
) -> SeriesForecast:
    """Forecast ``y`` (values on a date index) ``h`` steps ahead on its own calendar."""
    with single_threaded_blas():
        return _forecast_series(y, freq, h, level, evaluate=evaluate)


def _forecast_series(
    y: pd.Series, freq: str, h: int | None, level: Sequence[int], *, evaluate: bool
) -> SeriesForecast:
    prep = prepare_series(y, freq)
    if prep.values.empty:
        raise NoObservationsError("no finite observations")
    horizon = default_horizon(prep.freq, h)

    def make_ets() -> ETSForecaster:
        return ETSForecaster(prep.freq, business_days=prep.business_days)

    def make_naive() -> NaiveForecaster:
        return NaiveForecaster(prep.freq, business_days=prep.business_days)

    ets, naive = make_ets(), make_naive()
    reason: str | None = None
    try:
        frame = ets.fit(prep.values).predict(horizon, level)
    except ModelFitError as exc:
        reason = str(exc)
    except Exception as exc:  # unexpected statsmodels failure: record, then fall back
        log.warning("ETS failed unexpectedly", exc_info=True)
        reason = f"{ets.name} failed: {type(exc).__name__}: {exc}"
    if reason is not None:
        frame = naive.fit(prep.values).predict(horizon, level)

    chosen: Forecaster = naive if reason else ets
    note = _join(*prep.notes, chosen.note, f"fallback to naive: {reason}" if reason else None)
    ets_metrics = _holdout(make_ets, prep, horizon, level) if evaluate and not reason else None
    naive_metrics = _holdout(make_naive, prep, horizon, level) if evaluate else None
    candidates = (
        CandidateResult(ets.name, not reason, ets_metrics, reason or note),
        CandidateResult(naive.name, bool(reason), naive_metrics, note if reason else None),
    )
    return SeriesForecast(
        model=chosen.name,
        frame=frame,
        n_obs=len(prep.values),
        horizon=horizon,
        fallback=bool(reason),
        note=note,
        candidates=candidates,
    )
