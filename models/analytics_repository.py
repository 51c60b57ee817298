"""Read repository over the analytics marts: units transforms, resampled series, daily
technicals, candles and trailing-window statistics ("models" = this storage package; the
marts are dbt models, named in ``models.marts``).

Like ``models.series_repository``: every function takes an open ``Connection`` and the ids of
several series, so a DataLoader turns N indicators into one statement, and returns plain
dataclasses with series as columns. Columns are chosen by their mart name (a caller maps its
own vocabulary to them); a name the mart does not have raises ``KeyError`` before any SQL runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import numpy as np
import sqlalchemy as sa

from models import marts
from models.series_repository import SeriesColumns
from models.values import as_date, finite

_transforms = sa.table(
    marts.OBSERVATION_TRANSFORMS,
    sa.column("series_id"),
    sa.column("obs_date"),
    *(sa.column(c) for c in marts.TRANSFORM_VALUE_COLUMNS),
)
_resampled = sa.table(
    marts.OBSERVATIONS_RESAMPLED,
    sa.column("series_id"),
    sa.column("frequency"),
    sa.column("period_start"),
    *(sa.column(c) for c in marts.RESAMPLED_VALUE_COLUMNS),
)
_technicals = sa.table(
    marts.DAILY_TECHNICALS,
    sa.column("series_id"),
    sa.column("obs_date"),
    *(sa.column(c) for c in marts.TECHNICAL_COLUMNS),
)
_candles = sa.table(
    marts.CANDLES,
    sa.column("series_id"),
    sa.column("period"),
    sa.column("period_start"),
    *(sa.column(c) for c in marts.CANDLE_COLUMNS),
)
_window_stats = sa.table(
    marts.SERIES_WINDOW_STATS, *(sa.column(c) for c in marts.WINDOW_STATS_COLUMNS)
)


@dataclass(frozen=True, slots=True)
class TechnicalColumns:
    """``mart_daily_technicals`` as columns, one entry per observation date."""

    dates: list[date] = field(default_factory=list)
    sma20: list[float | None] = field(default_factory=list)
    sma50: list[float | None] = field(default_factory=list)
    sma200: list[float | None] = field(default_factory=list)
    volatility21: list[float | None] = field(default_factory=list)
    volatility63: list[float | None] = field(default_factory=list)
    bollinger_upper: list[float | None] = field(default_factory=list)
    bollinger_middle: list[float | None] = field(default_factory=list)
    bollinger_lower: list[float | None] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CandleColumns:
    """``mart_candles`` as columns, one entry per period, labelled by its first day."""

    dates: list[date] = field(default_factory=list)
    open: list[float | None] = field(default_factory=list)
    high: list[float | None] = field(default_factory=list)
    low: list[float | None] = field(default_factory=list)
    close: list[float | None] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WindowStats:
    """A ``mart_series_window_stats`` row under the API's names."""

    window: str
    window_start: date
    window_end: date
    count: int
    mean: float | None
    variance: float | None
    stddev: float | None
    min: float | None
    max: float | None
    first_value: float | None
    last_value: float | None
    change: float | None
    start: date
    end: date


def _between(
    stmt: sa.Select[Any], column: sa.ColumnClause[Any], start: date | None, end: date | None
) -> sa.Select[Any]:
    if start is not None:
        stmt = stmt.where(column >= start)
    if end is not None:
        stmt = stmt.where(column <= end)
    return stmt


def _dates(column: Sequence[Any]) -> list[date]:
    """A driver's DATE column as ``date`` objects: kept as they are when they already are (the
    usual case on both backends), else converted one by one (``as_date``)."""
    first = column[0]
    if isinstance(first, date) and not isinstance(first, datetime):
        return list(column)
    return [as_date(d) for d in column]


def _floats(column: Sequence[Any]) -> list[float | None]:
    """A DOUBLE column with None wherever a value is missing or not finite (NaN, inf: not
    JSON). One vectorised check; Python touches only the few values it must replace."""
    values: list[Any] = list(column)
    defined = np.isfinite(np.array(values, dtype=float))  # None becomes NaN
    kept = np.flatnonzero(defined)
    if kept.size and not isinstance(values[kept[0]], float):  # a driver's Decimal, say
        return [finite(v) for v in values]
    for i in np.flatnonzero(~defined).tolist():
        values[i] = None
    return values


def _columns_by_series(
    rows: Iterable[Any], build: Callable[[list[date], list[list[float | None]]], Any]
) -> dict[str, Any]:
    """Rows ``(series_id, date, v1, v2, ...)`` ordered by series and date, as one
    ``build(dates, [v1s, v2s, ...])`` per series; non-finite values become None. Columns are
    transposed in bulk: a 50-year daily series is 16,000 rows per column."""
    out: dict[str, Any] = {}
    for sid, group in groupby(rows, key=itemgetter(0)):
        columns = list(zip(*group, strict=True))
        out[str(sid)] = build(_dates(columns[1]), [_floats(c) for c in columns[2:]])
    return out


def _series(dates: list[date], values: list[list[float | None]]) -> SeriesColumns:
    return SeriesColumns(dates, values[0])


