"""Schemathesis' GraphQL mode (hypothesis-graphql) against ``POST /graphql``: every root field
of the live schema (queries and the mutation), 100 generated documents each, anonymous (as the
demo runs) and signed in as an analyst (tokens required, as in production), against a real
``fredpipe serve``. No answer may be a 5xx or an error masked as INTERNAL_SERVER_ERROR, every
answer must be a GraphQL response (``data`` and/or ``errors``) and no non-null field may come
back null.

On DuckDB only, like ``test_fuzz_rest.py`` (which says why); the two modules run on their own
xdist workers. The signed-in user is an analyst, not an admin: an admin's ``refreshSeries``
would start pipeline runs in the background.
"""

from __future__ import annotations

from collections.abc import Iterator

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import CheckContext, CheckFunction
from schemathesis.checks import not_a_server_error as schemathesis_not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.auth import AuthServer, access_token, bearer
from tests.support.fuzz import (
    FUZZ_SETTINGS,
    FuzzData,
    fuzz_data,
    fuzz_server,
    graphql_introspection,
    ids_or_made_up,
)

INTROSPECTION = graphql_introspection()
SCHEMA = schemathesis.graphql.from_dict(INTROSPECTION)
# every ID argument (the schema's ids are series ids) is a demo series half the time
schemathesis.graphql.scalar(
    "ID", ids_or_made_up(st.text(min_size=0, max_size=12)).map(schemathesis.graphql.nodes.String)
)

#: the ``extensions.code`` values the API documents (README, docs/contracts.md); a GraphQL
#: error without a code is a validation or limit refusal, made before any resolver ran
DOCUMENTED_CODES = {
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "FORBIDDEN",
    "CONFLICT",
    "QUERY_TOO_COSTLY",
}


def no_server_error(
    ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool:
    """No 5xx, and no error the API did not mean: each carries a documented code or none.

    Stands in for schemathesis' ``not_a_server_error``, whose GraphQL half counts every error
    with a ``path`` and a code it does not know as a server failure: ``NOT_FOUND`` for an
    unknown id (most generated ids) and ``FORBIDDEN`` for a viewer's mutation are answers the
    API documents."""
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert isinstance(body, dict) and ({"data", "errors"} & body.keys()), body
    for error in body.get("errors") or []:
        assert isinstance(error.get("message"), str), error
        code = (error.get("extensions") or {}).get("code")
        assert code is None or code in DOCUMENTED_CODES, error
    return True


#: ``positive_data_acceptance`` is left out: GraphQL's types cannot state a range or a rule
#: between arguments (``maxPoints`` 2 to 100000, 2 to 20 ids, a window's start before its end),
#: so a schema-valid document may get the documented BAD_USER_INPUT. ``no_server_error``
#: replaces ``not_a_server_error`` (its docstring says why) and checks every error's code.
LEFT_OUT: list[CheckFunction] = [positive_data_acceptance, schemathesis_not_a_server_error]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzData]:
    with fuzz_data(tmp_path_factory.mktemp("fuzz-graphql")) as built:
        yield built


@pytest.fixture(scope="module")
def anonymous(data: FuzzData) -> Iterator[AuthServer]:
    with fuzz_server(data.anonymous_url, data.client, allow_anonymous=True) as server:
        yield server


@pytest.fixture(scope="module")
def signed_in(data: FuzzData) -> Iterator[tuple[AuthServer, str]]:
    with fuzz_server(data.signed_in_url, data.client, allow_anonymous=False) as server:
        yield server, access_token(server.base, "analyst")


def test_the_server_serves_the_fuzzed_schema(anonymous: AuthServer) -> None:
    query = graphql.get_introspection_query(specified_by_url=True)
    live = httpx.post(f"{anonymous.base}/graphql", json={"query": query}, timeout=30).json()
    served, fuzzed = (
        graphql.print_schema(graphql.lexicographic_sort_schema(graphql.build_client_schema(r)))
        for r in (live["data"], INTROSPECTION)
    )
    assert served == fuzzed


@pytest.mark.timeout(120)
@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_graphql_anonymous(case: schemathesis.Case, anonymous: AuthServer) -> None:
    case.call_and_validate(
        base_url=f"{anonymous.base}/graphql",
        excluded_checks=LEFT_OUT,
        additional_checks=[no_server_error],
    )


@pytest.mark.timeout(120)
@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_graphql_signed_in(case: schemathesis.Case, signed_in: tuple[AuthServer, str]) -> None:
    server, token = signed_in
    case.call_and_validate(
        base_url=f"{server.base}/graphql",
        headers=bearer(token),
        excluded_checks=LEFT_OUT,
        additional_checks=[no_server_error],
    )
