"""Run the dbt project in ``transforms/`` against the database named by ``Settings``.

"Models" here are dbt models (SQL in ``transforms/models``), not the Python ``models`` package.

dbt runs in a subprocess of this interpreter: dbt keeps process-global state, so one process per
invocation is the only way two builds (say a DuckDB test and a MariaDB test, or two flows) can
run side by side. Each invocation gets a private temporary directory for its profiles.yml (it
holds the database password, so it never lands in the repo), target path and log path; nothing
is shared between runs except the read-only project.

dbt-mysql can neither verify a server certificate from a CA file nor be told so in its profile,
so the subprocess runs a small launcher (``_LAUNCHER``) that wraps mysql-connector's ``connect``
to require TLS verified against ``settings.mysql_ssl_ca`` and the server's host name before
handing over to dbt's CLI. The launcher is self-contained source, so the child needs dbt but
not this repository on its import path.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import URL, make_url

from models import marts
from models.settings import Settings

PROFILE_NAME = "fredpipe"
#: dbt statuses that make a build fail (models: error; tests: fail/error).
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
LOG_TAIL_LINES = 40
#: failed runs whose artifacts are kept in ``transforms/logs/failed``
KEEP_FAILED_RUNS = 10
_SSL_CA_FLAG = "--fredpipe-ssl-ca"

MySQLFlavour = Literal["mysql", "mariadb"]


class DbtError(RuntimeError):
    """dbt failed; names the failing nodes and carries the tail of dbt's output."""

    def __init__(
        self,
        message: str,
        *,
        failed_nodes: Sequence[str] = (),
        log_tail: str = "",
        artifacts_dir: Path | None = None,
    ) -> None:
        self.failed_nodes = tuple(failed_nodes)
        self.log_tail = log_tail
        #: compiled SQL, run_results.json and dbt.log of the failed run (no credentials)
        self.artifacts_dir = artifacts_dir
        text = message
        if self.failed_nodes:
            text += "\nfailed: " + ", ".join(self.failed_nodes)
        if artifacts_dir is not None:
            text += f"\nartifacts: {artifacts_dir}"
        if log_tail:
            text += "\n--- dbt output (tail) ---\n" + log_tail
        super().__init__(text)


@dataclass(frozen=True)
class DbtResult:
    """Outcome of one successful dbt invocation."""

    command: tuple[str, ...]
    seconds: float
    #: unique_id → dbt status (``success``, ``pass``, ``warn``, ``skipped``, ...)
    statuses: dict[str, str] = field(default_factory=dict)
    log_tail: str = ""

    def count(self, resource_type: str, status: str | None = None) -> int:
        """How many nodes of a type (``model``, ``test``, ...) ran, optionally with a status."""
        return sum(
            1
            for uid, st in self.statuses.items()
            if uid.split(".", 1)[0] == resource_type and (status is None or st == status)
        )


# --- profiles ------------------------------------------------------------------------------


def detect_mysql_flavour(settings: Settings) -> MySQLFlavour:
    """Ask the server: dbt-mysql needs ``type: mariadb`` for MariaDB (its incremental
    materialization differs), ``type: mysql`` for MySQL 8."""
    from models.engine import make_engine

    engine = make_engine(settings.database_url, ssl_ca=settings.mysql_ssl_ca)
    try:
        with engine.connect() as conn:
            version = str(conn.exec_driver_sql("select version()").scalar_one())
    finally:
        engine.dispose()
    return "mariadb" if "mariadb" in version.lower() else "mysql"


