"""Websockets sign in with their first message: ``connection_init``'s payload carries
``{"Authorization": "Bearer <access token>"}`` (or ``{"token": "<access token>"}``), as
browsers cannot set headers on a websocket. A connection without a valid token, when one is
required, is closed with 4401 (the graphql-transport-ws code for "Unauthorized") before it is
acknowledged, so it never runs an operation; the protocol itself closes any operation sent
before the acknowledgement with 4401 too. Each operation then counts against the identity's
request limit.
"""

from __future__ import annotations

from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from graphql_api.auth.middleware import Unauthenticated, authenticate
from graphql_api.auth.routes import AuthState
from graphql_api.rate_limits import RATE_LIMITED, identity_of, too_many

UNAUTHORIZED = 4401
#: a websocket close reason is at most 123 bytes
MAX_REASON = 120


def authorization_of(payload: dict[str, Any]) -> str | None:
    for key in ("Authorization", "authorization"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    token = payload.get("token")
    return f"Bearer {token}" if isinstance(token, str) and token else None


class AuthenticatingHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if isinstance(payload, dict) and not self.connection_init_received:
            state: AuthState = self.context.request.app.state.auth
            try:
                principal = await authenticate(
                    authorization_of(payload), state.tokens, state.checks, state.allow_anonymous
                )
            except Unauthenticated as exc:
                reason = f"Unauthorized: {exc.message}"[:MAX_REASON]
                await self.websocket.close(code=UNAUTHORIZED, reason=reason)
                return
            self.context.principal = principal
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Each operation counts against its identity's request limit, as an HTTP request
        does; over it, the operation gets an ``error`` (RATE_LIMITED) and the connection
        stays open."""
        principal = getattr(self.context, "principal", None)
        if self.connection_acknowledged and principal is not None:
            state: AuthState = self.context.request.app.state.auth
            identity = identity_of(self.context.request.scope, principal)
            if not await state.limiter.hit(state.request_limit, "requests", identity):
                window = await state.limiter.window(state.request_limit, "requests", identity)
                refusal, _ = too_many(state.request_limit, window, "operations")
                await self.send_message(
                    {
                        "id": message["id"],
                        "type": "error",
                        "payload": [{"message": refusal, "extensions": {"code": RATE_LIMITED}}],
                    }
                )
                return
        await super().handle_subscribe(message)
