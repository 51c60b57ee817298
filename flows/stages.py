"""Stage functions behind the Prefect tasks: settings → engine → the layer that does the work.

Kept free of Prefect so the CLI, the flow and the tests call the same code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ingest.run_records import SeriesResult
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import get_settings
from models.tables import SUCCESS
from models.versioning import bump_version, current_version

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from forecasting.runner import SeriesOutcome
    from ingest.run_records import IngestReport

#: (series_id, done, total) after each series or forecast.
Progress = Callable[[str, int, int], None]
#: (the series' recorded result, done, total): for progress bars that show rows and errors.
ResultProgress = Callable[[SeriesResult, int, int], None]


@dataclass
class IngestOutcome:
    run_id: str
    rows_written: int
    failed: dict[str, str] = field(default_factory=dict)
    results: list[SeriesResult] = field(default_factory=list)


@dataclass
class ForecastOutcome:
    run_id: str
    series: int
    fallbacks: dict[str, str] = field(default_factory=dict)
    #: an identical successful run existed (same input data and parameters): nothing recomputed
    reused: bool = False
    failed: dict[str, str] = field(default_factory=dict)
    elapsed_seconds: float = 0.0
    workers: int = 1
    outcomes: list[SeriesOutcome] = field(default_factory=list)


@contextmanager
def _database() -> Iterator[sa.Engine]:
    """An engine for one stage, disposed after it: a stage holds no connections between runs
    (the embedded DuckDB file admits one writing process at a time)."""
    settings = get_settings()
    engine = make_engine(settings.database_url, ssl_ca=settings.mysql_ssl_ca)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def migrated_database() -> Iterator[sa.Engine]:
    """An engine on the settings' database with the schema at head (the CLI's account
    commands run before anything else may have migrated it)."""
    with _database() as engine:
        upgrade(engine)
        yield engine


def migrate() -> str | None:
    from models.migrate import current_revision

    with _database() as engine:
        upgrade(engine)
        return current_revision(engine)


def default_series() -> list[str]:
    from ingest.catalog import load_catalog

    return [entry.series_id for entry in load_catalog().series]


def ingest(
    series: list[str],
    progress: Progress | None = None,
    *,
    full: bool = False,
    vintages: bool = False,
    on_result: ResultProgress | None = None,
) -> IngestOutcome:
    """Ingest ``series`` concurrently within FRED's budget: only what is new unless ``full``;
    every ALFRED vintage if ``vintages``. ``on_result`` receives each series' result as it
    finishes (for progress bars)."""
    from ingest.fred_client import FredClient
    from ingest.incremental import ingest_from_fred

    settings = get_settings()
    client = FredClient.from_settings(settings)

    def report_progress(series_id: str, done: int, total: int, result: SeriesResult) -> None:
        if progress is not None:
            progress(series_id, done, total)
        if on_result is not None:
            on_result(result, done, total)

    with _database() as engine:
        report = ingest_from_fred(
            engine,
            client,
            series,
            lookback_days=settings.ingest_lookback_days,
            max_workers=settings.fred_max_concurrency,
            full=full,
            vintages=vintages,
            progress=report_progress,
        )
    return outcome_of(report)


def outcome_of(report: IngestReport) -> IngestOutcome:
    failed = {r.series_id: r.error or "failed" for r in report.results if r.status != SUCCESS}
    return IngestOutcome(
        run_id=report.run_id,
        rows_written=report.rows_written,
        failed=failed,
        results=list(report.results),
    )


def import_csv(path: Path, series_id: str | None) -> IngestOutcome:
    """Load a FRED CSV download through ``ingest.csv_import.load_csv``."""
    from ingest.csv_import import load_csv

    with _database() as engine:
        report = load_csv(engine, path, series_id=series_id)
    return outcome_of(report)


def dbt_vars() -> dict[str, object]:
    """The dbt vars of a pipeline build: each catalog series' missing-value policy."""
    from ingest.catalog import load_catalog

    return {"fill_policies": load_catalog().fill_policies()}


def dbt_build() -> float:
    from flows.dbt_runner import dbt_build as run_dbt_build
    from flows.dbt_runner import needs_full_refresh

    settings = get_settings()
    started = time.perf_counter()
    with _database() as engine:
        full_refresh = needs_full_refresh(engine)
    if full_refresh:
        log.warning("marts predate the current dbt project's columns: full refresh this once")
    run_dbt_build(settings, dbt_vars=dbt_vars(), full_refresh=full_refresh)
    with _database() as engine:
        # dbt rebuilds every mart it manages: no series list, so it touches every series.
        bump_version(engine, "transform", settings=settings)
    return time.perf_counter() - started


#: what ``dbt docs generate`` leaves that the API serves at /dbt-docs/
DBT_DOCS_FILES = ("manifest.json", "catalog.json", "index.html")


def dbt_docs() -> Path:
    """``dbt docs generate`` published into ``settings.dbt_docs_dir``; returns that folder.

    dbt writes into a scratch folder beside it, then each file replaces its old copy in one
    rename, so the API never serves a half-written manifest and two runs cannot interleave
    their files. Nothing else of dbt's target folder (compiled SQL, run results) is published.
    """
    import os
    import tempfile

    from flows.dbt_runner import dbt_docs_generate

    settings = get_settings()
    published = settings.dbt_docs_dir.resolve()
    published.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".dbt-docs-", dir=published.parent) as tmp:
        generated = dbt_docs_generate(settings, Path(tmp))
        for name in DBT_DOCS_FILES:
            os.replace(generated / name, published / name)
    return published


def forecast(
    series: list[str] | None, progress: Progress | None = None, *, force: bool = False
) -> ForecastOutcome:
    """Backtest, select and forecast ``series`` (default: every series in the marts).

    Skipped (``reused``) when a successful run already covers the same data and parameters,
    unless ``force``. Raises when the run fails as a whole.
    """
    from forecasting.runner import run_forecasts

    settings = get_settings()
    with _database() as engine:
        report = run_forecasts(
            engine,
            series_ids=series,
            horizon=settings.forecast_horizon,
            progress=progress,
            settings=settings,
            force=force,
        )
    if report.status != SUCCESS:
        raise RuntimeError(f"forecast run {report.run_id} {report.status}: {report.error}")
    return ForecastOutcome(
        run_id=report.run_id,
        series=len(report.outcomes) - len(report.failed),
        fallbacks={o.series_id: o.note or o.model for o in report.fallbacks},
        reused=report.reused,
        failed={o.series_id: o.note or "no forecast" for o in report.failed},
        elapsed_seconds=report.elapsed_seconds,
        workers=report.workers,
        outcomes=list(report.outcomes),
    )


def data_version() -> int:
    with _database() as engine, engine.connect() as conn:
        return current_version(conn)
