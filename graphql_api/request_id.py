"""A request id on every request (taken from ``X-Request-ID`` or made up) and response; the
access log (``graphql_api.access_log``) assigns it, echoes it and logs it."""

from __future__ import annotations

import os
import re

from starlette.requests import HTTPConnection
from starlette.types import Scope

HEADER = "x-request-id"
HEADER_BYTES = HEADER.encode()
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_for(scope: Scope) -> str:
    """The client's ``X-Request-ID`` when it is well formed, else a new one."""
    for name, value in scope["headers"]:
        if name == HEADER_BYTES:
            incoming = value.decode("latin-1")
            if _SAFE.match(incoming):
                return incoming
            break
    return new_request_id()


def new_request_id() -> str:
    """128 random bits in hex, like ``uuid4().hex`` without building a UUID (this runs on
    every request, cache hits included)."""
    return os.urandom(16).hex()


def request_id_of(conn: HTTPConnection) -> str:
    return getattr(conn.state, "request_id", None) or new_request_id()
