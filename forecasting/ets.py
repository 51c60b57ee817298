"""Automatic exponential smoothing: statsmodels ``ETSModel`` with the spec chosen by AICc.

The search follows Hyndman et al. (2008, "Forecasting with Exponential Smoothing") and R's
``forecast::ets``: fit a small, bounded set of error/trend/season specs by maximum likelihood
and keep the lowest AICc. AICc compares additive- and multiplicative-error fits fairly because
statsmodels' likelihood is on the data's own scale.

The set is error {A, M} x trend {N, A, Ad} x season {N, A, M}, minus:

- multiplicative components on data that are not strictly positive (they are undefined there);
- a season when the frequency has none, when it is longer than ``MAX_STATE_SEASON`` (that many
  initial states would dominate the fit; weekly data gets its cycle from Fourier terms
  elsewhere) or when fewer than ``SEASONAL_CYCLES`` full seasons are observed;
- additive errors with a multiplicative season, ETS(A,*,M): an additive shock can push the
  season through zero and the likelihood goes unstable, so R's ``ets`` leaves them out too.
  They can still be pinned explicitly;
- multiplicative specs whose point forecast over the frequency's default horizon falls to
  zero or below: they have left the range they are defined on (after a spike, ETS(M,A,A)
  with beta ~ 1 runs the last fall on). ``predict`` refuses such a forecast too.

Prediction intervals are statsmodels': analytical for the all-additive specs, simulated for
the others. The simulation uses a fixed seed and ``SIMULATION_REPETITIONS`` paths so a run is
reproducible and cheap (5-10 ms for 30 steps); the quantiles' Monte Carlo error at 2,000
paths is about 3 % of the 95 % half-width. Restricting to additive errors instead would cost
the best model on most level series (CPI, GDP, payrolls), whose noise grows with the level.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self, cast

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults

from forecasting.base import (
    DEFAULT_LEVELS,
    DatedForecaster,
    ModelFitError,
    SeriesSpec,
    checked_frame,
    interval_columns,
    z_value,
)
from forecasting.frequency import MAX_STATE_SEASON, default_horizon

ErrorKind = Literal["add", "mul"]
TrendKind = Literal["none", "add"]
SeasonKind = Literal["none", "add", "mul"]

#: Fewest observations for any ETS fit; a season also needs SEASONAL_CYCLES full seasons.
MIN_OBS = 10
SEASONAL_CYCLES = 3

#: Paths and seed of the simulated intervals of specs without analytical ones.
SIMULATION_REPETITIONS = 2000
SIMULATION_SEED = 20_050_405

#: L-BFGS-B relative tolerance while searching (scipy's default is 1e7). The loose fits only
#: rank the specs; the winner is refitted at the default tolerance from where it stopped.
#: Halves the search on monthly data and moved the AICc of real series by < 1.2.
SEARCH_FACTR = 1e9

_ERRORS: tuple[ErrorKind, ...] = ("add", "mul")
_TRENDS: tuple[tuple[TrendKind, bool], ...] = (("none", False), ("add", False), ("add", True))
_SEASONS: tuple[SeasonKind, ...] = ("none", "add", "mul")

#: statsmodels parameter name -> our name in ``params()``.
_PARAM_NAMES = {
    "smoothing_level": "alpha",
    "smoothing_trend": "beta",
    "smoothing_seasonal": "gamma",
    "damping_trend": "phi",
    "initial_level": "initial_level",
    "initial_trend": "initial_trend",
}


@dataclass(frozen=True)
class EtsSpec:
    """One point of the search space; ``name`` is the usual ETS(error,trend,season) code."""

    error: ErrorKind
    trend: TrendKind
    damped: bool
    seasonal: SeasonKind

    @property
    def name(self) -> str:
        trend = {"none": "N", "add": "A"}[self.trend] + ("d" if self.damped else "")
        season = {"none": "N", "add": "A", "mul": "M"}[self.seasonal]
        return f"ETS({self.error[0].upper()},{trend},{season})"

    @property
    def multiplicative(self) -> bool:
        return self.error == "mul" or self.seasonal == "mul"

    def options(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "trend": self.trend,
            "damped": self.damped,
            "seasonal": self.seasonal,
        }


@dataclass(frozen=True)
class _Fit:
    spec: EtsSpec
    result: ETSResults
    converged: bool


def _check_option(name: str, value: object, allowed: Iterable[object]) -> None:
    """Fail at construction, not deep inside a backtest, when an option is misspelled."""
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise ValueError(f"ETS {name} must be one of {allowed} or None (automatic), got {value!r}")


class AutoETSForecaster(DatedForecaster):
    """ETS whose unpinned components (``None``) are chosen at fit by AICc.

    ``frozen()`` pins the chosen spec so later backtest windows re-estimate the smoothing
    parameters and initial states only.
    """

    def __init__(
        self,
        spec: SeriesSpec,
        *,
        error: ErrorKind | None = None,
        trend: TrendKind | None = None,
        damped: bool | None = None,
        seasonal: SeasonKind | None = None,
    ) -> None:
        _check_option("error", error, _ERRORS)
        _check_option("trend", trend, ("none", "add"))
        _check_option("damped", damped, (True, False))
        _check_option("seasonal", seasonal, _SEASONS)
        if damped and trend == "none":
            raise ValueError("ETS cannot damp a trend it does not have (damped=True, trend='none')")
        super().__init__(spec, error=error, trend=trend, damped=damped, seasonal=seasonal)
        self._fit: _Fit | None = None
        self.name = self._pinned().name if self._fully_pinned() else "ETS"

    # ----------------------------------------------------------------------------- options

    def _fully_pinned(self) -> bool:
        return all(self.options[key] is not None for key in ("error", "trend", "seasonal")) and (
            self.options["trend"] == "none" or self.options["damped"] is not None
        )

    def _pinned(self) -> EtsSpec:
        opts = self.options
        return EtsSpec(opts["error"], opts["trend"], bool(opts["damped"]), opts["seasonal"])

    def _season_for(self, n: int) -> int | None:
        """The seasonal period a state season may use on ``n`` observations, or None with the
        reason noted (only when the search would otherwise have tried a season)."""
        m = self.spec.season
        reason = None
        if not m or m < 2:
            reason = f"frequency {self.spec.freq} has no season"
        elif m > MAX_STATE_SEASON:
            reason = f"season of {m} is longer than the {MAX_STATE_SEASON} a state season allows"
        elif n < SEASONAL_CYCLES * m:
            reason = f"{n} observations < {SEASONAL_CYCLES} seasons of {m}"
        if reason is None:
            return m
        if self.options["seasonal"] in ("add", "mul"):
            raise ModelFitError(f"cannot fit a seasonal ETS: {reason}")
        if self.options["seasonal"] is None and m:
            self._add_note(f"no seasonal term: {reason}")
        return None

    def _candidates(self, season: int | None, positive: bool) -> list[EtsSpec]:
        """The specs the options leave open on this series, in a fixed order (ties in AICc
        then resolve to the simpler spec, listed first)."""
        opts = self.options
        specs = []
        for error, (trend, damped), seasonal in itertools.product(_ERRORS, _TRENDS, _SEASONS):
            spec = EtsSpec(error, trend, damped, seasonal)
            if any(opts[k] is not None and opts[k] != v for k, v in spec.options().items()):
                continue
            if seasonal != "none" and season is None:
                continue
            if error == "add" and seasonal == "mul" and opts["seasonal"] != "mul":
                continue
            specs.append(spec)
        if positive:
            return specs
        kept = [s for s in specs if not s.multiplicative]
        if not kept:
            raise ModelFitError("multiplicative ETS needs strictly positive data")
        if len(kept) < len(specs):
            self._add_note("multiplicative components excluded: series has values <= 0")
        return kept

    # --------------------------------------------------------------------------- fitting

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self._fit = None
        self.name = self._pinned().name if self._fully_pinned() else "ETS"
        n = len(values)
        if n < MIN_OBS:
            raise ModelFitError(f"too short for ETS: {n} observations < {MIN_OBS}")
        season = self._season_for(n)
        specs = self._candidates(season, positive=bool(np.min(values) > 0))
        # A RangeIndex keeps statsmodels from inferring date frequencies; we date forecasts.
        endog = pd.Series(values, index=pd.RangeIndex(n))
        if len(specs) == 1:
            final = _fit_spec(endog, specs[0], season)
        else:
            final = _polish(endog, self._search(endog, specs, season), season)
        if not final.converged:
            self._add_note("optimizer did not fully converge")
        self._fit = final
        self.name = final.spec.name
        return self

    def _search(self, endog: pd.Series, specs: list[EtsSpec], season: int | None) -> _Fit:
        """The lowest-AICc spec among those that fit and stay in their own range over the
        default horizon; the others are skipped (counted in the note), and only if all are
        is the series unfit for ETS."""
        horizon = default_horizon(self.spec.freq)
        best: _Fit | None = None
        failures: list[str] = []
        for spec in specs:
            try:
                fit = _fit_spec(endog, spec, season, factr=SEARCH_FACTR)
                _check_range(fit, _point_forecast(fit, horizon))
            except ModelFitError as exc:
                failures.append(str(exc))
                continue
            aicc = fit.result.aicc
            if np.isfinite(aicc) and (best is None or aicc < best.result.aicc):
                best = fit
        if best is None:
            detail = failures[0] if failures else "too few observations for the AICc of any spec"
            raise ModelFitError(f"no ETS spec could be fitted ({detail})")
        if failures:
            self._add_note(f"{len(failures)} of {len(specs)} ETS specs skipped: {failures[0]}")
        return best

    # ------------------------------------------------------------------------ prediction

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        dates = self._dates(h)
        fit = self._fitted(self._fit)
        for lv in level:
            z_value(lv)  # validates the level before statsmodels sees it
        n = self._n_obs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = fit.result.get_prediction(
                start=n,
                end=n + h - 1,
                simulate_repetitions=SIMULATION_REPETITIONS,
                rng=np.random.default_rng(SIMULATION_SEED),
            )
            data: dict[str, np.ndarray] = {"mean": np.asarray(pred.predicted_mean, dtype=float)}
            for lv in sorted(level):
                bounds = np.asarray(pred.pred_int(alpha=1.0 - lv / 100.0), dtype=float)
                data[f"lower_{lv}"], data[f"upper_{lv}"] = bounds[:, 0], bounds[:, 1]
        _check_range(fit, data["mean"])
        frame = pd.DataFrame(data, index=dates)[interval_columns(level)]
        return checked_frame(frame, self.name)

    # -------------------------------------------------------------------------- reporting

    def params(self) -> dict[str, Any]:
        fit = self._fitted(self._fit)
        res = fit.result
        out: dict[str, Any] = {"spec": fit.spec.name, **fit.spec.options()}
        out["season"] = int(res.seasonal_periods) if fit.spec.seasonal != "none" else None
        names = list(res.model.param_names)
        values = np.asarray(res.params, dtype=float)
        stderr = _stderrs(res, len(names))
        for i, sm_name in enumerate(names):
            ours = _PARAM_NAMES.get(sm_name)
            if ours is None:
                continue
            out[ours] = float(values[i])
            if np.isfinite(stderr[i]):
                out[f"{ours}_stderr"] = float(stderr[i])
        if fit.spec.seasonal != "none":
            out["initial_seasonal"] = [float(v) for v in np.asarray(res.initial_seasonal)]
        out["last_level"] = float(np.asarray(res.level)[-1])
        if fit.spec.trend != "none":
            out["last_trend"] = float(np.asarray(res.slope)[-1])
        out["sigma2"] = float(res.mse)
        out["aicc"] = float(res.aicc) if np.isfinite(res.aicc) else None
        out["nobs"] = int(res.nobs)
        return out

    def _freeze(self) -> dict[str, Any]:
        """The chosen spec; before any fit, the options as given."""
        return self._fit.spec.options() if self._fit is not None else dict(self.options)


def _stderrs(res: ETSResults, k: int) -> np.ndarray:
    """statsmodels' (complex-step Hessian) standard errors, NaN where it has none."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sqrt of a negative variance: NaN, dropped later
            bse = np.asarray(res.bse, dtype=float)
    except (ValueError, np.linalg.LinAlgError):
        return np.full(k, np.nan)
    return bse if bse.shape == (k,) else np.full(k, np.nan)


