"""Expected API failures carry a GraphQL ``extensions.code``; everything else gets masked.

Masking happens in one place (``mask_unexpected``) so resolvers can simply raise.
"""

from __future__ import annotations

import logging
from collections.abc import MutableSequence
from datetime import date

import orjson
import sqlalchemy as sa
from graphql import GraphQLError
from starlette.types import Send

log = logging.getLogger("fredpipe.api")

INTERNAL_MESSAGE = "Internal server error"


class ApiError(Exception):
    """A failure the client caused and can fix; its message is safe to show."""

    code = "BAD_REQUEST"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, object] = {"code": self.code}


class NotFoundError(ApiError):
    code = "NOT_FOUND"
    http_status = 404


class BadUserInputError(ApiError):
    code = "BAD_USER_INPUT"
    http_status = 400


class ForbiddenError(ApiError):
    """Signed in, but the role may not do this."""

    code = "FORBIDDEN"
    http_status = 403


#: what a 503 asks the client to wait before trying again
RETRY_AFTER_SECONDS = 5


class ServiceUnavailable(ApiError):
    """The database did not answer (unreachable, silent past its timeout, or held by a
    writer for too long): a transient failure, answered 503 with ``Retry-After``."""

    code = "SERVICE_UNAVAILABLE"
    http_status = 503

    def __init__(
        self,
        message: str = "the database is not answering; retry in a few seconds",
    ) -> None:
        super().__init__(message)


def is_database_outage(exc: BaseException) -> bool:
    """A failure to reach or hear from the database, as opposed to a bad statement."""
    return isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError | TimeoutError)


def unknown_indicator(series_id: str) -> NotFoundError:
    return NotFoundError(f"Unknown indicator id: {series_id!r}")


def check_window(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise BadUserInputError(f"start ({start.isoformat()}) is after end ({end.isoformat()})")


def is_unexpected(error: GraphQLError) -> bool:
    """Syntax/validation errors and ``ApiError`` are the client's; anything else is ours."""
    original = error.original_error
    return original is not None and not isinstance(original, ApiError | GraphQLError)


def mask_unexpected(errors: MutableSequence[GraphQLError], request_id: str) -> None:
    """Replace unexpected errors in place by an opaque one that names the request id."""
    for i, error in enumerate(errors):
        if not is_unexpected(error):
            continue
        log.error(
            "unhandled error in GraphQL request %s at path %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        errors[i] = GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


Headers = list[tuple[bytes, bytes]]


async def send_json(
    send: Send, status: int, payload: object, headers: Headers | None = None
) -> None:
    """A whole JSON response from a pure-ASGI layer (refusals made before the routes run)."""
    body = orjson.dumps(payload)
    start = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


def retry_after() -> Headers:
    return [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]


async def send_unavailable(send: Send, path: str, error: ServiceUnavailable) -> None:
    """A 503 from a pure-ASGI layer (before the routes run), in the shape of the path's API:
    a GraphQL response on ``/graphql``, ``{code, message}`` elsewhere."""
    if path == "/graphql":
        payload: dict[str, object] = {
            "data": None,
            "errors": [{"message": error.message, "extensions": {"code": error.code}}],
        }
    else:
        payload = {"code": error.code, "message": error.message}
    await send_json(send, 503, payload, retry_after())
