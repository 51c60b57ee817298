"""The HTTP response cache in front of GraphQL (``graphql_api.response_cache``) and its two
levels (``graphql_api.cache.LocalResponses``, ``SharedResponses``).

Through the app on both databases: a repeat is a hit with the same bytes (POST and GET),
anything that is not an error-free query's 200 JSON answer is never stored, and stored
answers come in every encoding the client accepts. The shared level against a Redis that is
frozen or gone: one request pays at most the timeout, then the circuit stays open.
"""

from __future__ import annotations

import asyncio
import gzip
import time
import uuid
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient

from graphql_api.cache import LocalResponses, RedisCache, SharedResponses, StoredResponse
from graphql_api.compression import MIN_SIZE
from tests.support.api_data import EXAMPLE_QUERY, api_client, seed
from tests.support.frozen_server import frozen_server

Q = '{ indicator(id: "DGS10") { id title observations { dates values } } }'


def _post(client: TestClient, query: str, **headers: str) -> tuple[str, dict[str, str], bytes]:
    """``X-Cache``, the headers and the body as sent (before any content decoding)."""
    with client.stream("POST", "/graphql", json={"query": query}, headers=headers) as response:
        assert response.status_code == 200, response.read()
        raw = b"".join(response.iter_raw())
        return response.headers["x-cache"], dict(response.headers), raw


def test_a_repeat_is_a_hit_with_the_same_bytes(client: TestClient) -> None:
    first = client.post("/graphql", json={"query": EXAMPLE_QUERY})
    second = client.post("/graphql", json={"query": EXAMPLE_QUERY})
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert "errors" not in first.json() and first.json()["data"]["indicator"]["stats"]
    assert second.headers["content-type"] == "application/json"
    assert second.headers["x-request-id"] != first.headers["x-request-id"]


def test_a_get_query_is_cached_apart_from_the_post(client: TestClient) -> None:
    post = client.post("/graphql", json={"query": Q})
    gets = [client.get("/graphql", params={"query": Q}) for _ in range(2)]
    assert post.headers["x-cache"] == "miss"
    assert [g.headers["x-cache"] for g in gets] == ["miss", "hit"]
    assert gets[1].json() == post.json()


def test_an_operation_spelt_differently_is_a_miss(client: TestClient) -> None:
    client.post("/graphql", json={"query": Q})
    other = client.post("/graphql", json={"query": Q.replace("{ id", "{  id")})
    assert other.headers["x-cache"] == "miss"


@pytest.mark.parametrize(
    "payload",
    [
        {"query": "mutation { refresh }"},  # the schema has no mutations: a validation error
        {"query": '{ indicator(id: "NOPE") { id } }'},  # NOT_FOUND
        {"query": "{ indicator(id: "},  # a syntax error
        {"query": "subscription { dataUpdated { version } }"},  # not over plain HTTP
    ],
)
def test_failures_mutations_and_subscriptions_are_never_stored(
    client: TestClient, payload: dict[str, str]
) -> None:
    answers = [client.post("/graphql", json=payload) for _ in range(2)]
    assert [a.headers["x-cache"] for a in answers] == ["miss", "miss"]
    assert answers[0].status_code != 200 or "errors" in answers[0].json()


def test_non_json_and_non_200_answers_are_never_stored(client: TestClient) -> None:
    answers = [
        client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert [a.headers["x-cache"] for a in answers] == ["miss", "miss"]


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [("br", "br", brotli.decompress), ("gzip, deflate", "gzip", gzip.decompress)],
)
def test_stored_answers_come_compressed_in_the_accepted_encoding(
    client: TestClient, accept: str, encoding: str, decode: object
) -> None:
    assert callable(decode)
    _, _, identity = _post(client, Q, **{"Accept-Encoding": "identity"})
    assert len(identity) >= MIN_SIZE
    for expected in ("hit", "hit"):  # the miss above stored every variant
        status, headers, raw = _post(client, Q, **{"Accept-Encoding": accept})
        assert status == expected
        assert headers["content-encoding"] == encoding
        assert headers["vary"] == "Accept-Encoding"
        assert int(headers["content-length"]) == len(raw) < len(identity)
        assert decode(raw) == identity


def test_a_miss_is_compressed_too_and_refused_encodings_are_not_used(client: TestClient) -> None:
    status, headers, raw = _post(client, Q, **{"Accept-Encoding": "br;q=0, gzip"})
    assert (status, headers["content-encoding"]) == ("miss", "gzip")
    _, plain_headers, plain = _post(client, Q)  # httpx asks for gzip, deflate (and br)
    _, none_headers, identity = _post(client, Q, **{"Accept-Encoding": "identity"})
    assert gzip.decompress(raw) == identity
    assert "content-encoding" not in none_headers and none_headers["vary"] == "Accept-Encoding"
    assert plain_headers["content-encoding"] in ("br", "gzip") and plain != identity


