"""One error shape for every HTTP answer that is not a success: ``{code, message}``.

``ApiError`` (raised by the services) already answers so (``graphql_api.app``). What FastAPI and
Starlette answer on their own would otherwise leak their ``{"detail": ...}``: a query parameter
that does not parse (422), an unknown path (404), a method a path does not allow (405). The
handlers here answer those in our shape, and the OpenAPI document says so: FastAPI's generated
422 response and its ``HTTPValidationError`` schema become our 400 ``ErrorOut``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from graphql_api.errors import BadUserInputError


class ErrorOut(BaseModel):
    """The body of every error answer, REST or not (GraphQL errors carry the same ``code`` in
    ``extensions``)."""

    code: str = Field(
        description=(
            "Stable, machine-readable: BAD_USER_INPUT, NOT_FOUND, METHOD_NOT_ALLOWED, "
            "INTERNAL_SERVER_ERROR, ..."
        ),
        examples=["BAD_USER_INPUT"],
    )
    message: str = Field(
        description="For people; names the parameter at fault where there is one.",
        examples=["query parameter 'start': Input should be a valid date"],
    )


_SCHEMA_REF = "#/components/schemas/ErrorOut"

#: ``responses=`` of a route: the error answers it documents (400 replaces FastAPI's 422).
_BAD_DATE = ("BAD_USER_INPUT", "query parameter 'start': Input should be a valid date")


def _example(code: str, message: str) -> dict[str, Any]:
    return {"application/json": {"example": {"code": code, "message": message}}}


BAD_INPUT: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorOut,
        "description": "BAD_USER_INPUT: a parameter is invalid.",
        "content": _example(*_BAD_DATE),
    },
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ErrorOut,
        "description": "NOT_FOUND: unknown indicator id.",
        "content": _example("NOT_FOUND", "Unknown indicator id: 'NOPE'"),
    },
}
ERRORS = {**BAD_INPUT, **NOT_FOUND}

RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
_RETRY_AFTER = {"Retry-After": RETRY_AFTER_HEADER}


def _refusal(description: str, code: str, message: str, headers: dict[str, Any]) -> dict[str, Any]:
    """A refusal's response object; JSON even on a route that answers HTML (``/dbt-docs/``),
    so the schema is given by reference, not as a ``model`` (which FastAPI would file under
    the route's own media type). ``without_fastapi_422`` adds ``ErrorOut`` to the components."""
    content = {
        "application/json": {
            "schema": {"$ref": _SCHEMA_REF},
            "example": {"code": code, "message": message},
        }
    }
    return {"description": description, "content": content} | (
        {"headers": headers} if headers else {}
    )


#: what the pure-ASGI layers in front of the routes answer (``graphql_api.app`` lists their
#: order), each in the ``{code, message}`` shape
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: _refusal(
        "PAYLOAD_TOO_LARGE: the body is over FREDPIPE_MAX_BODY_BYTES.",
        "PAYLOAD_TOO_LARGE",
        "the request body is over 1000000 bytes",
        {},
    ),
}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: _refusal(
        "SERVICE_UNAVAILABLE: the database is not answering, or the request ran past "
        "FREDPIPE_REQUEST_TIMEOUT_SECONDS.",
        "SERVICE_UNAVAILABLE",
        "the database is not answering; retry in a few seconds",
        _RETRY_AFTER,
    ),
}
#: every data route (``/api/v1/...``, ``/dbt-docs/``): a token is checked, then the rate limit
GUARDED: dict[int | str, dict[str, Any]] = {
    401: _refusal(
        "UNAUTHENTICATED: no valid access token (and anonymous access is off).",
        "UNAUTHENTICATED",
        "a bearer token is required",
        {
            "WWW-Authenticate": {
                "description": "The Bearer challenge (RFC 6750).",
                "required": True,
                "schema": {"type": "string"},
            }
        },
    ),
    429: _refusal(
        "RATE_LIMITED: over FREDPIPE_RATE_LIMIT for this identity.",
        "RATE_LIMITED",
        "rate limit exceeded: 600 requests per 1 MINUTE; retry in 12 s",
        _RETRY_AFTER,
    ),
    **UNAVAILABLE,
}

_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def status_code_name(status: int) -> str:
    """``404`` -> ``NOT_FOUND``: the code of a plain HTTP failure is its standard phrase."""
    try:
        return HTTPStatus(status).name
    except ValueError:
        return "BAD_REQUEST" if status < 500 else "INTERNAL_SERVER_ERROR"


def validation_message(errors: Sequence[Any]) -> str:
    """Pydantic's errors as one sentence per parameter: ``query parameter 'end': Input should
    be a valid date``. ``loc`` is (where, name, ...nested); the body has no name of its own."""
    parts = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        where, path = (loc[0], loc[1:]) if loc else ("request", [])
        label = f"{where} parameter '{'.'.join(path)}'" if path else where
        parts.append(f"{label}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    error = BadUserInputError(validation_message(exc.errors()))
    return JSONResponse({"code": error.code, "message": error.message}, error.http_status)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    body = {"code": status_code_name(exc.status_code), "message": message}
    return JSONResponse(body, exc.status_code, headers=exc.headers)


def without_fastapi_422(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with FastAPI's 422 answers replaced by our 400 (in place)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            if responses.pop("422", None) is not None:
                content = {
                    "schema": {"$ref": _SCHEMA_REF},
                    **_example(*_BAD_DATE)["application/json"],
                }
                responses.setdefault(
                    "400",
                    {
                        "description": BAD_INPUT[400]["description"],
                        "content": {"application/json": content},
                    },
                )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    components.setdefault("ErrorOut", ErrorOut.model_json_schema())
    return schema


def _openapi_for(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's documented way to change the document: replace ``app.openapi``. FastAPI's own
    builder runs once (it caches ``app.openapi_schema``), then the 422s are swapped."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = without_fastapi_422(build())
        return app.openapi_schema

    return openapi


def install_error_shape(app: FastAPI) -> None:
    """Answer validation and plain HTTP failures as ``{code, message}`` and document it."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.openapi = _openapi_for(app)  # type: ignore[method-assign]
