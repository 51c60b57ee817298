"""Ingest and dbt over TLS to a MariaDB that refuses plaintext (``tests.support.tls_mariadb``):
with ``FREDPIPE_MYSQL_SSL_CA`` the whole ``fredpipe pipeline run`` lands; a CA that did not
sign the server, or a host name the certificate does not carry, stops each of them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from flows import dbt_runner
from flows.cli import DATABASE_UNREACHABLE
from models.engine import make_engine
from models.settings import SANDBOX_API_KEY, load_settings
from sandbox.server import running_sandbox
from tests.support.cli import cli_env, run_cli
from tests.support.tls_mariadb import TlsMariaDB, tls_mariadb

SERIES = "UNRATE"


@pytest.fixture(scope="module")
def tls_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsMariaDB]:
    with tls_mariadb(tmp_path_factory.mktemp("tls-mariadb")) as server:
        yield server


def _pipeline(db_url: str, ca: Path) -> subprocess.CompletedProcess[str]:
    with running_sandbox() as fred_url:
        env = cli_env(
            FREDPIPE_DATABASE_URL=db_url,
            FREDPIPE_MYSQL_SSL_CA=str(ca),
            FREDPIPE_FRED_BASE_URL=str(fred_url),
            FRED_API_KEY=SANDBOX_API_KEY,
        )
        return run_cli(["pipeline", "run", "--series", SERIES], env, timeout=600)


def test_the_pipeline_lands_over_verified_tls(tls_db: TlsMariaDB) -> None:
    done = _pipeline(tls_db.url(), tls_db.ca)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    engine = make_engine(tls_db.url(), ssl_ca=str(tls_db.ca))
    try:
        with engine.connect() as conn:
            raw = conn.execute(sa.text("select count(*) from raw_observations")).scalar_one()
            mart = conn.execute(
                sa.text("select count(*) from mart_observations where series_id = :s"),
                {"s": SERIES},
            ).scalar_one()
            forecast = conn.execute(sa.text("select count(*) from forecast_points")).scalar_one()
    finally:
        engine.dispose()
    assert raw > 500 and mart > 500 and forecast > 0


def test_ingest_refuses_a_server_the_ca_did_not_sign_in_one_line(tls_db: TlsMariaDB) -> None:
    done = _pipeline(tls_db.url(), tls_db.wrong_ca)
    assert done.returncode == DATABASE_UNREACHABLE
    refusal = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(refusal) == 1 and "certificate verify failed" in refusal[0]
    assert "FREDPIPE_MYSQL_SSL_CA" in refusal[0]
    assert "Traceback" not in done.stderr


def _dbt_debug(
    tls_db: TlsMariaDB, host: str, ca: Path, workdir: Path
) -> subprocess.CompletedProcess[str]:
    """``dbt debug`` (it connects) through the runner's launcher, as ``dbt_build`` runs dbt."""
    settings = load_settings(database_url=tls_db.url(host), mysql_ssl_ca=str(ca))
    profiles = workdir / "profiles.yml"
    profiles.write_text(yaml.safe_dump(dbt_runner.build_profile(settings, flavour="mariadb")))
    return subprocess.run(
        [sys.executable, "-c", dbt_runner._LAUNCHER, f"--fredpipe-ssl-ca={ca}", "debug",
         "--project-dir", str(settings.dbt_project_dir), "--profiles-dir", str(workdir),
         "--log-path", str(workdir / "logs"), "--no-use-colors"],
        capture_output=True, text=True, check=False, cwd=workdir, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("host", "which_ca", "refusal"),
    [
        ("localhost", "ca", None),
        ("localhost", "wrong_ca", "certificate verify failed"),
        ("127.0.0.1", "ca", "mismatch"),
    ],
    ids=["verified", "wrong-ca", "wrong-host-name"],
)
def test_dbt_connects_only_to_the_verified_server(
    tls_db: TlsMariaDB, tmp_path: Path, host: str, which_ca: str, refusal: str | None
) -> None:
    done = _dbt_debug(tls_db, host, getattr(tls_db, which_ca), tmp_path)
    output = done.stdout + done.stderr
    if refusal is None:
        assert done.returncode == 0, output[-3000:]
        assert "Connection test: [OK" in output
    else:
        assert done.returncode != 0
        assert refusal in output, output[-3000:]
