"""Box-Cox wrapper: fit any forecaster on a variance-stabilized scale, forecast back.

Many FRED series grow multiplicatively (prices, money, payrolls): their swings scale with
their level, which additive models get wrong in both directions. Fitting the inner model on
``w = boxcox(y, lambda)`` and transforming back fixes that without a multiplicative variant
of every model (FPP3 sections 3.1 and 5.6).

Lambda is the maximum-likelihood estimate under a random walk with drift on the
transformed scale (iid Gaussian first differences of ``w``, Jacobian included), bounded to
[-1, 2]. Not the textbook ``scipy.stats.boxcox`` MLE: that one makes the *histogram* of the
values look Gaussian, which for a trending series says nothing about its variance; on
exp(random walk) paths it scatters between about -1.2 and 0.3 instead of finding 0.

Back-transform: interval bounds are quantiles, and a monotone map keeps quantiles, so they
go through ``inv_boxcox`` as they are. The mean does not: the median of the back-transformed
forecast is ``inv_boxcox(mean_w)``, the mean is that times the bias adjustment
``1 + sigma_h^2 (1 - lambda) / (2 (lambda mean_w + 1)^2)``, where ``sigma_h`` is the inner
forecast sd read off the inner interval widths.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import boxcox, inv_boxcox

from forecasting.base import (
    DEFAULT_LEVELS,
    DatedForecaster,
    Forecaster,
    ModelFitError,
    SeriesSpec,
    checked_frame,
    z_value,
)

LAMBDA_BOUNDS: tuple[float, float] = (-1.0, 2.0)
#: Interval level used to read the inner forecast sd when the caller asks for none.
_SD_LEVEL = 80
MAX_NAME = 64


def _profile_loglik(lmbda: float, y: np.ndarray, log_y_sum: float) -> float:
    """Log-likelihood of lambda, sigma^2 profiled out, for iid Gaussian first differences of
    the transformed series (their mean is the drift)."""
    diffs = np.diff(boxcox(y, lmbda))
    var = float(np.var(diffs))
    if not np.isfinite(var) or var <= 0.0:
        return -np.inf
    return -0.5 * len(diffs) * np.log(var) + (lmbda - 1.0) * log_y_sum


def _negative_loglik(lmbda: float, y: np.ndarray, log_y_sum: float) -> float:
    value = _profile_loglik(lmbda, y, log_y_sum)
    return -value if np.isfinite(value) else np.inf


def estimate_lambda(y: np.ndarray) -> float:
    """MLE of lambda on ``LAMBDA_BOUNDS`` for a positive series (see the module doc)."""
    if len(y) < 3:
        raise ModelFitError(f"too short to estimate Box-Cox lambda: {len(y)} observations < 3")
    if np.ptp(y) == 0:
        raise ModelFitError("Box-Cox lambda is undefined for a constant series")
    # Scale-free: dividing by the geometric mean changes the likelihood by a constant only,
    # and keeps y^2 or 1/y far from overflow for series in the millions.
    scaled = y / np.exp(np.mean(np.log(y)))
    log_sum = float(np.sum(np.log(scaled[1:])))
    result = minimize_scalar(
        _negative_loglik,
        bounds=LAMBDA_BOUNDS,
        args=(scaled, log_sum),
        method="bounded",
        options={"xatol": 1e-4},
    )
    if not np.isfinite(result.fun):
        raise ModelFitError("Box-Cox lambda estimation failed: likelihood not finite")
    return float(np.clip(result.x, *LAMBDA_BOUNDS))


def back_transform(values: np.ndarray, lmbda: float) -> np.ndarray:
    """inv_boxcox with the transform's range respected: for lambda > 0 a value below -1/lambda
    is a quantile below zero, which on a positive series means 0."""
    w = np.asarray(values, dtype=float)
    if lmbda > 0:
        w = np.maximum(w, -1.0 / lmbda)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return np.asarray(inv_boxcox(w, lmbda), dtype=float)


def bias_adjusted_mean(mean_w: np.ndarray, sd_w: np.ndarray, lmbda: float) -> np.ndarray:
    """FPP3 5.6: the back-transformed mean, not the median the plain inverse gives."""
    base = lmbda * mean_w + 1.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        factor = 1.0 + sd_w**2 * (1.0 - lmbda) / (2.0 * base**2)
        return np.asarray(inv_boxcox(mean_w, lmbda) * factor, dtype=float)


def _label(lmbda: float | None, inner_name: str) -> str:
    head = "BoxCox(auto)" if lmbda is None else f"BoxCox({lmbda:.2f})"
    return f"{head}+{inner_name}"[:MAX_NAME]


class BoxCoxForecaster(DatedForecaster):
    """``inner`` fitted on the Box-Cox scale; ``lmbda=None`` estimates lambda at fit."""

    name = "BoxCox(auto)"

    def __init__(self, spec: SeriesSpec, *, inner: Forecaster, lmbda: float | None = None) -> None:
        inner_spec = getattr(inner, "spec", spec)
        if inner_spec != spec:
            raise ValueError(f"inner model is built on {inner_spec}, not on {spec}")
        if lmbda is not None and not LAMBDA_BOUNDS[0] <= lmbda <= LAMBDA_BOUNDS[1]:
            raise ValueError(f"lmbda must lie in {list(LAMBDA_BOUNDS)}, got {lmbda}")
        super().__init__(spec, inner=inner, lmbda=lmbda)
        self.inner = inner
        self.name = _label(lmbda, inner.name)
        self._lmbda: float | None = None

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self._lmbda = None
        if np.min(values) <= 0:
            raise ModelFitError(f"Box-Cox needs a positive series: minimum {np.min(values):g} <= 0")
        fixed = self.options["lmbda"]
        lmbda = estimate_lambda(values) if fixed is None else float(fixed)
        transformed = boxcox(values, lmbda)
        if not np.all(np.isfinite(transformed)):
            raise ModelFitError(f"Box-Cox transform with lambda {lmbda:.2f} overflowed")
        self.inner.fit(pd.Series(transformed, index=y.index, name=y.name))
        self._lmbda = lmbda
        self.name = _label(lmbda, self.inner.name)
        if fixed is None and min(abs(lmbda - b) for b in LAMBDA_BOUNDS) < 1e-3:
            self._add_note(f"Box-Cox lambda at the bound {lmbda:g} of {list(LAMBDA_BOUNDS)}")
        if self.inner.note:
            self._add_note(self.inner.note)
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        lmbda = self._fitted(self._lmbda)
        levels = sorted(set(level))
        inner = self.inner.predict(h, level=levels or [_SD_LEVEL])
        mean_w = inner["mean"].to_numpy(dtype=float)
        if lmbda > 0 and np.any(lmbda * mean_w + 1.0 <= 0):
            raise ModelFitError(f"{self.name}: the inner mean forecast falls below zero")
        data: dict[str, np.ndarray] = {}
        for lv in levels:
            data[f"lower_{lv}"] = back_transform(inner[f"lower_{lv}"].to_numpy(float), lmbda)
            data[f"upper_{lv}"] = back_transform(inner[f"upper_{lv}"].to_numpy(float), lmbda)
        mean = bias_adjusted_mean(mean_w, _inner_sd(inner), lmbda)
        frame = pd.DataFrame({"mean": _inside_bounds(mean, data), **data}, index=dates)
        self._check_finite(frame)
        if levels and np.any(frame[f"lower_{levels[-1]}"].to_numpy() <= 0):
            self._note_once("lower bound cut at 0: the inner interval leaves the Box-Cox range")
        return checked_frame(frame, self.name)

    def _note_once(self, text: str) -> None:
        if text not in (self.note or ""):
            self._add_note(text)

    def _check_finite(self, frame: pd.DataFrame) -> None:
        if not np.all(np.isfinite(frame.to_numpy(dtype=float))):
            raise ModelFitError(
                f"{self.name}: back-transform overflowed (the inner forecast leaves the range "
                f"of the Box-Cox transform)"
            )

    def params(self) -> dict[str, Any]:
        return {
            "lambda": self._fitted(self._lmbda),
            "lambda_estimated": self.options["lmbda"] is None,
            "inner": self.inner.params(),
        }

    def _freeze(self) -> dict[str, Any]:
        """Pinned lambda and a frozen inner; before any fit, a fresh copy of the inner so the
        two wrappers never share (and refit) one instance."""
        if self._lmbda is None:
            return {"inner": copy.deepcopy(self.inner), "lmbda": self.options["lmbda"]}
        return {"inner": self.inner.frozen(), "lmbda": self._lmbda}


def _inner_sd(inner: pd.DataFrame) -> np.ndarray:
    """Forecast sd on the transformed scale, averaged over the levels the inner model gave:
    exact for a Gaussian interval, a fair summary otherwise."""
    sds = []
    for col in inner.columns:
        if col.startswith("upper_"):
            lv = int(col.removeprefix("upper_"))
            width = inner[col].to_numpy(float) - inner[f"lower_{lv}"].to_numpy(float)
            sds.append(width / (2.0 * z_value(lv)))
    return np.mean(sds, axis=0) if sds else np.zeros(len(inner))


def _inside_bounds(mean: np.ndarray, bounds: dict[str, np.ndarray]) -> np.ndarray:
    """Keep lower <= mean <= upper. The bias adjustment can overshoot the narrowest interval
    when the transformed sd is large (the second-order expansion grows without bound), and
    for lambda > 1 it pulls the mean down; either way the interval is the better guide."""
    lowers = [b for col, b in bounds.items() if col.startswith("lower_")]
    uppers = [b for col, b in bounds.items() if col.startswith("upper_")]
    out = mean
    if lowers:
        out = np.maximum(out, np.max(lowers, axis=0))
    if uppers:
        out = np.minimum(out, np.min(uppers, axis=0))
    return out
