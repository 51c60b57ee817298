"""The standard Theta method (Assimakopoulos & Nikolopoulos 2000) on statsmodels' ThetaModel.

Hyndman & Billah (2003) showed it is simple exponential smoothing with a drift equal to half
the slope ``b0`` of a straight line fitted to the data, i.e. ARIMA(0,1,1) with drift; that is
why it forecasts well on the trending, noisy series FRED is full of at almost no cost.

Two things are done here rather than inside ``ThetaModel``:

- Deseasonalizing. As in the M3 competition version, a classical decomposition removes the
  season only when the lag-``m`` autocorrelation clears Bartlett's band. The test runs on the
  first differences, because on the levels of a trending series every lag is "significant",
  and is one-sided: a season makes the differences repeat (positive lag-``m`` correlation),
  while a negative one is what seasonal adjustment leaves behind in FRED's SA series.
  Doing it here keeps the adjusted series, so the innovation variance is estimated on the data
  the model actually forecasts (``ThetaResults.sigma2`` refits on the raw series, season
  included) and the intervals can be reseasonalized with the point forecast.
- The interval width. ``ThetaModelResults.prediction_intervals`` (statsmodels 0.14-0.15) uses
  ``sigma2 * (1 + (h-1) * (1 + (alpha-1)**2))``; the h-step error variance of SES with drift is
  ``sigma2 * (1 + (h-1) * alpha**2)`` (Hyndman & Billah 2003, section 3). On simulated SES data
  with alpha = 0.3 the statsmodels 80 % interval covered 97 % of outcomes, this one 79 %.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
from statsmodels.tsa.forecasting.theta import ThetaModel, ThetaModelResults
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import acf

from forecasting.base import (
    DEFAULT_LEVELS,
    DatedForecaster,
    ModelFitError,
    SeriesSpec,
    checked_frame,
    gaussian_frame,
)
from forecasting.frequency import MAX_STATE_SEASON

#: Fewest observations for a Theta fit; deseasonalizing also needs SEASONAL_CYCLES seasons.
MIN_OBS = 10
SEASONAL_CYCLES = 3

#: Weight of the long-run trend line: 2 is the standard Theta method (drift = b0 / 2).
THETA = 2.0

#: Normal quantile of the one-sided 5 % seasonality test (M3 used 1.645 two-sided).
SEASONALITY_Z = 1.6448536269514722

SeasonMethod = Literal["none", "add", "mul"]


@dataclass(frozen=True)
class _Season:
    """A classical decomposition's seasonal indices, one per position in the cycle."""

    method: Literal["add", "mul"]
    indices: np.ndarray

    def ahead(self, n_obs: int, h: int) -> np.ndarray:
        """Seasonal index of the ``h`` points after observation ``n_obs - 1``."""
        return self.indices[(n_obs + np.arange(h)) % len(self.indices)]


def _is_seasonal(values: np.ndarray, m: int) -> bool:
    """Whether the lag-``m`` autocorrelation of the differences is above Bartlett's band."""
    diffs = np.diff(values)
    if len(diffs) <= m or np.allclose(diffs, diffs[0]):
        return False
    rho = acf(diffs, nlags=m, fft=True)
    band = SEASONALITY_Z * np.sqrt((1.0 + 2.0 * np.sum(rho[1:m] ** 2)) / len(diffs))
    return bool(rho[m] > band)


def _decompose(
    values: np.ndarray, m: int, method: Literal["add", "mul"]
) -> tuple[np.ndarray, _Season]:
    """Seasonally adjusted values and the season (classical decomposition; on positive data
    the multiplicative indices are positive ratios, so dividing by them is safe)."""
    seasonal = np.asarray(seasonal_decompose(values, model=method, period=m).seasonal)
    adjusted = values / seasonal if method == "mul" else values - seasonal
    return adjusted, _Season(method, seasonal[:m].copy())


