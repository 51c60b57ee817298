"""The baselines every other model must beat: naive, seasonal naive and drift.

They are also the end of every fallback chain: naive fits any series with one observation.
All three have the textbook random-walk forecast distributions (Hyndman & Athanasopoulos,
FPP3 section 5.5), Gaussian with the one-step error sd estimated from the in-sample
differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import pandas as pd

from forecasting.base import DEFAULT_LEVELS, DatedForecaster, ModelFitError, gaussian_frame


def _rms(values: np.ndarray, dof: int = 0) -> float:
    n = len(values) - dof
    return float(np.sqrt(np.sum(values**2) / n)) if n > 0 else 0.0


class NaiveForecaster(DatedForecaster):
    """Random walk: the last value, sd = sigma * sqrt(h)."""

    name = "naive"

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self._last = float(values[-1])
        self._sigma = _rms(np.diff(values))
        if len(values) < 3:
            self._add_note(f"only {len(values)} observation(s): interval width is unreliable")
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        steps = np.arange(1, h + 1, dtype=float)
        return gaussian_frame(
            dates, np.full(h, self._last), self._sigma * np.sqrt(steps), level, self.name
        )

    def params(self) -> dict[str, Any]:
        return {"sigma": self._sigma}


class SeasonalNaiveForecaster(DatedForecaster):
    """The value one season earlier; sd = sigma * sqrt(seasons ahead). The MASE yardstick."""

    name = "snaive"

    def fit(self, y: pd.Series) -> Self:
        m = self.spec.season
        self._last_date = None
        if not m:
            raise ModelFitError(f"frequency {self.spec.freq} has no season")
        if len(y) <= m:
            raise ModelFitError(f"too short for seasonal naive: {len(y)} observations <= {m}")
        values = self._remember(y)
        self._season = values[-m:].copy()
        self._sigma = _rms(values[m:] - values[:-m])
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        m = len(self._season)
        steps = np.arange(h)
        mean = self._season[steps % m]
        sd = self._sigma * np.sqrt(steps // m + 1.0)
        return gaussian_frame(dates, mean, sd, level, self.name)

    def params(self) -> dict[str, Any]:
        return {"season": len(self._season), "sigma": self._sigma}


class DriftForecaster(DatedForecaster):
    """Random walk with drift: the line from the first to the last observation, extended.
    sd_h = sigma * sqrt(h * (1 + h / (n - 1))) counts the drift's estimation error."""

    name = "drift"

    def fit(self, y: pd.Series) -> Self:
        self._last_date = None
        if len(y) < 3:
            raise ModelFitError(f"too short for drift: {len(y)} observations < 3")
        values = self._remember(y)
        n = len(values)
        diffs = np.diff(values)
        self._slope = float(diffs.mean())
        self._last = float(values[-1])
        self._sigma = _rms(diffs - self._slope, dof=1)
        self._n = n
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        steps = np.arange(1, h + 1, dtype=float)
        mean = self._last + self._slope * steps
        sd = self._sigma * np.sqrt(steps * (1 + steps / (self._n - 1)))
        return gaussian_frame(dates, mean, sd, level, self.name)

    def params(self) -> dict[str, Any]:
        return {
            "slope": self._slope,
            "slope_stderr": self._sigma / np.sqrt(self._n - 1),
            "sigma": self._sigma,
        }
