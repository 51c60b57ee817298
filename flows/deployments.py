"""Prefect deployments of the ``pipeline`` flow, one per catalog schedule, defined in code.

Each deployment runs the whole ``pipeline`` flow (migrate → incremental ingest → ``dbt
build`` → forecast) for the catalog series of its schedule, so marts and forecasts are never
older than the raw data they were built from:

- ``ingest-daily`` at 06:45 UTC every day: daily and slower series. FRED posts the previous
  US business day's daily series (H.15 rates, exchange rates, oil, spreads) and the monthly
  and quarterly releases by late evening US Eastern time; 06:45 UTC is after all of them.
- ``ingest-hourly`` at minute 15 of every hour: intraday-fresh series (``schedule =
  "hourly"`` in the catalog).

The two crons never start in the same minute (a DuckDB file admits one writer), and each
deployment runs at most one flow run at a time (``concurrency_limit=1``), so a slow run is
not overtaken by the next tick. Series lists are read from the catalog when the deployments
are built (``fredpipe schedule serve`` start-up); restart ``serve`` after editing the catalog.
Settings (database URL, FRED key) come from the environment of the serving process, never
from flow parameters, so no credential lands in Prefect's run history.

A third deployment, ``refresh`` (``FREDPIPE_REFRESH_DEPLOYMENT``, default
``pipeline/refresh``), has no schedule: it is what the API's ``refreshSeries`` mutation starts
when a Prefect API is configured, with the series an admin named; it too runs one flow run at a
time (later ones wait in Prefect's queue).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flows.prefect_env import apply_prefect_defaults
from ingest.catalog import Catalog, load_catalog
from models.settings import Settings, SettingsError, get_settings

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

apply_prefect_defaults()


@dataclass(frozen=True)
class ScheduleSpec:
    """One deployment: its name, the catalog schedule it covers and when it runs."""

    name: str
    schedule: str
    cron: str
    timezone: str
    description: str


SCHEDULE_SPECS: tuple[ScheduleSpec, ...] = (
    ScheduleSpec(
        name="ingest-daily",
        schedule="daily",
        cron="45 6 * * *",
        timezone="UTC",
        description="Daily refresh of daily and slower catalog series, after FRED's updates.",
    ),
    ScheduleSpec(
        name="ingest-hourly",
        schedule="hourly",
        cron="15 * * * *",
        timezone="UTC",
        description="Hourly refresh of the intraday-fresh catalog series.",
    ),
)


@dataclass(frozen=True)
class ScheduledDeployment:
    """What ``fredpipe schedule list`` shows for one deployment."""

    spec: ScheduleSpec
    series: tuple[str, ...]
    next_run: datetime


def deployment_parameters(spec: ScheduleSpec, catalog: Catalog) -> dict[str, Any]:
    """The ``pipeline`` flow's parameters for this deployment: its series, incremental."""
    return {"series": catalog.ids(spec.schedule), "full": False}


def active_specs(catalog: Catalog) -> list[ScheduleSpec]:
    """Specs with at least one series: an empty list would make ``pipeline`` run the catalog."""
    return [spec for spec in SCHEDULE_SPECS if catalog.ids(spec.schedule)]


def next_runs(spec: ScheduleSpec, start: datetime, n: int = 1) -> list[datetime]:
    """The next ``n`` run times on or after ``start``, as Prefect's scheduler computes them."""
    from prefect.server.schemas.schedules import CronSchedule

    schedule = CronSchedule(cron=spec.cron, timezone=spec.timezone)
    dates = asyncio.run(schedule.get_dates(n=n, start=start))
    return [datetime.fromtimestamp(d.timestamp(), tz=UTC) for d in dates]


def scheduled_deployments(
    catalog: Catalog | None = None, now: datetime | None = None
) -> list[ScheduledDeployment]:
    """Each deployment with its series and next run; needs no Prefect server."""
    catalog = catalog or load_catalog()
    start = now or datetime.now(UTC)
    return [
        ScheduledDeployment(spec, tuple(catalog.ids(spec.schedule)), next_runs(spec, start)[0])
        for spec in active_specs(catalog)
    ]


def _deployment(name: str, **options: Any) -> RunnerDeployment:
    """A deployment of the ``pipeline`` flow with what every one of ours shares: one flow run at
    a time, and the flow imported by module path, so runs work whatever directory ``serve``
    started in (call outside an event loop)."""
    from prefect.deployments.runner import EntrypointType, RunnerDeployment

    from flows.pipeline import pipeline

    deployment = pipeline.to_deployment(
        name=name,
        concurrency_limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH,
        **options,
    )
    if not isinstance(deployment, RunnerDeployment):  # inside an event loop: a coroutine
        raise RuntimeError("deployments must be built outside an event loop")
    return deployment


def build_deployments(catalog: Catalog | None = None) -> list[RunnerDeployment]:
    """The ``RunnerDeployment`` objects ``serve`` registers and polls for (call outside a loop)."""
    from prefect.schedules import Cron

    catalog = catalog or load_catalog()
    return [
        _deployment(
            spec.name,
            schedule=Cron(spec.cron, timezone=spec.timezone),
            parameters=deployment_parameters(spec, catalog),
            description=spec.description,
            tags=["fredpipe", f"schedule:{spec.schedule}"],
            version=f"catalog-v{catalog.version}",
        )
        for spec in active_specs(catalog)
    ]


def build_refresh_deployment(settings: Settings | None = None) -> RunnerDeployment:
    """The unscheduled deployment ``refreshSeries`` starts (``settings.refresh_deployment``)."""
    from flows.pipeline import pipeline

    settings = settings or get_settings()
    flow_name, name = settings.refresh_deployment.split("/")
    if flow_name != pipeline.name:
        raise SettingsError(
            f"FREDPIPE_REFRESH_DEPLOYMENT must be a deployment of the {pipeline.name!r} flow "
            f"({pipeline.name}/<name>), not {settings.refresh_deployment!r}"
        )
    return _deployment(
        name,
        parameters={"full": False},
        description="On-demand refresh of the series an admin names (the API's refreshSeries).",
        tags=["fredpipe", "refresh"],
    )


def serve_deployments(catalog: Catalog | None = None) -> None:
    """Register the deployments (the scheduled ones and ``refresh``) with the Prefect API and
    run their flow runs until stopped."""
    from prefect import serve

    serve(*build_deployments(catalog), build_refresh_deployment())