def _point_forecast(fit: _Fit, h: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(fit.result.forecast(h), dtype=float)


def _check_range(fit: _Fit, mean: np.ndarray) -> None:
    """A multiplicative model is only defined for positive values: a point forecast at or
    below zero (a steep trend run on, e.g. ETS(M,A,A) with beta ~ 1 after a spike) means the
    model has left its own assumptions, and its simulated intervals are meaningless."""
    if not np.all(np.isfinite(mean)):
        raise ModelFitError(f"{fit.spec.name} produced non-finite forecasts")
    if fit.spec.multiplicative and np.any(mean <= 0):
        raise ModelFitError(f"{fit.spec.name} forecast falls to <= 0, outside its range")


def _polish(endog: pd.Series, rough: _Fit, season: int | None) -> _Fit:
    """Refit the search's winner at the default tolerance, starting where it stopped; the
    loose fit stands if the refit fails or ends no higher."""
    try:
        fine = _fit_spec(endog, rough.spec, season, start=rough.result.params)
    except ModelFitError:
        return rough
    return fine if fine.result.llf >= rough.result.llf else rough


def _fit_spec(
    endog: pd.Series,
    spec: EtsSpec,
    season: int | None,
    *,
    factr: float | None = None,
    start: pd.Series | None = None,
) -> _Fit:
    """Maximum-likelihood fit of one spec; every statsmodels failure becomes a ModelFitError
    and its warnings are swallowed (non-convergence is returned instead, for the note)."""
    if spec.seasonal != "none" and season is None:
        raise ModelFitError(f"{spec.name} needs a seasonal period")
    kwargs: dict[str, Any] = {"disp": False}
    if factr is not None:
        kwargs["factr"] = factr
    if start is not None:
        kwargs["start_params"] = np.asarray(start, dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = ETSModel(
                endog,
                error=spec.error,
                trend=None if spec.trend == "none" else spec.trend,
                damped_trend=spec.damped,
                seasonal=None if spec.seasonal == "none" else spec.seasonal,
                seasonal_periods=season if spec.seasonal != "none" else None,
            )
            result = cast(ETSResults, model.fit(**kwargs))
        except Exception as exc:  # statsmodels raises many types; each is one reason
            raise ModelFitError(f"{spec.name} fit failed: {type(exc).__name__}: {exc}") from exc
    if not np.isfinite(result.llf):
        raise ModelFitError(f"{spec.name} fit failed: non-finite likelihood")
    retvals = result.mle_retvals or {}
    converged = bool(retvals.get("converged", True)) and not any(
        "converge" in str(w.message).lower() for w in caught
    )
    return _Fit(spec, result, converged)