def test_small_answers_are_sent_as_they_are(client: TestClient) -> None:
    for _ in range(2):
        _, headers, raw = _post(client, "{ dataVersion }", **{"Accept-Encoding": "br, gzip"})
        assert len(raw) < MIN_SIZE
        assert "content-encoding" not in headers and "vary" not in headers


@pytest.mark.parametrize(
    ("accept", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_rest_answers_are_compressed(client: TestClient, accept: str, decode: object) -> None:
    assert callable(decode)
    path = "/api/v1/indicators/DGS10/observations"
    with client.stream("GET", path, headers={"Accept-Encoding": "identity"}) as plain:
        identity = b"".join(plain.iter_raw())
    with client.stream("GET", path, headers={"Accept-Encoding": accept}) as response:
        assert response.status_code == 200
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == accept
        assert "Accept-Encoding" in response.headers["vary"]
    assert len(identity) >= MIN_SIZE and len(raw) < len(identity)
    assert decode(raw) == identity


# -- the two levels -------------------------------------------------------------------------


def _stored(body: bytes) -> StoredResponse:
    return StoredResponse({"identity": body}, b"application/json")


def test_local_responses_expire_on_their_clock_and_stay_within_their_bytes() -> None:
    now = [100.0]
    local = LocalResponses(ttl_seconds=10, max_bytes=10, clock=lambda: now[0])
    local.set("a", _stored(b"aaaa"))
    local.set("b", _stored(b"bbbb"))
    local.set("c", _stored(b"cccc"))  # 12 bytes would not fit: the oldest goes
    assert local.get("a") is None and local.get("b") and local.get("c")
    local.set("huge", _stored(b"x" * 11))  # larger than the whole budget: not kept
    assert local.get("huge") is None and len(local) == 2
    now[0] += 9.9
    assert local.get("c") is not None
    now[0] += 0.2
    assert local.get("b") is None and local.get("c") is None and len(local) == 0


@pytest.mark.redis
def test_shared_responses_round_trip_on_real_redis(redis_url: str) -> None:
    async def run() -> None:
        shared = SharedResponses(redis_url, ttl_seconds=30, prefix=f"t:{uuid.uuid4().hex}:")
        try:
            await shared.set("k", b"answer")
            assert await shared.get("k") == b"answer"
            assert await shared.get("absent") is None
            assert shared.available
            await shared.client.delete(shared.prefix + "k")
        finally:
            await shared.aclose()

    asyncio.run(run())


def test_a_frozen_redis_costs_one_timeout_then_the_circuit_is_open() -> None:
    """The first call waits at most its timeout (plus scheduling slack on a shared machine);
    while the circuit is open nothing is sent at all; after the cooldown it tries again."""
    now = [1000.0]

    async def run(url: str) -> tuple[float, float]:
        shared = SharedResponses(
            url, ttl_seconds=30, timeout=0.2, cooldown=5.0, clock=lambda: now[0]
        )
        try:
            started = time.perf_counter()
            assert await shared.get("k") is None
            first = time.perf_counter() - started
            assert not shared.available
            seen = server.seen()
            started = time.perf_counter()
            assert await shared.get("k") is None
            await shared.set("k", b"v")
            second = time.perf_counter() - started
            assert server.seen() == seen  # the open circuit sends nothing
            now[0] += 5.0
            assert shared.available
            assert await shared.get("k") is None  # tried again (and timed out again)
            assert server.seen()[1] > seen[1]
            return first, second
        finally:
            await shared.aclose()

    with frozen_server() as server:
        first, second = asyncio.run(run(server.url))
    assert first < 1.0, f"a frozen Redis held a request {first:.3f} s"
    assert second < 0.05


def test_an_unreachable_redis_opens_the_circuit_at_once() -> None:
    async def run() -> None:
        shared = SharedResponses("redis://127.0.0.1:1/0", ttl_seconds=30, timeout=0.2)
        try:
            await shared.set("k", b"v")
            assert not shared.available
            assert await shared.get("k") is None
        finally:
            await shared.aclose()

    asyncio.run(run())


def test_the_api_answers_through_a_frozen_redis(db_url: str, tmp_path: Path) -> None:
    """The shared level frozen: the first answer waits one timeout at most, the repeat is a
    hit of this process's level, and every answer is right."""
    seed(db_url)
    with frozen_server() as server:
        cache = RedisCache(server.url, ttl_seconds=30)
        with api_client(db_url, tmp_path, cache) as client:
            answers = [client.post("/graphql", json={"query": Q}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["x-cache"] for a in answers] == ["miss", "hit", "hit"]
    assert answers[0].json()["data"]["indicator"]["id"] == "DGS10"
    assert answers[0].content == answers[2].content
