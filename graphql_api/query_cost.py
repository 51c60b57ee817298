"""What a GraphQL operation may cost before it runs, and the refusal when it costs too much.

The cost is computed from the document and its variables, before execution:

- every selected field costs 1, and an object field adds its sub-selection's cost;
- a field whose value is one row per date (``observations``, ``technicals``, ``candles``)
  adds 1 per ``ROWS_PER_UNIT`` rows it can return: the window's calendar days (an open start
  counts from ``OPEN_START``, an open end to today), or ``maxPoints`` when that is smaller;
- ``indicators`` and ``trends`` multiply by the number of ids asked for (all of them:
  ``CATALOG_ESTIMATE``);
- ``correlation`` adds ``n² / 4`` for n ids (the pairs it computes).

Fragments count where they are spread; a variable the request does not send takes the
operation's default. The limit depends on the role
(``FREDPIPE_GRAPHQL_MAX_COST`` for a viewer, ``ANALYST_FACTOR`` times it for analysts and
admins); over it, the operation is refused with ``QUERY_TOO_COSTLY``, saying the cost and the
limit. Every answer reports ``extensions.cost`` ``{"requested", "limit"}``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from graphql_api.access_log import COST, OPERATION
from graphql_api.auth.principal import Principal
from models.accounts import ANALYST

ROWS_PER_UNIT = 1000
OPEN_START = date(1900, 1, 1)
CATALOG_ESTIMATE = 100
ANALYST_FACTOR = 4
ROW_FIELDS = frozenset({"observations", "technicals", "candles"})
LIST_FIELDS = frozenset({"indicators", "trends"})


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _arguments(field: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    return {
        arg.name.value: value_from_ast_untyped(arg.value, variables)
        for arg in field.arguments or ()
    }


def field_cost(name: str, args: Mapping[str, Any], today: date) -> tuple[int, int]:
    """(own cost, multiplier of the sub-selection) of one field with its arguments."""
    if name in ROW_FIELDS:
        start = _day(args.get("start")) or OPEN_START
        end = _day(args.get("end")) or today
        rows = max(0, (end - start).days + 1)
        points = args.get("maxPoints")
        if isinstance(points, int) and points > 0:
            rows = min(rows, points)
        return 1 + math.ceil(rows / ROWS_PER_UNIT), 1
    if name in LIST_FIELDS:
        ids = args.get("ids")
        count = len(ids) if isinstance(ids, list) else CATALOG_ESTIMATE
        return 1, max(1, count)
    if name == "correlation":
        ids = args.get("ids")
        count = len(ids) if isinstance(ids, list) else CATALOG_ESTIMATE
        return 1 + math.ceil(count * count / 4), 1
    return 1, 1


class _Walker:
    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        today: date,
    ) -> None:
        self.fragments = fragments
        self.variables = variables
        self.today = today

    def fields(self, selections: SelectionSetNode, seen: frozenset[str]) -> Iterator[FieldNode]:
        for node in selections.selections:
            if isinstance(node, FieldNode):
                yield node
            elif isinstance(node, InlineFragmentNode):
                yield from self.fields(node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:  # cycles are a validation error
                    yield from self.fields(fragment.selection_set, seen | {name})

    def cost(self, selections: SelectionSetNode | None) -> int:
        if selections is None:
            return 0
        total = 0
        for field in self.fields(selections, frozenset()):
            own, times = field_cost(field.name.value, _arguments(field, self.variables), self.today)
            total += own + times * self.cost(field.selection_set)
        return total


def operation_cost(
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    today: date | None = None,
) -> int:
    """The cost of the operation ``operation_name`` (or the only one) of a parsed document."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if not chosen:
        return 0
    values = dict(variables or {})
    for definition in chosen[0].variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    walker = _Walker(fragments, values, today or date.today())
    return walker.cost(chosen[0].selection_set)


def cost_limit(principal: Principal | None, viewer_limit: int) -> int:
    if principal is not None and principal.may(ANALYST):
        return viewer_limit * ANALYST_FACTOR
    return viewer_limit


class QueryCost(SchemaExtension):
    """Refuses an operation over its principal's cost limit before it executes; reports the
    cost in ``extensions`` either way. The viewer limit comes from the context's settings."""

    def __init__(self, *, execution_context: Any = None) -> None:
        self.requested: int | None = None
        self.limit: int | None = None

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        context: Any = ctx.context
        settings = getattr(context, "settings", None)
        document = ctx.graphql_document
        if settings is None or document is None:
            yield
            return
        self.limit = cost_limit(getattr(context, "principal", None), settings.graphql_max_cost)
        self.requested = operation_cost(document, ctx.operation_name, ctx.variables)
        request = getattr(context, "request", None)
        if request is not None:  # for the access log line
            setattr(request.state, OPERATION, ctx.operation_name)
            setattr(request.state, COST, self.requested)
        if self.requested > self.limit:
            error = GraphQLError(
                f"query cost {self.requested} exceeds the limit of {self.limit} by "
                f"{self.requested - self.limit}: ask for fewer indicators, aliases or ids, a "
                "shorter window, or set maxPoints",
                extensions={"code": "QUERY_TOO_COSTLY"},
            )
            ctx.result = ExecutionResult(data=None, errors=[error])  # execution is skipped
        yield

    def get_results(self) -> dict[str, Any]:
        if self.requested is None:
            return {}
        return {"cost": {"requested": self.requested, "limit": self.limit}}
