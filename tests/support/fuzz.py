"""Builders for the fuzz suites (``tests/api/test_fuzz_rest.py``, ``test_fuzz_graphql.py``): a
DuckDB database with every mart built from the project's own demo data, a real ``fredpipe
serve`` over it with limits lifted, and the API documents the fuzzers generate requests from.

The database is built the way the pipeline builds it (the demo CSVs loaded as an ingest run,
``dbt build``, a forecast run), so a fuzzed request reaches every mart a real deployment has,
not the hand-made stand-ins of ``tests.support.api_data``. One forecast backtest window and
one worker keep the build to about 20 s.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import graphql
from graphql import introspection_from_schema
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from flows.dbt_runner import dbt_build
from forecasting.runner import ForecastConfig, run_forecasts
from graphql_api.app import create_app
from graphql_api.schema import build_schema
from ingest.csv_import import load_csv
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import load_settings
from sandbox.demo_data import demo_series, write_demo_csvs
from tests.support.auth import PASSWORDS, SECRET, AuthServer, run_users_add
from tests.support.cli import cli_env, run_cli, serving

#: Limits lifted for the fuzz servers. A fuzz run sends a few thousand requests a minute from
#: one address and signs in with random names hundreds of times: at the defaults (600/minute,
#: 10 failed sign-ins a minute) most answers would be 429s, which the OpenAPI document does
#: declare, so they would pass every check while hiding what the request would have found.
#: The limits themselves are tested in tests/api/test_rate_limits.py and tests/api/auth.
LIFTED_LIMITS = {
    "FREDPIPE_RATE_LIMIT": "1000000/minute",
    "FREDPIPE_LOGIN_RATE_LIMIT": "1000000/minute",
}

#: Every run draws the same examples (``derandomize``), so a failure in CI reproduces locally;
#: no deadline (a chart or a cold correlation takes longer than Hypothesis' 200 ms); shrinking
#: is off so a failure costs one report, not minutes of replays against a live server
#: (schemathesis prints the failing request as a curl command, which is what one debugs with).
FUZZ_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    # the data is generated from the API documents: no strategy is too slow or filtered by us
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


#: the demo's series (``sandbox.demo_data``): the fuzzers mix them into the ids they make up,
#: so that requests reach the marts and not only the "unknown indicator" answer
DEMO_IDS = tuple(sorted(demo_series()))
#: each demo series' frequency code, lower case (``d``, ``m``, ``q``)
DEMO_FREQUENCIES = {sid: data.info.frequency_short.lower() for sid, data in demo_series().items()}


def ids_or_made_up(made_up: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A demo series id half the time, else what the fuzzer made up."""
    return st.one_of(st.sampled_from(DEMO_IDS), made_up)


@contextmanager
def demo_marts(directory: Path) -> Iterator[str]:
    """A DuckDB database in ``directory``: the demo series ingested from CSV, ``dbt build``
    run and every series forecast; yields its URL."""
    url = f"duckdb:///{directory / 'fuzz.duckdb'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        series = demo_series()
        for path in write_demo_csvs(directory / "csv"):
            info = asdict(series[path.stem].info)
            metadata = {k: v.isoformat() if isinstance(v, date) else v for k, v in info.items()}
            report = load_csv(engine, path, series_id=path.stem, metadata=metadata)
            assert not report.failed, report.results
        settings_ = load_settings(database_url=url)
        dbt_build(settings_)
        forecast = run_forecasts(
            engine, settings=settings_, config=ForecastConfig(windows=1, ensemble=0), workers=1
        )
        assert forecast.status == "success", forecast
        yield url
    finally:
        engine.dispose()


def server_env(db_url: str, *, allow_anonymous: bool) -> dict[str, str]:
    """A server's environment over ``db_url``: ``LIFTED_LIMITS``, introspection on (the suite
    default), anonymous viewers allowed or not (tokens required, as in production)."""
    return cli_env(
        FREDPIPE_DATABASE_URL=db_url,
        FREDPIPE_JWT_SECRET=SECRET,
        FREDPIPE_ALLOW_ANONYMOUS="true" if allow_anonymous else "false",
        FREDPIPE_CLIENT_DIST_DIR=str(Path("/nonexistent-client")),
        **LIFTED_LIMITS,
    )


def add_accounts(db_url: str) -> tuple[str, str]:
    """The viewer and analyst of ``tests.support.auth.PASSWORDS`` and a machine client, made
    with the real CLI; returns the client's id and secret."""
    env = server_env(db_url, allow_anonymous=False)
    for role, password in PASSWORDS.items():
        made = run_users_add(env, role, role, password)
        assert made.returncode == 0, made.stderr
    client = run_cli(["clients", "add", "fuzz", "--role", "viewer"], env, 120)
    assert client.returncode == 0, client.stderr
    return "fuzz", client.stdout.strip().splitlines()[-1]


@contextmanager
def fuzz_server(
    db_url: str, client: tuple[str, str], *, allow_anonymous: bool
) -> Iterator[AuthServer]:
    """``fredpipe serve`` on ``db_url`` (accounts made by ``add_accounts``) with
    ``server_env``'s settings."""
    env = server_env(db_url, allow_anonymous=allow_anonymous)
    with serving(env) as base:
        yield AuthServer(base, db_url, env, *client)


@dataclass(frozen=True)
class FuzzData:
    """Two copies of one built database, one per fuzz server, and the machine client."""

    anonymous_url: str
    signed_in_url: str
    client: tuple[str, str]


@contextmanager
def fuzz_data(directory: Path) -> Iterator[FuzzData]:
    """``demo_marts`` with ``add_accounts``, copied (``copy_of``) before any server opens it."""
    with demo_marts(directory) as url:
        client = add_accounts(url)
        yield FuzzData(url, copy_of(url, "signed-in"), client)


def copy_of(db_url: str, name: str) -> str:
    """A copy of the DuckDB file of ``db_url`` beside it: each fuzz server gets its own, since
    a DuckDB file admits one process while another holds it, and a server still working on
    an earlier module's request must not stall the next server's start."""
    source = Path(db_url.removeprefix("duckdb:///"))
    target = source.with_name(f"{name}.duckdb")
    shutil.copyfile(source, target)
    return f"duckdb:///{target}"


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document ``fredpipe serve`` publishes at ``/openapi.json``, built in process
    so the fuzz tests can be parametrized per operation when pytest collects them (the suites
    check that the running server serves the same document)."""
    app = create_app(load_settings(database_url="duckdb:///:memory:"))
    return app.openapi()


def graphql_introspection() -> dict[str, Any]:
    """The introspection result of the schema the server runs, from its SDL (the schema's
    own ``introspect`` runs the operation extensions, which need a request)."""
    return dict(introspection_from_schema(graphql.build_schema(build_schema().as_str())))
