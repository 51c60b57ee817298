"""Stand-in marts for forecast tests: ``mart_observations`` and ``dim_series`` as plain tables
with the contract's columns (dbt builds the real ones), and synthetic series of every frequency."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from models import marts
from models.calendar import FREQUENCY_NAMES

_mart_meta = sa.MetaData()
mart_obs = sa.Table(
    marts.OBSERVATIONS,
    _mart_meta,
    sa.Column("series_id", sa.String(64), primary_key=True),
    sa.Column("obs_date", sa.Date, primary_key=True),
    sa.Column("value", sa.Double, nullable=False),
    sa.Column("is_filled", sa.Boolean, nullable=False, server_default=sa.false()),
)
dim = sa.Table(
    marts.DIM_SERIES,
    _mart_meta,
    sa.Column("series_id", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(512)),
    sa.Column("units", sa.String(256)),
    sa.Column("units_short", sa.String(128)),
    sa.Column("frequency", sa.String(64)),
    sa.Column("frequency_short", sa.String(8)),
    sa.Column("seasonal_adjustment", sa.String(128)),
    sa.Column("first_obs_date", sa.Date),
    sa.Column("last_obs_date", sa.Date),
    sa.Column("n_obs", sa.Integer),
    sa.Column("last_ingested_at", sa.DateTime),
)
assert tuple(dim.c.keys()) == marts.DIM_SERIES_COLUMNS
assert tuple(mart_obs.c.keys()) == marts.OBSERVATION_COLUMNS


def load_marts(engine: sa.Engine, series: dict[str, tuple[str, pd.Series]]) -> None:
    """Create the two mart relations (if needed) and add ``series``: id -> (freq, values)."""
    _mart_meta.create_all(engine)
    obs_rows, dim_rows = [], []
    for sid, (freq, y) in series.items():
        y = y.dropna()
        obs_rows += [
            {"series_id": sid, "obs_date": ts.date(), "value": float(v)}
            for ts, v in zip(pd.DatetimeIndex(y.index), y.to_numpy(), strict=True)
        ]
        dim_rows.append(
            {
                "series_id": sid,
                "title": f"{sid} (test)",
                "units": "",
                "units_short": "",
                "frequency": FREQUENCY_NAMES[freq],
                "frequency_short": freq,
                "seasonal_adjustment": "",
                "first_obs_date": y.index.min().date() if len(y) else None,
                "last_obs_date": y.index.max().date() if len(y) else None,
                "n_obs": len(y),
                "last_ingested_at": datetime(2026, 1, 1),
            }
        )
    with engine.begin() as conn:
        conn.execute(dim.insert(), dim_rows)
        for start in range(0, len(obs_rows), 5000):
            conn.execute(mart_obs.insert(), obs_rows[start : start + 5000])


def synthetic_series() -> dict[str, tuple[str, pd.Series]]:
    rng = np.random.default_rng(42)
    days = pd.bdate_range("2021-01-04", periods=700)
    days = days.delete(range(300, 340))  # a 40-business-day outage: the fit starts after it
    months = pd.date_range("2019-01-01", periods=72, freq="MS")
    season = 3 * np.sin(2 * np.pi * np.arange(72) / 12)
    quarters = pd.date_range("2014-01-01", periods=40, freq="QS")
    years = pd.date_range("1995-01-01", periods=30, freq="YS")
    return {
        "SYN_D": ("D", pd.Series(20 + np.cumsum(rng.normal(0, 0.1, len(days))), index=days)),
        "SYN_M": ("M", pd.Series(50 + season + rng.normal(0, 0.3, 72), index=months)),
        "SYN_Q": ("Q", pd.Series(100 + 2 * np.arange(40.0) + rng.normal(0, 1, 40), index=quarters)),
        "SYN_A": ("A", pd.Series(5 + np.cumsum(rng.normal(0, 1, 30)), index=years)),
        "SHORT_M": ("M", pd.Series([3.0, 3.1, 3.3, 3.2, 3.4], index=months[:5])),
        "EMPTY_W": ("W", pd.Series([], index=pd.DatetimeIndex([]), dtype=float)),
    }
