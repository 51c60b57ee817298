"""Write the forecast tables (``forecast_runs``, ``forecast_points``, ``forecast_models``,
``forecast_backtests``); readers are in ``models.forecast_repository``.

A run is visible to readers only once its status is ``success``: a running or failed run
never hides the last good forecast of a series.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from forecasting.pipeline import CandidateResult, SeriesForecast
from models.tables import (
    FORECAST_METRICS,
    RUNNING,
    SUCCESS,
    forecast_backtests,
    forecast_models,
    forecast_points,
    forecast_runs,
)
from models.values import finite_json, utcnow
from models.versioning import current_version, latest_version_of_others

#: Model name recorded for a series that could not be forecast at all.
NO_MODEL = "none"
_MAX_ERROR_CHARS = 4000
_FRAME_COLUMNS = ("mean", "lower_80", "upper_80", "lower_95", "upper_95")
#: forecast_points.model and forecast_models.model are String(64), spec String(128).
_MODEL_CHARS, _SPEC_CHARS = 64, 128
#: The data-version stage a forecast run bumps; its own bumps are not its input.
FORECAST_STAGE = "forecast"


def new_run_id() -> str:
    """A UUID whose first 48 bits are the millisecond clock (the UUIDv7 layout), so run ids
    sort by creation time even where ``created_at`` only keeps whole seconds (MySQL)."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand & ((1 << 76) - 1))
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant bits
    return str(uuid.UUID(int=value))


def _params_json(params: Mapping[str, Any]) -> str:
    return json.dumps(finite_json(dict(params)), sort_keys=True, default=str, allow_nan=False)


def run_key(input_version: int, params: Mapping[str, Any]) -> str:
    """Identity of a run's work: the data it reads and every parameter that shapes it."""
    text = f"{input_version}\n{_params_json(params)}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class RunStart:
    run_id: str
    data_version: int  # the current version when the run started (it reads these marts)
    run_key: str
    reused: bool  # True: a successful run with the same key exists and is returned as is


def start_run(engine: sa.Engine, params: Mapping[str, Any], *, force: bool = False) -> RunStart:
    """Insert a ``running`` run stamped with the data version it reads.

    Idempotent: when a successful run with the same key (same input data version, same
    parameters) exists and ``force`` is False, that run is returned with ``reused=True`` and
    nothing is inserted.
    """
    with engine.begin() as conn:
        version = current_version(conn)
        key = run_key(latest_version_of_others(conn, FORECAST_STAGE), params)
        if not force:
            done = conn.execute(
                sa.select(forecast_runs.c.run_id, forecast_runs.c.data_version)
                .where(forecast_runs.c.run_key == key, forecast_runs.c.status == SUCCESS)
                .order_by(forecast_runs.c.created_at.desc(), forecast_runs.c.run_id.desc())
                .limit(1)
            ).first()
            if done is not None:
                return RunStart(str(done.run_id), int(done.data_version), key, reused=True)
        run_id = new_run_id()
        conn.execute(
            forecast_runs.insert().values(
                run_id=run_id,
                created_at=utcnow(),
                data_version=version,
                status=RUNNING,
                params=_params_json(params),
                run_key=key,
            )
        )
    return RunStart(run_id, version, key, reused=False)


def finish_run(engine: sa.Engine, run_id: str, status: str, error: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(
            forecast_runs.update()
            .where(forecast_runs.c.run_id == run_id)
            .values(
                status=status,
                finished_at=utcnow(),
                error=error[:_MAX_ERROR_CHARS] if error else None,
            )
        )


def _metrics(values: Mapping[str, float | None] | None) -> dict[str, float | None]:
    return {k: (values or {}).get(k) for k in FORECAST_METRICS}


def _candidate_row(run_id: str, series_id: str, n_obs: int, c: CandidateResult) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "series_id": series_id,
        "model": c.model[:_MODEL_CHARS],
        "spec": c.spec[:_SPEC_CHARS] if c.spec else None,
        "selected": c.selected,
        "rank": c.rank,
        "windows": len(c.windows),
        "params": _params_json(c.params) if c.params is not None else None,
        "n_obs": n_obs,
        "note": c.note[:_MAX_ERROR_CHARS] if c.note else None,
        **_metrics(c.metrics),
    }


def _backtest_rows(run_id: str, series_id: str, c: CandidateResult) -> list[dict[str, Any]]:
    return [
        {
            "run_id": run_id,
            "series_id": series_id,
            "model": c.model[:_MODEL_CHARS],
            "cutoff": w.cutoff,
            "n_train": w.n_train,
            "horizon": w.horizon,
            **_metrics(w.metrics),
        }
        for w in c.windows
    ]


def write_series(engine: sa.Engine, run_id: str, series_id: str, result: SeriesForecast) -> None:
    """Points, candidate models and their backtest windows of one series, in one transaction."""
    frame = result.frame
    dates = [ts.date() for ts in pd.DatetimeIndex(frame.index)]
    columns = {name: frame[name].to_numpy(dtype=float) for name in _FRAME_COLUMNS}
    points = [
        {
            "run_id": run_id,
            "series_id": series_id,
            "target_date": day,
            "model": result.spec[:_MODEL_CHARS],
            **{name: float(values[i]) for name, values in columns.items()},
        }
        for i, day in enumerate(dates)
    ]
    candidates = [_candidate_row(run_id, series_id, result.n_obs, c) for c in result.candidates]
    windows = [row for c in result.candidates for row in _backtest_rows(run_id, series_id, c)]
    with engine.begin() as conn:
        conn.execute(forecast_points.insert(), points)
        conn.execute(forecast_models.insert(), candidates)
        if windows:
            conn.execute(forecast_backtests.insert(), windows)


def write_series_failure(
    engine: sa.Engine, run_id: str, series_id: str, n_obs: int, note: str
) -> None:
    """Record why a series got no forecast in this run (no points are written)."""
    with engine.begin() as conn:
        conn.execute(
            forecast_models.insert().values(
                run_id=run_id,
                series_id=series_id,
                model=NO_MODEL,
                selected=False,
                n_obs=n_obs,
                note=note[:_MAX_ERROR_CHARS],
            )
        )
