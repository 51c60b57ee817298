"""Load FRED series into the raw tables, keeping every vintage and never duplicating one.

A row is written for (series, date) only when the date is new or its value differs
(NULL-safely) from the latest stored vintage, so re-running an ingest, or fetching the same
data on a later day, writes nothing, while a revised value becomes a new vintage row next to
the old one. Each series loads in one transaction; a failing series is recorded with FRED's
message and the others carry on.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import sqlalchemy as sa

from ingest.fred_client import FredError, FredObservation
from ingest.series_data import MISSING, SeriesInfo
from models.tables import ingest_run_series, ingest_runs, raw_observations, raw_series
from models.versioning import bump_version

SUCCESS, PARTIAL, FAILED, RUNNING = "success", "partial", "failed", "running"
CHUNK_ROWS = 5_000
#: (series_id, done, total) after each series, for progress bars and Prefect logs.
Progress = Callable[[str, int, int], None]


class ObservationSource(Protocol):
    """What the loader needs from a FRED client (``ingest.fred_client.FredClient``)."""

    def series_info(self, series_id: str) -> SeriesInfo: ...

    def observations(
        self, series_id: str, *, observation_start: date | None = None
    ) -> list[FredObservation]: ...


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


def to_rows(observations: Sequence[FredObservation]) -> list[ObsRow]:
    rows = [
        ObsRow(o.obs_date, o.realtime_start, o.realtime_end, parse_fred_value(o.value))
        for o in observations
    ]
    rows.sort(key=lambda r: (r.obs_date, r.realtime_start))
    return rows


def plan_vintages(
    incoming: Sequence[ObsRow], latest: Mapping[date, tuple[date, float | None]]
) -> tuple[list[ObsRow], list[ObsRow]]:
    """Split fetched rows into (new vintages to insert, same-day vintages to correct).

    ``incoming`` is sorted by (date, realtime_start); ``latest`` maps a date to its newest
    stored (realtime_start, value). A row is new when its date is unknown or its value
    differs from the newest vintage before it. A vintage older than the newest stored one is
    history we already moved past and is skipped. A changed value under the *same*
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


def run_status(results: Sequence[SeriesResult]) -> str:
    failed = sum(r.status != SUCCESS for r in results)
    if failed == 0:
        return SUCCESS
    return FAILED if failed == len(results) else PARTIAL


Params = list[dict[str, Any]]


def _chunks(rows: Params, size: int = CHUNK_ROWS) -> Iterator[Params]:
    for i in range(0, len(rows), size):
        yield list(rows[i : i + size])


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- database I/O -------------------------------------------------------------------------


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


def _insert_rows(
    conn: sa.Connection, series_id: str, rows: Sequence[ObsRow], run_id: str, at: datetime
) -> None:
    params = [
        {
            "series_id": series_id,
            "obs_date": r.obs_date,
            "realtime_start": r.realtime_start,
            "realtime_end": r.realtime_end,
            "value": r.value,
            "ingest_run_id": run_id,
            "ingested_at": at,
        }
        for r in rows
    ]
    for chunk in _chunks(params):
        conn.execute(raw_observations.insert(), chunk)


def _correct_rows(
    conn: sa.Connection, series_id: str, rows: Sequence[ObsRow], run_id: str, at: datetime
) -> None:
    t = raw_observations
    stmt = (
        t.update()
        .where(
            t.c.series_id == sa.bindparam("k_series"),
            t.c.obs_date == sa.bindparam("k_date"),
            t.c.realtime_start == sa.bindparam("k_start"),
        )
        .values(
            value=sa.bindparam("new_value"),
            realtime_end=sa.bindparam("new_end"),
            ingest_run_id=run_id,
            ingested_at=at,
        )
    )
    params = [
        {
            "k_series": series_id,
            "k_date": r.obs_date,
            "k_start": r.realtime_start,
            "new_value": r.value,
            "new_end": r.realtime_end,
        }
        for r in rows
    ]
    for chunk in _chunks(params):
        conn.execute(stmt, chunk)


def store_series(engine: sa.Engine, info: SeriesInfo, rows: Sequence[ObsRow], run_id: str) -> int:
    """Upsert metadata and write new vintages in one transaction; returns rows written."""
    at = _now()
    with engine.begin() as conn:
        _upsert_series(conn, info, at)
        inserts, updates = plan_vintages(rows, latest_vintages(conn, info.series_id))
        _insert_rows(conn, info.series_id, inserts, run_id, at)
        _correct_rows(conn, info.series_id, updates, run_id, at)
    return len(inserts) + len(updates)


def _start_run(engine: sa.Engine, run_id: str, requested: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            ingest_runs.insert().values(
                run_id=run_id, started_at=_now(), status=RUNNING, series_requested=requested
            )
        )


def _record_series(engine: sa.Engine, run_id: str, result: SeriesResult) -> None:
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


def _finish_run(engine: sa.Engine, report: IngestReport, error: str | None) -> None:
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


# --- entry point --------------------------------------------------------------------------


def ingest_one(
    engine: sa.Engine,
    client: ObservationSource,
    series_id: str,
    run_id: str,
    observation_start: date | None = None,
) -> SeriesResult:
    """Fetch and store one series; expected failures become a failed result, not a raise."""
    fetched = 0
    try:
        info = client.series_info(series_id)
        observations = client.observations(series_id, observation_start=observation_start)
        fetched = len(observations)
        written = store_series(engine, info, to_rows(observations), run_id)
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

    The data version is bumped (stage "ingest") when any series wrote rows, so readers
    keyed on the old version refresh. ``observation_start`` limits the fetch for an
    incremental run; the vintage comparison is the same either way.
    """
    ids = list(dict.fromkeys(series_ids))
    report = IngestReport(run_id=str(uuid.uuid4()), status=RUNNING)
    _start_run(engine, report.run_id, len(ids))
    try:
        for done, series_id in enumerate(ids, start=1):
            result = ingest_one(engine, client, series_id, report.run_id, observation_start)
            _record_series(engine, report.run_id, result)
            report.results.append(result)
            if progress is not None:
                progress(series_id, done, len(ids))
    except BaseException as exc:
        report.status = FAILED
        _finish_run(engine, report, f"run aborted: {exc!r}")
        raise
    report.status = run_status(report.results) if ids else SUCCESS
    _finish_run(engine, report, None)
    if report.rows_written:
        report.data_version = bump_version(engine, "ingest")
    return report
