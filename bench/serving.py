"""Servers for the HTTP benchmarks: the real API through ``fredpipe serve`` and the raw ASGI
yardstick (``bench.raw_asgi``), each a subprocess on 127.0.0.1 with its output in a file,
stopped by its pid."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from models import accounts
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import REPO_ROOT

#: uvicorn as ``fredpipe serve`` runs it (one process, access log at info), so the yardstick
#: pays the same server costs as the API
UVICORN_OPTIONS: dict[str, object] = {"log_level": "info"}
STARTUP_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {STARTUP_SECONDS:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def _server(args: list[str], env: dict[str, str], log: Path, probe: str) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, *args, str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(base + probe, proc, log)
        yield base
    finally:
        _stop(proc)


def bench_env(**extra: str) -> dict[str, str]:
    """This environment without our settings (``FREDPIPE_*``, ``FRED_*``), then ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREDPIPE_", "FRED_"))}
    env.update(extra)
    return env


#: the signing key of ``api_server(signed_in=True)``: a benchmark's, not a secret
BENCH_JWT_SECRET = "bench-only-signing-key-" + "0" * 32
BENCH_USER, BENCH_PASSWORD = "bench", "bench-password-0"


@contextmanager
def api_server(
    database_url: str,
    work: Path,
    redis_url: str | None = None,
    *,
    signed_in: bool = False,
    client_dist: Path | None = None,
) -> Iterator[str]:
    """``fredpipe serve`` on ``database_url``; yields its base URL. Read anonymously (as the
    demo serves it), or ``signed_in``: tokens required, as in production, with the user
    ``BENCH_USER`` added to the database (``bench_token`` signs it in). The per-identity rate
    limit is lifted either way: one benchmark client is one identity. ``client_dist``: the
    dashboard build to serve (default: none)."""
    extra = {
        "FREDPIPE_DATABASE_URL": database_url,
        "FREDPIPE_CLIENT_DIST_DIR": str(client_dist or work),
        "FREDPIPE_ALLOW_ANONYMOUS": "false" if signed_in else "true",
        "FREDPIPE_GRAPHQL_INTROSPECTION": "true",
        "FREDPIPE_RATE_LIMIT": "1000000/second",
    }
    if signed_in:
        extra["FREDPIPE_JWT_SECRET"] = BENCH_JWT_SECRET
        engine = make_engine(database_url)
        try:
            upgrade(engine)
            with engine.begin() as conn:
                accounts.set_password(conn, BENCH_USER, accounts.VIEWER, BENCH_PASSWORD)
        finally:
            engine.dispose()
    if redis_url:
        extra["FREDPIPE_REDIS_URL"] = redis_url
    with _server(
        ["-m", "flows.cli", "serve", "--port"], bench_env(**extra), work / "api.log", "/healthz"
    ) as base:
        yield base


def bench_token(base: str) -> str:
    """An access token of ``BENCH_USER`` from a ``signed_in`` server."""
    response = httpx.post(
        f"{base}/auth/token",
        data={"grant_type": "password", "username": BENCH_USER, "password": BENCH_PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@contextmanager
def raw_server(body_file: Path, work: Path) -> Iterator[str]:
    """``bench.raw_asgi`` answering with ``body_file``'s bytes; yields its base URL."""
    args = ["-m", "bench.raw_asgi", str(body_file)]
    with _server(args, bench_env(), work / "raw.log", "/") as base:
        yield base
