"""One JSON line per request from a real ``fredpipe serve`` (``graphql_api.access_log`` over
``models.log_config``)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from tests.support.api_data import seed
from tests.support.cli import cli_env, serving


def _lines(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def test_each_request_is_one_json_line_with_who_what_and_how_long(
    db_url: str, tmp_path: Path
) -> None:
    seed(db_url)
    log = tmp_path / "serve.log"
    env = cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_CLIENT_DIST_DIR=str(tmp_path),
        FREDPIPE_LOG_FORMAT="json",
    )
    body = {"query": "query Latest { dataVersion }", "operationName": "Latest"}
    with serving(env, log_file=log) as base:
        for _ in range(2):
            answer = httpx.post(f"{base}/graphql", json=body, headers={"X-Request-ID": "rq-42"})
            assert answer.status_code == 200
        assert httpx.get(f"{base}/api/v1/indicators/NOPE").status_code == 404
        time.sleep(0.5)  # the log file is written by another process
        lines = _lines(log)  # every line is JSON, the server's start-up lines included
    requests = [line for line in lines if line.get("event") == "request"]
    graphql = [line for line in requests if line["path"] == "/graphql"]
    assert [line["cache"] for line in graphql] == ["miss", "hit"]
    first = graphql[0]
    assert first["request_id"] == "rq-42" and first["principal"] == "anonymous"
    assert (first["method"], first["status"], first["operation"]) == ("POST", 200, "Latest")
    assert first["cost"] == 1 and first["level"] == "info" and first["logger"] == "fredpipe.access"
    assert isinstance(first["latency_ms"], float) and first["timestamp"].endswith("Z")
    missing = [line for line in requests if line["path"] == "/api/v1/indicators/NOPE"]
    assert missing[0]["status"] == 404
    assert not any("GET /healthz HTTP" in str(line.get("event")) for line in lines), (
        "uvicorn's own access lines must not duplicate ours"
    )
