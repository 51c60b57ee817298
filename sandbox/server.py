"""Running the sandbox: blocking (``fredpipe sandbox``) or in a background thread (tests, demo).

The background server binds its own loopback socket on port 0 before uvicorn starts, so the
port is known without races and never collides with a real service.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Unpack

import uvicorn

from sandbox.app import SandboxOptions, SandboxState, create_app

LOOPBACK = "127.0.0.1"


class SandboxURL(str):
    """The sandbox's FRED root URL (``http://127.0.0.1:PORT/fred``), carrying its live state.

    It *is* the URL string, so callers pass it wherever a base URL goes; in-process callers
    (tests) also reach ``.state`` for request counters and FRED's simulated "today".
    """

    state: SandboxState

    def __new__(cls, url: str, state: SandboxState) -> SandboxURL:
        obj = super().__new__(cls, url)
        obj.state = state
        return obj


def serve_sandbox(
    host: str = LOOPBACK,
    port: int = 8001,
    data_dir: Path | None = None,
    rate_per_minute: int = 120,
    rate_per_second: int | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C); used by ``fredpipe sandbox``."""
    app = create_app(data_dir, rate_per_minute=rate_per_minute, rate_per_second=rate_per_second)
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="off")


@contextmanager
def running_sandbox(
    data_dir: Path | None = None,
    *,
    start_timeout: float = 15.0,
    **options: Unpack[SandboxOptions],
) -> Iterator[SandboxURL]:
    """Run a sandbox on a free loopback port for the ``with`` block; yield its FRED root URL."""
    app = create_app(data_dir, **options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"fred-sandbox-{port}", daemon=True
    )
    thread.start()
    try:
        _wait_started(server, thread, start_timeout)
        yield SandboxURL(f"http://{LOOPBACK}:{port}/fred", app.state.sandbox)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    stop = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if server.started:
            return
        if not thread.is_alive():
            raise RuntimeError("FRED sandbox thread exited before it started serving")
        stop.wait(0.02)
    raise RuntimeError(f"FRED sandbox did not start within {timeout} s")
