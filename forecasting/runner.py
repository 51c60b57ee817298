"""One forecast run over many series: read the marts, forecast each series, record the run.

A model failing on one series is recorded (fallback model or ``none`` with a note) and the
run goes on; only I/O errors and interrupts fail the run, which is then marked ``failed``
and re-raised so the scheduler sees it. A successful run bumps the data version.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from forecasting.estimators import DEFAULT_LEVELS
from forecasting.frequency import DEFAULT_HORIZONS, UnknownFrequencyError, infer_frequency
from forecasting.history import HISTORY_YEARS, load_series_info, read_history
from forecasting.pipeline import NoObservationsError, forecast_series
from forecasting.store import (
    FAILED,
    NO_MODEL,
    SUCCESS,
    finish_run,
    start_run,
    write_series,
    write_series_failure,
)
from models import marts
from models.settings import Settings, get_settings
from models.versioning import bump_version

log = logging.getLogger(__name__)

#: Called after each series with (series_id, series done, series total).
ProgressCallback = Callable[[str, int, int], None]

#: Candidate models of this release, recorded in the run parameters.
MODEL_FAMILY = ("ETS(A,Ad,A|N)", "naive")


@dataclass(frozen=True)
class SeriesOutcome:
    series_id: str
    status: str  # "ok", "fallback" or "failed"
    model: str
    freq: str | None
    n_obs: int
    horizon: int
    note: str | None


@dataclass
class ForecastReport:
    run_id: str
    status: str
    data_version: int  # the version the run read
    new_data_version: int | None = None  # after the bump; None unless the run succeeded
    elapsed_seconds: float = 0.0
    outcomes: list[SeriesOutcome] = field(default_factory=list)
    error: str | None = None

    @property
    def fallbacks(self) -> list[SeriesOutcome]:
        return [o for o in self.outcomes if o.status == "fallback"]

    @property
    def failed(self) -> list[SeriesOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


_EMPTY = pd.Series([], index=pd.DatetimeIndex([], name="date"), dtype=float)


def _split_history(history: pd.DataFrame) -> dict[str, pd.Series]:
    """Long frame -> one date-indexed value series per series id."""
    out: dict[str, pd.Series] = {}
    for sid, group in history.groupby("series_id", sort=False):
        index = pd.DatetimeIndex(group["obs_date"], name="date")
        out[str(sid)] = pd.Series(group["value"].to_numpy(dtype=float), index=index)
    return out


def _forecast_one(
    engine: sa.Engine,
    run_id: str,
    series_id: str,
    freq: str | None,
    y: pd.Series,
    override: int | None,
) -> SeriesOutcome:
    """Forecast and store one series; modelling problems become a recorded outcome."""
    try:
        if y.empty:
            raise NoObservationsError(f"no observations in {marts.OBSERVATIONS}")
        code = freq or infer_frequency(pd.DatetimeIndex(y.index))
        result = forecast_series(y, code, override, DEFAULT_LEVELS)
    except (NoObservationsError, UnknownFrequencyError) as exc:
        note = str(exc)
    except Exception as exc:  # one bad series must not stop the others
        log.exception("forecast of %s failed", series_id)
        note = f"{type(exc).__name__}: {exc}"
    else:
        write_series(engine, run_id, series_id, result)
        status = "fallback" if result.fallback else "ok"
        return SeriesOutcome(
            series_id, status, result.model, code, result.n_obs, result.horizon, result.note
        )
    write_series_failure(engine, run_id, series_id, len(y), note)
    return SeriesOutcome(series_id, "failed", NO_MODEL, freq, len(y), 0, note)


def run_forecasts(
    engine: sa.Engine,
    series_ids: Sequence[str] | None = None,
    horizon: int | None = None,
    progress: ProgressCallback | None = None,
    *,
    settings: Settings | None = None,
) -> ForecastReport:
    """Forecast ``series_ids`` (default: every series in ``dim_series``) and record a run.

    ``horizon`` overrides ``settings.forecast_horizon``, which overrides the per-frequency
    defaults. Raises ``UnknownSeriesError`` (after recording the run as failed) for ids
    ``dim_series`` does not know.
    """
    override = horizon if horizon is not None else (settings or get_settings()).forecast_horizon
    if override is not None and override < 1:
        raise ValueError(f"forecast horizon must be >= 1, got {override}")
    params = {
        "series_ids": sorted(series_ids) if series_ids is not None else None,
        "horizon": override,
        "default_horizons": DEFAULT_HORIZONS,
        "history_years": HISTORY_YEARS,
        "levels": list(DEFAULT_LEVELS),
        "models": list(MODEL_FAMILY),
    }
    started = time.perf_counter()
    run_id, version = start_run(engine, params)
    report = ForecastReport(run_id=run_id, status=FAILED, data_version=version)
    log.info("forecast run %s started at data version %d", run_id, version)
    try:
        info = load_series_info(engine, series_ids)
        history = read_history(engine, info)
        series = _split_history(history)
        for done, row in enumerate(info, start=1):
            y = series.get(row.series_id, _EMPTY)
            outcome = _forecast_one(engine, run_id, row.series_id, row.freq, y, override)
            report.outcomes.append(outcome)
            if progress is not None:
                progress(row.series_id, done, len(info))
        all_failed = bool(report.outcomes) and len(report.failed) == len(report.outcomes)
        report.status = FAILED if all_failed else SUCCESS
        report.error = "no series could be forecast" if all_failed else None
        finish_run(engine, run_id, report.status, report.error)
    except BaseException as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        finish_run(engine, run_id, FAILED, report.error)
        log.error("forecast run %s failed: %s", run_id, report.error)
        raise
    if report.status == SUCCESS:
        report.new_data_version = bump_version(engine, "forecast")
    report.elapsed_seconds = time.perf_counter() - started
    log.info(
        "forecast run %s %s: %d series, %d fallbacks, %d failed, %.1fs",
        run_id,
        report.status,
        len(report.outcomes),
        len(report.fallbacks),
        len(report.failed),
        report.elapsed_seconds,
    )
    return report
