"""Shared fixtures: a fresh, migrated database per test on DuckDB and (when configured) MariaDB,
the real FRED files, Redis, and the CI guard. Builders live in ``tests.support``."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Under pytest-xdist every worker gets a Prefect home of its own: the flows and the CLI runs
# they start use Prefect's ephemeral server, whose SQLite database lives there, and workers
# sharing one file would race on its migrations and locks. Set before anything imports Prefect.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(
        prefix=f"fredpipe-prefect-{os.environ['PYTEST_XDIST_WORKER']}-"
    )
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.engine import make_engine
from models.migrate import upgrade
from tests.support.cli import SUITE_DEFAULTS
from tests.support.databases import (
    BACKENDS,
    IN_CI,
    MYSQL_URL,
    REAL_DATA_DIR,
    REDIS_URL,
    fresh_database,
)
from tests.support.dbt import RealMarts

# The suites run the API as the demo does (anonymous viewers, GraphQL introspection on) unless
# they test those settings, which turn them off for their own apps and servers
# (tests/api/auth, tests/api/test_query_limits.py); servers and CLI runs inherit this.
for _name, _value in SUITE_DEFAULTS.items():
    os.environ.setdefault(_name, _value)


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
def mysql_db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated MariaDB database, for what only MySQL has (a version memo, replicas
    sharing one database)."""
    if not MYSQL_URL:
        pytest.skip("FREDPIPE_TEST_MYSQL_URL is not set")
    with fresh_database("mysql", tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


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
    from tests.support.dbt import load_real_series

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


def _unreachable_services() -> list[str]:
    """Which configured services do not answer a real round trip (a query, a PING)."""
    import redis

    problems = []
    if MYSQL_URL:
        try:
            engine = sa.create_engine(MYSQL_URL, connect_args={"connect_timeout": 5})
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
            engine.dispose()
        except sa.exc.SQLAlchemyError as exc:
            problems.append(f"MariaDB at FREDPIPE_TEST_MYSQL_URL does not answer: {exc}")
    if REDIS_URL:
        try:
            redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at FREDPIPE_TEST_REDIS_URL does not answer: {exc}")
    if REAL_DATA_DIR and not (Path(REAL_DATA_DIR) / "DGS10.csv").exists():
        problems.append(f"FREDPIPE_REAL_DATA_DIR={REAL_DATA_DIR} holds no DGS10.csv")
    return problems


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI a missing or silent service is a failure, not a skip."""
    if not IN_CI:
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
    problems = _unreachable_services()
    if problems:
        raise pytest.UsageError("CI=true but " + "; ".join(problems))


#: Files whose tests run whole pipelines or dbt builds (minutes each; pytest prints the
#: slowest every run). Under xdist's ``--dist loadfile`` a file runs on one worker from start
#: to end, so these are handed out first and the short files fill the other workers around
#: them, instead of one long file starting last and running alone.
LONG_FILES = (
    "tests/e2e/test_pipeline_e2e.py",
    "tests/e2e/test_real_series_e2e.py",
    "tests/e2e/test_dashboard_e2e.py",
    "tests/api/test_refresh.py",
    "tests/api/test_dbt_docs.py",
    "tests/flows/test_schedule.py",
    "tests/flows/test_cli_forecast.py",
    "tests/flows/test_flows.py",
    "tests/api/test_subscriptions_pipeline.py",
    "tests/transforms/test_fill_incremental.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(LONG_FILES)}

    def first_the_long_files(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return rank.get(path, len(LONG_FILES))

    items.sort(key=first_the_long_files)  # stable: each file keeps its own order
