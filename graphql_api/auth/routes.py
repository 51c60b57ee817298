"""``POST /auth/token`` (OAuth2's token endpoint, RFC 6749) and ``POST /auth/revoke`` (RFC 7009).

Grants: ``password`` (a user: an access token and a refresh token), ``client_credentials`` (a
machine client, its id and secret in the form or HTTP Basic: an access token only) and
``refresh_token`` (a refresh token is spent once and replaced: presenting a spent one again
means it leaked, and every refresh token of that account is revoked). Failures answer RFC
6749's ``{"error", "error_description"}`` with the API's ``{"code", "message"}`` beside them.

Failed sign-ins are counted per user name (or client id) and per client address
(``FREDPIPE_LOGIN_RATE_LIMIT``); past the limit the endpoint answers 429 with ``Retry-After``
before it even checks the password. Passwords are checked off the event loop (argon2 takes
tens of milliseconds by design).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer
from limits import RateLimitItem
from pydantic import BaseModel, Field

from graphql_api.auth.middleware import AccountChecks
from graphql_api.auth.tokens import ACCESS, REFRESH, TokenError, TokenService
from graphql_api.rate_limits import Limiter
from graphql_api.rest_errors import RETRY_AFTER_HEADER, TOO_LARGE, UNAVAILABLE, ErrorOut
from models import accounts
from models.accounts import Account

TOKEN_URL = "/auth/token"

#: the security scheme ``/docs`` shows ("Authorize" signs in through the token endpoint); the
#: check itself is ``graphql_api.auth.middleware``, before the routes run
oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    auto_error=False,
    description="A user's access token from POST /auth/token (grant_type=password), or a "
    "machine client's (grant_type=client_credentials).",
)

router = APIRouter(prefix="/auth", tags=["auth"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(frozen=True, slots=True)
class AuthState:
    """What the token endpoint needs, built once by the app factory (``app.state.auth``)."""

    engine: sa.Engine
    tokens: TokenService
    checks: AccountChecks
    limiter: Limiter
    login_limit: RateLimitItem
    allow_anonymous: bool
    #: requests per identity (``FREDPIPE_RATE_LIMIT``), HTTP and websocket operations alike
    request_limit: RateLimitItem


class TokenOut(BaseModel):
    """A bearer access token (and, for users, a refresh token)."""

    access_token: str = Field(description="The bearer token for the Authorization header.")
    token_type: str = Field(description="Always `bearer`.")
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str | None = Field(
        default=None,
        description="Spend it at this endpoint (grant_type=refresh_token) for a new pair; "
        "users only.",
    )
    refresh_expires_in: int | None = Field(
        default=None, description="Seconds until the refresh token expires."
    )


GRANT_TYPES = ("password", "client_credentials", "refresh_token")


class OAuthErrorOut(ErrorOut):
    """A refused token request: RFC 6749's fields beside the API's ``{code, message}``."""

    error: str = Field(description="RFC 6749's error code, for example `invalid_grant`.")
    error_description: str = Field(description="The same as `message`.")


class TokenForm(BaseModel):
    """The token request, form-encoded (RFC 6749): the fields its grant type needs."""

    # a str, not an Enum: another grant type answers RFC 6749's unsupported_grant_type
    grant_type: str = Field(
        description="`password`, `client_credentials` or `refresh_token`.",
        json_schema_extra={"enum": list(GRANT_TYPES)},
    )
    username: str | None = Field(default=None, description="User name (password grant).")
    password: str | None = Field(default=None, description="Password (password grant).")
    client_id: str | None = Field(
        default=None, description="Client id (client_credentials grant; or HTTP Basic)."
    )
    client_secret: str | None = Field(
        default=None, description="Client secret (client_credentials grant; or HTTP Basic)."
    )
    refresh_token: str | None = Field(
        default=None, description="The refresh token to spend (refresh_token grant)."
    )
    scope: str | None = Field(default=None, description="Ignored: roles decide access.")


class RevokeForm(BaseModel):
    """A revocation request (RFC 7009), form-encoded."""

    # an empty form field is a missing one to FastAPI: the document says so
    token: str = Field(min_length=1, description="The refresh token to revoke.")
    token_type_hint: str | None = Field(default=None, description="Ignored.")


class OAuthError(Exception):
    def __init__(
        self, error: str, description: str, status: int = 400, retry_after: int | None = None
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.retry_after = retry_after

    def response(self) -> JSONResponse:
        headers = dict(NO_STORE)
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="fredpipe"'
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        code = {400: "BAD_REQUEST", 401: "UNAUTHENTICATED", 429: "RATE_LIMITED"}.get(
            self.status, "SERVICE_UNAVAILABLE"
        )
        body = {
            "error": self.error,
            "error_description": self.description,
            "code": code,
            "message": self.description,
        }
        return JSONResponse(body, self.status, headers=headers)


def _state(request: Request) -> AuthState:
    state: AuthState = request.app.state.auth
    return state


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        name, sep, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "malformed HTTP Basic credentials", 401) from None
    return (name, secret) if sep else None


async def _throttled(state: AuthState, name: str, address: str) -> None:
    for identity in (("login-name", name), ("login-address", address)):
        if not await state.limiter.test(state.login_limit, *identity):
            window = await state.limiter.window(state.login_limit, *identity)
            raise OAuthError(
                "slow_down",
                f"too many failed sign-ins for this {identity[0].split('-')[1]}: "
                f"{state.login_limit.amount} per {state.login_limit.GRANULARITY.name}; "
                f"try again in {window.reset_seconds} s",
                429,
                retry_after=max(1, window.reset_seconds),
            )


async def _count_failure(state: AuthState, name: str, address: str) -> None:
    await state.limiter.hit(state.login_limit, "login-name", name)
    await state.limiter.hit(state.login_limit, "login-address", address)


def _in_transaction(engine: sa.Engine, work: Callable[[sa.Connection], Any]) -> Any:
    with engine.begin() as conn:
        return work(conn)


async def _db(state: AuthState, work: Callable[[sa.Connection], Any]) -> Any:
    return await to_thread.run_sync(_in_transaction, state.engine, work)


def _issue_access(state: AuthState, account: Account) -> dict[str, Any]:
    access = state.tokens.issue(account, ACCESS)
    return {
        "access_token": access.token,
        "token_type": "bearer",
        "expires_in": access.lifetime_seconds,
    }


async def _issue_pair(state: AuthState, account: Account) -> dict[str, Any]:
    body = _issue_access(state, account)
    refresh = state.tokens.issue(account, REFRESH)
    expires = refresh.expires_at.replace(tzinfo=None)
    await _db(
        state,
        lambda c: accounts.store_refresh(c, refresh.jti, account.subject, account.kind, expires),
    )
    return {
        **body,
        "refresh_token": refresh.token,
        "refresh_expires_in": refresh.lifetime_seconds,
    }


async def _password_grant(
    state: AuthState, username: str | None, password: str | None, address: str
) -> dict[str, Any]:
    if not username or password is None:
        raise OAuthError("invalid_request", "grant_type=password needs username and password")
    await _throttled(state, username, address)
    account = await _db(state, lambda c: accounts.authenticate_user(c, username, password))
    if account is None:
        await _count_failure(state, username, address)
        raise OAuthError("invalid_grant", "wrong user name or password, or a disabled account")
    return await _issue_pair(state, account)


async def _client_grant(
    state: AuthState,
    client_id: str | None,
    client_secret: str | None,
    basic: tuple[str, str] | None,
    address: str,
) -> dict[str, Any]:
    if basic is not None:
        client_id, client_secret = basic
    if not client_id or client_secret is None:
        raise OAuthError(
            "invalid_request",
            "grant_type=client_credentials needs client_id and client_secret (form or Basic)",
        )
    await _throttled(state, client_id, address)
    account = await _db(state, lambda c: accounts.authenticate_client(c, client_id, client_secret))
    if account is None:
        await _count_failure(state, client_id, address)
        raise OAuthError("invalid_client", "unknown client, wrong secret or a disabled client", 401)
    return _issue_access(state, account)


async def _refresh_grant(state: AuthState, refresh_token: str | None) -> dict[str, Any]:
    if not refresh_token:
        raise OAuthError("invalid_request", "grant_type=refresh_token needs refresh_token")
    try:
        claims = state.tokens.decode(refresh_token, REFRESH)
    except TokenError as exc:
        raise OAuthError("invalid_grant", exc.message) from None
    spent = await _db(state, lambda c: accounts.spend_refresh(c, claims.jti))
    if spent == "revoked":
        state.checks.forget(claims.subject, claims.kind)
        raise OAuthError(
            "invalid_grant",
            "this refresh token was already used or revoked; every refresh token of the "
            "account is now revoked: sign in again",
        )
    if spent != "active":
        raise OAuthError("invalid_grant", "unknown or expired refresh token")
    account = await _db(state, lambda c: accounts.find(c, claims.subject, claims.kind))
    if account is None or account.disabled:
        raise OAuthError("invalid_grant", "the account is disabled or no longer exists")
    return await _issue_pair(state, account)


@router.post(
    "/token",
    summary="Sign in: OAuth2 token endpoint (password, client credentials, refresh)",
    response_model=TokenOut,
    responses={
        400: {
            "model": ErrorOut,
            "description": "Bad request or grant: RFC 6749's error (`OAuthErrorOut`), or a "
            "form that does not parse (BAD_USER_INPUT)",
        },
        401: {"model": OAuthErrorOut, "description": "Unknown client or wrong secret"},
        **TOO_LARGE,
        429: {
            "model": OAuthErrorOut,
            "description": "Too many failed sign-ins; see Retry-After",
            "headers": {"Retry-After": RETRY_AFTER_HEADER},
        },
        503: {
            "model": ErrorOut,
            "description": "Token signing is not configured on this server, or the database "
            "is not answering",
            # only the database's 503 asks to retry: a server without a key stays so
            "headers": {"Retry-After": {**RETRY_AFTER_HEADER, "required": False}},
        },
    },
)
async def token(request: Request, form: Annotated[TokenForm, Form()]) -> JSONResponse:
    state = _state(request)
    address = request.client.host if request.client else "unknown"
    try:
        if not state.tokens.can_sign:
            raise OAuthError(
                "temporarily_unavailable",
                "this server issues no tokens: FREDPIPE_JWT_SECRET (or an RS256 private key) "
                "is not set",
                503,
            )
        if form.grant_type == "password":
            body = await _password_grant(state, form.username, form.password, address)
        elif form.grant_type == "client_credentials":
            basic = _basic_credentials(request)
            body = await _client_grant(state, form.client_id, form.client_secret, basic, address)
        elif form.grant_type == "refresh_token":
            body = await _refresh_grant(state, form.refresh_token)
        else:
            raise OAuthError(
                "unsupported_grant_type",
                f"grant_type {form.grant_type!r} is not supported: use password, "
                "client_credentials or refresh_token",
            )
    except OAuthError as exc:
        return exc.response()
    return JSONResponse(body, headers=NO_STORE)


@router.post(
    "/revoke",
    summary="Revoke a refresh token (RFC 7009): sign out",
    status_code=200,
    responses={
        200: {"description": "Revoked, or not a token of ours: the same answer"},
        **TOO_LARGE,
        **UNAVAILABLE,
    },
)
async def revoke(request: Request, form: Annotated[RevokeForm, Form()]) -> JSONResponse:
    state = _state(request)
    try:
        claims = state.tokens.decode(form.token, REFRESH)
    except TokenError:
        return JSONResponse({}, headers=NO_STORE)  # RFC 7009: invalid tokens are not an error
    await _db(state, lambda c: accounts.revoke_refresh(c, claims.jti))
    return JSONResponse({}, headers=NO_STORE)
