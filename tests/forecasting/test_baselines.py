"""Statistical behaviour of the baselines (naive, seasonal naive, drift) on simulated data.

The coverage checks pool many short simulated series with fixed seeds, so they are
deterministic, yet a wrong interval formula (sd growing like h instead of sqrt(h), a season
ignored, the drift's estimation error left out) moves coverage far outside the tolerance.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from forecasting.base import Forecaster, ModelFitError, SeriesSpec
from forecasting.baselines import DriftForecaster, NaiveForecaster, SeasonalNaiveForecaster

MONTHLY = SeriesSpec.of("M")
DAILY = SeriesSpec.of("D")
ANNUAL = SeriesSpec.of("A")


def _monthly(values: np.ndarray, start: str = "2000-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def _business_daily(values: np.ndarray, start: str = "2020-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)))


def _pooled_coverage(
    build: Callable[[], Forecaster],
    paths: np.ndarray,
    n_train: int,
    wrap: Callable[[np.ndarray], pd.Series],
) -> dict[int, float]:
    """Share of held-out points inside each interval, pooled over paths and horizons."""
    h = paths.shape[1] - n_train
    hits = {80: 0, 95: 0}
    for path in paths:
        frame = build().fit(wrap(path[:n_train])).predict(h)
        future = path[n_train:]
        for lv in hits:
            inside = (future >= frame[f"lower_{lv}"].to_numpy()) & (
                future <= frame[f"upper_{lv}"].to_numpy()
            )
            hits[lv] += int(inside.sum())
    return {lv: 100.0 * count / (len(paths) * h) for lv, count in hits.items()}


def test_drift_recovers_a_known_slope() -> None:
    rng = np.random.default_rng(42)
    n, slope = 500, 0.3
    y = _business_daily(10.0 + np.cumsum(slope + rng.normal(0.0, 1.0, n)))
    model = DriftForecaster(DAILY).fit(y)
    params = model.params()
    # The slope estimate's sd is 1/sqrt(n-1) = 0.045; the reported stderr must say so.
    assert params["slope"] == pytest.approx(slope, abs=0.15)
    assert params["slope_stderr"] == pytest.approx(1.0 / np.sqrt(n - 1), rel=0.15)
    frame = model.predict(10)
    expected = y.iloc[-1] + params["slope"] * np.arange(1, 11)
    np.testing.assert_allclose(frame["mean"].to_numpy(), expected)
    assert frame.index[0] == y.index[-1] + pd.offsets.BDay(1)


def test_drift_on_an_exact_line_has_zero_width() -> None:
    y = _monthly(3.0 + 0.25 * np.arange(40))
    frame = DriftForecaster(MONTHLY).fit(y).predict(5)
    np.testing.assert_allclose(frame["mean"].to_numpy(), 3.0 + 0.25 * np.arange(40, 45))
    np.testing.assert_allclose(frame["upper_95"].to_numpy(), frame["mean"].to_numpy(), atol=1e-9)


def test_drift_needs_three_observations() -> None:
    with pytest.raises(ModelFitError, match="too short for drift"):
        DriftForecaster(MONTHLY).fit(_monthly(np.array([1.0, 2.0])))


def test_seasonal_naive_repeats_the_last_season() -> None:
    rng = np.random.default_rng(1)
    values = 50.0 + 5.0 * np.sin(2 * np.pi * np.arange(60) / 12) + rng.normal(0.0, 0.5, 60)
    y = _monthly(values)
    frame = SeasonalNaiveForecaster(MONTHLY).fit(y).predict(30)
    np.testing.assert_allclose(frame["mean"].to_numpy(), np.tile(values[-12:], 3)[:30])
    assert frame.index[0] == pd.Timestamp("2005-01-01")
    width = (frame["upper_95"] - frame["lower_95"]).to_numpy()
    # One season ahead has one seasonal shock's sd, the second season sqrt(2) of it.
    np.testing.assert_allclose(width[:12], width[0])
    np.testing.assert_allclose(width[12:24], width[0] * np.sqrt(2.0))
    np.testing.assert_allclose(width[24:], width[0] * np.sqrt(3.0))


def test_seasonal_naive_is_shorter_than_a_season() -> None:
    with pytest.raises(ModelFitError, match=r"too short for seasonal naive: 12 observations"):
        SeasonalNaiveForecaster(MONTHLY).fit(_monthly(np.arange(12.0)))


def test_seasonal_naive_without_a_season() -> None:
    y = pd.Series(np.arange(30.0), index=pd.date_range("1990-01-01", periods=30, freq="YS"))
    with pytest.raises(ModelFitError, match="frequency A has no season"):
        SeasonalNaiveForecaster(ANNUAL).fit(y)


def test_naive_repeats_the_last_value_on_the_business_day_calendar() -> None:
    y = _business_daily(np.array([1.0, 2.0, 4.0, 3.0]), start="2024-01-01")  # Mon-Thu
    model = NaiveForecaster(DAILY).fit(y)
    frame = model.predict(3)
    np.testing.assert_allclose(frame["mean"].to_numpy(), 3.0)
    assert list(pd.DatetimeIndex(frame.index).day_name()) == ["Friday", "Monday", "Tuesday"]
    one = NaiveForecaster(DAILY).fit(_business_daily(np.array([5.0])))
    assert one.note and "interval width is unreliable" in one.note


def test_naive_coverage_on_random_walks() -> None:
    rng = np.random.default_rng(2024)
    paths = 20.0 + np.cumsum(rng.normal(0.0, 1.0, (400, 70)), axis=1)
    coverage = _pooled_coverage(lambda: NaiveForecaster(DAILY), paths, 60, _business_daily)
    assert coverage[80] == pytest.approx(80.0, abs=3.0)
    assert coverage[95] == pytest.approx(95.0, abs=2.0)


def test_drift_coverage_on_random_walks_with_drift() -> None:
    rng = np.random.default_rng(7)
    paths = np.cumsum(0.5 + rng.normal(0.0, 1.0, (400, 60)), axis=1)
    coverage = _pooled_coverage(lambda: DriftForecaster(MONTHLY), paths, 48, _monthly)
    assert coverage[80] == pytest.approx(80.0, abs=3.0)
    assert coverage[95] == pytest.approx(95.0, abs=2.0)


def test_seasonal_naive_coverage_on_seasonal_random_walks() -> None:
    rng = np.random.default_rng(11)
    n_paths, m, n = 300, 12, 96
    shocks = rng.normal(0.0, 1.0, (n_paths, n))
    paths = np.empty_like(shocks)
    paths[:, :m] = 10.0 * np.sin(2 * np.pi * np.arange(m) / m) + shocks[:, :m]
    for t in range(m, n):  # y_t = y_{t-12} + e_t
        paths[:, t] = paths[:, t - m] + shocks[:, t]
    coverage = _pooled_coverage(lambda: SeasonalNaiveForecaster(MONTHLY), paths, 72, _monthly)
    assert coverage[80] == pytest.approx(80.0, abs=3.0)
    assert coverage[95] == pytest.approx(95.0, abs=2.0)
