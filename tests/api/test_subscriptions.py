"""``dataUpdated`` over ``graphql-transport-ws``: real websocket clients against apps served
in-process (uvicorn in a thread, ``live_server``), so a test can look at the listener. The
real pipeline against served processes is in ``test_subscriptions_pipeline``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import sqlalchemy as sa
from websockets.exceptions import ConnectionClosed

from graphql_api.app import create_app
from graphql_api.cache import MemoryCache
from graphql_api.events import VersionFeed, redis_client_name
from graphql_api.schema import schema
from models.engine import make_engine
from models.settings import Settings, load_settings
from models.tables import data_versions
from models.values import as_utc
from models.version_events import VersionBump, publish
from models.versioning import bump_version
from tests.support.cli import REPO, cli_env, free_port
from tests.support.graphql_ws import DATA_UPDATED, GraphQLWS, private_channel, wait_until
from tests.support.live_server import live_server

#: A query that opens the database (the indicator list is read from it, never from a probe).
DB_QUERY = "{ dataVersion lastUpdate { version seriesIds at } indicators { id } }"


def _settings(db_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    defaults: dict[str, Any] = {
        "client_dist_dir": tmp_path / "no-client",
        "version_poll_seconds": 0.1,
    }
    return load_settings(database_url=db_url, **{**defaults, **overrides})


@contextmanager
def _served(settings: Settings) -> Iterator[tuple[str, VersionFeed]]:
    app = create_app(settings, cache=MemoryCache(300))
    with live_server(app) as port:
        yield f"http://127.0.0.1:{port}", app.state.version_feed


def _ready(feed: VersionFeed, subscribers: int = 1) -> None:
    """The subscription is registered and the feed knows the version it started from."""
    wait_until(
        lambda: feed.subscriber_count == subscribers and feed.latest is not None,
        f"{subscribers} subscriber(s) and a baseline version",
    )


def _bump(db_url: str, settings: Settings, series: list[str] | None) -> int:
    engine = make_engine(db_url)
    try:
        return bump_version(engine, "ingest", series, settings=settings)
    finally:
        engine.dispose()


def _recorded_at(db_url: str, version: int) -> datetime:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                sa.select(data_versions.c.created_at).where(data_versions.c.version == version)
            ).scalar_one()
    finally:
        engine.dispose()
    return as_utc(stored)


def test_data_updated_pushes_each_bump_with_its_series(
    db_url: str, data: object, tmp_path: Path
) -> None:
    settings = _settings(db_url, tmp_path)
    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        op = ws.subscribe(DATA_UPDATED)
        _ready(feed)
        first = _bump(db_url, settings, ["DGS10", "DGS2", "DGS10"])
        got = ws.next_data(op)["dataUpdated"]
        second = _bump(db_url, settings, None)
        unknown = ws.next_data(op)["dataUpdated"]
        ws.complete(op)
        wait_until(lambda: feed.subscriber_count == 0, "the completed subscription to go")

    assert got["version"] == first and got["seriesIds"] == ["DGS10", "DGS2"]
    # `at` is the bump's data_versions row timestamp, in UTC with its offset
    assert datetime.fromisoformat(got["at"]) == _recorded_at(db_url, first)
    assert got["at"].endswith("+00:00")
    assert unknown["version"] == second == first + 1 and unknown["seriesIds"] is None


def test_the_subscription_its_argument_and_fields_are_described() -> None:
    result = asyncio.run(
        schema.execute(
            """{
          subscription: __type(name: "Subscription") {
            fields { name description args { name description } }
          }
          update: __type(name: "DataUpdate") { description fields { name description } }
        }"""
        )
    )
    assert result.errors is None and result.data is not None
    (field,) = result.data["subscription"]["fields"]
    update = result.data["update"]
    described = [field, *field["args"], update, *update["fields"]]
    assert field["name"] == "dataUpdated" and [a["name"] for a in field["args"]] == ["ids"]
    assert [f["name"] for f in update["fields"]] == ["version", "seriesIds", "at"]
    assert all(d["description"] for d in described)


def test_ids_filter_skips_updates_that_touch_none_of_them(
    db_url: str, data: object, tmp_path: Path
) -> None:
    settings = _settings(db_url, tmp_path)
    with _served(settings) as (base, feed):
        with GraphQLWS.connect(base) as ws:
            op = ws.subscribe(DATA_UPDATED, {"ids": ["DGS10"]})
            _ready(feed)
            _bump(db_url, settings, ["GDP"])
            touching = _bump(db_url, settings, ["DGS10", "DGS2"])
            everything = _bump(db_url, settings, None)
            updates = [ws.next_data(op)["dataUpdated"] for _ in range(2)]
        # a client that closes its socket without completing leaves no subscriber behind
        wait_until(lambda: feed.subscriber_count == 0, "the closed socket's subscription to go")

    assert [(u["version"], u["seriesIds"]) for u in updates] == [
        (touching, ["DGS10", "DGS2"]),
        (everything, None),
    ]


def test_an_open_websocket_that_ran_a_query_leaves_the_duckdb_file_to_writers(
    tmp_path: Path,
) -> None:
    """A writing process succeeds while a subscriber (which first ran a query on the same
    socket) stays connected; the subscriber hears the write and can query again."""
    from models.migrate import upgrade
    from tests.support.api_data import seed

    url = f"duckdb:///{tmp_path / 'shared.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    seed(url)
    writer = (
        "import sys\nfrom models.engine import make_engine\n"
        "from models.versioning import bump_version\n"
        "print(bump_version(make_engine(sys.argv[1]), 'ingest', ['DGS2']))\n"
    )
    settings = _settings(url, tmp_path)
    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        before = ws.query(DB_QUERY)
        op = ws.subscribe(DATA_UPDATED)
        _ready(feed)
        done = subprocess.run(
            [sys.executable, "-c", writer, url],
            cwd=REPO,
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        pushed = ws.next_data(op)["dataUpdated"]
        after = ws.query(DB_QUERY)

    assert pushed == {**pushed, "version": int(done.stdout), "seriesIds": ["DGS2"]}
    assert after["dataVersion"] == before["dataVersion"] + 1 == pushed["version"]
    assert after["indicators"] == before["indicators"]
    # the newest bump, as the subscription pushed it: a dashboard's "data as of"
    assert after["lastUpdate"] == {k: pushed[k] for k in ("version", "seriesIds", "at")}


def test_two_replicas_both_hear_one_redis_publish(
    db_url: str, data: object, tmp_path: Path, redis_url: str
) -> None:
    # Polling once an hour: only Redis can bring this update within the test.
    settings = _settings(
        db_url,
        tmp_path,
        redis_url=redis_url,
        version_channel=private_channel(),
        version_poll_seconds=3600,
    )
    with ExitStack() as stack:
        replicas = [stack.enter_context(_served(settings)) for _ in range(2)]
        sockets = [stack.enter_context(GraphQLWS.connect(base)) for base, _ in replicas]
        ops = [ws.subscribe(DATA_UPDATED, {"ids": ["DGS2"]}) for ws in sockets]
        for _, feed in replicas:
            _ready(feed)
            wait_until(lambda f=feed: f.redis_connected, "the Redis subscription")  # type: ignore[misc]
        # a version the database does not have: only the Redis message can tell of it
        bump = VersionBump(10_000, "ingest", ("DGS2",), datetime.now(UTC))
        assert publish(settings, bump)
        heard = [ws.next_data(op)["dataUpdated"] for ws, op in zip(sockets, ops, strict=True)]

    assert [(h["version"], h["seriesIds"]) for h in heard] == [(10_000, ["DGS2"])] * 2


def test_redis_down_at_startup_falls_back_to_polling(
    db_url: str, data: object, tmp_path: Path
) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    settings = _settings(db_url, tmp_path, redis_url=nobody, version_channel=private_channel())
    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
        op = ws.subscribe(DATA_UPDATED)
        _ready(feed)
        version = _bump(db_url, settings, ["GDP"])  # its publish fails: logged, not raised
        pushed = ws.next_data(op)["dataUpdated"]
        assert feed.listening and not feed.redis_connected

    assert (pushed["version"], pushed["seriesIds"]) == (version, ["GDP"])


def test_listener_resubscribes_after_redis_drops_its_connection(
    db_url: str, data: object, tmp_path: Path, redis_url: str
) -> None:
    settings = _settings(
        db_url,
        tmp_path,
        redis_url=redis_url,
        version_channel=private_channel(),
        version_poll_seconds=3600,
    )
    admin = redis.Redis.from_url(redis_url, decode_responses=True)
    name = redis_client_name(settings)

    def listener_ids() -> set[str]:
        clients = admin.client_list(_type="pubsub")
        return {str(c["id"]) for c in clients if c.get("name") == name}

    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        op = ws.subscribe(DATA_UPDATED)
        _ready(feed)
        wait_until(lambda: len(listener_ids()) == 1, "the listener's Redis connection")
        (old,) = listener_ids()
        admin.client_kill_filter(_id=old)
        wait_until(lambda: bool(listener_ids() - {old}), "a new Redis connection", seconds=30)
        wait_until(lambda: feed.redis_connected, "the Redis subscription")
        wait_until(
            lambda: admin.pubsub_numsub(settings.version_channel)[0][1] == 1,
            "the channel to be subscribed again",
        )
        assert publish(settings, VersionBump(20_000, "forecast", None, datetime.now(UTC)))
        pushed = ws.next_data(op)["dataUpdated"]
    admin.close()

    assert pushed["version"] == 20_000


def test_listener_stops_when_the_app_shuts_down(
    db_url: str, data: object, tmp_path: Path, redis_url: str
) -> None:
    settings = _settings(db_url, tmp_path, redis_url=redis_url, version_channel=private_channel())
    with ExitStack() as outer:
        base, feed = outer.enter_context(_served(settings))
        ws = outer.enter_context(GraphQLWS.connect(base))
        ws.subscribe(DATA_UPDATED)
        _ready(feed)
        wait_until(lambda: feed.redis_connected, "the Redis subscription")
        assert feed.listening
        outer.pop_all().close()  # shuts the server down while the subscriber is connected
        stopped_listening, still_connected = feed.listening, feed.redis_connected
        with pytest.raises((ConnectionClosed, TimeoutError)):
            while True:  # whatever the server sent last, the socket is then closed
                ws.receive(timeout=10)

    assert not stopped_listening and not still_connected
    numsub = redis.Redis.from_url(redis_url).pubsub_numsub(settings.version_channel)
    assert numsub[0][1] == 0
