"""The Prefect ``pipeline`` flow under Prefect's test harness, and the CLI's input errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from flows.prefect_env import apply_prefect_defaults
from models.engine import make_engine
from models.settings import SANDBOX_API_KEY, load_settings, use_settings
from sandbox.server import running_sandbox
from tests.support.cli import cli_env, run_cli

apply_prefect_defaults()


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def sandbox_settings(empty_db_url: str) -> Iterator[str]:
    with running_sandbox() as fred_url:
        use_settings(
            load_settings(
                database_url=empty_db_url, fred_base_url=fred_url, fred_api_key=SANDBOX_API_KEY
            )
        )
        try:
            yield empty_db_url
        finally:
            use_settings(None)


def test_pipeline_fails_naming_the_bad_series_and_keeps_the_good_ones(
    prefect_harness: None, sandbox_settings: str
) -> None:
    from flows.pipeline import PipelineFailed, pipeline

    state = pipeline(series=["UNRATE", "NOSUCHSERIES"], return_state=True)

    assert state.is_failed()
    with pytest.raises(PipelineFailed, match=r"NOSUCHSERIES: .*series does not exist"):
        state.result()
    engine = make_engine(sandbox_settings)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("select count(*) from mart_observations")).scalar_one()
        forecast = conn.execute(
            sa.text("select count(distinct series_id) from forecast_points")
        ).scalar_one()
    engine.dispose()
    assert stored > 500
    assert forecast == 1

    # the forecast flow alone: the pipeline's run already covers this data -> reused
    from flows.pipeline import forecast as forecast_flow

    again = forecast_flow(series=["UNRATE"])
    assert again.reused and again.series == 0
    forced = forecast_flow(series=["UNRATE"], force=True)
    assert not forced.reused and forced.series == 1 and forced.run_id != again.run_id


def test_cli_reports_a_bad_database_url_in_one_line() -> None:
    done = run_cli(["migrate"], cli_env(FREDPIPE_DATABASE_URL="postgres://nope/db"), timeout=120)
    assert done.returncode == 2
    assert "FREDPIPE_DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2


def test_cli_rejects_a_malformed_series_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = cli_env(FREDPIPE_DATABASE_URL=f"duckdb:///{tmp_path / 'x.duckdb'}")
    done = run_cli(["pipeline", "run", "--series", "DGS10,bad id!"], env, timeout=120)
    assert done.returncode == 2
    assert "not a FRED series id" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_without_an_api_key_says_how_to_get_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = cli_env(FREDPIPE_DATABASE_URL=f"duckdb:///{tmp_path / 'x.duckdb'}")
    done = run_cli(["pipeline", "run", "--series", "DGS10"], env, timeout=300)
    assert done.returncode == 2
    assert "FRED_API_KEY" in done.stderr
    assert "Traceback" not in done.stderr
