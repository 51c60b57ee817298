"""A TCP server that accepts connections and reads requests but never answers: what a client
sees of a frozen Redis (a stopped process, a full network buffer). It counts what it was
sent, so a test can tell whether a client still tries to talk to it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class FrozenServer:
    port: int
    connections: int = 0
    received: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def seen(self) -> tuple[int, int]:
        with self._lock:
            return self.connections, self.received


@contextmanager
def frozen_server() -> Iterator[FrozenServer]:
    """Listens on 127.0.0.1; every accepted connection is read and never answered."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)  # so the accept loop sees ``stop``
    server = FrozenServer(listener.getsockname()[1])
    stop = threading.Event()
    clients: list[socket.socket] = []

    def read(conn: socket.socket) -> None:
        while not stop.is_set():
            try:
                data = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            with server._lock:
                server.received += len(data)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(0.1)
            clients.append(conn)
            with server._lock:
                server.connections += 1
            threading.Thread(target=read, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        listener.close()
        for conn in clients:
            conn.close()
        thread.join(timeout=5)
