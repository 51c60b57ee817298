"""One forecast run over many series: read the marts, forecast each series in a process pool,
record the run.

A model failing on one series is recorded (fallback model, or ``none`` with a note) and the
run goes on; only I/O errors and interrupts fail the run, which is then marked ``failed``
and re-raised so the scheduler sees it. A successful run bumps the data version.

Runs are idempotent: a run whose input (data version of the marts and every parameter) equals
an earlier successful run's returns that run instead of computing it again, unless forced.

Fitting is CPU-bound and pure, so series go to worker processes (one per core by default);
the parent keeps the database connection and writes each series as its result arrives. At
most two series per worker are in flight, so memory stays bounded by the pool size, not the
catalog size, and workers are recycled after ``_TASKS_PER_WORKER`` series.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa

from forecasting.base import DEFAULT_LEVELS
from forecasting.frequency import DEFAULT_HORIZONS
from forecasting.history import HISTORY_YEARS, SeriesInfo, load_series_info, read_history
from forecasting.pipeline import (
    ForecastConfig,
    NoObservationsError,
    SeriesForecast,
    forecast_series,
)
from forecasting.prepare import series_frequency
from forecasting.store import (
    FORECAST_STAGE,
    NO_MODEL,
    finish_run,
    start_run,
    write_series,
    write_series_failure,
)
from models import marts
from models.calendar import UnknownFrequencyError
from models.settings import Settings, get_settings
from models.tables import FAILED, SUCCESS
from models.versioning import bump_version

log = logging.getLogger(__name__)

#: Called after each series with (series_id, series done, series total).
ProgressCallback = Callable[[str, int, int], None]

#: Bump when the candidate models or their defaults change, so an unchanged input still
#: gets a new run (the run key includes it).
MODEL_SET_VERSION = 2
_TASKS_PER_WORKER = 50
_IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class SeriesOutcome:
    series_id: str
    status: str  # "ok", "fallback" or "failed"
    model: str  # chosen candidate label, or "none"
    spec: str | None  # fitted form of the chosen model
    freq: str | None
    n_obs: int
    horizon: int
    note: str | None


@dataclass
class ForecastReport:
    run_id: str
    status: str
    data_version: int  # the version the run read
    new_data_version: int | None = None  # after the bump; None unless this call computed it
    reused: bool = False  # an identical successful run existed; nothing was recomputed
    workers: int = 1
    elapsed_seconds: float = 0.0
    outcomes: list[SeriesOutcome] = field(default_factory=list)
    error: str | None = None

    @property
    def fallbacks(self) -> list[SeriesOutcome]:
        return [o for o in self.outcomes if o.status == "fallback"]

    @property
    def failed(self) -> list[SeriesOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


@dataclass(frozen=True)
class _Task:
    """What a worker needs for one series: plain arrays pickle small and fast."""

    series_id: str
    freq: str | None
    dates: np.ndarray  # datetime64[ns]
    values: np.ndarray
    horizon: int | None
    config: ForecastConfig


@dataclass(frozen=True)
class _Result:
    task: _Task
    code: str | None
    forecast: SeriesForecast | None
    note: str | None  # why there is no forecast


def _run_task(task: _Task) -> _Result:
    """Worker body: forecast one series; modelling problems become a note, never a raise."""
    y = pd.Series(task.values, index=pd.DatetimeIndex(task.dates, name="date"), dtype=float)
    code = task.freq
    try:
        if y.empty:
            raise NoObservationsError(f"no observations in {marts.OBSERVATIONS}")
        code = series_frequency(code, pd.DatetimeIndex(y.index))
        result = forecast_series(y, code, task.horizon, DEFAULT_LEVELS, config=task.config)
    except (NoObservationsError, UnknownFrequencyError) as exc:
        return _Result(task, code, None, str(exc))
    except Exception as exc:  # one bad series must not stop the others
        log.exception("forecast of %s failed", task.series_id)
        return _Result(task, code, None, f"{type(exc).__name__}: {exc}")
    return _Result(task, code, result, None)


def _tasks(
    info: Sequence[SeriesInfo], history: pd.DataFrame, horizon: int | None, config: ForecastConfig
) -> Iterator[_Task]:
    groups = {str(sid): g for sid, g in history.groupby("series_id", sort=False)}
    empty = history.iloc[0:0]
    for row in info:
        group = groups.get(row.series_id, empty)
        dates = np.asarray(group["obs_date"], dtype="datetime64[ns]")
        values = group["value"].to_numpy(dtype=float)
        yield _Task(row.series_id, row.freq, dates, values, horizon, config)


def _pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from a clean fork server that has the model stack imported already
    (statsmodels takes seconds to import); spawn where fork servers do not exist."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["forecasting.pipeline"])
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, max_tasks_per_child=_TASKS_PER_WORKER
    )


def _results(tasks: Iterator[_Task], workers: int) -> Iterator[_Result]:
    """Results in completion order; in-process when one worker is asked for."""
    if workers <= 1:
        yield from map(_run_task, tasks)
        return
    with _pool(workers) as pool:
        pending: set[Future[_Result]] = set()
        for task in tasks:
            pending.add(pool.submit(_run_task, task))
            if len(pending) >= workers * _IN_FLIGHT_PER_WORKER:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)


def _store(engine: sa.Engine, run_id: str, result: _Result) -> SeriesOutcome:
    task, fc = result.task, result.forecast
    if fc is None:
        note = result.note or "no forecast"
        write_series_failure(engine, run_id, task.series_id, len(task.values), note)
        return SeriesOutcome(
            task.series_id, "failed", NO_MODEL, None, result.code, len(task.values), 0, note
        )
    write_series(engine, run_id, task.series_id, fc)
    status = "fallback" if fc.fallback else "ok"
    return SeriesOutcome(
        task.series_id, status, fc.model, fc.spec, result.code, fc.n_obs, fc.horizon, fc.note
    )


def default_workers(settings: Settings, n_series: int) -> int:
    wanted = settings.forecast_workers or os.cpu_count() or 1
    return max(1, min(wanted, n_series))


def run_forecasts(
    engine: sa.Engine,
    series_ids: Sequence[str] | None = None,
    horizon: int | None = None,
    progress: ProgressCallback | None = None,
    *,
    settings: Settings | None = None,
    config: ForecastConfig | None = None,
    workers: int | None = None,
    force: bool = False,
) -> ForecastReport:
    """Forecast ``series_ids`` (default: every series in ``dim_series``) and record a run.

    ``horizon`` overrides ``settings.forecast_horizon``, which overrides the per-frequency
    defaults; ``config`` defaults to the settings' backtest windows and ensemble size.
    Raises ``UnknownSeriesError`` (after recording the run as failed) for ids ``dim_series``
    does not know. ``force`` recomputes even when an identical successful run exists.
    """
    settings = settings or get_settings()
    override = horizon if horizon is not None else settings.forecast_horizon
    if override is not None and override < 1:
        raise ValueError(f"forecast horizon must be >= 1, got {override}")
    config = config or ForecastConfig(
        windows=settings.forecast_backtest_windows, ensemble=settings.forecast_ensemble
    )
    params = {
        "series_ids": sorted(series_ids) if series_ids is not None else None,
        "horizon": override,
        "default_horizons": DEFAULT_HORIZONS,
        "history_years": HISTORY_YEARS,
        "levels": list(DEFAULT_LEVELS),
        "config": asdict(config),
        "model_set_version": MODEL_SET_VERSION,
    }
    started = time.perf_counter()
    run = start_run(engine, params, force=force)
    report = ForecastReport(run_id=run.run_id, status=FAILED, data_version=run.data_version)
    if run.reused:
        report.status, report.reused = SUCCESS, True
        log.info("forecast run %s is up to date (same data and parameters)", run.run_id)
        return report
    log.info("forecast run %s started at data version %d", run.run_id, run.data_version)
    try:
        info = load_series_info(engine, series_ids)
        history = read_history(engine, info)
        report.workers = workers if workers is not None else default_workers(settings, len(info))
        tasks = _tasks(info, history, override, config)
        for done, result in enumerate(_results(tasks, report.workers), start=1):
            report.outcomes.append(_store(engine, run.run_id, result))
            if progress is not None:
                progress(result.task.series_id, done, len(info))
        report.outcomes.sort(key=lambda o: o.series_id)
        all_failed = bool(report.outcomes) and len(report.failed) == len(report.outcomes)
        report.status = FAILED if all_failed else SUCCESS
        report.error = "no series could be forecast" if all_failed else None
        finish_run(engine, run.run_id, report.status, report.error)
    except BaseException as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        finish_run(engine, run.run_id, FAILED, report.error)
        log.error("forecast run %s failed: %s", run.run_id, report.error)
        raise
    if report.status == SUCCESS:
        forecast = [o.series_id for o in report.outcomes if o.status != "failed"]
        report.new_data_version = bump_version(engine, FORECAST_STAGE, forecast, settings=settings)
    report.elapsed_seconds = time.perf_counter() - started
    log.info(
        "forecast run %s %s: %d series, %d fallbacks, %d failed, %d workers, %.1fs",
        run.run_id,
        report.status,
        len(report.outcomes),
        len(report.fallbacks),
        len(report.failed),
        report.workers,
        report.elapsed_seconds,
    )
    return report
