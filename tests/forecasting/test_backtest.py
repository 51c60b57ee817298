"""Rolling-origin backtest: window placement, no look-ahead, frozen specs, recorded failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Self

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import (
    BacktestConfig,
    Factory,
    backtest,
    min_train,
    window_cutoffs,
)
from forecasting.base import DEFAULT_LEVELS, DatedForecaster, SeriesSpec, gaussian_frame
from forecasting.baselines import DriftForecaster, NaiveForecaster, SeasonalNaiveForecaster
from forecasting.metrics import holdout_metrics

MONTHLY = SeriesSpec.of("M")
ANNUAL = SeriesSpec.of("A")


def _monthly(values: Sequence[float] | np.ndarray, start: str = "2000-01-01") -> pd.Series:
    index = pd.date_range(start, periods=len(values), freq="MS", name="date")
    return pd.Series(np.asarray(values, dtype=float), index=index)


class SpyForecaster(DatedForecaster):
    """Naive forecaster that logs what every fit saw (frozen copies share the log)."""

    name = "spy"

    def __init__(self, spec: SeriesSpec, *, log: list[tuple[int, date]]) -> None:
        super().__init__(spec, log=log)
        self.log = log

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self.log.append((len(y), pd.Timestamp(y.index.max()).date()))
        self._last = float(values[-1])
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        return gaussian_frame(self._dates(h), np.full(h, self._last), np.ones(h), level)


class EchoForecaster(DatedForecaster):
    """Forecasts the last ``h`` training values. On white noise that is no better than a
    guess, unless the training set runs past the cutoff: then it replays the test values."""

    name = "echo"

    def fit(self, y: pd.Series) -> Self:
        self._values = self._remember(y)
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        mean = self._values[-h:]
        return gaussian_frame(self._dates(h), mean, np.ones(h), level)


class AutoOrderForecaster(DatedForecaster):
    """Makes an "automatic choice" at fit (the training length when ``order`` is None) and
    pins it in ``frozen()``, like ETS pins its spec."""

    name = "auto"

    def __init__(self, spec: SeriesSpec, *, order: int | None = None) -> None:
        super().__init__(spec, order=order)
        self.order = order

    def fit(self, y: pd.Series) -> Self:
        values = self._remember(y)
        self.chosen = self.order if self.order is not None else len(values)
        self.name = f"auto({self.chosen})"
        self._last = float(values[-1])
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        return gaussian_frame(self._dates(h), np.full(h, self._last), np.ones(h), level)

    def params(self) -> dict[str, Any]:
        return {"order": self.chosen}

    def _freeze(self) -> dict[str, Any]:
        return {"order": self.chosen}


class BreaksAfter(DatedForecaster):
    """Fails once its training set is longer than ``limit`` (a later window)."""

    name = "fragile"

    def __init__(self, spec: SeriesSpec, *, limit: int) -> None:
        super().__init__(spec, limit=limit)
        self.limit = limit

    def fit(self, y: pd.Series) -> Self:
        if len(y) > self.limit:
            raise np.linalg.LinAlgError("singular matrix")
        self._remember(y)
        return self

    def predict(self, h: int, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        return gaussian_frame(self._dates(h), np.zeros(h), np.ones(h), level)


# --- configuration and window placement ----------------------------------------------------


@pytest.mark.parametrize("kwargs", [{"windows": 0}, {"step": 0}, {"horizon": -1}, {"windows": 1.5}])
def test_config_rejects_non_positive_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be an integer >= 1"):
        BacktestConfig(**kwargs)


def test_min_train_is_two_seasons_and_never_under_twelve() -> None:
    assert min_train(SeriesSpec.of("W")) == 104
    assert min_train(MONTHLY) == 24
    assert min_train(SeriesSpec.of("Q")) == 12
    assert min_train(ANNUAL) == 12
    assert min_train(SeriesSpec.of("D")) == 12
    assert min_train(SeriesSpec.of("D", business_days=False)) == 14


def test_cutoffs_end_at_the_last_observation_one_horizon_apart() -> None:
    assert window_cutoffs(100, MONTHLY, BacktestConfig(), 12) == [64, 76, 88]
    assert window_cutoffs(100, MONTHLY, BacktestConfig(windows=2, step=5), 12) == [83, 88]
    assert window_cutoffs(100, MONTHLY, BacktestConfig(windows=1), 7) == [93]


def test_short_series_get_fewer_windows_each_with_a_full_training_set() -> None:
    config = BacktestConfig(windows=3)
    assert window_cutoffs(60, MONTHLY, config, 12) == [24, 36, 48]
    assert window_cutoffs(59, MONTHLY, config, 12) == [35, 47]
    assert window_cutoffs(40, MONTHLY, config, 12) == [28]
    assert window_cutoffs(35, MONTHLY, config, 12) == []
    for n in range(1, 80):
        for cutoff in window_cutoffs(n, MONTHLY, config, 12):
            assert cutoff >= min_train(MONTHLY) and cutoff + 12 <= n


def test_window_scores_carry_cutoff_dates_and_training_lengths() -> None:
    y = _monthly(np.arange(100.0))
    result = backtest(y, {"naive": lambda: NaiveForecaster(MONTHLY)}, MONTHLY)
    assert result.cutoffs == (64, 76, 88)
    record = result.models["naive"]
    assert [w.cutoff for w in record.windows] == [
        date(2005, 4, 1),  # y.index[63]
        date(2006, 4, 1),
        date(2007, 4, 1),
    ]
    assert [w.n_train for w in record.windows] == [64, 76, 88]
    assert [w.horizon for w in record.windows] == [12, 12, 12]
    assert [len(f) for f in record.frames] == [12, 12, 12]
    assert record.frames[0].index[0] == pd.Timestamp("2005-05-01")


def test_no_window_leaves_every_model_unscored() -> None:
    y = _monthly(np.arange(30.0))
    result = backtest(y, {"naive": lambda: NaiveForecaster(MONTHLY)}, MONTHLY)
    assert result.n_windows == 0
    assert result.models["naive"].windows == () and result.models["naive"].failure is None


# --- no look-ahead ---------------------------------------------------------------------------


def test_no_fit_sees_a_value_after_its_cutoff() -> None:
    y = _monthly(np.random.default_rng(0).normal(size=90))
    log: list[tuple[int, date]] = []
    config = BacktestConfig(windows=3, step=7, horizon=5)
    result = backtest(y, {"spy": lambda: SpyForecaster(MONTHLY, log=log)}, MONTHLY, config)
    expected = window_cutoffs(len(y), MONTHLY, config, 5)
    assert expected == [71, 78, 85]
    assert log == [(c, y.index[c - 1].date()) for c in expected]
    assert [w.cutoff for w in result.models["spy"].windows] == [d for _, d in log]


def test_a_leaking_fit_would_forecast_white_noise_perfectly_and_none_does() -> None:
    rng = np.random.default_rng(42)
    y = _monthly(rng.normal(0.0, 100.0, 120))
    result = backtest(y, {"echo": lambda: EchoForecaster(MONTHLY)}, MONTHLY)
    for window, frame, cutoff in zip(
        result.models["echo"].windows, result.models["echo"].frames, result.cutoffs, strict=True
    ):
        # Without a leak the echo replays the 12 values *before* the cutoff.
        expected = y.to_numpy()[cutoff - 12 : cutoff]
        np.testing.assert_allclose(frame["mean"].to_numpy(), expected)
        assert window.metrics["mae"] is not None and window.metrics["mae"] > 30.0


# --- frozen specs, failures, metrics ---------------------------------------------------------


def test_later_windows_refit_the_first_windows_frozen_choice() -> None:
    y = _monthly(np.arange(100.0))
    built: list[AutoOrderForecaster] = []

    def factory() -> AutoOrderForecaster:
        built.append(AutoOrderForecaster(MONTHLY))
        return built[-1]

    record = backtest(y, {"auto": factory}, MONTHLY).models["auto"]
    assert len(built) == 1  # the factory builds window 1 only
    assert record.first_fit is built[0] and record.first_fit.name == "auto(64)"
    assert record.first_fit.params() == {"order": 64}
    frozen = record.first_fit.frozen()
    assert isinstance(frozen, AutoOrderForecaster) and frozen.order == 64


def test_frozen_copies_keep_the_choice_in_every_window() -> None:
    y = _monthly(np.arange(100.0))
    fits: list[str] = []

    class Recording(AutoOrderForecaster):
        def fit(self, y: pd.Series) -> Self:
            super().fit(y)
            fits.append(self.name)
            return self

    backtest(y, {"auto": lambda: Recording(MONTHLY)}, MONTHLY)
    assert fits == ["auto(64)", "auto(64)", "auto(64)"]


def test_a_failing_window_is_recorded_not_raised() -> None:
    y = _monthly(np.arange(100.0))
    factories: dict[str, Factory] = {
        "fragile": lambda: BreaksAfter(MONTHLY, limit=70),
        "naive": lambda: NaiveForecaster(MONTHLY),
    }
    result = backtest(y, factories, MONTHLY)
    fragile = result.models["fragile"]
    assert len(fragile.windows) == 1 and len(fragile.frames) == 1
    assert fragile.failure == "backtest window 2 (cutoff 2006-04-01): singular matrix"
    assert not fragile.complete(result.n_windows)
    assert result.models["naive"].complete(result.n_windows)


def test_a_model_failing_in_its_first_window_has_no_fit() -> None:
    y = _monthly(np.arange(100.0))
    record = backtest(y, {"snaive": lambda: SeasonalNaiveForecaster(ANNUAL)}, ANNUAL).models[
        "snaive"
    ]
    assert record.first_fit is None and record.windows == ()
    assert record.failure and "has no season" in record.failure


def test_mase_is_scaled_by_the_seasonal_naive_of_each_training_set() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(96)
    y = _monthly(10 + 3 * np.sin(2 * np.pi * t / 12) + 0.1 * t + rng.normal(0, 0.5, 96))
    result = backtest(y, {"drift": lambda: DriftForecaster(MONTHLY)}, MONTHLY)
    values = y.to_numpy()
    for k, window in enumerate(result.models["drift"].windows):
        cutoff = result.cutoffs[k]
        train, test = values[:cutoff], values[cutoff : cutoff + 12]
        scale = np.mean(np.abs(train[12:] - train[:-12]))
        mae = np.mean(np.abs(test - result.models["drift"].frames[k]["mean"].to_numpy()))
        assert window.metrics["mase"] == pytest.approx(mae / scale)
        assert window.metrics == holdout_metrics(test, result.models["drift"].frames[k], train, 12)


def test_mase_uses_lag_one_without_a_season() -> None:
    y = pd.Series(
        np.cumsum(np.random.default_rng(4).normal(1, 1, 40)),
        index=pd.date_range("1980-01-01", periods=40, freq="YS", name="date"),
    )
    result = backtest(y, {"naive": lambda: NaiveForecaster(ANNUAL)}, ANNUAL)
    window = result.models["naive"].windows[-1]
    train = y.to_numpy()[: result.cutoffs[-1]]
    test = y.to_numpy()[result.cutoffs[-1] :]
    mae = np.mean(np.abs(test - train[-1]))
    assert result.horizon == 5
    assert window.metrics["mase"] == pytest.approx(mae / np.mean(np.abs(np.diff(train))))
