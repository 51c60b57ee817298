"""A concurrent ingest run: many series at once, within FRED's budget, recorded per series.

Series are fetched by a bounded thread pool; every HTTP request of every worker draws from the
client's limiter (one per process, see ``ingest.ratelimit``), so more workers overlap network
latency without ever sending faster than the budget. Each worker fetches metadata and
observations, then stores the series with ``ingest.loader.store_series`` in its own
transaction. A failing series (FRED error, bad data, database error) becomes a ``failed``
result with its message; the others carry on. The run is recorded in ``ingest_runs`` and
``ingest_run_series`` as ``loader.ingest_series`` records it, and the data version is bumped
once when any row was written.

Progress: ``progress(series_id, done, total, result)`` is called after each series finishes,
from the thread that called ``run_ingest`` (never from a worker, so a progress bar needs no
locking), in completion order; ``done`` counts finished series (1..total) and ``result`` is
the series' ``SeriesResult`` (status, rows fetched and written, error).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from datetime import date
from typing import Protocol

import sqlalchemy as sa

from ingest import loader
from ingest.fred_client import FredObservation
from ingest.loader import (
    FAILED,
    RUNNING,
    IngestReport,
    SeriesResult,
    abort_run,
    complete_run,
    record_series,
    start_run,
)
from ingest.series_data import SeriesInfo

#: ``(series_id, done, total, result)`` after each finished series; see the module docstring.
RunProgress = Callable[[str, int, int, SeriesResult], None]


class SeriesFetcher(Protocol):
    """What a run needs from a FRED client (``ingest.fred_client.FredClient``); thread-safe."""

    def series_info(self, series_id: str) -> SeriesInfo: ...

    def observations(
        self, series_id: str, *, observation_start: date | None = None
    ) -> list[FredObservation]: ...


def run_ingest(
    engine: sa.Engine,
    client: SeriesFetcher,
    series_ids: Sequence[str],
    *,
    starts: Mapping[str, date | None] | None = None,
    max_workers: int,
    progress: RunProgress | None = None,
    merge_history: bool = False,
) -> IngestReport:
    """Ingest ``series_ids`` (duplicates dropped, order kept) with at most ``max_workers``
    series in flight; ``starts`` gives a series' ``observation_start`` for an incremental
    fetch (missing or None: everything). ``report.results`` follows ``series_ids`` order.
    ``merge_history`` stores past vintages too (an ALFRED backfill, ``loader.plan_history``).

    A crash of the run itself (not of a series: e.g. Ctrl-C) marks the run failed with the
    reason and re-raises; series already stored stay stored.
    """
    if max_workers < 1:
        raise ValueError(f"max_workers must be >= 1, got {max_workers}")
    ids = list(dict.fromkeys(series_ids))
    starts = starts or {}
    report = IngestReport(run_id=str(uuid.uuid4()), status=RUNNING)
    start_run(engine, report.run_id, len(ids))
    by_id: dict[str, SeriesResult] = {}
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="fred-ingest")
    try:
        futures: dict[Future[SeriesResult], str] = {
            pool.submit(
                ingest_one, engine, client, sid, report.run_id, starts.get(sid), merge_history
            ): sid
            for sid in ids
        }
        for done, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            record_series(engine, report.run_id, result)
            by_id[result.series_id] = result
            if progress is not None:
                progress(result.series_id, done, len(ids), result)
    except BaseException as exc:
        pool.shutdown(wait=False, cancel_futures=True)
        report.results = [by_id[s] for s in ids if s in by_id]
        abort_run(engine, report, exc)
        raise
    pool.shutdown(wait=True)
    report.results = [by_id[s] for s in ids]
    complete_run(engine, report)
    return report


def ingest_one(
    engine: sa.Engine,
    client: SeriesFetcher,
    series_id: str,
    run_id: str,
    observation_start: date | None = None,
    merge_history: bool = False,
) -> SeriesResult:
    """``loader.ingest_one`` as a worker's job: any failure becomes a failed result.

    The loader catches the expected errors; here everything else is caught too (a bug,
    Redis gone), so it fails this series with a message instead of vanishing in a worker
    thread or stopping the others.
    """
    try:
        return loader.ingest_one(
            engine, client, series_id, run_id, observation_start, merge_history=merge_history
        )
    except Exception as exc:
        return SeriesResult(series_id, FAILED, error=_message(exc))


def _message(exc: Exception) -> str:
    """FRED's errors already read well; anything else is prefixed with its type."""
    from ingest.fred_client import FredError

    if isinstance(exc, FredError | ValueError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
