"""Builders for the auth suites: a real ``fredpipe serve`` that requires tokens, accounts made
through the real CLI, token requests, and forged tokens."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt

from models.engine import make_engine
from models.migrate import upgrade
from tests.support.api_data import seed
from tests.support.cli import FREDPIPE, REPO, cli_env, run_cli, serving

SECRET = "test-secret-" + "x" * 40
ISSUER, AUDIENCE = "fredpipe", "fredpipe-api"
PASSWORDS = {"viewer": "viewer-password-1", "analyst": "analyst-password-1"}
QUERY = '{ indicator(id: "DGS10") { id stats { count } } }'


@dataclass
class AuthServer:
    base: str
    db_url: str
    env: dict[str, str]
    client_id: str
    client_secret: str


@contextmanager
def auth_server(db_url: str, **settings: str) -> Iterator[AuthServer]:
    """``fredpipe serve`` on the seeded ``db_url`` with tokens required, a viewer and an analyst
    made with ``fredpipe users add`` and a machine client with ``fredpipe clients add``."""
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    seed(db_url)
    overrides = {
        "FREDPIPE_DATABASE_URL": db_url,
        "FREDPIPE_JWT_SECRET": SECRET,
        "FREDPIPE_ALLOW_ANONYMOUS": "false",
        "FREDPIPE_CLIENT_DIST_DIR": str(Path("/nonexistent-client")),
    }
    overrides.update({f"FREDPIPE_{k.upper()}": v for k, v in settings.items()})
    env = cli_env(**overrides)
    for role, password in PASSWORDS.items():
        made = run_users_add(env, role, role, password)
        assert made.returncode == 0, made.stderr
    client = run_cli(["clients", "add", "etl", "--role", "viewer"], env, 120)
    assert client.returncode == 0, client.stderr
    secret = client.stdout.strip().splitlines()[-1]
    with serving(env) as base:
        yield AuthServer(base, db_url, env, "etl", secret)


def run_users_add(
    env: dict[str, str], name: str, role: str, password: str
) -> subprocess.CompletedProcess[str]:
    """``fredpipe users add NAME --role ROLE --password-stdin`` with the password on stdin."""
    return subprocess.run(
        [*FREDPIPE, "users", "add", name, "--role", role, "--password-stdin"],
        cwd=REPO,
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


def sign_in(base: str, username: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{base}/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
        timeout=30,
    )


def access_token(base: str, role: str = "viewer") -> str:
    response = sign_in(base, role, PASSWORDS[role])
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ask(base: str, headers: dict[str, str] | None = None, **params: str) -> httpx.Response:
    return httpx.post(
        f"{base}/graphql", json={"query": QUERY}, headers=headers or {}, params=params, timeout=30
    )


def forged(key: str | bytes, algorithm: str = "HS256", **changes: Any) -> str:
    """A token with every claim the API requires, then ``changes`` (None drops a claim)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "sub": "viewer",
        "jti": "forged",
        "role": "viewer",
        "kind": "user",
        "token_use": "access",
    }
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return jwt.encode(claims, key, algorithm=algorithm)


def access_token_for(server: AuthServer, name: str, password: str) -> str:
    response = sign_in(server.base, name, password)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
