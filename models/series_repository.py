"""Read repository over the dbt marts: the series dimension, observations and statistics
("models" = this storage package; the marts are dbt models, named in ``models.marts``).

Every function takes an open ``Connection`` so a caller can run several reads in one
transaction (one snapshot, one DuckDB file open) and returns plain dataclasses with series
as columns. SQL is SQLAlchemy Core that DuckDB and MySQL/MariaDB both accept. Forecast reads
live in ``models.forecast_repository``.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import sqlalchemy as sa

from models import marts
from models.values import as_date, as_utc
from models.versioning import current_version

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_dim = sa.table(marts.DIM_SERIES, *(sa.column(c) for c in marts.DIM_SERIES_COLUMNS))
_obs = sa.table(
    marts.OBSERVATIONS,
    sa.column("series_id"),
    sa.column("obs_date", sa.Date),
    sa.column("value", sa.Double),
)
_stats = sa.table(marts.SERIES_STATS, *(sa.column(c) for c in marts.STATS_COLUMNS))


@dataclass(kw_only=True, slots=True)
class SeriesMeta:
    """A ``dim_series`` row under the names the API serves an indicator by.

    ``_meta`` is the one mapping from the stored columns; the API's REST and GraphQL types
    extend this class instead of declaring the fields again, which is why it is not frozen.
    """

    id: str
    title: str
    units: str
    units_short: str
    frequency: str
    frequency_short: str
    seasonal_adjustment: str
    first_date: date | None
    last_date: date | None
    observation_count: int
    last_ingested_at: datetime | None  # aware, UTC (``models.values.as_utc``)


@dataclass(frozen=True, slots=True)
class SeriesColumns:
    dates: list[date] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SeriesStats:
    count: int
    mean: float | None = None
    variance: float | None = None
    stddev: float | None = None
    min: float | None = None
    max: float | None = None
    start: date | None = None
    end: date | None = None


def data_version(conn: sa.Connection) -> int:
    return current_version(conn)


def _meta(row: sa.Row[Any]) -> SeriesMeta:
    m = row._mapping
    return SeriesMeta(
        id=str(m["series_id"]),
        title=m["title"] or "",
        units=m["units"] or "",
        units_short=m["units_short"] or "",
        frequency=m["frequency"] or "",
        frequency_short=m["frequency_short"] or "",
        seasonal_adjustment=m["seasonal_adjustment"] or "",
        first_date=as_date(m["first_obs_date"]),
        last_date=as_date(m["last_obs_date"]),
        observation_count=int(m["n_obs"] or 0),
        last_ingested_at=as_utc(m["last_ingested_at"]),
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def list_series(conn: sa.Connection) -> list[SeriesMeta]:
    rows = conn.execute(sa.select(_dim).order_by(_dim.c.series_id)).all()
    return [_meta(r) for r in rows]


def get_series(conn: sa.Connection, ids: Sequence[str]) -> dict[str, SeriesMeta]:
    if not ids:
        return {}
    rows = conn.execute(sa.select(_dim).where(_dim.c.series_id.in_(list(ids)))).all()
    return {m.id: m for m in map(_meta, rows)}


def _window(stmt: sa.Select[Any], start: date | None, end: date | None) -> sa.Select[Any]:
    if start is not None:
        stmt = stmt.where(_obs.c.obs_date >= start)
    if end is not None:
        stmt = stmt.where(_obs.c.obs_date <= end)
    return stmt


def observations(
    conn: sa.Connection, ids: Sequence[str], start: date | None, end: date | None
) -> dict[str, SeriesColumns]:
    """Observations of each series inside [start, end] (inclusive; None = open), by date."""
    if not ids:
        return {}
    stmt = sa.select(_obs.c.series_id, _obs.c.obs_date, _obs.c.value).where(
        _obs.c.series_id.in_(list(ids))
    )
    stmt = _window(stmt, start, end).order_by(_obs.c.series_id, _obs.c.obs_date)
    out: dict[str, SeriesColumns] = {}
    result: Iterable[Any] = conn.execute(stmt)
    for sid, rows in groupby(result, key=itemgetter(0)):
        cols = SeriesColumns()
        for _, d, v in rows:
            cols.dates.append(as_date(d))
            cols.values.append(None if v is None else float(v))
        out[str(sid)] = cols
    return out


Columns = TypeVar("Columns", bound="DataclassInstance")


def window_of(cols: Columns, start: date | None, end: date | None) -> Columns:
    """``cols`` cut to [start, end] (inclusive; None = open): a frozen dataclass of a sorted
    ``dates`` column and columns parallel to it (``SeriesColumns``, the analytics marts'
    columns). Exactly the rows a read filtered on that date column would return."""
    dates: list[date] = getattr(cols, "dates")  # noqa: B009 - any columns dataclass
    lo = 0 if start is None else bisect_left(dates, start)
    hi = len(dates) if end is None else bisect_right(dates, end)
    if lo == 0 and hi == len(dates):
        return cols
    return replace(cols, **{f.name: getattr(cols, f.name)[lo:hi] for f in fields(cols)})


def stats_of(cols: SeriesColumns) -> SeriesStats:
    """Sample statistics of the dates with a value, as SQL's count, avg, var_samp,
    stddev_samp, min and max (over ``mart_observations`` rows whose value is not null) give
    them; ``start``/``end`` are the first and last such date."""
    values = np.asarray(cols.values, dtype=float)  # None -> NaN
    present = np.flatnonzero(~np.isnan(values))
    if present.size == 0:
        return SeriesStats(count=0)
    values = values[present]
    n = int(values.size)
    variance = float(values.var(ddof=1)) if n > 1 else None
    return SeriesStats(
        count=n,
        mean=float(values.mean()),
        variance=variance,
        stddev=None if variance is None else math.sqrt(variance),
        min=float(values.min()),
        max=float(values.max()),
        start=cols.dates[present[0]],
        end=cols.dates[present[-1]],
    )


def full_history_stats(conn: sa.Connection, ids: Sequence[str]) -> dict[str, SeriesStats]:
    """Full-history statistics precomputed by dbt in ``mart_series_stats``."""
    if not ids:
        return {}
    rows = conn.execute(sa.select(_stats).where(_stats.c.series_id.in_(list(ids)))).all()
    out: dict[str, SeriesStats] = {}
    for row in rows:
        m = row._mapping
        out[str(m["series_id"])] = SeriesStats(
            count=int(m["n_obs"] or 0),
            mean=_float(m["mean"]),
            variance=_float(m["variance"]),
            stddev=_float(m["stddev"]),
            min=_float(m["min_value"]),
            max=_float(m["max_value"]),
            start=as_date(m["first_obs_date"]),
            end=as_date(m["last_obs_date"]),
        )
    return out
