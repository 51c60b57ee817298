"""``client/schema.graphql`` is the schema the API serves: a schema change without
``make schema`` fails here, before the client's generated types drift from the server."""

from __future__ import annotations

from fastapi.testclient import TestClient
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)
from graphql.type import specified_scalar_types

from graphql_api.export_schema import sdl
from models.settings import REPO_ROOT

CHECKED_IN = REPO_ROOT / "client" / "schema.graphql"
REGENERATE = "client/schema.graphql is stale: run `make schema` and commit it"
#: GraphQL's own scalars (Int, String...), which the specification describes.
SPECIFIED = set(specified_scalar_types)


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


def test_every_type_field_and_argument_is_described() -> None:
    """The schema is the frontend's documentation: every type, field and argument says what
    it is, and every enum value is described or named in its type's description."""
    schema = build_schema(CHECKED_IN.read_text(encoding="utf-8"))
    missing = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or (isinstance(kind, GraphQLScalarType) and name in SPECIFIED):
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(kind, GraphQLEnumType):
            missing += [
                f"{name}.{value_name}"
                for value_name, value in kind.values.items()
                if not value.description and value_name not in (kind.description or "")
            ]
    assert not missing, missing
