"""The body cap (``graphql_api.body_limit``) and the per-request time budget
(``graphql_api.cancellation``), against a real server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.api_data import seed
from tests.support.cli import cli_env, serving


def test_a_body_over_the_cap_is_refused_with_413_declared_or_chunked(
    db_url: str, tmp_path: Path
) -> None:
    seed(db_url)
    env = cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_CLIENT_DIST_DIR=str(tmp_path),
        FREDPIPE_MAX_BODY_BYTES="100000",
    )
    with serving(env) as base:
        padding = " " * 10_000_000  # a 10 MB document: whitespace is valid GraphQL
        declared = httpx.post(f"{base}/graphql", json={"query": "{ dataVersion }" + padding})
        assert declared.status_code == 413, declared.text[:200]
        assert declared.json() == {
            "code": "PAYLOAD_TOO_LARGE",
            "message": "the request body is over 100000 bytes",
        }

        def chunks() -> Iterator[bytes]:
            yield b'{"query": "{ dataVersion }'
            for _ in range(100):
                yield b" " * 10_000
            yield b'"}'

        chunked = httpx.post(
            f"{base}/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert chunked.status_code == 413
        fine = httpx.post(f"{base}/graphql", json={"query": "{ dataVersion }" + " " * 50_000})
        assert fine.status_code == 200 and fine.json()["data"]["dataVersion"] == 1


def test_a_request_over_its_time_budget_is_stopped_with_503(db_url: str, tmp_path: Path) -> None:
    seed(db_url)
    env = cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_CLIENT_DIST_DIR=str(tmp_path),
        # /healthz takes milliseconds; the largest PNG chart takes a quarter of a second
        FREDPIPE_REQUEST_TIMEOUT_SECONDS="0.1",
    )
    with serving(env) as base:
        response = httpx.get(
            f"{base}/api/v1/charts/DGS10.png",
            params={"width": 2400, "height": 1600, "dpi": 300},
            timeout=30,
        )
        assert response.status_code == 503, response.text[:300]
        assert response.headers["retry-after"] == "5"
        assert "time budget of 0.1 s" in response.json()["message"]
        # the server carries on; /healthz has the same 0.1 s budget, which a machine busy
        # with other suites can exceed now and then, so it gets a few tries
        statuses = []
        for _ in range(20):
            statuses.append(httpx.get(f"{base}/healthz").status_code)
            if statuses[-1] == 200:
                break
            time.sleep(0.25)
        assert statuses[-1] == 200, statuses
