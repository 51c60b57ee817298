"""Forecast runs end to end on DuckDB and MariaDB: marts in, forecast tables and version out.

dbt builds the real marts; here ``mart_observations`` and ``dim_series`` are plain tables with
the contract's columns, filled from real FRED series (``real_data_dir``) and synthetic ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from forecasting import (
    DEFAULT_LEVELS,
    ForecastConfig,
    UnknownSeriesError,
    forecast_series,
    load_history,
    run_forecasts,
)
from models import forecast_repository
from models.forecast_repository import ForecastColumns
from models.settings import load_settings
from models.tables import (
    data_versions,
    forecast_backtests,
    forecast_models,
    forecast_points,
    forecast_runs,
)
from models.versioning import bump_version, current_version
from tests.support.forecast_marts import load_marts, synthetic_series

BOUNDS = ["lower_95", "lower_80", "mean", "upper_80", "upper_95"]
SYNTHETIC = ["SYN_D", "SYN_M", "SYN_Q", "SYN_A", "SHORT_M", "EMPTY_W"]
REAL = {"DGS10": "D", "DFF": "D", "MORTGAGE30US": "W", "UNRATE": "M", "GDP": "Q"}
#: Real daily series are loaded from this date on to keep inserts fast (still > 5 years).
REAL_SINCE = "2015-01-01"


def _real(real_data_dir: Path) -> dict[str, tuple[str, pd.Series]]:
    out = {}
    for sid, freq in REAL.items():
        frame = pd.read_csv(real_data_dir / f"{sid}.csv", na_values=".", parse_dates=["date"])
        y = frame.dropna().set_index("date")["value"].astype(float)
        if freq in ("D", "W"):
            y = y[y.index >= REAL_SINCE]
        out[sid] = (freq, y)
    return out


@pytest.fixture
def synthetic_marts(engine: sa.Engine) -> sa.Engine:
    load_marts(engine, synthetic_series())
    return engine


@pytest.fixture
def real_marts(engine: sa.Engine, real_data_dir: Path) -> sa.Engine:
    load_marts(engine, {**synthetic_series(), **_real(real_data_dir)})
    return engine


def _runs(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(forecast_runs).order_by(forecast_runs.c.run_id)).all())


def latest_forecasts(engine: sa.Engine, ids: list[str]) -> dict[str, ForecastColumns]:
    """What readers see: the one forecast reader, ``models.forecast_repository``."""
    with engine.connect() as conn:
        return forecast_repository.latest_forecasts(conn, ids)


def _assert_ordered(forecasts: Iterable[ForecastColumns]) -> None:
    for fc in forecasts:
        bounds = np.array([getattr(fc, name) for name in BOUNDS]).T
        assert np.all(np.diff(bounds, axis=1) >= 0)


def test_run_forecasts_on_real_series_end_to_end(real_marts: sa.Engine) -> None:
    engine = real_marts
    seen: list[tuple[str, int, int]] = []
    report = run_forecasts(
        engine, progress=lambda sid, done, total: seen.append((sid, done, total))
    )

    ids = sorted([*SYNTHETIC, *REAL])
    assert report.status == "success"
    assert [o.series_id for o in report.outcomes] == ids
    # one progress call per series, in completion order (a process pool finishes out of order)
    assert sorted(s[0] for s in seen) == ids
    assert [s[1:] for s in seen] == [(k, len(ids)) for k in range(1, len(ids) + 1)]
    assert report.data_version == 0 and report.new_data_version == 1
    with engine.connect() as conn:
        assert current_version(conn) == 1

    outcome = {o.series_id: o for o in report.outcomes}
    assert outcome["EMPTY_W"].status == "failed" and "no observations" in (
        outcome["EMPTY_W"].note or ""
    )
    assert outcome["SHORT_M"].status in ("ok", "fallback") and outcome["SHORT_M"].n_obs == 5
    assert all(o.spec for o in report.outcomes if o.status != "failed")
    assert outcome["DGS10"].n_obs <= 2 * 262  # daily history is windowed to ~2 years
    assert "weekends" in (outcome["DFF"].note or "")
    assert "gap" in (outcome["SYN_D"].note or "")

    got = latest_forecasts(engine, ids)
    assert set(got) == set(ids) - {"EMPTY_W"}
    horizons = {"DGS10": 30, "DFF": 30, "MORTGAGE30US": 13, "UNRATE": 12, "GDP": 8, "SYN_A": 5}
    for sid, h in horizons.items():
        assert len(got[sid].dates) == h, sid
        assert got[sid].run_id == report.run_id
    _assert_ordered(got.values())

    history = load_history(engine, ["DGS10", "UNRATE", "GDP", "MORTGAGE30US"])
    last = history.groupby("series_id")["obs_date"].max()
    dgs10_next = last["DGS10"] + pd.offsets.BDay(1)
    first = {sid: pd.Timestamp(fc.dates[0]) for sid, fc in got.items()}
    assert first["DGS10"] == dgs10_next and dgs10_next.day_of_week < 5
    assert first["UNRATE"] == last["UNRATE"] + pd.DateOffset(months=1)
    assert first["GDP"] == last["GDP"] + pd.DateOffset(months=3)
    assert first["MORTGAGE30US"] == last["MORTGAGE30US"] + pd.Timedelta(days=7)
    # Forecasts of a level series stay near its recent level.
    unrate_last = history.loc[history.series_id == "UNRATE", "value"].iloc[-1]
    assert abs(got["UNRATE"].mean[0] - unrate_last) < 1.0

    (run,) = _runs(engine)
    assert run.status == "success" and run.finished_at is not None and run.error is None
    assert run.data_version == 0
    assert json.loads(run.params)["horizon"] is None
    with engine.connect() as conn:
        models = conn.execute(
            sa.select(forecast_models).where(forecast_models.c.series_id == "UNRATE")
        ).all()
        windows = conn.execute(
            sa.select(forecast_backtests).where(forecast_backtests.c.series_id == "UNRATE")
        ).all()
        stages: list[str] = list(conn.execute(sa.select(data_versions.c.stage)).scalars())
    chosen = [m for m in models if m.selected]
    assert len(chosen) == 1 and chosen[0].rank == 1 and chosen[0].model == outcome["UNRATE"].model
    assert {"naive", "snaive", "ets"} <= {m.model for m in models}
    ranked = sorted((m for m in models if m.rank is not None), key=lambda m: m.rank)
    assert [m.mase for m in ranked] == sorted(m.mase for m in ranked)  # chosen by MASE
    assert all(m.windows == 3 and m.n_obs > 400 for m in ranked)
    assert json.loads(chosen[0].params) is not None
    # every ranked model has one backtest row per cutoff, the same three cutoffs each
    cutoffs = {m.model: sorted(w.cutoff for w in windows if w.model == m.model) for m in ranked}
    assert len({tuple(c) for c in cutoffs.values()}) == 1
    assert all(len(c) == 3 for c in cutoffs.values())
    assert all(w.horizon == 12 and w.mase is not None for w in windows)
    assert stages == ["forecast"]


def test_load_history_windows_daily_series_only(real_marts: sa.Engine) -> None:
    history = load_history(real_marts, ["DGS10", "UNRATE"])
    assert list(history.columns) == ["series_id", "obs_date", "value"]
    dgs10 = history[history.series_id == "DGS10"]["obs_date"]
    assert dgs10.min() > dgs10.max() - pd.DateOffset(years=2, days=1)
    assert dgs10.min() < dgs10.max() - pd.DateOffset(years=2, days=-7)
    unrate = history[history.series_id == "UNRATE"]
    assert len(unrate) >= 40 * 12 - 1 and unrate["value"].notna().all()
    assert (
        history["obs_date"].is_monotonic_increasing
        or history.groupby("series_id")["obs_date"].apply(lambda s: s.is_monotonic_increasing).all()
    )


def test_same_data_and_parameters_reuse_the_successful_run(synthetic_marts: sa.Engine) -> None:
    first = run_forecasts(synthetic_marts, ["SYN_M", "SYN_Q"], workers=1)
    again = run_forecasts(synthetic_marts, ["SYN_Q", "SYN_M"], workers=1)
    assert again.reused and again.run_id == first.run_id and again.new_data_version is None
    assert len(_runs(synthetic_marts)) == 1
    forced = run_forecasts(synthetic_marts, ["SYN_M", "SYN_Q"], workers=1, force=True)
    assert not forced.reused and forced.run_id != first.run_id
    # forecasts are deterministic: the forced run stores the same numbers
    got = latest_forecasts(synthetic_marts, ["SYN_M"])["SYN_M"]
    assert got.run_id == forced.run_id
    first_points = _points(synthetic_marts, first.run_id, "SYN_M")
    assert first_points == _points(synthetic_marts, forced.run_id, "SYN_M")
    # new input data (another stage bumped the version) makes the same request a new run
    bump_version(synthetic_marts, "dbt")
    fresh = run_forecasts(synthetic_marts, ["SYN_M", "SYN_Q"], workers=1)
    assert not fresh.reused and fresh.run_id not in (first.run_id, forced.run_id)


def test_a_process_pool_stores_what_one_process_stores(synthetic_marts: sa.Engine) -> None:
    ids = ["SYN_D", "SYN_M", "SYN_Q", "SYN_A", "SHORT_M", "EMPTY_W"]
    seen: list[int] = []
    pooled = run_forecasts(
        synthetic_marts, ids, workers=2, progress=lambda sid, done, total: seen.append(done)
    )
    assert pooled.workers == 2 and seen == list(range(1, len(ids) + 1))
    single = run_forecasts(synthetic_marts, ids, workers=1, force=True)
    assert [(o.series_id, o.status, o.model) for o in pooled.outcomes] == [
        (o.series_id, o.status, o.model) for o in single.outcomes
    ]
    for sid in ids[:-1]:
        assert _points(synthetic_marts, pooled.run_id, sid) == _points(
            synthetic_marts, single.run_id, sid
        ), sid


def _points(engine: sa.Engine, run_id: str, series_id: str) -> list[tuple[object, ...]]:
    p = forecast_points
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(p.c.target_date, p.c.model, p.c.mean, p.c.lower_95, p.c.upper_95)
            .where(p.c.run_id == run_id, p.c.series_id == series_id)
            .order_by(p.c.target_date)
        ).all()
    return [tuple(r) for r in rows]


def test_rerun_creates_a_new_run_and_readers_see_the_newest(synthetic_marts: sa.Engine) -> None:
    first = run_forecasts(synthetic_marts, ["SYN_M", "SYN_Q"])
    second = run_forecasts(synthetic_marts, ["SYN_M"])
    assert first.run_id != second.run_id
    assert [r.status for r in _runs(synthetic_marts)] == ["success", "success"]
    assert second.data_version == first.new_data_version == 1 and second.new_data_version == 2
    got = latest_forecasts(synthetic_marts, ["SYN_M", "SYN_Q", "NOPE"])
    assert got["SYN_M"].run_id == second.run_id
    assert got["SYN_Q"].run_id == first.run_id  # the newer run did not cover SYN_Q
    assert "NOPE" not in got
    assert latest_forecasts(synthetic_marts, []) == {}


def test_failed_run_never_hides_the_last_success(synthetic_marts: sa.Engine) -> None:
    good = run_forecasts(synthetic_marts, ["SYN_A", "SYN_Q"])

    def interrupt(series_id: str, done: int, total: int) -> None:
        raise KeyboardInterrupt  # e.g. the worker is stopped after one series was written

    with pytest.raises(KeyboardInterrupt):
        run_forecasts(synthetic_marts, ["SYN_A", "SYN_Q"], progress=interrupt, force=True)
    runs = _runs(synthetic_marts)
    assert [r.status for r in runs] == ["success", "failed"]
    assert runs[1].error and "KeyboardInterrupt" in runs[1].error
    with synthetic_marts.connect() as conn:
        assert current_version(conn) == 1  # a failed run does not bump the version
        written = conn.execute(
            sa.select(sa.func.count()).where(forecast_points.c.run_id == runs[1].run_id)
        ).scalar_one()
    assert written > 0  # the failed run's partial points exist but are invisible
    got = latest_forecasts(synthetic_marts, ["SYN_A", "SYN_Q"])
    assert {f.run_id for f in got.values()} == {good.run_id}


def test_unknown_series_id_fails_the_run_with_its_name(synthetic_marts: sa.Engine) -> None:
    with pytest.raises(UnknownSeriesError, match="NOT_A_SERIES"):
        run_forecasts(synthetic_marts, ["SYN_M", "NOT_A_SERIES"])
    (run,) = _runs(synthetic_marts)
    assert run.status == "failed" and "NOT_A_SERIES" in (run.error or "")
    assert latest_forecasts(synthetic_marts, ["SYN_M"]) == {}


def test_horizon_comes_from_argument_then_settings_then_frequency(
    synthetic_marts: sa.Engine,
) -> None:
    settings = load_settings(forecast_horizon=3)
    from_settings = run_forecasts(synthetic_marts, ["SYN_M", "SYN_D"], settings=settings)
    assert {o.horizon for o in from_settings.outcomes} == {3}
    explicit = run_forecasts(synthetic_marts, ["SYN_M"], horizon=2, settings=settings)
    assert explicit.outcomes[0].horizon == 2
    got = latest_forecasts(synthetic_marts, ["SYN_M", "SYN_D"])
    assert len(got["SYN_M"].dates) == 2 and len(got["SYN_D"].dates) == 3
    assert json.loads(_runs(synthetic_marts)[-1].params)["horizon"] == 2
    # the stored forecast is the one the pipeline computes in process from the same history
    _, y = synthetic_series()["SYN_M"]
    config = ForecastConfig(
        windows=settings.forecast_backtest_windows, ensemble=settings.forecast_ensemble
    )
    expected = forecast_series(y, "M", 2, DEFAULT_LEVELS, config=config).frame
    stored = got["SYN_M"]
    assert stored.dates == [date(2025, 1, 1), date(2025, 2, 1)]  # SYN_M ends 2024-12-01
    for name in BOUNDS:
        assert getattr(stored, name) == pytest.approx(expected[name].to_list()), name
