"""Statistical behaviour of the ETS and Theta models on data simulated from known models.

Everything runs statsmodels for real with fixed seeds: parameters are recovered within a few
standard errors, the spec search finds the structure the data was made with, and pooled
interval coverage over many short series lands within a few points of nominal. Coverage runs
use pinned specs to keep the file's CPU time low; the auto search is exercised elsewhere.
Coverage series have 200 observations: at 80 the plug-in intervals (parameters treated as
known) of both ETS(A,N,N) and ETS(M,N,N) cover about 75-77 % at the 80 % level.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from forecasting.base import ModelFitError, SeriesSpec
from forecasting.ets import AutoETSForecaster
from forecasting.theta import ThetaForecaster
from forecasting.threads import single_threaded_blas

MONTHLY = SeriesSpec.of("M")
DAILY = SeriesSpec.of("D")
WEEKLY = SeriesSpec.of("W")
BOUNDS = ["lower_95", "lower_80", "mean", "upper_80", "upper_95"]


@pytest.fixture(autouse=True)
def _one_blas_thread() -> Iterator[None]:
    """As in the pipeline: OpenBLAS's thread pool makes these tiny fits ~8x slower."""
    with single_threaded_blas():
        yield


@dataclass
class Simulated:
    """A path from an additive ETS model and its states after the last observation."""

    y: np.ndarray
    level: float
    slope: float
    season: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _simulate_additive(
    rng: np.random.Generator,
    n: int,
    *,
    alpha: float,
    level: float,
    sigma: float,
    beta: float = 0.0,
    slope: float = 0.0,
    gamma: float = 0.0,
    season: np.ndarray | None = None,
) -> Simulated:
    """ETS(A,A,A) in error-correction form; beta = slope = 0 drops the trend, season=None
    the season. ``season[k]`` is the seasonal state of the k-th observation."""
    states = np.zeros(1) if season is None else np.array(season, dtype=float)
    m = len(states)
    y = np.empty(n)
    for t, e in enumerate(rng.normal(0.0, sigma, n)):
        y[t] = level + slope + states[t % m] + e
        level, slope = level + slope + alpha * e, slope + beta * e
        states[t % m] += gamma * e
    ahead = np.roll(states, -(n % m)) if season is not None else np.zeros(0)
    return Simulated(y, level, slope, ahead)


def _simulate_mnn(rng: np.random.Generator, n: int, alpha: float, sigma: float) -> np.ndarray:
    """ETS(M,N,N): y_t = l_{t-1} (1 + e_t), l_t = l_{t-1} (1 + alpha e_t)."""
    level, y = 100.0, np.empty(n)
    for t, e in enumerate(rng.normal(0.0, sigma, n)):
        y[t] = level * (1.0 + e)
        level *= 1.0 + alpha * e
    return y


def _monthly(values: np.ndarray, start: str = "2000-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def _business_daily(values: np.ndarray, start: str = "2020-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)))


def _coverage(frames: list[pd.DataFrame], futures: list[np.ndarray]) -> dict[int, float]:
    out = {}
    for lv in (80, 95):
        inside = [
            (f >= fr[f"lower_{lv}"].to_numpy()) & (f <= fr[f"upper_{lv}"].to_numpy())
            for fr, f in zip(frames, futures, strict=True)
        ]
        out[lv] = 100.0 * float(np.mean(np.concatenate(inside)))
    return out


def _assert_ordered(frame: pd.DataFrame) -> None:
    values = frame[BOUNDS].to_numpy()
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values, axis=1) >= 0), frame


# ------------------------------------------------------------------------- ETS: recovery


def test_ets_recovers_a_known_aan_model() -> None:
    rng = np.random.default_rng(5)
    sim = _simulate_additive(rng, 400, alpha=0.4, beta=0.08, level=100.0, slope=0.5, sigma=1.0)
    model = AutoETSForecaster(MONTHLY, error="add", trend="add", damped=False, seasonal="none")
    params = model.fit(_monthly(sim.y)).params()
    assert model.name == "ETS(A,A,N)"
    # About 3 sd of the estimates over seeds (statsmodels' stderr says 0.04, the spread 0.06).
    assert params["alpha"] == pytest.approx(0.4, abs=0.15)
    assert params["beta"] == pytest.approx(0.08, abs=0.05)
    assert params["sigma2"] == pytest.approx(1.0, abs=0.25)
    assert params["initial_level"] == pytest.approx(100.0, abs=3.0)
    assert params["initial_trend"] == pytest.approx(0.5, abs=0.4)
    assert params["last_level"] == pytest.approx(sim.level, abs=1.5)
    assert params["last_trend"] == pytest.approx(sim.slope, abs=0.3)
    assert 0 < params["alpha_stderr"] < 0.2
    json.dumps(params)  # stored as JSON


