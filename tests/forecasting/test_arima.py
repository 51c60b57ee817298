"""AutoARIMAForecaster on simulated series with known answers: coefficients, differencing,
seasonal order, frozen orders, interval coverage, failures, and the CPU budget.

Everything runs the real statsmodels code on seeded simulations; no mocks.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from forecasting import arima
from forecasting.arima import AutoARIMAForecaster
from forecasting.base import ModelFitError, SeriesSpec
from forecasting.threads import single_threaded_blas

MONTHLY = SeriesSpec.of("M")
ANNUAL = SeriesSpec.of("A")  # no season: keeps the walks that need none short
DAILY = SeriesSpec.of("D")


@pytest.fixture(autouse=True)
def _one_blas_thread() -> Iterator[None]:
    """As in the pipeline: with OpenBLAS's thread pool the small Kalman filters run many
    times slower on a busy host (the interval tests took a minute each)."""
    with single_threaded_blas():
        yield


def _dated(values: np.ndarray, spec: SeriesSpec) -> pd.Series:
    if spec.freq == "D":
        index = pd.bdate_range("2019-01-01", periods=len(values))
    elif spec.freq == "A":
        index = pd.date_range("1701-01-01", periods=len(values), freq="YS")
    else:
        index = pd.date_range("1990-01-01", periods=len(values), freq="MS")
    return pd.Series(values, index=index)


def _arma(
    rng: np.random.Generator, n: int, phi: float = 0.0, theta: float = 0.0, burn: int = 200
) -> np.ndarray:
    """x_t = phi x_{t-1} + e_t + theta e_{t-1}, unit-variance noise, burn-in dropped."""
    e = rng.standard_normal(n + burn)
    x = np.zeros(n + burn)
    for t in range(1, n + burn):
        x[t] = phi * x[t - 1] + e[t] + theta * e[t - 1]
    return x[burn:]


def _airline(rng: np.random.Generator, n: int, m: int = 12) -> np.ndarray:
    """ARIMA(0,1,1)(0,1,1)[m] with theta = -0.4, Theta = -0.6: the classic seasonal series."""
    e = rng.standard_normal(n + m + 1)
    w = e[m + 1 :] - 0.4 * e[m:-1] - 0.6 * e[1 : n + 1] + 0.24 * e[:n]
    y = np.zeros(n)
    for t in range(n):
        y[t] = w[t] + (y[t - 1] if t >= 1 else 0) + (y[t - m] if t >= m else 0)
        y[t] -= y[t - m - 1] if t >= m + 1 else 0
    return 100 + y


def _within_stderrs(params: dict[str, float], name: str, truth: float, k: float = 3.0) -> bool:
    return abs(params[name] - truth) <= k * params[f"{name}_stderr"]


# --------------------------------------------------------------------------- coefficients


def test_ar1_coefficient_and_mean_are_recovered() -> None:
    rng = np.random.default_rng(101)
    y = _dated(10 + _arma(rng, 600, phi=0.6), ANNUAL)
    model = AutoARIMAForecaster(ANNUAL, order=(1, 0, 0), trend="c").fit(y)
    params = model.params()
    assert model.name == "ARIMA(1,0,0) with non-zero mean"
    assert abs(params["ar.L1"] - 0.6) < 0.08
    assert _within_stderrs(params, "ar.L1", 0.6)
    assert 0 < params["ar.L1_stderr"] < 0.1
    assert params["mean"] == pytest.approx(10, abs=0.3)
    assert _within_stderrs(params, "mean", 10)
    assert "intercept" not in params
    assert params["sigma2"] == pytest.approx(1.0, rel=0.15)


def test_ma1_coefficient_is_recovered_on_an_integrated_series() -> None:
    rng = np.random.default_rng(202)
    y = _dated(50 + np.cumsum(_arma(rng, 600, theta=-0.5)), ANNUAL)
    params = AutoARIMAForecaster(ANNUAL, order=(0, 1, 1), trend="n").fit(y).params()
    assert abs(params["ma.L1"] + 0.5) < 0.08
    assert _within_stderrs(params, "ma.L1", -0.5)
    assert params["sigma2"] == pytest.approx(1.0, rel=0.15)


def test_search_finds_an_ar1_and_its_coefficient() -> None:
    rng = np.random.default_rng(303)
    y = _dated(10 + _arma(rng, 500, phi=0.7), ANNUAL)
    model = AutoARIMAForecaster(ANNUAL).fit(y)
    params = model.params()
    assert params["order"] == [1, 0, 0]
    assert params["trend"] == "c"
    assert _within_stderrs(params, "ar.L1", 0.7)
    assert params["search"]["method"] == "stepwise CSS"
    assert params["search"]["models"] > 4


# --------------------------------------------------------------------------- order search


def test_search_differences_a_random_walk_but_not_a_stationary_ar1() -> None:
    walk_d, ar_d = [], []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        walk = np.cumsum(rng.standard_normal(300))
        walk_d.append(AutoARIMAForecaster(ANNUAL).fit(_dated(walk, ANNUAL)).params()["order"][1])
        ar1 = 5 + _arma(rng, 300, phi=0.5)
        ar_d.append(AutoARIMAForecaster(ANNUAL).fit(_dated(ar1, ANNUAL)).params()["order"][1])
    # KPSS at 5 %: one miss in ten is allowed either way, a systematic error is not.
    assert walk_d.count(1) >= 9, walk_d
    assert ar_d.count(0) >= 9, ar_d


def test_random_walk_with_drift_gets_a_drift_term() -> None:
    rng = np.random.default_rng(404)
    y = _dated(np.cumsum(0.5 + rng.standard_normal(400)), ANNUAL)
    model = AutoARIMAForecaster(ANNUAL).fit(y)
    params = model.params()
    assert model.name.endswith(" with drift")
    assert params["order"][1] == 1 and params["trend"] == "c"
    assert _within_stderrs(params, "drift", 0.5)
    forecast = model.predict(10)["mean"].to_numpy()
    assert np.mean(np.diff(forecast)) == pytest.approx(0.5, abs=0.2)


def test_strongly_seasonal_monthly_series_gets_a_seasonal_order() -> None:
    rng = np.random.default_rng(505)
    y = _dated(_airline(rng, 240), MONTHLY)
    model = AutoARIMAForecaster(MONTHLY).fit(y)
    params = model.params()
    assert params["seasonal_order"][3] == 12
    assert params["seasonal_order"][1] == 1  # seasonally differenced
    assert params["search"]["seasonal_strength"] > arima.SEASONAL_STRENGTH_MIN
    assert re.fullmatch(r"ARIMA\(\d,\d,\d\)\(\d,1,\d\)\[12\]( with drift)?", model.name)
    # The forecast repeats last year's shape.
    forecast = model.predict(12)["mean"].to_numpy()
    last_year = y.to_numpy()[-12:]
    assert np.corrcoef(forecast, last_year)[0, 1] > 0.8


def test_deterministic_season_plus_noise_is_seasonal_too() -> None:
    rng = np.random.default_rng(606)
    t = np.arange(180)
    y = 20 + 4 * np.sin(2 * np.pi * t / 12) + np.cumsum(rng.standard_normal(180)) * 0.3
    model = AutoARIMAForecaster(MONTHLY).fit(_dated(y + rng.standard_normal(180) * 0.5, MONTHLY))
    assert model.params()["seasonal_order"][3] == 12


def test_non_seasonal_monthly_series_gets_no_seasonal_difference() -> None:
    rng = np.random.default_rng(707)
    model = AutoARIMAForecaster(MONTHLY).fit(_dated(np.cumsum(rng.standard_normal(300)), MONTHLY))
    assert model.params()["seasonal_order"][1] == 0


def test_season_longer_than_the_state_limit_is_left_out_with_a_note() -> None:
    weekly = SeriesSpec.of("W")
    rng = np.random.default_rng(808)
    fridays = pd.date_range("2015-01-02", periods=300, freq="7D")
    y = pd.Series(np.cumsum(rng.standard_normal(300)), index=fridays)
    model = AutoARIMAForecaster(weekly).fit(y)
    assert model.params()["seasonal_order"] == [0, 0, 0, 0]
    assert model.note is not None and "no seasonal term" in model.note


# --------------------------------------------------------------------------- frozen


def test_frozen_pins_order_seasonal_order_and_trend() -> None:
    rng = np.random.default_rng(909)
    seasonal = _dated(_airline(rng, 240), MONTHLY)
    model = AutoARIMAForecaster(MONTHLY).fit(seasonal)
    chosen = model.params()
    frozen = model.frozen()
    assert isinstance(frozen, AutoARIMAForecaster)
    assert frozen.options == {
        "order": tuple(chosen["order"]),
        "seasonal_order": tuple(chosen["seasonal_order"]),
        "trend": chosen["trend"],
    }
    # Data an automatic search models quite differently (undifferenced): the order stays.
    other = _dated(5 + _arma(rng, 200, phi=0.5), MONTHLY)
    assert AutoARIMAForecaster(MONTHLY).fit(other).params()["order"][1] == 0
    refit = frozen.fit(other).params()
    assert refit["order"] == chosen["order"]
    assert refit["seasonal_order"] == chosen["seasonal_order"]
    assert refit["trend"] == chosen["trend"]
    assert refit["search"]["method"] == "pinned"
    assert frozen.name == model.name
    # ...while the coefficients are re-estimated.
    coefficient = "ma.S.L12" if "ma.S.L12" in chosen else "sigma2"
    assert refit[coefficient] != pytest.approx(chosen[coefficient], rel=0.05)


def test_frozen_of_an_unfitted_model_keeps_its_options() -> None:
    model = AutoARIMAForecaster(MONTHLY, order=(1, 1, 0))
    assert model.frozen().options == {"order": (1, 1, 0), "seasonal_order": None, "trend": None}


# --------------------------------------------------------------------------- intervals


def _coverage(pin_truth: bool, n_series: int) -> dict[int, float]:
    """Pooled coverage of 1- to 4-step intervals over simulated ARMA(1,1) / ARIMA(1,1,1)
    paths with random coefficients, 120 observations each."""
    rng = np.random.default_rng(2024)
    hits: dict[int, list[bool]] = {80: [], 95: []}
    n, h = 120, 4
    for _ in range(n_series):
        phi, theta, d = rng.uniform(-0.7, 0.7), rng.uniform(-0.6, 0.6), int(rng.integers(0, 2))
        x = _arma(rng, n + h, phi=phi, theta=theta)
        x = 10 + (np.cumsum(x) if d else x)
        if pin_truth:
            model = AutoARIMAForecaster(ANNUAL, order=(1, d, 1), trend="n" if d else "c")
        else:
            model = AutoARIMAForecaster(ANNUAL)
        frame = model.fit(_dated(x[:n], ANNUAL)).predict(h)
        future = x[n:]
        for lv in hits:
            inside = (frame[f"lower_{lv}"] <= future) & (future <= frame[f"upper_{lv}"])
            hits[lv].extend(inside.tolist())
    return {lv: float(np.mean(v)) for lv, v in hits.items()}


def test_interval_coverage_of_the_true_order_is_nominal() -> None:
    # 1,200 points from 300 paths: a 3.5-point miss at 80 % or 2 at 95 % is ~2.5 sd out.
    coverage = _coverage(pin_truth=True, n_series=300)
    assert coverage[80] == pytest.approx(0.80, abs=0.035), coverage
    assert coverage[95] == pytest.approx(0.95, abs=0.02), coverage


def test_interval_coverage_after_the_search_is_close_to_nominal() -> None:
    # Order selection and parameter error make any plug-in interval a little narrow.
    coverage = _coverage(pin_truth=False, n_series=150)
    assert coverage[80] == pytest.approx(0.80, abs=0.05), coverage
    assert coverage[95] == pytest.approx(0.95, abs=0.03), coverage


def test_standard_errors_match_the_spread_of_the_estimates() -> None:
    """Over repeated samples (est - true) / stderr is roughly standard normal."""
    rng = np.random.default_rng(3030)
    z: list[float] = []
    for i in range(120):
        if i % 2:
            y, order, name, truth = 3 + _arma(rng, 200, phi=0.5), (1, 0, 0), "ar.L1", 0.5
        else:
            y, order, name, truth = _arma(rng, 200, theta=0.4), (0, 0, 1), "ma.L1", 0.4
        params = AutoARIMAForecaster(ANNUAL, order=order, trend="c").fit(_dated(y, ANNUAL)).params()
        z.append((params[name] - truth) / params[f"{name}_stderr"])
    assert abs(np.mean(z)) < 0.3, np.mean(z)
    assert 0.8 < np.std(z) < 1.25, np.std(z)
    assert np.mean(np.abs(z) < 1.96) > 0.88


# --------------------------------------------------------------------------- contract


def test_predict_params_and_name_follow_the_contract() -> None:
    rng = np.random.default_rng(1111)
    y = _dated(_airline(rng, 180), MONTHLY)
    model = AutoARIMAForecaster(MONTHLY).fit(y)
    frame = model.predict(14, level=(95, 80))
    assert list(frame.columns) == ["mean", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert frame.index[0] == y.index[-1] + pd.DateOffset(months=1)
    assert len(frame) == 14 and np.all(np.isfinite(frame.to_numpy()))
    assert np.all(frame["lower_95"] <= frame["lower_80"])
    assert np.all(frame["lower_80"] <= frame["mean"])
    assert np.all(frame["upper_80"] <= frame["upper_95"])
    assert np.all(np.diff(frame["upper_95"] - frame["lower_95"]) > 0)  # integrated: widens

    params = model.params()
    json.dumps(params, allow_nan=False)
    coefficients = [k for k in params if f"{k}_stderr" in params]
    assert coefficients, params
    assert all(params[f"{k}_stderr"] > 0 for k in coefficients)
    assert math.isfinite(params["aicc"]) and params["sigma2"] > 0
    assert len(model.name) <= 64
    assert model.name.startswith("ARIMA(")


def test_scale_of_the_series_does_not_change_the_model() -> None:
    rng = np.random.default_rng(1212)
    base = 3 + np.cumsum(_arma(rng, 300, phi=0.4))
    small = AutoARIMAForecaster(ANNUAL).fit(_dated(base, ANNUAL))
    large = AutoARIMAForecaster(ANNUAL).fit(_dated(2e7 + 1e5 * base, ANNUAL))
    assert large.name == small.name
    expected = 2e7 + 1e5 * small.predict(8).to_numpy()
    np.testing.assert_allclose(large.predict(8).to_numpy(), expected, rtol=1e-5)
    assert large.params()["sigma2"] == pytest.approx(1e10 * small.params()["sigma2"], rel=1e-3)


def test_too_short_series_raise_with_the_reason() -> None:
    y = _dated(np.arange(8.0) + np.array([0, 1, 0, 2, 1, 0, 1, 2]), ANNUAL)
    reason = r"too short for ARIMA\(2,1,2\): 8 observations < 10 needed"
    with pytest.raises(ModelFitError, match=reason):
        AutoARIMAForecaster(ANNUAL, order=(2, 1, 2), trend="n").fit(y)
    with pytest.raises(ModelFitError, match=r"too short for automatic ARIMA: 6 observations < 10"):
        AutoARIMAForecaster(ANNUAL).fit(y.iloc[:6])
    seasonal = _dated(np.sin(np.arange(20.0)), MONTHLY)
    with pytest.raises(ModelFitError, match=r"too short for ARIMA\(0,1,1\)\(0,1,1\)\[12\]"):
        AutoARIMAForecaster(MONTHLY, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(seasonal)


def test_short_monthly_series_skips_the_season_with_a_note() -> None:
    rng = np.random.default_rng(1313)
    model = AutoARIMAForecaster(MONTHLY).fit(_dated(np.cumsum(rng.standard_normal(30)), MONTHLY))
    assert model.params()["seasonal_order"] == [0, 0, 0, 0]
    assert model.note is not None and "30 observations < 3 seasons of 12" in model.note


def test_white_noise_with_a_mean_has_finite_intervals() -> None:
    # Standardized white noise has an MLE sigma2 of exactly 1.0, which statsmodels 0.15
    # forecasts with NaN standard errors when sigma2 is concentrated out.
    rng = np.random.default_rng(1616)
    y = _dated(7 + 2 * rng.standard_normal(150), ANNUAL)
    model = AutoARIMAForecaster(ANNUAL, order=(0, 0, 0), trend="c").fit(y)
    frame = model.predict(3)
    params = model.params()
    assert params["mean"] == pytest.approx(float(y.mean()), abs=1e-6)
    width = (frame["upper_95"] - frame["lower_95"]).to_numpy()
    np.testing.assert_allclose(width, 2 * 1.959964 * math.sqrt(params["sigma2"]), rtol=1e-4)


def test_constant_series_raises() -> None:
    with pytest.raises(ModelFitError, match="constant"):
        AutoARIMAForecaster(ANNUAL).fit(_dated(np.full(40, 2.5), ANNUAL))


def test_non_convergence_is_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arima, "MLE_MAXITER", 1)
    rng = np.random.default_rng(1414)
    y = _dated(_airline(rng, 200), MONTHLY)
    model = AutoARIMAForecaster(MONTHLY, order=(2, 1, 1), seasonal_order=(1, 1, 1, 12)).fit(y)
    assert model.note is not None and "did not converge" in model.note
    assert np.all(np.isfinite(model.predict(3).to_numpy()))


def test_invalid_options_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="order"):
        AutoARIMAForecaster(MONTHLY, order=(1, 1))
    with pytest.raises(ValueError, match="period"):
        AutoARIMAForecaster(MONTHLY, seasonal_order=(1, 0, 0, 1))
    with pytest.raises(ValueError, match="trend"):
        AutoARIMAForecaster(MONTHLY, trend="ct")
    with pytest.raises(RuntimeError, match="before fit"):
        AutoARIMAForecaster(MONTHLY).predict(3)


# --------------------------------------------------------------------------- budget


def test_cpu_budget_on_five_years_of_business_days() -> None:
    """docs/forecasting.md: auto <= 1.5 s, frozen <= 0.4 s CPU on 1,250 observations."""
    rng = np.random.default_rng(1515)
    y = _dated(4 + 0.05 * np.cumsum(_arma(rng, 1250, phi=0.3, theta=-0.2)), DAILY)
    with single_threaded_blas():
        start = time.process_time()
        model = AutoARIMAForecaster(DAILY).fit(y)
        model.predict(30)
        auto_cpu = time.process_time() - start
        start = time.process_time()
        model.frozen().fit(y).predict(30)
        frozen_cpu = time.process_time() - start
    assert auto_cpu <= 1.5, (model.name, auto_cpu)
    assert frozen_cpu <= 0.4, (model.name, frozen_cpu)
