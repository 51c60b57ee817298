"""Accounts and tokens against a real ``fredpipe serve`` (uvicorn on loopback) that requires
them: sign-in by password, client credentials and refresh, and every refusal the API owes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import jwt
import pytest

from tests.support.auth import (
    PASSWORDS,
    SECRET,
    AuthServer,
    access_token,
    access_token_for,
    ask,
    auth_server,
    bearer,
    forged,
    run_users_add,
    sign_in,
)
from tests.support.cli import cli_env, run_cli
from tests.support.databases import BACKENDS, fresh_database
from tests.support.graphql_ws import GraphQLWS, connect_raw


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AuthServer]:
    directory = tmp_path_factory.mktemp("auth")
    with fresh_database(request.param, directory) as url, auth_server(url) as running:
        yield running


def refused(response: httpx.Response, words: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["code"] == "UNAUTHENTICATED"
    assert words in body["message"], body
    assert response.headers["www-authenticate"].startswith('Bearer realm="fredpipe"')


def test_without_a_token_data_is_refused_and_public_routes_answer(server: AuthServer) -> None:
    refused(ask(server.base), "access token is required")
    assert httpx.get(f"{server.base}/api/v1/indicators", timeout=10).status_code == 401
    assert httpx.get(f"{server.base}/dbt-docs/", timeout=10).status_code == 401
    assert httpx.get(f"{server.base}/healthz", timeout=10).status_code == 200
    assert httpx.get(f"{server.base}/openapi.json", timeout=10).status_code == 200


def test_a_user_signs_in_and_reads(server: AuthServer) -> None:
    response = sign_in(server.base, "viewer", PASSWORDS["viewer"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    assert body["refresh_token"] and response.headers["cache-control"] == "no-store"
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"], audience="fredpipe-api")
    assert {"iss", "aud", "exp", "iat", "sub", "role", "jti"} <= set(claims)
    assert (claims["sub"], claims["role"]) == ("viewer", "viewer")
    answer = ask(server.base, bearer(body["access_token"]))
    assert answer.status_code == 200 and answer.json()["data"]["indicator"]["id"] == "DGS10"
    rest = httpx.get(f"{server.base}/api/v1/indicators", headers=bearer(body["access_token"]))
    assert rest.status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(server: AuthServer) -> None:
    wrong = sign_in(server.base, "viewer", "not-the-password")
    unknown = sign_in(server.base, "nobody-at-all", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("token", "words"),
    [
        (forged("another-secret-" + "y" * 40), "signature"),
        (forged(SECRET, exp=int(time.time()) - 120), "expired"),
        (forged(SECRET, nbf=int(time.time()) + 600), "not valid yet"),
        (forged(SECRET, aud="someone-else"), "audience"),
        (forged(SECRET, iss="someone-else"), "issuer"),
        (forged(SECRET, jti=None), "'jti'"),
        (forged(SECRET, token_use="refresh"), "refresh token cannot be used as a access"),
        (forged(SECRET, role="superuser"), "unknown role"),
        ("garbage", "malformed"),
    ],
    ids=[
        "bad-signature",
        "expired",
        "not-yet-valid",
        "wrong-audience",
        "wrong-issuer",
        "missing-claim",
        "refresh-as-access",
        "unknown-role",
        "garbage",
    ],
)
def test_bad_tokens_are_refused(server: AuthServer, token: str, words: str) -> None:
    refused(ask(server.base, bearer(token)), words)


def test_alg_none_is_refused(server: AuthServer) -> None:
    unsigned = jwt.encode(_claims(), cast(Any, None), algorithm="none")
    refused(ask(server.base, bearer(unsigned)), "HS256")


def _claims() -> dict[str, object]:
    return jwt.decode(forged(SECRET), options={"verify_signature": False})


def test_a_token_in_the_url_is_refused_even_when_valid(server: AuthServer) -> None:
    token = access_token(server.base)
    refused(ask(server.base, access_token=token), "never in the URL")
    response = httpx.get(
        f"{server.base}/graphql", params={"query": "{ dataVersion }", "access_token": token}
    )
    refused(response, "never in the URL")


def test_a_refresh_token_is_spent_once_and_a_replay_revokes_the_family(server: AuthServer) -> None:
    first = sign_in(server.base, "analyst", PASSWORDS["analyst"]).json()
    refused(ask(server.base, bearer(first["refresh_token"])), "refresh token cannot be used")

    def refresh(token: str) -> httpx.Response:
        return httpx.post(
            f"{server.base}/auth/token",
            data={"grant_type": "refresh_token", "refresh_token": token},
        )

    second = refresh(first["refresh_token"])
    assert second.status_code == 200, second.text
    assert ask(server.base, bearer(second.json()["access_token"])).status_code == 200
    replay = refresh(first["refresh_token"])
    assert replay.status_code == 400 and "already used" in replay.json()["error_description"]
    # the replay revoked every refresh token of the account, the new one included
    assert refresh(second.json()["refresh_token"]).status_code == 400


def test_revoking_a_refresh_token_signs_out(server: AuthServer) -> None:
    pair = sign_in(server.base, "viewer", PASSWORDS["viewer"]).json()
    revoked = httpx.post(f"{server.base}/auth/revoke", data={"token": pair["refresh_token"]})
    assert revoked.status_code == 200
    again = httpx.post(
        f"{server.base}/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
    )
    assert again.status_code == 400


def test_a_machine_client_signs_in_with_its_secret_in_the_form_or_basic(
    server: AuthServer,
) -> None:
    form = httpx.post(
        f"{server.base}/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": server.client_id,
            "client_secret": server.client_secret,
        },
    )
    assert form.status_code == 200, form.text
    assert "refresh_token" not in form.json()
    assert ask(server.base, bearer(form.json()["access_token"])).status_code == 200
    basic = httpx.post(
        f"{server.base}/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(server.client_id, server.client_secret),
    )
    assert basic.status_code == 200, basic.text
    wrong = httpx.post(
        f"{server.base}/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(server.client_id, "wrong-secret"),
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"


def test_a_disabled_users_unexpired_token_stops_working(server: AuthServer) -> None:
    made = run_users_add(server.env, "leaver", "viewer", "leaver-password-1")
    assert made.returncode == 0, made.stderr
    token = access_token_for(server, "leaver", "leaver-password-1")
    assert ask(server.base, bearer(token)).status_code == 200
    disabled = run_cli(["users", "disable", "leaver"], server.env, 120)
    assert disabled.returncode == 0, disabled.stderr
    deadline = time.monotonic() + 15  # the API re-reads an account every 5 s
    while ask(server.base, bearer(token)).status_code == 200:
        assert time.monotonic() < deadline, "a disabled user's token still works"
        time.sleep(0.5)
    refused(ask(server.base, bearer(token)), "disabled")
    assert sign_in(server.base, "leaver", "leaver-password-1").status_code == 400
    listed = run_cli(["users", "list"], server.env, 120)
    assert "leaver" in listed.stdout and "disabled" in listed.stdout


def test_a_websocket_without_a_valid_token_is_closed_with_4401(server: AuthServer) -> None:
    for payload in ({}, {"Authorization": "Bearer garbage"}):
        code = connect_raw(server.base, {"type": "connection_init", "payload": payload})
        assert code == 4401, (payload, code)
    token = access_token(server.base)
    with GraphQLWS.connect(server.base, payload={"Authorization": f"Bearer {token}"}) as ws:
        assert ws.query("{ dataVersion }")["dataVersion"] >= 1


def test_cli_refuses_weak_input_with_one_line(server: AuthServer) -> None:
    short = run_users_add(server.env, "shorty", "viewer", "short")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    role = run_users_add(server.env, "someone", "root", "long-enough-password")
    assert role.returncode == 2 and "unknown role" in role.stderr
    taken = run_users_add(server.env, "viewer", "viewer", "long-enough-password")
    assert taken.returncode == 2 and "already exists" in taken.stderr


def test_serve_refuses_to_start_without_a_secret_unless_anonymous(tmp_path: Path) -> None:
    env = cli_env(
        FREDPIPE_DATABASE_URL=f"duckdb:///{tmp_path / 'x.duckdb'}",
        FREDPIPE_ALLOW_ANONYMOUS="false",
    )
    done = run_cli(["serve", "--port", "1"], env, 60)
    assert done.returncode == 2
    assert "FREDPIPE_JWT_SECRET is not set" in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.strip()]) <= 3


def test_failed_sign_ins_are_throttled_per_user(tmp_path: Path) -> None:
    with auth_server(f"duckdb:///{tmp_path / 'throttle.duckdb'}", login_rate_limit="3/minute") as s:
        for _ in range(3):
            assert sign_in(s.base, "viewer", "wrong-password-0").status_code == 400
        throttled = sign_in(s.base, "viewer", PASSWORDS["viewer"])  # even the right password
        assert throttled.status_code == 429, throttled.text
        assert 1 <= int(throttled.headers["retry-after"]) <= 60
        assert "too many failed sign-ins" in throttled.json()["error_description"]


def test_an_hs256_token_signed_with_the_rs256_public_key_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = tmp_path / "jwt.key"
    public = tmp_path / "jwt.pub"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public.write_bytes(public_pem)
    url = f"duckdb:///{tmp_path / 'rs.duckdb'}"
    with auth_server(url, jwt_private_key_file=str(private), jwt_public_key_file=str(public)) as s:
        token = access_token(s.base)
        assert jwt.get_unverified_header(token)["alg"] == "RS256"
        assert ask(s.base, bearer(token)).status_code == 200
        refused(ask(s.base, bearer(_hs256(_claims(), public_pem))), "RS256")


def _hs256(claims: dict[str, object], key: bytes) -> str:
    """HS256 by hand: pyjwt (rightly) refuses to use a PEM key as an HMAC secret."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = part(json.dumps(claims).encode())
    mac = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{part(mac)}"
