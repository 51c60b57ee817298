"""Data versions: the series each bump names, the table readers poll, the announcements
(Redis, the DuckDB sidecar) and migration 0003, on both backends."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from models.engine import make_engine
from models.migrate import current_revision, head_revision, upgrade
from models.settings import Settings, load_settings
from models.tables import data_versions
from models.version_events import (
    SIDECAR_BUMPS,
    VersionBump,
    from_message,
    read_sidecar,
    sidecar_path,
    to_message,
)
from models.versioning import MAX_BUMPS_PER_READ, bump_version, bumps_after, current_version
from tests.support.cli import free_port


def _quiet(engine: sa.Engine) -> Settings:
    """Settings that announce nowhere but the sidecar (no Redis)."""
    return load_settings(database_url=engine.url.render_as_string(hide_password=False))


def test_bumps_record_their_series_sorted_and_unique_or_null(engine: sa.Engine) -> None:
    settings = _quiet(engine)
    assert bump_version(engine, "ingest", ["UNRATE", "DGS10", "UNRATE"], settings=settings) == 1
    assert bump_version(engine, "transform", settings=settings) == 2
    assert bump_version(engine, "forecast", [], settings=settings) == 3
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(data_versions.c.version, data_versions.c.series_ids).order_by("version")
        ).all()
        read = bumps_after(conn, 1)
    assert [tuple(r) for r in stored] == [(1, '["DGS10", "UNRATE"]'), (2, None), (3, "[]")]
    assert [(b.version, b.stage, b.series_ids) for b in read] == [
        (2, "transform", None),
        (3, "forecast", ()),
    ]
    assert all(b.at.tzinfo is not None for b in read)


def test_bumps_after_returns_the_newest_when_far_behind(engine: sa.Engine) -> None:
    rows = [
        {"version": v, "stage": "ingest", "created_at": datetime(2026, 1, 1), "series_ids": None}
        for v in range(1, MAX_BUMPS_PER_READ + 11)
    ]
    with engine.begin() as conn:
        conn.execute(data_versions.insert(), rows)
    with engine.connect() as conn:
        read = bumps_after(conn, 0)
        assert current_version(conn) == MAX_BUMPS_PER_READ + 10
    assert [b.version for b in read] == list(range(11, MAX_BUMPS_PER_READ + 11))


def test_a_string_is_not_a_list_of_series(engine: sa.Engine) -> None:
    with pytest.raises(TypeError, match="not one string"):
        bump_version(engine, "ingest", "DGS10", settings=_quiet(engine))


def test_duckdb_bumps_keep_their_last_announcements_beside_the_file(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'side.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = _quiet(engine)
    for i in range(SIDECAR_BUMPS + 3):
        bump_version(engine, "ingest", [f"S{i}"], settings=settings)
    path = sidecar_path(engine)
    engine.dispose()

    assert path == (tmp_path / "side.duckdb.versions.json").resolve()
    kept = read_sidecar(path)
    assert [b.version for b in kept] == list(range(4, SIDECAR_BUMPS + 4))
    assert kept[-1].series_ids == (f"S{SIDECAR_BUMPS + 2}",)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_no_sidecar_for_mysql_or_memory() -> None:
    assert sidecar_path(make_engine("duckdb:///:memory:")) is None
    assert sidecar_path(make_engine("mysql+pymysql://u@127.0.0.1/db")) is None


def test_a_bump_is_published_on_the_configured_redis_channel(
    engine: sa.Engine, redis_url: str
) -> None:
    channel = f"fredpipe-test:{uuid.uuid4().hex}"
    settings = load_settings(
        database_url=engine.url.render_as_string(hide_password=False),
        redis_url=redis_url,
        version_channel=channel,
    )
    listener = redis.Redis.from_url(redis_url)
    pubsub = listener.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel)
    try:
        version = bump_version(engine, "forecast", ["DGS2"], settings=settings)
        message = None
        for _ in range(50):
            message = pubsub.get_message(timeout=0.1)
            if message is not None:
                break
    finally:
        pubsub.close()
        listener.close()

    assert message is not None and message["channel"] == channel.encode()
    heard = from_message(message["data"])
    assert heard is not None
    assert (heard.version, heard.stage, heard.series_ids) == (version, "forecast", ("DGS2",))
    # the time announced is the time a poll of the table reads back (MySQL keeps no fraction)
    with engine.connect() as conn:
        (polled,) = bumps_after(conn, version - 1)
    assert heard == polled and heard.at.microsecond == 0


def test_redis_down_does_not_fail_the_stage_that_bumped(engine: sa.Engine) -> None:
    settings = load_settings(
        database_url=engine.url.render_as_string(hide_password=False),
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
    )
    assert bump_version(engine, "ingest", ["GDP"], settings=settings) == 1
    with engine.connect() as conn:
        assert current_version(conn) == 1


def test_messages_round_trip_and_malformed_ones_are_ignored() -> None:
    bump_ = VersionBump(7, "ingest", ("A", "B"), datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    assert from_message(json.dumps(to_message(bump_))) == bump_
    for bad in ("not json", "{}", '{"version": "x", "stage": "s", "at": "2026-01-01"}'):
        assert from_message(bad) is None


def test_touches_reads_unknown_series_as_all() -> None:
    at = datetime(2026, 12, 7, tzinfo=UTC)
    known = VersionBump(1, "ingest", ("DGS10",), at)
    unknown = VersionBump(2, "transform", None, at)
    assert known.touches(None) and known.touches(frozenset({"DGS10", "GDP"}))
    assert not known.touches(frozenset({"GDP"}))
    assert unknown.touches(frozenset({"GDP"}))


def test_migration_0003_adds_the_series_column_to_an_older_database(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine, "0002")
    with engine.begin() as conn:  # 0001 builds today's tables: make it the old shape
        conn.execute(sa.text("alter table data_versions drop column series_ids"))
    upgrade(engine)
    revision = current_revision(engine)
    version = bump_version(engine, "ingest", ["DGS10"], settings=_quiet(engine))
    with engine.connect() as conn:
        stored: str | None = conn.execute(sa.select(data_versions.c.series_ids)).scalar_one()
    engine.dispose()

    assert revision == head_revision() and version == 1 and stored == '["DGS10"]'
