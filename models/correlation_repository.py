"""Read repository for correlations: each series' points on a correlation basis, and the
correlations dbt stored in ``mart_correlations`` ("models" = this storage package; the marts
are dbt models, named in ``models.marts``).

The ``monthly`` basis is dbt's ``int_monthly_values``: a series observed monthly or more often
(``marts.MONTHLY_BASIS_FREQUENCIES``) averaged by calendar month, the month labelled by its first
day. It is read from marts, not from the intermediate table: ``mart_observations_resampled``'s
monthly averages (frequency ``M``, non-empty months) for series finer than monthly, and
``mart_observations`` itself for monthly series (averaged by month here, which for FRED's
one-observation-per-month series is the value itself). The ``daily`` basis is each series'
observations in ``mart_observations``. Every function reads any number of series in one
statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from models import marts, series_repository
from models.series_repository import SeriesColumns, window_of
from models.values import as_date, finite

MONTHLY = "monthly"
DAILY = "daily"
#: ``mart_observations_resampled``'s code for calendar months.
_MONTH = "M"

_obs = sa.table(
    marts.OBSERVATIONS,
    sa.column("series_id"),
    sa.column("obs_date", sa.Date),
    sa.column("value", sa.Double),
)
_dim = sa.table(marts.DIM_SERIES, sa.column("series_id"), sa.column("frequency_short"))
_resampled = sa.table(
    marts.OBSERVATIONS_RESAMPLED,
    sa.column("series_id"),
    sa.column("frequency"),
    sa.column("period_start", sa.Date),
    sa.column("n_obs"),
    sa.column("value_avg", sa.Double),
)
_WINDOW_ORDER = {name: i for i, name in enumerate(marts.WINDOW_NAMES)}
_corr = sa.table(marts.CORRELATIONS, *(sa.column(c) for c in marts.CORRELATION_COLUMNS))


@dataclass(frozen=True, slots=True)
class StoredCorrelation:
    """One ``mart_correlations`` row: the pair's correlation over one of its windows, whose
    points are exactly the pair's common points in [start_date, end_date]."""

    window_name: str
    correlation: float | None
    n_obs: int
    start_date: date
    end_date: date


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month_start(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def monthly_values(
    conn: sa.Connection, ids: Sequence[str], start: date | None, end: date | None
) -> dict[str, SeriesColumns]:
    """Each series' calendar-month averages whose month start lies in [start, end] (None =
    open), by month; a series observed less often than monthly has none (no entry)."""
    if not ids:
        return {}
    finer = (
        sa.select(
            _resampled.c.series_id,
            _resampled.c.period_start.label("point_date"),
            _resampled.c.value_avg.label("value"),
        )
        .select_from(_resampled.join(_dim, _resampled.c.series_id == _dim.c.series_id))
        .where(
            _resampled.c.series_id.in_(list(ids)),
            _dim.c.frequency_short.in_(marts.MONTHLY_BASIS_FREQUENCIES),
            _resampled.c.frequency == _MONTH,
            _resampled.c.n_obs > 0,
        )
    )
    monthly = (
        sa.select(_obs.c.series_id, _obs.c.obs_date.label("point_date"), _obs.c.value)
        .select_from(_obs.join(_dim, _obs.c.series_id == _dim.c.series_id))
        .where(_obs.c.series_id.in_(list(ids)), _dim.c.frequency_short == _MONTH)
    )
    if start is not None:
        # a monthly series' observation later in its month still belongs to that month
        finer = finer.where(_resampled.c.period_start >= start)
        monthly = monthly.where(_obs.c.obs_date >= _month_start(start))
    if end is not None:
        finer = finer.where(_resampled.c.period_start <= end)
        monthly = monthly.where(_obs.c.obs_date < _next_month_start(end))
    both = sa.union_all(finer, monthly).subquery()
    stmt = sa.select(both.c.series_id, both.c.point_date, both.c.value).order_by(
        both.c.series_id, both.c.point_date
    )
    sums: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    result: Iterable[Any] = conn.execute(stmt)
    for sid, day, value in result:
        month = _month_start(as_date(day))
        in_window = (start is None or month >= start) and (end is None or month <= end)
        if value is not None and in_window:
            sums[str(sid)][month].append(float(value))
    out: dict[str, SeriesColumns] = {}
    for sid, months in sums.items():
        cols = SeriesColumns()
        for month, values in months.items():  # ordered: the rows came by date
            cols.dates.append(month)
            cols.values.append(values[0] if len(values) == 1 else sum(values) / len(values))
        out[sid] = cols
    return out


def daily_values(
    conn: sa.Connection, ids: Sequence[str], start: date | None, end: date | None
) -> dict[str, SeriesColumns]:
    """Each series' observations in [start, end]: the points of the ``daily`` basis."""
    return series_repository.observations(conn, ids, start, end)


def stored_correlations(
    conn: sa.Connection, ids: Sequence[str], basis: str
) -> dict[tuple[str, str], list[StoredCorrelation]]:
    """Every stored window of every pair of ``ids`` on ``basis``, keyed by (a, b) with a < b."""
    if len(ids) < 2:
        return {}
    c = _corr.c
    stmt = (
        sa.select(
            c.series_a, c.series_b, c.window_name, c.correlation, c.n_obs, c.start_date, c.end_date
        )
        .where(c.series_a.in_(list(ids)), c.series_b.in_(list(ids)), c.basis == basis)
        .order_by(c.series_a, c.series_b)
    )
    out: dict[tuple[str, str], list[StoredCorrelation]] = {}
    result: Iterable[Any] = conn.execute(stmt)
    for (a, b), rows in groupby(result, key=itemgetter(0, 1)):
        windows = [
            StoredCorrelation(
                window_name=str(name).strip(),
                correlation=finite(r),
                n_obs=int(n),
                start_date=as_date(first),
                end_date=as_date(last),
            )
            for _, _, name, r, n, first, last in rows
        ]
        # windows holding the same points (a pair shorter than 10 years: 10y = full) are
        # named by the first in the mart's own order
        out[(str(a), str(b))] = sorted(windows, key=lambda w: _WINDOW_ORDER.get(w.window_name, 99))
    return out


@dataclass(frozen=True, slots=True)
class CorrelationInputs:
    """What a correlation of some series on one basis and window needs: each series' points
    (no entry: no point) and the pairs' stored windows (monthly basis only)."""

    points: dict[str, SeriesColumns]
    stored: dict[tuple[str, str], list[StoredCorrelation]]


def correlation_inputs(
    conn: sa.Connection, ids: Sequence[str], start: date | None, end: date | None, basis: str
) -> CorrelationInputs:
    """Two statements for any number of series: their points on ``basis`` inside the window,
    and (``monthly``) every stored window of every pair. The ``daily`` basis of
    ``mart_correlations`` covers daily series only, and a daily answer is recomputed from the
    observations for every pair alike, so it reads no stored correlation."""
    if basis == MONTHLY:
        return CorrelationInputs(
            monthly_values(conn, ids, start, end), stored_correlations(conn, ids, basis)
        )
    if basis == DAILY:
        return CorrelationInputs(daily_values(conn, ids, start, end), {})
    raise ValueError(f"unknown correlation basis {basis!r}")


def within(
    inputs: CorrelationInputs, ids: Sequence[str], start: date | None, end: date | None
) -> CorrelationInputs:
    """The inputs ``correlation_inputs(ids, start, end)`` would read, cut from inputs read for
    more ids over a window covering [start, end]: a point belongs to a window by its date
    (a month's start on the monthly basis, the observation date on the daily one) in both, so
    the cut is exact; a series left without points has no entry, as in a direct read."""
    wanted = set(ids)
    points: dict[str, SeriesColumns] = {}
    for sid in ids:
        cols = inputs.points.get(sid)
        if cols is None:
            continue
        cut = window_of(cols, start, end)
        if cut.dates:
            points[sid] = cut
    stored = {
        pair: windows
        for pair, windows in inputs.stored.items()
        if pair[0] in wanted and pair[1] in wanted
    }
    return CorrelationInputs(points, stored)
