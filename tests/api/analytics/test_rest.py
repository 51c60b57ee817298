"""REST parity: every analytics read under ``/api/v1`` answers what GraphQL answers for the same
arguments (both call the same service functions), on real series built by dbt, both backends.
Field names differ only in case (REST ``bollinger_upper``, GraphQL ``bollingerUpper``)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.api_data import gql


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def as_graphql(rest: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {camel(k): v for k, v in rest.items() if k not in drop}


def rest_get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(f"/api/v1{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def graphql_data(client: TestClient, query: str) -> Any:
    body = gql(client, query)
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.mark.parametrize(
    ("sid", "params", "arguments"),
    [
        (
            "DGS10",
            {"start": "2019-01-01", "end": "2020-12-31"},
            'start: "2019-01-01", end: "2020-12-31"',
        ),
        ("CPIAUCSL", {"transform": "pc1"}, "transform: PC1"),
        ("DGS10", {"frequency": "m", "aggregation": "eop"}, "frequency: MONTHLY, aggregation: EOP"),
        (
            "DGS10",
            {"transform": "pch", "frequency": "q", "start": "2000-01-01"},
            'transform: PCH, frequency: QUARTERLY, start: "2000-01-01"',
        ),
        ("DGS10", {"transform": "zscore", "max_points": 300}, "transform: ZSCORE, maxPoints: 300"),
    ],
)
def test_observations_equal_graphql(
    analytics_client: TestClient, sid: str, params: dict[str, Any], arguments: str
) -> None:
    rest = rest_get(analytics_client, f"/indicators/{sid}/observations", **params)
    query = f'{{ indicator(id: "{sid}") {{ observations({arguments}) {{ dates values }} }} }}'
    graphql = graphql_data(analytics_client, query)["indicator"]["observations"]
    assert rest["id"] == sid
    assert (rest["dates"], rest["values"]) == (graphql["dates"], graphql["values"])
    assert rest["dates"], "an empty answer proves nothing"
    if "max_points" in params:
        assert len(rest["dates"]) <= params["max_points"]


def test_technicals_equal_graphql(analytics_client: TestClient) -> None:
    window = {"start": "2019-06-01", "end": "2020-06-30"}
    rest = rest_get(analytics_client, "/indicators/DGS10/technicals", **window)
    fields = " ".join(camel(k) for k in rest if k not in ("id", "start", "end"))
    query = f"""{{ indicator(id: "DGS10") {{
        technicals(start: "2019-06-01", end: "2020-06-30") {{ {fields} }} }} }}"""
    graphql = graphql_data(analytics_client, query)["indicator"]["technicals"]
    assert (rest["id"], rest["start"], rest["end"]) == ("DGS10", *window.values())
    assert as_graphql(rest, drop=("id", "start", "end")) == graphql
    assert len(rest["dates"]) > 200


@pytest.mark.parametrize(("code", "name"), [("w", "WEEKLY"), ("m", "MONTHLY")])
def test_candles_equal_graphql(analytics_client: TestClient, code: str, name: str) -> None:
    rest = rest_get(
        analytics_client, "/indicators/DGS10/candles", frequency=code, start="2018-01-01"
    )
    query = f"""{{ indicator(id: "DGS10") {{
        candles(frequency: {name}, start: "2018-01-01") {{ dates open high low close }} }} }}"""
    graphql = graphql_data(analytics_client, query)["indicator"]["candles"]
    assert rest["frequency"] == code
    assert as_graphql(rest, drop=("id", "frequency", "start", "end")) == graphql
    assert rest["dates"]


def test_window_stats_equal_graphql(analytics_client: TestClient) -> None:
    rest = rest_get(analytics_client, "/indicators/CPIAUCSL/window-stats")
    fields = " ".join(camel(k) for k in rest[0])
    query = f'{{ indicator(id: "CPIAUCSL") {{ windowStats {{ {fields} }} }} }}'
    graphql = graphql_data(analytics_client, query)["indicator"]["windowStats"]
    assert [as_graphql(w) for w in rest] == graphql
    assert [w["window"] for w in rest] == ["full", "1y", "5y", "10y"]


def test_trends_equal_graphql(analytics_client: TestClient) -> None:
    ids = ["GDP", "DGS10"]
    rest = rest_get(analytics_client, "/trends", ids=",".join(ids))
    fields = " ".join(camel(k) for k in rest[0])
    graphql = graphql_data(analytics_client, f'{{ trends(ids: ["GDP", "DGS10"]) {{ {fields} }} }}')
    assert [as_graphql(t) for t in rest] == graphql["trends"]
    assert [t["id"] for t in rest] == ids
    one = rest_get(analytics_client, "/indicators/DGS10/trend")
    assert one == rest[1]
    every = rest_get(analytics_client, "/trends")
    assert [t["id"] for t in every] == sorted(t["id"] for t in every)


@pytest.mark.parametrize("basis", ["monthly", "daily"])
def test_correlation_equals_graphql(analytics_client: TestClient, basis: str) -> None:
    ids = ["DGS10", "CPIAUCSL", "MORTGAGE30US"]
    rest = analytics_client.get(
        "/api/v1/correlation",
        params=[("ids", i) for i in ids] + [("start", "2000-01-01"), ("basis", basis)],
    )
    assert rest.status_code == 200, rest.text
    body = rest.json()
    fields = " ".join(camel(k) for k in body)
    query = f"""{{ correlation(ids: ["DGS10", "CPIAUCSL", "MORTGAGE30US"], start: "2000-01-01",
        basis: {basis.upper()}) {{ {fields} }} }}"""
    graphql = graphql_data(analytics_client, query)["correlation"]
    assert body["basis"] == basis and graphql["basis"] == basis.upper()
    assert as_graphql(body, drop=("basis",)) == {k: v for k, v in graphql.items() if k != "basis"}
    assert body["ids"] == ids and body["matrix"][0][1] is not None


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/indicators/DGS10/observations", {"transform": "percent"}, "'transform'"),
        ("/indicators/DGS10/observations", {"frequency": "d"}, "'frequency'"),
        ("/indicators/DGS10/observations", {"max_points": 1}, "'max_points'"),
        ("/indicators/GDP/observations", {"frequency": "m"}, "finer"),
        ("/indicators/CPIAUCSL/technicals", {}, "daily"),
        ("/indicators/DGS10/candles", {"frequency": "q"}, "QUARTERLY"),
        ("/correlation", {"ids": "DGS10"}, "between 2 and 20"),
        ("/correlation", {"ids": "DGS10,GDP", "basis": "weekly"}, "'basis'"),
    ],
)
def test_analytics_errors_are_bad_user_input(
    analytics_client: TestClient, path: str, params: dict[str, Any], named: str
) -> None:
    response = analytics_client.get(f"/api/v1{path}", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"code", "message"} and body["code"] == "BAD_USER_INPUT"
    assert named in body["message"]


def test_unknown_ids_are_not_found(analytics_client: TestClient) -> None:
    for path in (
        "/indicators/NOPE/technicals",
        "/trends?ids=DGS10,NOPE",
        "/correlation?ids=DGS10,NOPE",
    ):
        response = analytics_client.get(f"/api/v1{path}")
        assert response.status_code == 404, path
        assert response.json()["code"] == "NOT_FOUND"


def test_chart_of_a_transformed_aggregated_series(analytics_client: TestClient) -> None:
    params = {"transform": "pc1", "frequency": "q", "start": "1990-01-01"}
    svg = analytics_client.get("/api/v1/charts/CPIAUCSL.svg", params=params)
    assert svg.status_code == 200, svg.text
    assert b"Percent change from a year ago" in svg.content
    png = analytics_client.get(
        "/api/v1/charts/CPIAUCSL.png", params={**params, "width": 640, "height": 320}
    )
    assert png.status_code == 200
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    # width and height are the PNG header's two big-endian 32-bit integers after "IHDR"
    assert png.content[16:24] == (640).to_bytes(4, "big") + (320).to_bytes(4, "big")


def test_technicals_max_points_equal_graphql(analytics_client: TestClient) -> None:
    window = {"start": "2010-01-01", "end": "2019-12-31"}
    rest = rest_get(analytics_client, "/indicators/DGS10/technicals", **window, max_points=100)
    query = """{ indicator(id: "DGS10") { technicals(start: "2010-01-01", end: "2019-12-31",
        maxPoints: 100) { dates sma50 volatility21 } } }"""
    graphql = graphql_data(analytics_client, query)["indicator"]["technicals"]
    assert len(rest["dates"]) == 100
    assert (rest["dates"], rest["sma50"], rest["volatility21"]) == (
        graphql["dates"],
        graphql["sma50"],
        graphql["volatility21"],
    )
