"""Read repository over the forecast tables: each series' latest forecast and the model
selection behind it (candidates and their backtest windows). "models" = this storage
package; a forecast "model" is a ``forecasting`` model label.

Every function takes an open ``Connection`` so a caller can run several reads in one
transaction (one snapshot, one DuckDB file open) and returns plain dataclasses with series
as columns. SQL is SQLAlchemy Core that DuckDB and MySQL/MariaDB both accept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from models.tables import (
    FORECAST_METRICS,
    SUCCESS,
    forecast_backtests,
    forecast_models,
    forecast_points,
    forecast_runs,
)
from models.values import as_date, as_utc, finite, finite_json

log = logging.getLogger("fredpipe.repository")


@dataclass(frozen=True, slots=True)
class ForecastColumns:
    series_id: str
    run_id: str
    model: str
    created_at: datetime  # aware, UTC (``models.values.as_utc``)
    dates: list[date]
    mean: list[float]
    lower_80: list[float]
    upper_80: list[float]
    lower_95: list[float]
    upper_95: list[float]


def latest_forecasts(conn: sa.Connection, ids: Sequence[str]) -> dict[str, ForecastColumns]:
    """Per series, the points of the newest successful run that forecast it; series without
    one are absent. The one reader of stored forecasts (the API serves it, the forecast
    run's tests check what a run stored through it), so every reader agrees on which run
    is current.

    "Newest" ranks by data version, then creation time, then run id (time-ordered: run ids
    sort by creation even where ``created_at`` keeps whole seconds). A running or failed run
    never hides the last good forecast. Two small queries instead of a correlated ``LIMIT``
    subquery, which MariaDB rejects; this one reuses the caller's connection and snapshot.
    """
    if not ids:
        return {}
    p, r = forecast_points, forecast_runs
    runs: Iterable[Any] = conn.execute(
        sa.select(p.c.series_id, r.c.run_id, r.c.created_at, r.c.data_version)
        .select_from(p.join(r, r.c.run_id == p.c.run_id))
        .where(p.c.series_id.in_(list(ids)), r.c.status == SUCCESS)
        .group_by(p.c.series_id, r.c.run_id, r.c.created_at, r.c.data_version)
    ).all()
    newest: dict[str, tuple[int, datetime, str]] = {}
    for sid, run_id, created_at, version in runs:
        rank = (int(version), created_at, str(run_id))
        if str(sid) not in newest or rank > newest[str(sid)]:
            newest[str(sid)] = rank
    by_run: dict[str, list[str]] = {}
    for sid, (_, _, run_id) in newest.items():
        by_run.setdefault(run_id, []).append(sid)
    out: dict[str, ForecastColumns] = {}
    for run_id, sids in by_run.items():
        stmt = (
            sa.select(
                p.c.series_id,
                p.c.target_date,
                p.c.model,
                p.c.mean,
                p.c.lower_80,
                p.c.upper_80,
                p.c.lower_95,
                p.c.upper_95,
            )
            .where(p.c.run_id == run_id, p.c.series_id.in_(sids))
            .order_by(p.c.series_id, p.c.target_date)
        )
        for sid, rows in groupby(conn.execute(stmt), key=itemgetter(0)):
            pts = list(rows)
            out[str(sid)] = ForecastColumns(
                series_id=str(sid),
                run_id=run_id,
                model=str(pts[0][2]),
                created_at=as_utc(newest[sid][1]),
                dates=[as_date(x[1]) for x in pts],  # type: ignore[misc]
                mean=[float(x[3]) for x in pts],
                lower_80=[float(x[4]) for x in pts],
                upper_80=[float(x[5]) for x in pts],
                lower_95=[float(x[6]) for x in pts],
                upper_95=[float(x[7]) for x in pts],
            )
    return out


# --- model selection of a forecast (forecast_models, forecast_backtests) ------------------

#: A forecast's identity for its selection rows: (run id, series id).
RunSeries = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Metrics:
    """Backtest accuracy; None when undefined (no scored point, zero MASE scale, ...)."""

    mae: float | None = None
    rmse: float | None = None
    smape: float | None = None
    mase: float | None = None
    coverage_80: float | None = None
    coverage_95: float | None = None


@dataclass(frozen=True, slots=True)
class CandidateModel:
    """One candidate model of a run and series (a ``forecast_models`` row)."""

    model: str
    selected: bool
    spec: str | None
    rank: int | None
    windows: int | None
    n_obs: int
    metrics: Metrics
    params: Any  # the parsed JSON (normally an object); None when absent or unreadable
    note: str | None


@dataclass(frozen=True, slots=True)
class BacktestWindow:
    """One backtest window of one candidate (a ``forecast_backtests`` row)."""

    model: str
    cutoff: date
    n_train: int
    horizon: int
    metrics: Metrics


def _metrics(m: Any) -> Metrics:
    return Metrics(**{name: finite(m[name]) for name in FORECAST_METRICS})


def _params(text: str | None, key: RunSeries, model: str) -> Any:
    if text is None or not text.strip():
        return None
    try:
        # non-finite floats (``json.dumps`` writes NaN/Infinity) become None, so the API
        # never answers invalid JSON
        return finite_json(json.loads(text))
    except ValueError:
        log.warning("forecast_models.params of %s/%s/%s is not JSON; served as null", *key, model)
        return None


def _candidate_order(c: CandidateModel) -> tuple[bool, int, bool, str]:
    """By rank (1 = chosen); unranked (not scored) last, the selected one first among them."""
    return (c.rank is None, c.rank or 0, not c.selected, c.model)


def _run_series_filter(table: sa.Table, keys: Iterable[RunSeries]) -> sa.ColumnElement[bool]:
    """``(run_id = r1 AND series_id IN (...)) OR ...``: exact pairs, one statement, a prefix of
    the primary key, and SQL both DuckDB and MariaDB plan well (no row-value IN)."""
    by_run: dict[str, set[str]] = {}
    for run_id, sid in keys:
        by_run.setdefault(run_id, set()).add(sid)
    return sa.or_(
        *(
            sa.and_(table.c.run_id == run_id, table.c.series_id.in_(sorted(sids)))
            for run_id, sids in sorted(by_run.items())
        )
    )


def forecast_candidates(
    conn: sa.Connection, keys: Sequence[RunSeries]
) -> dict[RunSeries, list[CandidateModel]]:
    """The candidate models of each (run, series), in one query, ordered by rank with
    unranked candidates last. A key without rows is absent from the result."""
    if not keys:
        return {}
    m = forecast_models
    stmt = sa.select(
        m.c.run_id,
        m.c.series_id,
        m.c.model,
        m.c.selected,
        m.c.spec,
        m.c.rank,
        m.c.windows,
        m.c.n_obs,
        m.c.params,
        m.c.note,
        *(m.c[name] for name in FORECAST_METRICS),
    ).where(_run_series_filter(m, keys))
    out: dict[RunSeries, list[CandidateModel]] = {}
    for row in conn.execute(stmt):
        r = row._mapping
        key = (str(r["run_id"]), str(r["series_id"]))
        out.setdefault(key, []).append(
            CandidateModel(
                model=str(r["model"]),
                selected=bool(r["selected"]),
                spec=r["spec"],
                rank=None if r["rank"] is None else int(r["rank"]),
                windows=None if r["windows"] is None else int(r["windows"]),
                n_obs=int(r["n_obs"]),
                metrics=_metrics(r),
                params=_params(r["params"], key, str(r["model"])),
                note=r["note"],
            )
        )
    for candidates in out.values():
        candidates.sort(key=_candidate_order)
    return out


def forecast_backtest_windows(
    conn: sa.Connection, keys: Sequence[RunSeries]
) -> dict[RunSeries, list[BacktestWindow]]:
    """Every backtest window of every candidate of each (run, series), in one query, ordered
    by model label, then cutoff. A key without rows is absent from the result."""
    if not keys:
        return {}
    b = forecast_backtests
    stmt = (
        sa.select(
            b.c.run_id,
            b.c.series_id,
            b.c.model,
            b.c.cutoff,
            b.c.n_train,
            b.c.horizon,
            *(b.c[name] for name in FORECAST_METRICS),
        )
        .where(_run_series_filter(b, keys))
        .order_by(b.c.run_id, b.c.series_id, b.c.model, b.c.cutoff)
    )
    out: dict[RunSeries, list[BacktestWindow]] = {}
    for row in conn.execute(stmt):
        r = row._mapping
        out.setdefault((str(r["run_id"]), str(r["series_id"])), []).append(
            BacktestWindow(
                model=str(r["model"]),
                cutoff=as_date(r["cutoff"]),
                n_train=int(r["n_train"]),
                horizon=int(r["horizon"]),
                metrics=_metrics(r),
            )
        )
    return out
