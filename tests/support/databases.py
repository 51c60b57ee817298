"""Test databases on both backends: a fresh DuckDB file or a fresh MariaDB database per use.

MariaDB/MySQL runs when ``FREDPIPE_TEST_MYSQL_URL`` is set (CI sets it); each use gets a
database of its own so suites can run side by side. Real connections only, no mocks.
"""

from __future__ import annotations

import contextlib
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

#: The one definition of "running in CI": there a missing service fails instead of skipping.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
MYSQL_URL = os.environ.get("FREDPIPE_TEST_MYSQL_URL")
REDIS_URL = os.environ.get("FREDPIPE_TEST_REDIS_URL")
REAL_DATA_DIR = os.environ.get("FREDPIPE_REAL_DATA_DIR")

BACKENDS = [
    "duckdb",
    pytest.param(
        "mysql",
        marks=[
            pytest.mark.mysql,
            pytest.mark.skipif(not MYSQL_URL, reason="FREDPIPE_TEST_MYSQL_URL is not set"),
        ],
    ),
]


def _fresh_mysql_database() -> tuple[str, sa.Engine]:
    assert MYSQL_URL
    admin = sa.create_engine(MYSQL_URL)
    name = f"fp_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    url = make_url(MYSQL_URL).set(database=name).render_as_string(hide_password=False)
    return url, admin


#: how long DROP DATABASE may wait for a metadata lock before the sessions holding one are
#: killed (idle sessions hold none and never delay it)
LOCK_WAIT_SECONDS = 5


def _drop_mysql_database(admin: sa.Engine, url: str) -> None:
    """Drop the database. DROP DATABASE waits for every metadata lock on its tables, and a
    session left inside in an open transaction (a connection still checked out when an app's
    engine was disposed) would make it wait for ever; after ``LOCK_WAIT_SECONDS`` the sessions
    still in the database are killed, reported as a warning, and the drop is retried."""
    name = make_url(url).database
    drop = sa.text(f"DROP DATABASE IF EXISTS `{name}`")
    with admin.connect() as conn:
        conn.execute(sa.text(f"SET SESSION lock_wait_timeout = {LOCK_WAIT_SECONDS}"))
        try:
            conn.execute(drop)
        except sa.exc.OperationalError:  # 1205: a lock wait timeout
            conn.rollback()
            lingering = _sessions_in(conn, name)
            for session_id in lingering:
                with contextlib.suppress(sa.exc.DBAPIError):  # it may have ended meanwhile
                    conn.execute(sa.text(f"KILL {int(session_id)}"))
            warnings.warn(
                f"DROP DATABASE {name} was blocked; killed {len(lingering)} session(s) in it",
                stacklevel=1,
            )
            conn.execute(drop)
        conn.commit()
    admin.dispose()


def _sessions_in(conn: sa.Connection, name: str | None) -> list[int]:
    rows = conn.execute(
        sa.text(
            "SELECT id FROM information_schema.processlist "
            "WHERE db = :name AND id <> connection_id()"
        ),
        {"name": name},
    )
    return [int(r[0]) for r in rows]


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """A URL to a new, empty database: a DuckDB file in ``directory`` or a MariaDB database."""
    if backend == "duckdb":
        yield f"duckdb:///{directory / 'test.duckdb'}"
        return
    url, admin = _fresh_mysql_database()
    try:
        yield url
    finally:
        _drop_mysql_database(admin, url)
