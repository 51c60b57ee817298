"""Run records: one ``ingest_runs`` row per run and one ``ingest_run_series`` row per series,
so an operator sees what each run did, which series failed and why (FRED's message).

A run is closed from its series' results (``complete_run``: success, partial or failed) or,
when the run itself crashed, as failed with the reason (``abort_run``); series stored before
a crash stay stored. The data version is bumped once when a run wrote rows, so readers keyed
on the old version refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from models.tables import FAILED, PARTIAL, RUNNING, SUCCESS, ingest_run_series, ingest_runs
from models.values import utcnow
from models.versioning import bump_version


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


def run_status(results: Sequence[SeriesResult]) -> str:
    failed = sum(r.status != SUCCESS for r in results)
    if failed == 0:
        return SUCCESS
    return FAILED if failed == len(results) else PARTIAL


def start_run(engine: sa.Engine, run_id: str, requested: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            ingest_runs.insert().values(
                run_id=run_id, started_at=utcnow(), status=RUNNING, series_requested=requested
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
                finished_at=utcnow(),
            )
        )


def finish_run(engine: sa.Engine, report: IngestReport, error: str | None) -> None:
    failures = [f"{r.series_id}: {r.error}" for r in report.results if r.status != SUCCESS]
    with engine.begin() as conn:
        conn.execute(
            ingest_runs.update()
            .where(ingest_runs.c.run_id == report.run_id)
            .values(
                finished_at=utcnow(),
                status=report.status,
                series_failed=len(report.failed),
                rows_written=report.rows_written,
                error=error or ("; ".join(failures) or None),
            )
        )


def abort_run(engine: sa.Engine, report: IngestReport, exc: BaseException) -> None:
    """The run itself crashed (not one series): record why; stored series stay stored."""
    report.status = FAILED
    finish_run(engine, report, f"run aborted: {exc!r}")


def complete_run(engine: sa.Engine, report: IngestReport) -> None:
    """Close a run from its series' results; bump the data version when rows were written."""
    report.status = run_status(report.results) if report.results else SUCCESS
    finish_run(engine, report, None)
    if report.rows_written:
        changed = [r.series_id for r in report.results if r.rows_written]
        report.data_version = bump_version(engine, "ingest", changed)
