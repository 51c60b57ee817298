"""A Redis server of a test's own (Debian's ``redis-server``) on a port it chooses, for tests
that need Redis to be absent first and to appear later. Binds 127.0.0.1, keeps nothing on
disk, and is stopped by its pid."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from tests.support.cli import stop_process
from tests.support.databases import IN_CI


def redis_server_binary() -> str:
    """The ``redis-server`` executable; a skip outside CI when it is missing, a failure in CI."""
    found = shutil.which("redis-server")
    if found is None:
        if IN_CI:
            pytest.fail("redis-server is not installed (Debian package redis-server)")
        pytest.skip("redis-server is not installed")
    return found


@contextmanager
def redis_server(port: int, seconds: float = 20) -> Iterator[str]:
    """Start ``redis-server`` on 127.0.0.1:``port``; yield its URL once it answers PING."""
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(
        [redis_server_binary(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        deadline = time.monotonic() + seconds
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server on port {port} did not start")
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        stop_process(proc)
