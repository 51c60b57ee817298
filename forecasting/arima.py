"""Automatic ARIMA / seasonal ARIMA, after Hyndman & Khandakar (2008), on statsmodels SARIMAX.

The order is chosen the way their ``auto.arima`` paper describes: seasonal differencing when
an STL decomposition finds a strong season, then ordinary differencing while a KPSS test
rejects stationarity, then a stepwise walk over (p, q, P, Q, constant) that keeps the
candidate with the smallest AICc.

Why the walk does not use SARIMAX: an exact Kalman-filter MLE costs 0.01-0.4 s per model
on 1,250 observations and a walk visits 10-40 models, which would blow the 1.5 s budget.
The walk scores each candidate by conditional sum of squares instead (CSS: residuals by a
linear filter, Levenberg-Marquardt with the exact Jacobian), about 1-2 ms per model, and
only the winner gets the exact MLE, started from its CSS estimates. All candidates of one
walk share the differenced series and the conditioning window, so their CSS AICc values
are comparable. If the winner's MLE fails, the next-best candidates are tried in turn.

The MLE runs on the differenced series (fewer states, same likelihood) after removing an
offset and scale (``Standardization``), then the integrated model is filtered once with
the estimates to forecast; every number reported is converted back to the series' units.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.signal import lfilter
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.statespace.sarimax import SARIMAX
from statsmodels.tsa.stattools import kpss

from forecasting.base import (
    DEFAULT_LEVELS,
    DatedForecaster,
    ModelFitError,
    SeriesSpec,
    checked_frame,
    z_value,
)
from forecasting.frequency import MAX_STATE_SEASON
from models.values import finite

#: Bounds of the stepwise search (Hyndman & Khandakar use 5/2; 3/1 keeps the walk short).
MAX_P = 3
MAX_Q = 3
MAX_SEASONAL_P = 1
MAX_SEASONAL_Q = 1
MAX_D = 2
#: Largest p + q + P + Q the walk visits (the paper's default): bigger seasonal models cost
#: over a second of MLE on 1,250 observations and almost never forecast better.
MAX_ORDER = 5
#: A walk stops after this many scored candidates even if it is still improving.
MAX_SEARCH_MODELS = 60
#: How many of the best-scored candidates get an MLE attempt before the fit gives up.
FINAL_FIT_TRIES = 3
#: Fewest observations for the automatic search (KPSS on fewer says nothing).
MIN_OBS_AUTO = 10
#: A seasonal part needs this many full seasons of data (STL and seasonal lags need them).
MIN_SEASONS = 3
#: STL seasonal strength above which the series is seasonally differenced (Wang, Smith &
#: Hyndman 2006; the threshold ``nsdiffs`` uses).
SEASONAL_STRENGTH_MIN = 0.64
#: Candidates whose AR or MA roots lie within this modulus of the unit circle are rejected:
#: near-unit roots mean the differencing is wrong and make the MLE unstable.
ROOT_MARGIN = 1.01
#: L-BFGS iterations of the final MLE (statsmodels default); CSS starts converge in 5-30.
MLE_MAXITER = 50
#: Relative spread below which a series (or a residual sum) counts as exactly constant.
_TINY = 1e-12


@dataclass(frozen=True)
class ArimaOrder:
    """One candidate model: (p,d,q)(P,D,Q)[m] and whether it has a constant (mean or drift)."""

    p: int
    d: int
    q: int
    P: int = 0
    D: int = 0
    Q: int = 0
    m: int = 0
    constant: bool = False

    @property
    def order(self) -> tuple[int, int, int]:
        return (self.p, self.d, self.q)

    @property
    def seasonal_order(self) -> tuple[int, int, int, int]:
        """statsmodels' form; all zeros when the seasonal part is empty, so SARIMAX does not
        build seasonal states it never uses."""
        if self.m < 2 or (self.P, self.D, self.Q) == (0, 0, 0):
            return (0, 0, 0, 0)
        return (self.P, self.D, self.Q, self.m)

    @property
    def trend(self) -> str:
        return "c" if self.constant else "n"

    @property
    def n_diff(self) -> int:
        """Observations lost to differencing."""
        _, seasonal_d, _, m = self.seasonal_order
        return self.d + seasonal_d * m

    @property
    def integration(self) -> int:
        """d + D: 0 makes the constant a mean, 1 a drift."""
        return self.d + self.seasonal_order[1]

    @property
    def ar_lags(self) -> int:
        return self.p + self.seasonal_order[0] * self.seasonal_order[3]

    @property
    def ma_lags(self) -> int:
        return self.q + self.seasonal_order[2] * self.seasonal_order[3]

    @property
    def n_coefficients(self) -> int:
        seasonal_p, _, seasonal_q, _ = self.seasonal_order
        return self.p + self.q + seasonal_p + seasonal_q + int(self.constant)

    def lags_distinct(self) -> bool:
        """SARIMAX refuses a lag in both the seasonal and non-seasonal polynomial, which
        happens on short seasons (p >= m with P > 0, or q >= m with Q > 0)."""
        _, _, _, m = self.seasonal_order
        return not m or ((self.P == 0 or self.p < m) and (self.Q == 0 or self.q < m))

    def min_obs(self) -> int:
        """Differencing losses, the longest lag, the coefficients and sigma2, and two spare
        observations so the AICc denominator stays positive."""
        return self.n_diff + max(self.ar_lags, self.ma_lags) + self.n_coefficients + 3

    def label(self) -> str:
        text = f"ARIMA({self.p},{self.d},{self.q})"
        seasonal_p, seasonal_d, seasonal_q, m = self.seasonal_order
        if m:
            text += f"({seasonal_p},{seasonal_d},{seasonal_q})[{m}]"
        if self.constant:
            kinds = {0: " with non-zero mean", 1: " with drift"}
            text += kinds.get(self.integration, " with constant")
        return text


# --------------------------------------------------------------------------- differencing


def seasonal_strength(values: np.ndarray, m: int) -> float:
    """STL seasonal strength max(0, 1 - var(R) / var(S + R)) in [0, 1]; 0 when STL fails,
    because a series STL cannot decompose gives no reason to difference it seasonally."""
    try:
        fit = STL(values, period=m, robust=False).fit()
    except (ValueError, np.linalg.LinAlgError):
        return 0.0
    resid = np.asarray(fit.resid)
    detrended = np.asarray(fit.seasonal) + resid
    denominator = float(np.var(detrended))
    if denominator <= _TINY:
        return 0.0
    return float(min(1.0, max(0.0, 1.0 - np.var(resid) / denominator)))


def kpss_rejects(values: np.ndarray) -> bool:
    """Level-stationarity rejected at 5 %. Lags follow the short Schwert rule the KPSS
    reference uses in ``ndiffs`` (4 (n/100)^0.25); a data-driven bandwidth lets a random walk
    pass as stationary too often on short samples."""
    n = len(values)
    if n < 5 or np.ptp(values) <= _TINY * max(1.0, float(np.max(np.abs(values)))):
        return False
    lags = min(n - 1, int(4 * (n / 100) ** 0.25))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = kpss(values, regression="c", nlags=lags, result_object=True)
        except (ValueError, ZeroDivisionError, OverflowError):
            return False
    statistic = float(result.statistic)
    return math.isfinite(statistic) and statistic > float(result.critical_values["5%"])


def choose_d(values: np.ndarray) -> int:
    """Difference while KPSS rejects, at most MAX_D times."""
    d = 0
    while d < MAX_D and kpss_rejects(values):
        values = np.diff(values)
        d += 1
    return d


def difference(values: np.ndarray, d: int, seasonal_d: int, m: int) -> np.ndarray:
    out = values
    for _ in range(seasonal_d):
        out = out[m:] - out[:-m]
    for _ in range(d):
        out = np.diff(out)
    return out


# --------------------------------------------------------------------------- CSS scoring


def _lag_polynomial(coefs: np.ndarray, lag: int, sign: float) -> np.ndarray:
    """1 + sign * (c1 B^lag + c2 B^2lag + ...), ascending powers of B."""
    if len(coefs) == 0:
        return np.ones(1)
    poly = np.zeros(lag * len(coefs) + 1)
    poly[0] = 1.0
    poly[lag::lag] = sign * np.asarray(coefs, dtype=float)
    return poly


def _roots_outside(poly: np.ndarray, margin: float) -> bool:
    """All roots of the lag polynomial beyond ``margin`` (> 1: stationary / invertible)."""
    trimmed = np.trim_zeros(poly, "b")
    if len(trimmed) <= 1:
        return True
    roots = np.polynomial.polynomial.polyroots(trimmed)
    return bool(np.all(np.abs(roots) > margin))


@dataclass(frozen=True)
class CssFit:
    """CSS estimates in the units of the differenced series; ``admissible`` when all roots
    clear ROOT_MARGIN (only those may win the walk)."""

    ar: np.ndarray
    ma: np.ndarray
    seasonal_ar: np.ndarray
    seasonal_ma: np.ndarray
    mean: float
    sigma2: float
    aicc: float
    admissible: bool


def _lagged(series: np.ndarray, lag: int) -> np.ndarray:
    """``series`` shifted ``lag`` steps later with zeros in front: the zero pre-sample CSS
    assumes, so Jacobian columns match the residual recursion exactly."""
    out = np.zeros_like(series)
    out[lag:] = series[: len(series) - lag]
    return out


class CssProblem:
    """CSS residuals of one candidate on a (scaled) differenced series, with their exact
    Jacobian.

    e = A(B) (w - mu) / M(B), A = phi(B) Phi(B^m), M = theta(B) Theta(B^m). Each Jacobian
    column is a lagged copy of one of four filtered series, so a Jacobian costs four linear
    filters instead of k + 1 residual passes (a 3-5x faster search than finite differences).
    """

    def __init__(self, w: np.ndarray, m: int, cond: int, order: ArimaOrder) -> None:
        self.w, self.m, self.cond, self.order = w, m, cond, order
        seasonal_p, _, seasonal_q, _ = order.seasonal_order
        edges = np.cumsum([0, order.p, order.q, seasonal_p, seasonal_q])
        self.parts = [slice(int(a), int(b)) for a, b in itertools.pairwise(edges)]

    def polynomials(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        """phi(B), Phi(B^m), theta(B), Theta(B^m) as ascending coefficient arrays."""
        ar, ma, sar, sma = (x[part] for part in self.parts)
        return (
            _lag_polynomial(ar, 1, -1.0),
            _lag_polynomial(sar, self.m, -1.0),
            _lag_polynomial(ma, 1, 1.0),
            _lag_polynomial(sma, self.m, 1.0),
        )

    def centered(self, x: np.ndarray) -> np.ndarray:
        return self.w - x[-1] if self.order.constant else self.w

    def residuals(self, x: np.ndarray) -> np.ndarray:
        phi, sphi, theta, stheta = self.polynomials(x)
        full = lfilter(np.convolve(phi, sphi), np.convolve(theta, stheta), self.centered(x))
        return np.asarray(full)[self.cond :]

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        phi, sphi, theta, stheta = self.polynomials(x)
        ar, ma = np.convolve(phi, sphi), np.convolve(theta, stheta)
        xc = self.centered(x)
        e = np.asarray(lfilter(ar, ma, xc))
        groups = (  # (filtered series, lag step, count) per coefficient group
            (lfilter(sphi, ma, xc), 1, self.order.p),
            (lfilter(stheta, ma, e), 1, self.order.q),
            (lfilter(phi, ma, xc), self.m, self.order.seasonal_order[0]),
            (lfilter(theta, ma, e), self.m, self.order.seasonal_order[2]),
        )
        columns = [
            -_lagged(np.asarray(series), step * i)
            for series, step, count in groups
            for i in range(1, count + 1)
        ]
        if self.order.constant:
            columns.append(-np.asarray(lfilter(ar, ma, np.ones_like(xc))))
        return np.column_stack(columns)[self.cond :]

    def stable(self, x: np.ndarray, margin: float) -> bool:
        return all(_roots_outside(poly, margin) for poly in self.polynomials(x))


class CssScorer:
    """Conditional-sum-of-squares AICc for candidates sharing one differenced series.

    The series is divided by its root mean square so the optimizer sees O(1) coefficients
    whatever the units (GDP in billions, rates in percent); it is not centered, since a
    model without a constant must be scored on the level it would forecast. Every candidate
    drops the same first ``cond`` residuals so the AICc values share one sample.
    """

    def __init__(self, w: np.ndarray, m: int, cond: int) -> None:
        self.m = m
        self.cond = cond
        self.scale = float(np.sqrt(np.mean(w**2))) or 1.0
        self.w = w / self.scale
        self.fits: dict[ArimaOrder, CssFit | None] = {}

    def __call__(self, order: ArimaOrder) -> float:
        fit = self.fit(order)
        return fit.aicc if fit is not None and fit.admissible else math.inf

    def fit(self, order: ArimaOrder) -> CssFit | None:
        """The candidate's CSS fit, None when it cannot be estimated or is not stationary and
        invertible at all (cached either way: the walk revisits neighbours)."""
        if order not in self.fits:
            self.fits[order] = self._estimate(order)
        return self.fits[order]

    def _estimate(self, order: ArimaOrder) -> CssFit | None:
        k = order.n_coefficients
        n_used = len(self.w) - self.cond
        if n_used - (k + 1) - 1 <= 0:
            return None
        problem = CssProblem(self.w, self.m, self.cond, order)
        x = np.zeros(k)
        if order.constant:
            x[-1] = float(np.mean(self.w[self.cond :]))
        if k:
            with np.errstate(all="ignore"):
                solved = least_squares(
                    problem.residuals, x, jac=problem.jacobian, method="lm", ftol=1e-6, xtol=1e-6
                )
            x = solved.x
        # Roots just outside the unit circle still make good MLE start values, but such a
        # candidate may not win the walk (wrong differencing, unstable MLE).
        if not np.all(np.isfinite(x)) or not problem.stable(x, 1.0 + 1e-6):
            return None
        resid = problem.residuals(x)
        sse = float(resid @ resid)
        if not math.isfinite(sse) or sse <= _TINY * n_used:
            return None
        sigma2 = sse / n_used * self.scale**2
        loglik = -0.5 * n_used * (math.log(2 * math.pi * sigma2) + 1.0)
        n_params = k + 1
        aicc = -2 * loglik + 2 * n_params + 2 * n_params * (n_params + 1) / (n_used - n_params - 1)
        ar, ma, sar, sma = (x[part] for part in problem.parts)
        mean = float(x[-1]) * self.scale if order.constant else 0.0
        admissible = problem.stable(x, ROOT_MARGIN)
        return CssFit(ar, ma, sar, sma, mean, sigma2, aicc, admissible)


# --------------------------------------------------------------------------- stepwise walk


@dataclass(frozen=True)
class SearchSpace:
    """Which candidates the walk may visit: inclusive ranges per coefficient count (a pinned
    option is a range of one), the allowed constants, and the series length."""

    p: tuple[int, int]
    q: tuple[int, int]
    seasonal_p: tuple[int, int]
    seasonal_q: tuple[int, int]
    constants: tuple[bool, ...]
    n_obs: int

    @property
    def max_order(self) -> int:
        """MAX_ORDER, or more when pinned options alone exceed it."""
        floor = self.p[0] + self.q[0] + self.seasonal_p[0] + self.seasonal_q[0]
        return max(MAX_ORDER, floor)

    def allows(self, order: ArimaOrder) -> bool:
        return (
            self.p[0] <= order.p <= self.p[1]
            and self.q[0] <= order.q <= self.q[1]
            and self.seasonal_p[0] <= order.P <= self.seasonal_p[1]
            and self.seasonal_q[0] <= order.Q <= self.seasonal_q[1]
            and order.constant in self.constants
            and order.min_obs() <= self.n_obs
            and order.p + order.q + order.P + order.Q <= self.max_order
            and order.lags_distinct()
        )

    def members(self, base: ArimaOrder) -> Iterator[ArimaOrder]:
        for p in range(self.p[0], self.p[1] + 1):
            for q in range(self.q[0], self.q[1] + 1):
                for sp in range(self.seasonal_p[0], self.seasonal_p[1] + 1):
                    for sq in range(self.seasonal_q[0], self.seasonal_q[1] + 1):
                        for c in self.constants:
                            cand = replace(base, p=p, q=q, P=sp, Q=sq, constant=c)
                            if self.allows(cand):
                                yield cand

    def clip(self, order: ArimaOrder) -> ArimaOrder:
        def into(value: int, bounds: tuple[int, int]) -> int:
            return min(max(value, bounds[0]), bounds[1])

        constant = order.constant if order.constant in self.constants else self.constants[0]
        return replace(
            order,
            p=into(order.p, self.p),
            q=into(order.q, self.q),
            P=into(order.P, self.seasonal_p),
            Q=into(order.Q, self.seasonal_q),
            constant=constant,
        )


#: Moves of one stepwise step: one of p, q, P, Q by +-1, p and q (P and Q) together, and
#: an AR term traded for an MA term or back; without the trade the walk sticks at an
#: AR(2) stand-in for an MA(1) (one step away in the trade, three without it).
_MOVES: tuple[tuple[int, int, int, int], ...] = tuple(
    move
    for s in (1, -1)
    for move in (
        (s, 0, 0, 0),
        (0, s, 0, 0),
        (0, 0, s, 0),
        (0, 0, 0, s),
        (s, s, 0, 0),
        (0, 0, s, s),
        (s, -s, 0, 0),
        (0, 0, s, -s),
    )
)


def neighbours(order: ArimaOrder, space: SearchSpace) -> Iterator[ArimaOrder]:
    for dp, dq, dsp, dsq in _MOVES:
        cand = replace(order, p=order.p + dp, q=order.q + dq, P=order.P + dsp, Q=order.Q + dsq)
        if space.allows(cand):
            yield cand
    flipped = replace(order, constant=not order.constant)
    if space.allows(flipped):
        yield flipped


def _within_max_order(order: ArimaOrder, space: SearchSpace) -> ArimaOrder:
    """Drop non-seasonal terms (q first) until p + q + P + Q fits MAX_ORDER, so the rich
    starting model (2,2)(1,1) still starts the walk as (2,1)(1,1)."""
    while order.p + order.q + order.P + order.Q > space.max_order:
        if order.q > space.q[0] and order.q >= order.p:
            order = replace(order, q=order.q - 1)
        elif order.p > space.p[0]:
            order = replace(order, p=order.p - 1)
        else:
            break
    return order


def starting_orders(base: ArimaOrder, space: SearchSpace) -> list[ArimaOrder]:
    """The four starting models of Hyndman & Khandakar, moved into the allowed space; with
    a constant whenever one is allowed (d + D <= 1)."""
    constant = True in space.constants
    starts = [(2, 2, 1, 1), (0, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1)]
    out: list[ArimaOrder] = []
    for p, q, sp, sq in starts:
        cand = space.clip(replace(base, p=p, q=q, P=sp, Q=sq, constant=constant))
        cand = _within_max_order(cand, space)
        if cand not in out and space.allows(cand):
            out.append(cand)
    return out


def stepwise(
    score: Callable[[ArimaOrder], float], base: ArimaOrder, space: SearchSpace
) -> dict[ArimaOrder, float]:
    """Every visited candidate with its score. Moves to the first better neighbour and starts
    over from there, until no neighbour improves or MAX_SEARCH_MODELS have been scored."""
    scores: dict[ArimaOrder, float] = {}
    for cand in starting_orders(base, space):
        scores[cand] = score(cand)
    if not scores:
        return scores
    best = min(scores, key=scores.__getitem__)
    improved = True
    while improved and len(scores) < MAX_SEARCH_MODELS:
        improved = False
        for cand in neighbours(best, space):
            if cand in scores:
                continue
            scores[cand] = score(cand)
            if scores[cand] < scores[best]:
                best, improved = cand, True
                break
            if len(scores) >= MAX_SEARCH_MODELS:
                break
    return scores


# --------------------------------------------------------------------------- MLE


@dataclass(frozen=True)
class Standardization:
    """y_fit = (y - offset) / scale: what the MLE actually sees.

    On raw units L-BFGS stalls in flat directions: a 0.003 drift next to a 0.06 sd (DGS10)
    never "converged" from the exact optimum, and 23 of 30 AR(1) fits at a level of 1e4
    with unit noise did not either. The offset is only removed where a constant or
    differencing absorbs it, because without either it would change the model.
    """

    offset: float
    scale: float

    @classmethod
    def of(cls, values: np.ndarray, order: ArimaOrder) -> Standardization:
        _, seasonal_d, _, m = order.seasonal_order
        w = difference(values, order.d, seasonal_d, m)
        absorbed = order.constant or order.integration > 0
        offset = float(np.mean(values)) if absorbed else 0.0
        spread = float(np.std(w) if absorbed else np.sqrt(np.mean(w**2)))
        return cls(offset, spread if math.isfinite(spread) and spread > _TINY else 1.0)

    def apply(self, values: np.ndarray) -> np.ndarray:
        return (values - self.offset) / self.scale


def _start_params(order: ArimaOrder, css: CssFit | None, std: Standardization) -> np.ndarray | None:
    """SARIMAX start vector (intercept, ar, ma, seasonal ar, seasonal ma, [sigma2]) in the
    standardized units of the fit. SARIMAX's intercept is c in phi(B)Phi(B^m) w_t = c + ...,
    so c = mean * phi(1) * Phi(1); the offset only moves an undifferenced mean."""
    if css is None:
        return None
    phi_one = (1.0 - css.ar.sum()) * (1.0 - css.seasonal_ar.sum())
    mean = css.mean - (std.offset if order.integration == 0 else 0.0)
    head = [mean / std.scale * phi_one] if order.constant else []
    tail = [] if order.n_coefficients else [css.sigma2 / std.scale**2]
    return np.concatenate([head, css.ar, css.ma, css.seasonal_ar, css.seasonal_ma, tail])


@dataclass(frozen=True)
class MleFit:
    """The differenced fit (coefficients, standard errors, AICc) and the integrated model
    filtered with its coefficients (forecasts), both on standardized data; the accessors
    answer in the series' own units."""

    order: ArimaOrder
    fitted: Any
    forecaster: Any
    converged: bool
    iterations: int
    std: Standardization

    def coefficients(self) -> list[tuple[str, float, float]]:
        """(name, value, standard error) per coefficient. SARIMAX's intercept is reported
        as the mean (d + D = 0) or drift (d + D = 1) it implies, which is what a reader
        wants and does not depend on the AR coefficients."""
        out = []
        names = [str(name) for name in self.fitted.param_names]
        for name, value, se in zip(names, self.fitted.params, self.fitted.bse, strict=True):
            if name == "intercept":
                out.append(self._constant(names))
            elif name == "sigma2":
                out.append((name, float(value) * self.std.scale**2, float(se) * self.std.scale**2))
            else:
                out.append((name, float(value), float(se)))
        return out

    def _constant(self, names: list[str]) -> tuple[str, float, float]:
        """mean = offset + scale * c / (phi(1) Phi(1)), drift the same without the offset;
        standard error by the delta method over c and the AR coefficients."""
        params = np.asarray(self.fitted.params, dtype=float)
        at = names.index("intercept")
        c, scale = params[at], self.std.scale
        if self.order.integration >= 2:
            return ("intercept", c * scale, float(self.fitted.bse[at]) * scale)
        ar = [i for i, name in enumerate(names) if name.startswith("ar.L")]
        sar = [i for i, name in enumerate(names) if name.startswith("ar.S.L")]
        a, sa = 1.0 - params[ar].sum(), 1.0 - params[sar].sum()
        grad = np.zeros(len(params))
        grad[at] = scale / (a * sa)
        grad[ar] = scale * c / (a**2 * sa)
        grad[sar] = scale * c / (a * sa**2)
        with np.errstate(all="ignore"):
            variance = float(grad @ np.asarray(self.fitted.cov_params(), dtype=float) @ grad)
        se = math.sqrt(variance) if variance >= 0 else math.nan
        value = scale * c / (a * sa)
        if self.order.integration == 0:
            return ("mean", value + self.std.offset, se)
        return ("drift", value, se)

    @property
    def sigma2(self) -> float:
        names = list(self.fitted.param_names)
        own = self.fitted.params[names.index("sigma2")] if "sigma2" in names else None
        value = float(own) if own is not None else float(self.fitted.scale)
        return value * self.std.scale**2

    @property
    def loglik(self) -> float:
        """Density of y = offset + scale * y_fit: minus log(scale) per observation."""
        return float(self.fitted.llf) - self.fitted.nobs_effective * math.log(self.std.scale)

    @property
    def aicc(self) -> float:
        return float(self.fitted.aicc) + 2 * self.fitted.nobs_effective * math.log(self.std.scale)

    def forecast(self, h: int, levels: Sequence[int]) -> dict[str, np.ndarray]:
        forecast = self.forecaster.get_forecast(h)
        scale, offset = self.std.scale, self.std.offset
        data = {"mean": np.asarray(forecast.predicted_mean) * scale + offset}
        for lv in sorted(levels):
            bounds = np.asarray(forecast.conf_int(alpha=1 - lv / 100)) * scale + offset
            data[f"lower_{lv}"] = bounds[:, 0]
            data[f"upper_{lv}"] = bounds[:, 1]
        return data


