"""Model ranking by backtest MASE, unranked failures, and the scored ensemble."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import BacktestResult, Factory, ModelBacktest, WindowScore, backtest
from forecasting.base import ModelFitError, SeriesSpec
from forecasting.baselines import DriftForecaster, NaiveForecaster, SeasonalNaiveForecaster
from forecasting.metrics import aggregate_metrics, holdout_metrics
from forecasting.selection import ENSEMBLE, EnsembleForecaster, ensemble_name, select

MONTHLY = SeriesSpec.of("M")


def _monthly(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2000-01-01", periods=len(values), freq="MS"))


def _metric(metrics: Mapping[str, float | None] | None, name: str) -> float:
    assert metrics is not None
    value = metrics[name]
    assert value is not None
    return value


def _window(mase: float | None, mae: float = 1.0, n: int = 12) -> WindowScore:
    metrics: dict[str, float | None] = {
        "mae": mae,
        "rmse": mae,
        "smape": 1.0,
        "mase": mase,
        "coverage_80": 0.8,
        "coverage_95": 0.95,
    }
    return WindowScore(date(2020, 1, 1), 100, n, metrics)


def _record(label: str, mases: list[float | None], failure: str | None = None) -> ModelBacktest:
    windows = tuple(_window(m) for m in mases)
    return ModelBacktest(label, windows, (), None, failure)


def _result(*records: ModelBacktest, n_windows: int = 3) -> BacktestResult:
    y = _monthly(np.arange(100.0))
    cutoffs = (64, 76, 88)[3 - n_windows :]
    return BacktestResult(y, MONTHLY, 12, cutoffs, {r.label: r for r in records})


def _trend_with_season(n: int = 120, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return _monthly(50 + 0.4 * t + 4 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n))


def test_models_are_ranked_by_mean_mase() -> None:
    result = _result(
        _record("naive", [1.0, 1.2, 1.4]),  # mean 1.2
        _record("snaive", [1.0, 1.0, 1.0]),  # mean 1.0
        _record("drift", [0.5, 1.5, 0.7]),  # mean 0.9
    )
    selection = select(result)
    assert selection.ranking == ("drift", "snaive", "naive")
    assert selection.rank("drift") == 1 and selection.rank("naive") == 3
    assert selection.scores["drift"].metrics is not None
    assert selection.scores["drift"].metrics["mase"] == pytest.approx(0.9)


def test_ties_go_to_the_simpler_model_in_candidate_order() -> None:
    result = _result(
        _record("naive", [1.0, 1.0, 1.0]),
        _record("drift", [0.8, 0.8, 0.8]),
        _record("ets", [0.8, 0.8, 0.8]),
        _record("theta", [0.8, 0.8, 0.8]),
    )
    assert select(result).ranking == ("drift", "ets", "theta", "naive")


def test_a_model_failing_any_window_is_unranked_with_the_reason() -> None:
    reason = "backtest window 3 (cutoff 2007-04-01): too short for ETS"
    result = _result(
        _record("naive", [1.0, 1.0, 1.0]),
        _record("ets", [0.1, 0.1], failure=reason),  # best while it worked
    )
    selection = select(result)
    assert selection.ranking == ("naive",)
    assert selection.rank("ets") is None
    assert selection.scores["ets"].key is None
    assert selection.scores["ets"].metrics is None
    assert selection.scores["ets"].note == reason
    assert len(selection.scores["ets"].windows) == 2


def test_without_any_window_nothing_is_ranked_and_the_reason_says_why() -> None:
    y = _monthly(np.arange(30.0))
    result = backtest(y, {"naive": lambda: NaiveForecaster(MONTHLY)}, MONTHLY)
    selection = select(result, ensemble=3)
    assert selection.ranking == ()
    note = selection.scores["naive"].note
    assert note == "not scored: no backtest window (30 observations, a window needs 36)"


def test_mase_undefined_everywhere_ranks_by_mae() -> None:
    result = _result(
        ModelBacktest("naive", tuple(_window(None, mae=2.0) for _ in range(3)), (), None, None),
        ModelBacktest("drift", tuple(_window(None, mae=1.0) for _ in range(3)), (), None, None),
    )
    assert select(result).ranking == ("drift", "naive")


def test_aggregate_averages_errors_and_pools_coverage() -> None:
    a = {"mae": 1.0, "rmse": 2.0, "smape": 3.0, "mase": 0.5, "coverage_80": 1.0}
    b = {"mae": 3.0, "rmse": 4.0, "smape": 5.0, "mase": None, "coverage_80": 0.0}
    out = aggregate_metrics([a, b], [3, 1])
    assert out["mae"] == 2.0 and out["rmse"] == 3.0 and out["smape"] == 4.0
    assert out["mase"] == 0.5
    assert out["coverage_80"] == pytest.approx(0.75)  # 3 of 4 points inside
    assert out["coverage_95"] is None
    with pytest.raises(ValueError):
        aggregate_metrics([a], [1, 2])


def _baseline_factories() -> dict[str, Factory]:
    return {
        "naive": lambda: NaiveForecaster(MONTHLY),
        "snaive": lambda: SeasonalNaiveForecaster(MONTHLY),
        "drift": lambda: DriftForecaster(MONTHLY),
    }


def test_real_baselines_rank_drift_first_on_a_trend() -> None:
    result = backtest(_trend_with_season(), _baseline_factories(), MONTHLY)
    selection = select(result)
    mase = {k: _metric(s.metrics, "mase") for k, s in selection.scores.items()}
    assert selection.ranking[0] == "drift"
    assert mase["drift"] < 0.8 * min(mase["naive"], mase["snaive"])


def test_ensemble_is_scored_from_the_mean_of_its_members_window_forecasts() -> None:
    y = _trend_with_season(seed=5)
    result = backtest(y, _baseline_factories(), MONTHLY)
    selection = select(result, ensemble=2)
    members = selection.members
    individual = [label for label in selection.ranking if label != ENSEMBLE]
    assert members == tuple(individual[:2])
    values = y.to_numpy()
    score = selection.scores[ENSEMBLE]
    for k, cutoff in enumerate(result.cutoffs):
        frames = [result.models[m].frames[k] for m in members]
        mean = (frames[0] + frames[1]) / 2
        expected = holdout_metrics(values[cutoff : cutoff + 12], mean, values[:cutoff], 12)
        assert score.windows[k].metrics == pytest.approx(expected)
        assert score.windows[k].cutoff == result.models[members[0]].windows[k].cutoff
    assert score.metrics is not None
    per_window = [_metric(w.metrics, "mase") for w in score.windows]
    assert score.metrics["mase"] == pytest.approx(float(np.mean(per_window)))
    assert selection.rank(ENSEMBLE) is not None


def test_an_ensemble_that_averages_errors_away_ranks_first() -> None:
    # Two models with opposite biases: each is off by 5, their mean is exact.
    y = _monthly(np.full(100, 10.0) + np.random.default_rng(1).normal(0, 0.1, 100))
    frames_hi = tuple(pd.DataFrame({"mean": np.full(12, 15.0)}) for _ in range(3))
    frames_lo = tuple(pd.DataFrame({"mean": np.full(12, 5.0)}) for _ in range(3))
    result = BacktestResult(
        y,
        MONTHLY,
        12,
        (64, 76, 88),
        {
            "hi": ModelBacktest("hi", tuple(_window(5.0) for _ in range(3)), frames_hi, None, None),
            "lo": ModelBacktest("lo", tuple(_window(5.0) for _ in range(3)), frames_lo, None, None),
        },
    )
    selection = select(result, ensemble=2)
    assert selection.ranking[0] == ENSEMBLE
    assert _metric(selection.scores[ENSEMBLE].metrics, "mae") == pytest.approx(0.08, abs=0.05)


def test_ensemble_needs_two_ranked_models() -> None:
    result = _result(_record("naive", [1.0, 1.0, 1.0]), _record("ets", [1.0], failure="boom"))
    selection = select(result, ensemble=3)
    assert ENSEMBLE not in selection.scores and selection.members == ()
    assert selection.note == "no ensemble: 1 model(s) ranked"
    assert select(result, ensemble=0).note is None
    with pytest.raises(ValueError):
        select(result, ensemble=-1)


def test_ensemble_forecaster_averages_fitted_members() -> None:
    y = _trend_with_season()
    ensemble = EnsembleForecaster(
        {"naive": NaiveForecaster(MONTHLY), "drift": DriftForecaster(MONTHLY)}
    )
    frame = ensemble.fit(y).predict(6)
    naive = NaiveForecaster(MONTHLY).fit(y).predict(6)
    drift = DriftForecaster(MONTHLY).fit(y).predict(6)
    pd.testing.assert_frame_equal(frame, (naive + drift) / 2)
    assert ensemble.name == "ensemble(naive+drift)"
    assert ensemble.params()["members"] == ["naive", "drift"]
    frozen = ensemble.frozen()
    assert isinstance(frozen, EnsembleForecaster) and list(frozen.members) == ["naive", "drift"]
    assert frozen.members["naive"] is not ensemble.members["naive"]


def test_ensemble_forecaster_fails_when_a_member_fails() -> None:
    y = _monthly(np.arange(1.0, 6.0))
    ensemble = EnsembleForecaster(
        {"naive": NaiveForecaster(MONTHLY), "snaive": SeasonalNaiveForecaster(MONTHLY)}
    )
    with pytest.raises(ModelFitError, match="too short for seasonal naive"):
        ensemble.fit(y)


def test_ensemble_names_fit_the_store() -> None:
    assert ensemble_name(["ets", "theta", "drift"]) == "ensemble(ets+theta+drift)"
    labels = ["curve_exponential", "curve_logistic", "boxcox_ets", "arima", "theta"]
    assert ensemble_name(labels) == "ensemble(5 models)"
