"""Global trend curves (linear, exponential, logistic) with Fourier seasonality, via lmfit.

A trend curve says where the series is heading in the long run; what it cannot say is how
far the series strays from the curve meanwhile. Those deviations are strongly autocorrelated
(a year above trend is followed by another), so the fit treats them as AR(1):

1. least squares of the curve (stage 1, lmfit with bounds) gives residuals and phi
   (bias-corrected: least squares on detrended residuals underestimates persistence);
2. the curve is refitted on Prais-Winsten whitened residuals with phi fixed (stage 2, a
   feasible GLS), so lmfit's covariance, and the standard errors in ``params()``, allow for
   the autocorrelation instead of pretending to have n independent points;
3. the forecast is the curve plus the last deviation decaying as phi^h; its variance is the
   AR(1) h-step variance plus the parameter uncertainty (curve and phi) by the delta method.

With a season and ``fourier=None``, K harmonics (0 up to 3 or season // 2) are chosen by
AICc of the exact AR(1) likelihood, so a harmonic is not kept merely for soaking up
autocorrelated wander. Curves whose best fit sits on a bound (a logistic that never
saturates, an exponential that would grow e^50-fold) raise ``ModelFitError``: the shape does
not suit the series.

Time ``x`` is in years since the first observation (steps / steps per year), so rates are
yearly and comparable between series of one frequency. Fourier terms use the step index:
sin/cos(2 pi k t / season).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import lmfit
import numpy as np
import pandas as pd
from scipy.special import expit

from forecasting.base import (
    DEFAULT_LEVELS,
    DatedForecaster,
    ModelFitError,
    SeriesSpec,
    gaussian_frame,
)

KINDS: tuple[str, ...] = ("linear", "exponential", "logistic")
#: Curve parameter names per kind, in the order the vector functions below use.
CURVE_PARAMS: dict[str, tuple[str, ...]] = {
    "linear": ("level", "slope"),
    "exponential": ("amplitude", "rate"),
    "logistic": ("capacity", "rate", "midpoint"),
}
#: Most Fourier pairs the automatic choice tries (more rarely pays on FRED data).
MAX_AUTO_FOURIER = 3
#: |phi| cap. Global curves on FRED levels leave deviations close to a random walk (phi
#: near 1): a low cap would pull forecasts back to the curve far too fast (CPI backtest MASE
#: 1.5 at 0.99, 0.9 at 0.999), while at 1 the Prais-Winsten first row, the only one pinning
#: the curve's level, would carry no weight at all.
PHI_LIMIT = 0.999
#: Largest one-step forecast sd from parameter uncertainty, in units of the noise sd.
MAX_PARAM_NOISE_RATIO = 3.0
#: Observations beyond the parameter count (curve + Fourier + phi + sigma) a fit needs.
SPARE_OBS = 4


# --- curve algebra ------------------------------------------------------------------------


def _trend(kind: str, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    if kind == "linear":
        return theta[0] + theta[1] * x
    if kind == "exponential":
        return theta[0] * np.exp(theta[1] * x)
    return theta[0] * expit(theta[1] * (x - theta[2]))


def _trend_gradient(kind: str, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d trend / d theta, one row per time point: the delta method's ingredient."""
    if kind == "linear":
        return np.column_stack([np.ones_like(x), x])
    if kind == "exponential":
        growth = np.exp(theta[1] * x)
        return np.column_stack([growth, theta[0] * x * growth])
    share = expit(theta[1] * (x - theta[2]))
    slope = theta[0] * share * (1.0 - share)
    return np.column_stack([share, slope * (x - theta[2]), -slope * theta[1]])


def fourier_basis(steps: np.ndarray, season: int | None, k: int) -> tuple[np.ndarray, list[str]]:
    """sin/cos columns of the first ``k`` harmonics. At k = season / 2 the sine vanishes on
    integer steps, so only the cosine is kept (else the covariance is singular)."""
    columns: list[np.ndarray] = []
    names: list[str] = []
    for j in range(1, k + 1):
        assert season is not None
        angle = 2.0 * np.pi * j * steps / season
        if 2 * j != season:
            columns.append(np.sin(angle))
            names.append(f"sin{j}")
        columns.append(np.cos(angle))
        names.append(f"cos{j}")
    if not columns:
        return np.zeros((len(steps), 0)), names
    return np.column_stack(columns), names