def _sarimax(values: np.ndarray, order: ArimaOrder, *, simple: bool, concentrate: bool) -> SARIMAX:
    return SARIMAX(
        values,
        order=order.order,
        seasonal_order=order.seasonal_order,
        trend=order.trend,
        concentrate_scale=concentrate,
        simple_differencing=simple,
    )


def _forecaster(data: np.ndarray, order: ArimaOrder, fitted: Any) -> Any:
    """The integrated model filtered with the fitted coefficients and sigma2 as an explicit
    parameter. Not concentrated: statsmodels 0.15 forecasts a concentrated model whose
    sigma2 is exactly 1.0 (white noise on standardized data) with NaN standard errors,
    because ``fixed_scale(1.0)`` is a no-op and the scale is re-estimated from no data."""
    params = np.asarray(fitted.params, dtype=float)
    if "sigma2" not in fitted.param_names:
        params = np.append(params, float(fitted.scale))
    model = _sarimax(data, order, simple=False, concentrate=False)
    return model.filter(params, cov_type="none")


def fit_mle(values: np.ndarray, order: ArimaOrder, css: CssFit | None) -> MleFit:
    """Exact Gaussian MLE of the coefficients, then one Kalman pass of the integrated model
    with them for the forecasts.

    The coefficients are estimated on the differenced series (``simple_differencing``): its
    likelihood equals the diffuse likelihood of the integrated model, but the state vector
    drops the d + D*m differencing states, which makes each likelihood evaluation 2-5 times
    cheaper on seasonal models. sigma2 is concentrated out unless it is the only parameter.
    Standard errors are the outer product of gradients, statsmodels' default and the
    cheapest. Starts from the CSS estimates when there are any.
    """
    std = Standardization.of(values, order)
    data = std.apply(values)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            model = _sarimax(data, order, simple=True, concentrate=order.n_coefficients > 0)
            fitted = model.fit(
                start_params=_start_params(order, css, std),
                disp=False,
                maxiter=MLE_MAXITER,
                cov_type="opg",
            )
            params = np.asarray(fitted.params)
            if not (math.isfinite(float(fitted.llf)) and np.all(np.isfinite(params))):
                raise ModelFitError(f"SARIMAX optimizer failed for {order.label()}: non-finite fit")
            forecaster = _forecaster(data, order, fitted)
        except (ValueError, np.linalg.LinAlgError, OverflowError) as exc:
            raise ModelFitError(f"SARIMAX failed for {order.label()}: {exc}") from exc
    retvals = fitted.mle_retvals or {}
    converged = bool(retvals.get("converged", True)) and not any(
        issubclass(w.category, ConvergenceWarning) for w in caught
    )
    return MleFit(order, fitted, forecaster, converged, int(retvals.get("iterations", 0)), std)


