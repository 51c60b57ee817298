"""The raw-table store: one series' metadata and new vintages in one transaction.

``store_series`` checks the rows (``ingest.vintage_plan.check_rows``: bad data raises before
the transaction opens), upserts ``raw_series`` and applies the vintage rules in bulk SQL
(``ingest.vintage_sql``). A transaction that loses a deadlock or a key race with a concurrent
writer is re-planned and retried, so concurrent workers and a rerun after a kill leave exactly
the rows of a clean run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa

from ingest.series_data import SeriesInfo
from ingest.vintage_plan import ObsRow, check_rows
from ingest.vintage_sql import apply_rows, has_stored_rows
from models.tables import raw_series
from models.values import utcnow

#: A series transaction that lost a deadlock or a key race is re-planned and retried.
STORE_ATTEMPTS = 3


def _upsert_series(conn: sa.Connection, info: SeriesInfo, fetched_at: datetime) -> None:
    """Portable upsert (DuckDB and MySQL spell ON CONFLICT differently); one row per series."""
    values = {
        "title": info.title,
        "units": info.units,
        "units_short": info.units_short,
        "frequency": info.frequency,
        "frequency_short": info.frequency_short,
        "seasonal_adjustment": info.seasonal_adjustment,
        "seasonal_adjustment_short": info.seasonal_adjustment_short,
        "observation_start": info.observation_start,
        "observation_end": info.observation_end,
        "last_updated": info.last_updated,
        "popularity": info.popularity,
        "notes": info.notes,
        "fetched_at": fetched_at,
    }
    key = raw_series.c.series_id == info.series_id
    exists = conn.execute(sa.select(sa.literal(1)).where(key)).first()
    if exists:
        conn.execute(raw_series.update().where(key).values(**values))
    else:
        conn.execute(raw_series.insert().values(series_id=info.series_id, **values))


def _retryable(exc: sa.exc.DBAPIError) -> bool:
    """Lost a deadlock/lock wait (MySQL 1213/1205) or a key race with a concurrent writer."""
    if isinstance(exc, sa.exc.IntegrityError):
        return True
    code = getattr(exc.orig, "args", (None,))[0] if exc.orig is not None else None
    return code in (1205, 1213)


def store_series(
    engine: sa.Engine,
    info: SeriesInfo,
    rows: Sequence[ObsRow],
    run_id: str,
    *,
    allow_empty: bool = False,
    merge_history: bool = False,
) -> int:
    """Upsert metadata and write new vintages in one transaction; returns rows written.

    Rows are checked first (``BadSourceDataError``, nothing written). ``allow_empty`` is for
    an incremental fetch that legitimately found nothing new: metadata is refreshed only.
    ``merge_history`` (an ALFRED backfill) also stores vintages older than the newest stored
    one, by ``plan_history``'s rule.
    """
    rows = sorted(rows, key=lambda r: (r.obs_date, r.realtime_start))
    check_rows(info.series_id, rows, allow_empty=allow_empty)
    for attempt in range(1, STORE_ATTEMPTS + 1):
        at = utcnow()
        try:
            with engine.begin() as conn:
                _upsert_series(conn, info, at)
                if not rows:
                    return 0
                return apply_rows(conn, info.series_id, rows, run_id, at, merge_history)
        except sa.exc.DBAPIError as exc:
            if attempt == STORE_ATTEMPTS or not _retryable(exc):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


@contextmanager
def keep_open(engine: sa.Engine) -> Iterator[None]:
    """Keep a DuckDB file open across many ``store_series`` calls (a no-op elsewhere).

    ``models.engine`` gives DuckDB no connection pool, so each series would otherwise re-open
    and re-load the file (tens of ms per series). Holding one idle connection keeps DuckDB's
    database instance cached for the process; the price is that no other *process* can open
    the file meanwhile, so use it for bulk loads (CSV import, benchmarks), not around slow
    network fetches while the API reads.
    """
    if engine.dialect.name != "duckdb":
        yield
        return
    with engine.connect():
        yield


def series_known(engine: sa.Engine, series_id: str) -> bool:
    with engine.connect() as conn:
        return has_stored_rows(conn, series_id)
