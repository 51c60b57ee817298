"""Rolling-origin backtest: how well each candidate model would have forecast this series.

Each model is fitted on ``y[:cutoff]`` and scored on the next ``horizon`` observations, for a
few cutoffs ``step`` apart, the last test window ending at the last observation. The first
(earliest) window fits the model as its factory builds it, so automatic choices (ETS spec,
ARIMA order, Box-Cox lambda) are made on the earliest training set only; later windows refit
``frozen()`` copies of that fit, which re-estimate parameters but choose nothing. No window
ever sees a value after its own cutoff, and later windows stay cheap.

A model failing in a window (any exception) is an outcome, not an error: the reason is kept
and the model simply cannot be ranked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from forecasting.base import DEFAULT_LEVELS, Forecaster, SeriesSpec
from forecasting.frequency import default_horizon
from forecasting.metrics import holdout_metrics

log = logging.getLogger(__name__)

#: Fewest training observations of any backtest window, whatever the season.
MIN_TRAIN_POINTS = 12
#: Full seasons the earliest training set must hold, so the seasonal naive yardstick (and
#: the MASE scale) has a season to repeat and a seasonal model a second one to learn from.
MIN_TRAIN_SEASONS = 2

Factory = Callable[[], Forecaster]


@dataclass(frozen=True)
class BacktestConfig:
    """How many windows, how far apart (default: one horizon) and how long each is scored
    (default: the frequency's forecast horizon)."""

    windows: int = 3
    step: int | None = None
    horizon: int | None = None

    def __post_init__(self) -> None:
        for name in ("windows", "step", "horizon"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"backtest {name} must be an integer >= 1, got {value!r}")


@dataclass(frozen=True)
class WindowScore:
    """One model on one backtest window: ``cutoff`` is the last training date."""

    cutoff: date
    n_train: int
    horizon: int
    metrics: dict[str, float | None]


@dataclass(frozen=True, eq=False)
class ModelBacktest:
    """Everything one candidate did in the backtest, window by window.

    ``frames`` are the forecasts of the scored windows (an ensemble is scored from them),
    ``first_fit`` the fitted earliest-window model (its name and params describe what was
    chosen), ``failure`` the reason the model stopped, naming the window.
    """

    label: str
    windows: tuple[WindowScore, ...]
    frames: tuple[pd.DataFrame, ...]
    first_fit: Forecaster | None
    failure: str | None
    cpu_seconds: float = 0.0

    def complete(self, n_windows: int) -> bool:
        return self.failure is None and len(self.windows) == n_windows


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """The backtest of every candidate on one series, plus what is needed to score any other
    forecast on the same windows (the ensemble)."""

    y: pd.Series
    spec: SeriesSpec
    horizon: int
    cutoffs: tuple[int, ...]
    models: dict[str, ModelBacktest] = field(default_factory=dict)

    @property
    def n_windows(self) -> int:
        return len(self.cutoffs)

    def score(self, window: int, frame: pd.DataFrame) -> WindowScore:
        """Metrics of ``frame`` (a predict() frame) on backtest window number ``window``."""
        return score_window(self.y, self.cutoffs[window], self.horizon, self.spec, frame)


def min_train(spec: SeriesSpec) -> int:
    """Fewest observations a backtest training set may have: two full seasons (the seasonal
    naive needs one to repeat and one to measure its own error), never under twelve."""
    return max(MIN_TRAIN_POINTS, MIN_TRAIN_SEASONS * (spec.season or 1))


def window_cutoffs(n: int, spec: SeriesSpec, config: BacktestConfig, horizon: int) -> list[int]:
    """Training-set lengths of the windows, earliest first (train = y[:c], test =
    y[c:c + horizon]). The last window ends at the last observation; windows whose training
    set would be shorter than ``min_train(spec)`` are dropped, so a short series gets fewer
    windows, possibly none."""
    if horizon < 1:
        raise ValueError(f"backtest horizon must be >= 1, got {horizon}")
    step = config.step or horizon
    floor = min_train(spec)
    cutoffs = [n - horizon - k * step for k in range(config.windows)]
    return sorted(c for c in cutoffs if c >= floor)


def seasonal_scale_lag(spec: SeriesSpec) -> int:
    """Lag of the naive forecast that scales MASE (``metrics.mase_scale`` drops to lag 1
    when the training set is too short for it)."""
    return spec.season or 1


def score_window(
    y: pd.Series, cutoff: int, horizon: int, spec: SeriesSpec, frame: pd.DataFrame
) -> WindowScore:
    train = y.to_numpy(dtype=float)[:cutoff]
    actual = y.to_numpy(dtype=float)[cutoff : cutoff + horizon]
    if len(frame) < len(actual):
        raise ValueError(f"forecast has {len(frame)} rows for {len(actual)} test points")
    metrics = holdout_metrics(actual, frame, train, seasonal_scale_lag(spec))
    mae = metrics["mae"]
    if mae is None or not np.isfinite(mae):
        raise ValueError("forecast holds non-finite values")
    return WindowScore(
        cutoff=pd.Timestamp(y.index[cutoff - 1]).date(),
        n_train=cutoff,
        horizon=len(actual),
        metrics=metrics,
    )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text if text else type(exc).__name__


def _run_model(
    label: str,
    factory: Factory,
    y: pd.Series,
    spec: SeriesSpec,
    cutoffs: Sequence[int],
    horizon: int,
    levels: Sequence[int],
) -> ModelBacktest:
    """Fit and score one model on every window, stopping at its first failure."""
    started = time.process_time()
    scores: list[WindowScore] = []
    frames: list[pd.DataFrame] = []
    first: Forecaster | None = None
    failure: str | None = None
    for k, cutoff in enumerate(cutoffs):
        try:
            model = factory() if first is None else first.frozen()
            model.fit(y.iloc[:cutoff])
            if first is None:
                first = model
            frame = model.predict(horizon, levels)
            scores.append(score_window(y, cutoff, horizon, spec, frame))
            frames.append(frame)
        except Exception as exc:  # any failure is the model's, recorded and not raised
            day = pd.Timestamp(y.index[cutoff - 1]).date()
            failure = f"backtest window {k + 1} (cutoff {day}): {_describe(exc)}"
            log.debug("%s failed: %s", label, failure, exc_info=True)
            break
    return ModelBacktest(
        label=label,
        windows=tuple(scores),
        frames=tuple(frames),
        first_fit=first,
        failure=failure,
        cpu_seconds=time.process_time() - started,
    )


def backtest(
    y: pd.Series,
    factories: Mapping[str, Factory],
    spec: SeriesSpec,
    config: BacktestConfig = BacktestConfig(),
    levels: Sequence[int] = DEFAULT_LEVELS,
) -> BacktestResult:
    """Backtest every factory (label -> zero-argument constructor) on ``y``, a prepared
    series. With no window (series too short) every model has an empty record."""
    horizon = config.horizon or default_horizon(spec.freq)
    cutoffs = tuple(window_cutoffs(len(y), spec, config, horizon))
    models = {
        label: _run_model(label, factory, y, spec, cutoffs, horizon, levels)
        for label, factory in factories.items()
    }
    return BacktestResult(y=y, spec=spec, horizon=horizon, cutoffs=cutoffs, models=models)
