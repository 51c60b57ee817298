"""REST extras, OpenAPI docs, health and client serving."""

from __future__ import annotations

import socket
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from graphql_api.app import create_app
from graphql_api.cache import MemoryCache
from models.settings import load_settings
from tests.support.api_data import Dataset, gql
from tests.support.live_server import live_server


def test_list_indicators(client: TestClient) -> None:
    body = client.get("/api/v1/indicators").json()
    assert [i["id"] for i in body] == ["DGS10", "DGS2", "GDP"]
    assert body[0]["frequency_short"] == "D"


def test_observations_as_columns(client: TestClient, data: Dataset) -> None:
    response = client.get(
        "/api/v1/indicators/DGS2/observations", params={"start": "2020-03-01", "end": "2020-03-31"}
    )
    assert response.status_code == 200
    body = response.json()
    expected = data.window("DGS2", date(2020, 3, 1), date(2020, 3, 31))
    assert body["dates"] == [d.isoformat() for d in expected["obs_date"]]
    assert body["values"] == pytest.approx(expected["value"].tolist())


def test_rest_errors(client: TestClient) -> None:
    missing = client.get("/api/v1/indicators/NOPE/observations")
    assert missing.status_code == 404
    assert missing.json()["code"] == "NOT_FOUND"
    inverted = client.get(
        "/api/v1/indicators/DGS10/observations", params={"start": "2021-01-01", "end": "2020-01-01"}
    )
    assert inverted.status_code == 400
    assert inverted.json()["code"] == "BAD_USER_INPUT"
    assert client.get("/api/v1/indicators/GDP").json()["observation_count"] == 45


@pytest.mark.parametrize("window", [{}, {"start": "2016-01-01", "end": "2019-06-30"}])
def test_stats_equal_graphql(client: TestClient, window: dict[str, str]) -> None:
    rest = client.get("/api/v1/indicators/DGS2/stats", params=window).json()
    args = ", ".join(f'{k}: "{v}"' for k, v in window.items())
    fields = "count mean variance stddev min max start end"
    query = f'{{ indicator(id: "DGS2") {{ stats{f"({args})" if args else ""} {{ {fields} }} }} }}'
    graphql = gql(client, query)["data"]["indicator"]["stats"]
    assert rest.pop("id") == "DGS2"
    assert rest == graphql
    assert rest["count"] > 100


def test_forecast_equals_graphql(client: TestClient) -> None:
    rest = client.get("/api/v1/indicators/DGS10/forecast").json()
    query = """{ indicator(id: "DGS10") { forecast {
        runId model createdAt dates mean lower80 upper80 lower95 upper95 } } }"""
    graphql = gql(client, query)["data"]["indicator"]["forecast"]
    assert rest["series_id"] == "DGS10"
    assert (rest["run_id"], rest["model"]) == (graphql["runId"], graphql["model"])
    assert rest["dates"] == graphql["dates"]
    for name in ("mean", "lower_80", "upper_80", "lower_95", "upper_95"):
        assert rest[name] == graphql[name.replace("_", "")], name
    assert datetime.fromisoformat(rest["created_at"]) == datetime.fromisoformat(
        graphql["createdAt"]
    )


def test_docs_and_openapi_list_rest_paths(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/indicators" in paths
    assert "/api/v1/indicators/{series_id}/observations" in paths
    assert "/healthz" in paths


def test_healthz_reports_database_and_version(client: TestClient) -> None:
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": True,
        "dataVersion": 1,
        "cache": "memory",
    }


def test_healthz_when_database_is_unreachable(tmp_path: Path) -> None:
    settings = load_settings(
        database_url="mysql+pymysql://nobody@127.0.0.1:1/none", client_dist_dir=tmp_path
    )
    with TestClient(create_app(settings, cache=MemoryCache(1))) as c:
        response = c.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_root_points_to_graphql_without_client(client: TestClient) -> None:
    body = client.get("/").json()
    assert body["graphql"] == "/graphql"
    assert body["docs"] == "/docs"


def built_client_app(db_url: str, root: Path) -> FastAPI:
    """The app serving a small client build in ``root/dist``, beside ``root/secret.txt``."""
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>fredpipe dashboard</html>")
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    (root / "secret.txt").write_text("nope")
    settings = load_settings(database_url=db_url, client_dist_dir=dist)
    return create_app(settings, cache=MemoryCache(1))


def test_serves_built_client_with_spa_fallback(db_url: str, data: Dataset, tmp_path: Path) -> None:
    with TestClient(built_client_app(db_url, tmp_path)) as c:
        assert "dashboard" in c.get("/").text
        assert c.get("/assets/app.js").text == "console.log('hi')"
        assert "dashboard" in c.get("/indicators/DGS10").text
        assert c.get("/api/v1/unknown").status_code == 404
        assert c.get("/api/v1/indicators").status_code == 200
        assert c.post("/graphql", json={"query": "{ dataVersion }"}).json()["data"]


def raw_get(port: int, target: str) -> bytes:
    """GET ``target`` byte for byte: an HTTP client (httpx, so ``TestClient`` too) removes
    ``..`` segments before sending, and then a traversal attempt never reaches the server."""
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request.encode("ascii"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("target", ["/../secret.txt", "/assets/../../secret.txt"])
def test_client_files_never_leave_the_build_directory(
    db_url: str, tmp_path: Path, target: str
) -> None:
    app = built_client_app(db_url, tmp_path)
    paths: list[str] = []

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        paths.append(scope.get("path", ""))
        await app(scope, receive, send)

    with live_server(recording) as port:
        response = raw_get(port, target)
    assert target in paths, f"the dots never reached the app: {paths}"
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert b"nope" not in body
    assert b"dashboard" in body
