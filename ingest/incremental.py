"""Which observations an incremental ingest asks FRED for.

A normal run fetches each series from its last stored observation minus a revision
look-back (FRED revises recent values: a month's payrolls twice, daily rates the next day),
so the request stays small while recent revisions still arrive. The loader compares each
fetched value with the newest stored vintage, so re-fetching the overlap writes nothing
unless FRED changed something. A series never stored, or a ``full`` run, fetches everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import sqlalchemy as sa

from models.tables import raw_observations
from models.values import as_date


def plan_starts(
    last_dates: Mapping[str, date | None], lookback_days: int, full: bool
) -> dict[str, date | None]:
    """``observation_start`` per series: ``None`` means the whole history."""
    if lookback_days < 0:
        raise ValueError(f"lookback_days must be >= 0, got {lookback_days}")
    if full:
        return dict.fromkeys(last_dates)
    return {
        sid: None if last is None else _minus_days(last, lookback_days)
        for sid, last in last_dates.items()
    }


def _minus_days(day: date, days: int) -> date:
    # A look-back reaching before year 1 simply means "everything".
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return date.min


def last_observation_dates(engine: sa.Engine, series_ids: Sequence[str]) -> dict[str, date | None]:
    """Newest stored observation date per series (any vintage); ``None`` when none is stored."""
    out: dict[str, date | None] = dict.fromkeys(series_ids)
    if not out:
        return out
    t = raw_observations
    stmt = (
        sa.select(t.c.series_id, sa.func.max(t.c.obs_date))
        .where(t.c.series_id.in_(list(out)))
        .group_by(t.c.series_id)
    )
    with engine.connect() as conn:
        for sid, last in conn.execute(stmt):
            out[str(sid)] = as_date(last)
    return out
