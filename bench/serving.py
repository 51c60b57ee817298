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


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREDPIPE_", "FRED_"))}
    env.update(extra)
    return env


@contextmanager
def api_server(database_url: str, work: Path, redis_url: str | None = None) -> Iterator[str]:
    """``fredpipe serve`` on ``database_url``, read anonymously (as the demo serves it);
    yields its base URL."""
    extra = {
        "FREDPIPE_DATABASE_URL": database_url,
        "FREDPIPE_CLIENT_DIST_DIR": str(work),
        "FREDPIPE_ALLOW_ANONYMOUS": "true",
        "FREDPIPE_GRAPHQL_INTROSPECTION": "true",
    }
    if redis_url:
        extra["FREDPIPE_REDIS_URL"] = redis_url
    with _server(
        ["-m", "flows.cli", "serve", "--port"], _env(**extra), work / "api.log", "/healthz"
    ) as base:
        yield base


@contextmanager
def raw_server(body_file: Path, work: Path) -> Iterator[str]:
    """``bench.raw_asgi`` answering with ``body_file``'s bytes; yields its base URL."""
    with _server(["-m", "bench.raw_asgi", str(body_file)], _env(), work / "raw.log", "/") as base:
        yield base
