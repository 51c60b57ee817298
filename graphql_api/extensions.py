"""Strawberry schema extensions. Only operation-level hooks: nothing wraps each resolver."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphql_api.cache import Cache, MemoryCache, cache_key


class ResponseCache(SchemaExtension):
    """Serve a query's data from the cache keyed by (data version, query, variables).

    The version is read once per request in the same snapshot as the data, so an answer
    is stored under the version it was computed at and a bump is never answered stale.
    Results with errors are not stored.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        ctx: Any = ec.context
        cache: Cache | None = getattr(ctx, "cache", None)
        if cache is None or ec.operation_type is not OperationType.QUERY:
            yield
            return
        version = await ctx.db.version()
        key = cache_key(version, ec.query, ec.variables or {}, ec.operation_name)
        hit = await _call(cache, cache.get, key)
        if hit is not None:
            ec.result = GraphQLExecutionResult(data=json.loads(hit), errors=None)
            _mark(ctx, "hit")
            yield
            return
        _mark(ctx, "miss")
        yield
        result = ec.result
        if isinstance(result, GraphQLExecutionResult) and not result.errors and result.data:
            await _call(cache, cache.set, key, json.dumps(result.data, separators=(",", ":")))


def _mark(ctx: Any, status: str) -> None:
    """``X-Cache: hit|miss`` on the HTTP response, for operators and tests."""
    response = getattr(ctx, "response", None)
    if response is not None:
        response.headers["X-Cache"] = status


async def _call(cache: Cache, fn: Any, *args: Any) -> Any:
    """Network caches go to the threadpool; the in-process one is too cheap to bother."""
    if isinstance(cache, MemoryCache):
        return fn(*args)
    return await to_thread.run_sync(fn, *args)
