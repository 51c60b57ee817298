"""The one reader of stored forecasts (``models.forecast_repository.latest_forecasts``), on
DuckDB and MariaDB, against runs whose points are known from the seed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from models import forecast_repository
from tests.support.api_data import FORECAST_DATES, forecast_values, seed


def test_latest_forecasts_serve_the_newest_successful_run(engine: sa.Engine, db_url: str) -> None:
    # run-old and run-new succeeded (run-new is newer); run-broken is newest but failed.
    seed(db_url)
    with engine.connect() as conn:
        got = forecast_repository.latest_forecasts(conn, ["DGS10", "DGS2", "GDP"])
    assert sorted(got) == ["DGS10", "DGS2"]  # GDP has no forecast
    expected = forecast_values(1)  # the values seeded for run-new
    for sid, fc in got.items():
        assert fc.series_id == sid
        assert (fc.run_id, fc.model) == ("run-new", "ets-run-new")
        assert fc.created_at == datetime(2021, 7, 2, 7, tzinfo=UTC)
        assert fc.dates == FORECAST_DATES
        assert fc.mean == pytest.approx(expected["mean"])
        assert fc.lower_80 == pytest.approx(expected["lower_80"])
        assert fc.upper_80 == pytest.approx(expected["upper_80"])
        assert fc.lower_95 == pytest.approx(expected["lower_95"])
        assert fc.upper_95 == pytest.approx(expected["upper_95"])


def test_latest_forecasts_of_no_ids_is_empty(engine: sa.Engine, db_url: str) -> None:
    seed(db_url)
    with engine.connect() as conn:
        assert forecast_repository.latest_forecasts(conn, []) == {}
        assert forecast_repository.latest_forecasts(conn, ["NOPE"]) == {}
