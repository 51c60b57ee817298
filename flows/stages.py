"""Stage functions behind the Prefect tasks: settings → engine → the layer that does the work.

Kept free of Prefect so the CLI, the flow and the tests call the same code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from models.engine import make_engine
from models.migrate import upgrade
from models.settings import get_settings
from models.versioning import bump_version, current_version

Progress = Callable[[str, int, int], None]


@dataclass
class IngestOutcome:
    run_id: str
    rows_written: int
    failed: dict[str, str] = field(default_factory=dict)


@dataclass
class ForecastOutcome:
    run_id: str
    series: int
    fallbacks: dict[str, str] = field(default_factory=dict)


def _engine() -> sa.Engine:
    settings = get_settings()
    return make_engine(settings.database_url, ssl_ca=settings.mysql_ssl_ca)


def migrate() -> str | None:
    from models.migrate import current_revision

    engine = _engine()
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def default_series() -> list[str]:
    from ingest.catalog import load_catalog

    return [entry.series_id for entry in load_catalog().series]


def ingest(series: list[str], progress: Progress | None = None) -> IngestOutcome:
    from ingest.fred_client import FredClient
    from ingest.loader import ingest_series

    settings = get_settings()
    client = FredClient(
        api_key=settings.require_fred_api_key(),
        base_url=settings.fred_base_url,
        timeout=settings.fred_timeout_seconds,
    )
    engine = _engine()
    try:
        report = ingest_series(engine, client, series, progress=progress)
    finally:
        engine.dispose()
    failed = {r.series_id: r.error or "failed" for r in report.results if r.status != "success"}
    return IngestOutcome(run_id=report.run_id, rows_written=report.rows_written, failed=failed)


def dbt_build() -> float:
    from flows.dbt_runner import dbt_build as run_dbt_build

    settings = get_settings()
    started = time.perf_counter()
    run_dbt_build(settings)
    engine = _engine()
    try:
        bump_version(engine, "transform")
    finally:
        engine.dispose()
    return time.perf_counter() - started


def forecast(series: list[str] | None, progress: Progress | None = None) -> ForecastOutcome:
    from forecasting.runner import run_forecasts

    settings = get_settings()
    engine = _engine()
    try:
        report = run_forecasts(
            engine,
            series_ids=series,
            horizon=settings.forecast_horizon,
            progress=progress,
            settings=settings,
        )
    finally:
        engine.dispose()
    if report.status != "success":
        raise RuntimeError(f"forecast run {report.run_id} {report.status}: {report.error}")
    return ForecastOutcome(
        run_id=report.run_id,
        series=len(report.outcomes) - len(report.failed),
        fallbacks={o.series_id: o.note or o.model for o in report.fallbacks},
    )


def data_version() -> int:
    engine = _engine()
    try:
        with engine.connect() as conn:
            return current_version(conn)
    finally:
        engine.dispose()
