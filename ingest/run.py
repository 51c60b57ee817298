"""The ingest run driver: many series, at most ``max_workers`` at once, recorded per series.

One driver serves every source: ``run_series`` runs a ``LoadOne`` job per series id under one
recorded run (``ingest.run_records``); ``run_ingest`` is that driver over a FRED source (the
client, or anything with its two methods), and the CSV import (``ingest.csv_import``) uses it
over the rows of a file. Series are loaded by a bounded thread pool; every HTTP request of
every worker draws from the client's limiter (one per process, see ``ingest.ratelimit``), so
more workers overlap network latency without ever sending faster than the budget. Each job
stores its series with ``ingest.raw_store.store_series`` in its own transaction. A failing
series (FRED error, bad data, database error) becomes a ``failed`` result with its message;
the others carry on.

Progress: ``progress(series_id, done, total, result)`` is called after each series finishes,
from the thread that called the driver (never from a worker, so a progress bar needs no
locking), in completion order (with one worker: the order of the ids); ``done`` counts
finished series (1..total) and ``result`` is the series' ``SeriesResult``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from datetime import date
from typing import Protocol

import sqlalchemy as sa

from ingest.fred_errors import FredError
from ingest.raw_store import series_known, store_series
from ingest.run_records import (
    IngestReport,
    SeriesResult,
    abort_run,
    complete_run,
    record_series,
    start_run,
)
from ingest.series_data import FredObservation, SeriesInfo
from ingest.vintage_plan import to_rows
from models.tables import FAILED, RUNNING, SUCCESS

#: ``(series_id, done, total, result)`` after each finished series; see the module docstring.
RunProgress = Callable[[str, int, int, SeriesResult], None]
#: Loads one series under a run id and reports how it went (never raises expected failures).
LoadOne = Callable[[str, str], SeriesResult]


class ObservationSource(Protocol):
    """What a run needs from a FRED client (``ingest.fred_client.FredClient``); thread-safe."""

    def series_info(self, series_id: str) -> SeriesInfo: ...

    def observations(
        self, series_id: str, *, observation_start: date | None = None
    ) -> list[FredObservation]: ...


def run_series(
    engine: sa.Engine,
    series_ids: Sequence[str],
    load_one: LoadOne,
    *,
    max_workers: int = 1,
    progress: RunProgress | None = None,
) -> IngestReport:
    """Run ``load_one(series_id, run_id)`` for each id (duplicates dropped, order kept) as one
    recorded run; ``report.results`` follows ``series_ids`` order.

    A crash of the run itself (not of a series: e.g. Ctrl-C, or ``load_one`` raising) marks
    the run failed with the reason and re-raises; series already stored stay stored.
    """
    if max_workers < 1:
        raise ValueError(f"max_workers must be >= 1, got {max_workers}")
    ids = list(dict.fromkeys(series_ids))
    report = IngestReport(run_id=str(uuid.uuid4()), status=RUNNING)
    start_run(engine, report.run_id, len(ids))
    by_id: dict[str, SeriesResult] = {}
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="fred-ingest")
    try:
        futures: dict[Future[SeriesResult], str] = {
            pool.submit(load_one, sid, report.run_id): sid for sid in ids
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


def run_ingest(
    engine: sa.Engine,
    client: ObservationSource,
    series_ids: Sequence[str],
    *,
    starts: Mapping[str, date | None] | None = None,
    max_workers: int = 1,
    progress: RunProgress | None = None,
    merge_history: bool = False,
) -> IngestReport:
    """Fetch and store ``series_ids`` from ``client`` as one run (see ``run_series``).

    ``starts`` gives a series' ``observation_start`` for an incremental fetch (missing or
    None: everything). ``merge_history`` stores past vintages too (an ALFRED backfill,
    ``ingest.vintage_plan.plan_history``).
    """
    wanted = starts or {}

    def load_one(series_id: str, run_id: str) -> SeriesResult:
        return fetch_and_store(
            engine, client, series_id, run_id, wanted.get(series_id), merge_history=merge_history
        )

    return run_series(engine, series_ids, load_one, max_workers=max_workers, progress=progress)


def fetch_and_store(
    engine: sa.Engine,
    client: ObservationSource,
    series_id: str,
    run_id: str,
    observation_start: date | None = None,
    *,
    merge_history: bool = False,
) -> SeriesResult:
    """Fetch and store one series; every failure becomes a failed result, never a raise.

    An empty answer fails a series we hold nothing of, but is fine for an incremental fetch
    (``observation_start``, or a series already stored): nothing new. Expected failures (FRED,
    bad data, the database) carry their own message; anything else (a bug, Redis gone) is
    caught too and prefixed with its type, so it fails this series instead of vanishing in a
    worker thread or stopping the others.
    """
    fetched = 0
    try:
        info = client.series_info(series_id)
        observations = client.observations(series_id, observation_start=observation_start)
        fetched = len(observations)
        rows = to_rows(observations, series_id)
        incremental = observation_start is not None or series_known(engine, series_id)
        written = store_series(
            engine, info, rows, run_id, allow_empty=incremental, merge_history=merge_history
        )
    except (FredError, ValueError, sa.exc.SQLAlchemyError) as exc:
        return SeriesResult(series_id, FAILED, rows_fetched=fetched, error=str(exc))
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        return SeriesResult(series_id, FAILED, rows_fetched=fetched, error=error)
    return SeriesResult(series_id, SUCCESS, rows_fetched=fetched, rows_written=written)
