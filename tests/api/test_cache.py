"""Response cache: repeats are served from the cache until the data version moves.

The proofs change the mart data *without* a bump (the cached answer must survive) and then
bump (the new data must appear), on both databases with the memory cache and real Redis.
On MySQL the version is remembered for ``MYSQL_VERSION_TTL_SECONDS`` (the documented
staleness bound); the tests drive that clock by hand.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from fastapi.testclient import TestClient

from graphql_api.app import create_app
from graphql_api.cache import Cache, MemoryCache, RedisCache, cache_key
from graphql_api.db import MYSQL_VERSION_TTL_SECONDS, DataVersionSource
from graphql_api.version_probe import VersionProbe
from models import marts
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import load_settings
from models.versioning import bump_version
from tests.support.api_data import api_client, seed
from tests.support.graphql_ws import private_channel

Q = '{ dataVersion indicator(id: "GDP") { stats { count } observations { values } } }'


@pytest.fixture
def redis_cache(redis_url: str) -> Iterator[RedisCache]:
    cache = RedisCache(redis_url, ttl_seconds=60, prefix=f"fredpipe-test:{uuid.uuid4().hex}:")
    yield cache
    for key in cache.client.scan_iter(match=cache.prefix + "*"):
        cache.client.delete(key)


def _change_data_without_bump(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(f"UPDATE {marts.SERIES_STATS} SET n_obs = 999 WHERE series_id = 'GDP'")
        )
        for table in (marts.OBSERVATIONS, marts.OBSERVATION_TRANSFORMS):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE series_id = 'GDP'"))
    engine.dispose()


def _assert_repeat_cached_until_bump(url: str, tmp_path: Path, cache: Cache) -> None:
    seed(url)
    with api_client(url, tmp_path, cache) as client:
        versions: DataVersionSource = client.app.state.data_versions  # type: ignore[attr-defined]
        now = [1000.0]
        versions.clock = lambda: now[0]
        first = client.post("/graphql", json={"query": Q})
        assert first.headers["x-cache"] == "miss"
        _change_data_without_bump(url)
        second = client.post("/graphql", json={"query": Q})
        assert second.headers["x-cache"] == "hit"
        assert second.json() == first.json()
        assert first.json()["data"]["indicator"]["stats"]["count"] == 45

        engine = make_engine(url)
        assert bump_version(engine, "test") == 2
        engine.dispose()
        if url.startswith("mysql"):
            within_bound = client.post("/graphql", json={"query": Q})
            assert within_bound.headers["x-cache"] == "hit"
            now[0] += MYSQL_VERSION_TTL_SECONDS
        third = client.post("/graphql", json={"query": Q})
        assert third.headers["x-cache"] == "miss"
        data = third.json()["data"]
        assert data["dataVersion"] == 2
        assert data["indicator"]["stats"]["count"] == 999
        assert data["indicator"]["observations"]["values"] == []


def test_memory_cache_serves_repeats_and_bump_invalidates(db_url: str, tmp_path: Path) -> None:
    _assert_repeat_cached_until_bump(db_url, tmp_path, MemoryCache(300))


@pytest.mark.redis
def test_redis_cache_serves_repeats_and_bump_invalidates(
    db_url: str, tmp_path: Path, redis_cache: RedisCache
) -> None:
    _assert_repeat_cached_until_bump(db_url, tmp_path, redis_cache)
    # the shared level is written after the answer is sent: wait (bounded) for both writes
    deadline = time.monotonic() + 10
    while True:
        keys = [k.decode() for k in redis_cache.client.scan_iter(match=redis_cache.prefix + "*")]
        if len(keys) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert sorted(k.removeprefix(redis_cache.prefix)[:3] for k in keys) == ["v1:", "v2:"]
    assert all(0 < redis_cache.client.ttl(k) <= 60 for k in keys)


def test_variables_are_part_of_the_key(db_url: str, tmp_path: Path) -> None:
    seed(db_url)
    q = "query($id: ID!) { indicator(id: $id) { id } }"
    with api_client(db_url, tmp_path) as client:
        a = client.post("/graphql", json={"query": q, "variables": {"id": "DGS10"}})
        b = client.post("/graphql", json={"query": q, "variables": {"id": "GDP"}})
    assert b.headers["x-cache"] == "miss"
    assert (a.json()["data"]["indicator"]["id"], b.json()["data"]["indicator"]["id"]) == (
        "DGS10",
        "GDP",
    )


def test_errors_are_not_cached(db_url: str, tmp_path: Path) -> None:
    seed(db_url)
    with api_client(db_url, tmp_path) as client:
        for _ in range(2):
            response = client.post("/graphql", json={"query": '{ indicator(id: "X") { id } }'})
            assert response.headers["x-cache"] == "miss"
            assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_cache_key_names_version_and_separates_parts() -> None:
    assert cache_key(7, "q", {}).startswith("v7:")
    assert cache_key(7, "q", {"a": 1}) != cache_key(7, "q", {"a": 2})
    assert cache_key(7, "q", {}) != cache_key(8, "q", {})


def test_memory_cache_expires() -> None:
    """On an injected clock: kept just before the TTL, gone just after, however loaded the
    machine is."""
    now = [1000.0]
    cache = MemoryCache(ttl_seconds=300, clock=lambda: now[0])
    cache.set("k", "v")
    now[0] += 299.5
    assert cache.get("k") == "v"
    now[0] += 1.0
    assert cache.get("k") is None


def test_memory_cache_expires_on_the_real_clock() -> None:
    """The default clock drives expiry too; a slow machine can only make the wait longer."""
    cache = MemoryCache(ttl_seconds=0.05)
    cache.set("k", "v")
    time.sleep(0.2)
    assert cache.get("k") is None


@pytest.mark.redis
def test_redis_cache_round_trip(redis_cache: RedisCache) -> None:
    redis_cache.set("k", "välue")
    assert redis_cache.get("k") == "välue"
    assert redis_cache.get("absent") is None


def test_redis_outage_degrades_to_miss() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0", ttl_seconds=5)
    cache.set("k", "v")
    assert cache.get("k") is None
    with pytest.raises(redis.RedisError):
        cache.client.ping()


def test_duckdb_version_probe_notices_a_bump(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'probe.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    bump_version(engine, "a")
    probe = VersionProbe.for_engine(engine)
    assert probe is not None
    before = probe.fingerprint()
    probe.remember(before, 1)
    assert probe.lookup(probe.fingerprint()) == 1
    bump_version(engine, "b")
    assert probe.fingerprint() != before
    assert probe.lookup(probe.fingerprint()) is None
    engine.dispose()


def test_version_probe_only_for_duckdb_files(tmp_path: Path) -> None:
    assert VersionProbe.for_engine(make_engine("duckdb:///:memory:")) is None
    assert VersionProbe.for_engine(make_engine("mysql+pymysql://u@127.0.0.1:1/db")) is None


@pytest.mark.mysql
def test_a_bump_heard_through_redis_is_never_answered_stale(
    mysql_db_url: str, tmp_path: Path, redis_url: str
) -> None:
    """On MySQL the version is remembered for a second, but a bump this process was told
    about (the same message that pushes ``dataUpdated``) ends the memo at once: a client
    refetching on the push gets the new data, not the cached answer."""
    db_url = mysql_db_url
    seed(db_url)
    settings = load_settings(
        database_url=db_url,
        redis_url=redis_url,
        version_channel=private_channel(),
        client_dist_dir=tmp_path / "no-client",
    )
    # a prefix of its own: other tests store this same query at version 1 on the same Redis
    private = RedisCache(redis_url, ttl_seconds=60, prefix=f"fredpipe-test:{uuid.uuid4().hex}:")
    app = create_app(settings, cache=private)
    with TestClient(app) as client:
        versions: DataVersionSource = app.state.data_versions
        now = [1000.0]
        versions.clock = lambda: now[0]  # the memo's second never runs out by itself
        assert client.post("/graphql", json={"query": Q}).headers["x-cache"] == "miss"
        _change_data_without_bump(db_url)
        assert client.post("/graphql", json={"query": Q}).headers["x-cache"] == "hit"
        engine = make_engine(db_url)
        assert bump_version(engine, "test", settings=settings) == 2  # published on Redis
        engine.dispose()
        deadline = time.monotonic() + 10
        while app.state.version_feed.latest != 2:
            assert time.monotonic() < deadline, "the bump never reached the API's feed"
            time.sleep(0.02)
        fresh = client.post("/graphql", json={"query": Q})
        assert fresh.headers["x-cache"] == "miss"
        data = fresh.json()["data"]
        assert data["dataVersion"] == 2
        assert data["indicator"]["stats"]["count"] == 999
