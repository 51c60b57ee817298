"""Pipeline runs an admin starts from the API (``refreshSeries``): ingest → dbt build →
forecast for some series, in a background worker process (``fredpipe pipeline run --series
…``, so the run is exactly the CLI's and the pipeline's, with the API process's settings).

One run at a time per API process: a second request while one runs is refused, naming the
running one (two writers would collide on the embedded DuckDB file). The worker's output goes
to ``<data_dir>/refresh/<run id>.log``. When the run lands, its stages bump the data version
as scheduled runs do, so ``dataUpdated`` subscribers hear of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graphql_api.errors import ApiError
from models.settings import Settings

#: the process that runs a pipeline: the product's own CLI
PIPELINE_COMMAND = (sys.executable, "-m", "flows.cli", "pipeline", "run", "--series")


class RefreshRunning(ApiError):
    code = "CONFLICT"
    http_status = 409


@dataclass(frozen=True, slots=True)
class RefreshRun:
    run_id: str
    series_ids: list[str]
    started_at: datetime
    log_file: Path


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as the ``FREDPIPE_*`` variables a child process reads them from."""
    out: dict[str, str] = {}
    for name, value in settings.model_dump(exclude_none=True).items():
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        out[f"FREDPIPE_{name.upper()}"] = str(value)
    return out


class Refresher:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._running: tuple[RefreshRun, subprocess.Popen[bytes]] | None = None

    def start(self, series_ids: list[str]) -> RefreshRun:
        with self._lock:
            if self._running is not None and self._running[1].poll() is None:
                raise RefreshRunning(
                    f"a refresh is already running (run {self._running[0].run_id}, series "
                    f"{', '.join(self._running[0].series_ids)}); try again when it has landed"
                )
            run_id = uuid.uuid4().hex
            folder = self._settings.data_dir / "refresh"
            folder.mkdir(parents=True, exist_ok=True)
            run = RefreshRun(run_id, series_ids, datetime.now(UTC), folder / f"{run_id}.log")
            env = {**os.environ, **settings_env(self._settings), "FREDPIPE_LOG_FORMAT": "json"}
            with run.log_file.open("wb") as log:
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
