"""Which observations an ingest asks FRED for: what is new, whole histories, or every vintage.

A normal run fetches each series from its last stored observation minus a revision
look-back (FRED revises recent values: a month's payrolls twice, daily rates the next day),
so the request stays small while recent revisions still arrive. The store compares each
fetched value with the newest stored vintage, so re-fetching the overlap writes nothing
unless FRED changed something. A series never stored, or a ``full`` run, fetches everything.
A ``vintages`` run (an ALFRED backfill) fetches every vintage FRED ever published of the whole
history and merges the past ones into each date's stored timeline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import sqlalchemy as sa

from ingest.fred_client import FredClient
from ingest.run import RunProgress, run_ingest
from ingest.run_records import IngestReport
from ingest.series_data import REALTIME_MAX, REALTIME_MIN, FredObservation, SeriesInfo
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


def plan_ingest(
    engine: sa.Engine, series_ids: Sequence[str], *, full: bool, lookback_days: int
) -> dict[str, date | None]:
    """``observation_start`` per series for this run (``None`` = whole history)."""
    last = dict.fromkeys(series_ids) if full else last_observation_dates(engine, series_ids)
    return plan_starts(last, lookback_days, full)


class AllVintages:
    """A FRED client asking ALFRED for every vintage of each series (``--vintages``)."""

    def __init__(self, client: FredClient) -> None:
        self._client = client

    def series_info(self, series_id: str) -> SeriesInfo:
        return self._client.series_info(series_id)

    def observations(
        self, series_id: str, *, observation_start: date | None = None
    ) -> list[FredObservation]:
        return self._client.observations(
            series_id,
            observation_start=observation_start,
            realtime_start=REALTIME_MIN,
            realtime_end=REALTIME_MAX,
        )


def ingest_from_fred(
    engine: sa.Engine,
    client: FredClient,
    series_ids: Sequence[str],
    *,
    lookback_days: int,
    max_workers: int,
    full: bool = False,
    vintages: bool = False,
    progress: RunProgress | None = None,
) -> IngestReport:
    """An operator's ingest of ``series_ids``: only what is new (from each series' last stored
    observation minus ``lookback_days``) unless ``full``; with ``vintages``, an ALFRED
    backfill: every vintage of the whole history, merged into what is stored."""
    starts = plan_ingest(engine, series_ids, full=full or vintages, lookback_days=lookback_days)
    return run_ingest(
        engine,
        AllVintages(client) if vintages else client,
        series_ids,
        starts=starts,
        max_workers=max_workers,
        progress=progress,
        merge_history=vintages,
    )
