"""Forecasting models ("models" in the statistical sense, not the ``models`` storage package).

Each follows the statsforecast-like house interface: ``fit(y) -> self`` on a date-indexed
series, then ``predict(h, level=(80, 95))`` returning a frame indexed by future ``date`` with
``mean`` and ``lower_<level>`` / ``upper_<level>`` columns. Both models here have Gaussian
forecast errors, so intervals are ``mean +/- z * sd_h``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Protocol, Self

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.frequency import future_dates, normalize_frequency, season_length

#: Fewest observations for a non-seasonal ETS fit; seasonal needs SEASONAL_CYCLES full seasons.
MIN_OBS_ETS = 10
SEASONAL_CYCLES = 3

DEFAULT_LEVELS: tuple[int, ...] = (80, 95)


class ModelFitError(RuntimeError):
    """A model could not be fitted to this series; the message is the reason we record."""


class Forecaster(Protocol):
    name: str
    note: str | None

    def fit(self, y: pd.Series) -> Self: ...

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame: ...


def interval_columns(levels: Sequence[int]) -> list[str]:
    cols = ["mean"]
    for lv in sorted(levels):
        cols += [f"lower_{lv}", f"upper_{lv}"]
    return cols


def gaussian_frame(
    dates: pd.DatetimeIndex, mean: np.ndarray, sd: np.ndarray, levels: Sequence[int]
) -> pd.DataFrame:
    """Frame of mean and symmetric normal intervals; ``sd`` is the h-step forecast error sd."""
    data: dict[str, np.ndarray] = {"mean": np.asarray(mean, dtype=float)}
    for lv in sorted(levels):
        if not 0 < lv < 100:
            raise ValueError(f"interval level must be in (0, 100), got {lv}")
        z = float(norm.ppf(0.5 + lv / 200.0))
        data[f"lower_{lv}"] = data["mean"] - z * sd
        data[f"upper_{lv}"] = data["mean"] + z * sd
    return pd.DataFrame(data, index=dates)


class _DatedForecaster:
    """Shared bookkeeping: remember the last date so predictions land on the right calendar."""

    name = "base"

    def __init__(self, freq: str, *, business_days: bool = True) -> None:
        self.freq = normalize_frequency(freq)
        self.business_days = business_days
        self.note: str | None = None
        self._last_date: pd.Timestamp | None = None
        self._n_obs = 0

    def _remember(self, y: pd.Series) -> np.ndarray:
        if not isinstance(y.index, pd.DatetimeIndex):
            raise TypeError("fit() needs a series indexed by dates")
        values = y.to_numpy(dtype=float)
        if len(values) == 0 or not np.all(np.isfinite(values)):
            raise ModelFitError("series is empty or holds non-finite values")
        self._last_date = pd.Timestamp(y.index[-1])
        self._n_obs = len(values)
        return values

    def _dates(self, h: int) -> pd.DatetimeIndex:
        if self._last_date is None:
            raise RuntimeError(f"{type(self).__name__}.predict() called before fit()")
        return future_dates(self._last_date, h, self.freq, business_days=self.business_days)


class NaiveForecaster(_DatedForecaster):
    """Random walk: the last value, with sd = sigma * sqrt(h), sigma the RMS of the one-step
    changes. The baseline every other model must beat, and the fallback when they fail."""

    name = "naive"

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self._last = float(values[-1])
        diffs = np.diff(values)
        self._sigma = float(np.sqrt(np.mean(diffs**2))) if len(diffs) else 0.0
        if len(diffs) < 2:
            self.note = f"only {len(values)} observation(s): interval width is unreliable"
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        steps = np.arange(1, h + 1, dtype=float)
        return gaussian_frame(dates, np.full(h, self._last), self._sigma * np.sqrt(steps), level)


class ETSForecaster(_DatedForecaster):
    """statsmodels ETS with additive errors and a damped additive trend, plus an additive
    season for monthly (12) and quarterly (4) data when at least three seasons are observed.

    Intervals are statsmodels' analytical ("exact") ETS prediction intervals.
    """

    def __init__(
        self, freq: str, *, business_days: bool = True, seasonal: bool = True, damped: bool = True
    ) -> None:
        super().__init__(freq, business_days=business_days)
        self.seasonal_periods = season_length(self.freq) if seasonal else None
        self.damped = damped
        self._fitted: object | None = None
        self.name = self._spec(self.seasonal_periods)

    def _spec(self, m: int | None) -> str:
        return f"ETS(A,{'Ad' if self.damped else 'A'},{'A' if m else 'N'})"

    def fit(self, y: pd.Series) -> Self:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        values = self._remember(y)
        n, m = len(values), self.seasonal_periods
        if n < MIN_OBS_ETS:
            raise ModelFitError(f"too short for ETS: {n} observations < {MIN_OBS_ETS}")
        if m and n < SEASONAL_CYCLES * m:
            self.note = f"no seasonal term: {n} observations < {SEASONAL_CYCLES} seasons of {m}"
            m = self.seasonal_periods = None
            self.name = self._spec(None)
        # A RangeIndex keeps statsmodels away from date-frequency inference; we date forecasts.
        endog = pd.Series(values, index=pd.RangeIndex(n))
        model = ETSModel(
            endog,
            error="add",
            trend="add",
            damped_trend=self.damped,
            seasonal="add" if m else None,
            seasonal_periods=m,
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                self._fitted = model.fit(disp=False)
            except Exception as exc:  # statsmodels raises many types; each is one reason
                raise ModelFitError(f"{self.name} fit failed: {type(exc).__name__}: {exc}") from exc
        if any("converge" in str(w.message).lower() for w in caught):
            self.note = "; ".join(filter(None, [self.note, "optimizer did not fully converge"]))
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        pred = self._fitted.get_prediction(start=self._n_obs, end=self._n_obs + h - 1)  # type: ignore[union-attr]
        mean = np.asarray(pred.predicted_mean, dtype=float)
        sd = np.sqrt(np.asarray(pred.forecast_variance, dtype=float))
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(sd))):
            raise ModelFitError(f"{self.name} produced non-finite forecasts")
        return gaussian_frame(dates, mean, sd, level)
