"""Expected API failures carry a GraphQL ``extensions.code``; everything else gets masked.

Masking happens in one place (``mask_unexpected``) so resolvers can simply raise.
"""

from __future__ import annotations

import logging
from collections.abc import MutableSequence
from datetime import date

from graphql import GraphQLError

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
