"""Known data for the API tests: mart relations created as plain tables (dbt is built
elsewhere) with the contract's columns, plus forecast runs. Helpers only; no tests here.
``mart_observations`` and ``dim_series`` are the stand-ins of ``tests.support.forecast_marts``.
The ``mart_observation_transforms`` stand-in carries the levels (``value``, which LEVEL reads)
and leaves every transform column NULL: the transforms are checked on dbt-built marts
(``tests.support.analytics``), not on hand-made numbers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from fastapi.testclient import TestClient

from bench.readme import example_query
from graphql_api.app import create_app
from graphql_api.cache import Cache, MemoryCache
from models import marts
from models.engine import make_engine
from models.settings import load_settings
from models.tables import forecast_models, forecast_points, forecast_runs
from models.versioning import bump_version
from tests.support.forecast_marts import dim, mart_obs

_meta = sa.MetaData()
STATS = sa.Table(
    marts.SERIES_STATS,
    _meta,
    sa.Column("series_id", sa.String(64), primary_key=True),
    sa.Column("n_obs", sa.Integer),
    *(sa.Column(c, sa.Double) for c in ("mean", "variance", "stddev", "min_value", "max_value")),
    sa.Column("first_obs_date", sa.Date),
    sa.Column("last_obs_date", sa.Date),
)

TRANSFORMS = sa.Table(
    marts.OBSERVATION_TRANSFORMS,
    _meta,
    sa.Column("series_id", sa.String(64), primary_key=True),
    sa.Column("obs_date", sa.Date, primary_key=True),
    sa.Column("value", sa.Double, nullable=False),
    sa.Column("is_filled", sa.Boolean, nullable=False, server_default=sa.false()),
    *(sa.Column(c, sa.Double) for c in marts.TRANSFORM_VALUE_COLUMNS if c != "value"),
)
assert set(marts.TRANSFORM_VALUE_COLUMNS) <= set(TRANSFORMS.c.keys())
assert tuple(TRANSFORMS.c.keys())[:4] == marts.OBSERVATION_COLUMNS

FORECAST_DATES = [date(2021, 7, 1), date(2021, 7, 2), date(2021, 7, 6)]


@dataclass
class Dataset:
    frames: dict[str, pd.DataFrame]  # series id -> columns obs_date (date), value (float)

    def window(self, sid: str, start: date | None, end: date | None) -> pd.DataFrame:
        df = self.frames[sid]
        keep = pd.Series(True, index=df.index)
        if start:
            keep &= df["obs_date"] >= start
        if end:
            keep &= df["obs_date"] <= end
        return df[keep]


def _frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(20240601)
    days = pd.bdate_range("2014-01-01", "2021-06-30")
    dgs10 = 2.5 + np.cumsum(rng.normal(0, 0.03, days.size))
    # DGS2 co-moves with DGS10, starts later and skips every 7th business day.
    dgs2 = 0.4 * dgs10 + np.cumsum(rng.normal(0, 0.02, days.size))
    keep2 = (days >= "2014-06-01") & (np.arange(days.size) % 7 != 0)
    quarters = pd.date_range("2010-01-01", "2021-01-01", freq="QS")
    gdp = 15000 + np.cumsum(rng.normal(100, 50, quarters.size))

    def frame(idx: pd.DatetimeIndex, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"obs_date": [d.date() for d in idx], "value": np.round(values, 4)})

    return {
        "DGS10": frame(days, dgs10),
        "DGS2": frame(days[keep2], dgs2[keep2]),
        "GDP": frame(quarters, gdp),
    }


TITLES = {
    "DGS10": ("Market Yield on U.S. Treasury Securities at 10-Year", "Percent", "%", "Daily", "D"),
    "DGS2": ("Market Yield on U.S. Treasury Securities at 2-Year", "Percent", "%", "Daily", "D"),
    "GDP": ("Gross Domestic Product", "Billions of Dollars", "Bil. of $", "Quarterly", "Q"),
}


def seed(url: str) -> Dataset:
    """Create and fill the marts and two forecast runs; bump the data version to 1."""
    frames = _frames()
    engine = make_engine(url)
    for table in (mart_obs, dim, STATS, TRANSFORMS):
        table.create(engine, checkfirst=True)
    with engine.begin() as conn:
        for sid, df in frames.items():
            rows = [{"series_id": sid, **r} for r in df.to_dict("records")]
            conn.execute(mart_obs.insert(), rows)
            conn.execute(TRANSFORMS.insert(), rows)
            v = df["value"].to_numpy()
            conn.execute(
                STATS.insert(),
                {
                    "series_id": sid,
                    "n_obs": v.size,
                    "mean": float(v.mean()),
                    "variance": float(v.var(ddof=1)),
                    "stddev": float(v.std(ddof=1)),
                    "min_value": float(v.min()),
                    "max_value": float(v.max()),
                    "first_obs_date": df["obs_date"].iloc[0],
                    "last_obs_date": df["obs_date"].iloc[-1],
                },
            )
            title, units, units_short, freq, freq_short = TITLES[sid]
            conn.execute(
                dim.insert(),
                {
                    "series_id": sid,
                    "title": title,
                    "units": units,
                    "units_short": units_short,
                    "frequency": freq,
                    "frequency_short": freq_short,
                    "seasonal_adjustment": "Not Seasonally Adjusted",
                    "first_obs_date": df["obs_date"].iloc[0],
                    "last_obs_date": df["obs_date"].iloc[-1],
                    "n_obs": len(df),
                    "last_ingested_at": datetime(2021, 7, 1, 6, 0),
                },
            )
        _seed_forecasts(conn)
    bump_version(engine, "test-seed")
    engine.dispose()
    return Dataset(frames)


def forecast_values(run: int) -> dict[str, list[float]]:
    mean = [1.5 + run + i / 10 for i in range(len(FORECAST_DATES))]
    return {
        "mean": mean,
        "lower_80": [m - 0.1 for m in mean],
        "upper_80": [m + 0.1 for m in mean],
        "lower_95": [m - 0.2 for m in mean],
        "upper_95": [m + 0.2 for m in mean],
    }


def _seed_forecasts(conn: sa.Connection) -> None:
    """run-old and run-new succeed (new wins); run-broken is newer but failed."""
    runs = [
        ("run-old", datetime(2021, 7, 1, 7), "success", 0),
        ("run-new", datetime(2021, 7, 2, 7), "success", 1),
        ("run-broken", datetime(2021, 7, 3, 7), "failed", 2),
    ]
    for run_id, created, status, n in runs:
        conn.execute(
            forecast_runs.insert(),
            {"run_id": run_id, "created_at": created, "data_version": 1, "status": status},
        )
        vals = forecast_values(n)
        conn.execute(
            forecast_points.insert(),
            [
                {
                    "run_id": run_id,
                    "series_id": sid,
                    "target_date": d,
                    "model": f"ets-{run_id}",
                    **{k: v[i] for k, v in vals.items()},
                }
                for sid in ("DGS10", "DGS2")
                for i, d in enumerate(FORECAST_DATES)
            ],
        )
        conn.execute(
            forecast_models.insert(),
            [
                {
                    "run_id": run_id,
                    "series_id": sid,
                    "model": f"ets-{run_id}",
                    "selected": True,
                    "n_obs": 100,
                }
                for sid in ("DGS10", "DGS2")
            ],
        )


@contextmanager
def api_client(url: str, tmp_path: Path, cache: Cache | None = None) -> Iterator[TestClient]:
    settings = load_settings(database_url=url, client_dist_dir=tmp_path / "no-client")
    app = create_app(settings, cache=cache if cache is not None else MemoryCache(300))
    with TestClient(app) as client:
        yield client


def gql(client: TestClient, query: str, variables: dict[str, object] | None = None) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


EXAMPLE_QUERY = """
{ indicators { id title units frequency }
  indicator(id: "DGS10") {
    observations(start: "2020-01-01", end: "2020-12-31") { dates values }
    stats(start: "2020-01-01", end: "2020-12-31") { count mean variance stddev min max }
    forecast { dates mean lower80 upper80 lower95 upper95 }
  }
  correlation(ids: ["DGS10", "DGS2"], start: "2015-01-01", end: "2020-12-31", basis: DAILY) {
    ids matrix } }
"""

#: The dashboard request of the README's "Asking questions": three daily indicators'
#: downsampled levels, monthly year-on-year changes, technicals, candles, trend and forecast,
#: and their correlation (read from the README, its one home).
DASHBOARD_QUERY = example_query()
