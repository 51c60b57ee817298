"""``dataUpdated`` while the real ``fredpipe pipeline run`` writes, as an operator runs it:
``fredpipe serve`` and the pipeline are separate processes, the pipeline fetches from the
FRED sandbox, and the subscriber is a websocket client that first ran a query on the same
socket and stays connected throughout.

Each test subscribes to UNRATE (the series the pipeline refreshes) and to GDP (which it does
not touch): the GDP subscriber must hear only the dbt build's bump, whose series are unknown.
After the run a bump naming GDP closes both streams, so "nothing else arrived" is read from
the ordered stream rather than from a timeout.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import redis

from models.engine import make_engine
from models.settings import SANDBOX_API_KEY, load_settings
from models.versioning import bump_version
from sandbox.server import running_sandbox
from tests.support.cli import cli_env, run_cli, serving
from tests.support.databases import BACKENDS
from tests.support.graphql_ws import DATA_UPDATED, GraphQLWS, private_channel, wait_until

#: Opens the database over the socket (a fresh server remembers no version yet).
FIRST_QUERY = "{ dataVersion }"
#: After the run: the marts exist, so this reads them.
LAST_QUERY = "{ dataVersion indicators { id } }"
#: DuckDB's message when another process holds the file.
DUCKDB_LOCKED = "Could not set lock"


def _env(db_url: str, fred_url: str, **extra: str) -> dict[str, str]:
    return cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_FRED_BASE_URL=fred_url,
        FREDPIPE_FRED_API_KEY=SANDBOX_API_KEY,
        COLUMNS="200",
        **extra,
    )


def _close_streams(db_url: str, env: dict[str, str]) -> int:
    """A bump naming GDP, announced as the pipeline announces (same Redis and channel)."""
    overrides: dict[str, object] = {"database_url": db_url}
    if "FREDPIPE_REDIS_URL" in env:
        overrides["redis_url"] = env["FREDPIPE_REDIS_URL"]
        overrides["version_channel"] = env["FREDPIPE_VERSION_CHANNEL"]
    settings = load_settings(**overrides)
    engine = make_engine(db_url)
    try:
        return bump_version(engine, "ingest", ["GDP"], settings=settings)
    finally:
        engine.dispose()


Push = dict[str, Any]


def _assert_heard_the_run(
    first: int, unrate: list[Push], gdp: list[Push], last: dict[str, Any], sentinel: int
) -> None:
    versions = [u["version"] for u in unrate]
    assert versions == sorted(set(versions)) and versions[0] > first
    assert versions[-1] == last["dataVersion"] == sentinel - 1
    # ingest and forecast name UNRATE; the dbt build does not know its series (null: all)
    assert unrate[0]["seriesIds"] == ["UNRATE"]
    assert [u["seriesIds"] for u in unrate].count(None) >= 1
    assert all(u["seriesIds"] in (None, ["UNRATE"]) for u in unrate)
    # GDP: only the bumps of unknown series, then the one that names it
    nulls = [u["version"] for u in unrate if u["seriesIds"] is None]
    assert [(g["version"], g["seriesIds"]) for g in gdp] == [
        *((v, None) for v in nulls),
        (sentinel, ["GDP"]),
    ]
    assert {"id": "UNRATE"} in last["indicators"]


def _pipeline_run(env: dict[str, str]) -> None:
    done = run_cli(["pipeline", "run", "--series", "UNRATE"], env, timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    # not blocked: no stage met a held DuckDB file (nor retried because of one)
    assert DUCKDB_LOCKED not in output, output[-3000:]


def test_subscriber_stays_connected_while_pipeline_run_writes_and_hears_it(
    tmp_path: Path,
) -> None:
    """DuckDB without Redis: the API learns of bumps from the sidecar file (in-process poll),
    and the open websocket never holds the database file the pipeline writes."""
    url = f"duckdb:///{tmp_path / 'pipeline.duckdb'}"
    with running_sandbox() as fred_url:
        env = _env(url, fred_url, FREDPIPE_VERSION_POLL_SECONDS="0.2")
        assert run_cli(["migrate"], env, timeout=120).returncode == 0
        with serving(env) as base, GraphQLWS.connect(base) as ws:
            first = ws.query(FIRST_QUERY)["dataVersion"]
            unrate = ws.subscribe(DATA_UPDATED, {"ids": ["UNRATE"]})
            gdp = ws.subscribe(DATA_UPDATED, {"ids": ["GDP"]})
            _pipeline_run(env)
            last = ws.query(LAST_QUERY)
            sentinel = _close_streams(url, env)
            heard_unrate = ws.updates_until(unrate, last["dataVersion"])
            heard_gdp = ws.updates_until(gdp, sentinel)

    _assert_heard_the_run(first, heard_unrate, heard_gdp, last, sentinel)


@pytest.mark.parametrize("empty_db_url", [BACKENDS[1]], indirect=True)
def test_one_pipeline_run_reaches_subscribers_of_two_api_processes_through_redis(
    empty_db_url: str, redis_url: str
) -> None:
    """MariaDB, two ``fredpipe serve`` replicas sharing Redis: they poll once an hour, so
    what they push within the test came from the pipeline's Redis messages."""
    channel = private_channel()
    admin = redis.Redis.from_url(redis_url)
    with running_sandbox() as fred_url, ExitStack() as stack:
        env = _env(
            empty_db_url,
            fred_url,
            FREDPIPE_REDIS_URL=redis_url,
            FREDPIPE_VERSION_CHANNEL=channel,
        )
        assert run_cli(["migrate"], env, timeout=120).returncode == 0
        api_env = {**env, "FREDPIPE_VERSION_POLL_SECONDS": "3600"}
        sockets = [
            stack.enter_context(GraphQLWS.connect(stack.enter_context(serving(api_env))))
            for _ in range(2)
        ]
        firsts = [ws.query(FIRST_QUERY)["dataVersion"] for ws in sockets]
        ops = [
            (
                ws.subscribe(DATA_UPDATED, {"ids": ["UNRATE"]}),
                ws.subscribe(DATA_UPDATED, {"ids": ["GDP"]}),
            )
            for ws in sockets
        ]
        wait_until(
            lambda: admin.pubsub_numsub(channel)[0][1] == 2,
            "both replicas' Redis subscriptions",
            seconds=60,
        )
        _pipeline_run(env)
        lasts = [ws.query(LAST_QUERY) for ws in sockets]
        sentinel = _close_streams(empty_db_url, env)
        heard = [
            (ws.updates_until(unrate, last["dataVersion"]), ws.updates_until(gdp, sentinel), last)
            for ws, (unrate, gdp), last in zip(sockets, ops, lasts, strict=True)
        ]
    admin.close()

    for first, (heard_unrate, heard_gdp, last) in zip(firsts, heard, strict=True):
        _assert_heard_the_run(first, heard_unrate, heard_gdp, last, sentinel)
    assert heard[0][:2] == heard[1][:2]  # both replicas pushed the same updates
