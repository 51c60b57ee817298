"""A real websocket client speaking ``graphql-transport-ws`` (connection_init/ack,
subscribe, next, complete), for servers from ``tests.support.live_server`` or ``serving``.

It uses the ``websockets`` package (which uvicorn's standard extras install) with a timeout
on every receive, so a missing push fails a test instead of hanging it.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.sync.connection import Connection
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")
#: Long enough for a pipeline stage to commit and the API to hear it on a busy machine.
PUSH_TIMEOUT = 30.0
#: The ``dataUpdated`` subscription with every field, ``$ids`` optional.
DATA_UPDATED = "subscription($ids: [ID!]) { dataUpdated(ids: $ids) { version seriesIds at } }"


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    """Poll ``condition`` until it holds; fail the test naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def private_channel() -> str:
    """A Redis channel of its own: tests share one Redis database across xdist workers."""
    return f"fredpipe-test:{uuid.uuid4().hex}"


class GraphQLWS:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ids = itertools.count(1)
        self._held: list[dict[str, Any]] = []

    @classmethod
    @contextmanager
    def connect(
        cls, base_url: str, timeout: float = 10.0, payload: dict[str, Any] | None = None
    ) -> Iterator[GraphQLWS]:
        """Open ``<base>/graphql`` and do the ``connection_init`` / ``connection_ack`` dance
        (``payload``: the init payload, where a token goes)."""
        url = base_url.replace("http://", "ws://", 1) + "/graphql"
        with connect(url, subprotocols=[PROTOCOL], proxy=None, open_timeout=timeout) as conn:
            assert conn.subprotocol == PROTOCOL
            client = cls(conn)
            client.send({"type": "connection_init", "payload": payload or {}})
            ack = client.receive(timeout)
            assert ack["type"] == "connection_ack", ack
            yield client

    def send(self, message: dict[str, Any]) -> None:
        self.conn.send(json.dumps(message))

    def receive(self, timeout: float = PUSH_TIMEOUT) -> dict[str, Any]:
        """The next message other than a ping (which is answered); TimeoutError if none."""
        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            message: dict[str, Any] = json.loads(self.conn.recv(timeout=left))
            if message["type"] == "ping":
                self.send({"type": "pong"})
                continue
            return message

    def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        op_id = str(next(self._ids))
        payload = {"query": query, "variables": variables or {}}
        self.send({"id": op_id, "type": "subscribe", "payload": payload})
        return op_id

    def receive_for(self, op_id: str, timeout: float = PUSH_TIMEOUT) -> dict[str, Any]:
        """The next message of operation ``op_id``; those of other operations that arrive
        meanwhile are kept for their own turn."""
        for i, held in enumerate(self._held):
            if held.get("id") == op_id:
                return self._held.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(0.0, deadline - time.monotonic()))
            if message.get("id") == op_id:
                return message
            self._held.append(message)

    def next_data(self, op_id: str, timeout: float = PUSH_TIMEOUT) -> dict[str, Any]:
        """The data of the next ``next`` message for ``op_id``; fails on ``error`` or errors."""
        message = self.receive_for(op_id, timeout)
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """A query over the websocket: one ``next`` then ``complete``."""
        op_id = self.subscribe(query, variables)
        data = self.next_data(op_id)
        done = self.receive_for(op_id)
        assert done == {"id": op_id, "type": "complete"}, done
        return data

    def complete(self, op_id: str) -> None:
        self.send({"id": op_id, "type": "complete"})

    def updates_until(self, op_id: str, version: int) -> list[dict[str, Any]]:
        """Every ``dataUpdated`` push of ``op_id`` up to and including ``version``."""
        seen = [self.next_data(op_id)["dataUpdated"]]
        while seen[-1]["version"] < version:
            seen.append(self.next_data(op_id)["dataUpdated"])
        return seen


def connect_raw(base_url: str, *messages: dict[str, Any], timeout: float = 10.0) -> int | None:
    """Send ``messages`` on a new connection and return the close code the server ends it
    with (None when it stays open past ``timeout`` or answers instead)."""
    url = base_url.replace("http://", "ws://", 1) + "/graphql"
    with connect(url, subprotocols=[PROTOCOL], proxy=None, open_timeout=timeout) as conn:
        for message in messages:
            conn.send(json.dumps(message))
        try:
            while True:
                conn.recv(timeout=timeout)
        except ConnectionClosed:
            return conn.close_code
        except TimeoutError:
            return None
