"""Trend curves (forecasting/curves.py) on simulated curve + AR(1) data: parameters and their
standard errors, Fourier terms, interval coverage, failures and frozen copies. No database."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from forecasting.base import ModelFitError, SeriesSpec
from forecasting.curves import TrendCurveForecaster

ANNUAL = SeriesSpec.of("A")
MONTHLY = SeriesSpec.of("M")
WEEKLY = SeriesSpec.of("W")
BOUNDS = ["lower_95", "lower_80", "mean", "upper_80", "upper_95"]

Curve = Callable[[np.ndarray], np.ndarray]

#: kind -> (true curve of time in years, true parameters, absolute tolerance per parameter).
TRUTHS: dict[str, tuple[Curve, dict[str, float], dict[str, float]]] = {
    "linear": (
        lambda x: 10.0 + 0.5 * x,
        {"level": 10.0, "slope": 0.5},
        {"level": 1.5, "slope": 0.03},
    ),
    "exponential": (
        lambda x: 20.0 * np.exp(0.01 * x),
        {"amplitude": 20.0, "rate": 0.01},
        {"amplitude": 1.5, "rate": 0.001},
    ),
    "logistic": (
        lambda x: 100.0 / (1.0 + np.exp(-0.08 * (x - 40.0))),
        {"capacity": 100.0, "rate": 0.08, "midpoint": 40.0},
        {"capacity": 1.0, "rate": 0.005, "midpoint": 1.0},
    ),
}


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    shocks = rng.normal(0.0, sd, n + 50)
    out = np.zeros(n + 50)
    for t in range(1, n + 50):
        out[t] = phi * out[t - 1] + shocks[t]
    return out[50:]


def _annual(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("1870-01-01", periods=len(values), freq="YS"))


def _monthly(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=len(values), freq="MS"))


def _weekly(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2000-01-07", periods=len(values), freq="7D"))


def _noise_sd(kind: str) -> float:
    # The logistic starts near 4: smaller noise keeps the simulated series positive.
    return 0.5 if kind == "logistic" else 1.0


@pytest.mark.parametrize("kind", sorted(TRUTHS))
def test_each_curve_recovers_its_parameters_within_three_stderr(kind: str) -> None:
    curve, truth, tolerance = TRUTHS[kind]
    rng = np.random.default_rng(4242)
    n = 150
    y = _annual(curve(np.arange(n, dtype=float)) + _ar1(rng, n, 0.6, _noise_sd(kind)))
    model = TrendCurveForecaster(ANNUAL, kind=kind).fit(y)
    params = model.params()
    assert model.name == f"Curve({kind})"
    assert params["kind"] == kind and params["K"] == 0
    for name, value in truth.items():
        assert abs(params[name] - value) < tolerance[name], (name, params)
        assert abs(params[name] - value) < 3.0 * params[f"{name}_stderr"], (name, params)
    assert abs(params["phi"] - 0.6) < 0.15
    assert abs(params["sigma"] - _noise_sd(kind)) < 0.15 * _noise_sd(kind)


def test_slope_stderr_allows_for_autocorrelated_deviations() -> None:
    """With phi = 0.6 an iid standard error is about half the true one, so only about two
    thirds of the 95 % z-intervals would hold the true slope; the GLS ones must hold ~95 %."""
    hits = []
    for rep in range(150):
        rng = np.random.default_rng(9000 + rep)
        n = 100
        y = _annual(10.0 + 0.5 * np.arange(n) + _ar1(rng, n, 0.6, 1.0))
        params = TrendCurveForecaster(ANNUAL, kind="linear").fit(y).params()
        hits.append(abs(params["slope"] - 0.5) < 1.96 * params["slope_stderr"])
    assert 0.89 <= np.mean(hits) <= 0.99


def test_time_is_measured_in_years() -> None:
    rng = np.random.default_rng(12)
    n = 240
    steps = np.arange(n, dtype=float)
    y = _monthly(50.0 + 2.0 * steps / 12.0 + _ar1(rng, n, 0.5, 0.5))
    params = TrendCurveForecaster(MONTHLY, kind="linear", fourier=0).fit(y).params()
    assert params["steps_per_year"] == 12.0
    assert abs(params["slope"] - 2.0) < 0.1  # per year, not per month


def _amplitude(params: dict[str, float]) -> float:
    return float(np.hypot(params["sin1"], params["cos1"]))


def test_fourier_terms_recover_a_monthly_seasonal_amplitude() -> None:
    rng = np.random.default_rng(31)
    n = 240
    steps = np.arange(n, dtype=float)
    angle = 2.0 * np.pi * steps / 12.0
    y = _monthly(50.0 + 0.1 * steps + 3.0 * np.sin(angle) + 1.5 * np.cos(angle))
    y += _ar1(rng, n, 0.5, 0.7)
    model = TrendCurveForecaster(MONTHLY, kind="linear").fit(y)
    params = model.params()
    assert params["K"] >= 1
    assert model.name == f"Curve(linear)+Fourier({params['K']})"
    assert abs(_amplitude(params) - np.hypot(3.0, 1.5)) < 0.3
    for name, value in (("sin1", 3.0), ("cos1", 1.5)):
        assert abs(params[name] - value) < 3.0 * params[f"{name}_stderr"]


def test_no_seasonal_terms_chosen_without_a_season_in_the_data() -> None:
    rng = np.random.default_rng(32)
    n = 240
    y = _monthly(50.0 + 0.1 * np.arange(n) + rng.normal(0.0, 1.0, n))
    assert TrendCurveForecaster(MONTHLY, kind="linear").fit(y).params()["K"] == 0


def test_weekly_yearly_cycle_from_fourier_terms() -> None:
    rng = np.random.default_rng(52)
    n = 520
    steps = np.arange(n, dtype=float)
    y = _weekly(20.0 + 0.01 * steps + 2.0 * np.sin(2.0 * np.pi * steps / 52.0))
    y += _ar1(rng, n, 0.5, 0.5)
    model = TrendCurveForecaster(WEEKLY, kind="linear").fit(y)
    params = model.params()
    assert params["K"] >= 1
    assert abs(_amplitude(params) - 2.0) < 0.25
    frame = model.predict(13)
    assert frame.index[0] == y.index[-1] + pd.Timedelta(days=7)
    # The forecast follows the cycle: a quarter of a year ahead the sine has turned.
    ahead = np.arange(n, n + 13, dtype=float)
    truth = 20.0 + 0.01 * ahead + 2.0 * np.sin(2.0 * np.pi * ahead / 52.0)
    assert np.corrcoef(frame["mean"].to_numpy(), truth)[0, 1] > 0.9


def test_semiannual_harmonic_keeps_only_its_cosine() -> None:
    """At k = season / 2 the sine is zero on every step; fitting it would leave lmfit
    without a covariance."""
    rng = np.random.default_rng(2)
    n = 60
    steps = np.arange(n, dtype=float)
    y = pd.Series(
        5.0 + 0.05 * steps + 0.8 * np.cos(np.pi * steps) + rng.normal(0.0, 0.2, n),
        index=pd.date_range("1990-01-01", periods=n, freq="6MS"),
    )
    params = TrendCurveForecaster(SeriesSpec.of("SA"), kind="linear", fourier=1).fit(y).params()
    assert "sin1" not in params
    assert abs(params["cos1"] - 0.8) < 3.0 * params["cos1_stderr"]


@pytest.mark.parametrize(
    ("kind", "n", "h", "phi"),
    [
        ("linear", 150, 10, 0.6),
        ("logistic", 150, 10, 0.6),
        # Short history, long horizon: without the curve's parameter uncertainty the 80 %
        # intervals would hold about 75 % here.
        ("linear", 60, 20, 0.5),
    ],
)
def test_interval_coverage_on_curve_plus_ar1_noise(kind: str, n: int, h: int, phi: float) -> None:
    curve, _, _ = TRUTHS[kind]
    reps = 300
    steps = np.arange(n + h, dtype=float)
    hits80 = hits95 = 0
    for rep in range(reps):
        rng = np.random.default_rng(7000 + rep)
        values = curve(steps) + _ar1(rng, n + h, phi, _noise_sd(kind))
        frame = TrendCurveForecaster(ANNUAL, kind=kind).fit(_annual(values[:n])).predict(h)
        future = values[n:]
        hits80 += int(np.sum((frame["lower_80"] <= future) & (future <= frame["upper_80"])))
        hits95 += int(np.sum((frame["lower_95"] <= future) & (future <= frame["upper_95"])))
    assert abs(hits80 / (reps * h) - 0.80) < 0.04
    assert abs(hits95 / (reps * h) - 0.95) < 0.025


def test_forecast_starts_from_the_last_deviation() -> None:
    """AR(1) deviations persist: a series that ends 5 units above its line is forecast to
    stay above it for a while, and the intervals widen towards the AR(1) limit (not strictly
    monotone: the uncertainty of phi itself matters most a few steps out)."""
    rng = np.random.default_rng(77)
    n = 200
    values = 10.0 + 0.5 * np.arange(n) + _ar1(rng, n, 0.8, 0.5)
    values[-1] = 10.0 + 0.5 * (n - 1) + 5.0
    model = TrendCurveForecaster(ANNUAL, kind="linear").fit(_annual(values))
    frame = model.predict(20)
    line = 10.0 + 0.5 * np.arange(n, n + 20)
    gap = frame["mean"].to_numpy() - line
    assert gap[0] > 2.5 and gap[0] > gap[5] > gap[19] > -0.5
    width = (frame["upper_95"] - frame["lower_95"]).to_numpy()
    assert width[19] > 1.4 * width[0]
    assert np.all(np.diff(frame[BOUNDS].to_numpy(), axis=1) >= 0)


def test_params_are_json_and_name_is_short() -> None:
    rng = np.random.default_rng(5)
    n = 520
    steps = np.arange(n, dtype=float)
    y = _weekly(30.0 * np.exp(0.02 * steps / 52) + np.sin(2 * np.pi * steps / 52))
    y += rng.normal(0.0, 0.3, n)
    model = TrendCurveForecaster(WEEKLY, kind="exponential", fourier=3).fit(y)
    params = json.loads(json.dumps(model.params()))
    assert model.name == "Curve(exponential)+Fourier(3)" and len(model.name) <= 64
    assert {"amplitude", "rate_stderr", "sin3", "cos3_stderr", "phi", "sigma", "aicc"} <= set(
        params
    )
    assert params["K"] == 3 and params["kind"] == "exponential"
    assert all(np.isfinite(v) for k, v in params.items() if k.endswith("_stderr"))


@pytest.mark.parametrize("kind", ["exponential", "logistic"])
def test_non_positive_data_is_refused_with_the_reason(kind: str) -> None:
    y = _annual(np.linspace(-1.0, 10.0, 40))
    with pytest.raises(ModelFitError, match="positive series"):
        TrendCurveForecaster(ANNUAL, kind=kind).fit(y)


def test_too_short_names_the_minimum() -> None:
    y = _annual(np.arange(1.0, 8.0))
    with pytest.raises(ModelFitError, match="7 observations, needs at least 8"):
        TrendCurveForecaster(ANNUAL, kind="linear").fit(y)
    monthly = _monthly(np.arange(1.0, 21.0))
    with pytest.raises(ModelFitError, match="needs at least 24"):
        TrendCurveForecaster(MONTHLY, kind="linear", fourier=2).fit(monthly)


def test_logistic_without_saturation_is_refused() -> None:
    """A falling series has no S-curve to fit: a logistic must say so, not extrapolate."""
    rng = np.random.default_rng(8)
    y = _annual(100.0 - 0.5 * np.arange(80) + rng.normal(0.0, 1.0, 80))
    with pytest.raises(ModelFitError, match="logistic"):
        TrendCurveForecaster(ANNUAL, kind="logistic").fit(y)


def test_logistic_on_random_walks_is_refused_with_a_reason() -> None:
    """A wandering series has no S-curve: the fit runs into a bound, finds no rising start,
    or (seed 9) lands on a curve so loosely pinned down that the parameter uncertainty
    alone would swamp the one-step noise. None may pass as a forecast."""
    reasons = {}
    for seed in range(11):
        rng = np.random.default_rng(seed)
        y = _weekly(10.0 + np.cumsum(rng.normal(0.0, 0.1, 600)))
        with pytest.raises(ModelFitError, match="Curve\\(logistic\\)") as info:
            TrendCurveForecaster(WEEKLY, kind="logistic").fit(y)
        reasons[seed] = str(info.value)
    assert "not identified" in reasons[9]


def test_bad_options_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="unknown curve kind"):
        TrendCurveForecaster(ANNUAL, kind="quadratic")
    with pytest.raises(ValueError, match="needs a season"):
        TrendCurveForecaster(ANNUAL, fourier=1)
    with pytest.raises(ValueError, match="exceeds season"):
        TrendCurveForecaster(MONTHLY, fourier=7)


def test_frozen_pins_kind_and_fourier_pairs() -> None:
    rng = np.random.default_rng(61)
    n = 240
    steps = np.arange(n, dtype=float)
    seasonal = _monthly(50.0 + 0.1 * steps + 3.0 * np.sin(2 * np.pi * steps / 12))
    seasonal += _ar1(rng, n, 0.5, 0.5)
    model = TrendCurveForecaster(MONTHLY, kind="exponential").fit(seasonal)
    k = model.params()["K"]
    assert k >= 1
    frozen = model.frozen()
    assert frozen.options == {"kind": "exponential", "fourier": k}
    # Refitted on data with no season at all, the frozen copy keeps its K.
    plain = _monthly(50.0 + 0.1 * steps[:200] + rng.normal(0.0, 1.0, 200))
    assert frozen.fit(plain).params()["K"] == k
    assert TrendCurveForecaster(MONTHLY, kind="exponential").frozen().options["fourier"] is None


def test_fitted_model_survives_pickling() -> None:
    rng = np.random.default_rng(1)
    y = _annual(20.0 * np.exp(0.01 * np.arange(100)) + rng.normal(0.0, 0.5, 100))
    model = TrendCurveForecaster(ANNUAL, kind="exponential").fit(y)
    clone = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(clone.predict(5), model.predict(5))
