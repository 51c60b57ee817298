"""/docs works without internet: Swagger UI's assets come from our own origin, the page lists
the operations in a real browser, and the OpenAPI document describes every field and error."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from graphql_api.app import create_app
from graphql_api.cache import MemoryCache
from models.settings import load_settings
from tests.support.cli import REPO, chromium_path
from tests.support.databases import IN_CI
from tests.support.live_server import live_server

ASSET_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    """The API over an empty database: the docs need no data."""
    settings = load_settings(
        database_url=f"duckdb:///{tmp_path / 'docs.duckdb'}", client_dist_dir=tmp_path / "none"
    )
    return create_app(settings, cache=MemoryCache(1))


@pytest.fixture
def docs_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def _references(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)


def test_docs_page_loads_only_same_origin_assets(docs_client: TestClient) -> None:
    page = docs_client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    refs = _references(page.text)
    assert len(refs) >= 3  # script, stylesheet, icon
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), f"{ref} leaves the origin"
    assert "url: '/openapi.json'" in page.text


def test_docs_assets_are_served_with_their_types(docs_client: TestClient) -> None:
    for ref in _references(docs_client.get("/docs").text):
        asset = docs_client.get(ref)
        assert asset.status_code == 200, ref
        assert ASSET_TYPES[Path(ref).suffix] in asset.headers["content-type"], ref
        assert len(asset.content) > 100, ref
    bundle = docs_client.get("/docs/assets/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in bundle


def test_redoc_is_off_rather_than_blank(docs_client: TestClient) -> None:
    response = docs_client.get("/redoc")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_openapi_documents_our_error_shape_instead_of_fastapis(docs_client: TestClient) -> None:
    schema = docs_client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    checked = 0
    for name, operation in _operations(schema):
        responses = operation["responses"]
        assert "422" not in responses, name
        if operation.get("parameters"):
            assert responses["400"]["content"]["application/json"]["schema"] == error_ref, name
            checked += 1
    assert checked >= 4
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message"}


def test_openapi_describes_every_rest_field_and_parameter(docs_client: TestClient) -> None:
    schema = docs_client.get("/openapi.json").json()
    objects = {n: m for n, m in schema["components"]["schemas"].items() if "properties" in m}
    assert {"IndicatorOut", "TechnicalsOut", "CorrelationOut", "TrendOut"} <= set(objects)
    for name, model in objects.items():
        assert model.get("description"), f"{name} has no description"
        for field, prop in model["properties"].items():
            assert prop.get("description"), f"{name}.{field} has no description"
    for name, operation in _operations(schema):
        for param in operation.get("parameters", []):
            assert param.get("description"), f"{name}: {param['name']} has no description"


def test_docs_render_the_operations_in_chromium(app: FastAPI, tmp_path: Path) -> None:
    browser = chromium_path()
    if browser is None:
        if IN_CI:
            pytest.fail("chromium is required in CI (.ci/run installs it)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    shot = tmp_path / "docs.png"
    with live_server(app) as port:
        done = subprocess.run(
            ["node", "e2e/docs.mjs", f"http://127.0.0.1:{port}/docs", str(shot)],
            cwd=REPO / "client",
            env={**os.environ, "CHROMIUM_PATH": browser},
            capture_output=True,
            text=True,
            timeout=150,
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "operations rendered" in done.stdout
    assert shot.stat().st_size > 10_000


def _data_operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, operation in _operations(schema):
        if name.split(" ")[1].startswith(("/api/", "/dbt-docs")):
            yield name, operation


def test_every_data_route_documents_the_refusals_in_front_of_it(docs_client: TestClient) -> None:
    """Found by the fuzzer: the token check (401), the rate limit (429) and the database or
    time budget (503) answer every data route, and the document did not say so (nor that
    ``/dbt-docs/`` needs a token)."""
    schema = docs_client.get("/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    names = []
    for name, operation in _data_operations(schema):
        names.append(name)
        assert operation.get("security") == [{"OAuth2PasswordBearer": []}], name
        responses = operation["responses"]
        for status in ("401", "429", "503"):
            assert responses[status]["content"]["application/json"]["schema"] == error_ref, name
        assert responses["401"]["headers"]["WWW-Authenticate"]["required"], name
        for status in ("429", "503"):
            assert responses[status]["headers"]["Retry-After"]["required"], name
    assert "GET /dbt-docs/" in names and "GET /api/v1/correlation" in names


def test_a_refused_request_answers_what_the_document_says(tmp_path: Path) -> None:
    settings = load_settings(
        database_url=f"duckdb:///{tmp_path / 'docs.duckdb'}",
        client_dist_dir=tmp_path / "none",
        allow_anonymous=False,
        jwt_secret="docs-secret-" + "x" * 40,
    )
    with TestClient(create_app(settings, cache=MemoryCache(1))) as client:
        schema = client.get("/openapi.json").json()
        for path in ("/api/v1/indicators", "/dbt-docs/"):
            response = client.get(path)
            assert str(response.status_code) in schema["paths"][path]["get"]["responses"]
            assert response.status_code == 401
            assert set(response.json()) == {"code", "message"}
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_healthz_documents_both_of_its_answers(docs_client: TestClient) -> None:
    schema = docs_client.get("/openapi.json").json()
    responses = schema["paths"]["/healthz"]["get"]["responses"]
    assert responses["503"]["headers"]["Retry-After"]["required"]
    health = schema["components"]["schemas"]["HealthOut"]
    assert set(docs_client.get("/healthz").json()) == set(health["properties"])


def test_candles_document_only_the_periods_they_take(docs_client: TestClient) -> None:
    """Found by the fuzzer: the document offered quarterly and annual candles, which the API
    refuses (400, tests/api/analytics/test_rest.py)."""
    schema = docs_client.get("/openapi.json").json()
    params = schema["paths"]["/api/v1/indicators/{series_id}/candles"]["get"]["parameters"]
    frequency = next(p for p in params if p["name"] == "frequency")
    assert frequency["schema"]["enum"] == ["w", "m"]


def test_the_token_forms_document_what_they_take(docs_client: TestClient) -> None:
    """Found by the fuzzer: an empty ``token`` is a missing one (400), and a grant type other
    than the three is refused; the document now says both."""
    schema = docs_client.get("/openapi.json").json()
    forms = schema["components"]["schemas"]
    assert forms["TokenForm"]["properties"]["grant_type"]["enum"] == [
        "password",
        "client_credentials",
        "refresh_token",
    ]
    assert forms["RevokeForm"]["properties"]["token"]["minLength"] == 1
    for status in ("401", "429"):
        response = schema["paths"]["/auth/token"]["post"]["responses"][status]
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/OAuthErrorOut"
        }
