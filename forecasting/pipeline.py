"""Forecast one series: prepare it, backtest the candidate models, pick the best, refit it.

Pure: data in, a ``SeriesForecast`` out (see docs/forecasting.md for the flow). A model
failing is an expected outcome with a recorded reason, never an exception that would stop a
run over many series: the final fit walks down the backtest ranking and ends at the naive
model, which fits any series with one observation.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from forecasting.backtest import BacktestConfig, BacktestResult, WindowScore, backtest
from forecasting.base import DEFAULT_LEVELS, Forecaster, SeriesSpec
from forecasting.baselines import NaiveForecaster
from forecasting.calibration import Calibration, calibrate, widen
from forecasting.candidates import LABELS, Factory, candidate_models
from forecasting.frequency import default_horizon
from forecasting.prepare import prepare_series
from forecasting.selection import (
    ENSEMBLE,
    EnsembleForecaster,
    Selection,
    ensemble_name,
    mean_frame,
    select,
)
from forecasting.threads import single_threaded_blas

log = logging.getLogger(__name__)

#: The model every fallback chain ends with.
LAST_RESORT = "naive"


class NoObservationsError(ValueError):
    """The series has no usable (finite) observation, so nothing can be forecast."""


@dataclass(frozen=True)
class ForecastConfig:
    """Backtest windows (``step`` and ``horizon`` default to the forecast horizon), ensemble
    size (0 = off), an optional restriction of the candidate labels, and whether interval
    widths are calibrated on the backtest (``forecasting.calibration``)."""

    windows: int = 3
    step: int | None = None
    horizon: int | None = None
    ensemble: int = 0
    models: tuple[str, ...] | None = None
    calibrate: bool = True

    def __post_init__(self) -> None:
        BacktestConfig(self.windows, self.step, self.horizon)  # validates the window fields
        if not isinstance(self.ensemble, int) or self.ensemble < 0:
            raise ValueError(f"ensemble must be an integer >= 0, got {self.ensemble!r}")
        if self.models is not None:
            models = tuple(self.models)
            unknown = [m for m in models if m not in LABELS]
            if unknown or not models:
                raise ValueError(
                    f"unknown model label(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
                    f"valid labels: {', '.join(LABELS)}"
                )
            object.__setattr__(self, "models", models)

    def backtest_config(self, horizon: int) -> BacktestConfig:
        return BacktestConfig(self.windows, self.step, self.horizon or horizon)


@dataclass(frozen=True)
class CandidateResult:
    """One candidate on one series. ``rank`` 1 is the chosen model (None: not usable);
    ``spec`` and ``params`` describe its final fit when it was the model finally fitted,
    else its first backtest window's fit."""

    model: str
    spec: str | None
    selected: bool
    rank: int | None
    metrics: dict[str, float | None] | None
    windows: tuple[WindowScore, ...]
    params: dict[str, Any] | None
    note: str | None


@dataclass(frozen=True)
class SeriesForecast:
    model: str
    spec: str
    frame: pd.DataFrame
    n_obs: int
    horizon: int
    windows: int
    fallback: bool
    note: str | None
    candidates: tuple[CandidateResult, ...]


@dataclass
class _FinalFit:
    label: str
    model: Forecaster
    frame: pd.DataFrame
    failures: dict[str, str] = field(default_factory=dict)


