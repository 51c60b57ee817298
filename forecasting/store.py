"""Read and write the forecast tables (``forecast_runs``, ``forecast_points``, ``forecast_models``).

A run is visible to readers only once its status is ``success``: a running or failed run
never hides the last good forecast of a series.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from forecasting.metrics import METRIC_NAMES
from forecasting.pipeline import SeriesForecast
from models.tables import forecast_models, forecast_points, forecast_runs
from models.versioning import current_version

RUNNING, SUCCESS, FAILED = "running", "success", "failed"
#: Model name recorded for a series that could not be forecast at all.
NO_MODEL = "none"
_MAX_ERROR_CHARS = 4000
_FRAME_COLUMNS = ("mean", "lower_80", "upper_80", "lower_95", "upper_95")


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id() -> str:
    """A UUID whose first 48 bits are the millisecond clock (the UUIDv7 layout), so run ids
    sort by creation time even where ``created_at`` only keeps whole seconds (MySQL)."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand & ((1 << 76) - 1))
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant bits
    return str(uuid.UUID(int=value))


def start_run(engine: sa.Engine, params: Mapping[str, Any]) -> tuple[str, int]:
    """Insert a ``running`` run stamped with the data version it reads; returns (id, version)."""
    run_id = new_run_id()
    with engine.begin() as conn:
        version = current_version(conn)
        conn.execute(
            forecast_runs.insert().values(
                run_id=run_id,
                created_at=_utcnow(),
                data_version=version,
                status=RUNNING,
                params=json.dumps(dict(params), sort_keys=True, default=str),
            )
        )
    return run_id, version


def finish_run(engine: sa.Engine, run_id: str, status: str, error: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(
            forecast_runs.update()
            .where(forecast_runs.c.run_id == run_id)
            .values(
                status=status,
                finished_at=_utcnow(),
                error=error[:_MAX_ERROR_CHARS] if error else None,
            )
        )


def write_series(engine: sa.Engine, run_id: str, series_id: str, result: SeriesForecast) -> None:
    """Points and candidate-model rows of one series, in one transaction."""
    frame = result.frame
    dates = [ts.date() for ts in pd.DatetimeIndex(frame.index)]
    columns = {name: frame[name].to_numpy(dtype=float) for name in _FRAME_COLUMNS}
    points = [
        {
            "run_id": run_id,
            "series_id": series_id,
            "target_date": day,
            "model": result.model,
            **{name: float(values[i]) for name, values in columns.items()},
        }
        for i, day in enumerate(dates)
    ]
    candidates = [
        {
            "run_id": run_id,
            "series_id": series_id,
            "model": c.model,
            "selected": c.selected,
            "n_obs": result.n_obs,
            "note": c.note,
            **{k: (c.metrics or {}).get(k) for k in METRIC_NAMES},
        }
        for c in result.candidates
    ]
    with engine.begin() as conn:
        conn.execute(forecast_points.insert(), points)
        conn.execute(forecast_models.insert(), candidates)


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


@dataclass(frozen=True)
class StoredForecast:
    """The forecast of one series from the latest successful run that covers it.

    ``frame`` is indexed by ``date`` with columns mean, lower_80, upper_80, lower_95, upper_95.
    """

    series_id: str
    run_id: str
    model: str
    created_at: datetime
    data_version: int
    frame: pd.DataFrame

    @property
    def dates(self) -> list[date]:
        return [ts.date() for ts in self.frame.index]

    def column(self, name: str) -> list[float]:
        return [float(v) for v in self.frame[name]]


def _latest_selected(conn: sa.Connection, series_ids: Sequence[str] | None) -> list[sa.Row]:
    order = (
        forecast_runs.c.data_version.desc(),
        forecast_runs.c.created_at.desc(),
        forecast_runs.c.run_id.desc(),
    )
    ranked = (
        sa.select(
            forecast_models.c.series_id,
            forecast_models.c.run_id,
            forecast_models.c.model,
            forecast_runs.c.created_at,
            forecast_runs.c.data_version,
            sa.func.row_number()
            .over(partition_by=forecast_models.c.series_id, order_by=order)
            .label("rn"),
        )
        .join_from(
            forecast_models, forecast_runs, forecast_models.c.run_id == forecast_runs.c.run_id
        )
        .where(forecast_runs.c.status == SUCCESS, forecast_models.c.selected == sa.true())
    )
    if series_ids is not None:
        ranked = ranked.where(forecast_models.c.series_id.in_(list(series_ids)))
    sub = ranked.subquery()
    return list(conn.execute(sa.select(sub).where(sub.c.rn == 1)).all())


def latest_forecasts(
    engine: sa.Engine, series_ids: Sequence[str] | None = None
) -> dict[str, StoredForecast]:
    """Forecast per series from the newest successful run containing it; series without one
    are absent from the result. ``None`` means every series."""
    if series_ids is not None and not series_ids:
        return {}
    with engine.connect() as conn:
        heads = _latest_selected(conn, series_ids)
        by_run: dict[str, list[str]] = {}
        for head in heads:
            by_run.setdefault(head.run_id, []).append(head.series_id)
        points: dict[str, list[sa.Row]] = {}
        for run_id, ids in by_run.items():
            rows = conn.execute(
                sa.select(forecast_points)
                .where(forecast_points.c.run_id == run_id, forecast_points.c.series_id.in_(ids))
                .order_by(forecast_points.c.series_id, forecast_points.c.target_date)
            ).all()
            for row in rows:
                points.setdefault(row.series_id, []).append(row)
    return {
        head.series_id: StoredForecast(
            series_id=head.series_id,
            run_id=head.run_id,
            model=head.model,
            created_at=head.created_at,
            data_version=int(head.data_version),
            frame=_points_frame(points.get(head.series_id, [])),
        )
        for head in heads
    }


def _points_frame(rows: Sequence[sa.Row]) -> pd.DataFrame:
    index = pd.DatetimeIndex(pd.to_datetime([r.target_date for r in rows]), name="date")
    data = {name: [float(getattr(r, name)) for r in rows] for name in _FRAME_COLUMNS}
    return pd.DataFrame(data, index=index, columns=list(_FRAME_COLUMNS), dtype=float)