def build_profile(settings: Settings, *, flavour: MySQLFlavour | None = None) -> dict[str, Any]:
    """The dbt profile (one target) for ``settings.database_url``.

    ``flavour`` skips the server round trip when the caller already knows it.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "duckdb":
        target_name, output = "duckdb", _duckdb_output(url)
    else:
        target_name = flavour or detect_mysql_flavour(settings)
        output = _mysql_output(url, target_name)
    return {PROFILE_NAME: {"target": target_name, "outputs": {target_name: output}}}


#: dbt-duckdb's tries at opening the file while another process holds it (sleeping 2^n s)
DUCKDB_CONNECT_ATTEMPTS = 6


def _duckdb_output(url: URL) -> dict[str, Any]:
    database = url.database or ""
    if not database or database == ":memory:":
        raise DbtError(
            "dbt needs a DuckDB file (it runs in another process); "
            f"FREDPIPE_DATABASE_URL names {database or 'no path'!r}"
        )
    # threads=1: a DuckDB file has one writer, and the marts are small enough not to care.
    # retries: dbt-duckdb reopens the file between nodes, and an API request reading at that
    # moment holds it for milliseconds; wait that out (1, 2, 4, 8, 16 s) instead of failing
    return {
        "type": "duckdb",
        "path": str(Path(database).resolve()),
        "schema": "main",
        "threads": 1,
        "retries": {"connect_attempts": DUCKDB_CONNECT_ATTEMPTS},
    }


def _mysql_output(url: URL, flavour: MySQLFlavour) -> dict[str, Any]:
    output: dict[str, Any] = {
        "type": flavour,
        "server": url.host or "127.0.0.1",
        "port": url.port or 3306,
        "username": url.username or "",
        "password": url.password or "",
        "schema": url.database,
        "threads": 4,
    }
    charset = url.query.get("charset")
    if isinstance(charset, str):
        output["charset"] = charset
    return output


def write_profiles(settings: Settings, directory: Path) -> Path:
    """Write ``profiles.yml`` (readable by the owner only) into ``directory``; returns the file.

    Pass ``directory`` to dbt as ``--profiles-dir``. It holds credentials: keep it out of git
    (``transforms/profiles.yml`` is ignored) and prefer a temporary directory.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "profiles.yml"
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(yaml.safe_dump(build_profile(settings), sort_keys=False), encoding="utf-8")
    return path


# --- running dbt ---------------------------------------------------------------------------


def dbt_build(
    settings: Settings,
    *,
    select: str | Sequence[str] | None = None,
    full_refresh: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
) -> DbtResult:
    """``dbt build`` (models and their tests, in DAG order); raises ``DbtError`` on any failure.

    ``dbt_vars`` override ``vars:`` of ``dbt_project.yml`` for this run (``--vars``, sent as
    JSON, which dbt reads as YAML), e.g. ``{"fill_policies": catalog.fill_policies()}``.
    """
    args = ["build"]
    if select:
        args += ["--select", *([select] if isinstance(select, str) else select)]
    if full_refresh:
        args.append("--full-refresh")
    if dbt_vars:
        args += ["--vars", vars_argument(dbt_vars)]
    with tempfile.TemporaryDirectory(prefix="fredpipe-dbt-") as tmp:
        return _invoke(settings, args, Path(tmp), target_path=Path(tmp) / "target")


def vars_argument(dbt_vars: Mapping[str, Any]) -> str:
    """``--vars`` text: compact JSON with sorted keys, so a run's command line is reproducible."""
    return json.dumps(dict(dbt_vars), sort_keys=True, separators=(",", ":"))


def dbt_docs_generate(settings: Settings, target_dir: Path | None = None) -> Path:
    """``dbt docs generate`` into ``target_dir`` (default ``transforms/target/docs``).

    Returns the directory holding ``index.html``, ``manifest.json`` and ``catalog.json``; the
    catalog describes the relations as they exist, so build first.
    """
    target = (target_dir or settings.dbt_project_dir / "target" / "docs").resolve()
    with tempfile.TemporaryDirectory(prefix="fredpipe-dbt-") as tmp:
        _invoke(settings, ["docs", "generate"], Path(tmp), target_path=target)
    missing = [
        n for n in ("index.html", "manifest.json", "catalog.json") if not (target / n).exists()
    ]
    if missing:
        raise DbtError(f"dbt docs generate wrote no {', '.join(missing)} in {target}")
    return target