def _join(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def _reason(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__


def forecast_series(
    y: pd.Series,
    freq: str,
    h: int | None = None,
    level: Sequence[int] = DEFAULT_LEVELS,
    *,
    config: ForecastConfig = ForecastConfig(),
) -> SeriesForecast:
    """Forecast ``y`` (values on a date index) ``h`` steps ahead on its own calendar.

    Raises ``NoObservationsError`` when no finite value is left; any model problem is a
    recorded fallback instead.
    """
    with single_threaded_blas():
        return _forecast_series(y, freq, h, level, config)


def _forecast_series(
    y: pd.Series, freq: str, h: int | None, level: Sequence[int], config: ForecastConfig
) -> SeriesForecast:
    prep = prepare_series(y, freq)
    if prep.values.empty:
        raise NoObservationsError("no finite observations")
    values = prep.values
    spec = SeriesSpec.of(prep.freq, business_days=prep.business_days)
    horizon = default_horizon(prep.freq, h)
    factories, excluded = _restrict(*candidate_models(spec, values), config.models)
    result = backtest(values, factories, spec, config.backtest_config(horizon), level)
    selection = select(result, config.ensemble)
    calibrations = _calibrations(result, selection) if config.calibrate else {}
    final = _final_fit(values, spec, factories, selection, horizon, level)
    if final.label in calibrations:
        final.frame = widen(final.frame, calibrations[final.label].factors)
    ranking = [label for label in selection.ranking if label not in final.failures]
    if final.label not in ranking:  # the last resort, after every ranked model failed
        ranking.insert(0, final.label)
    fallback = not selection.ranking or final.label != selection.ranking[0]
    return SeriesForecast(
        model=final.label,
        spec=final.model.name,
        frame=final.frame,
        n_obs=len(values),
        horizon=horizon,
        windows=result.n_windows,
        fallback=fallback,
        note=_join(*prep.notes, final.model.note, _fallback_note(selection, final)),
        candidates=_candidates(result, selection, final, excluded, ranking, calibrations),
    )


def _calibrations(result: BacktestResult, selection: Selection) -> dict[str, Calibration]:
    """Interval calibration of every ranked candidate from its raw window forecasts."""
    out: dict[str, Calibration] = {}
    for label in selection.ranking:
        if label == ENSEMBLE:
            frames = [
                mean_frame([result.models[m].frames[k] for m in selection.members])
                for k in range(result.n_windows)
            ]
        else:
            frames = list(result.models[label].frames)
        out[label] = calibrate(result, frames)
    return out


def _restrict(
    factories: dict[str, Factory], excluded: dict[str, str], models: tuple[str, ...] | None
) -> tuple[dict[str, Factory], dict[str, str]]:
    if models is None:
        return factories, excluded
    wanted = set(models)
    return (
        {k: v for k, v in factories.items() if k in wanted},
        {k: v for k, v in excluded.items() if k in wanted},
    )


def _build(
    label: str, spec: SeriesSpec, factories: Mapping[str, Factory], selection: Selection
) -> Forecaster:
    if label == ENSEMBLE:
        return EnsembleForecaster({m: factories[m]() for m in selection.members})
    if label in factories:
        return factories[label]()
    return NaiveForecaster(spec)  # the last resort, even when ``models`` left it out


def _final_fit(
    y: pd.Series,
    spec: SeriesSpec,
    factories: Mapping[str, Factory],
    selection: Selection,
    horizon: int,
    level: Sequence[int],
) -> _FinalFit:
    """Fit the ranked models on the whole series, best first, until one forecasts; naive
    ends the chain. Automatic choices are made afresh on the whole series."""
    order = list(selection.ranking)
    if LAST_RESORT not in order:
        order.append(LAST_RESORT)
    failures: dict[str, str] = {}
    for label in order:
        try:
            model = _build(label, spec, factories, selection)
            frame = model.fit(y).predict(horizon, level)
        except Exception as exc:  # the next model in the ranking takes over
            log.debug("final fit of %s failed", label, exc_info=True)
            failures[label] = _reason(exc)
            continue
        return _FinalFit(label, model, frame, failures)
    raise RuntimeError(f"even the naive model failed: {failures.get(LAST_RESORT)}")


def _fallback_note(selection: Selection, final: _FinalFit) -> str | None:
    parts = [f"{label} final fit failed: {reason}" for label, reason in final.failures.items()]
    if not selection.ranking:
        reasons = {s.note for s in selection.scores.values() if s.note}
        why = next(iter(reasons)) if len(reasons) == 1 else "no candidate scored every window"
        parts.append(f"no model ranked ({why})")
    elif final.label == selection.ranking[0]:
        return _join(*parts)
    return _join(*parts, f"fallback to {final.label}")


def _safe_params(model: Forecaster | None) -> dict[str, Any] | None:
    if model is None:
        return None
    try:
        return model.params()
    except Exception:  # params of an odd fit must not lose the forecast
        log.debug("params() failed", exc_info=True)
        return None


def _candidates(
    result: BacktestResult,
    selection: Selection,
    final: _FinalFit,
    excluded: Mapping[str, str],
    ranking: Sequence[str],
    calibrations: Mapping[str, Calibration],
) -> tuple[CandidateResult, ...]:
    """Every label considered, in candidate order: backtested, excluded, the ensemble, and
    the naive last resort when ``models`` had left it out."""
    position = {label: i for i, label in enumerate(LABELS)}
    seen = [*result.models, *(label for label in excluded if label not in result.models)]
    labels = sorted(seen, key=lambda label: position.get(label, len(LABELS)))
    if ENSEMBLE in selection.scores:
        labels.append(ENSEMBLE)
    if final.label not in labels:
        labels.append(final.label)
    return tuple(
        _candidate(label, result, selection, final, excluded, ranking, calibrations.get(label))
        for label in labels
    )


def _describe_fit(
    label: str, result: BacktestResult, selection: Selection, final: _FinalFit
) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """Display name, params and fit note: of the final fit for the model finally fitted, of
    the first backtest window's fit for the others (what the backtest actually scored)."""
    if label == final.label:
        return final.model.name, _safe_params(final.model), final.model.note
    if label == ENSEMBLE:
        return ensemble_name(selection.members), {"members": list(selection.members)}, None
    record = result.models.get(label)
    first = record.first_fit if record else None
    if first is None:
        return None, None, None
    return first.name, _safe_params(first), first.note


def _candidate(
    label: str,
    result: BacktestResult,
    selection: Selection,
    final: _FinalFit,
    excluded: Mapping[str, str],
    ranking: Sequence[str],
    calibration: Calibration | None,
) -> CandidateResult:
    rank = ranking.index(label) + 1 if label in ranking else None
    if label in excluded:
        return CandidateResult(label, None, False, None, None, (), None, excluded[label])
    score = selection.scores.get(label)
    spec, params, fit_note = _describe_fit(label, result, selection, final)
    failed = final.failures.get(label)
    note = _join(
        score.note if score else None,
        f"backtest rank {selection.rank(label)}; final fit failed: {failed}" if failed else None,
        fit_note,
    )
    metrics = score.metrics if score else None
    windows = score.windows if score else ()
    if calibration is not None:  # coverage of the calibrated intervals, scored out of sample
        metrics, windows = calibration.metrics, calibration.windows
        params = {**(params or {}), **calibration.params()}
    return CandidateResult(
        model=label,
        spec=spec,
        selected=label == final.label,
        rank=rank,
        metrics=metrics,
        windows=windows,
        params=params,
        note=note,
    )