def test_ets_recovers_a_known_seasonal_model() -> None:
    # statsmodels' estimate of gamma often piles up at 0 on a few hundred points (the
    # likelihood with estimated initial seasonal states is bimodal); 40 years of data pin it.
    rng = np.random.default_rng(0)
    season = 6.0 * np.sin(2 * np.pi * np.arange(12) / 12)
    sim = _simulate_additive(
        rng, 480, alpha=0.2, gamma=0.3, level=50.0, sigma=1.0, season=season - season.mean()
    )
    model = AutoETSForecaster(MONTHLY, error="add", trend="none", seasonal="add")
    model.fit(_monthly(sim.y))
    params = model.params()
    assert model.name == "ETS(A,N,A)"
    assert params["alpha"] == pytest.approx(0.2, abs=0.1)
    assert params["gamma"] == pytest.approx(0.3, abs=0.1)
    assert params["last_level"] == pytest.approx(sim.level, abs=1.5)
    assert len(params["initial_seasonal"]) == 12
    mean = model.predict(12)["mean"].to_numpy()
    # The next 12 forecasts are the level plus the final seasonal states, in calendar order.
    np.testing.assert_allclose(mean - mean.mean(), sim.season - sim.season.mean(), atol=1.0)


# ----------------------------------------------------------------------- ETS: the search


def test_auto_ets_picks_a_season_on_seasonal_data() -> None:
    rng = np.random.default_rng(3)
    season = 8.0 * np.sin(2 * np.pi * np.arange(12) / 12)
    sim = _simulate_additive(rng, 120, alpha=0.2, gamma=0.05, level=100.0, sigma=1.0, season=season)
    model = AutoETSForecaster(MONTHLY).fit(_monthly(sim.y))
    assert model.name.endswith(("A)", "M)")), model.name
    assert model.note is None
    frame = model.predict(24)
    _assert_ordered(frame)
    assert np.corrcoef(frame["mean"].to_numpy()[:12], sim.season)[0, 1] > 0.95


def test_auto_ets_picks_no_season_on_non_seasonal_data() -> None:
    rng = np.random.default_rng(4)
    sim = _simulate_additive(rng, 120, alpha=0.5, level=100.0, sigma=1.0)
    model = AutoETSForecaster(MONTHLY).fit(_monthly(sim.y))
    assert model.name.endswith("N)"), model.name
    assert model.params()["season"] is None


def test_auto_ets_notes_why_a_season_is_left_out() -> None:
    rng = np.random.default_rng(6)
    values = 100.0 + np.cumsum(rng.normal(0.0, 1.0, 30))
    short = AutoETSForecaster(MONTHLY).fit(_monthly(values))
    assert short.name.endswith("N)")
    assert short.note and "30 observations < 3 seasons of 12" in short.note
    weekly_index = pd.date_range("2020-01-03", periods=200, freq="7D")
    weekly = pd.Series(100.0 + np.cumsum(rng.normal(0.0, 1.0, 200)), index=weekly_index)
    long_season = AutoETSForecaster(WEEKLY).fit(weekly)
    assert long_season.note and "season of 52" in long_season.note


def test_frozen_pins_the_chosen_spec() -> None:
    rng = np.random.default_rng(3)
    season = 8.0 * np.sin(2 * np.pi * np.arange(12) / 12)
    seasonal = _simulate_additive(rng, 120, alpha=0.2, level=100.0, sigma=1.0, season=season)
    model = AutoETSForecaster(MONTHLY).fit(_monthly(seasonal.y))
    chosen = model.name
    frozen = model.frozen()
    assert frozen.name == chosen  # pinned before it is fitted
    assert all(frozen.options[k] is not None for k in ("error", "trend", "damped", "seasonal"))
    # A later fit on data without any season keeps the spec: parameters only are refitted.
    flat = _simulate_additive(rng, 150, alpha=0.5, level=100.0, sigma=1.0)
    assert AutoETSForecaster(MONTHLY).fit(_monthly(flat.y)).name != chosen
    frozen.fit(_monthly(flat.y))
    assert frozen.name == chosen
    assert frozen.params()["spec"] == chosen