def _invoke(settings: Settings, args: list[str], workdir: Path, *, target_path: Path) -> DbtResult:
    project_dir = settings.dbt_project_dir.resolve()
    if not (project_dir / "dbt_project.yml").exists():
        raise DbtError(f"no dbt project at {project_dir} (settings.dbt_project_dir)")
    profiles = write_profiles(settings, workdir / "profiles")
    command = [
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
        "--no-use-colors",
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles.parent),
        "--target-path",
        str(target_path),
        "--log-path",
        str(workdir / "logs"),
    ]
    launcher = [sys.executable, "-c", _LAUNCHER]
    if settings.mysql_ssl_ca and not settings.is_duckdb:
        launcher.append(f"{_SSL_CA_FLAG}={settings.mysql_ssl_ca}")
    started = time.perf_counter()
    proc = subprocess.run(
        [*launcher, *command], cwd=project_dir, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    tail = _tail(proc.stdout + proc.stderr)
    statuses = _read_statuses(target_path / "run_results.json") if args[0] == "build" else {}
    failed = sorted(uid for uid, status in statuses.items() if status in FAILED_STATUSES)
    if proc.returncode != 0 or failed:
        kept = _keep_artifacts(project_dir, workdir, target_path)
        raise DbtError(
            f"dbt {' '.join(args)} failed (exit {proc.returncode}) on {_describe(settings)}",
            failed_nodes=failed,
            log_tail=tail.replace(str(target_path), str(kept / "target")),
            artifacts_dir=kept,
        )
    return DbtResult(command=tuple(args), seconds=seconds, statuses=statuses, log_tail=tail)


def _read_statuses(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    results = json.loads(path.read_text(encoding="utf-8")).get("results", [])
    return {r["unique_id"]: str(r["status"]) for r in results}


def _tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    """dbt's closing summary (which names each failure) if it printed one, else the last lines."""
    all_lines = text.strip().splitlines()
    for i, line in enumerate(all_lines):
        if "Completed with" in line:
            return "\n".join(all_lines[i : i + 3 * lines])
    return "\n".join(all_lines[-lines:])


def _keep_artifacts(project_dir: Path, workdir: Path, target_path: Path) -> Path:
    """Move a failed run's target and logs (never its profiles) to ``transforms/logs/failed``."""
    kept = Path(
        tempfile.mkdtemp(prefix=time.strftime("%Y%m%dT%H%M%S-"), dir=_failed_dir(project_dir))
    )
    for source, name in ((target_path, "target"), (workdir / "logs", "logs")):
        if source.exists():
            shutil.copytree(source, kept / name, ignore=shutil.ignore_patterns("*.msgpack"))
    return kept


def _failed_dir(project_dir: Path) -> Path:
    """The failed-runs folder, pruned to the newest ``KEEP_FAILED_RUNS - 1`` entries."""
    path = project_dir / "logs" / "failed"
    path.mkdir(parents=True, exist_ok=True)
    for old in sorted(path.iterdir(), key=lambda p: p.stat().st_mtime)[: -KEEP_FAILED_RUNS + 1]:
        shutil.rmtree(old, ignore_errors=True)
    return path


def _describe(settings: Settings) -> str:
    """The database without credentials, for error messages."""
    return make_url(settings.database_url).render_as_string(hide_password=True)


def needs_full_refresh(engine: sa.Engine) -> bool:
    """True when an incremental mart was built by an older project and lacks a column the
    current one writes (``mart_observations.is_filled``): an incremental run would fail on it,
    so the build starts from scratch once."""
    # A zero-row select reads the columns on both backends (duckdb_engine's inspector
    # queries pg_catalog tables DuckDB lacks).
    try:
        with engine.connect() as conn:
            result = conn.execute(sa.text(f"select * from {marts.OBSERVATIONS} where 1 = 0"))
            columns = set(result.keys())
            result.all()
    except sa.exc.DBAPIError:  # no such table yet: the first build creates it
        return False
    return not set(marts.OBSERVATION_COLUMNS) <= columns


# --- subprocess entry point ----------------------------------------------------------------

#: ``python -c _LAUNCHER [--fredpipe-ssl-ca=PATH] <dbt arguments>``
_LAUNCHER = f"""
import sys

args = sys.argv[1:]
if args and args[0].startswith("{_SSL_CA_FLAG}="):
    ca_path = args.pop(0).split("=", 1)[1]
    import mysql.connector

    plain_connect = mysql.connector.connect

    def connect_with_tls(*a, **kw):
        kw.setdefault("ssl_ca", ca_path)
        kw.setdefault("ssl_verify_cert", True)
        kw.setdefault("ssl_verify_identity", True)
        return plain_connect(*a, **kw)

    mysql.connector.connect = connect_with_tls

from dbt.cli.main import cli

cli.main(args=args, prog_name="dbt")
"""
