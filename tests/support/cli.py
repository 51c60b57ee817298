"""Subprocess helpers for end-to-end tests: run the real CLI, wait for the real server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
FREDPIPE = [sys.executable, "-m", "flows.cli"]


def product_packages() -> list[str]:
    """The project's top-level Python packages, as pyproject.toml lists them for the wheel."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(pattern.rstrip("*") for pattern in patterns)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: how the suites run the API unless a test says otherwise: as the demo does, anonymous
#: viewers allowed and GraphQL introspection on (tests/conftest.py applies it in process)
SUITE_DEFAULTS = {"FREDPIPE_ALLOW_ANONYMOUS": "true", "FREDPIPE_GRAPHQL_INTROSPECTION": "true"}


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI or server subprocess: ours without FREDPIPE_/FRED_ settings,
    then ``SUITE_DEFAULTS``, then ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREDPIPE_", "FRED_"))}
    env.update(SUITE_DEFAULTS)
    env.update(extra)
    return env


def run_cli(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FREDPIPE, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float, log: Path) -> None:
    """Until ``url`` answers 200; fails with the tail of ``log`` if ``proc`` exits first or
    the time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args!r} exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer 200 within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a server we started (by its pid), killing it if it does not stop in 15 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def serving(
    env: dict[str, str], timeout: float = 60, log_file: Path | None = None
) -> Iterator[str]:
    """Run ``fredpipe serve`` on a free port; yield its base URL; stop it by its pid. Its
    output goes to a file (a pipe nobody reads would stall a chatty server): ``log_file``, or
    one that is deleted afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="fredpipe-serve-") as work:
        log = log_file or Path(work) / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*FREDPIPE, "serve", "--port", str(port)],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(f"{base}/healthz", proc, timeout, log)
            yield base
        finally:
            stop_process(proc)


def graphql(base: str, query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables or {}}, timeout=30
    )
    response.raise_for_status()
    body = response.json()
    assert isinstance(body, dict)
    return body


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
