"""``ingest.run.run_ingest`` against the sandbox with faults, storing into DuckDB and MariaDB."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from ingest.fred_client import FredClient
from ingest.ratelimit import Budget, RequestLimiter
from ingest.run import run_ingest
from ingest.run_records import SeriesResult
from ingest.series_data import write_series_csv
from models.settings import SANDBOX_API_KEY
from models.tables import FAILED, PARTIAL, SUCCESS, ingest_run_series, ingest_runs, raw_observations
from models.versioning import current_version as _current_version
from sandbox.demo_data import demo_series
from sandbox.faults import Fault
from sandbox.server import running_sandbox


def current_version(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return _current_version(conn)


OBS = "series/observations"


def _counts(engine: sa.Engine) -> dict[str, int]:
    t = raw_observations
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.series_id, sa.func.count()).group_by(t.c.series_id))
        return {str(sid): int(str(n)) for sid, n in rows}


def _run_rows(engine: sa.Engine, run_id: str) -> dict[str, tuple[str, int, str | None]]:
    t = ingest_run_series
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.series_id, t.c.status, t.c.rows_written, t.c.error).where(
                t.c.run_id == run_id
            )
        )
        return {
            str(sid): (str(status), int(str(n)), None if err is None else str(err))
            for sid, status, n, err in rows
        }


def test_faulty_series_fail_alone_and_store_nothing(engine: sa.Engine) -> None:
    demo = demo_series()
    seen: list[tuple[str, int, int, SeriesResult]] = []
    with running_sandbox(rate_per_minute=100_000) as url:
        url.state.faults.add(
            Fault("malformed", series_id="GDP", endpoint=OBS, times=None),
            Fault("truncated", series_id="UNRATE", endpoint=OBS, times=None),
            Fault("status", status=429, retry_after="1", series_id="DGS10", times=2),
            Fault("status", status=500, series_id="CPIAUCSL", times=2),
        )
        client = FredClient(SANDBOX_API_KEY, url, timeout=5, max_attempts=4, backoff_seconds=0.01)
        before = current_version(engine)
        report = run_ingest(
            engine,
            client,
            ["GDP", "UNRATE", "DGS10", "CPIAUCSL", "NOSUCHSERIES", "DGS10"],
            max_workers=4,
            progress=lambda *event: seen.append(event),
        )
    assert [r.series_id for r in report.results] == [
        "GDP",
        "UNRATE",
        "DGS10",
        "CPIAUCSL",
        "NOSUCHSERIES",
    ]
    status = {r.series_id: r.status for r in report.results}
    assert status == {
        "GDP": FAILED,
        "UNRATE": FAILED,
        "DGS10": SUCCESS,
        "CPIAUCSL": SUCCESS,
        "NOSUCHSERIES": FAILED,
    }
    errors = {r.series_id: r.error or "" for r in report.results}
    assert "not well-formed XML" in errors["GDP"]
    assert "cut off after" in errors["UNRATE"]
    assert errors["NOSUCHSERIES"] == "FRED error 400: Bad Request.  The series does not exist."
    assert report.status == PARTIAL
    assert report.failed == ["GDP", "UNRATE", "NOSUCHSERIES"]

    assert _counts(engine) == {
        "DGS10": len(demo["DGS10"].observations),
        "CPIAUCSL": len(demo["CPIAUCSL"].observations),
    }
    recorded = _run_rows(engine, report.run_id)
    assert {sid: row[0] for sid, row in recorded.items()} == status
    assert recorded["NOSUCHSERIES"][2] == errors["NOSUCHSERIES"]
    with engine.connect() as conn:
        run = conn.execute(
            sa.select(ingest_runs.c.status, ingest_runs.c.series_failed, ingest_runs.c.error).where(
                ingest_runs.c.run_id == report.run_id
            )
        ).one()
    assert (run.status, run.series_failed) == (PARTIAL, 3)
    assert "NOSUCHSERIES: FRED error 400" in run.error
    assert report.data_version == current_version(engine) == before + 1

    assert sorted(e[0] for e in seen) == sorted(status)
    assert [e[1] for e in seen] == [1, 2, 3, 4, 5]
    assert {e[2] for e in seen} == {5}
    assert all(e[3].series_id == e[0] for e in seen)


def test_nothing_new_writes_nothing_and_keeps_the_data_version(engine: sa.Engine) -> None:
    with running_sandbox(rate_per_minute=100_000, today=lambda: date(2024, 5, 6)) as url:
        client = FredClient(SANDBOX_API_KEY, url, timeout=5)
        first = run_ingest(engine, client, ["GDP", "UNRATE"], max_workers=2)
        again = run_ingest(engine, client, ["GDP", "UNRATE"], max_workers=2)
    assert first.status == again.status == SUCCESS
    assert first.rows_written > 0 and again.rows_written == 0
    assert again.data_version is None
    assert current_version(engine) == first.data_version


def test_starts_limit_each_series_to_its_incremental_window(engine: sa.Engine) -> None:
    with running_sandbox(rate_per_minute=100_000) as url:
        client = FredClient(SANDBOX_API_KEY, url, timeout=5)
        report = run_ingest(
            engine,
            client,
            ["GDP", "UNRATE"],
            starts={"GDP": date(2024, 1, 1), "UNRATE": None},
            max_workers=2,
        )
    counts = _counts(engine)
    assert counts["GDP"] == 7  # 2024Q1..2025Q3
    assert counts["UNRATE"] == len(demo_series()["UNRATE"].observations)
    assert report.rows_fetched == counts["GDP"] + counts["UNRATE"]


def test_a_revision_between_two_runs_becomes_a_new_vintage(engine: sa.Engine) -> None:
    today = [date(2024, 5, 6)]
    target = date(2024, 1, 1)
    with running_sandbox(rate_per_minute=100_000, today=lambda: today[0]) as url:
        client = FredClient(SANDBOX_API_KEY, url, timeout=5)
        run_ingest(engine, client, ["GDP"], max_workers=1)
        url.state.revise("GDP", target, "30000.5", realtime_start=date(2024, 6, 1))
        today[0] = date(2024, 6, 3)
        report = run_ingest(engine, client, ["GDP"], max_workers=1)
    assert report.rows_written == 1
    t = raw_observations
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.realtime_start, t.c.value)
            .where(t.c.series_id == "GDP", t.c.obs_date == target)
            .order_by(t.c.realtime_start)
        ).all()
    old = dict(demo_series()["GDP"].observations)[target]
    assert [(str(r[0])[:10], float(r[1])) for r in rows] == [
        ("2024-05-06", float(old)),
        ("2024-06-03", 30000.5),
    ]


def test_sixteen_concurrent_fetches_stay_within_the_budget(tmp_path: Path) -> None:
    """The sandbox enforces 5/s and 12 per 2.5 s and answers excess with 429; the client's
    limiter grants 4/s and 12 per 3 s, so the sandbox must never refuse one of the 32
    requests. The client's budget is the stricter one by a request a second and half a
    second a window: a loaded machine may deliver requests later, or closer together, than
    they were granted. Without the limiter, 16 workers would send 16 requests at once."""
    for n in range(16):
        write_series_csv(tmp_path / f"S{n:02d}.csv", ((date(2024, 1, 1), f"{n}.5"),))
    ids = [f"S{n:02d}" for n in range(16)]
    limiter = RequestLimiter(Budget(4, 12, minute_seconds=3), SANDBOX_API_KEY)
    from models.engine import make_engine
    from models.migrate import upgrade

    engine = make_engine(f"duckdb:///{tmp_path / 'budget.duckdb'}")
    upgrade(engine)
    with running_sandbox(
        tmp_path, rate_per_minute=12, rate_window_seconds=2.5, rate_per_second=5
    ) as url:
        client = FredClient(SANDBOX_API_KEY, url, timeout=10, max_attempts=1, limiter=limiter)
        started = time.monotonic()
        report = run_ingest(engine, client, ids, max_workers=16)
        elapsed = time.monotonic() - started
        stats = url.state.stats
        assert stats.rate_limited == 0
        assert stats.total == 32
        assert stats.max_in_window(1.0) <= 5
        assert stats.max_in_window(2.5) <= 12
    engine.dispose()
    assert report.status == SUCCESS, report.results
    assert report.rows_written == 16
    # 32 requests, 12 per 3 s: the 25th cannot go before two full windows have passed.
    assert elapsed >= 6.0
