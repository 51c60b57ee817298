"""What the analytics fields refuse, with the error codes of ``graphql_api.errors``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support.api_data import gql


def error_of(client: TestClient, sid: str, field: str) -> dict:
    body = gql(client, f'{{ indicator(id: "{sid}") {{ {field} }} }}')
    assert body["data"] is None
    (error,) = body["errors"]
    return dict(error)


@pytest.mark.parametrize(
    ("sid", "field", "says"),
    [
        ("CPIAUCSL", "observations(frequency: WEEKLY) { dates }", "finer"),
        ("MORTGAGE30US", "observations(frequency: WEEKLY, transform: PC1) { dates }", None),
        ("GDP", "observations(frequency: MONTHLY) { dates }", "finer"),
        ("DGS10", "observations(maxPoints: 1) { dates }", "maxPoints"),
        ("DGS10", "observations(maxPoints: -3) { dates }", "maxPoints"),
        ("DGS10", "observations(maxPoints: 1000000000) { dates }", "maxPoints"),
        ("DGS10", 'observations(start: "2020-02-01", end: "2020-01-01") { dates }', "2020-02-01"),
        ("CPIAUCSL", "technicals { dates }", "daily"),
        ("MORTGAGE30US", "technicals { dates }", "daily"),
        ("GDP", "candles { dates }", "daily"),
        ("DGS10", "candles(frequency: QUARTERLY) { dates }", "QUARTERLY"),
        ("DGS10", "candles(frequency: ANNUAL) { dates }", "ANNUAL"),
        ("DGS10", 'technicals(start: "2020-02-01", end: "2020-01-01") { dates }', "2020-02-01"),
    ],
)
def test_impossible_requests_are_bad_user_input(
    analytics_client: TestClient, sid: str, field: str, says: str | None
) -> None:
    body = gql(analytics_client, f'{{ indicator(id: "{sid}") {{ {field} }} }}')
    if says is None:  # the native frequency: no aggregation, no error
        assert "errors" not in body, body
        return
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert says in error["message"]


@pytest.mark.parametrize("points", [2, 3])
def test_the_smallest_budgets_keep_the_first_and_last_points(
    analytics_client: TestClient, points: int
) -> None:
    query = f"""{{ indicator(id: "DGS10") {{ all: observations(start: "2020-01-01") {{ dates }}
        few: observations(start: "2020-01-01", maxPoints: {points}) {{ dates }} }} }}"""
    found = gql(analytics_client, query)["data"]["indicator"]
    assert found["few"]["dates"] == [found["all"]["dates"][0], found["all"]["dates"][-1]]


def test_unknown_indicator_is_not_found(analytics_client: TestClient) -> None:
    error = error_of(analytics_client, "NOPE42", "windowStats { window }")
    assert error["extensions"]["code"] == "NOT_FOUND"
