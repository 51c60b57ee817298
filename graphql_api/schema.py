"""The GraphQL schema of ``docs/contracts.md`` (the React client's contract), assembled from
the root types (``graphql_api.query``, ``graphql_api.subscription``; the domain types are in
``graphql_api.types``) with the operation-level extensions, and masking unexpected errors on
every execution path.

``python -m graphql_api.export_schema`` prints it to ``client/schema.graphql``.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from graphql_api.context import OperationScope
from graphql_api.errors import RETRY_AFTER_SECONDS, ServiceUnavailable, mask_unexpected
from graphql_api.extensions import ResponseCache
from graphql_api.mutation import Mutation
from graphql_api.query import Query
from graphql_api.query_cost import QueryCost
from graphql_api.subscription import Subscription
from graphql_api.types.columns import SCALARS
from models.settings import Settings


class FredpipeSchema(strawberry.Schema):
    """Masks unexpected errors (with a logged request id) for every execution path."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        ctx: Any = execution_context.context if execution_context else None
        mask_unexpected(errors, getattr(ctx, "request_id", None) or "unknown")
        response = getattr(ctx, "response", None)
        if response is not None and any(
            isinstance(e.original_error, ServiceUnavailable) for e in errors
        ):
            # a transient outage is the server's, not the query's: HTTP says so too
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)


#: parsed and validated documents kept per process (an LRU each): a client sends a few documents
#: again and again with new variables, and parsing plus validating the dashboard's costs ~20 ms
DOCUMENT_CACHE_SIZE = 256


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the operation-level extensions; ``settings`` set the limits (depth,
    aliases, tokens, cost) and whether introspection and field suggestions are on (the
    defaults when None: what ``export_schema`` prints does not depend on them)."""
    settings = settings or Settings()
    limits: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        QueryCost,
    ]
    if not settings.graphql_introspection:
        limits.append(DisableIntrospection)
    # OperationScope first: it opens a websocket operation's database handle, which the
    # response cache reads the data version from.
    return FredpipeSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            OperationScope,
            ResponseCache,
            *limits,
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        ],
        config=StrawberryConfig(
            scalar_map=SCALARS, disable_field_suggestions=not settings.graphql_introspection
        ),
    )


#: the schema with default settings: what ``export_schema`` prints and tests introspect; the
#: app builds its own from its settings (``graphql_api.app``)
schema = build_schema()
