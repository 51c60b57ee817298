"""Load FRED series into the raw tables, keeping every vintage and never duplicating one.

A row is written for (series, date) only when the date is new or its value differs
(NULL-safely) from the latest stored vintage, so re-running an ingest, or fetching the same
data on a later day, writes nothing, while a revised value becomes a new vintage row next to
the old one. An ALFRED backfill (``merge_history``) also merges vintages older than the stored
ones into each date's timeline (``plan_history``). Each series loads in one transaction; a
failing series is recorded with FRED's message and the others carry on.

Speed: the fetched rows go to a per-connection staging table in one bulk step (DuckDB scans a
pandas frame; MySQL/MariaDB gets multi-row ``INSERT ... VALUES`` statements), and the vintage
comparison runs in SQL (window functions over the staged and the stored rows), so nothing is
read back into Python and nothing is written row by row. Bad source data is rejected with
``BadSourceDataError`` before the transaction opens, so a series is stored whole or not at all.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ingest.fred_client import FredError, FredObservation
from ingest.series_data import MISSING, SeriesInfo
from models.tables import ingest_run_series, ingest_runs, raw_observations, raw_series
from models.versioning import bump_version

SUCCESS, PARTIAL, FAILED, RUNNING = "success", "partial", "failed", "running"
#: Rows per multi-row INSERT statement on MySQL (about 250 kB, far below max_allowed_packet).
CHUNK_ROWS = 5_000
#: Up to this many rows a MySQL staging table lives in memory (well under 16 MB heap limit).
MEMORY_STAGE_ROWS = 100_000
#: A series transaction that lost a deadlock or a key race is re-planned and retried.
STORE_ATTEMPTS = 3
#: (series_id, done, total) after each series, for progress bars and Prefect logs.
Progress = Callable[[str, int, int], None]


class ObservationSource(Protocol):
    """What the loader needs from a FRED client (``ingest.fred_client.FredClient``)."""

    def series_info(self, series_id: str) -> SeriesInfo: ...

    def observations(
        self, series_id: str, *, observation_start: date | None = None
    ) -> list[FredObservation]: ...


class BadSourceDataError(ValueError):
    """The source sent data the loader will not store; nothing of the series was written.

    ``where`` locates the problem for the operator: an observation date, a row index of the
    response, or a file line (``path:line``).
    """

    def __init__(self, series_id: str, reason: str, where: str | None = None) -> None:
        self.series_id, self.reason, self.where = series_id, reason, where
        at = f" (at {where})" if where else ""
        super().__init__(f"{series_id}: bad source data: {reason}{at}")


@dataclass(frozen=True, slots=True)
class ObsRow:
    obs_date: date
    realtime_start: date
    realtime_end: date
    value: float | None


@dataclass(frozen=True, slots=True)
class SeriesResult:
    series_id: str
    status: str
    rows_fetched: int = 0
    rows_written: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    run_id: str
    status: str
    results: list[SeriesResult] = field(default_factory=list)
    data_version: int | None = None

    @property
    def rows_written(self) -> int:
        return sum(r.rows_written for r in self.results)

    @property
    def rows_fetched(self) -> int:
        return sum(r.rows_fetched for r in self.results)

    @property
    def failed(self) -> list[str]:
        """Ids of the series that did not load; their ``error`` is in ``results``."""
        return [r.series_id for r in self.results if r.status != SUCCESS]


# --- pure logic ---------------------------------------------------------------------------


def parse_fred_value(text: str) -> float | None:
    """FRED's value text as a number; "." (FRED's missing marker) is None, never 0."""
    stripped = text.strip()
    if stripped == MISSING:
        return None
    try:
        number = float(stripped)
    except ValueError:
        raise ValueError(f"FRED value {text!r} is neither a number nor '.' (missing)") from None
    if not math.isfinite(number):
        raise ValueError(f"FRED value {text!r} is not a finite number")
    return number


def to_rows(observations: Sequence[FredObservation], series_id: str = "?") -> list[ObsRow]:
    """FRED's observations as typed rows sorted by (date, vintage); rejects bad source data.

    Observation dates must come ascending, as FRED sends them (vintages of one date may come
    in any order); a duplicated (date, realtime_start), a realtime period that ends before it
    starts, or a value that is neither a number nor '.' raises ``BadSourceDataError``.
    """
    rows: list[ObsRow] = []
    previous: date | None = None
    for i, o in enumerate(observations):
        where = f"observation {i + 1}, date {o.obs_date.isoformat()}"
        if previous is not None and o.obs_date < previous:
            raise BadSourceDataError(
                series_id, f"dates out of order ({o.obs_date} after {previous})", where
            )
        previous = o.obs_date
        try:
            value = parse_fred_value(o.value)
        except ValueError as exc:
            raise BadSourceDataError(series_id, str(exc), where) from None
        rows.append(ObsRow(o.obs_date, o.realtime_start, o.realtime_end, value))
    rows.sort(key=lambda r: (r.obs_date, r.realtime_start))
    check_rows(series_id, rows, allow_empty=True)
    return rows


def check_rows(series_id: str, rows: Sequence[ObsRow], *, allow_empty: bool = False) -> None:
    """Reject rows the raw tables must never hold; ``rows`` sorted by (date, vintage)."""
    if not rows and not allow_empty:
        raise BadSourceDataError(series_id, "the series has no observations")
    previous: tuple[date, date] | None = None
    for row in rows:
        key = (row.obs_date, row.realtime_start)
        where = f"date {row.obs_date.isoformat()}"
        if previous is not None and key <= previous:
            problem = "duplicated" if key == previous else "out of order"
            raise BadSourceDataError(
                series_id, f"observation (date, realtime_start) {problem}", where
            )
        if row.realtime_start > row.realtime_end:
            raise BadSourceDataError(
                series_id,
                f"realtime_start {row.realtime_start} is after realtime_end {row.realtime_end}",
                where,
            )
        if row.value is not None and not math.isfinite(row.value):
            raise BadSourceDataError(series_id, f"value {row.value!r} is not finite", where)
        previous = key


def plan_vintages(
    incoming: Sequence[ObsRow], latest: Mapping[date, tuple[date, float | None]]
) -> tuple[list[ObsRow], list[ObsRow]]:
    """Split fetched rows into (new vintages to insert, same-day vintages to correct).

    The reference statement of the rule the SQL in ``_PLAN_SQL`` applies in bulk (tests
    compare the two). ``incoming`` is sorted by (date, realtime_start); ``latest`` maps a date
    to its newest stored (realtime_start, value). A row is new when its date is unknown or its
    value differs from the newest vintage before it. A vintage older than the newest stored
    one is history we already moved past and is skipped. A changed value under the *same*
    realtime_start as the stored vintage is a same-day re-publication: FRED keeps one vintage
    per day, so that row is corrected in place rather than duplicated.
    """
    inserts: list[ObsRow] = []
    updates: list[ObsRow] = []
    current = dict(latest)
    for row in incoming:
        prev = current.get(row.obs_date)
        if prev is not None and row.realtime_start < prev[0]:
            continue
        if prev is not None and row.value == prev[1]:
            continue
        if prev is not None and row.realtime_start == prev[0]:
            updates.append(row)
        else:
            inserts.append(row)
        current[row.obs_date] = (row.realtime_start, row.value)
    return inserts, updates


def plan_history(
    incoming: Sequence[ObsRow], stored: Mapping[date, Mapping[date, float | None]]
) -> tuple[list[ObsRow], list[ObsRow]]:
    """Split fetched rows into (new vintages, corrected vintages) merging into stored history.

    The reference statement of the rule ``_MERGE_SELECT`` applies in bulk, used for an ALFRED
    backfill (``--vintages``), which brings vintages *older* than the ones already stored.
    ``stored`` maps a date to every stored ``{realtime_start: value}``. Incoming and stored
    vintages of a date are merged into one timeline ordered by realtime_start (an incoming row
    replaces a stored one with the same realtime_start). An incoming row is inserted when its
    realtime_start is not stored and its value differs (NULL-safely) from the vintage before it
    in that timeline, or it is the first; it corrects the stored row when the realtime_start is
    stored with a different value. Nothing stored is ever deleted.
    """
    by_date: dict[date, list[ObsRow]] = {}
    for row in incoming:
        by_date.setdefault(row.obs_date, []).append(row)
    inserts: list[ObsRow] = []
    updates: list[ObsRow] = []
    for obs_date, rows in by_date.items():
        old = stored.get(obs_date, {})
        timeline: dict[date, tuple[float | None, ObsRow | None]] = {
            rt: (value, None) for rt, value in old.items()
        }
        for row in rows:
            timeline[row.realtime_start] = (row.value, row)
        previous: tuple[float | None] | None = None
        for rt in sorted(timeline):
            value, sent = timeline[rt]
            if sent is not None:
                if rt in old:
                    if old[rt] != value:
                        updates.append(sent)
                elif previous is None or previous[0] != value:
                    inserts.append(sent)
            previous = (value,)
    return inserts, updates


def run_status(results: Sequence[SeriesResult]) -> str:
    failed = sum(r.status != SUCCESS for r in results)
    if failed == 0:
        return SUCCESS
    return FAILED if failed == len(results) else PARTIAL


def _chunks(rows: Sequence[ObsRow], size: int = CHUNK_ROWS) -> Iterator[Sequence[ObsRow]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- database I/O -------------------------------------------------------------------------

_STAGE, _PLAN = "fp_stage_obs", "fp_plan_obs"

# The vintage rule of ``plan_vintages`` in SQL. Stored rows older than a staged vintage are
# skipped; the rest are compared NULL-safely with the vintage before them (the newest stored
# one for the first, the previous staged one after that). Derived tables, not CTEs, because
# MariaDB's CREATE ... SELECT and the staging temp table are simplest that way.
_PLAN_SELECT = """
SELECT obs_date, realtime_start, realtime_end, value,
       CASE WHEN k = 1 AND realtime_start = s_rt THEN 'U' ELSE 'I' END AS action
