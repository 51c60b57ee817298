"""The API over TLS to a MariaDB that refuses plaintext (``tests.support.tls_mariadb``), as a
real ``fredpipe serve``: with ``FREDPIPE_MYSQL_SSL_CA`` it reads through verified TLS; with a
CA that did not sign the server it reaches no data and says 503, as for any database it
cannot reach."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from models.engine import make_engine
from models.migrate import upgrade
from tests.support.api_data import seed
from tests.support.cli import FREDPIPE, REPO, cli_env, free_port, serving, stop_process
from tests.support.tls_mariadb import TlsMariaDB, tls_mariadb


@pytest.fixture(scope="module")
def tls_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsMariaDB]:
    with tls_mariadb(tmp_path_factory.mktemp("tls-mariadb")) as server:
        engine = make_engine(server.url(), ssl_ca=str(server.ca))
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        seed(server.url())
        yield server


def _env(tls_db: TlsMariaDB, ca: Path, work: Path) -> dict[str, str]:
    return cli_env(
        FREDPIPE_DATABASE_URL=tls_db.url(),
        FREDPIPE_MYSQL_SSL_CA=str(ca),
        FREDPIPE_CLIENT_DIST_DIR=str(work),
        FREDPIPE_DATABASE_CONNECT_TIMEOUT_SECONDS="3",
    )


def test_the_api_reads_over_verified_tls(tls_db: TlsMariaDB, tmp_path: Path) -> None:
    with serving(_env(tls_db, tls_db.ca, tmp_path)) as base:
        health = httpx.get(f"{base}/healthz", timeout=10).json()
        answer = httpx.post(
            f"{base}/graphql", json={"query": "{ indicators { id } }"}, timeout=30
        ).json()
    assert health["database"] is True and health["status"] == "ok"
    assert "errors" not in answer and len(answer["data"]["indicators"]) > 0


def test_a_server_the_ca_did_not_sign_is_an_unavailable_database(
    tls_db: TlsMariaDB, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [*FREDPIPE, "serve", "--port", str(port)],
            cwd=REPO,
            env=_env(tls_db, tls_db.wrong_ca, tmp_path),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            health = _first_answer(f"{base}/healthz", proc)
            graphql = httpx.post(
                f"{base}/graphql", json={"query": "{ indicators { id } }"}, timeout=30
            )
        finally:
            stop_process(proc)
    assert health.status_code == 503 and health.json()["database"] is False
    assert graphql.status_code == 503
    assert graphql.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


def _first_answer(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            return httpx.get(url, timeout=10)
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds:.0f} s")
