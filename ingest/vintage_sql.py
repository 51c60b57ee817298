"""The vintage rules of ``ingest.vintage_plan`` applied in bulk SQL, inside one transaction.

Speed: the fetched rows go to a per-connection staging table in one bulk step (DuckDB scans a
pandas frame; MySQL/MariaDB gets multi-row ``INSERT ... VALUES`` statements), and the vintage
comparison runs in SQL (window functions over the staged and the stored rows), so nothing is
read back into Python and nothing is written row by row. A series with nothing stored skips
the comparison: its distinct vintages go straight into the raw table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ingest.vintage_plan import ObsRow, collapse_repeats
from models.tables import raw_observations

#: Rows per multi-row INSERT statement on MySQL (about 250 kB, far below max_allowed_packet).
CHUNK_ROWS = 5_000
#: Up to this many rows a MySQL staging table lives in memory (well under 16 MB heap limit).
MEMORY_STAGE_ROWS = 100_000


def _chunks(rows: Sequence[ObsRow], size: int = CHUNK_ROWS) -> Iterator[Sequence[ObsRow]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


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


def has_stored_rows(conn: sa.Connection, series_id: str) -> bool:
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


def apply_rows(
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
    if not has_stored_rows(conn, series_id):
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
