"""The forecaster interface every statistical model of this package implements.

"Models" here are statistical models (ETS, ARIMA, ...), not the ``models`` storage package.
The interface follows statsforecast: ``fit(y) -> self`` on a date-indexed series, then
``predict(h, level=(80, 95))`` returning a frame indexed by the ``h`` future dates of the
series' own calendar with ``mean`` and ``lower_<level>`` / ``upper_<level>`` columns.

Two extra methods serve the backtest and the stored run: ``params()`` reports what was
fitted (with standard errors where the model knows them) and ``frozen()`` returns an unfitted
copy whose automatic choices (ETS spec, ARIMA order, Box-Cox lambda, ...) are fixed to the
last fit's, so later backtest windows refit parameters only, never looking past their cutoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.frequency import future_dates
from models.calendar import normalize_frequency, seasonal_period, steps_per_year

DEFAULT_LEVELS: tuple[int, ...] = (80, 95)

_State = TypeVar("_State")


class ModelFitError(RuntimeError):
    """This model cannot be fitted to (or forecast) this series; the message is the reason
    we record before falling back to a simpler model."""


@dataclass(frozen=True)
class SeriesSpec:
    """The calendar a model works on: FRED frequency code, whether daily data steps in
    business days, and the seasonal period (None when the frequency has no season)."""

    freq: str
    business_days: bool = True
    season: int | None = None

    @classmethod
    def of(cls, freq: str, *, business_days: bool = True) -> SeriesSpec:
        code = normalize_frequency(freq)
        return cls(code, business_days, seasonal_period(code, business_days=business_days))

    @property
    def steps_per_year(self) -> float:
        """Scale of a time axis in years: a yearly rate reads the same at any series length."""
        return steps_per_year(self.freq, business_days=self.business_days)


class Forecaster(Protocol):
    name: str
    note: str | None

    def fit(self, y: pd.Series) -> Self: ...

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame: ...

    def params(self) -> dict[str, Any]: ...

    def frozen(self) -> Forecaster: ...


def interval_columns(levels: Sequence[int]) -> list[str]:
    cols = ["mean"]
    for lv in sorted(levels):
        cols += [f"lower_{lv}", f"upper_{lv}"]
    return cols


def z_value(level: int) -> float:
    """Two-sided standard normal quantile of a ``level`` % interval."""
    if not 0 < level < 100:
        raise ValueError(f"interval level must be in (0, 100), got {level}")
    return float(norm.ppf(0.5 + level / 200.0))


def gaussian_frame(
    dates: pd.DatetimeIndex,
    mean: np.ndarray,
    sd: np.ndarray,
    levels: Sequence[int],
    model: str = "model",
) -> pd.DataFrame:
    """Frame of mean and symmetric normal intervals; ``sd`` is the h-step forecast error sd.
    ``model`` names the model in the error raised for a non-finite or unordered frame."""
    data: dict[str, np.ndarray] = {"mean": np.asarray(mean, dtype=float)}
    sd = np.asarray(sd, dtype=float)
    for lv in sorted(levels):
        z = z_value(lv)
        data[f"lower_{lv}"] = data["mean"] - z * sd
        data[f"upper_{lv}"] = data["mean"] + z * sd
    return checked_frame(pd.DataFrame(data, index=dates), model)


def checked_frame(frame: pd.DataFrame, model: str) -> pd.DataFrame:
    """The frame itself when every value is finite and bounds are ordered; else a
    ``ModelFitError`` naming the model (so the series falls back instead of storing junk)."""
    values = frame.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise ModelFitError(f"{model} produced non-finite forecasts")
    mean = frame["mean"].to_numpy(dtype=float)
    for col in frame.columns:
        if col.startswith("lower_") and np.any(frame[col].to_numpy() > mean + 1e-9 * abs(mean)):
            raise ModelFitError(f"{model} produced a lower bound above the mean")
        if col.startswith("upper_") and np.any(frame[col].to_numpy() < mean - 1e-9 * abs(mean)):
            raise ModelFitError(f"{model} produced an upper bound below the mean")
    return frame


class DatedForecaster:
    """Shared bookkeeping: keep the spec, remember the last date so predictions land on the
    series' calendar, and rebuild an unfitted copy from the constructor options.

    Subclasses pass their own constructor options (everything but ``spec``) to
    ``super().__init__(spec, **options)``; ``frozen()`` calls ``type(self)(spec, **options)``
    after ``_freeze()`` has fixed the automatic choices of the last fit into the options.
    """

    name = "base"

    def __init__(self, spec: SeriesSpec, **options: Any) -> None:
        self.spec = spec
        self.options: dict[str, Any] = dict(options)
        self.note: str | None = None
        self._last_date: pd.Timestamp | None = None
        self._n_obs = 0

    def _remember(self, y: pd.Series) -> np.ndarray:
        self._last_date = None  # a failed fit leaves the model unfitted, never half-refitted
        if not isinstance(y.index, pd.DatetimeIndex):
            raise TypeError("fit() needs a series indexed by dates")
        values = y.to_numpy(dtype=float)
        if len(values) == 0 or not np.all(np.isfinite(values)):
            raise ModelFitError("series is empty or holds non-finite values")
        self.note = None
        self._last_date = pd.Timestamp(y.index[-1])
        self._n_obs = len(values)
        return values

    def _fitted(self, state: _State | None) -> _State:
        """``state``, what a successful fit left (a result, a lambda, a date), for predict()
        and params(); ``None`` means no fit succeeded yet, a programming error that every
        model reports the same way."""
        if state is None:
            raise RuntimeError(f"{type(self).__name__}.predict() called before fit() succeeded")
        return state

    def _dates(self, h: int) -> pd.DatetimeIndex:
        last = self._fitted(self._last_date)
        return future_dates(last, h, self.spec.freq, business_days=self.spec.business_days)

    def _add_note(self, text: str) -> None:
        self.note = f"{self.note}; {text}" if self.note else text

    def params(self) -> dict[str, Any]:
        return {}

    def _freeze(self) -> dict[str, Any]:
        """Constructor options that pin the last fit's automatic choices (default: none)."""
        return dict(self.options)

    def frozen(self) -> Self:
        return type(self)(self.spec, **self._freeze())
