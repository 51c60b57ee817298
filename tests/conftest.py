"""Shared fixtures: a fresh, migrated database per test on DuckDB and (when configured) MariaDB.

MariaDB/MySQL tests run when ``FREDPIPE_TEST_MYSQL_URL`` is set (CI sets it); each test gets a
database of its own so suites can run side by side. Real connections only, no mocks.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from models.engine import make_engine
from models.migrate import upgrade
from tests.dbt_support import RealMarts

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


def _drop_mysql_database(admin: sa.Engine, url: str) -> None:
    name = make_url(url).database
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


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


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a fresh, empty database (no tables) on each backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A URL to a fresh database with every migration applied."""
    engine = make_engine(empty_db_url)
    upgrade(engine)
    engine.dispose()
    return empty_db_url


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def real_data_dir() -> Path:
    if not REAL_DATA_DIR:
        pytest.skip("FREDPIPE_REAL_DATA_DIR is not set (points at ../shared/fred)")
    path = Path(REAL_DATA_DIR)
    if not (path / "DGS10.csv").exists():
        pytest.fail(f"FREDPIPE_REAL_DATA_DIR={path} holds no DGS10.csv")
    return path


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("FREDPIPE_TEST_REDIS_URL is not set")
    return REDIS_URL


@pytest.fixture(scope="session", params=BACKENDS)
def real_marts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RealMarts]:
    """Every real series of ``FREDPIPE_REAL_DATA_DIR`` loaded and built by dbt (default vars),
    once per backend and session; golden tests read it and never write."""
    from flows.dbt_runner import dbt_build
    from models.settings import load_settings
    from tests.dbt_support import load_real_series

    if not REAL_DATA_DIR:
        pytest.skip("FREDPIPE_REAL_DATA_DIR is not set (points at ../shared/fred)")
    with fresh_database(request.param, tmp_path_factory.mktemp("real_marts")) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            series = load_real_series(engine, Path(REAL_DATA_DIR))
            result = dbt_build(load_settings(database_url=url))
            with engine.connect() as conn:
                meta = conn.execute(
                    sa.text("select series_id, frequency, frequency_short from raw_series")
                ).all()
            yield RealMarts(
                backend=request.param,
                url=url,
                engine=engine,
                result=result,
                series=series,
                frequency={sid: short for sid, _, short in meta},
                frequency_name={sid: name for sid, name, _ in meta},
            )
        finally:
            engine.dispose()


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI a missing service is a failure, not a skip."""
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    missing = [
        name
        for name, value in (
            ("FREDPIPE_TEST_MYSQL_URL", MYSQL_URL),
            ("FREDPIPE_TEST_REDIS_URL", REDIS_URL),
            ("FREDPIPE_REAL_DATA_DIR", REAL_DATA_DIR),
        )
        if not value
    ]
    if missing:
        raise pytest.UsageError(f"CI=true but {', '.join(missing)} not set: .ci/run sets them")
