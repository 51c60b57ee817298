"""Which models are worth backtesting on a series, and why the others are left out.

Every candidate has a stable label (what the store and ``ForecastConfig.models`` name) and a
zero-argument factory. The set depends on the frequency and the data. Daily series (market
and policy rates) get the baselines, Theta, ETS and ARIMA without a weekday season: trend
curves and Box-Cox do not suit them, and on near-random walks every extra candidate is one
more chance for a lucky backtest to win the selection. Other frequencies get every model
whose requirements the series meets (Box-Cox and exponential or logistic curves need
positive values, the seasonal naive a season). On the default catalog the whole set, over
three windows plus the final fit, costs 0.3-3 s of CPU per series against a budget of 5 s.

Model modules are imported inside the factories, so a model whose module is broken fails its
backtest with the reason instead of breaking every series.

Order matters: it is the simplicity order that breaks ranking ties, cheapest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.base import Forecaster, SeriesSpec
from forecasting.baselines import DriftForecaster, NaiveForecaster, SeasonalNaiveForecaster

Factory = Callable[[], Forecaster]
#: Reason a candidate is left out for this series, or None when it is worth trying.
Check = Callable[[SeriesSpec, np.ndarray], str | None]

#: Fewest observations for the model families that estimate more than a level and a slope.
MIN_OBS_MODEL = 10


@dataclass(frozen=True)
class Candidate:
    label: str
    build: Callable[[SeriesSpec], Forecaster]
    check: Check


# --- factories (model modules imported lazily) -------------------------------------------


def _naive(spec: SeriesSpec) -> Forecaster:
    return NaiveForecaster(spec)


def _snaive(spec: SeriesSpec) -> Forecaster:
    return SeasonalNaiveForecaster(spec)


def _drift(spec: SeriesSpec) -> Forecaster:
    return DriftForecaster(spec)


def _theta(spec: SeriesSpec) -> Forecaster:
    from forecasting.theta import ThetaForecaster

    return ThetaForecaster(spec)


def _weekday_season(spec: SeriesSpec) -> bool:
    """Daily FRED series are market and policy rates: their "season" of a (business) week
    is noise, and fitting one made ETS and ARIMA worse out of sample on the catalog's daily
    series (and slower). The seasonal naive still uses it, as the MASE yardstick."""
    return spec.freq != "D"


def _ets(spec: SeriesSpec) -> Forecaster:
    from forecasting.ets import AutoETSForecaster

    if _weekday_season(spec):
        return AutoETSForecaster(spec)
    return AutoETSForecaster(spec, seasonal="none")


def _arima(spec: SeriesSpec) -> Forecaster:
    from forecasting.arima import AutoARIMAForecaster

    if _weekday_season(spec):
        return AutoARIMAForecaster(spec)
    return AutoARIMAForecaster(spec, seasonal_order=(0, 0, 0, 0))


def _curve(kind: str) -> Callable[[SeriesSpec], Forecaster]:
    def build(spec: SeriesSpec) -> Forecaster:
        from forecasting.curves import TrendCurveForecaster

        return TrendCurveForecaster(spec, kind=kind)  # Fourier pairs chosen by AICc

    return build


def _boxcox_drift(spec: SeriesSpec) -> Forecaster:
    from forecasting.boxcox import BoxCoxForecaster

    return BoxCoxForecaster(spec, inner=DriftForecaster(spec))


def _boxcox_ets(spec: SeriesSpec) -> Forecaster:
    from forecasting.boxcox import BoxCoxForecaster
    from forecasting.ets import AutoETSForecaster

    return BoxCoxForecaster(spec, inner=AutoETSForecaster(spec))


def _boxcox_arima(spec: SeriesSpec) -> Forecaster:
    from forecasting.arima import AutoARIMAForecaster
    from forecasting.boxcox import BoxCoxForecaster

    return BoxCoxForecaster(spec, inner=AutoARIMAForecaster(spec))


# --- checks -------------------------------------------------------------------------------


def _always(spec: SeriesSpec, y: np.ndarray) -> str | None:
    return None


def _needs_season(spec: SeriesSpec, y: np.ndarray) -> str | None:
    if not spec.season:
        return f"no season: frequency {spec.freq} has no seasonal period"
    if len(y) <= spec.season:
        return f"too short: {len(y)} observations <= one season of {spec.season}"
    return None


def _needs_three(spec: SeriesSpec, y: np.ndarray) -> str | None:
    return f"too short: {len(y)} observations < 3" if len(y) < 3 else None


def _needs_length(spec: SeriesSpec, y: np.ndarray) -> str | None:
    if len(y) < MIN_OBS_MODEL:
        return f"too short: {len(y)} observations < {MIN_OBS_MODEL}"
    return None


def _needs_positive(spec: SeriesSpec, y: np.ndarray) -> str | None:
    short = _needs_length(spec, y)
    if short:
        return short
    if np.min(y) <= 0:
        return f"not positive: minimum {np.min(y):g} <= 0"
    return None


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("naive", _naive, _always),
    Candidate("snaive", _snaive, _needs_season),
    Candidate("drift", _drift, _needs_three),
    Candidate("theta", _theta, _needs_length),
    Candidate("ets", _ets, _needs_length),
    Candidate("arima", _arima, _needs_length),
    Candidate("curve_linear", _curve("linear"), _needs_length),
    Candidate("curve_exponential", _curve("exponential"), _needs_positive),
    Candidate("curve_logistic", _curve("logistic"), _needs_positive),
    Candidate("boxcox_drift", _boxcox_drift, _needs_positive),
    Candidate("boxcox_ets", _boxcox_ets, _needs_positive),
    Candidate("boxcox_arima", _boxcox_arima, _needs_positive),
)

#: Every label the registry knows, in candidate order.
LABELS: tuple[str, ...] = tuple(c.label for c in CANDIDATES)

#: Labels tried per frequency (every label where the frequency is not listed); the others
#: are left out with ``_LEFT_OUT_REASON``. Daily series are market data, close to random
#: walks: global trend curves extrapolate them badly and Box-Cox buys nothing over 30 days,
#: while every extra candidate is one more chance for a lucky backtest to win the selection.
_PLAN: dict[str, tuple[str, ...]] = {
    "D": ("naive", "snaive", "drift", "theta", "ets", "arima"),
}
_LEFT_OUT_REASON: dict[str, str] = {
    "D": "not tried on daily data: trend curves and Box-Cox do not suit market series",
}


def _planned(spec: SeriesSpec, label: str) -> str | None:
    plan = _PLAN.get(spec.freq)
    if plan is None or label in plan:
        return None
    return _LEFT_OUT_REASON[spec.freq]


def candidate_models(spec: SeriesSpec, y: pd.Series) -> tuple[dict[str, Factory], dict[str, str]]:
    """Factories of the candidates worth backtesting on ``y`` (a prepared series), in
    candidate order, and the reason for each label left out."""
    values = y.to_numpy(dtype=float)
    factories: dict[str, Factory] = {}
    excluded: dict[str, str] = {}
    for candidate in CANDIDATES:
        reason = _planned(spec, candidate.label) or candidate.check(spec, values)
        if reason:
            excluded[candidate.label] = reason
        else:
            factories[candidate.label] = _bind(candidate.build, spec)
    return factories, excluded


def _bind(build: Callable[[SeriesSpec], Forecaster], spec: SeriesSpec) -> Factory:
    return lambda: build(spec)
