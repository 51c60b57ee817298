"""The dashboard's files (``graphql_api.static``): encoded when the client accepts it (the
build's ready-made copy first, else one made once), hashed assets cached for a year, the
page itself revalidated, the routes of the single-page app answered with it."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient

from graphql_api.app import create_app
from graphql_api.cache import MemoryCache
from graphql_api.static import IMMUTABLE, REVALIDATE
from models.settings import load_settings

SCRIPT = ("export const series = [" + ",".join(str(i) for i in range(600)) + "];\n").encode()
STYLE = ("".join(f".c{i} {{ margin: {i}px; }}\n" for i in range(80))).encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _dist(root: Path) -> Path:
    dist = root / "dist"
    assets = dist / "assets"
    assets.mkdir(parents=True)
    (dist / "index.html").write_text("<html>" + "<p>fredpipe dashboard</p>" * 40 + "</html>")
    (assets / "index-abc123.js").write_bytes(SCRIPT)
    # the build's ready-made copy, at a quality the server would not spend time on
    (assets / "index-abc123.js.br").write_bytes(brotli.compress(SCRIPT, quality=11))
    (assets / "index-abc123.css").write_bytes(STYLE)  # no ready-made copy
    (assets / "logo-abc123.png").write_bytes(PNG)
    return dist


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(database_url=db_url, client_dist_dir=_dist(tmp_path))
    with TestClient(create_app(settings, cache=MemoryCache(1))) as c:
        yield c


def _raw(client: TestClient, path: str, accept: str) -> tuple[dict[str, str], bytes]:
    with client.stream("GET", path, headers={"Accept-Encoding": accept}) as response:
        assert response.status_code == 200
        return dict(response.headers), b"".join(response.iter_raw())


def test_a_hashed_asset_comes_as_the_builds_brotli_copy_cached_for_a_year(
    client: TestClient,
) -> None:
    headers, body = _raw(client, "/assets/index-abc123.js", "gzip, deflate, br")
    assert headers["content-encoding"] == "br" and headers["vary"] == "Accept-Encoding"
    assert body == brotli.compress(SCRIPT, quality=11), "the ready-made copy, byte for byte"
    assert brotli.decompress(body) == SCRIPT
    assert headers["cache-control"] == IMMUTABLE
    assert headers["content-type"].startswith(("text/javascript", "application/javascript"))


def test_without_a_ready_copy_the_server_encodes_the_file(client: TestClient) -> None:
    headers, body = _raw(client, "/assets/index-abc123.css", "gzip")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == STYLE
    assert headers["cache-control"] == IMMUTABLE
    headers, body = _raw(client, "/assets/index-abc123.js", "gzip")  # only a .br is ready
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == SCRIPT


def test_a_client_that_takes_no_encoding_gets_the_file_as_it_is(client: TestClient) -> None:
    for accept in ("identity", "br;q=0, gzip;q=0"):
        headers, body = _raw(client, "/assets/index-abc123.js", accept)
        assert "content-encoding" not in headers and body == SCRIPT


def test_images_are_not_encoded_again(client: TestClient) -> None:
    headers, body = _raw(client, "/assets/logo-abc123.png", "br, gzip")
    assert "content-encoding" not in headers and body == PNG
    assert headers["cache-control"] == IMMUTABLE


@pytest.mark.parametrize("path", ["/", "/index.html", "/technicals", "/views/compare"])
def test_the_page_and_its_routes_are_revalidated_on_each_load(
    client: TestClient, path: str
) -> None:
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "fredpipe dashboard" in response.text
    assert response.headers["cache-control"] == REVALIDATE
    assert response.headers["content-encoding"] == "gzip"


def test_api_paths_and_paths_outside_the_build_are_not_the_page(client: TestClient) -> None:
    assert client.get("/api/v1/nothing-here").status_code == 404
    escaped = client.get("/assets/../../secret.txt")
    assert "secret" not in escaped.text


def test_encodings_made_on_demand_are_remembered_per_file_state(tmp_path: Path) -> None:
    import anyio

    from graphql_api.static import EncodedFiles

    path = tmp_path / "app.css"
    path.write_bytes(STYLE)
    encoded = EncodedFiles()

    async def twice() -> tuple[bytes, bytes]:
        return await encoded.get(path, "br"), await encoded.get(path, "br")

    first, second = anyio.run(twice)
    assert first is second and brotli.decompress(first) == STYLE
    path.write_bytes(STYLE + b".late { color: red; }\n")
    (changed, _) = anyio.run(twice)
    assert brotli.decompress(changed).endswith(b".late { color: red; }\n")
