"""Interval calibration on the backtest: exact on the points it learns from, never looking
at a window when scoring it, and what brings over-wide intervals back to nominal coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import BacktestConfig, backtest
from forecasting.base import SeriesSpec
from forecasting.baselines import NaiveForecaster
from forecasting.calibration import (
    MAX_FACTOR,
    MIN_FACTOR,
    calibrate,
    interval_ratios,
    widen,
    width_factor,
)
from forecasting.pipeline import ForecastConfig, forecast_series


def _frame(mean: list[float], half80: list[float], half95: list[float]) -> pd.DataFrame:
    m, h80, h95 = (np.asarray(v, dtype=float) for v in (mean, half80, half95))
    return pd.DataFrame(
        {
            "mean": m,
            "lower_80": m - h80,
            "upper_80": m + h80,
            "lower_95": m - h95,
            "upper_95": m + h95,
        },
        index=pd.date_range("2020-01-01", periods=len(m), freq="MS", name="date"),
    )


def test_widen_scales_each_side_and_keeps_the_mean() -> None:
    frame = _frame([10, 20], [1, 2], [2, 4])
    frame.loc[frame.index[0], "upper_95"] = 15.0  # an asymmetric (Box-Cox) interval
    out = widen(frame, {80: 2.0, 95: 0.5})
    assert out["mean"].tolist() == [10, 20]
    assert out["lower_80"].tolist() == [8, 16] and out["upper_80"].tolist() == [12, 24]
    assert out["lower_95"].tolist() == [9, 18] and out["upper_95"].tolist() == [12.5, 22]
    pd.testing.assert_frame_equal(widen(frame, {}), frame)


def test_ratios_measure_the_side_the_actual_fell_on() -> None:
    frame = _frame([10, 10, 10], [1, 1, 1], [2, 2, 2])
    frame["upper_95"] = 14.0
    ratios = interval_ratios(np.array([13.0, 9.0, 10.0]), frame, 95)
    assert ratios.tolist() == pytest.approx([0.75, 0.5, 0.0])


def test_a_learned_factor_covers_exactly_the_nominal_share_of_its_points() -> None:
    rng = np.random.default_rng(0)
    ratios = np.abs(rng.standard_t(3, 400)) / 1.96
    factor = width_factor(ratios, 95)
    assert np.mean(ratios <= factor) >= 0.95
    next_smaller = ratios[ratios < factor].max()  # the smallest factor that does: no smaller
    assert np.mean(ratios <= next_smaller) < 0.95
    assert width_factor(np.array([]), 95) == 1.0
    assert width_factor(np.full(50, 100.0), 95) == MAX_FACTOR
    assert width_factor(np.zeros(50), 95) == MIN_FACTOR


def _random_walk(n: int, calm_from: int, seed: int) -> pd.Series:
    """Volatile first, calm at the end: the regime shift that made intervals too wide."""
    rng = np.random.default_rng(seed)
    sd = np.where(np.arange(n) < calm_from, 2.0, 1.0)
    days = pd.bdate_range("2020-01-01", periods=n, name="date")
    return pd.Series(100 + np.cumsum(rng.normal(0, sd)), index=days)


def test_a_window_is_scored_with_factors_from_earlier_windows_only() -> None:
    y = _random_walk(400, 250, seed=1)
    spec = SeriesSpec.of("D")
    config = BacktestConfig(windows=4, horizon=20)
    result = backtest(y, {"naive": lambda: NaiveForecaster(spec)}, spec, config)
    frames = list(result.models["naive"].frames)
    base = calibrate(result, frames)
    # first window: the model's own intervals
    assert base.windows[0].metrics == result.models["naive"].windows[0].metrics
    # wrecking the last window's forecast changes the final factors, never the scoring of
    # the earlier windows (no window learns from itself or from later ones)
    wrecked = [*frames[:-1], widen(frames[-1], {80: 0.01, 95: 0.01})]
    moved = calibrate(result, wrecked)
    assert moved.windows[:-1] == base.windows[:-1]
    assert moved.factors != base.factors


def test_calibration_brings_over_wide_intervals_back_towards_nominal() -> None:
    raw_cov, cal_cov = [], []
    for seed in range(12):
        y = _random_walk(700, 450, seed)
        for calibrated, sink in ((False, raw_cov), (True, cal_cov)):
            config = ForecastConfig(windows=8, horizon=10, models=("naive",), calibrate=calibrated)
            fc = forecast_series(y, "D", h=10, config=config)
            (naive,) = [c for c in fc.candidates if c.model == "naive"]
            sink += [w.metrics["coverage_95"] for w in naive.windows[1:]]
    assert np.mean(raw_cov) > 0.99  # a sigma from the volatile years: far too wide
    assert 0.88 <= np.mean(cal_cov) <= 0.985


def test_the_final_forecast_carries_the_factors_it_was_widened_by() -> None:
    y = _random_walk(600, 400, seed=3)
    raw = forecast_series(y, "D", h=10, config=ForecastConfig(models=("naive",), calibrate=False))
    cal = forecast_series(y, "D", h=10, config=ForecastConfig(models=("naive",)))
    (chosen,) = [c for c in cal.candidates if c.selected]
    assert chosen.params is not None
    factors = {95: chosen.params["interval_factor_95"], 80: chosen.params["interval_factor_80"]}
    pd.testing.assert_frame_equal(cal.frame, widen(raw.frame, factors), rtol=1e-5)
    assert factors[95] < 1  # the calm end of the series narrows the intervals
