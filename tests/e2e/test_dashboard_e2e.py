"""The dashboard in headless Chromium (Debian's chromium, playwright-core) against the real API
on the sandbox's demo data, after one ``fredpipe pipeline run`` on the embedded default:
every view's traces, accessibility and phone width, the live trends strip around a second
pipeline run, signing in to a server that requires tokens, the load benchmark's measurement
and GraphiQL. Its own module, so it runs beside the API suites of test_pipeline_e2e.py.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.server import running_sandbox
from tests.support.cli import FREDPIPE, REPO, chromium_path, run_cli, serving
from tests.support.databases import IN_CI, fresh_database
from tests.support.e2e import DEMO_IDS, run_pipeline

pytestmark = pytest.mark.e2e


@dataclass
class Deployed:
    env: dict[str, str]


@pytest.fixture(scope="module")
def browser() -> str:
    """Chromium, and a built client for the API to serve."""
    path = chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("chromium is required in CI (.ci/run installs it)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    if not (REPO / "client" / "dist" / "index.html").exists():
        pytest.fail("client/dist is not built: run `make client` (make test does)")
    return path


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    """One pipeline run on the demo data into a DuckDB file, shared by this module's tests."""
    with fresh_database("duckdb", tmp_path_factory.mktemp("dashboard")) as db_url:
        with running_sandbox() as fred_url:
            env = run_pipeline(db_url, fred_url, DEMO_IDS)
        yield Deployed(env)


def _node(
    browser: str, *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", *args],
        cwd=REPO / "client",
        env={**os.environ, "CHROMIUM_PATH": browser, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _browser_check(deployed: Deployed, browser: str, script: str, path: str, shot: Path) -> None:
    """Run a playwright-core script from client/e2e against a served deployment."""
    with serving(deployed.env) as base:
        done = _node(browser, f"e2e/{script}", f"{base}{path}", str(shot))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert shot.stat().st_size > 10_000


def test_the_load_benchmark_measures_the_served_dashboard(
    browser: str, deployment: Deployed
) -> None:
    """``client/e2e/first-chart.mjs`` (``bench.dashboard_load``) reads real timings."""
    with serving(deployment.env) as base:
        done = _node(browser, "e2e/first-chart.mjs", f"{base}/", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    median = json.loads(done.stdout.strip().splitlines()[-1])["median"]
    assert all(isinstance(median[k], int | float) and median[k] > 0 for k in median), median


def test_dashboard_plots_a_chart_in_chromium(
    browser: str, deployment: Deployed, tmp_path: Path
) -> None:
    _browser_check(deployment, browser, "dashboard.mjs", "/", tmp_path / "dashboard.png")


def test_graphiql_runs_a_query_without_leaving_the_origin(
    browser: str, deployment: Deployed, tmp_path: Path
) -> None:
    _browser_check(deployment, browser, "graphiql.mjs", "/graphql", tmp_path / "graphiql.png")


#: the views ``client/e2e/views.mjs`` opens (its VIEW_CASES), each shot at 1280 and 375 px
VIEWS = ("history", "compare", "correlation", "technicals")


def test_each_view_draws_its_traces_accessibly_down_to_375_px(
    browser: str, deployment: Deployed, tmp_path: Path
) -> None:
    """Every view's URL draws the trace types it promises (read from the Plotly graph divs),
    axe-core finds no serious or critical violation, nothing overflows at 375 px."""
    with serving(deployment.env) as base:
        done = _node(
            browser,
            "e2e/views.mjs",
            f"{base}/",
            str(tmp_path),
            timeout=260,
            E2E_TIMEOUT_MS="240000",
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    shots = {p.name for p in tmp_path.glob("*.png")}
    assert shots == {f"{view}{size}.png" for view in VIEWS for size in ("", "-375")}
    for view in VIEWS:
        assert f"{view}: {{" in done.stdout, done.stdout


def test_the_trends_strip_updates_live_when_the_pipeline_lands_data(
    browser: str, deployment: Deployed
) -> None:
    """The page stays open while a pipeline stage lands new data: ``fredpipe forecast --force``
    stores a new forecast run of UNRATE in another process (the cheapest stage that always
    writes; tests/api/test_subscriptions_pipeline.py follows a whole ``pipeline run``). The
    strip shows the new data version, pushed by dataUpdated, without a reload."""
    with serving(deployment.env) as base:
        page = subprocess.Popen(
            ["node", "e2e/live.mjs", f"{base}/"],
            cwd=REPO / "client",
            env={**os.environ, "CHROMIUM_PATH": browser, "E2E_TIMEOUT_MS": "240000"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert page.stdout is not None
            ready = page.stdout.readline()
            assert ready.startswith("READY "), ready + (page.stderr.read() if page.stderr else "")
            run = run_cli(["forecast", "--series", "UNRATE", "--force"], deployment.env)
            assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
            out, err = page.communicate(timeout=120)
        finally:
            if page.poll() is None:
                page.kill()
                page.wait()
    assert page.returncode == 0, out[-3000:] + err[-3000:]
    updated = next(line for line in out.splitlines() if line.startswith("UPDATED "))
    assert int(updated.split()[1]) > int(ready.split()[1])


def test_signing_in_to_a_server_that_requires_tokens(
    browser: str, deployment: Deployed, tmp_path: Path
) -> None:
    env = {
        **deployment.env,
        "FREDPIPE_ALLOW_ANONYMOUS": "false",
        "FREDPIPE_JWT_SECRET": "e2e-only-signing-key-" + "0" * 32,
    }
    password = "correct horse battery staple"
    added = subprocess.run(
        [*FREDPIPE, "users", "add", "analyst-e2e", "--role", "viewer", "--password-stdin"],
        cwd=REPO,
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    with serving(env) as base:
        done = _node(
            browser,
            "e2e/sign-in.mjs",
            f"{base}/",
            str(tmp_path / "sign-in.png"),
            E2E_USER="analyst-e2e",
            E2E_PASSWORD=password,
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "signed in: chart and trends strip loaded" in done.stdout
