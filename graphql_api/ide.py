"""GraphiQL from our own origin: the client build's ``graphiql.html`` instead of Strawberry's
page, which loads GraphiQL from a public CDN and stays blank on closed networks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from graphql_api.auth.websocket import AuthenticatingHandler

#: The GraphiQL page of the client build (``client/graphiql.html`` → ``dist/graphiql.html``).
IDE_PAGE = "graphiql.html"


class LocalGraphiQLRouter(GraphQLRouter[Any, Any]):
    """``GraphQLRouter`` whose browser ``GET`` serves ``<client_dist>/graphiql.html`` when the
    client is built, and Strawberry's own page otherwise. The file is looked up per request,
    so a build made while the API runs is picked up. Answers are encoded by orjson.

    Websockets speak graphql-transport-ws only (the legacy graphql-ws protocol has no place
    to refuse an unauthenticated connection before it runs operations), through
    ``AuthenticatingHandler``, which signs the connection in from ``connection_init``."""

    graphql_transport_ws_handler_class = AuthenticatingHandler

    def __init__(self, *args: Any, client_dist: Path, **kwargs: Any) -> None:
        kwargs.setdefault("subscription_protocols", (GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        super().__init__(*args, **kwargs)
        self.ide_page = client_dist / IDE_PAGE

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        if self.ide_page.is_file():
            html = self.ide_page.read_text(encoding="utf-8")
            return HTMLResponse(html, headers={"Cache-Control": "no-cache"})
        return await super().render_graphql_ide(request)

    def encode_json(self, data: object) -> str:
        """orjson: several times faster than ``json.dumps`` on long float columns (the
        dashboard's answers are mostly those); NaN and infinities become ``null``, which
        is what GraphQL's ``Float`` can carry. Text, not bytes: websocket messages of
        ``graphql-transport-ws`` must be text frames, and decoding ASCII costs a copy."""
        return orjson.dumps(data).decode()