FROM (
  SELECT c.*,
         ROW_NUMBER() OVER (PARTITION BY c.obs_date ORDER BY c.realtime_start) AS k,
         LAG(c.value) OVER (PARTITION BY c.obs_date ORDER BY c.realtime_start) AS lag_val
  FROM (
    SELECT s.obs_date, s.realtime_start, s.realtime_end, s.value,
           l.s_rt, l.s_val, CASE WHEN l.obs_date IS NULL THEN 0 ELSE 1 END AS has_prev
    FROM {stage} s
    LEFT JOIN (
      SELECT obs_date, realtime_start AS s_rt, value AS s_val
      FROM (
        SELECT o.obs_date, o.realtime_start, o.value,
               ROW_NUMBER() OVER (PARTITION BY o.obs_date ORDER BY o.realtime_start DESC) AS rn
        FROM raw_observations o
        WHERE o.series_id = :sid AND o.obs_date BETWEEN :first AND :last
      ) z
      WHERE rn = 1
    ) l ON l.obs_date = s.obs_date
    WHERE l.obs_date IS NULL OR s.realtime_start >= l.s_rt
  ) c
) q
WHERE NOT ((k = 1 AND has_prev = 1 AND {same_s}) OR (k > 1 AND {same_lag}))
"""


# The rule of ``plan_history`` in SQL. The stage table first receives the stored vintages of
# the fetched date range that were not re-sent (``src`` = 0), so one window over it sees the
# merged timeline of each date; only staged rows (``src`` = 1) become actions. One reference
# to the temp table per statement: MySQL cannot reopen a TEMPORARY table in one query.
_MERGE_SELECT = """
SELECT obs_date, realtime_start, realtime_end, value,
       CASE WHEN stored_key = 1 THEN 'U' ELSE 'I' END AS action
