"""``graphql_api.events``: fan-out, slow subscribers, the poll sources and stopping, without a
server (the websocket paths are in ``test_subscriptions``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from graphql_api.events import (
    REDIS_MAX_BACKOFF_SECONDS,
    SidecarPoll,
    Subscriber,
    TablePoll,
    VersionFeed,
    poll_source,
)
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import load_settings
from models.version_events import VersionBump, publish, sidecar_path
from models.versioning import bump_version
from tests.support.cli import free_port
from tests.support.graphql_ws import private_channel
from tests.support.redis_server import redis_server, redis_server_binary

AT = datetime(2026, 12, 7, tzinfo=UTC)


def _bump(version: int, *series: str) -> VersionBump:
    return VersionBump(version, "ingest", series or None, AT)


async def _drain(sub: Subscriber) -> list[int]:
    return [b.version async for b in sub.updates()]


def test_a_slow_subscriber_loses_its_oldest_updates_not_the_newest() -> None:
    async def main() -> tuple[list[int], int]:
        sub = Subscriber(None, size=3)
        for v in range(1, 6):
            sub.offer(_bump(v))
        sub.offer(None)  # the end of the stream takes a slot too
        return await _drain(sub), sub.dropped

    versions, dropped = asyncio.run(main())
    assert versions == [4, 5] and dropped == 3


def test_deliver_fans_out_by_series_and_only_newer_versions(tmp_path: Path) -> None:
    settings = load_settings(database_url="duckdb:///:memory:")
    feed = VersionFeed(settings, make_engine(settings.database_url))

    async def main() -> tuple[list[bool], list[int], list[int], int]:
        async with feed.subscribe(None) as everything, feed.subscribe(frozenset({"GDP"})) as gdp:
            delivered = [
                feed.deliver(_bump(2, "DGS10")),
                feed.deliver(_bump(2, "DGS10")),  # heard twice (Redis and poll)
                feed.deliver(_bump(1, "GDP")),  # older than what was delivered
                feed.deliver(_bump(3, "GDP", "DGS2")),
                feed.deliver(_bump(4)),  # series unknown: touches all
            ]
            await feed.stop()
            inside = feed.subscriber_count
            return delivered, await _drain(everything), await _drain(gdp), inside

    delivered, everything, gdp, inside = asyncio.run(main())
    assert delivered == [True, False, False, True, True]
    assert everything == [2, 3, 4] and gdp == [3, 4]
    assert inside == 2 and feed.subscriber_count == 0


def test_stop_cancels_the_listeners_and_ends_every_stream(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'feed.duckdb'}"
    settings = load_settings(database_url=url, version_poll_seconds=0.05)
    engine = make_engine(url)
    upgrade(engine)
    feed = VersionFeed(settings, engine)

    async def main() -> tuple[bool, list[int]]:
        await feed.start()
        async with feed.subscribe(None) as sub:
            while feed.latest is None:
                await asyncio.sleep(0.01)
            await asyncio.to_thread(bump_version, engine, "ingest", ["A"], settings=settings)
            first = await asyncio.wait_for(anext(sub.updates()), 10)
            running = feed.listening
            await feed.stop()
            rest = await asyncio.wait_for(_drain(sub), 10)
        return running, [first.version, *rest]

    running, versions = asyncio.run(main())
    engine.dispose()
    assert running and not feed.listening and versions == [1]


def test_the_sidecar_poll_reads_only_after_the_file_changed(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'poll.duckdb'}"
    settings = load_settings(database_url=url)
    engine = make_engine(url)
    upgrade(engine)
    bump_version(engine, "ingest", ["A"], settings=settings)
    source = poll_source(engine)
    assert isinstance(source, SidecarPoll) and source.path == sidecar_path(engine)

    baseline = source.baseline()
    unchanged = source.poll(baseline)
    bump_version(engine, "transform", settings=settings)
    bump_version(engine, "forecast", ["A"], settings=settings)
    changed = source.poll(baseline)
    again = source.poll(changed[-1].version)
    engine.dispose()

    assert baseline == 1 and unchanged == [] and again == []
    assert [(b.version, b.series_ids) for b in changed] == [(2, None), (3, ("A",))]


def test_the_table_poll_reads_newer_bumps(engine: sa.Engine) -> None:
    settings = load_settings(database_url=engine.url.render_as_string(hide_password=False))
    source = TablePoll(engine)
    baseline = source.baseline()
    bump_version(engine, "ingest", ["B", "A"], settings=settings)
    read = source.poll(baseline)
    assert baseline == 0 and [(b.version, b.series_ids) for b in read] == [(1, ("A", "B"))]
    if engine.dialect.name != "duckdb":
        assert isinstance(poll_source(engine), TablePoll)


def test_the_redis_listener_backs_off_until_redis_comes_up_then_delivers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Redis is down when the feed starts: each failed attempt is logged with a wait that
    grows exponentially (0.2 s doubling, plus up to 1 s of jitter, capped); once a real
    server appears on that port the listener subscribes and delivers what is published."""
    redis_server_binary()
    port = free_port()
    settings = load_settings(
        database_url="duckdb:///:memory:",  # no poll source: only Redis can deliver
        redis_url=f"redis://127.0.0.1:{port}/0",
        version_channel=private_channel(),
    )
    feed = VersionFeed(settings, make_engine(settings.database_url))
    caplog.set_level(logging.WARNING, logger="fredpipe.api.events")

    def retries() -> list[tuple[int, float]]:
        return [
            (int(r.args[0]), float(r.args[1]))  # type: ignore[index]
            for r in caplog.records
            if r.getMessage().startswith("Redis unreachable for data versions")
        ]

    async def until(condition: Callable[[], bool], what: str) -> None:
        async def wait() -> None:
            while not condition():
                await asyncio.sleep(0.05)

        try:
            await asyncio.wait_for(wait(), 30)
        except TimeoutError:
            pytest.fail(f"timed out waiting for {what}")

    async def main() -> tuple[bool, VersionBump]:
        await feed.start()
        async with feed.subscribe(frozenset({"DGS2"})) as sub:
            await until(lambda: len(retries()) >= 3, "three failed attempts")
            connected_while_down = feed.redis_connected
            with redis_server(port):
                await until(lambda: feed.redis_connected, "the Redis subscription")
                bump = VersionBump(5, "ingest", ("DGS2",), AT)
                assert await asyncio.to_thread(publish, settings, bump)
                heard = await asyncio.wait_for(anext(sub.updates()), 10)
                await feed.stop()
        return connected_while_down, heard

    connected_while_down, heard = asyncio.run(main())
    attempts = retries()
    assert not connected_while_down and heard == _bump(5, "DGS2")
    assert [n for n, _ in attempts] == list(range(1, len(attempts) + 1))
    for n, wait in attempts:
        floor = min(0.2 * 2 ** (n - 1), REDIS_MAX_BACKOFF_SECONDS)
        assert floor <= wait <= min(floor + 1.0, REDIS_MAX_BACKOFF_SECONDS), (n, wait)
    assert not feed.listening and not feed.redis_connected
