"""Statistical behaviour of the forecasting models on simulated data (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecasting.pipeline as pipeline
from forecasting.estimators import ETSForecaster, ModelFitError, NaiveForecaster
from forecasting.pipeline import NoObservationsError, forecast_series

BOUNDS = ["lower_95", "lower_80", "mean", "upper_80", "upper_95"]


def _weekly(values: np.ndarray, start: str = "2000-01-06") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="7D"))


def _ar1(rng: np.random.Generator, n: int, phi: float = 0.6, mean: float = 10.0) -> np.ndarray:
    x = np.zeros(n + 100)
    shocks = rng.normal(0.0, 1.0, n + 100)
    for t in range(1, n + 100):
        x[t] = phi * x[t - 1] + shocks[t]
    return mean + x[100:]


def _assert_ordered(frame: pd.DataFrame) -> None:
    values = frame[BOUNDS].to_numpy()
    assert np.all(np.diff(values, axis=1) >= 0), frame


def test_ets_recovers_level_and_trend() -> None:
    rng = np.random.default_rng(7)
    n, h = 200, 10
    t = np.arange(n + h)
    truth = 100.0 + 0.5 * t
    y = _weekly(truth[:n] + rng.normal(0.0, 1.0, n))
    frame = ETSForecaster("W").fit(y).predict(h)
    # A damped trend bends the line a little over 10 steps; the level must still be right.
    assert np.max(np.abs(frame["mean"].to_numpy() - truth[n:])) < 2.5
    assert frame["mean"].iloc[-1] > frame["mean"].iloc[0] + 2.0  # the trend carries on


def test_ets_picks_up_a_monthly_season() -> None:
    rng = np.random.default_rng(11)
    n, h = 120, 12
    season = 5.0 * np.sin(2 * np.pi * np.arange(n + h) / 12)
    values = 50.0 + season[:n] + rng.normal(0.0, 0.5, n)
    y = pd.Series(values, index=pd.date_range("2010-01-01", periods=n, freq="MS"))
    model = ETSForecaster("M").fit(y)
    frame = model.predict(h)
    assert model.name == "ETS(A,Ad,A)"
    assert np.corrcoef(frame["mean"].to_numpy(), season[n:])[0, 1] > 0.95
    assert frame.index[0] == pd.Timestamp("2020-01-01")


def test_intervals_are_ordered_and_widen_with_the_horizon() -> None:
    rng = np.random.default_rng(3)
    y = _weekly(np.cumsum(rng.normal(0.0, 1.0, 150)))
    for model in (ETSForecaster("W"), NaiveForecaster("W")):
        frame = model.fit(y).predict(8)
        assert list(frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]
        _assert_ordered(frame)
        width = (frame["upper_95"] - frame["lower_95"]).to_numpy()
        assert np.all(np.diff(width) >= 0)


def test_predict_accepts_other_levels() -> None:
    y = _weekly(np.arange(20, dtype=float))
    frame = NaiveForecaster("W").fit(y).predict(3, level=(50, 99))
    assert list(frame.columns) == ["mean", "lower_50", "upper_50", "lower_99", "upper_99"]
    with pytest.raises(ValueError):
        NaiveForecaster("W").fit(y).predict(3, level=(100,))


def test_naive_95_interval_coverage_on_random_walks() -> None:
    rng = np.random.default_rng(20240501)
    reps, n, h = 2000, 150, 6
    hits = np.zeros(h)
    for _ in range(reps):
        path = 50.0 + np.cumsum(rng.normal(0.0, 1.0, n + h))
        frame = NaiveForecaster("W").fit(_weekly(path[:n])).predict(h)
        actual = path[n:]
        hits += (actual >= frame["lower_95"].to_numpy()) & (actual <= frame["upper_95"].to_numpy())
    coverage = hits / reps
    assert abs(coverage.mean() - 0.95) < 0.015, coverage
    assert np.all(np.abs(coverage - 0.95) < 0.03), coverage


def test_ets_interval_coverage_on_ar1_data() -> None:
    rng = np.random.default_rng(99)
    reps, n, h = 120, 120, 4
    hits80 = hits95 = 0
    for _ in range(reps):
        path = _ar1(rng, n + h)
        frame = ETSForecaster("W").fit(_weekly(path[:n])).predict(h)
        actual = path[n:]
        hits80 += int(np.sum((actual >= frame["lower_80"]) & (actual <= frame["upper_80"])))
        hits95 += int(np.sum((actual >= frame["lower_95"]) & (actual <= frame["upper_95"])))
    # Analytical ETS intervals ignore parameter uncertainty and AR(1) is outside the ETS
    # family, so a slight under-coverage (1-3 points over many seeds) is expected.
    assert abs(hits95 / (reps * h) - 0.95) < 0.05
    assert abs(hits80 / (reps * h) - 0.80) < 0.07


def test_short_series_falls_back_to_naive_with_a_reason() -> None:
    y = pd.Series(
        [3.0, 3.2, 3.1, 3.4, 3.3], index=pd.date_range("2024-01-01", periods=5, freq="MS")
    )
    result = forecast_series(y, "M")
    assert result.model == "naive"
    assert result.fallback
    assert result.note and "too short for ETS: 5 observations" in result.note
    assert result.horizon == 12 and len(result.frame) == 12
    assert result.frame.index[0] == pd.Timestamp("2024-06-01")
    assert result.frame["mean"].eq(3.3).all()
    _assert_ordered(result.frame)
    ets, naive = result.candidates
    assert (ets.selected, naive.selected) == (False, True)
    assert ets.note and "too short" in ets.note


def test_ets_failure_falls_back_and_records_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fit(self: ETSForecaster, y: pd.Series) -> ETSForecaster:
        raise ModelFitError("ETS(A,Ad,N) fit failed: LinAlgError: singular matrix")

    monkeypatch.setattr(pipeline.ETSForecaster, "fit", broken_fit)
    result = forecast_series(_weekly(np.linspace(1.0, 2.0, 60)), "W", h=4)
    assert result.model == "naive" and result.fallback
    assert result.note and "LinAlgError" in result.note


def test_unexpected_ets_error_is_a_reason_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def exploding_predict(self: ETSForecaster, h: int, level: object = None) -> pd.DataFrame:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline.ETSForecaster, "predict", exploding_predict)
    result = forecast_series(_weekly(np.linspace(1.0, 2.0, 60)), "W", h=4)
    assert result.model == "naive"
    assert result.note and "ZeroDivisionError: boom" in result.note


def test_seasonal_term_dropped_when_fewer_than_three_seasons() -> None:
    rng = np.random.default_rng(5)
    y = pd.Series(rng.normal(10, 1, 30), index=pd.date_range("2020-01-01", periods=30, freq="MS"))
    result = forecast_series(y, "M", h=6)
    assert result.model == "ETS(A,Ad,N)"
    assert result.note and "no seasonal term" in result.note


def test_holdout_metrics_are_recorded_for_both_candidates() -> None:
    rng = np.random.default_rng(1)
    y = _weekly(100 + np.cumsum(rng.normal(0.2, 1.0, 200)))
    result = forecast_series(y, "W")
    assert [c.model for c in result.candidates] == ["ETS(A,Ad,N)", "naive"]
    for candidate in result.candidates:
        assert candidate.metrics is not None
        assert candidate.metrics["mae"] is not None and candidate.metrics["mae"] >= 0
        assert candidate.metrics["rmse"] is not None
        assert candidate.metrics["rmse"] >= candidate.metrics["mae"]
        assert candidate.metrics["mase"] is not None


def test_empty_series_is_a_clear_error() -> None:
    with pytest.raises(NoObservationsError):
        forecast_series(pd.Series([np.nan], index=pd.DatetimeIndex(["2024-01-01"])), "M")


def test_single_observation_still_gets_a_flat_forecast() -> None:
    y = pd.Series([4.0], index=pd.DatetimeIndex(["2024-01-01"]))
    result = forecast_series(y, "A", h=2)
    assert result.model == "naive"
    assert result.frame["mean"].to_list() == [4.0, 4.0]
    assert result.frame.index[0] == pd.Timestamp("2025-01-01")