def _label(kind: str, k: int | None) -> str:
    return f"Curve({kind})" + (f"+Fourier({k})" if k else "")


def _ar1_phi(resid: np.ndarray) -> float:
    """AR(1) coefficient of the deviations, kept inside the stationary cap.

    Least squares on the residuals of a fitted trend is biased towards zero by about
    (2 + 4 phi) / n (the curve soaks up part of every slow swing); uncorrected, the
    persistence and so the interval width is underestimated (80 % intervals held 74 % at
    phi = 0.9, n = 150 in simulation), hence the first-order correction.
    """
    lagged = resid[:-1]
    denom = float(lagged @ lagged)
    phi = float(resid[1:] @ lagged) / denom if denom > 0 else 0.0
    phi += (2.0 + 4.0 * phi) / len(resid)
    return float(np.clip(phi, -PHI_LIMIT, PHI_LIMIT))


def _whiten(resid: np.ndarray, phi: float) -> np.ndarray:
    """Prais-Winsten innovations: iid N(0, sigma^2) when the deviations are AR(1)(phi)."""
    out = np.empty_like(resid)
    out[0] = resid[0] * np.sqrt(1.0 - phi * phi)
    out[1:] = resid[1:] - phi * resid[:-1]
    return out


# --- data the fit works on ----------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What a curve is, apart from its parameter values: enough to evaluate it anywhere."""

    kind: str
    season: int | None
    k: int
    spy: float
    names: tuple[str, ...]

    @property
    def n_curve(self) -> int:
        return len(CURVE_PARAMS[self.kind])

    def value(self, theta: np.ndarray, steps: np.ndarray) -> np.ndarray:
        basis, _ = fourier_basis(steps, self.season, self.k)
        return (
            _trend(self.kind, theta[: self.n_curve], steps / self.spy)
            + basis @ theta[self.n_curve :]
        )

    def gradient(self, theta: np.ndarray, steps: np.ndarray) -> np.ndarray:
        basis, _ = fourier_basis(steps, self.season, self.k)
        curve = _trend_gradient(self.kind, theta[: self.n_curve], steps / self.spy)
        return np.column_stack([curve, basis])


def _shape(kind: str, season: int | None, k: int, spy: float) -> _Shape:
    _, names = fourier_basis(np.zeros(1), season, k)
    return _Shape(kind, season, k, spy, (*CURVE_PARAMS[kind], *names))


@dataclass(frozen=True)
class _Data:
    """Everything one fit needs, built once per K (the basis is precomputed for speed)."""

    shape: _Shape
    x: np.ndarray
    y: np.ndarray
    basis: np.ndarray

    @classmethod
    def of(cls, shape: _Shape, y: np.ndarray) -> _Data:
        steps = np.arange(len(y), dtype=float)
        basis, _ = fourier_basis(steps, shape.season, shape.k)
        return cls(shape, steps / shape.spy, y, basis)

    @property
    def kind(self) -> str:
        return self.shape.kind

    @property
    def names(self) -> tuple[str, ...]:
        return self.shape.names

    @property
    def n_params(self) -> int:
        return len(self.shape.names)


@dataclass(frozen=True)
class _Fit:
    """A fitted curve: plain arrays only, so a fitted forecaster pickles cheaply."""

    shape: _Shape
    theta: np.ndarray
    covar: np.ndarray
    phi: float
    sigma: float
    aicc: float
    resid: np.ndarray


def _residual(params: lmfit.Parameters, data: _Data, phi: float) -> np.ndarray:
    """lmfit's objective: whitened deviations (plain ones when phi = 0)."""
    theta = np.array([params[name].value for name in data.names])
    resid = data.y - _model(data, theta)
    return _whiten(resid, phi) if phi else resid


