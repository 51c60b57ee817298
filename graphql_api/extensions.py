"""Strawberry schema extensions. Only operation-level hooks: nothing wraps each resolver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphql_api.response_cache import mark_cacheable


class ResponseCache(SchemaExtension):
    """The schema's half of the HTTP response cache (``graphql_api.response_cache``): marks a
    request whose operation is a query that finished with data and no errors, so the
    middleware may store its bytes. Mutations, subscriptions and anything that failed to
    parse, validate or execute are never marked, hence never stored.
    """

    def on_execute(self) -> Iterator[None]:
        yield
        ec = self.execution_context
        if ec.operation_type is not OperationType.QUERY:
            return
        result = ec.result
        if not isinstance(result, GraphQLExecutionResult) or result.errors or not result.data:
            return
        request: Any = getattr(ec.context, "request", None)
        scope = getattr(request, "scope", None)
        if isinstance(scope, dict) and scope.get("type") == "http":
            mark_cacheable(scope)