def test_multiplicative_components_need_positive_data() -> None:
    rng = np.random.default_rng(9)
    values = np.cumsum(rng.normal(0.0, 1.0, 80))
    values -= values.mean()  # crosses zero
    model = AutoETSForecaster(DAILY).fit(_business_daily(values))
    assert model.name.startswith("ETS(A,")
    assert not model.name.endswith("M)")
    assert model.note and "multiplicative components excluded" in model.note
    with pytest.raises(ModelFitError, match="strictly positive"):
        AutoETSForecaster(DAILY, error="mul").fit(_business_daily(values))


def test_a_multiplicative_forecast_below_zero_is_unfit() -> None:
    rng = np.random.default_rng(14)
    falling = np.linspace(100.0, 5.0, 60) * (1.0 + rng.normal(0.0, 0.01, 60))
    pinned = AutoETSForecaster(MONTHLY, error="mul", trend="add", damped=False, seasonal="none")
    pinned.fit(_monthly(falling))
    with pytest.raises(ModelFitError, match=r"ETS\(M,A,N\) forecast falls to <= 0"):
        pinned.predict(12)
    auto = AutoETSForecaster(MONTHLY).fit(_monthly(falling))
    assert auto.predict(12)["mean"].min() > 0 or not auto.name.startswith("ETS(M")
    assert auto.note and "forecast falls to <= 0" in auto.note


def test_multiplicative_error_intervals_are_reproducible() -> None:
    rng = np.random.default_rng(10)
    y = _monthly(_simulate_mnn(rng, 100, alpha=0.5, sigma=0.05))
    first = AutoETSForecaster(MONTHLY, error="mul", trend="none", seasonal="none").fit(y)
    second = AutoETSForecaster(MONTHLY, error="mul", trend="none", seasonal="none").fit(y)
    pd.testing.assert_frame_equal(first.predict(12), first.predict(12))
    pd.testing.assert_frame_equal(first.predict(12), second.predict(12))
    _assert_ordered(first.predict(12, level=(50, 80, 95)))


def test_ets_rejects_a_short_series_and_impossible_pins() -> None:
    with pytest.raises(ModelFitError, match="too short for ETS: 9 observations < 10"):
        AutoETSForecaster(MONTHLY).fit(_monthly(np.arange(1.0, 10.0)))
    with pytest.raises(ModelFitError, match="cannot fit a seasonal ETS: 24 observations"):
        AutoETSForecaster(MONTHLY, seasonal="add").fit(_monthly(np.arange(1.0, 25.0)))
    with pytest.raises(ValueError, match="error must be one of"):
        AutoETSForecaster(MONTHLY, error="multiplicative")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- ETS: coverage


def test_ets_additive_interval_coverage() -> None:
    rng = np.random.default_rng(12)
    frames, futures = [], []
    for _ in range(200):
        y = _simulate_additive(rng, 208, alpha=0.3, level=10.0, sigma=1.0).y
        model = AutoETSForecaster(MONTHLY, error="add", trend="none", seasonal="none")
        frames.append(model.fit(_monthly(y[:200])).predict(8))
        futures.append(y[200:])
    coverage = _coverage(frames, futures)
    assert coverage[80] == pytest.approx(80.0, abs=4.0)
    assert coverage[95] == pytest.approx(95.0, abs=3.0)


def test_ets_multiplicative_interval_coverage() -> None:
    rng = np.random.default_rng(13)
    frames, futures = [], []
    for _ in range(200):
        y = _simulate_mnn(rng, 208, alpha=0.4, sigma=0.05)
        model = AutoETSForecaster(MONTHLY, error="mul", trend="none", seasonal="none")
        frames.append(model.fit(_monthly(y[:200])).predict(8))
        futures.append(y[200:])
    coverage = _coverage(frames, futures)
    assert coverage[80] == pytest.approx(80.0, abs=4.0)
    assert coverage[95] == pytest.approx(95.0, abs=3.0)


