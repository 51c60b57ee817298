"""``models.trend_repository`` on both backends: catalog series without observations have a row
of NULLs, ids outside the catalog have none (the API's NOT_FOUND), one statement for any ids."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from models import marts, trend_repository
from models.trend_repository import SeriesTrend
from tests.support.forecast_marts import dim

_meta = sa.MetaData()
TRENDS = sa.Table(
    marts.SERIES_TRENDS,
    _meta,
    sa.Column("series_id", sa.String(64), primary_key=True),
    sa.Column("latest_date", sa.Date),
    *(sa.Column(c, sa.Double) for c in marts.TREND_COLUMNS[2:-2]),
    sa.Column("n_obs_1y", sa.Integer),
    sa.Column("zscore_1y", sa.Double),
)
assert tuple(TRENDS.c.keys()) == marts.TREND_COLUMNS


def _seed(engine: sa.Engine) -> None:
    dim.create(engine, checkfirst=True)
    _meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(dim.insert(), [{"series_id": "AAA"}, {"series_id": "EMPTY"}])
        conn.execute(
            TRENDS.insert(),
            {
                "series_id": "AAA",
                "latest_date": date(2024, 5, 31),
                "latest_value": 4.5,
                "change_1d": 0.25,
                "change_ytd": None,
                "n_obs_1y": 250,
                "zscore_1y": -1.5,
            },
        )


def test_catalog_series_without_data_have_null_rows(engine: sa.Engine) -> None:
    _seed(engine)
    with engine.connect() as conn:
        everything = trend_repository.trends(conn, None)
        chosen = trend_repository.trends(conn, ["EMPTY", "NOPE", "AAA"])
        nothing = trend_repository.trends(conn, [])
    assert list(everything) == ["AAA", "EMPTY"]
    assert everything["EMPTY"] == SeriesTrend("EMPTY")
    got = everything["AAA"]
    assert (got.latest_date, got.latest_value, got.change_1d) == (date(2024, 5, 31), 4.5, 0.25)
    assert (got.change_ytd, got.zscore_1y) == (None, -1.5)
    assert set(chosen) == {"AAA", "EMPTY"}  # NOPE is not in the catalog
    assert nothing == {}
