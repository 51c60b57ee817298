"""The ``pipeline`` flow: ingest → dbt build → forecast, each stage bumping the data version.

After a successful build it also publishes dbt docs (served at ``/dbt-docs/``); that step is
best effort: a failure is logged as a warning and the run goes on.

Tasks are thin adapters over functions in ``ingest``, ``flows.dbt_runner`` and
``forecasting``; only the I/O-bound ingest and dbt tasks retry. Settings come from
``models.settings.get_settings()`` (installed by the CLI or a test), never from flow
parameters, so credentials are not stored in Prefect's run history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flows.prefect_env import apply_prefect_defaults

apply_prefect_defaults()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.client.schemas.objects import TaskRun  # noqa: E402
from prefect.states import State  # noqa: E402
from prefect.tasks import Task  # noqa: E402

from flows import stages  # noqa: E402
from flows.dbt_runner import DbtError  # noqa: E402
from models.settings import SettingsError  # noqa: E402


class PipelineFailed(RuntimeError):
    """Some series failed; the message names them and FRED's reason for each."""


@dataclass
class PipelineResult:
    series: list[str]
    rows_written: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    dbt_seconds: float = 0.0
    #: where this run published dbt docs (served at /dbt-docs/); None when generation failed
    dbt_docs_dir: str | None = None
    forecast_run_id: str | None = None
    forecast_series: int = 0
    data_version: int = 0


def _worth_retrying(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry I/O failures, never a configuration mistake (it fails the same way again)."""
    try:
        state.result()
    except SettingsError:
        return False
    except DbtError as exc:
        # A failing data test fails the same way again; a lost connection may not.
        return not exc.failed_nodes or not all(n.startswith("test.") for n in exc.failed_nodes)
    except Exception:
        return True
    return False


@task(name="migrate", retries=2, retry_delay_seconds=3, retry_condition_fn=_worth_retrying)
def migrate_task() -> str | None:
    return stages.migrate()


@task(
    name="ingest",
    retries=2,
    retry_delay_seconds=10,
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
)
def ingest_task(series: list[str], full: bool = False) -> stages.IngestOutcome:
    return stages.ingest(series, full=full)


@task(
    name="dbt-build",
    retries=1,
    retry_delay_seconds=10,
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
)
def dbt_build_task() -> float:
    return stages.dbt_build()


@task(name="dbt-docs", cache_policy=NO_CACHE)
def dbt_docs_task() -> str:
    return str(stages.dbt_docs())


@task(name="forecast", cache_policy=NO_CACHE)
def forecast_task(series: list[str] | None, force: bool = False) -> stages.ForecastOutcome:
    return stages.forecast(series, force=force)


def _generate_docs() -> str | None:
    """dbt docs for /dbt-docs/; a failure costs only fresh docs, never the run."""
    try:
        return dbt_docs_task()
    except Exception as exc:
        get_run_logger().warning(
            "dbt docs generate failed; /dbt-docs/ keeps the previous docs: %s", exc
        )
        return None


@flow(name="forecast", log_prints=True)
def forecast(series: list[str] | None = None, force: bool = False) -> stages.ForecastOutcome:
    """Backtest the candidate models, choose one per series and store the forecasts.

    Reads the marts as the last ``dbt build`` left them (default: every series in
    ``dim_series``). A run over the same data with the same parameters as an earlier
    successful run returns that run unless ``force``.
    """
    logger = get_run_logger()
    migrate_task()
    outcome = forecast_task(series, force)
    if outcome.reused:
        logger.info("forecast run %s is up to date; nothing recomputed", outcome.run_id)
    else:
        logger.info(
            "forecast run %s: %d series forecast, %d fallbacks, %d failed in %.1f s",
            outcome.run_id,
            outcome.series,
            len(outcome.fallbacks),
            len(outcome.failed),
            outcome.elapsed_seconds,
        )
    return outcome


@flow(name="pipeline", log_prints=True)
def pipeline(series: list[str] | None = None, full: bool = False) -> PipelineResult:
    """Refresh the given series (default: the catalog) end to end.

    The ingest is incremental (from each series' last stored observation minus
    ``ingest_lookback_days``) unless ``full`` asks for every observation again.
    """
    logger = get_run_logger()
    wanted = series or stages.default_series()
    migrate_task()
    ingested = ingest_task(wanted, full)
    result = PipelineResult(wanted, rows_written=ingested.rows_written, failed=ingested.failed)
    logger.info(
        "ingest: %d rows written, %d series failed", ingested.rows_written, len(ingested.failed)
    )
    ok = [s for s in wanted if s not in ingested.failed]
    if ok:
        result.dbt_seconds = dbt_build_task()
        result.dbt_docs_dir = _generate_docs()
        forecasted = forecast_task(ok)
        result.forecast_run_id = forecasted.run_id
        result.forecast_series = forecasted.series
    result.data_version = stages.data_version()
    if ingested.failed:
        raise PipelineFailed(
            "ingest failed for "
            + "; ".join(f"{sid}: {msg}" for sid, msg in sorted(ingested.failed.items()))
        )
    return result
