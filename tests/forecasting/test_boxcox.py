"""Box-Cox wrapper (forecasting/boxcox.py) around the baselines: lambda estimation, the
back-transformed mean and intervals, failures, frozen and pickled copies. No database."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

from forecasting.base import ModelFitError, SeriesSpec, z_value
from forecasting.baselines import DriftForecaster, NaiveForecaster
from forecasting.boxcox import BoxCoxForecaster

MONTHLY = SeriesSpec.of("M")
BOUNDS = ["lower_95", "lower_80", "mean", "upper_80", "upper_95"]


def _monthly(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("1990-01-01", periods=len(values), freq="MS"))


def _exp_random_walk(seed: int, n: int, sd: float = 0.03, drift: float = 0.005) -> pd.Series:
    rng = np.random.default_rng(seed)
    return _monthly(np.exp(3.0 + np.cumsum(rng.normal(drift, sd, n))))


def _drift_boxcox(lmbda: float | None = None) -> BoxCoxForecaster:
    return BoxCoxForecaster(MONTHLY, inner=DriftForecaster(MONTHLY), lmbda=lmbda)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_lambda_near_zero_on_exponentiated_random_walks(seed: int) -> None:
    model = _drift_boxcox().fit(_exp_random_walk(seed, 400))
    assert abs(model.params()["lambda"]) < 0.15


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lambda_near_one_when_no_transform_is_needed(seed: int) -> None:
    """Additive noise on a trend from 10 to 260: a log would shrink the late swings 26-fold."""
    rng = np.random.default_rng(seed)
    values = 10.0 + 0.5 * np.arange(500) + np.cumsum(rng.normal(0.0, 1.0, 500))
    assert values.min() > 0
    model = _drift_boxcox().fit(_monthly(values))
    assert abs(model.params()["lambda"] - 1.0) < 0.15
    assert model.params()["lambda_estimated"] is True


def test_back_transformed_intervals_are_positive_and_ordered() -> None:
    y = _exp_random_walk(11, 200, sd=0.1, drift=0.0)
    model = BoxCoxForecaster(MONTHLY, inner=NaiveForecaster(MONTHLY)).fit(y)
    frame = model.predict(24)
    assert list(frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert frame.index[0] == y.index[-1] + pd.offsets.MonthBegin(1)
    assert np.all(frame.to_numpy() > 0)
    assert np.all(np.diff(frame[BOUNDS].to_numpy(), axis=1) >= 0)
    # Skewed like a log-normal: the upper tail is longer than the lower one.
    assert np.all(frame["upper_95"] - frame["mean"] > frame["mean"] - frame["lower_95"])


def test_log_scale_bounds_and_bias_adjusted_mean_by_hand() -> None:
    """With lambda fixed at 0 the bounds are exp() of the inner bounds and the mean is
    exp(mu) (1 + sigma_h^2 / 2), sigma_h read off the inner interval."""
    y = _exp_random_walk(21, 120, sd=0.05)
    model = _drift_boxcox(lmbda=0.0).fit(y)
    frame = model.predict(12)
    inner = DriftForecaster(MONTHLY).fit(np.log(y)).predict(12)
    for col in ("lower_80", "upper_80", "lower_95", "upper_95"):
        np.testing.assert_allclose(frame[col], np.exp(inner[col]), rtol=1e-12)
    sd = (inner["upper_95"] - inner["lower_95"]) / (2.0 * z_value(95))
    np.testing.assert_allclose(frame["mean"], np.exp(inner["mean"]) * (1 + sd**2 / 2), rtol=1e-9)
    assert model.name == "BoxCox(0.00)+drift"


def test_bias_adjusted_mean_is_unbiased_where_the_median_is_not() -> None:
    """On exp(random walk) data E[y_{n+h}] = y_n exp(h sigma^2 / 2): the inverse transform of
    the inner mean (a median) falls short by about 6 % at h = 12, sigma = 0.1."""
    reps, n, h = 1000, 100, 12
    ratio_mean, ratio_median = [], []
    for rep in range(reps):
        rng = np.random.default_rng(50_000 + rep)
        path = np.exp(np.cumsum(rng.normal(0.0, 0.1, n + h)))
        model = BoxCoxForecaster(MONTHLY, inner=NaiveForecaster(MONTHLY), lmbda=0.0)
        frame = model.fit(_monthly(path[:n])).predict(h)
        ratio_mean.append(path[-1] / frame["mean"].iloc[-1])
        ratio_median.append(path[-1] / path[n - 1])
    assert abs(np.mean(ratio_mean) - 1.0) < 0.035
    assert np.mean(ratio_median) > 1.03


def test_lower_bound_is_cut_at_zero_outside_the_transform_range() -> None:
    """lambda = 1 is a shift by one: an inner lower bound below -1 means below zero."""
    rng = np.random.default_rng(3)
    y = _monthly(np.abs(0.5 + rng.normal(0.0, 0.3, 60)) + 0.01)
    model = BoxCoxForecaster(MONTHLY, inner=NaiveForecaster(MONTHLY), lmbda=1.0).fit(y)
    frame = model.predict(24)
    assert frame["lower_95"].iloc[-1] == 0.0
    assert np.all(np.diff(frame[BOUNDS].to_numpy(), axis=1) >= 0)
    assert model.note is not None and "cut at 0" in model.note


def test_back_transform_overflow_is_a_model_fit_error() -> None:
    """lambda = -1 maps y to 1 - 1/y < 1: a drift carrying the forecast past 1 has no inverse."""
    y = _monthly(np.geomspace(1.0, 1000.0, 60))
    model = _drift_boxcox(lmbda=-1.0).fit(y)
    with pytest.raises(ModelFitError, match="overflow"):
        model.predict(200)


@pytest.mark.parametrize("bad", [0.0, -2.5])
def test_non_positive_data_is_refused_with_the_reason(bad: float) -> None:
    values = np.linspace(1.0, 10.0, 40)
    values[7] = bad
    with pytest.raises(ModelFitError, match="positive series"):
        _drift_boxcox().fit(_monthly(values))


def test_constant_series_has_no_lambda() -> None:
    with pytest.raises(ModelFitError, match="constant"):
        _drift_boxcox().fit(_monthly(np.full(30, 4.0)))


def test_frozen_pins_lambda_and_freezes_the_inner_model() -> None:
    model = _drift_boxcox().fit(_exp_random_walk(7, 300))
    lmbda = model.params()["lambda"]
    frozen = model.frozen()
    assert frozen.options["lmbda"] == lmbda
    assert isinstance(frozen.options["inner"], DriftForecaster)
    assert frozen.options["inner"] is not model.inner
    # Refitted on data that calls for no transform, the frozen copy keeps its lambda.
    other = _monthly(10.0 + 0.5 * np.arange(300) + np.random.default_rng(0).normal(0, 1, 300))
    params = frozen.fit(other).params()
    assert params["lambda"] == lmbda and params["lambda_estimated"] is False
    assert frozen.name == f"BoxCox({lmbda:.2f})+drift"


def test_fitted_and_frozen_copies_survive_pickling() -> None:
    y = _exp_random_walk(9, 150)
    model = _drift_boxcox().fit(y)
    clone = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(clone.predict(6), model.predict(6))
    frozen = pickle.loads(pickle.dumps(model.frozen()))
    pd.testing.assert_frame_equal(frozen.fit(y).predict(6), model.predict(6))


def test_params_are_json_with_the_inner_params() -> None:
    model = _drift_boxcox().fit(_exp_random_walk(4, 100))
    params = json.loads(json.dumps(model.params()))
    assert set(params) == {"lambda", "lambda_estimated", "inner"}
    assert {"slope", "slope_stderr", "sigma"} <= set(params["inner"])
    assert len(model.name) <= 64 and model.name.startswith("BoxCox(")


def test_inner_model_must_share_the_spec() -> None:
    with pytest.raises(ValueError, match="inner model"):
        BoxCoxForecaster(MONTHLY, inner=DriftForecaster(SeriesSpec.of("Q")))
    with pytest.raises(ValueError, match="lmbda"):
        BoxCoxForecaster(MONTHLY, inner=DriftForecaster(MONTHLY), lmbda=3.0)
