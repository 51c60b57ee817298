"""``models.engine`` over TLS, for real: a MariaDB of the test's own that refuses plaintext
(``tests.support.tls_mariadb``). With ``ssl_ca`` the engine connects only to a server whose
certificate that CA signed for the host in the URL."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest
import sqlalchemy as sa

from models.engine import make_engine
from tests.support.tls_mariadb import TlsMariaDB, tls_mariadb


@pytest.fixture(scope="module")
def tls_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsMariaDB]:
    with tls_mariadb(tmp_path_factory.mktemp("tls-mariadb")) as server:
        yield server


def _session_tls(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SHOW SESSION STATUS LIKE 'Ssl_%'")).all()
    return {str(name): str(value) for name, value in rows}


def test_no_plaintext_connection_is_possible(tls_db: TlsMariaDB) -> None:
    # MariaDB answers a plaintext sign-in under require_secure_transport as it answers a
    # wrong password; the same credentials over TLS get in
    with pytest.raises(pymysql.err.OperationalError, match="Access denied"):
        tls_db.connect(ssl_disabled=True)
    tls_db.connect(ssl_ca=str(tls_db.ca), ssl_verify_identity=True).close()


def test_the_engine_verifies_the_server_with_the_ca(tls_db: TlsMariaDB) -> None:
    engine = make_engine(tls_db.url(), ssl_ca=str(tls_db.ca))
    try:
        status = _session_tls(engine)
    finally:
        engine.dispose()
    assert status["Ssl_cipher"], "the session is encrypted"
    assert status["Ssl_version"].startswith("TLSv1.")


def test_a_server_the_ca_did_not_sign_is_refused(tls_db: TlsMariaDB) -> None:
    engine = make_engine(tls_db.url(), ssl_ca=str(tls_db.wrong_ca))
    try:
        with pytest.raises(sa.exc.OperationalError, match="certificate verify failed"):
            engine.connect().close()
    finally:
        engine.dispose()


def test_a_certificate_for_another_host_name_is_refused(tls_db: TlsMariaDB) -> None:
    # the certificate names localhost; the same server reached as 127.0.0.1 is not it
    engine = make_engine(tls_db.url(host="127.0.0.1"), ssl_ca=str(tls_db.ca))
    try:
        with pytest.raises(sa.exc.OperationalError, match="mismatch"):
            engine.connect().close()
    finally:
        engine.dispose()


def test_the_tls_server_leaves_other_servers_temporary_tables_alone(tmp_path: Path) -> None:
    # a MariaDB deletes every "#sql…" file in its tmpdir when it starts; with the default
    # tmpdir that was the shared server's live temporary tables (a dbt build running
    # alongside failed with "Error on delete of '/tmp/#sql-temptable-…'")
    canary = Path(tempfile.gettempdir()) / f"#sql-temptable-fredpipe-canary-{os.getpid()}.MAI"
    canary.write_bytes(b"")
    try:
        with tls_mariadb(tmp_path / "server") as server:
            conn = server.connect(ssl_ca=str(server.ca))
            with conn.cursor() as cur:
                cur.execute("SELECT @@tmpdir")
                (tmpdir,) = cur.fetchone()
            conn.close()
        assert canary.exists(), "starting the TLS server deleted another server's temp file"
        assert Path(tmpdir).is_relative_to(tmp_path)
    finally:
        canary.unlink(missing_ok=True)