def _jacobian(params: lmfit.Parameters, data: _Data, phi: float) -> np.ndarray:
    """Analytic Jacobian of ``_residual``: several times fewer evaluations than lmfit's
    finite differences, which is what keeps the K search inside the CPU budget."""
    theta = np.array([params[name].value for name in data.names])
    n_curve = len(CURVE_PARAMS[data.kind])
    jac = -np.column_stack([_trend_gradient(data.kind, theta[:n_curve], data.x), data.basis])
    if not phi:
        return jac
    out = np.empty_like(jac)
    out[0] = jac[0] * np.sqrt(1.0 - phi * phi)
    out[1:] = jac[1:] - phi * jac[:-1]
    return out


def _model(data: _Data, theta: np.ndarray) -> np.ndarray:
    n_curve = len(CURVE_PARAMS[data.kind])
    return _trend(data.kind, theta[:n_curve], data.x) + data.basis @ theta[n_curve:]


# --- starting values and bounds -----------------------------------------------------------


def _seasonal_coefs(data: _Data, trend: np.ndarray) -> np.ndarray:
    if data.basis.shape[1] == 0:
        return np.zeros(0)
    coefs, *_ = np.linalg.lstsq(data.basis, data.y - trend, rcond=None)
    return np.asarray(coefs)


def _linear_start(data: _Data) -> np.ndarray:
    design = np.column_stack([np.ones_like(data.x), data.x, data.basis])
    coefs, *_ = np.linalg.lstsq(design, data.y, rcond=None)
    return np.asarray(coefs)


def _exponential_start(data: _Data) -> np.ndarray:
    """Log-linear fit for the rate; then amplitude and seasonal terms are linear."""
    slope, intercept = np.polyfit(data.x, np.log(data.y), 1)
    growth = np.exp(slope * data.x)
    design = np.column_stack([growth, data.basis])
    coefs, *_ = np.linalg.lstsq(design, data.y, rcond=None)
    amplitude = coefs[0] if coefs[0] > 0 else np.exp(intercept)
    return np.concatenate([[amplitude, slope], coefs[1:]])


#: Lowest capacity relative to the highest smoothed level (see ``_top_level``): a logistic
#: must top out about where the data do, but noise around a saturated plateau scatters the
#: smoothed maximum above the true capacity, so a floor right at it would bias the fit.
CAPACITY_FLOOR = 0.9
#: Slowest logistic: its logit moves this much over the whole sample (a straight line).
MIN_LOGIT_CHANGE = 0.05


