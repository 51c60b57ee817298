"""GraphiQL at GET /graphql: the client build's own page when present, Strawberry's otherwise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graphql_api.app import create_app
from graphql_api.cache import MemoryCache
from models.settings import REPO_ROOT, load_settings
from tests.support.databases import IN_CI

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FAKE_PAGE = """<!doctype html>
<html><head><title>fredpipe — GraphiQL</title>
<script type="module" crossorigin src="/assets/graphiql-abc123.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-abc123.js">
<link rel="stylesheet" crossorigin href="/assets/graphiql-abc123.css">
</head><body><div id="graphiql"></div></body></html>
"""
ASSET_URL = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def asset_urls(html: str) -> list[str]:
    return ASSET_URL.findall(html)


def offsite(urls: list[str]) -> list[str]:
    return [u for u in urls if u.startswith(("http://", "https://", "//"))]


def fake_dist(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>fredpipe dashboard</html>")
    (dist / "graphiql.html").write_text(FAKE_PAGE, encoding="utf-8")
    for name in ("graphiql-abc123.js", "vendor-abc123.js", "graphiql-abc123.css"):
        (dist / "assets" / name).write_text(f"/* {name} */")
    return dist


def app_client(db_url: str, dist: Path) -> TestClient:
    settings = load_settings(database_url=db_url, client_dist_dir=dist)
    return TestClient(create_app(settings, cache=MemoryCache(1)))


@pytest.fixture
def built(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with app_client(db_url, fake_dist(tmp_path)) as c:
        yield c


def test_browser_get_serves_the_client_graphiql_page(built: TestClient) -> None:
    response = built.get("/graphql", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == FAKE_PAGE
    urls = asset_urls(response.text)
    assert urls and offsite(urls) == []
    assert all(u.startswith("/assets/") for u in urls)
    for url in urls:
        assert built.get(url).status_code == 200, url


def test_graphql_itself_is_unchanged_with_the_client_page(built: TestClient) -> None:
    posted = built.post("/graphql", json={"query": "{ dataVersion }"})
    assert posted.status_code == 200
    assert "dataVersion" in posted.json()["data"]
    # GET with ?query= executes the operation rather than showing the IDE.
    fetched = built.get("/graphql", params={"query": "{ dataVersion }"}, headers=BROWSER)
    assert "dataVersion" in fetched.json()["data"]


def test_falls_back_to_strawberry_page_without_a_client_build(db_url: str, tmp_path: Path) -> None:
    with app_client(db_url, tmp_path / "no-client") as c:
        response = c.get("/graphql", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<title>fredpipe" not in response.text
    assert "graphiql" in response.text.lower()
    assert offsite(asset_urls(response.text)), "Strawberry's page loads GraphiQL from a CDN"


def test_built_graphiql_page_is_self_contained() -> None:
    """The real ``client/dist/graphiql.html`` (after ``npm run build``) needs no other origin."""
    dist = REPO_ROOT / "client" / "dist"
    page = dist / "graphiql.html"
    if not page.is_file():
        missing = "client/dist/graphiql.html is missing (run `npm run build` in client/)"
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)
    urls = asset_urls(page.read_text(encoding="utf-8"))
    assert urls and offsite(urls) == []
    for url in urls:
        assert url.startswith("/assets/"), url
        assert (dist / url.removeprefix("/")).is_file(), url