class ThetaForecaster(DatedForecaster):
    """Standard Theta (SES with drift b0/2), deseasonalized when the series has a significant
    season of at most ``MAX_STATE_SEASON`` observations over at least three seasons.

    ``deseasonalize`` pins that choice ("none", "add" or "mul"); ``None`` decides at fit
    (multiplicative for positive data) and ``frozen()`` pins what was decided.
    """

    name = "Theta"

    def __init__(self, spec: SeriesSpec, *, deseasonalize: SeasonMethod | None = None) -> None:
        if deseasonalize not in (None, "none", "add", "mul"):
            raise ValueError(
                f"Theta deseasonalize must be 'none', 'add', 'mul' or None, got {deseasonalize!r}"
            )
        super().__init__(spec, deseasonalize=deseasonalize)
        self._result: ThetaModelResults | None = None
        self._season: _Season | None = None
        self._sigma2 = float("nan")

    def _season_length(self, n: int) -> tuple[int | None, str | None]:
        """The period a decomposition may use, or None and the reason it may not."""
        m = self.spec.season
        if not m or m < 2:
            return None, f"frequency {self.spec.freq} has no season"
        if m > MAX_STATE_SEASON:
            return None, f"season of {m} > {MAX_STATE_SEASON}"
        if n < SEASONAL_CYCLES * m:
            return None, f"{n} observations < {SEASONAL_CYCLES} seasons of {m}"
        return m, None

    def _deseasonalized(self, values: np.ndarray) -> np.ndarray:
        """The series the Theta lines are fitted to; sets ``self._season`` when one is removed."""
        pinned = self.options["deseasonalize"]
        if pinned == "none":
            return values
        m, reason = self._season_length(len(values))
        if m is None:
            if pinned is not None:
                raise ModelFitError(f"cannot deseasonalize for Theta: {reason}")
            if reason and self.spec.season:
                self._add_note(f"not deseasonalized: {reason}")
            return values
        positive = bool(np.min(values) > 0)
        if pinned == "mul" and not positive:
            raise ModelFitError("multiplicative deseasonalizing needs strictly positive data")
        if pinned is None and not _is_seasonal(values, m):
            return values
        method: Literal["add", "mul"] = pinned or ("mul" if positive else "add")
        adjusted, self._season = _decompose(values, m, method)
        return adjusted

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self._result, self._season = None, None
        n = len(values)
        if n < MIN_OBS:
            raise ModelFitError(f"too short for Theta: {n} observations < {MIN_OBS}")
        adjusted = self._deseasonalized(values)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = ThetaModel(adjusted, deseasonalize=False).fit()
                sigma2 = float(result.sigma2)
            except Exception as exc:  # statsmodels raises many types; each is one reason
                raise ModelFitError(f"Theta fit failed: {type(exc).__name__}: {exc}") from exc
        fitted = np.asarray(result.params, dtype=float)
        if not (np.all(np.isfinite(fitted)) and np.isfinite(sigma2) and sigma2 >= 0):
            raise ModelFitError("Theta fit failed: non-finite parameters or variance")
        self._result, self._sigma2 = result, sigma2
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        result = self._fitted(self._result)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = np.asarray(result.forecast(h, theta=THETA), dtype=float)
        alpha = float(result.params["alpha"])
        sd = np.sqrt(self._sigma2 * (1.0 + np.arange(h) * alpha**2))
        frame = gaussian_frame(dates, mean, sd, level, self.name)
        return checked_frame(self._reseasonalize(frame), self.name)

    def _reseasonalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Put the season back on the mean and on every bound (a positive factor keeps the
        bounds' order and scales their width with the season)."""
        if self._season is None:
            return frame
        factors = self._season.ahead(self._n_obs, len(frame))[:, None]
        if self._season.method == "mul":
            return frame * factors
        return frame + factors

    def params(self) -> dict[str, Any]:
        result = self._fitted(self._result)
        b0 = float(result.params["b0"])
        return {
            "theta": THETA,
            "alpha": float(result.params["alpha"]),
            "b0": b0,
            "drift": b0 * (THETA - 1.0) / THETA,
            "sigma2": self._sigma2,
            "deseasonalized": self._season.method if self._season else None,
            "season": len(self._season.indices) if self._season else None,
        }

    def _freeze(self) -> dict[str, Any]:
        """Pin the deseasonalizing decision of the last fit (before any fit: as given)."""
        if self._result is None:
            return dict(self.options)
        return {"deseasonalize": self._season.method if self._season else "none"}
