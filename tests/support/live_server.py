"""An ASGI app behind a real uvicorn in a thread of the test process, for checks that need a
real socket (byte-exact requests, a browser)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from tests.support.cli import free_port


@contextmanager
def live_server(app: ASGIApp) -> Iterator[int]:
    """``app`` on 127.0.0.1 (lifespan included); yields the port; stops the server after."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield server.config.port
    finally:
        server.should_exit = True
        thread.join(timeout=15)