FROM (
  SELECT m.obs_date, m.realtime_start, m.realtime_end, m.value, m.src,
         CASE WHEN o.obs_date IS NULL THEN 0 ELSE 1 END AS stored_key, o.value AS old_val,
         ROW_NUMBER() OVER (PARTITION BY m.obs_date ORDER BY m.realtime_start) AS k,
         LAG(m.value) OVER (PARTITION BY m.obs_date ORDER BY m.realtime_start) AS lag_val
  FROM {stage} m
  LEFT JOIN raw_observations o
    ON m.src = 1 AND o.series_id = :sid AND o.obs_date = m.obs_date
       AND o.realtime_start = m.realtime_start
) q
WHERE src = 1 AND ((stored_key = 1 AND NOT ({same_old}))
                   OR (stored_key = 0 AND (k = 1 OR NOT ({same_lag}))))
"""


def _same(dialect: str, other: str) -> str:
    return f"value IS NOT DISTINCT FROM {other}" if dialect == "duckdb" else f"value <=> {other}"


def _merge_select(dialect: str) -> str:
    return _MERGE_SELECT.format(
        stage=_STAGE, same_old=_same(dialect, "old_val"), same_lag=_same(dialect, "lag_val")
    )


def _add_stored_to_stage(conn: sa.Connection, bounds: Mapping[str, object]) -> None:
    """Copy the stored vintages of the staged date range that were not re-sent (src = 0)."""
    cols = "obs_date, realtime_start, realtime_end, value, src"
    stored = (
        "SELECT o.obs_date, o.realtime_start, o.realtime_end, o.value, 0 FROM raw_observations o"
        " WHERE o.series_id = :sid AND o.obs_date BETWEEN :first AND :last"
    )
    if conn.dialect.name == "duckdb":
        sql = (
            f"INSERT INTO {_STAGE} ({cols}) {stored} AND NOT EXISTS (SELECT 1 FROM {_STAGE} s"
            " WHERE s.obs_date = o.obs_date AND s.realtime_start = o.realtime_start)"
        )
    else:  # the stage's primary key turns re-sent keys into ignored duplicates
        sql = f"INSERT IGNORE INTO {_STAGE} ({cols}) {stored}"
    conn.execute(sa.text(sql), dict(bounds))


def _plan_select(dialect: str) -> str:
    return _PLAN_SELECT.format(
        stage=_STAGE, same_s=_same(dialect, "s_val"), same_lag=_same(dialect, "lag_val")
    )


def _frame(rows: Sequence[ObsRow]) -> pd.DataFrame:
    day = "datetime64[D]"
    return pd.DataFrame(
        {
            "obs_date": np.array([r.obs_date for r in rows], dtype=day),
            "realtime_start": np.array([r.realtime_start for r in rows], dtype=day),
            "realtime_end": np.array([r.realtime_end for r in rows], dtype=day),
            "value": pd.array([r.value for r in rows], dtype="Float64"),
        }
    )


def _stage_duckdb(conn: sa.Connection, rows: Sequence[ObsRow]) -> None:
    """One columnar scan of a pandas frame into a temp table (DuckDB's bulk path)."""
    raw: Any = conn.connection.driver_connection
    raw.register("fp_incoming_frame", _frame(rows))
    try:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_STAGE}")
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {_STAGE} AS SELECT CAST(obs_date AS DATE) AS obs_date,"
            " CAST(realtime_start AS DATE) AS realtime_start,"
            " CAST(realtime_end AS DATE) AS realtime_end, CAST(value AS DOUBLE) AS value,"
            " CAST(1 AS TINYINT) AS src FROM fp_incoming_frame"
        )
    finally:
        raw.unregister("fp_incoming_frame")


