"""Deployments and schedules: crons, next runs, series coverage, and a served deployment run."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from prefect.client.schemas.schedules import CronSchedule

from flows.deployments import (
    SCHEDULE_SPECS,
    ScheduleSpec,
    active_specs,
    build_deployments,
    build_refresh_deployment,
    deployment_parameters,
    next_runs,
    scheduled_deployments,
)
from flows.prefect_env import apply_prefect_defaults
from ingest.catalog import Catalog, CatalogEntry, load_catalog
from models.engine import make_engine
from models.settings import SANDBOX_API_KEY, SettingsError, load_settings
from tests.support.cli import cli_env, run_cli

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments.runner import RunnerDeployment

apply_prefect_defaults()

SPECS = {spec.name: spec for spec in SCHEDULE_SPECS}


def test_deployments_run_daily_after_fred_updates_and_hourly_in_utc() -> None:
    assert SPECS["ingest-daily"].cron == "45 6 * * *"
    assert SPECS["ingest-hourly"].cron == "15 * * * *"
    assert {s.timezone for s in SCHEDULE_SPECS} == {"UTC"}
    assert {s.schedule for s in SCHEDULE_SPECS} == {"daily", "hourly"}


@pytest.mark.parametrize(
    ("name", "now", "expected"),
    [
        ("ingest-daily", datetime(2024, 3, 1, 7, 0, tzinfo=UTC), datetime(2024, 3, 2, 6, 45)),
        ("ingest-daily", datetime(2024, 3, 1, 6, 0, tzinfo=UTC), datetime(2024, 3, 1, 6, 45)),
        ("ingest-daily", datetime(2024, 12, 31, 23, 0, tzinfo=UTC), datetime(2025, 1, 1, 6, 45)),
        ("ingest-hourly", datetime(2024, 3, 1, 10, 20, tzinfo=UTC), datetime(2024, 3, 1, 11, 15)),
        ("ingest-hourly", datetime(2024, 3, 1, 10, 15, tzinfo=UTC), datetime(2024, 3, 1, 10, 15)),
        ("ingest-hourly", datetime(2024, 3, 1, 23, 59, tzinfo=UTC), datetime(2024, 3, 2, 0, 15)),
    ],
)
def test_next_run_follows_the_cron(name: str, now: datetime, expected: datetime) -> None:
    assert next_runs(SPECS[name], now) == [expected.replace(tzinfo=UTC)]


def test_hourly_next_runs_are_an_hour_apart() -> None:
    runs = next_runs(SPECS["ingest-hourly"], datetime(2024, 3, 10, 0, 0, tzinfo=UTC), n=4)
    assert [r.hour for r in runs] == [0, 1, 2, 3]
    assert {r.minute for r in runs} == {15}


def test_each_catalog_series_is_covered_by_exactly_one_deployment() -> None:
    catalog = load_catalog()
    covered = [
        sid for spec in SCHEDULE_SPECS for sid in deployment_parameters(spec, catalog)["series"]
    ]

    assert sorted(covered) == sorted(catalog.ids())
    assert deployment_parameters(SPECS["ingest-hourly"], catalog) == {
        "series": ["SP500", "VIXCLS"],
        "full": False,
    }
    assert "DGS10" in deployment_parameters(SPECS["ingest-daily"], catalog)["series"]


def test_a_schedule_without_series_gets_no_deployment() -> None:
    catalog = Catalog(version=1, series=(CatalogEntry("DGS10", "daily"),))
    assert [s.name for s in active_specs(catalog)] == ["ingest-daily"]
    listed = scheduled_deployments(catalog, datetime(2024, 3, 1, 7, 0, tzinfo=UTC))
    assert [(d.spec.name, d.series, d.next_run) for d in listed] == [
        ("ingest-daily", ("DGS10",), datetime(2024, 3, 2, 6, 45, tzinfo=UTC))
    ]


def test_deployments_carry_their_cron_parameters_and_entrypoint() -> None:
    catalog = load_catalog()
    deployments = {d.name: d for d in build_deployments(catalog)}

    assert set(deployments) == {"ingest-daily", "ingest-hourly"}
    for name, deployment in deployments.items():
        spec: ScheduleSpec = SPECS[name]
        assert deployment.flow_name == "pipeline"
        assert deployment.entrypoint == "flows.pipeline.pipeline"
        schedules = [s.schedule for s in deployment.schedules or []]
        assert [(s.cron, s.timezone) for s in schedules if isinstance(s, CronSchedule)] == [
            (spec.cron, spec.timezone)
        ]
        assert len(schedules) == 1
        assert deployment.parameters == deployment_parameters(spec, catalog)
        assert deployment.version == f"catalog-v{catalog.version}"
        assert deployment.concurrency_limit == 1


def test_the_refresh_deployment_is_unscheduled_and_named_by_the_setting() -> None:
    deployment = build_refresh_deployment(load_settings(refresh_deployment="pipeline/on-demand"))
    assert (deployment.flow_name, deployment.name) == ("pipeline", "on-demand")
    assert deployment.entrypoint == "flows.pipeline.pipeline"
    assert not deployment.schedules
    assert deployment.parameters == {"full": False}
    assert deployment.concurrency_limit == 1
    with pytest.raises(SettingsError, match="deployment of the 'pipeline' flow"):
        build_refresh_deployment(load_settings(refresh_deployment="forecast/refresh"))


def test_schedule_list_prints_each_deployment_without_a_server() -> None:
    done = run_cli(["schedule", "list"], cli_env(), timeout=120)

    assert done.returncode == 0, done.stderr
    catalog = load_catalog()
    lines = {
        line.split("│")[1].strip(): line for line in done.stdout.splitlines() if "ingest-" in line
    }
    assert set(lines) == {"ingest-daily", "ingest-hourly"}
    assert "45 6 * * *" in lines["ingest-daily"] and "UTC" in lines["ingest-daily"]
    assert f" {len(catalog.ids('daily'))} " in lines["ingest-daily"]
    assert "15 * * * *" in lines["ingest-hourly"] and " 2 " in lines["ingest-hourly"]
    assert ":15 UTC" in lines["ingest-hourly"] and "06:45 UTC" in lines["ingest-daily"]


# --- a deployment run, served by a Prefect runner against the test harness -----------------


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _hourly_csvs(folder: Path) -> None:
    """SP500 from the demo data, and a VIX-like series on the same days (the demo has none)."""
    from sandbox.demo_data import write_demo_csvs

    write_demo_csvs(folder)
    lines = (folder / "SP500.csv").read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        day, value = line.split(",")
        out.append(f"{day},{value if value == '.' else f'{12 + float(value) % 25:.2f}'}")
    (folder / "VIXCLS.csv").write_text("\n".join(out) + "\n")


async def _serve_one_run(deployment: RunnerDeployment) -> FlowRun:
    """What ``serve`` does, for one run: register, poll once, execute, wait."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.runner import Runner

    runner = Runner(query_seconds=1, limit=1)
    await runner.aadd_deployment(deployment)
    flow_run = await run_deployment(f"pipeline/{deployment.name}", timeout=0)  # type: ignore[misc]
    await runner.start(run_once=True)
    async with get_client() as client:
        return await client.read_flow_run(flow_run.id)