def _top_level(y: np.ndarray) -> float:
    """Highest level of a short moving average: the observed max without its noisiest peak."""
    width = max(3, len(y) // 20)
    if len(y) <= width:
        return float(np.mean(y))
    return float(np.max(np.convolve(y, np.ones(width) / width, mode="valid")))


def _logistic_start(data: _Data) -> np.ndarray:
    """Linearize logit(y / C) for a few trial capacities; keep the best-fitting trial."""
    top = _top_level(data.y)
    best: tuple[float, np.ndarray] | None = None
    for factor in (1.0, 1.05, 1.15, 1.4, 2.0, 3.0, 6.0):
        capacity = top * factor
        share = np.clip(data.y / capacity, 1e-6, 1.0 - 1e-6)
        rate, intercept = np.polyfit(data.x, np.log(share / (1.0 - share)), 1)
        if rate <= 0:
            continue
        curve = np.array([capacity, rate, -intercept / rate])
        trend = _trend("logistic", curve, data.x)
        seasonal = _seasonal_coefs(data, trend)
        sse = float(np.sum((data.y - trend - data.basis @ seasonal) ** 2))
        if best is None or sse < best[0]:
            best = (sse, np.concatenate([curve, seasonal]))
    if best is None:
        raise ModelFitError("Curve(logistic) needs a rising series: no trial capacity fits")
    return best[1]


def _bounds(data: _Data) -> list[tuple[float, float]]:
    """Keep the optimizer among curves that make sense for this series (per curve param)."""
    kind, x, y, spy = data.kind, data.x, data.y, data.shape.spy
    span = max(float(x[-1] - x[0]), 1.0 / spy)
    if kind == "linear":
        return [(-np.inf, np.inf), (-np.inf, np.inf)]
    if kind == "exponential":
        # Over the sample the curve may grow or shrink e^50-fold at most: beyond that the
        # extrapolation overflows long before the fit means anything.
        return [(0.0, np.inf), (-50.0 / span, 50.0 / span)]
    return [
        (CAPACITY_FLOOR * _top_level(y), 100.0 * float(np.max(y))),
        (MIN_LOGIT_CHANGE / span, 20.0 * spy),
        (float(x[0]) - 2.0 * span, float(x[-1]) + 3.0 * span),
    ]


def _start(data: _Data) -> np.ndarray:
    if data.kind == "linear":
        return _linear_start(data)
    if data.kind == "exponential":
        return _exponential_start(data)
    return _logistic_start(data)


def _parameters(data: _Data, theta: np.ndarray) -> lmfit.Parameters:
    n_curve = len(CURVE_PARAMS[data.kind])
    bounds = _bounds(data)
    bounds += [(-np.inf, np.inf)] * (data.n_params - n_curve)
    params = lmfit.Parameters()
    for name, value, (low, high) in zip(data.names, theta, bounds, strict=True):
        params.add(name, value=_inside(float(value), low, high), min=low, max=high)
    return params


def _inside(value: float, low: float, high: float) -> float:
    """A start strictly inside its bounds: lmfit's bound transform is flat on the edge."""
    if not np.isfinite(value):
        value = 0.0 if low < 0 < high else (low if np.isfinite(low) else high)
    width = high - low
    pad = 1e-6 * (width if np.isfinite(width) else max(abs(value), 1.0))
    return float(np.clip(value, low + pad, high - pad))


# --- fitting ------------------------------------------------------------------------------


def _minimize(data: _Data, params: lmfit.Parameters, phi: float) -> lmfit.minimizer.MinimizerResult:
    label = _label(data.kind, None)
    try:
        result = lmfit.minimize(
            _residual, params, args=(data, phi), method="leastsq", Dfun=_jacobian
        )
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        raise ModelFitError(f"lmfit failed on {label}: {exc}") from exc
    if not result.success:
        raise ModelFitError(f"lmfit did not converge on {label}: {result.message}")
    return result


def _values(result: lmfit.minimizer.MinimizerResult, names: tuple[str, ...]) -> np.ndarray:
    return np.array([result.params[name].value for name in names], dtype=float)


def _warm_start(data: _Data, curve: np.ndarray) -> np.ndarray:
    """Start a K-pair fit from the curve of the (K-1)-pair fit: the trend hardly moves when a
    harmonic is added, and the seasonal coefficients are then linear."""
    trend = _trend(data.kind, curve, data.x)
    return np.concatenate([curve, _seasonal_coefs(data, trend)])


def _fit_data(data: _Data, warm: np.ndarray | None = None) -> tuple[_Fit, np.ndarray]:
    """Two-stage feasible GLS (see the module doc), checked for a usable covariance, bounds
    and identification. Also returns the stage-1 curve, the warm start of the next K."""
    start = _start(data) if warm is None else _warm_start(data, warm)
    first = _minimize(data, _parameters(data, start), 0.0)
    stage1 = _values(first, data.names)
    phi = _ar1_phi(data.y - _model(data, stage1))
    second = _minimize(data, first.params, phi)
    theta = _values(second, data.names)
    if second.covar is None or not second.errorbars:
        raise ModelFitError(f"no covariance for {_label(data.kind, None)}: parameters unidentified")
    _check_bounds(data, theta)
    covar = np.asarray(second.covar, dtype=float)
    if not np.all(np.isfinite(covar)) or np.any(np.diag(covar) < 0):
        raise ModelFitError(f"no covariance for {_label(data.kind, None)}: not finite")
    resid = data.y - _model(data, theta)
    ssr = float(np.sum(_whiten(resid, phi) ** 2))
    sigma = float(np.sqrt(ssr / (len(resid) - data.n_params)))
    aicc = _aicc(ssr, len(resid), data.n_params + 2, phi)
    fit = _Fit(data.shape, theta, covar, phi, sigma, aicc, resid)
    _check_identified(fit)
    return fit, stage1[: len(CURVE_PARAMS[data.kind])]


def _aicc(ssr: float, n: int, n_par: int, phi: float) -> float:
    """AICc of the exact AR(1) Gaussian likelihood (sigma^2 profiled out), so candidates
    with more harmonics pay for them against the same autocorrelated baseline."""
    loglik = -0.5 * n * (np.log(2.0 * np.pi * ssr / n) + 1.0) + 0.5 * np.log(1.0 - phi * phi)
    return float(-2.0 * loglik + 2.0 * n_par + 2.0 * n_par * (n_par + 1) / (n - n_par - 1))


def _check_bounds(data: _Data, theta: np.ndarray) -> None:
    """A curve parameter pinned on its bound means the curve is the wrong shape for this
    series (a logistic with capacity at 100x the max sees no saturation; one with the
    slowest rate is a straight line), and lmfit's covariance there is meaningless."""
    label = _label(data.kind, None)
    scale = 1e-9 * float(np.max(np.abs(data.y)))
    bounds = _bounds(data)
    for name, value, (low, high) in zip(data.names, theta, bounds, strict=False):
        for side, bound in (("lower", low), ("upper", high)):
            if np.isfinite(bound) and abs(value - bound) <= 1e-4 * max(abs(bound), scale):
                raise ModelFitError(
                    f"{label} does not suit this series: {name} ran to its {side} bound {bound:g}"
                )


def _forecast_parts(fit: _Fit, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean = curve + phi^j * last deviation, then two variances: the AR(1) h-step one, and
    the parameters' by the delta method (curve parameters through the gradient of exactly
    that mean, so a level error the last deviation already absorbs is not counted twice;
    phi through d mean / d phi with var(phi) ~ (1 - phi^2) / n)."""
    n = len(fit.resid)
    future = np.arange(n, n + h, dtype=float)
    steps = np.arange(1, h + 1, dtype=float)
    decay = fit.phi**steps
    with np.errstate(over="ignore", invalid="ignore"):
        mean = fit.shape.value(fit.theta, future) + decay * fit.resid[-1]
        grad = fit.shape.gradient(fit.theta, future) - decay[:, None] * fit.shape.gradient(
            fit.theta, np.array([n - 1.0])
        )
        curve_var = np.maximum(np.einsum("ij,jk,ik->i", grad, fit.covar, grad), 0.0)
    phi2 = fit.phi * fit.phi
    ar_var = fit.sigma**2 * (1.0 - phi2**steps) / (1.0 - phi2)
    phi_var = (steps * fit.phi ** (steps - 1.0) * fit.resid[-1]) ** 2 * (1.0 - phi2) / n
    return mean, ar_var, curve_var + phi_var


def _check_identified(fit: _Fit) -> None:
    """With near-unit-root deviations a curve's shape can become unidentified (a logistic
    on a wandering rate series): lmfit still returns a covariance, but the one-step forecast
    sd is then dozens of times the noise. Well-identified fits stay near 1x."""
    _, ar_var, param_var = _forecast_parts(fit, 1)
    ratio = float(np.sqrt(param_var[0] / ar_var[0])) if ar_var[0] > 0 else np.inf
    if not ratio <= MAX_PARAM_NOISE_RATIO:
        raise ModelFitError(
            f"{_label(fit.shape.kind, None)} is not identified on this series: parameter "
            f"uncertainty alone is {ratio:.3g}x the one-step noise"
        )


def min_observations(kind: str, n_fourier_terms: int, season: int | None) -> int:
    """Fewest observations for a curve with this many Fourier columns: the parameters plus
    a margin, and two full seasons once there is any seasonal term."""
    need = len(CURVE_PARAMS[kind]) + n_fourier_terms + 2 + SPARE_OBS
    if n_fourier_terms and season:
        need = max(need, 2 * season)
    return need


class TrendCurveForecaster(DatedForecaster):
    """A curve of time with AR(1) deviations; ``fourier=None`` picks K pairs by AICc."""

    name = "Curve(linear)"

    def __init__(
        self, spec: SeriesSpec, *, kind: str = "linear", fourier: int | None = None
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown curve kind {kind!r}; expected one of {', '.join(KINDS)}")
        _check_fourier(spec, fourier)
        super().__init__(spec, kind=kind, fourier=fourier)
        self.kind = kind
        self.name = _label(kind, fourier)
        self._fit: _Fit | None = None
        self._k: int | None = None

    # -- fit ---------------------------------------------------------------------------

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self._fit, self._k = None, None
        self._check_values(values)
        self._k, self._fit = self._search(values)
        self.name = _label(self.kind, self._k)
        self._notes_after_fit()
        return self

    def _search(self, values: np.ndarray) -> tuple[int, _Fit]:
        """Fit every candidate K, keep the lowest AICc. A K whose fit fails is skipped; when
        all fail, the first (simplest) failure is the reason reported."""
        spy = self.spec.steps_per_year
        best: tuple[int, _Fit] | None = None
        failure: ModelFitError | None = None
        warm: np.ndarray | None = None
        for k in self._k_candidates(len(values)):
            data = _Data.of(_shape(self.kind, self.spec.season, k, spy), values)
            try:
                fitted, warm = _fit_data(data, warm)
            except ModelFitError as exc:
                failure = failure or exc
                continue
            if best is None or fitted.aicc < best[1].aicc:
                best = (k, fitted)
        if best is None:
            assert failure is not None
            raise failure
        return best

    def _check_values(self, values: np.ndarray) -> None:
        k = self.options["fourier"] or 0
        n_terms = fourier_basis(np.zeros(1), self.spec.season, k)[0].shape[1]
        need = min_observations(self.kind, n_terms, self.spec.season)
        if len(values) < need:
            raise ModelFitError(
                f"too short for {_label(self.kind, k)}: {len(values)} observations, "
                f"needs at least {need}"
            )
        if self.kind != "linear" and np.min(values) <= 0:
            raise ModelFitError(
                f"{_label(self.kind, None)} needs a positive series: "
                f"minimum {np.min(values):g} <= 0"
            )

    def _k_candidates(self, n: int) -> list[int]:
        """Fixed K, or every K up to the cap whose fit has room in this sample."""
        fixed = self.options["fourier"]
        if fixed is not None:
            return [fixed]
        season = self.spec.season
        if not season:
            return [0]
        out = [0]
        for k in range(1, min(MAX_AUTO_FOURIER, season // 2) + 1):
            n_terms = fourier_basis(np.zeros(1), season, k)[0].shape[1]
            if n >= min_observations(self.kind, n_terms, season):
                out.append(k)
        return out

    def _notes_after_fit(self) -> None:
        assert self._fit is not None
        if abs(self._fit.phi) >= PHI_LIMIT:
            self._add_note(
                f"phi capped at {PHI_LIMIT}: the deviations from the curve may be a random "
                f"walk, and the pull back to the curve spurious"
            )

    # -- predict -----------------------------------------------------------------------

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        mean, ar_var, param_var = _forecast_parts(self._fitted(self._fit), h)
        sd = np.sqrt(ar_var + param_var)
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(sd))):
            raise ModelFitError(f"{self.name} overflowed over a {h}-step horizon")
        return gaussian_frame(dates, mean, sd, level, self.name)

    # -- reporting ---------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        fit = self._fitted(self._fit)
        out: dict[str, Any] = {}
        stderr = np.sqrt(np.diag(fit.covar))
        for name, value, err in zip(fit.shape.names, fit.theta, stderr, strict=True):
            out[name] = float(value)
            if np.isfinite(err):
                out[f"{name}_stderr"] = float(err)
        out.update(
            phi=fit.phi,
            sigma=fit.sigma,
            K=int(self._k or 0),
            kind=self.kind,
            aicc=fit.aicc,
            steps_per_year=self.spec.steps_per_year,
        )
        return out

    def _freeze(self) -> dict[str, Any]:
        if self._fit is None:
            return dict(self.options)
        return {"kind": self.kind, "fourier": self._k}


def _check_fourier(spec: SeriesSpec, fourier: int | None) -> None:
    if fourier is None:
        return
    if isinstance(fourier, bool) or not isinstance(fourier, int | np.integer) or fourier < 0:
        raise ValueError(f"fourier must be a non-negative integer or None, got {fourier!r}")
    if fourier and not spec.season:
        raise ValueError(f"fourier={fourier} needs a season; frequency {spec.freq} has none")
    if spec.season and fourier > spec.season // 2:
        raise ValueError(f"fourier={fourier} exceeds season {spec.season} // 2")