# ------------------------------------------------------------------------------ Theta


def _simulate_ses_drift(
    rng: np.random.Generator, n: int, alpha: float, drift: float, sigma: float = 1.0
) -> np.ndarray:
    """SES with drift (the Theta method's model): y_t = l_{t-1} + d + e_t."""
    level, y = 100.0, np.empty(n)
    for t, e in enumerate(rng.normal(0.0, sigma, n)):
        y[t] = level + drift + e
        level += drift + alpha * e
    return y


def test_theta_recovers_the_drift() -> None:
    rng = np.random.default_rng(21)
    y = _simulate_ses_drift(rng, 300, alpha=0.5, drift=0.5)
    model = ThetaForecaster(DAILY).fit(_business_daily(y))
    params = model.params()
    assert model.name == "Theta"
    assert params["b0"] == pytest.approx(0.5, abs=0.1)
    assert params["drift"] == pytest.approx(params["b0"] / 2)  # theta = 2
    assert params["sigma2"] == pytest.approx(1.0, abs=0.25)
    assert params["deseasonalized"] is None
    frame = model.predict(20)
    _assert_ordered(frame)
    steps = np.diff(frame["mean"].to_numpy())
    np.testing.assert_allclose(steps, params["drift"], rtol=1e-6)
    json.dumps(params)


def test_theta_interval_coverage_on_ses_data() -> None:
    """statsmodels' own Theta intervals cover ~97 % here at the 80 % level (alpha = 0.3)."""
    rng = np.random.default_rng(22)
    frames, futures, alphas = [], [], []
    for _ in range(80):
        y = _simulate_ses_drift(rng, 110, alpha=0.3, drift=0.0)
        model = ThetaForecaster(MONTHLY).fit(_monthly(y[:100]))
        frames.append(model.predict(10))
        futures.append(y[100:])
        alphas.append(model.params()["alpha"])
    assert np.median(alphas) == pytest.approx(0.3, abs=0.1)
    coverage = _coverage(frames, futures)
    assert coverage[80] == pytest.approx(80.0, abs=5.0)
    assert coverage[95] == pytest.approx(95.0, abs=3.0)


def test_theta_deseasonalizes_seasonal_data() -> None:
    rng = np.random.default_rng(23)
    season = 1.0 + 0.1 * np.sin(2 * np.pi * np.arange(144) / 12)
    y = _monthly(season * (200.0 + np.cumsum(rng.normal(0.0, 1.0, 144))))
    model = ThetaForecaster(MONTHLY).fit(y)
    assert model.params()["deseasonalized"] == "mul"
    mean = model.predict(12)["mean"].to_numpy()
    assert np.corrcoef(mean, season[:12])[0, 1] > 0.95
    crossing = _monthly(y.to_numpy() - 200.0)
    assert ThetaForecaster(MONTHLY).fit(crossing).params()["deseasonalized"] == "add"
    # frozen() pins the decision: a later window without a season is still adjusted...
    frozen = model.frozen()
    assert frozen.options == {"deseasonalize": "mul"}
    flat = _monthly(200.0 + np.cumsum(rng.normal(0.0, 1.0, 144)))
    assert ThetaForecaster(MONTHLY).fit(flat).params()["deseasonalized"] is None
    assert frozen.fit(flat).params()["deseasonalized"] == "mul"
    # ... and one it cannot divide by a season is unfit, with the reason.
    with pytest.raises(ModelFitError, match="strictly positive"):
        model.frozen().fit(crossing)


def test_theta_leaves_non_seasonal_data_alone() -> None:
    rng = np.random.default_rng(24)
    y = _monthly(50.0 + np.cumsum(rng.normal(0.0, 1.0, 120)))
    assert ThetaForecaster(MONTHLY).fit(y).params()["deseasonalized"] is None
    short = ThetaForecaster(MONTHLY).fit(y.iloc[:20])
    assert short.note and "20 observations < 3 seasons" in short.note


def test_theta_rejects_a_short_series() -> None:
    with pytest.raises(ModelFitError, match="too short for Theta: 5 observations < 10"):
        ThetaForecaster(MONTHLY).fit(_monthly(np.arange(1.0, 6.0)))
