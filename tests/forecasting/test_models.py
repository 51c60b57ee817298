"""The per-series pipeline: candidates, backtest ranking, final fit and its fallback chain.

Fake models are small ``DatedForecaster`` subclasses handed to the pipeline through its
candidate registry; statsmodels is never mocked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Self

import numpy as np
import pandas as pd
import pytest

import forecasting.pipeline as pipeline
from forecasting.backtest import Factory
from forecasting.base import DEFAULT_LEVELS, Forecaster, ModelFitError, SeriesSpec
from forecasting.baselines import DriftForecaster, NaiveForecaster
from forecasting.candidates import LABELS, candidate_models
from forecasting.pipeline import (
    CandidateResult,
    ForecastConfig,
    NoObservationsError,
    SeriesForecast,
    forecast_series,
)
from forecasting.selection import ENSEMBLE

BOUNDS = ["lower_95", "lower_80", "mean", "upper_80", "upper_95"]
BASELINES = ForecastConfig(models=("naive", "snaive", "drift"))


def _monthly(values: Sequence[float] | np.ndarray, start: str = "2000-01-01") -> pd.Series:
    return pd.Series(
        np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="MS")
    )


def _by_label(result: SeriesForecast) -> dict[str, CandidateResult]:
    return {c.model: c for c in result.candidates}


def _assert_ordered(frame: pd.DataFrame) -> None:
    assert np.all(np.diff(frame[BOUNDS].to_numpy(), axis=1) >= 0), frame


class FailsOnFullSeries(DriftForecaster):
    """A drift that backtests fine but cannot fit the whole series (len >= ``limit``)."""

    name = "fragile"

    def __init__(self, spec: SeriesSpec, *, limit: int) -> None:
        super().__init__(spec, limit=limit)
        self.limit = limit

    def fit(self, y: pd.Series) -> Self:
        if len(y) >= self.limit:
            raise ModelFitError("optimizer failed on the full series")
        return super().fit(y)


class Explodes(NaiveForecaster):
    """Raises a bare Python error in predict: a bug, which must still only be a reason."""

    name = "explodes"

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        raise ZeroDivisionError("boom")


Registry = Callable[[SeriesSpec, pd.Series], tuple[dict[str, Factory], dict[str, str]]]


def _registry(extra: dict[str, Callable[[SeriesSpec], Forecaster]]) -> Registry:
    """candidate_models with ``extra`` fakes first (they win ties) and the baselines after."""

    def fake(spec: SeriesSpec, y: pd.Series) -> tuple[dict[str, Factory], dict[str, str]]:
        factories: dict[str, Factory] = {
            label: partial(build, spec) for label, build in extra.items()
        }
        factories["naive"] = lambda: NaiveForecaster(spec)
        factories["drift"] = lambda: DriftForecaster(spec)
        return factories, {}

    return fake


# --- fallback chain ---------------------------------------------------------------------------


def test_short_series_gets_naive_with_the_reason() -> None:
    y = _monthly([3.0, 3.2, 3.1, 3.4, 3.3, 3.5, 3.6, 3.4, 3.2, 3.3] * 2)
    result = forecast_series(y, "M")
    assert (result.model, result.spec, result.windows) == ("naive", "naive", 0)
    assert result.fallback
    assert result.note is not None
    assert (
        "no model ranked (not scored: no backtest window (20 observations, a window needs 36))"
        in (result.note)
    )
    assert result.horizon == 12 and len(result.frame) == 12
    assert result.frame.index[0] == pd.Timestamp("2001-09-01")
    assert result.frame["mean"].eq(3.3).all()
    _assert_ordered(result.frame)
    naive = _by_label(result)["naive"]
    assert (naive.selected, naive.rank, naive.metrics) == (True, 1, None)
    assert all(c.rank is None for c in result.candidates if c.model != "naive")


def test_final_fit_failure_falls_back_to_the_next_ranked_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 80
    y = _monthly(5.0 + 2.0 * np.arange(n))  # a line: drift and its fragile twin are exact
    registry = _registry({"fragile": lambda spec: FailsOnFullSeries(spec, limit=n)})
    monkeypatch.setattr(pipeline, "candidate_models", registry)
    result = forecast_series(y, "M", h=6)
    assert result.model == "drift" and result.fallback
    assert result.note == "fragile final fit failed: optimizer failed on the full series; " + (
        "fallback to drift"
    )
    cands = _by_label(result)
    assert cands["fragile"].rank is None and not cands["fragile"].selected
    assert cands["fragile"].metrics is not None  # it was scored, just not usable
    assert cands["fragile"].note == (
        "backtest rank 1; final fit failed: optimizer failed on the full series"
    )
    assert (cands["drift"].rank, cands["drift"].selected) == (1, True)
    assert cands["naive"].rank == 2
    np.testing.assert_allclose(result.frame["mean"], 5.0 + 2.0 * np.arange(n, n + 6))


def test_a_model_raising_in_the_backtest_is_unranked_with_its_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = _registry({"explodes": lambda spec: Explodes(spec)})
    monkeypatch.setattr(pipeline, "candidate_models", registry)
    y = _monthly(100 + np.cumsum(np.random.default_rng(2).normal(0.5, 1, 90)))
    result = forecast_series(y, "M")
    cands = _by_label(result)
    assert cands["explodes"].rank is None and cands["explodes"].metrics is None
    assert cands["explodes"].note == "backtest window 1 (cutoff 2004-06-01): boom"  # y[53]
    assert result.model in ("naive", "drift") and not result.fallback
    assert sorted(c.rank for c in result.candidates if c.rank) == [1, 2]


def test_naive_is_the_last_resort_even_when_not_requested(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 60
    registry = _registry({"fragile": lambda spec: FailsOnFullSeries(spec, limit=n)})

    def only_fragile(spec: SeriesSpec, y: pd.Series) -> tuple[dict[str, Factory], dict[str, str]]:
        factories, excluded = registry(spec, y)
        return {"fragile": factories["fragile"]}, excluded

    monkeypatch.setattr(pipeline, "candidate_models", only_fragile)
    result = forecast_series(_monthly(np.arange(n, dtype=float)), "M", h=3)
    assert result.model == "naive" and result.fallback
    assert [c.model for c in result.candidates] == ["fragile", "naive"]
    assert _by_label(result)["naive"].rank == 1


# --- candidates -------------------------------------------------------------------------------


def test_excluded_candidates_are_listed_with_their_reasons() -> None:
    y = pd.Series(
        np.linspace(-5.0, 20.0, 40), index=pd.date_range("1980-01-01", periods=40, freq="YS")
    )
    config = ForecastConfig(models=("naive", "snaive", "drift", "boxcox_ets", "curve_exponential"))
    result = forecast_series(y, "A", config=config)
    cands = _by_label(result)
    # Candidate order, not the order asked in.
    order = ["naive", "snaive", "drift", "curve_exponential", "boxcox_ets"]
    assert [c.model for c in result.candidates] == order
    assert cands["snaive"].note == "no season: frequency A has no seasonal period"
    assert cands["boxcox_ets"].note == "not positive: minimum -5 <= 0"
    assert cands["curve_exponential"].note == "not positive: minimum -5 <= 0"
    for label in ("snaive", "boxcox_ets", "curve_exponential"):
        assert cands[label].rank is None and cands[label].windows == ()
    assert result.model == "drift" and not result.fallback  # a straight line
    assert result.windows == 3 and len(cands["drift"].windows) == 3


def test_registry_keeps_snaive_and_naive_and_leaves_curves_off_daily_data() -> None:
    rng = np.random.default_rng(0)
    daily = pd.Series(
        50 + np.cumsum(rng.normal(0, 1, 300)),
        index=pd.bdate_range("2020-01-01", periods=300),
    )
    factories, excluded = candidate_models(SeriesSpec.of("D"), daily)
    assert list(factories)[:3] == ["naive", "snaive", "drift"]
    assert excluded["curve_logistic"].startswith("not tried on daily data")
    assert set(factories) | set(excluded) == set(LABELS)
    assert all(len(label) <= 64 for label in LABELS)
    _, excluded_short = candidate_models(SeriesSpec.of("M"), _monthly([1.0, 2.0]))
    assert excluded_short["snaive"] == "too short: 2 observations <= one season of 12"
    assert excluded_short["drift"] == "too short: 2 observations < 3"


def test_models_restricts_the_candidates() -> None:
    y = _monthly(100 + np.cumsum(np.random.default_rng(8).normal(0.3, 1, 100)))
    result = forecast_series(y, "M", config=ForecastConfig(models=("naive", "drift")))
    assert [c.model for c in result.candidates] == ["naive", "drift"]
    assert all(len(c.windows) == 3 and c.metrics for c in result.candidates)
    assert sorted(c.rank for c in result.candidates if c.rank) == [1, 2]


def test_unknown_model_label_is_an_error_listing_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown model label.*'prophet'") as info:
        ForecastConfig(models=("naive", "prophet"))
    assert "valid labels: " + ", ".join(LABELS) in str(info.value)
    with pytest.raises(ValueError):
        ForecastConfig(models=())
    with pytest.raises(ValueError):
        ForecastConfig(windows=0)
    with pytest.raises(ValueError):
        ForecastConfig(ensemble=-1)


# --- output -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "freq", "first"),
    [
        (pd.bdate_range(end="2024-05-03", periods=120), "D", "2024-05-06"),  # Fri -> Mon
        (pd.date_range(end="2024-05-04", periods=120, freq="D"), "D", "2024-05-05"),  # 7-day
        (pd.date_range(end="2024-05-02", periods=150, freq="7D"), "W", "2024-05-09"),
        (pd.date_range(end="2024-05-01", periods=60, freq="MS"), "M", "2024-06-01"),
        (pd.date_range(end="2024-04-01", periods=40, freq="QS"), "Q", "2024-07-01"),
    ],
)
def test_forecast_is_dated_on_the_series_calendar(
    index: pd.DatetimeIndex, freq: str, first: str
) -> None:
    rng = np.random.default_rng(1)
    y = pd.Series(20 + np.cumsum(rng.normal(0, 1, len(index))), index=index)
    result = forecast_series(y, freq, h=4, config=BASELINES)
    assert result.frame.index[0] == pd.Timestamp(first)
    assert len(result.frame) == 4 and result.frame.index.name == "date"
    assert list(result.frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]
    _assert_ordered(result.frame)
    winner = _by_label(result)[result.model]
    assert winner.selected and winner.rank == 1 and winner.params is not None


def test_ensemble_candidate_is_reported_and_used_when_best() -> None:
    # A concave curve: naive undershoots about as much as drift overshoots, so the mean of the
    # two beats both, and the seasonal naive (a year behind) too, on the backtest.
    rng = np.random.default_rng(12)
    t = np.arange(120)
    y = _monthly(10 * np.sqrt(t + 1) + rng.normal(0, 0.5, 120))
    result = forecast_series(y, "M", config=ForecastConfig(ensemble=2, models=BASELINES.models))
    cands = _by_label(result)
    ens = cands[ENSEMBLE]
    assert ens.metrics is not None and len(ens.windows) == 3
    members = (ens.params or {})["members"]
    assert sorted(members) == ["drift", "naive"] and ens.spec == f"ensemble({'+'.join(members)})"
    assert result.model == ENSEMBLE and result.spec == ens.spec and not result.fallback
    assert ens.selected and ens.rank == 1
    assert _mase(ens) < min(_mase(cands[label]) for label in BASELINES.models)
    assert not any(cands[label].selected for label in BASELINES.models)
    assert cands["snaive"].rank == 4  # scored and ranked, but not among the top two


def test_metrics_and_windows_of_ranked_candidates() -> None:
    rng = np.random.default_rng(1)
    y = _monthly(100 + np.cumsum(rng.normal(0.2, 1.0, 200)))
    result = forecast_series(y, "M", config=BASELINES)
    assert result.windows == 3
    for candidate in result.candidates:
        assert candidate.metrics is not None
        assert candidate.metrics["mae"] is not None and candidate.metrics["mae"] >= 0
        assert candidate.metrics["rmse"] is not None
        assert candidate.metrics["rmse"] >= candidate.metrics["mae"]
        assert candidate.metrics["mase"] is not None
        assert [w.n_train for w in candidate.windows] == [164, 176, 188]
    best = min(result.candidates, key=lambda c: (c.metrics or {}).get("mase") or np.inf)
    assert best.model == result.model


def test_empty_series_is_a_clear_error() -> None:
    with pytest.raises(NoObservationsError):
        forecast_series(pd.Series([np.nan], index=pd.DatetimeIndex(["2024-01-01"])), "M")


def test_single_observation_still_gets_a_flat_forecast() -> None:
    y = pd.Series([4.0], index=pd.DatetimeIndex(["2024-01-01"]))
    result = forecast_series(y, "A", h=2)
    assert result.model == "naive" and result.windows == 0
    assert result.frame["mean"].to_list() == [4.0, 4.0]
    assert result.frame.index[0] == pd.Timestamp("2025-01-01")


def test_chosen_ensemble_forecasts_the_mean_of_its_members_final_fits() -> None:
    # A concave curve: drift overshoots by as much as naive undershoots, so averaging wins.
    t = np.arange(100.0)
    y = _monthly(10 * np.sqrt(t + 1) + np.random.default_rng(4).normal(0, 0.05, 100))
    config = ForecastConfig(ensemble=2, models=("naive", "drift"), calibrate=False)
    result = forecast_series(y, "M", h=6, config=config)
    assert result.model == ENSEMBLE and not result.fallback
    assert result.spec in ("ensemble(naive+drift)", "ensemble(drift+naive)")
    cands = _by_label(result)
    assert cands[ENSEMBLE].rank == 1 and cands[ENSEMBLE].selected
    params = cands[ENSEMBLE].params
    assert params is not None and sorted(params["members"]) == ["drift", "naive"]
    naive = NaiveForecaster(SeriesSpec.of("M")).fit(y).predict(6)
    drift = DriftForecaster(SeriesSpec.of("M")).fit(y).predict(6)
    pd.testing.assert_frame_equal(result.frame, (naive + drift) / 2)
    ens_mase = _mase(cands[ENSEMBLE])
    assert ens_mase < min(_mase(cands["naive"]), _mase(cands["drift"]))


def _mase(candidate: CandidateResult) -> float:
    assert candidate.metrics is not None
    value = candidate.metrics["mase"]
    assert value is not None
    return value


# --- the full candidate set (real models) -----------------------------------------------------


def test_full_candidate_set_on_a_seasonal_monthly_series_beats_snaive() -> None:
    rng = np.random.default_rng(2024)
    t = np.arange(144)
    y = _monthly(200 + 0.8 * t + 12 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, 144))
    result = forecast_series(y, "M")
    cands = _by_label(result)
    assert list(cands) == list(LABELS)  # every label is reported, none left out here
    assert result.windows == 3 and not result.fallback
    for c in result.candidates:
        # ranked with all three windows, or unranked with the reason
        assert (c.rank is not None and len(c.windows) == 3) or (c.rank is None and c.note)
    chosen = cands[result.model]
    assert chosen.rank == 1 and chosen.selected and chosen.spec == result.spec
    assert chosen.params
    assert _mase(chosen) < 0.7 * _mase(cands["snaive"])
    ranked = sorted((c for c in result.candidates if c.rank), key=lambda c: c.rank or 0)
    assert [_mase(c) for c in ranked] == sorted(_mase(c) for c in ranked)


def test_full_candidate_set_on_a_business_daily_random_walk() -> None:
    rng = np.random.default_rng(77)
    index = pd.bdate_range(end="2026-03-27", periods=1250)  # a Friday
    y = pd.Series(100 + np.cumsum(rng.normal(0, 1, 1250)), index=index)
    result = forecast_series(y, "D")
    cands = _by_label(result)
    for label in ("curve_linear", "curve_exponential", "curve_logistic", "boxcox_ets"):
        assert cands[label].rank is None
        assert (cands[label].note or "").startswith("not tried on daily data")
    for label in ("naive", "snaive", "drift", "theta", "ets", "arima"):
        assert cands[label].rank is not None, cands[label].note
        assert [w.n_train for w in cands[label].windows] == [1160, 1190, 1220]
    assert result.horizon == 30 and result.frame.index[0] == pd.Timestamp("2026-03-30")
    assert cands[result.model].rank == 1
    # a random walk: whatever wins must be close to the naive forecast's accuracy
    assert _mase(cands[result.model]) <= _mase(cands["naive"])
