"""Incremental ingest planning, the last-date reader, and what an incremental run fetches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from flows import stages
from ingest.incremental import last_observation_dates, plan_starts
from ingest.run_records import SeriesResult
from models.engine import make_engine
from models.settings import SANDBOX_API_KEY, load_settings, use_settings
from models.tables import raw_observations
from sandbox.server import running_sandbox


def test_plan_starts_goes_back_the_lookback_from_the_last_observation() -> None:
    last = {"DGS10": date(2024, 3, 31), "GDP": date(2024, 1, 1), "NEW": None}

    assert plan_starts(last, 30, full=False) == {
        "DGS10": date(2024, 3, 1),
        "GDP": date(2023, 12, 2),
        "NEW": None,
    }


def test_plan_starts_full_fetches_everything() -> None:
    assert plan_starts({"DGS10": date(2024, 3, 31), "NEW": None}, 30, full=True) == {
        "DGS10": None,
        "NEW": None,
    }


def test_plan_starts_with_zero_lookback_starts_at_the_last_observation() -> None:
    assert plan_starts({"A": date(2024, 1, 5)}, 0, full=False) == {"A": date(2024, 1, 5)}


def test_plan_starts_rejects_a_negative_lookback() -> None:
    with pytest.raises(ValueError, match="lookback_days"):
        plan_starts({"A": date(2024, 1, 5)}, -1, full=False)


def test_plan_starts_near_the_calendar_start_means_everything() -> None:
    assert plan_starts({"A": date(1, 1, 10)}, 30, full=False) == {"A": date.min}


def test_lookback_setting_defaults_to_30_days_and_rejects_negatives() -> None:
    from models.settings import SettingsError

    assert load_settings().ingest_lookback_days == 30
    with pytest.raises(SettingsError, match="ingest_lookback_days"):
        load_settings(ingest_lookback_days=-1)


def _row(series_id: str, obs: date, start: date, value: float | None) -> dict[str, object]:
    return {
        "series_id": series_id,
        "obs_date": obs,
        "realtime_start": start,
        "realtime_end": date(9999, 12, 31),
        "value": value,
        "ingest_run_id": None,
        "ingested_at": datetime(2024, 5, 1, 12, 0),
    }


def test_last_observation_dates_reads_the_newest_date_of_any_vintage(engine: sa.Engine) -> None:
    rows = [
        _row("DGS10", date(2024, 3, 28), date(2024, 3, 29), 4.2),
        _row("DGS10", date(2024, 4, 1), date(2024, 4, 2), None),
        _row("DGS10", date(2024, 3, 28), date(2024, 4, 5), 4.3),
        _row("GDP", date(2023, 10, 1), date(2024, 1, 25), 27_000.0),
        _row("OTHER", date(2025, 1, 1), date(2025, 1, 2), 1.0),
    ]
    with engine.begin() as conn:
        conn.execute(raw_observations.insert(), rows)

    got = last_observation_dates(engine, ["DGS10", "GDP", "UNSTORED"])

    assert got == {"DGS10": date(2024, 4, 1), "GDP": date(2023, 10, 1), "UNSTORED": None}
    assert all(type(d) is date for d in got.values() if d is not None)
    assert last_observation_dates(engine, []) == {}


@pytest.fixture
def sandbox_db(db_url: str) -> Iterator[str]:
    with running_sandbox() as fred_url:
        use_settings(
            load_settings(
                database_url=db_url,
                fred_base_url=fred_url,
                fred_api_key=SANDBOX_API_KEY,
                ingest_lookback_days=400,
            )
        )
        try:
            yield db_url
        finally:
            use_settings(None)


def _dates_since(url: str, series_id: str, start: date) -> int:
    engine = make_engine(url)
    t = raw_observations
    with engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count(sa.distinct(t.c.obs_date))).where(
                t.c.series_id == series_id, t.c.obs_date >= start
            )
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_a_normal_run_fetches_only_from_the_last_observation_minus_the_lookback(
    sandbox_db: str,
) -> None:
    first = stages.ingest(["UNRATE", "DGS10"])
    engine = make_engine(sandbox_db)
    last = last_observation_dates(engine, ["UNRATE", "DGS10"])
    engine.dispose()

    again = stages.ingest(["UNRATE", "DGS10"])
    full = stages.ingest(["UNRATE", "DGS10"], full=True)

    fetched_first = {r.series_id: r.rows_fetched for r in first.results}
    fetched_again = {r.series_id: r.rows_fetched for r in again.results}
    fetched_full = {r.series_id: r.rows_fetched for r in full.results}
    for sid, day in last.items():
        assert day is not None
        start = plan_starts({sid: day}, 400, full=False)[sid]
        assert start is not None
        assert fetched_again[sid] == _dates_since(sandbox_db, sid, start)
        assert fetched_again[sid] < fetched_first[sid] // 10
        assert fetched_full[sid] == fetched_first[sid]
    assert first.rows_written == sum(fetched_first.values())
    assert again.rows_written == 0 and full.rows_written == 0
    assert not again.failed and not full.failed


def test_vintages_ask_for_the_whole_alfred_realtime_period(sandbox_db: str) -> None:
    outcome = stages.ingest(["UNRATE"], vintages=True)

    assert not outcome.failed
    engine = make_engine(sandbox_db)
    t = raw_observations
    with engine.connect() as conn:
        periods = conn.execute(sa.select(t.c.realtime_start, t.c.realtime_end).distinct()).all()
    engine.dispose()
    # The sandbox stamps rows with the requested realtime period (it keeps no vintages).
    assert [(str(a)[:10], str(b)[:10]) for a, b in periods] == [("1776-07-04", "9999-12-31")]


def test_the_result_callback_sees_each_recorded_series(sandbox_db: str) -> None:
    seen: list[tuple[str, str, int, int, int]] = []

    def on_result(result: SeriesResult, done: int, total: int) -> None:
        seen.append((result.series_id, result.status, result.rows_written, done, total))

    stages.ingest(["UNRATE", "NOSUCHSERIES"], on_result=on_result)

    # Series finish concurrently: the callback follows completion order, counting up.
    assert [(s[3], s[4]) for s in seen] == [(1, 2), (2, 2)]
    by_series = {s[0]: s for s in seen}
    assert {sid: s[1] for sid, s in by_series.items()} == {
        "UNRATE": "success",
        "NOSUCHSERIES": "failed",
    }
    assert by_series["UNRATE"][2] > 500
    assert by_series["NOSUCHSERIES"][2] == 0


def test_vintages_backfill_adds_past_vintages_to_a_stored_series(
    db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "TESTM.csv").write_text("date,value\n2024-01-01,1.0\n2024-02-01,2.0\n")
    (tmp_path / "TESTM.vintages.csv").write_text(
        "date,realtime_start,realtime_end,value\n"
        "2024-01-01,2024-02-05,2024-03-04,0.9\n"
        "2024-01-01,2024-03-05,9999-12-31,1.0\n"
    )
    today = date(2024, 4, 1)
    with running_sandbox(tmp_path, today=lambda: today) as fred_url:
        use_settings(
            load_settings(database_url=db_url, fred_base_url=fred_url, fred_api_key=SANDBOX_API_KEY)
        )
        try:
            current = stages.ingest(["TESTM"])
            backfill = stages.ingest(["TESTM"], vintages=True)
            again = stages.ingest(["TESTM"], vintages=True)
        finally:
            use_settings(None)
    assert (current.rows_written, again.rows_written) == (2, 0)
    assert not backfill.failed and backfill.rows_written == 3

    engine = make_engine(db_url)
    t = raw_observations
    stmt = sa.select(t.c.obs_date, t.c.realtime_start, t.c.value).order_by(
        t.c.obs_date, t.c.realtime_start
    )
    with engine.connect() as conn:
        rows = [(str(d)[:10], str(rt)[:10], v) for d, rt, v in conn.execute(stmt)]
    engine.dispose()
    # The two ALFRED vintages of January join the vintage stored today; February's ALFRED
    # row (realtime from 1776) carries the same value as today's, so it is history too.
    assert rows == [
        ("2024-01-01", "2024-02-05", 0.9),
        ("2024-01-01", "2024-03-05", 1.0),
        ("2024-01-01", "2024-04-01", 1.0),
        ("2024-02-01", "1776-07-04", 2.0),
        ("2024-02-01", "2024-04-01", 2.0),
    ]
