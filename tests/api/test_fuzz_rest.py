"""Schemathesis against the REST surface: every operation of ``/openapi.json`` with every
check on, 100 generated examples each, anonymous (as the demo runs) and signed in (tokens
required, as in production), against a real ``fredpipe serve``.

On DuckDB only: the fuzzers look for answers that break the API's contract (5xx, a status, a
content type, a header or a body the document does not declare), which do not depend on the
backend; the suites that compare the two backends do so on known data. Both modules (this
one and ``test_fuzz_graphql.py``) run on their own xdist workers, about a minute each on two
cores (half of it building the database).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.auth import AuthServer, access_token, bearer
from tests.support.fuzz import (
    DEMO_FREQUENCIES,
    FUZZ_SETTINGS,
    FuzzData,
    fuzz_data,
    fuzz_server,
    ids_or_made_up,
    openapi_document,
)

#: built at collection so pytest reports each operation as its own test; the running server
#: must serve the same document (``test_the_server_serves_the_fuzzed_document``)
DOCUMENT = openapi_document()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzData]:
    with fuzz_data(tmp_path_factory.mktemp("fuzz-rest")) as built:
        yield built


@pytest.fixture(scope="module")
def anonymous(data: FuzzData) -> Iterator[AuthServer]:
    with fuzz_server(data.anonymous_url, data.client, allow_anonymous=True) as server:
        yield server


@pytest.fixture(scope="module")
def signed_in(data: FuzzData) -> Iterator[tuple[AuthServer, str]]:
    with fuzz_server(data.signed_in_url, data.client, allow_anonymous=False) as server:
        yield server, access_token(server.base, "analyst")


@SCHEMA.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    """A demo series id half the time (``tests.support.fuzz.ids_or_made_up``)."""
    if path_parameters is None or not isinstance(path_parameters.get("series_id"), str):
        return st.just(path_parameters)
    made_up = st.just(path_parameters["series_id"])
    return ids_or_made_up(made_up).map(lambda sid: {**path_parameters, "series_id": sid})


#: frequency codes from the finest up
FINER = ("d", "w", "m", "q", "a")


def breaks_a_rule_in_prose(case: schemathesis.Case) -> bool:
    """Whether a request breaks a rule that spans parameters, which OpenAPI cannot state and
    the document states in words: a window's start after its end, a correlation of fewer than
    2 or more than 20 ids (repeated or comma-separated), a chart's forecast bands in other
    units or at another frequency; and the rules that depend on the series asked for, which
    no document can state: technicals and candles of a daily series only, no aggregation to a
    frequency finer than the series' own. The API answers such a request 400 BAD_USER_INPUT,
    a documented answer, so only ``positive_data_acceptance`` (which expects any schema-valid
    request to be served) is left out for it; every other check still runs."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return False  # negative data is left to the checks made for it
    query = case.query or {}
    start, end = query.get("start"), query.get("end")
    if isinstance(start, str) and isinstance(end, str) and start > end:
        return True
    native = DEMO_FREQUENCIES.get(str((case.path_parameters or {}).get("series_id")))
    if native is not None:
        if case.operation.path.endswith(("/technicals", "/candles")) and native != "d":
            return True
        wanted = query.get("frequency")
        if wanted in FINER and FINER.index(wanted) < FINER.index(native):
            return True
    if case.operation.path == "/api/v1/correlation":
        ids = query.get("ids", [])
        values = ids if isinstance(ids, list) else [ids]
        count = sum(1 for v in values for part in str(v).split(",") if part.strip())
        return not 2 <= count <= 20
    if case.operation.path.startswith("/api/v1/charts/") and query.get("forecast") in (
        True,
        "true",
    ):
        return query.get("transform", "lin") != "lin" or query.get("frequency") is not None
    return False


def checks_left_out(case: schemathesis.Case) -> list[CheckFunction]:
    return [positive_data_acceptance] if breaks_a_rule_in_prose(case) else []


def test_the_server_serves_the_fuzzed_document(anonymous: AuthServer) -> None:
    assert httpx.get(f"{anonymous.base}/openapi.json", timeout=30).json() == DOCUMENT


@pytest.mark.timeout(120)
@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_rest_anonymous(case: schemathesis.Case, anonymous: AuthServer) -> None:
    case.call_and_validate(base_url=anonymous.base, excluded_checks=checks_left_out(case))


@pytest.mark.timeout(120)
@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_rest_signed_in(case: schemathesis.Case, signed_in: tuple[AuthServer, str]) -> None:
    server, token = signed_in
    case.call_and_validate(
        base_url=server.base, headers=bearer(token), excluded_checks=checks_left_out(case)
    )