def _values_sql(rows: Sequence[ObsRow], prefix: str = "", suffix: str = "") -> str:
    # Safe to inline: dates are ``date`` objects (ISO digits and dashes) and values finite
    # floats or None, checked by ``check_rows``; no text from the source reaches the SQL.
    return ",".join(
        f"({prefix}'{r.obs_date.isoformat()}','{r.realtime_start.isoformat()}',"
        f"'{r.realtime_end.isoformat()}',"
        f"{'NULL' if r.value is None else repr(float(r.value))}{suffix})"
        for r in rows
    )


def _memory_engine(n_rows: int) -> str:
    """In-memory temp tables for a series' worth of rows; big vintage sets use the default."""
    return " ENGINE=MEMORY" if n_rows <= MEMORY_STAGE_ROWS else ""


def _stage_mysql(conn: sa.Connection, rows: Sequence[ObsRow]) -> None:
    """Multi-row INSERTs of CHUNK_ROWS rows into a temporary table (no implicit commit)."""
    conn.exec_driver_sql(f"DROP TEMPORARY TABLE IF EXISTS {_STAGE}")
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {_STAGE} (obs_date DATE NOT NULL, realtime_start DATE NOT NULL,"
        " realtime_end DATE NOT NULL, value DOUBLE NULL, src TINYINT NOT NULL DEFAULT 1,"
        " PRIMARY KEY (obs_date, realtime_start))" + _memory_engine(len(rows))
    )
    head = f"INSERT INTO {_STAGE} (obs_date, realtime_start, realtime_end, value) VALUES "
    for chunk in _chunks(rows):
        conn.exec_driver_sql(head + _values_sql(chunk))