def test_hourly_deployment_run_executes_under_the_test_harness(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sandbox.server import running_sandbox

    (deployment,) = [d for d in build_deployments() if d.name == "ingest-hourly"]
    _hourly_csvs(tmp_path / "fred")
    db = f"duckdb:///{tmp_path / 'scheduled.duckdb'}"
    with running_sandbox(tmp_path / "fred") as fred_url:
        # The runner starts the flow run in a subprocess: settings travel as environment.
        monkeypatch.setenv("FREDPIPE_DATABASE_URL", db)
        monkeypatch.setenv("FREDPIPE_FRED_BASE_URL", fred_url)
        monkeypatch.setenv("FREDPIPE_FRED_API_KEY", SANDBOX_API_KEY)
        flow_run = asyncio.run(_serve_one_run(deployment))

    assert flow_run.state is not None and flow_run.state.is_completed(), flow_run.state
    assert flow_run.parameters == {"series": ["SP500", "VIXCLS"], "full": False}
    engine = make_engine(db)
    with engine.connect() as conn:
        stored: dict[str, int] = dict(
            conn.execute(
                sa.text("select series_id, count(*) from mart_observations group by series_id")
            ).all()
        )
        forecast: int = conn.execute(
            sa.text("select count(distinct series_id) from forecast_points")
        ).scalar_one()
    engine.dispose()
    assert set(stored) == {"SP500", "VIXCLS"} and min(stored.values()) > 1000
    assert forecast == 2
