"""Requests per identity (``graphql_api.rate_limits``) against a real server: 429 with
``Retry-After`` and ``RateLimit-*`` on REST, GraphQL and websocket operations, one budget per
identity, and one budget across replicas through Redis."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.api_data import seed
from tests.support.auth import access_token_for, auth_server, bearer, run_users_add
from tests.support.cli import cli_env, serving
from tests.support.graphql_ws import GraphQLWS

QUERY = {"query": "{ dataVersion }"}


def assert_limited(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "RATE_LIMITED"
    assert f"{limit} requests per 1 minute" in response.json()["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["ratelimit-limit"] == str(limit)
    assert response.headers["ratelimit-remaining"] == "0"


def test_an_identity_over_its_limit_gets_429_on_every_door(db_url: str, tmp_path: Path) -> None:
    with auth_server(db_url, rate_limit="4/minute", allow_anonymous="true") as server:
        base = server.base
        assert httpx.post(f"{base}/graphql", json=QUERY).status_code == 200
        assert httpx.get(f"{base}/api/v1/indicators").status_code == 200
        assert httpx.post(f"{base}/graphql", json=QUERY).status_code == 200
        assert httpx.get(f"{base}/api/v1/indicators").status_code == 200
        assert_limited(httpx.post(f"{base}/graphql", json=QUERY), 4)  # a cache hit would be
        assert_limited(httpx.get(f"{base}/api/v1/indicators"), 4)
        assert httpx.get(f"{base}/healthz").status_code == 200  # public: not counted
        # a signed-in user has a budget of its own
        token = access_token_for(server, "viewer", "viewer-password-1")
        assert httpx.post(f"{base}/graphql", json=QUERY, headers=bearer(token)).status_code == 200
        # websocket operations count against the same budget, and the connection survives
        with GraphQLWS.connect(base, payload={"Authorization": f"Bearer {token}"}) as ws:
            ws.query("{ dataVersion }")
            ws.query("{ dataVersion }")
            ws.query("{ dataVersion }")  # the user's fourth
            op = ws.subscribe("{ dataVersion }")
            refused = ws.receive_for(op)
            assert refused["type"] == "error", refused
            assert refused["payload"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_replicas_share_one_budget_through_redis(
    mysql_db_url: str, redis_url: str, tmp_path: Path
) -> None:
    name, password = f"u{uuid.uuid4().hex[:12]}", "shared-budget-password"
    seed(mysql_db_url)
    env = cli_env(
        FREDPIPE_DATABASE_URL=mysql_db_url,
        FREDPIPE_REDIS_URL=redis_url,
        FREDPIPE_JWT_SECRET="replica-secret-" + "z" * 40,
        FREDPIPE_RATE_LIMIT="3/minute",
        FREDPIPE_CLIENT_DIST_DIR=str(tmp_path / "no-client"),
    )
    assert run_users_add(env, name, "viewer", password).returncode == 0
    with serving(env) as one, serving(env) as two:
        token = httpx.post(
            f"{one}/auth/token",
            data={"grant_type": "password", "username": name, "password": password},
        ).json()["access_token"]
        headers = bearer(token)
        assert httpx.post(f"{one}/graphql", json=QUERY, headers=headers).status_code == 200
        assert httpx.post(f"{two}/graphql", json=QUERY, headers=headers).status_code == 200
        assert httpx.post(f"{one}/graphql", json=QUERY, headers=headers).status_code == 200
        limited = httpx.post(f"{two}/graphql", json=QUERY, headers=headers)
        assert limited.status_code == 429, limited.text


@pytest.mark.parametrize("text", ["600/minute", "10 per second", "5/hour"])
def test_limits_are_written_in_limits_notation(text: str) -> None:
    from graphql_api.rate_limits import parse_limit

    assert parse_limit(text).amount > 0


def test_a_malformed_limit_is_a_clear_error() -> None:
    from graphql_api.rate_limits import parse_limit

    with pytest.raises(ValueError, match="write it like 600/minute"):
        parse_limit("lots")