# --------------------------------------------------------------------------- the model


def _validate_tuple(value: Sequence[int] | None, size: int, what: str) -> tuple[int, ...] | None:
    if value is None:
        return None
    out = tuple(int(v) for v in value)
    if len(out) != size or any(v < 0 for v in out):
        raise ValueError(f"{what} must be {size} non-negative integers, got {value!r}")
    return out


def _pinned_or(option: tuple[int, ...] | None, index: int, upper: int) -> tuple[int, int]:
    """The range a searched coefficient count may take: the pinned value, or 0..upper."""
    return (option[index], option[index]) if option is not None else (0, upper)


class AutoARIMAForecaster(DatedForecaster):
    """ARIMA with the order, seasonal order and constant chosen by AICc unless given.

    ``order=(p,d,q)``, ``seasonal_order=(P,D,Q,m)`` and ``trend`` ("n" or "c") pin the
    respective choice; whatever is left ``None`` is searched. ``frozen()`` pins all three.
    """

    name = "ARIMA"

    def __init__(
        self,
        spec: SeriesSpec,
        *,
        order: Sequence[int] | None = None,
        seasonal_order: Sequence[int] | None = None,
        trend: str | None = None,
    ) -> None:
        fixed_order = _validate_tuple(order, 3, "order")
        fixed_seasonal = _validate_tuple(seasonal_order, 4, "seasonal_order")
        if fixed_seasonal is not None and any(fixed_seasonal[:3]) and fixed_seasonal[3] < 2:
            raise ValueError(f"seasonal_order needs a period >= 2, got {seasonal_order!r}")
        if trend not in (None, "n", "c"):
            raise ValueError(f"trend must be None, 'n' or 'c', got {trend!r}")
        super().__init__(spec, order=fixed_order, seasonal_order=fixed_seasonal, trend=trend)
        self._mle: MleFit | None = None
        self._chosen: ArimaOrder | None = None
        self._search: dict[str, Any] = {}

    # ------------------------------------------------------------------ fit

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self.name = type(self).name
        self._mle, self._chosen, self._search = None, None, {}
        if np.ptp(values) <= _TINY * max(1.0, float(np.max(np.abs(values)))):
            raise ModelFitError("series is constant: ARIMA needs some variation")
        base, space = self._plan(values)
        ranked, scorer = self._rank(values, base, space)
        self._fit_best(values, ranked, scorer)
        return self

    def _plan(self, values: np.ndarray) -> tuple[ArimaOrder, SearchSpace]:
        """Fix the season and differencing first (the walk compares likelihoods of one
        differenced series only), then the ranges the walk may explore."""
        n = len(values)
        order: tuple[int, ...] | None = self.options["order"]
        seasonal: tuple[int, ...] | None = self.options["seasonal_order"]
        trend: str | None = self.options["trend"]
        if order is None and n < MIN_OBS_AUTO:
            raise ModelFitError(f"too short for automatic ARIMA: {n} observations < {MIN_OBS_AUTO}")
        m, seasonal_d = self._season(values, seasonal)
        d = order[1] if order is not None else choose_d(difference(values, 0, seasonal_d, m))
        if trend is not None:
            constants: tuple[bool, ...] = (trend == "c",)
        else:
            constants = (False, True) if d + seasonal_d <= 1 else (False,)
        space = SearchSpace(
            p=_pinned_or(order, 0, MAX_P),
            q=_pinned_or(order, 2, MAX_Q),
            seasonal_p=_pinned_or(seasonal, 0, MAX_SEASONAL_P if m else 0),
            seasonal_q=_pinned_or(seasonal, 2, MAX_SEASONAL_Q if m else 0),
            constants=constants,
            n_obs=n,
        )
        return ArimaOrder(0, d, 0, 0, seasonal_d, 0, m, False), space

    def _season(self, values: np.ndarray, seasonal: tuple[int, ...] | None) -> tuple[int, int]:
        """(m, D): the pinned seasonal order's, or the spec's season when a seasonal state is
        allowed and the series holds MIN_SEASONS of it, D = 1 for a strong STL season."""
        if seasonal is not None:
            return (seasonal[3], seasonal[1]) if any(seasonal[:3]) else (0, 0)
        m = self.spec.season or 0
        if m < 2:
            return 0, 0
        if m > MAX_STATE_SEASON:
            self._add_note(f"no seasonal term: season {m} > {MAX_STATE_SEASON}")
            return 0, 0
        if len(values) < MIN_SEASONS * m:
            self._add_note(
                f"no seasonal term: {len(values)} observations < {MIN_SEASONS} seasons of {m}"
            )
            return 0, 0
        strength = seasonal_strength(values, m)
        self._search["seasonal_strength"] = round(strength, 4)
        return m, int(strength > SEASONAL_STRENGTH_MIN)

    def _rank(
        self, values: np.ndarray, base: ArimaOrder, space: SearchSpace
    ) -> tuple[list[ArimaOrder], CssScorer]:
        """Candidates best first, and the scorer holding their CSS fits (MLE start values)."""
        members = list(space.members(base))
        if not members:
            simplest = space.clip(base)
            raise ModelFitError(
                f"too short for {simplest.label()}: {len(values)} observations"
                f" < {simplest.min_obs()} needed"
            )
        w = difference(values, base.d, base.D, base.m)
        scorer = CssScorer(w, base.m, max(c.ar_lags for c in members))
        if len(members) == 1:
            self._search.update(method="pinned", models=1)
            return members, scorer
        scores = stepwise(scorer, base, space)
        self._search.update(method="stepwise CSS", models=len(scores))
        ranked = sorted((c for c in scores if math.isfinite(scores[c])), key=scores.__getitem__)
        # No CSS fit at all (e.g. every candidate near a unit root): MLE the simplest ones.
        fallback = sorted(members, key=lambda c: (c.n_coefficients, c.p + c.q, c.constant))
        return ranked or fallback, scorer

    def _fit_best(self, values: np.ndarray, ranked: list[ArimaOrder], scorer: CssScorer) -> None:
        """MLE of the best candidate; on failure the next ones, each failure noted."""
        failures: list[str] = []
        for cand in ranked[:FINAL_FIT_TRIES]:
            try:
                mle = fit_mle(values, cand, scorer.fit(cand))
            except ModelFitError as exc:
                failures.append(str(exc))
                continue
            self._mle, self._chosen = mle, cand
            self.name = cand.label()
            if failures:
                self._add_note("fell back after: " + "; ".join(failures))
            if not mle.converged:
                self._add_note(f"MLE did not converge ({mle.iterations} L-BFGS iterations)")
            if not all(math.isfinite(se) for _, _, se in mle.coefficients()):
                self._add_note("standard errors unavailable (singular information matrix)")
            return
        raise ModelFitError("; ".join(failures))

    # ------------------------------------------------------------------ outputs

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        mle = self._fitted(self._mle)
        for lv in level:
            z_value(lv)  # the same ValueError for a bad level as every other model
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            data = mle.forecast(h, level)
        return checked_frame(pd.DataFrame(data, index=dates), self.name)

    def params(self) -> dict[str, Any]:
        """Order, coefficients with standard errors (None where the information matrix is
        singular), sigma2 and AICc in the series' units, and how the order was found.

        Coefficients keep statsmodels' names (``ar.L1``, ``ma.S.L12``) except the constant,
        reported as ``mean`` (d + D = 0) or ``drift`` (d + D = 1) rather than SARIMAX's
        intercept c = mean * phi(1) * Phi(1).
        """
        if self._mle is None or self._chosen is None:
            return {}
        chosen, mle = self._chosen, self._mle
        out: dict[str, Any] = {
            "order": list(chosen.order),
            "seasonal_order": list(chosen.seasonal_order),
            "trend": chosen.trend,
        }
        for name, value, se in mle.coefficients():
            out[name] = finite(value)  # JSON has no NaN: uncomputed values are null
            out[f"{name}_stderr"] = finite(se)
        out["sigma2"] = mle.sigma2
        out["aicc"] = mle.aicc
        out["loglik"] = mle.loglik
        out["nobs"] = int(self._n_obs)
        out["search"] = dict(self._search)
        return out

    def _freeze(self) -> dict[str, Any]:
        if self._chosen is None:
            return dict(self.options)
        return {
            "order": self._chosen.order,
            "seasonal_order": self._chosen.seasonal_order,
            "trend": self._chosen.trend,
        }
