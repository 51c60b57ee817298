"""Every failure answers {code, message}: our own errors, FastAPI's validation, Starlette's 404
and 405; and every datetime the API serves is aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from graphql_api.rest_errors import status_code_name, validation_message
from tests.support.api_data import gql


def _error(response_json: object) -> dict[str, str]:
    assert isinstance(response_json, dict)
    assert set(response_json) == {"code", "message"}, response_json
    return response_json


def test_an_unparsable_parameter_is_bad_user_input_naming_it(client: TestClient) -> None:
    response = client.get("/api/v1/indicators/DGS10/observations", params={"start": "June"})
    assert response.status_code == 400
    body = _error(response.json())
    assert body["code"] == "BAD_USER_INPUT"
    assert body["message"].startswith("query parameter 'start': ")
    assert "date" in body["message"]


@pytest.mark.parametrize("start", ["0", "0.0", "1e9", "-1", "20210104", "2021-W01-1"])
def test_a_date_is_only_year_month_day(client: TestClient, start: str) -> None:
    """Found by the fuzzer: ``start=0.0`` read as a Unix time (1970-01-01) and answered 200,
    though the document says ``format: date``."""
    response = client.get("/api/v1/indicators/DGS10/stats", params={"start": start})
    assert response.status_code == 400, response.text
    body = _error(response.json())
    assert (
        body["message"]
        == "query parameter 'start': Value error, Input should be a valid date (YYYY-MM-DD)"
    )
    assert (
        client.get("/api/v1/indicators/DGS10/stats", params={"start": "2021-01-04"}).status_code
        == 200
    )


def test_every_bad_parameter_is_named(client: TestClient) -> None:
    response = client.get(
        "/api/v1/indicators/DGS10/stats", params={"start": "x", "end": "2020-13-01"}
    )
    message = _error(response.json())["message"]
    assert "'start'" in message and "'end'" in message


def test_an_inverted_window_is_bad_user_input(client: TestClient) -> None:
    response = client.get(
        "/api/v1/indicators/DGS10/stats", params={"start": "2021-01-01", "end": "2020-01-01"}
    )
    assert response.status_code == 400
    assert _error(response.json())["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "path", ["/api/v1/indicators/NOPE", "/api/v1/indicators/NOPE/stats", "/api/v1/nothing-here"]
)
def test_unknown_ids_and_routes_are_not_found(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert _error(response.json())["code"] == "NOT_FOUND"


def test_a_method_the_route_does_not_allow(client: TestClient) -> None:
    response = client.delete("/api/v1/indicators")
    assert response.status_code == 405
    assert _error(response.json())["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["allow"]


def test_a_series_without_forecast_is_not_found(client: TestClient) -> None:
    response = client.get("/api/v1/indicators/GDP/forecast")
    assert response.status_code == 404
    assert "forecast" in _error(response.json())["message"]


def test_validation_message_names_where_and_which() -> None:
    errors = [
        {"loc": ("query", "transform"), "msg": "Input should be 'lin' or 'pc1'"},
        {"loc": ("path", "series_id"), "msg": "String should have at least 1 character"},
        {"loc": ("body",), "msg": "Field required"},
    ]
    assert validation_message(errors) == (
        "query parameter 'transform': Input should be 'lin' or 'pc1'; "
        "path parameter 'series_id': String should have at least 1 character; "
        "body: Field required"
    )


def test_status_codes_are_named_by_their_standard_phrase() -> None:
    assert [status_code_name(s) for s in (404, 405, 429, 599)] == [
        "NOT_FOUND",
        "METHOD_NOT_ALLOWED",
        "TOO_MANY_REQUESTS",
        "INTERNAL_SERVER_ERROR",
    ]


def _aware_utc(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    assert parsed.utcoffset() == timedelta(0), text
    return parsed


def test_rest_datetimes_carry_the_utc_offset(client: TestClient) -> None:
    indicator = client.get("/api/v1/indicators/DGS10").json()
    assert _aware_utc(indicator["last_ingested_at"]) == datetime(2021, 7, 1, 6, tzinfo=UTC)
    listed = client.get("/api/v1/indicators").json()
    assert all(_aware_utc(i["last_ingested_at"]) for i in listed)
    forecast = client.get("/api/v1/indicators/DGS10/forecast").json()
    assert _aware_utc(forecast["created_at"]) == datetime(2021, 7, 2, 7, tzinfo=UTC)


def test_graphql_datetimes_carry_the_utc_offset(client: TestClient) -> None:
    body = gql(client, '{ indicator(id: "DGS10") { forecast { createdAt } } }')
    created = body["data"]["indicator"]["forecast"]["createdAt"]
    assert _aware_utc(created) == datetime(2021, 7, 2, 7, tzinfo=UTC)
