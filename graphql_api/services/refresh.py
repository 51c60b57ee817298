"""Pipeline runs an admin starts from the API (``refreshSeries``): ingest → dbt build →
forecast for some series, where the operator runs pipelines:

- **Prefect**, when a Prefect API is configured (``PREFECT_API_URL``): a flow run of the
  ``refresh`` deployment (``FREDPIPE_REFRESH_DEPLOYMENT``, registered by ``fredpipe schedule
  serve``, which also executes it) with the series as its parameter; the run id is Prefect's
  flow-run id. The deployment runs one flow run at a time; later ones wait in its queue. An
  unreachable Prefect API or an unregistered deployment is ``SERVICE_UNAVAILABLE``.
- **A background worker process** otherwise: ``fredpipe pipeline run --series …``, so the run
  is exactly the CLI's and the pipeline's, with the API process's settings. One run at a time
  per API process: a second request while one runs is refused, naming the running one (two
  writers would collide on the embedded DuckDB file). The worker's output goes to
  ``<data_dir>/refresh/<run id>.log``.

When the run lands, its stages bump the data version as scheduled runs do, so
``dataUpdated`` subscribers hear of it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import httpx
from anyio import to_thread

from graphql_api.errors import ApiError, ServiceUnavailable
from models.settings import Settings

#: the process that runs a pipeline: the product's own CLI
PIPELINE_COMMAND = (sys.executable, "-m", "flows.cli", "pipeline", "run", "--series")


class RefreshRunning(ApiError):
    code = "CONFLICT"
    http_status = 409


#: seconds the Prefect API has to create the flow run before the mutation gives up
PREFECT_SECONDS = 10.0

Runner = Literal["prefect", "worker"]


@dataclass(frozen=True, slots=True)
class RefreshRun:
    run_id: str
    series_ids: list[str]
    started_at: datetime
    runner: Runner
    #: the worker's output (``None`` for a Prefect flow run: Prefect keeps its logs)
    log_file: Path | None


def configured_prefect_api() -> str | None:
    """The Prefect API this process is pointed at (Prefect's own settings: ``PREFECT_API_URL``
    or the active profile), or None. Prefect is imported only when this is first asked."""
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    return str(url) if url else None


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as the ``FREDPIPE_*`` variables a child process reads them from."""
    out: dict[str, str] = {}
    for name, value in settings.model_dump(exclude_none=True).items():
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        out[f"FREDPIPE_{name.upper()}"] = str(value)
    return out


class Refresher:
    def __init__(
        self,
        settings: Settings,
        prefect_api: Callable[[], str | None] = configured_prefect_api,
    ) -> None:
        self._settings = settings
        self._prefect_api = prefect_api
        self._lock = threading.Lock()
        self._running: tuple[RefreshRun, subprocess.Popen[bytes]] | None = None

    async def start(self, series_ids: list[str]) -> RefreshRun:
        """Start a run of these series (see the module docstring for where)."""
        api = await to_thread.run_sync(self._prefect_api)
        if api is not None:
            return await self._through_prefect(series_ids, api)
        return await to_thread.run_sync(self._in_worker, series_ids)

    async def _through_prefect(self, series_ids: list[str], api: str) -> RefreshRun:
        from prefect.deployments import arun_deployment
        from prefect.exceptions import ObjectNotFound

        name = self._settings.refresh_deployment
        try:
            flow_run = await asyncio.wait_for(
                arun_deployment(
                    name,
                    parameters={"series": series_ids, "full": False},
                    timeout=0,  # return once the run is created; the deployment's runner runs it
                    as_subflow=False,
                    tags=["refreshSeries"],
                ),
                PREFECT_SECONDS,
            )
        except ObjectNotFound:
            raise ServiceUnavailable(
                f"the Prefect deployment {name!r} is not registered at {api} "
                "(start `fredpipe schedule serve`)"
            ) from None
        except (httpx.HTTPError, OSError, TimeoutError) as exc:
            raise ServiceUnavailable(
                f"the Prefect API at {api} is not answering ({type(exc).__name__})"
            ) from None
        return RefreshRun(str(flow_run.id), series_ids, datetime.now(UTC), "prefect", None)

    def _in_worker(self, series_ids: list[str]) -> RefreshRun:
        with self._lock:
            if self._running is not None and self._running[1].poll() is None:
                raise RefreshRunning(
                    f"a refresh is already running (run {self._running[0].run_id}, series "
                    f"{', '.join(self._running[0].series_ids)}); try again when it has landed"
                )
            run_id = uuid.uuid4().hex
            folder = self._settings.data_dir / "refresh"
            folder.mkdir(parents=True, exist_ok=True)
            log_file = folder / f"{run_id}.log"
            run = RefreshRun(run_id, series_ids, datetime.now(UTC), "worker", log_file)
            env = {**os.environ, **settings_env(self._settings), "FREDPIPE_LOG_FORMAT": "json"}
            with log_file.open("wb") as log:
                proc = subprocess.Popen(
                    [*PIPELINE_COMMAND, ",".join(series_ids)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # a server restart does not kill a landing run
                )
            self._running = (run, proc)
            return run
