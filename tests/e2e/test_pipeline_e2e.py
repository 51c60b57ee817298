"""End to end through the real CLI: sandbox → ``fredpipe pipeline run`` → ``fredpipe serve``.

GraphQL answers are compared with the data the sandbox served (demo data);
``test_real_series_e2e.py`` does the same for real FRED series against pandas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pytest

from sandbox.demo_data import demo_series
from sandbox.server import running_sandbox
from tests.support.api_data import EXAMPLE_QUERY
from tests.support.cli import graphql, run_cli, serving
from tests.support.databases import BACKENDS, fresh_database
from tests.support.e2e import DEMO_IDS, filled, run_pipeline

pytestmark = pytest.mark.e2e

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
