"""``client/schema.graphql`` is the schema the API serves: a schema change without
``make schema`` fails here, before the client's generated types drift from the server."""

from __future__ import annotations

from fastapi.testclient import TestClient
from graphql import (
    GraphQLSchema,
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

from graphql_api.export_schema import sdl
from models.settings import REPO_ROOT

CHECKED_IN = REPO_ROOT / "client" / "schema.graphql"
REGENERATE = "client/schema.graphql is stale: run `make schema` and commit it"


def printed(schema: GraphQLSchema) -> str:
    """Types and fields sorted: introspection lists types in its own order, not the file's."""
    return print_schema(lexicographic_sort_schema(schema))


def test_checked_in_schema_is_the_exported_schema() -> None:
    assert CHECKED_IN.read_text(encoding="utf-8") == sdl(), REGENERATE


def test_checked_in_schema_is_what_the_running_app_serves(client: TestClient) -> None:
    """Introspection of the live app (descriptions included), printed the same way as the
    checked-in SDL; the exported SDL's own order is checked above."""
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    response = client.post("/graphql", json={"query": query})
    body = response.json()
    assert "errors" not in body, body
    served = printed(build_client_schema(body["data"]))
    checked_in = printed(build_schema(CHECKED_IN.read_text(encoding="utf-8")))
    assert served == checked_in, REGENERATE
