"""Every data route needs a valid access token; checked first, before the response cache.

Data routes are ``/graphql`` (queries over HTTP; websockets authenticate in
``connection_init``, ``graphql_api.auth.websocket``), ``/api/…`` and ``/dbt-docs/…`` (the
models' SQL). Everything else the app serves holds no data and is public: ``/healthz``,
``/auth/…``, the API docs page and ``/openapi.json``, the dashboard's static files, and the
GraphiQL page itself (``GET /graphql`` without a query: a browser cannot send a header when
it opens a page; the IDE then sends one with each operation).

A request with ``Authorization: Bearer <access token>`` acts for the token's subject with the
role its account has now; one without acts as anonymous ``viewer`` when the operator allows
anonymous access, and is refused otherwise. A token that is sent is always checked, anonymous
access or not. Tokens in the URL are refused (URLs end up in logs and browser history).

A disabled or deleted account's tokens stop working at the next account check: each
subject's account is read at most every ``ACCOUNT_CHECK_SECONDS`` (a cache hit must not cost
a database read), so that is the longest a disabled user keeps access.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qs

import sqlalchemy as sa
from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from graphql_api.auth.principal import ANONYMOUS, STATE_KEY, Principal
from graphql_api.auth.tokens import ACCESS, TokenError, TokenService
from graphql_api.errors import (
    ServiceUnavailable,
    is_database_outage,
    send_json,
    send_unavailable,
)
from models import accounts

ACCOUNT_CHECK_SECONDS = 5.0
DATA_PREFIXES = ("/graphql", "/api/", "/dbt-docs")
REALM = 'Bearer realm="fredpipe"'
#: query parameters that would carry a token in the URL
URL_TOKEN_PARAMS = ("access_token", "token", "jwt")


def needs_token(scope: Scope) -> bool:
    path: str = scope["path"]
    if not path.startswith(DATA_PREFIXES):
        return False
    if path == "/graphql" and scope["method"] == "GET":
        return b"query=" in scope.get("query_string", b"")  # else the IDE page
    return True


class AccountChecks:
    """The current state of the accounts tokens name, re-read every ``ttl`` seconds."""

    def __init__(
        self,
        engine: sa.Engine,
        ttl: float = ACCOUNT_CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self.ttl = ttl
        self.clock = clock
        self._seen: dict[tuple[str, str], tuple[float, accounts.Account | None]] = {}

    async def current(self, subject: str, kind: accounts.Kind) -> accounts.Account | None:
        key = (kind, subject)
        seen = self._seen.get(key)
        if seen is not None and self.clock() - seen[0] < self.ttl:
            return seen[1]
        found = await to_thread.run_sync(self._read, subject, kind)
        if len(self._seen) > 10_000:  # bounded: tokens of many subjects come and go
            self._seen.clear()
        self._seen[key] = (self.clock(), found)
        return found

    def forget(self, subject: str, kind: str) -> None:
        self._seen.pop((kind, subject), None)

    def _read(self, subject: str, kind: accounts.Kind) -> accounts.Account | None:
        try:
            with self._engine.connect() as conn:
                return accounts.find(conn, subject, kind)
        except Exception as exc:
            if is_database_outage(exc):
                raise ServiceUnavailable() from exc
            raise


class Unauthenticated(Exception):
    def __init__(self, message: str, *, invalid_token: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.invalid_token = invalid_token


async def authenticate(
    authorization: str | None,
    tokens: TokenService,
    checks: AccountChecks,
    allow_anonymous: bool,
) -> Principal:
    """The principal for an ``Authorization`` header value (or its absence)."""
    if not authorization:
        if allow_anonymous:
            return ANONYMOUS
        raise Unauthenticated("an access token is required", invalid_token=False)
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use Authorization: Bearer <access token>")
    try:
        claims = tokens.decode(token.strip(), ACCESS)
    except TokenError as exc:
        raise Unauthenticated(exc.message) from None
    account = await checks.current(claims.subject, claims.kind)
    if account is None or account.disabled:
        raise Unauthenticated("the account is disabled or no longer exists")
    return Principal(account.subject, account.kind, account.role)


class Authentication:
    """Pure ASGI: sets the principal in the scope's state, or answers 401."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        tokens: TokenService,
        checks: AccountChecks,
        allow_anonymous: bool,
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.checks = checks
        self.allow_anonymous = allow_anonymous

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not needs_token(scope):
            await self.app(scope, receive, send)
            return
        if _token_in_url(scope):
            await _refuse(
                send, "send the access token in the Authorization header, never in the URL"
            )
            return
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        try:
            principal = await authenticate(
                header or None, self.tokens, self.checks, self.allow_anonymous
            )
        except Unauthenticated as exc:
            await _refuse(send, exc.message, invalid_token=exc.invalid_token)
            return
        except ServiceUnavailable as exc:  # the account could not be checked
            await send_unavailable(send, scope["path"], exc)
            return
        scope.setdefault("state", {})[STATE_KEY] = principal
        await self.app(scope, receive, send)


def _token_in_url(scope: Scope) -> bool:
    query = scope.get("query_string", b"").decode("latin-1")
    return bool(query) and any(p in parse_qs(query) for p in URL_TOKEN_PARAMS)


async def _refuse(send: Send, message: str, *, invalid_token: bool = True) -> None:
    challenge = REALM
    if invalid_token:
        challenge += f', error="invalid_token", error_description="{message}"'
    headers = [
        (b"www-authenticate", challenge.encode("latin-1")),
        (b"cache-control", b"no-store"),
    ]
    await send_json(send, 401, {"code": "UNAUTHENTICATED", "message": message}, headers)
