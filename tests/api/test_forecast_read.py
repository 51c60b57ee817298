"""The API's in-snapshot forecast read agrees with the forecasting team's reader."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import forecast_repository
from tests.support.api_data import FORECAST_DATES, forecast_values, seed


def test_repository_matches_forecasting_store(engine: sa.Engine, db_url: str) -> None:
    store = pytest.importorskip("forecasting.store")
    seed(db_url)
    ids = ["DGS10", "DGS2", "GDP"]
    theirs = store.latest_forecasts(engine, ids)
    with engine.connect() as conn:
        ours = forecast_repository.latest_forecasts(conn, ids)
    assert sorted(ours) == sorted(theirs) == ["DGS10", "DGS2"]
    for sid, fc in ours.items():
        assert (
            (fc.run_id, fc.model)
            == (theirs[sid].run_id, theirs[sid].model)
            == (
                "run-new",
                "ets-run-new",
            )
        )
        assert fc.dates == theirs[sid].dates == FORECAST_DATES
        assert fc.mean == pytest.approx(theirs[sid].column("mean"))
        assert fc.upper_95 == pytest.approx(forecast_values(1)["upper_95"])
