"""GraphQL limits: cost (``graphql_api.query_cost``), depth, aliases, tokens, introspection and
field suggestions, with the defaults admitting every query the product itself sends."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from graphql import parse

from bench.api_dashboard import dashboard_request
from graphql_api.app import create_app
from graphql_api.cache import MemoryCache
from graphql_api.query_cost import operation_cost
from models.settings import load_settings
from tests.support.api_data import DASHBOARD_QUERY, Dataset

TODAY = date(2026, 12, 7)
LIMIT_CODES = {"QUERY_TOO_COSTLY", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"}


@pytest.fixture
def strict(db_url: str, data: Dataset, tmp_path: Path) -> Iterator[TestClient]:
    """The API with production defaults: introspection and suggestions off."""
    settings = load_settings(
        database_url=db_url, client_dist_dir=tmp_path / "none", graphql_introspection=False
    )
    with TestClient(create_app(settings, cache=MemoryCache(60))) as client:
        yield client


def post(client: TestClient, body: dict[str, object]) -> dict[str, object]:
    response = client.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def messages(answer: dict[str, object]) -> list[str]:
    return [str(e["message"]) for e in answer.get("errors", [])]  # type: ignore[union-attr]


def test_cost_follows_the_documented_rules() -> None:
    cost = operation_cost(
        parse(
            """query { a: indicator(id: "X") { id observations(start: "2020-01-01",
            end: "2022-09-27") { dates values } } b: indicator(id: "Y") { technicals(
            maxPoints: 1500) { dates } } correlation(ids: ["A", "B", "C", "D"]) { matrix }
            indicators(ids: ["A", "B"]) { id ...F } } fragment F on Indicator { title }"""
        ),
        None,
        {},
        TODAY,
    )
    # a: 1 + id 1 + observations (1 + ceil(1001 days / 1000) = 3) + 2 columns = 7
    # b: 1 + technicals (1 + ceil(1500 / 1000) = 3) + 1 column = 5
    # correlation: 1 + 16 / 4 = 5, plus matrix 1 = 6
    # indicators: 1 + 2 ids x (id 1 + title 1) = 5
    assert cost == 7 + 5 + 6 + 5


def test_open_windows_and_variables_count_every_day_they_can_return() -> None:
    document = parse('query($s: Date) { indicator(id: "X") { observations(start: $s) { dates } } }')
    recent = operation_cost(document, None, {"s": "2026-01-01"}, TODAY)
    everything = operation_cost(document, None, {}, TODAY)
    assert recent == 1 + (1 + 1) + 1
    assert everything == 1 + (1 + 47) + 1  # 1900-01-01 to 2026-12-07: 46,364 days


def test_the_products_own_queries_are_admitted(strict: TestClient) -> None:
    for body in ({"query": DASHBOARD_QUERY}, dashboard_request()):
        answer = post(strict, body)
        codes = {e["extensions"]["code"] for e in answer.get("errors", [])}  # type: ignore[union-attr,index]
        assert not codes & LIMIT_CODES, answer.get("errors")
        cost = answer["extensions"]["cost"]  # type: ignore[index]
        assert 0 < cost["requested"] <= cost["limit"] == 20_000  # type: ignore[index]


def test_a_costly_query_is_refused_naming_its_cost_and_the_limit(strict: TestClient) -> None:
    ids = ", ".join(f'"S{n}"' for n in range(300))  # 300 ids: 1 + 300^2 / 4 = 22,501
    answer = post(strict, {"query": f"{{ correlation(ids: [{ids}]) {{ matrix }} }}"})
    assert answer["data"] is None
    error = answer["errors"][0]  # type: ignore[index]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "query cost 22502 exceeds the limit of 20000 by 2502" in error["message"]


def test_aliases_and_tokens_are_bounded(strict: TestClient) -> None:
    aliases = " ".join(f'a{n}: indicator(id: "DGS10") {{ id }}' for n in range(101))
    refused = messages(post(strict, {"query": f"{{ {aliases} }}"}))
    assert "101 aliases found. Allowed: 100" in refused
    started = time.perf_counter()
    huge = "{ indicators(ids: [" + ",".join(['"X"'] * 100_000) + "]) { id } }"  # under 1 MB
    refused = messages(post(strict, {"query": huge}))
    assert time.perf_counter() - started < 10
    assert any("more than 10000 tokens" in m for m in refused), refused[:1]


def test_depth_is_bounded(db_url: str, data: Dataset, tmp_path: Path) -> None:
    # the schema's deepest path is 6 fields (no type nests in itself), well inside the default
    # of 12: a tighter limit shows the refusal
    deep = (
        '{ indicator(id: "DGS10") { forecast { selection { candidates { backtest { label } } } } }'
    )
    deep += " }"
    settings = load_settings(database_url=db_url, client_dist_dir=tmp_path, graphql_max_depth=4)
    with TestClient(create_app(settings, cache=MemoryCache(60))) as tight:
        assert any(
            "maximum operation depth of 4" in m for m in messages(post(tight, {"query": deep}))
        )
    settings = load_settings(database_url=db_url, client_dist_dir=tmp_path)
    with TestClient(create_app(settings, cache=MemoryCache(60))) as default:
        assert not messages(post(default, {"query": deep}))


def test_introspection_and_suggestions_are_off_by_default(strict: TestClient) -> None:
    answer = post(strict, {"query": "{ __schema { types { name } } }"})
    assert any("introspection" in m.lower() for m in messages(answer)), answer
    typo = post(strict, {"query": '{ indicatr(id: "DGS10") { id } }'})
    assert messages(typo) and not any("Did you mean" in m for m in messages(typo))


def test_introspection_is_on_when_the_operator_turns_it_on(client: TestClient) -> None:
    # tests run the API as the demo does: FREDPIPE_GRAPHQL_INTROSPECTION=true
    answer = post(client, {"query": "{ __schema { queryType { name } } }"})
    assert answer["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    typo = post(client, {"query": '{ indicatr(id: "DGS10") { id } }'})
    assert any("Did you mean" in m for m in messages(typo))
