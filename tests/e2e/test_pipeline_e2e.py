"""End to end through the real CLI: sandbox → ``fredpipe pipeline run`` → ``fredpipe serve``.

GraphQL answers are compared with the data the sandbox served (demo data);
``test_real_series_e2e.py`` does the same for real FRED series against pandas.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sandbox.demo_data import demo_series
from sandbox.server import running_sandbox
from tests.support.api_data import EXAMPLE_QUERY
from tests.support.cli import FREDPIPE, REPO, chromium_path, graphql, run_cli, serving
from tests.support.databases import BACKENDS, IN_CI, fresh_database
from tests.support.e2e import filled, run_pipeline

pytestmark = pytest.mark.e2e

DEMO_IDS = ["DGS10", "DGS2", "UNRATE", "GDP"]
REAL_IDS = ["DGS10", "DGS2", "UNRATE"]


@dataclass
class Deployed:
    env: dict[str, str]
    backend: str


@pytest.fixture(scope="module", params=BACKENDS)
def demo_deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployed]:
    """One pipeline run per backend on the sandbox's demo data, shared by this module's tests."""
    with fresh_database(request.param, tmp_path_factory.mktemp("e2e")) as db_url:
        with running_sandbox() as fred_url:
            env = run_pipeline(db_url, fred_url, DEMO_IDS)
        yield Deployed(env, request.param)


def _demo_values(series_id: str, start: date, end: date) -> tuple[list[str], list[float]]:
    demo = demo_series()[series_id].observations
    obs = [(d, None if v == "." else float(v)) for d, v in demo]
    rows = [(d, v) for d, v in filled(series_id, obs) if start <= d <= end and v is not None]
    return [d.isoformat() for d, _ in rows], [float(v) for _, v in rows]


def test_graphql_answers_equal_the_sandbox_data(demo_deployment: Deployed) -> None:
    with serving(demo_deployment.env) as base:
        body = graphql(base, EXAMPLE_QUERY)
    assert "errors" not in body, body
    data = body["data"]
    assert isinstance(data, dict)
    assert {i["id"] for i in data["indicators"]} == set(DEMO_IDS)

    dates, values = _demo_values("DGS10", date(2020, 1, 1), date(2020, 12, 31))
    observations = data["indicator"]["observations"]
    assert observations["dates"] == dates
    assert observations["values"] == pytest.approx(values, rel=1e-12)

    stats = data["indicator"]["stats"]
    arr = np.array(values)
    assert stats["count"] == len(arr)
    assert stats["mean"] == pytest.approx(arr.mean(), rel=1e-9)
    assert stats["variance"] == pytest.approx(arr.var(ddof=1), rel=1e-9)
    assert stats["stddev"] == pytest.approx(arr.std(ddof=1), rel=1e-9)
    assert (stats["min"], stats["max"]) == (arr.min(), arr.max())

    forecast = data["indicator"]["forecast"]
    assert len(forecast["dates"]) == len(forecast["mean"]) > 0
    # The forecast continues the stored history: it starts right after the last demo
    # observation of DGS10 (a weekend or holiday apart at most), one point per business day.
    history_dates, _ = _demo_values("DGS10", date.min, date.max)
    last_observed = date.fromisoformat(history_dates[-1])
    first_forecast = date.fromisoformat(forecast["dates"][0])
    assert 0 < (first_forecast - last_observed).days <= 4, (last_observed, first_forecast)
    assert forecast["dates"] == sorted(set(forecast["dates"]))
    assert len(forecast["dates"]) == 30  # the daily horizon: 30 business days
    for lo95, lo80, mean, hi80, hi95 in zip(
        forecast["lower95"],
        forecast["lower80"],
        forecast["mean"],
        forecast["upper80"],
        forecast["upper95"],
        strict=True,
    ):
        assert lo95 <= lo80 <= mean <= hi80 <= hi95

    corr = data["correlation"]
    a = pd.Series(
        dict(zip(*_demo_values("DGS10", date(2015, 1, 1), date(2020, 12, 31)), strict=True))
    )
    b = pd.Series(
        dict(zip(*_demo_values("DGS2", date(2015, 1, 1), date(2020, 12, 31)), strict=True))
    )
    expected = a.corr(b)
    assert corr["ids"] == ["DGS10", "DGS2"]
    assert corr["matrix"][0][0] == pytest.approx(1.0)
    assert corr["matrix"][0][1] == pytest.approx(expected, rel=1e-9)
    assert corr["matrix"][1][0] == pytest.approx(expected, rel=1e-9)


def test_bad_requests_are_graphql_errors_not_500(demo_deployment: Deployed) -> None:
    with serving(demo_deployment.env) as base:
        unknown = graphql(base, '{ indicator(id: "NOPE") { id } }')
        inverted = graphql(
            base,
            '{ indicator(id: "DGS10") { stats(start: "2021-01-01", end: "2020-01-01") '
            "{ count } } }",
        )
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    assert "NOPE" in unknown["errors"][0]["message"]  # type: ignore[index]
    assert inverted["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # type: ignore[index]


def test_rerunning_the_pipeline_adds_no_rows(demo_deployment: Deployed) -> None:
    import sqlalchemy as sa

    from models.engine import make_engine

    engine = make_engine(demo_deployment.env["FREDPIPE_DATABASE_URL"])
    count = sa.text("select count(*) from raw_observations")
    with engine.connect() as conn:
        before = conn.execute(count).scalar_one()
    engine.dispose()
    with running_sandbox() as fred_url:
        env = {**demo_deployment.env, "FREDPIPE_FRED_BASE_URL": str(fred_url)}
        done = run_cli(["pipeline", "run", "--series", ",".join(DEMO_IDS)], env)
    assert done.returncode == 0, done.stderr[-3000:]
    with engine.connect() as conn:
        assert conn.execute(count).scalar_one() == before
    engine.dispose()


def _browser_for(deployed: Deployed) -> str:
    """Chromium for the browser checks, which run once, on the embedded default, with the
    client built."""
    if deployed.backend != "duckdb":
        pytest.skip("the browser checks run once, on the embedded default")
    browser = chromium_path()
    if browser is None:
        if IN_CI:
            pytest.fail("chromium is required in CI (.ci/run installs it)")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    if not (REPO / "client" / "dist" / "index.html").exists():
        pytest.fail("client/dist is not built: run `make client` (make test does)")
    return browser


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


def _browser_check(deployed: Deployed, script: str, path: str, shot: Path) -> None:
    """Run a playwright-core script from client/e2e against a served deployment."""
    browser = _browser_for(deployed)
    with serving(deployed.env) as base:
        done = _node(browser, f"e2e/{script}", f"{base}{path}", str(shot))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert shot.stat().st_size > 10_000


def test_the_load_benchmark_measures_the_served_dashboard(demo_deployment: Deployed) -> None:
    """``client/e2e/first-chart.mjs`` (``bench.dashboard_load``) reads real timings."""
    browser = _browser_for(demo_deployment)
    with serving(demo_deployment.env) as base:
        done = _node(browser, "e2e/first-chart.mjs", f"{base}/", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    median = json.loads(done.stdout.strip().splitlines()[-1])["median"]
    assert all(isinstance(median[k], int | float) and median[k] > 0 for k in median), median


def test_dashboard_plots_a_chart_in_chromium(demo_deployment: Deployed, tmp_path: Path) -> None:
    _browser_check(demo_deployment, "dashboard.mjs", "/", tmp_path / "dashboard.png")


def test_graphiql_runs_a_query_without_leaving_the_origin(
    demo_deployment: Deployed, tmp_path: Path
) -> None:
    _browser_check(demo_deployment, "graphiql.mjs", "/graphql", tmp_path / "graphiql.png")


#: the views ``client/e2e/views.mjs`` opens (its VIEW_CASES), each shot at 1280 and 375 px
VIEWS = ("history", "compare", "correlation", "technicals")


def test_each_view_draws_its_traces_accessibly_down_to_375_px(
    demo_deployment: Deployed, tmp_path: Path
) -> None:
    """Every view's URL draws the trace types it promises (read from the Plotly graph divs),
    axe-core finds no serious or critical violation, nothing overflows at 375 px."""
    browser = _browser_for(demo_deployment)
    with serving(demo_deployment.env) as base:
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


def test_the_trends_strip_updates_live_when_the_pipeline_runs(demo_deployment: Deployed) -> None:
    """The page stays open while a real ``fredpipe pipeline run`` lands data; its strip shows
    the new data version, pushed by dataUpdated, without a reload."""
    browser = _browser_for(demo_deployment)
    with serving(demo_deployment.env) as base:
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
            with running_sandbox() as fred_url:
                env = {**demo_deployment.env, "FREDPIPE_FRED_BASE_URL": str(fred_url)}
                run = run_cli(["pipeline", "run", "--series", "UNRATE"], env)
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
    demo_deployment: Deployed, tmp_path: Path
) -> None:
    browser = _browser_for(demo_deployment)
    env = {
        **demo_deployment.env,
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
