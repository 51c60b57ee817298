"""A MariaDB server of the suite's own that speaks TLS only: a certificate authority made
for the run signs the server's certificate for ``localhost``; ``require_secure_transport``
refuses every connection that is not TLS. Its own data directory, socket and port on
127.0.0.1; stopped by its pid. Debian's ``mariadb-server`` provides the binaries (CI
installs the service's package anyway).

A second authority (``wrong_ca``) signs nothing the server has: a client trusting only it
must refuse the server. The certificate names ``localhost`` and not ``127.0.0.1``, so a
client that checks host names must refuse the server at ``127.0.0.1``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pymysql
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.cli import free_port, stop_process
from tests.support.databases import IN_CI

#: the host name the server's certificate is for
CERT_HOST = "localhost"
USER, PASSWORD, DATABASE = "fredpipe", "tls-test-password", "fredpipe"
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class TlsMariaDB:
    port: int
    ca: Path
    wrong_ca: Path
    socket: Path

    def url(self, host: str = CERT_HOST) -> str:
        return f"mysql+pymysql://{USER}:{PASSWORD}@{host}:{self.port}/{DATABASE}"

    def connect(self, host: str = CERT_HOST, **tls: object) -> pymysql.Connection:  # type: ignore[type-arg]
        """A PyMySQL connection over TCP with the given TLS options."""
        return pymysql.connect(
            host=host,
            port=self.port,
            user=USER,
            password=PASSWORD,
            database=DATABASE,
            connect_timeout=10,
            **tls,  # type: ignore[arg-type]
        )


def _binaries() -> tuple[str, str]:
    server = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
    install = shutil.which("mariadb-install-db")
    if not Path(server).is_file() or install is None:
        if IN_CI:
            pytest.fail("mariadbd / mariadb-install-db are missing (Debian package mariadb-server)")
        pytest.skip("mariadbd / mariadb-install-db are not installed")
    return server, install


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(
    folder: Path, stem: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate
) -> None:
    (folder / f"{stem}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / f"{stem}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


Authority = tuple[ec.EllipticCurvePrivateKey, x509.Certificate]


def _authority(folder: Path, stem: str, now: dt.datetime) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"fredpipe test {stem}"))
        .issuer_name(_name(f"fredpipe test {stem}"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(folder, stem, key, cert)
    return key, cert


def make_certificates(folder: Path) -> None:
    """``ca.pem``, ``server.pem``/``server.key`` (signed by the CA, for ``CERT_HOST`` only)
    and ``wrong-ca.pem``, an authority that signed nothing the server has."""
    now = dt.datetime.now(dt.UTC)
    ca_key, ca_cert = _authority(folder, "ca", now)
    _authority(folder, "wrong-ca", now)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(CERT_HOST))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(CERT_HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(folder, "server", key, cert)


@contextmanager
def tls_mariadb(folder: Path) -> Iterator[TlsMariaDB]:
    """Start the server in ``folder`` (certificates, data, socket, log); yield it once the
    database and its user exist; stop it."""
    server, install = _binaries()
    folder.mkdir(parents=True, exist_ok=True)
    make_certificates(folder)
    data, sock, log = folder / "data", folder / "mariadb.sock", folder / "mariadb.log"
    # A temporary directory of its own: at start-up a MariaDB server deletes every "#sql"
    # file in its tmpdir, and with the default (/tmp) those are the shared server's live
    # temporary tables, which broke a concurrent dbt build on the suite's main MariaDB.
    tmp = folder / "tmp"
    tmp.mkdir(exist_ok=True)
    subprocess.run(
        [install, "--no-defaults", f"--datadir={data}", f"--tmpdir={tmp}", "--user=root",
         "--skip-test-db", "--auth-root-authentication-method=socket"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = free_port()
    proc = subprocess.Popen(
        [server, "--no-defaults", "--user=root", f"--datadir={data}", f"--tmpdir={tmp}",
         f"--port={port}",
         "--bind-address=127.0.0.1", f"--socket={sock}", f"--pid-file={folder / 'mariadb.pid'}",
         f"--log-error={log}", "--skip-log-bin", "--innodb-buffer-pool-size=64M",
         f"--ssl-ca={folder / 'ca.pem'}", f"--ssl-cert={folder / 'server.pem'}",
         f"--ssl-key={folder / 'server.key'}", "--require-secure-transport=ON"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        admin = _wait_for_socket(sock, proc, log)
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {DATABASE}")
            cur.execute(f"CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}'")
            cur.execute(f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'%'")
        admin.close()
        yield TlsMariaDB(port, folder / "ca.pem", folder / "wrong-ca.pem", sock)
    finally:
        stop_process(proc)


def _wait_for_socket(sock: Path, proc: subprocess.Popen[bytes], log: Path) -> pymysql.Connection:  # type: ignore[type-arg]
    """The server's root over its Unix socket (a local socket counts as secure transport)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            return pymysql.connect(unix_socket=str(sock), user="root", autocommit=True)
        except pymysql.err.OperationalError:
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text()[-2000:] if log.exists() else "(no log)"
                pytest.fail(f"the TLS MariaDB did not start:\n{tail}")
            time.sleep(0.1)
