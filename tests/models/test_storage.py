from __future__ import annotations

import sqlalchemy as sa

from models.engine import make_engine
from models.migrate import current_revision, head_revision, upgrade
from models.settings import SettingsError, load_settings
from models.versioning import bump_version


def test_migrations_create_tables_and_are_idempotent(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine)
    upgrade(engine)
    names = set(sa.inspect(engine).get_table_names())
    assert {
        "raw_series",
        "raw_observations",
        "ingest_runs",
        "forecast_points",
        "forecast_backtests",
        "data_versions",
    } <= names
    assert current_revision(engine) == head_revision() == "0004"
    engine.dispose()


def test_observation_key_keeps_revisions(engine: sa.Engine) -> None:
    from datetime import date, datetime

    from models.tables import raw_observations

    row = {
        "series_id": "GDP",
        "obs_date": date(2020, 1, 1),
        "realtime_end": date(9999, 12, 31),
        "ingested_at": datetime(2024, 1, 1),
    }
    with engine.begin() as conn:
        conn.execute(
            raw_observations.insert(),
            [
                {**row, "realtime_start": date(2020, 4, 29), "value": 21727.7},
                {**row, "realtime_start": date(2020, 5, 28), "value": 21729.1},
                {
                    **row,
                    "obs_date": date(2020, 4, 1),
                    "realtime_start": date(2020, 7, 30),
                    "value": None,
                },
            ],
        )
        values = (
            conn.execute(
                sa.select(raw_observations.c.value).order_by(
                    raw_observations.c.obs_date, raw_observations.c.realtime_start
                )
            )
            .scalars()
            .all()
        )
    assert values == [21727.7, 21729.1, None]


def test_data_version_is_monotonic(engine: sa.Engine) -> None:
    assert [bump_version(engine, "ingest") for _ in range(3)] == [1, 2, 3]


def test_settings_reject_bad_database_url_in_one_line() -> None:
    try:
        load_settings(database_url="postgres://x/y")
    except SettingsError as exc:
        assert "\n" not in str(exc)
        assert "FREDPIPE_DATABASE_URL" in str(exc)
    else:
        raise AssertionError("bad URL accepted")


def test_settings_accept_plain_fred_api_key_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FRED_API_KEY", "abcdefghijklmnopqrstuvwxyz012345")
    assert load_settings().fred_api_key == "abcdefghijklmnopqrstuvwxyz012345"
