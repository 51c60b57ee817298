"""GraphQL API against real DuckDB and MariaDB, values checked against numpy/pandas."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from models import marts
from models.engine import make_engine
from tests.support.api_data import (
    EXAMPLE_QUERY,
    FORECAST_DATES,
    Dataset,
    forecast_values,
    gql,
)


def test_example_query_matches_numpy(client: TestClient, data: Dataset) -> None:
    body = gql(client, EXAMPLE_QUERY)
    assert "errors" not in body
    out = body["data"]

    assert [i["id"] for i in out["indicators"]] == ["DGS10", "DGS2", "GDP"]
    assert out["indicators"][0]["units"] == "Percent"
    assert out["indicators"][2]["frequency"] == "Quarterly"

    year = data.window("DGS10", date(2020, 1, 1), date(2020, 12, 31))
    obs = out["indicator"]["observations"]
    assert obs["dates"] == [d.isoformat() for d in year["obs_date"]]
    assert obs["values"] == pytest.approx(year["value"].tolist())

    v = year["value"].to_numpy()
    stats = out["indicator"]["stats"]
    assert stats["count"] == v.size
    assert stats["mean"] == pytest.approx(v.mean(), rel=1e-9)
    assert stats["variance"] == pytest.approx(v.var(ddof=1), rel=1e-9)
    assert stats["stddev"] == pytest.approx(v.std(ddof=1), rel=1e-9)
    assert (stats["min"], stats["max"]) == (pytest.approx(v.min()), pytest.approx(v.max()))

    expected = forecast_values(1)  # run-new: newest *successful* run
    fc = out["indicator"]["forecast"]
    assert fc["dates"] == [d.isoformat() for d in FORECAST_DATES]
    for field, column in [("mean", "mean"), ("lower80", "lower_80"), ("upper95", "upper_95")]:
        assert fc[field] == pytest.approx(expected[column])

    a = data.window("DGS10", date(2015, 1, 1), date(2020, 12, 31))
    b = data.window("DGS2", date(2015, 1, 1), date(2020, 12, 31))
    joined = a.merge(b, on="obs_date")
    r = np.corrcoef(joined["value_x"], joined["value_y"])[0, 1]
    corr = out["correlation"]
    assert corr["ids"] == ["DGS10", "DGS2"]
    assert corr["matrix"][0][1] == pytest.approx(r, rel=1e-9)
    assert corr["matrix"][1][0] == pytest.approx(r, rel=1e-9)
    assert corr["matrix"][0][0] == pytest.approx(1.0)


def test_daily_correlation_counts_are_overlapping_dates(client: TestClient, data: Dataset) -> None:
    q = """{ correlation(ids: ["DGS10", "DGS2", "GDP"], start: "2020-01-01", end: "2020-03-31",
                         basis: DAILY) { ids basis matrix counts start end } }"""
    corr = gql(client, q)["data"]["correlation"]
    a = data.window("DGS10", date(2020, 1, 1), date(2020, 3, 31))
    b = data.window("DGS2", date(2020, 1, 1), date(2020, 3, 31))
    overlap = len(a.merge(b, on="obs_date"))
    assert overlap < len(a)
    assert corr["counts"][0][1] == corr["counts"][1][0] == overlap
    assert corr["counts"][0][0] == len(a)
    # GDP has one quarterly point in the window: 1 pair -> no correlation, not an error.
    assert corr["counts"][0][2] == 1
    assert corr["matrix"][0][2] is None
    assert (corr["start"], corr["end"]) == ("2020-01-01", "2020-03-31")
    assert corr["basis"] == "DAILY"


def test_full_history_stats_and_metadata(client: TestClient, data: Dataset) -> None:
    q = """{ indicator(id: "GDP") { id title unitsShort frequencyShort seasonalAdjustment
             firstDate lastDate observationCount forecast { runId }
             stats { count mean stddev start end } } }"""
    ind = gql(client, q)["data"]["indicator"]
    v = data.frames["GDP"]["value"].to_numpy()
    assert ind["observationCount"] == v.size
    assert ind["firstDate"] == "2010-01-01"
    assert ind["forecast"] is None
    assert ind["stats"]["count"] == v.size
    assert ind["stats"]["mean"] == pytest.approx(v.mean())
    assert ind["stats"]["stddev"] == pytest.approx(v.std(ddof=1))
    assert ind["stats"]["end"] == "2021-01-01"


def test_window_stats_report_first_and_last_date_inside_window(client: TestClient) -> None:
    q = """{ indicator(id: "DGS10") { stats(start: "2020-01-04", end: "2020-01-12")
             { count start end } } }"""
    stats = gql(client, q)["data"]["indicator"]["stats"]
    assert stats == {"count": 5, "start": "2020-01-06", "end": "2020-01-10"}


def test_empty_window_gives_zero_count_and_nulls(client: TestClient) -> None:
    q = """{ indicator(id: "DGS10") {
             stats(start: "1990-01-01", end: "1990-12-31") { count mean stddev start }
             observations(start: "1990-01-01", end: "1990-12-31") { dates values } } }"""
    ind = gql(client, q)["data"]["indicator"]
    assert ind["stats"] == {"count": 0, "mean": None, "stddev": None, "start": None}
    assert ind["observations"] == {"dates": [], "values": []}


def test_all_indicators_with_observations_in_one_request(client: TestClient, data: Dataset) -> None:
    q = """query($s: Date, $e: Date) { indicators { id observations(start: $s, end: $e)
           { dates values } stats(start: $s, end: $e) { count } forecast { model } } }"""
    out = gql(client, q, {"s": "2019-01-01", "e": "2019-12-31"})["data"]["indicators"]
    for ind in out:
        expected = data.window(ind["id"], date(2019, 1, 1), date(2019, 12, 31))
        assert len(ind["observations"]["dates"]) == ind["stats"]["count"] == len(expected)
    assert [i["forecast"] and i["forecast"]["model"] for i in out] == [
        "ets-run-new",
        "ets-run-new",
        None,
    ]


def test_unknown_id_is_not_found_naming_the_id(client: TestClient) -> None:
    body = gql(client, '{ indicator(id: "NOPE42") { id } }')
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "NOPE42" in error["message"]
    assert body["data"] is None


def test_inverted_window_is_bad_user_input(client: TestClient) -> None:
    q = """{ indicator(id: "DGS10") { observations(start: "2021-01-01", end: "2020-01-01")
             { dates } } }"""
    (error,) = gql(client, q)["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "2021-01-01" in error["message"]


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        (["DGS10"], "BAD_USER_INPUT"),
        ([f"S{i}" for i in range(21)], "BAD_USER_INPUT"),
        (["DGS10", "MISSING"], "NOT_FOUND"),
    ],
)
def test_correlation_rejects_bad_ids(client: TestClient, ids: list[str], code: str) -> None:
    body = gql(client, "query($ids: [ID!]!) { correlation(ids: $ids) { matrix } }", {"ids": ids})
    assert body["errors"][0]["extensions"]["code"] == code


def test_malformed_date_is_a_client_error_not_masked(client: TestClient) -> None:
    """A value the Date scalar rejects fails validation: GraphQL's own error naming the value,
    without the ``INTERNAL_SERVER_ERROR`` code and request id of a masked error."""
    q = '{ indicator(id: "DGS10") { observations(start: "2020-13-45") { dates } } }'
    body = gql(client, q)
    (error,) = body["errors"]
    assert "2020-13-45" in error["message"]
    assert error["message"] != "Internal server error"
    assert "extensions" not in error
    assert body["data"] is None


def test_malformed_date_variable_is_a_client_error_not_masked(client: TestClient) -> None:
    q = 'query($s: Date) { indicator(id: "DGS10") { observations(start: $s) { dates } } }'
    body = gql(client, q, {"s": "2020-13-45"})
    (error,) = body["errors"]
    assert "$s" in error["message"] and "2020-13-45" in error["message"]
    assert "extensions" not in error
    assert body["data"] is None


def test_unexpected_error_is_masked_with_request_id(
    client: TestClient, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE {marts.DIM_SERIES}"))
    engine.dispose()
    response = client.post(
        "/graphql", json={"query": "{ indicators { id } }"}, headers={"X-Request-ID": "req-123"}
    )
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-123"}
    assert response.headers["x-request-id"] == "req-123"
    assert any("req-123" in r.getMessage() and r.exc_info for r in caplog.records)
    assert marts.DIM_SERIES not in response.text


def test_data_version_field(client: TestClient) -> None:
    assert gql(client, "{ dataVersion }")["data"] == {"dataVersion": 1}


def test_graphiql_served_to_browsers(client: TestClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "graphiql" in response.text.lower()


def test_query_via_get(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": "{ dataVersion }"})
    assert response.json()["data"] == {"dataVersion": 1}


def test_websocket_handshake_builds_a_context(client: TestClient) -> None:
    """graphql-transport-ws connects (subscriptions ride on it) and answers a query over it."""
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"type": "subscribe", "id": "1", "payload": {"query": "{ dataVersion }"}})
        message = ws.receive_json()
        assert message["type"] == "next"
        assert isinstance(message["payload"]["data"]["dataVersion"], int)