def _drop_temp(conn: sa.Connection, duck: bool) -> None:
    temp = "" if duck else "TEMPORARY "
    for name in (_STAGE, _PLAN):
        conn.exec_driver_sql(f"DROP {temp}TABLE IF EXISTS {name}")


def collapse_repeats(rows: Sequence[ObsRow]) -> list[ObsRow]:
    """Drop a vintage whose value repeats the previous vintage of the same date (NULL-safe).

    With nothing stored for a series this is the whole vintage rule, so a first load can skip
    the staging step and insert straight into the raw table.
    """
    out: list[ObsRow] = []
    for row in rows:
        if out and out[-1].obs_date == row.obs_date and out[-1].value == row.value:
            continue
        out.append(row)
    return out


def _has_stored_rows(conn: sa.Connection, series_id: str) -> bool:
    t = raw_observations
    stmt = sa.select(sa.literal(1)).where(t.c.series_id == series_id).limit(1)
    return bool(conn.execute(stmt).all())  # all(): DuckDB wants results drained


def _insert_fresh(
    conn: sa.Connection, series_id: str, rows: Sequence[ObsRow], run_id: str, at: datetime
) -> int:
    """First load of a series: one bulk insert of every distinct vintage, no comparison."""
    rows = collapse_repeats(rows)
    cols = "series_id, obs_date, realtime_start, realtime_end, value, ingest_run_id, ingested_at"
    if conn.dialect.name == "duckdb":
        raw: Any = conn.connection.driver_connection
        raw.register("fp_incoming_frame", _frame(rows))
        try:
            conn.execute(
                sa.text(
                    f"INSERT INTO raw_observations ({cols}) SELECT :sid, CAST(obs_date AS DATE),"
                    " CAST(realtime_start AS DATE), CAST(realtime_end AS DATE),"
                    " CAST(value AS DOUBLE), :run, :at FROM fp_incoming_frame"
                ),
                {"sid": series_id, "run": run_id, "at": at},
            )
        finally:
            raw.unregister("fp_incoming_frame")
        return len(rows)
    # Inlined like _values_sql: the id and run id go through the driver's own escaping.
    dbapi: Any = conn.connection.driver_connection
    prefix = f"{dbapi.escape(series_id)},"
    suffix = f",{dbapi.escape(run_id)},{dbapi.escape(at)}"
    head = f"INSERT INTO raw_observations ({cols}) VALUES "
    for chunk in _chunks(rows):
        conn.exec_driver_sql(head + _values_sql(chunk, prefix, suffix))
    return len(rows)


