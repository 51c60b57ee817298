"""End to end on real FRED series (``FREDPIPE_REAL_DATA_DIR``): sandbox → ``fredpipe pipeline
run`` → ``fredpipe serve``, with the GraphQL answers checked against an independent pandas
computation from the CSV files. (A file of its own so xdist runs it beside the demo
pipeline's file.)"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from sandbox.server import running_sandbox
from tests.support.cli import graphql, serving
from tests.support.databases import BACKENDS, fresh_database
from tests.support.e2e import filled, run_pipeline

pytestmark = pytest.mark.e2e

REAL_IDS = ["DGS10", "DGS2", "UNRATE"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_real_series_match_pandas(backend: str, real_data_dir: Path, tmp_path: Path) -> None:
    query = """query($id: ID!) { indicator(id: $id) {
        observations(start: "1990-01-01", end: "2019-12-31") { dates values }
        stats(start: "1990-01-01", end: "2019-12-31") { count mean variance } } }"""
    with fresh_database(backend, tmp_path) as db_url:
        with running_sandbox(data_dir=real_data_dir) as fred_url:
            env = run_pipeline(db_url, fred_url, REAL_IDS)
        with serving(env) as base:
            answers = {sid: graphql(base, query, {"id": sid}) for sid in REAL_IDS}
    for sid, body in answers.items():
        assert "errors" not in body, body
        raw = pd.read_csv(real_data_dir / f"{sid}.csv", na_values=".", parse_dates=["date"])
        pairs = [
            (d.date(), None if math.isnan(v) else float(v))
            for d, v in zip(raw.date, raw.value, strict=True)
        ]
        frame = pd.DataFrame(filled(sid, pairs), columns=["date", "value"])
        frame["date"] = pd.to_datetime(frame["date"])
        frame["value"] = frame["value"].astype(float)
        window = frame[(frame.date >= "1990-01-01") & (frame.date <= "2019-12-31")].dropna()
        got = body["data"]["indicator"]  # type: ignore[index]
        assert got["observations"]["dates"] == [d.strftime("%Y-%m-%d") for d in window.date]
        assert got["observations"]["values"] == pytest.approx(window.value.tolist(), rel=1e-12)
        assert got["stats"]["count"] == len(window)
        assert math.isclose(got["stats"]["mean"], window.value.mean(), rel_tol=1e-9)
        assert math.isclose(got["stats"]["variance"], window.value.var(ddof=1), rel_tol=1e-9)
