"""The nginx gateway (docker/nginx/nginx.conf), live: the real API as a subprocess on a fresh
migrated DuckDB file, a rendered copy of the production config pointing at it, real nginx.

Skips when nginx is not installed; with CI set a missing nginx fails instead (.ci/run installs it).
"""

from __future__ import annotations

import re
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from models.engine import make_engine
from models.migrate import upgrade
from tests.support.cli import REPO, cli_env, free_port, stop_process, wait_for
from tests.support.docker import (
    ASSET,
    DOCKERFILE,
    NGINX_CONF,
    Gateway,
    dockerfile_stages,
    healthcheck_command,
    load_compose,
    nginx_binary,
    running_gateway,
)

pytestmark = pytest.mark.e2e


# --- the API -----------------------------------------------------------------------------------


@dataclass
class Api:
    port: int
    url: str


@pytest.fixture(scope="module")
def client_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in dashboard build: an index.html and one hashed, compressible bundle."""
    dist = tmp_path_factory.mktemp("dist")
    (dist / "assets").mkdir()
    (dist / "index.html").write_text(
        f'<!doctype html><html><body><script src="/{ASSET}"></script></body></html>'
    )
    (dist / ASSET).write_text("export const series = [" + "1.25, " * 2000 + "];\n")
    return dist


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, client_dist: Path) -> Iterator[Api]:
    nginx_binary()  # no point starting the API when the gateway cannot run
    work = tmp_path_factory.mktemp("api")
    url = f"duckdb:///{work / 'gateway.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    port = free_port()
    env = cli_env(FREDPIPE_DATABASE_URL=url, FREDPIPE_CLIENT_DIST_DIR=str(client_dist))
    log = work / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flows.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", proc, 90, log)
        yield Api(port=port, url=f"http://127.0.0.1:{port}")
    finally:
        stop_process(proc)


@pytest.fixture
def gateway(api: Api) -> Iterator[Gateway]:
    """A fresh nginx per test, so rate-limit state never leaks between tests."""
    with running_gateway(api.port) as gw:
        yield gw


@pytest.fixture
def http(gateway: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=10) as client:
        yield client


def _graphql(http: httpx.Client, query: str, **headers: str) -> httpx.Response:
    return http.post("/graphql", json={"query": query}, headers=headers)


INTROSPECTION = "{ __schema { types { name description fields { name description } } } }"


# --- tests -------------------------------------------------------------------------------------


def test_rendered_config_passes_nginx_t(gateway: Gateway) -> None:
    result = subprocess.run(
        [nginx_binary(), "-t", "-c", str(gateway.conf), "-e", str(gateway.conf.parent / "e.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0 and "syntax is ok" in result.stderr, result.stderr


def test_healthz_passes_through(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": True,
        "dataVersion": 0,
        "cache": "memory",
    }


def test_graphql_post_through_the_gateway(http: httpx.Client) -> None:
    response = _graphql(http, "{ dataVersion }")
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"dataVersion": 0}


def test_request_id_is_generated_passed_upstream_and_logged(
    http: httpx.Client, gateway: Gateway
) -> None:
    response = _graphql(http, "{ dataVersion }")
    rid = response.headers["x-request-id"]  # the API echoes what nginx sent upstream
    assert re.fullmatch(r"[0-9a-f]{32}", rid), rid
    (entry,) = gateway.access_entries_for(rid)
    assert entry["uri"] == "/graphql" and entry["status"] == 200
    assert entry["upstream_addr"] == f"127.0.0.1:{_api_port(gateway)}"
    assert float(str(entry["upstream_response_time"])) >= 0


def _api_port(gateway: Gateway) -> int:
    match = re.search(r"server 127\.0\.0\.1:(\d+)", gateway.conf.read_text())
    assert match
    return int(match[1])


def test_request_id_from_the_client_is_kept_when_well_formed(http: httpx.Client) -> None:
    kept = _graphql(http, "{ dataVersion }", **{"X-Request-ID": "client-42.a_b"})
    assert kept.headers["x-request-id"] == "client-42.a_b"
    replaced = _graphql(http, "{ dataVersion }", **{"X-Request-ID": "not ok; drop table"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])


def test_large_json_is_gzipped_when_accepted(http: httpx.Client) -> None:
    gzipped = _graphql(http, INTROSPECTION, **{"Accept-Encoding": "gzip"})
    assert gzipped.status_code == 200
    assert gzipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in gzipped.headers["vary"]
    assert len(gzipped.content) > 1024  # decoded by httpx: the full schema
    plain = _graphql(http, INTROSPECTION, **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == gzipped.json()


def test_small_json_is_not_compressed(http: httpx.Client) -> None:
    response = _graphql(http, "{ dataVersion }", **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers


def test_hashed_assets_are_cached_for_a_year_and_gzipped(http: httpx.Client) -> None:
    response = http.get(f"/{ASSET}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-encoding"] == "gzip"
    assert response.text.startswith("export const series")


@pytest.mark.parametrize("path", ["/", "/index.html", "/?indicator=UNRATE"])
def test_index_html_is_revalidated(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 200
    assert "<script" in response.text
    assert response.headers["cache-control"] == "no-cache"


def test_burst_beyond_the_limit_gets_429_but_healthz_does_not(http: httpx.Client) -> None:
    """50 requests at once (fired together so a slow machine cannot refill the bucket):
    the burst of 20 (+1) is served, the rest are refused with a JSON 429."""
    with ThreadPoolExecutor(max_workers=25) as pool:
        responses = list(pool.map(lambda _: _graphql(http, "{ dataVersion }"), range(50)))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 429}, statuses
    assert statuses.count(200) >= 21, "the burst is served"
    limited = [r for r in responses if r.status_code == 429]
    assert limited, f"no 429 among 50 requests: {statuses}"
    assert limited[0].headers["retry-after"] == "1"
    body = limited[0].json()
    assert body["code"] == "RATE_LIMITED"
    assert body["requestId"] == limited[0].headers["x-request-id"]
    for _ in range(5):
        assert http.get("/healthz").status_code == 200


def test_oversized_request_body_is_rejected(http: httpx.Client) -> None:
    response = http.post(
        "/graphql",
        content=b'{"query": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


class _RecordingUpstream(socketserver.BaseRequestHandler):
    """Records each request head; answers an Upgrade with 101, anything else with 200 {}."""

    heads: ClassVar[list[dict[str, str]]] = []

    def handle(self) -> None:
        buffer = b""
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = self.request.recv(4096)
                if not chunk:
                    return
                buffer += chunk
            raw, buffer = buffer.split(b"\r\n\r\n", 1)
            lines = raw.decode("latin-1").split("\r\n")
            head = {"request-line": lines[0]}
            head |= {
                k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])
            }
            self.heads.append(head)
            if head.get("upgrade", "").lower() == "websocket":
                self.request.sendall(
                    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    b"Connection: Upgrade\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
                )
                return
            self.request.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            )


@pytest.fixture
def recording_gateway() -> Iterator[tuple[Gateway, list[dict[str, str]]]]:
    _RecordingUpstream.heads = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RecordingUpstream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with running_gateway(server.server_address[1]) as gw:
            yield gw, _RecordingUpstream.heads
    finally:
        server.shutdown()
        server.server_close()


def test_websocket_upgrade_is_passed_to_the_upstream(
    recording_gateway: tuple[Gateway, list[dict[str, str]]],
) -> None:
    gateway, heads = recording_gateway
    handshake = (
        "GET /graphql HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{gateway.port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as sock:
        sock.sendall(handshake.encode())
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 101"), answer
    (head,) = heads
    assert head["request-line"] == "GET /graphql HTTP/1.1"
    assert head["upgrade"] == "websocket" and head["connection"].lower() == "upgrade"
    assert head["sec-websocket-protocol"] == "graphql-transport-ws"


def test_proxy_headers_reach_the_upstream(
    recording_gateway: tuple[Gateway, list[dict[str, str]]],
) -> None:
    gateway, heads = recording_gateway
    with httpx.Client(base_url=gateway.url, timeout=10) as http:
        http.get("/api/v1/anything", headers={"X-Forwarded-For": "203.0.113.7"})
        http.get("/api/v1/anything", headers={"X-Request-ID": "trace-1"})
    first, second = heads
    assert first["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
    assert first["x-forwarded-proto"] == "http"
    assert first["x-real-ip"] == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{32}", first["x-request-id"])
    assert second["x-request-id"] == "trace-1"
    # Plain requests carry no Connection header, so upstream keepalive stays on.
    assert "connection" not in first and "upgrade" not in first


def test_gateway_health_endpoint_is_loopback_only(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/nginx-health")
    assert response.status_code == 200 and response.text == "ok\n"
    assert "deny all;" in NGINX_CONF.read_text().split("location = /nginx-health", 1)[1][:300]


def test_compose_gateway_healthcheck_command_succeeds(gateway: Gateway) -> None:
    test = load_compose()["services"]["gateway"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    command = [part.replace("/8080", f"/{gateway.port}") for part in test[1:]]
    assert command != test[1:], "the healthcheck targets port 8080"
    assert subprocess.run(command, timeout=10).returncode == 0


def test_image_and_compose_api_healthchecks_succeed(api: Api) -> None:
    image = healthcheck_command(dockerfile_stages(DOCKERFILE.read_text())[-1])
    compose = load_compose()["services"]["api"]["healthcheck"]["test"][1:]
    for command in (image, compose):
        assert command[0] == "python"
        local = [sys.executable, *(p.replace(":8000/", f":{api.port}/") for p in command[1:])]
        assert subprocess.run(local, timeout=10).returncode == 0