def transformed(
    conn: sa.Connection, ids: Sequence[str], column: str, start: date | None, end: date | None
) -> dict[str, SeriesColumns]:
    """One column of ``mart_observation_transforms`` per series inside [start, end]."""
    value = _transforms.c[column]
    if not ids:
        return {}
    t = _transforms.c
    stmt = sa.select(t.series_id, t.obs_date, value).where(t.series_id.in_(list(ids)))
    stmt = _between(stmt, t.obs_date, start, end).order_by(t.series_id, t.obs_date)
    return _columns_by_series(conn.execute(stmt).all(), _series)


def resampled(
    conn: sa.Connection,
    ids: Sequence[str],
    frequency: str,
    column: str,
    start: date | None,
    end: date | None,
) -> dict[str, SeriesColumns]:
    """One aggregation column of ``mart_observations_resampled`` at ``frequency`` (W, M, Q,
    A) per series, dated by period start, for the periods that start inside [start, end].
    Empty periods are kept with a None value; a series the mart does not resample to that
    frequency (native as fine or finer) is absent."""
    value = _resampled.c[column]
    if frequency not in marts.RESAMPLED_FREQUENCIES:
        raise KeyError(frequency)
    if not ids:
        return {}
    r = _resampled.c
    stmt = sa.select(r.series_id, r.period_start, value).where(
        r.series_id.in_(list(ids)), r.frequency == frequency
    )
    stmt = _between(stmt, r.period_start, start, end).order_by(r.series_id, r.period_start)
    return _columns_by_series(conn.execute(stmt).all(), _series)


def index_bases(conn: sa.Connection, ids: Sequence[str]) -> dict[str, float]:
    """The base value of each series' ``index_100`` (the value that index is 100 at), as the
    mart implies it at the series' last observation: ``100 * value / index_100``. Series
    without an index (no base, or a zero value there) are absent."""
    if not ids:
        return {}
    t = _transforms.c
    last = (
        sa.select(t.series_id, sa.func.max(t.obs_date).label("obs_date"))
        .where(
            t.series_id.in_(list(ids)),
            t.index_100.is_not(None),
            t.index_100 != 0,
            t.value != 0,
        )
        .group_by(t.series_id)
        .subquery()
    )
    stmt = sa.select(t.series_id, t.value, t.index_100).join(
        last, sa.and_(t.series_id == last.c.series_id, t.obs_date == last.c.obs_date)
    )
    rows: Iterable[Any] = conn.execute(stmt)
    return {str(sid): 100.0 * float(v) / float(idx) for sid, v, idx in rows}


def _technical_columns(dates: list[date], values: list[list[float | None]]) -> TechnicalColumns:
    return TechnicalColumns(dates, *values)


def technicals(
    conn: sa.Connection, ids: Sequence[str], start: date | None, end: date | None
) -> dict[str, TechnicalColumns]:
    """``mart_daily_technicals`` per daily series inside [start, end]."""
    if not ids:
        return {}
    t = _technicals.c
    stmt = sa.select(t.series_id, t.obs_date, *(t[c] for c in marts.TECHNICAL_COLUMNS)).where(
        t.series_id.in_(list(ids))
    )
    stmt = _between(stmt, t.obs_date, start, end).order_by(t.series_id, t.obs_date)
    return _columns_by_series(conn.execute(stmt).all(), _technical_columns)


def _candles_of(dates: list[date], values: list[list[float | None]]) -> CandleColumns:
    return CandleColumns(dates, *values)


def candles(
    conn: sa.Connection,
    ids: Sequence[str],
    period: str,
    start: date | None,
    end: date | None,
) -> dict[str, CandleColumns]:
    """``mart_candles`` at ``period`` (W or M) per daily series, for the periods that start
    inside [start, end]."""
    if period not in marts.CANDLE_PERIODS:
        raise KeyError(period)
    if not ids:
        return {}
    c = _candles.c
    stmt = sa.select(
        c.series_id, c.period_start, *(c[name] for name in marts.CANDLE_COLUMNS)
    ).where(c.series_id.in_(list(ids)), c.period == period)
    stmt = _between(stmt, c.period_start, start, end).order_by(c.series_id, c.period_start)
    return _columns_by_series(conn.execute(stmt).all(), _candles_of)


def _window_row(m: Any) -> WindowStats:
    return WindowStats(
        window=str(m["window_name"]).strip(),
        window_start=as_date(m["window_start"]),
        window_end=as_date(m["window_end"]),
        count=int(m["n_obs"]),
        mean=finite(m["mean"]),
        variance=finite(m["variance"]),
        stddev=finite(m["stddev"]),
        min=finite(m["min_value"]),
        max=finite(m["max_value"]),
        first_value=finite(m["first_value"]),
        last_value=finite(m["last_value"]),
        change=finite(m["change_value"]),
        start=as_date(m["first_obs_date"]),
        end=as_date(m["last_obs_date"]),
    )


def window_stats(conn: sa.Connection, ids: Sequence[str]) -> dict[str, list[WindowStats]]:
    """Each series' ``mart_series_window_stats`` rows in ``marts.WINDOW_NAMES`` order."""
    if not ids:
        return {}
    w = _window_stats.c
    rows = conn.execute(sa.select(_window_stats).where(w.series_id.in_(list(ids)))).mappings()
    order = {name: i for i, name in enumerate(marts.WINDOW_NAMES)}
    out: dict[str, list[WindowStats]] = {}
    for row in rows:
        out.setdefault(str(row["series_id"]), []).append(_window_row(row))
    for found in out.values():
        found.sort(key=lambda s: order.get(s.window, len(order)))
    return out