def _apply_plan(
    conn: sa.Connection,
    series_id: str,
    rows: Sequence[ObsRow],
    run_id: str,
    at: datetime,
    merge_history: bool = False,
) -> int:
    """Stage, plan in SQL, insert new vintages, correct same-day ones; returns rows written.

    ``merge_history`` plans with ``plan_history``'s rule (older vintages are merged in) instead
    of ``plan_vintages``' (only vintages from the newest stored one on count).
    """
    if not _has_stored_rows(conn, series_id):
        return _insert_fresh(conn, series_id, rows, run_id, at)
    duck = conn.dialect.name == "duckdb"
    (_stage_duckdb if duck else _stage_mysql)(conn, rows)
    bounds = {"sid": series_id, "first": rows[0].obs_date, "last": rows[-1].obs_date}
    temp = "TEMP" if duck else "TEMPORARY"
    conn.exec_driver_sql(f"DROP {'' if duck else 'TEMPORARY '}TABLE IF EXISTS {_PLAN}")
    engine_clause = "" if duck else _memory_engine(len(rows))
    if merge_history:
        _add_stored_to_stage(conn, bounds)
        select = _merge_select(conn.dialect.name)
    else:
        select = _plan_select(conn.dialect.name)
    conn.execute(sa.text(f"CREATE {temp} TABLE {_PLAN}{engine_clause} AS " + select), bounds)
    counts: dict[str, int] = dict(
        conn.execute(sa.text(f"SELECT action, COUNT(*) FROM {_PLAN} GROUP BY action")).all()
    )
    stamp = {"sid": series_id, "run": run_id, "at": at}
    if counts.get("I"):
        conn.execute(
            sa.text(
                "INSERT INTO raw_observations (series_id, obs_date, realtime_start,"
                " realtime_end, value, ingest_run_id, ingested_at)"
                f" SELECT :sid, obs_date, realtime_start, realtime_end, value, :run, :at"
                f" FROM {_PLAN} WHERE action = 'I'"
            ),
            stamp,
        )
    if counts.get("U"):
        if duck:
            update = (
                "UPDATE raw_observations SET value = p.value, realtime_end = p.realtime_end,"
                " ingest_run_id = :run, ingested_at = :at"
                f" FROM {_PLAN} p WHERE raw_observations.series_id = :sid"
                " AND raw_observations.obs_date = p.obs_date"
                " AND raw_observations.realtime_start = p.realtime_start AND p.action = 'U'"
            )
        else:
            update = (
                f"UPDATE raw_observations o JOIN {_PLAN} p ON o.series_id = :sid"
                " AND o.obs_date = p.obs_date AND o.realtime_start = p.realtime_start"
                " SET o.value = p.value, o.realtime_end = p.realtime_end,"
                " o.ingest_run_id = :run, o.ingested_at = :at WHERE p.action = 'U'"
            )
        conn.execute(sa.text(update), stamp)
    _drop_temp(conn, duck)
    return int(sum(counts.values()))


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def latest_vintages(conn: sa.Connection, series_id: str) -> dict[date, tuple[date, float | None]]:
    """Newest stored (realtime_start, value) per observation date of one series."""
    t = raw_observations
    stmt = sa.select(t.c.obs_date, t.c.realtime_start, t.c.value).where(t.c.series_id == series_id)
    out: dict[date, tuple[date, float | None]] = {}
    for obs_date, rt_start, value in conn.execute(stmt):
        key, start = _as_date(obs_date), _as_date(rt_start)
        if key not in out or start > out[key][0]:
            out[key] = (start, None if value is None else float(value))  # type: ignore[arg-type]
    return out


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
        at = _now()
        try:
            with engine.begin() as conn:
                _upsert_series(conn, info, at)
                if not rows:
                    return 0
                return _apply_plan(conn, info.series_id, rows, run_id, at, merge_history)
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


def _series_known(engine: sa.Engine, series_id: str) -> bool:
    with engine.connect() as conn:
        return _has_stored_rows(conn, series_id)


def start_run(engine: sa.Engine, run_id: str, requested: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            ingest_runs.insert().values(
                run_id=run_id, started_at=_now(), status=RUNNING, series_requested=requested
            )
        )


def record_series(engine: sa.Engine, run_id: str, result: SeriesResult) -> None:
    with engine.begin() as conn:
        conn.execute(
            ingest_run_series.insert().values(
                run_id=run_id,
                series_id=result.series_id,
                status=result.status,
                rows_fetched=result.rows_fetched,
                rows_written=result.rows_written,
                error=result.error,
                finished_at=_now(),
            )
        )


