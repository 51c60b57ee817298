"""``dataUpdated`` over ``graphql-transport-ws``: real websocket clients against served apps.

In-process apps (uvicorn in a thread, ``live_server``) let a test look at the listener; the
pipeline tests run ``fredpipe serve`` and ``fredpipe pipeline run`` as separate processes
against the FRED sandbox, as an operator would.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from websockets.exceptions import ConnectionClosed

from graphql_api.app import create_app
from graphql_api.cache import MemoryCache
from graphql_api.events import VersionFeed, redis_client_name
from models.engine import make_engine
from models.settings import SANDBOX_API_KEY, Settings, load_settings
from models.version_events import VersionBump, publish
from models.versioning import bump_version
from sandbox.server import running_sandbox
from tests.support.cli import REPO, cli_env, free_port, run_cli, serving
from tests.support.graphql_ws import GraphQLWS
from tests.support.live_server import live_server

SUBSCRIPTION = "subscription($ids: [ID!]) { dataUpdated(ids: $ids) { version seriesIds at } }"
#: A query that opens the database (the indicator list is read from it, never from a probe).
DB_QUERY = "{ dataVersion indicators { id } }"


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


def _wait(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _ready(feed: VersionFeed, subscribers: int = 1) -> None:
    """The subscription is registered and the feed knows the version it started from."""
    _wait(
        lambda: feed.subscriber_count == subscribers and feed.latest is not None,
        f"{subscribers} subscriber(s) and a baseline version",
    )


def _bump(db_url: str, settings: Settings, series: list[str] | None) -> int:
    engine = make_engine(db_url)
    try:
        return bump_version(engine, "ingest", series, settings=settings)
    finally:
        engine.dispose()


def _channel() -> str:
    """Tests share Redis db 15 across workers: every test announces on a channel of its own."""
    return f"fredpipe-test:{uuid.uuid4().hex}"


def test_data_updated_pushes_each_bump_with_its_series(
    db_url: str, data: object, tmp_path: Path
) -> None:
    settings = _settings(db_url, tmp_path)
    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        op = ws.subscribe(SUBSCRIPTION)
        _ready(feed)
        first = _bump(db_url, settings, ["DGS10", "DGS2", "DGS10"])
        got = ws.next_data(op)["dataUpdated"]
        second = _bump(db_url, settings, None)
        unknown = ws.next_data(op)["dataUpdated"]
        ws.complete(op)
        _wait(lambda: feed.subscriber_count == 0, "the completed subscription to go")

    assert got["version"] == first and got["seriesIds"] == ["DGS10", "DGS2"]
    at = datetime.fromisoformat(got["at"])
    assert at.tzinfo is not None
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=5)
    assert unknown["version"] == second == first + 1 and unknown["seriesIds"] is None


def test_ids_filter_skips_updates_that_touch_none_of_them(
    db_url: str, data: object, tmp_path: Path
) -> None:
    settings = _settings(db_url, tmp_path)
    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        op = ws.subscribe(SUBSCRIPTION, {"ids": ["DGS10"]})
        _ready(feed)
        _bump(db_url, settings, ["GDP"])
        touching = _bump(db_url, settings, ["DGS10", "DGS2"])
        everything = _bump(db_url, settings, None)
        updates = [ws.next_data(op)["dataUpdated"] for _ in range(2)]

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
        op = ws.subscribe(SUBSCRIPTION)
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


def test_two_replicas_both_hear_one_redis_publish(
    db_url: str, data: object, tmp_path: Path, redis_url: str
) -> None:
    # Polling once an hour: only Redis can bring this update within the test.
    settings = _settings(
        db_url,
        tmp_path,
        redis_url=redis_url,
        version_channel=_channel(),
        version_poll_seconds=3600,
    )
    with ExitStack() as stack:
        replicas = [stack.enter_context(_served(settings)) for _ in range(2)]
        sockets = [stack.enter_context(GraphQLWS.connect(base)) for base, _ in replicas]
        ops = [ws.subscribe(SUBSCRIPTION, {"ids": ["DGS2"]}) for ws in sockets]
        for _, feed in replicas:
            _ready(feed)
            _wait(lambda f=feed: f.redis_connected, "the Redis subscription")  # type: ignore[misc]
        # a version the database does not have: only the Redis message can tell of it
        bump = VersionBump(10_000, "ingest", ("DGS2",), datetime.now(UTC))
        assert publish(settings, bump)
        heard = [ws.next_data(op)["dataUpdated"] for ws, op in zip(sockets, ops, strict=True)]

    assert [(h["version"], h["seriesIds"]) for h in heard] == [(10_000, ["DGS2"])] * 2


def test_redis_down_at_startup_falls_back_to_polling(
    db_url: str, data: object, tmp_path: Path
) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    settings = _settings(db_url, tmp_path, redis_url=nobody, version_channel=_channel())
    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
        op = ws.subscribe(SUBSCRIPTION)
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
        version_channel=_channel(),
        version_poll_seconds=3600,
    )
    admin = redis.Redis.from_url(redis_url, decode_responses=True)
    name = redis_client_name(settings)

    def listener_ids() -> set[str]:
        clients = admin.client_list(_type="pubsub")
        return {str(c["id"]) for c in clients if c.get("name") == name}

    with _served(settings) as (base, feed), GraphQLWS.connect(base) as ws:
        op = ws.subscribe(SUBSCRIPTION)
        _ready(feed)
        _wait(lambda: len(listener_ids()) == 1, "the listener's Redis connection")
        (old,) = listener_ids()
        admin.client_kill_filter(_id=old)
        _wait(lambda: bool(listener_ids() - {old}), "a new Redis connection", seconds=30)
        _wait(lambda: feed.redis_connected, "the Redis subscription")
        _wait(
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
    settings = _settings(db_url, tmp_path, redis_url=redis_url, version_channel=_channel())
    with ExitStack() as outer:
        base, feed = outer.enter_context(_served(settings))
        ws = outer.enter_context(GraphQLWS.connect(base))
        ws.subscribe(SUBSCRIPTION)
        _ready(feed)
        _wait(lambda: feed.redis_connected, "the Redis subscription")
        assert feed.listening
        outer.pop_all().close()  # shuts the server down while the subscriber is connected
        stopped_listening, still_connected = feed.listening, feed.redis_connected
        with pytest.raises((ConnectionClosed, TimeoutError)):
            while True:  # whatever the server sent last, the socket is then closed
                ws.receive(timeout=10)

    assert not stopped_listening and not still_connected
    numsub = redis.Redis.from_url(redis_url).pubsub_numsub(settings.version_channel)
    assert numsub[0][1] == 0


# --- the real pipeline in another process -------------------------------------------------


def _pipeline_env(db_url: str, fred_url: str, **extra: str) -> dict[str, str]:
    return cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_FRED_BASE_URL=fred_url,
        FREDPIPE_FRED_API_KEY=SANDBOX_API_KEY,
        COLUMNS="200",
        **extra,
    )


def _updates_until(ws: GraphQLWS, op: str, version: int) -> list[dict[str, Any]]:
    """Every push up to and including ``version`` (the pipeline's last bump)."""
    seen = [ws.next_data(op)["dataUpdated"]]
    while seen[-1]["version"] < version:
        seen.append(ws.next_data(op)["dataUpdated"])
    return seen


def _run_pipeline_while_subscribed(
    api_env: dict[str, str], pipeline_env: dict[str, str], before_run: Callable[[], None]
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """``fredpipe serve`` with ``api_env``; over one websocket a query, then a subscription
    to UNRATE; ``fredpipe pipeline run`` with ``pipeline_env`` while it stays connected."""
    with serving(api_env) as base, GraphQLWS.connect(base) as ws:
        # opens the database over this socket (a fresh server has no remembered version;
        # there are no marts yet to list indicators from)
        first = ws.query("{ dataVersion }")
        op = ws.subscribe(SUBSCRIPTION, {"ids": ["UNRATE"]})
        before_run()
        done = run_cli(["pipeline", "run", "--series", "UNRATE"], pipeline_env, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        last = ws.query(DB_QUERY)
        pushed = _updates_until(ws, op, last["dataVersion"])
    return first, pushed, last


def _assert_pipeline_pushes(
    first: dict[str, Any], pushed: list[dict[str, Any]], last: dict[str, Any]
) -> None:
    versions = [p["version"] for p in pushed]
    assert versions == sorted(set(versions)) and versions[-1] == last["dataVersion"]
    assert versions[0] > first["dataVersion"]
    # ingest names UNRATE; the dbt build does not know its series (null touches all)
    assert pushed[0]["seriesIds"] == ["UNRATE"]
    assert all(p["seriesIds"] in (None, ["UNRATE"]) for p in pushed)
    assert {"id": "UNRATE"} in last["indicators"]


def test_subscriber_stays_connected_while_pipeline_run_writes_and_hears_it(
    tmp_path: Path,
) -> None:
    url = f"duckdb:///{tmp_path / 'pipeline.duckdb'}"
    with running_sandbox() as fred_url:
        env = _pipeline_env(url, fred_url, FREDPIPE_VERSION_POLL_SECONDS="0.2")
        assert run_cli(["migrate"], env, timeout=120).returncode == 0
        first, pushed, last = _run_pipeline_while_subscribed(env, env, lambda: None)

    _assert_pipeline_pushes(first, pushed, last)


def test_pipeline_process_reaches_a_subscriber_of_another_process_through_redis(
    tmp_path: Path, redis_url: str
) -> None:
    url = f"duckdb:///{tmp_path / 'pipeline.duckdb'}"
    channel = _channel()
    admin = redis.Redis.from_url(redis_url)
    with running_sandbox() as fred_url:
        shared = {"FREDPIPE_REDIS_URL": redis_url, "FREDPIPE_VERSION_CHANNEL": channel}
        pipeline_env = _pipeline_env(url, fred_url, **shared)
        # the API polls once an hour: what it hears within the test came through Redis
        api_env = {**pipeline_env, "FREDPIPE_VERSION_POLL_SECONDS": "3600"}
        assert run_cli(["migrate"], pipeline_env, timeout=120).returncode == 0

        def api_listening() -> None:
            _wait(lambda: admin.pubsub_numsub(channel)[0][1] == 1, "the API's Redis subscription")

        first, pushed, last = _run_pipeline_while_subscribed(api_env, pipeline_env, api_listening)
    admin.close()

    _assert_pipeline_pushes(first, pushed, last)