def finish_run(engine: sa.Engine, report: IngestReport, error: str | None) -> None:
    failures = [f"{r.series_id}: {r.error}" for r in report.results if r.status != SUCCESS]
    with engine.begin() as conn:
        conn.execute(
            ingest_runs.update()
            .where(ingest_runs.c.run_id == report.run_id)
            .values(
                finished_at=_now(),
                status=report.status,
                series_failed=len(report.failed),
                rows_written=report.rows_written,
                error=error or ("; ".join(failures) or None),
            )
        )


# --- entry points -------------------------------------------------------------------------

#: Loads one series under a run id and reports how it went (never raises expected failures).
LoadOne = Callable[[str, str], SeriesResult]


def record_run(
    engine: sa.Engine,
    series_ids: Sequence[str],
    load_one: LoadOne,
    *,
    progress: Progress | None = None,
) -> IngestReport:
    """Run ``load_one(series_id, run_id)`` for each id as one recorded run (``ingest_runs``).

    Shared by the API ingest and the CSV import. The data version is bumped (stage "ingest")
    when any series wrote rows, so readers keyed on the old version refresh.
    """
    ids = list(dict.fromkeys(series_ids))
    report = IngestReport(run_id=str(uuid.uuid4()), status=RUNNING)
    start_run(engine, report.run_id, len(ids))
    try:
        for done, series_id in enumerate(ids, start=1):
            result = load_one(series_id, report.run_id)
            record_series(engine, report.run_id, result)
            report.results.append(result)
            if progress is not None:
                progress(series_id, done, len(ids))
    except BaseException as exc:
        abort_run(engine, report, exc)
        raise
    complete_run(engine, report)
    return report


def abort_run(engine: sa.Engine, report: IngestReport, exc: BaseException) -> None:
    """The run itself crashed (not one series): record why; stored series stay stored."""
    report.status = FAILED
    finish_run(engine, report, f"run aborted: {exc!r}")


def complete_run(engine: sa.Engine, report: IngestReport) -> None:
    """Close a run from its series' results; bump the data version when rows were written."""
    report.status = run_status(report.results) if report.results else SUCCESS
    finish_run(engine, report, None)
    if report.rows_written:
        report.data_version = bump_version(engine, "ingest")


def ingest_one(
    engine: sa.Engine,
    client: ObservationSource,
    series_id: str,
    run_id: str,
    observation_start: date | None = None,
    *,
    merge_history: bool = False,
) -> SeriesResult:
    """Fetch and store one series; expected failures become a failed result, not a raise.

    An empty answer fails a series we hold nothing of, but is fine for an incremental fetch
    (``observation_start``, or a caller that narrowed the fetch itself for a stored series):
    nothing new. ``merge_history`` is for a source that sends past vintages (ALFRED).
    """
    fetched = 0
    try:
        info = client.series_info(series_id)
        observations = client.observations(series_id, observation_start=observation_start)
        fetched = len(observations)
        rows = to_rows(observations, series_id)
        incremental = observation_start is not None or _series_known(engine, series_id)
        written = store_series(
            engine, info, rows, run_id, allow_empty=incremental, merge_history=merge_history
        )
    except (FredError, ValueError, sa.exc.SQLAlchemyError) as exc:
        return SeriesResult(series_id, FAILED, rows_fetched=fetched, error=str(exc))
    return SeriesResult(series_id, SUCCESS, rows_fetched=fetched, rows_written=written)


def ingest_series(
    engine: sa.Engine,
    client: ObservationSource,
    series_ids: Sequence[str],
    *,
    progress: Progress | None = None,
    observation_start: date | None = None,
) -> IngestReport:
    """Ingest each series into the raw tables as one recorded run (``ingest_runs``).

    ``observation_start`` limits the fetch for an incremental run; the vintage comparison is
    the same either way.
    """

    def load_one(series_id: str, run_id: str) -> SeriesResult:
        return ingest_one(engine, client, series_id, run_id, observation_start)

    return record_run(engine, series_ids, load_one, progress=progress)
