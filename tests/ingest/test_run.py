"""Ingest through the FRED client against a running sandbox into DuckDB and MariaDB (real
databases)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.fred_client import FredClient
from ingest.run import run_ingest
from ingest.series_data import read_series_csv
from models.settings import SANDBOX_API_KEY
from models.tables import ingest_run_series, ingest_runs, raw_observations, raw_series
from models.versioning import current_version
from sandbox.demo_data import demo_series
from sandbox.server import SandboxURL, running_sandbox


@dataclass
class Clock:
    """FRED's "today" as the sandbox sees it; tests move it to simulate a later fetch."""

    day: date = date(2024, 5, 6)

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def demo_fred(clock: Clock) -> Iterator[SandboxURL]:
    with running_sandbox(today=clock) as url:
        yield url


def client_for(url: str) -> FredClient:
    return FredClient(SANDBOX_API_KEY, url, timeout=30, max_attempts=2, backoff_seconds=0.05)


def stored(engine: sa.Engine, series_id: str) -> list[tuple[date, date, float | None]]:
    t = raw_observations
    stmt = (
        sa.select(t.c.obs_date, t.c.realtime_start, t.c.value)
        .where(t.c.series_id == series_id)
        .order_by(t.c.obs_date, t.c.realtime_start)
    )
    with engine.connect() as conn:
        return [(d, rt, v) for d, rt, v in conn.execute(stmt)]


def row_count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(raw_observations)).scalar_one()
        )


def version(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return current_version(conn)


def expected_values(
    rows: tuple[tuple[date, str], ...] | list[tuple[date, str]],
) -> list[tuple[date, float | None]]:
    return [(d, None if v == "." else float(v)) for d, v in rows]


def test_ingest_stores_demo_series_exactly(engine: sa.Engine, demo_fred: SandboxURL) -> None:
    ids = ["GDP", "UNRATE", "DGS10"]
    seen: list[tuple[str, int, int]] = []
    report = run_ingest(
        engine, client_for(demo_fred), ids, progress=lambda s, i, n, _result: seen.append((s, i, n))
    )
    assert (report.status, report.failed) == ("success", [])
    assert seen == [("GDP", 1, 3), ("UNRATE", 2, 3), ("DGS10", 3, 3)]
    for sid in ids:
        rows = stored(engine, sid)
        assert [(d, v) for d, _, v in rows] == expected_values(demo_series()[sid].observations)
        assert {rt for _, rt, _ in rows} == {date(2024, 5, 6)}
    assert report.rows_written == sum(len(demo_series()[s].observations) for s in ids)
    assert stored(engine, "UNRATE")[-3][2] is None  # October 2025 is '.' -> NULL, not 0
    with engine.connect() as conn:
        meta = conn.execute(sa.select(raw_series).where(raw_series.c.series_id == "DGS10")).one()
        run = conn.execute(sa.select(ingest_runs)).one()
    assert (meta.frequency, meta.frequency_short, meta.units) == ("Daily", "D", "Percent")
    assert meta.observation_start == date(2000, 1, 3) and "SYNTHETIC" in meta.notes
    assert (run.status, run.series_requested, run.series_failed) == ("success", 3, 0)
    assert run.rows_written == report.rows_written and run.finished_at is not None
    assert version(engine) == report.data_version == 1


def test_rerun_and_later_day_with_same_data_add_no_rows(
    engine: sa.Engine, demo_fred: SandboxURL, clock: Clock
) -> None:
    client = client_for(demo_fred)
    first = run_ingest(engine, client, ["GDP", "CPIAUCSL"])
    before = row_count(engine)
    again = run_ingest(engine, client, ["GDP", "CPIAUCSL"])
    clock.day = date(2024, 5, 7)
    later = run_ingest(engine, client, ["GDP", "CPIAUCSL"])
    assert first.rows_written == before > 0
    assert (again.rows_written, later.rows_written) == (0, 0)
    assert row_count(engine) == before
    assert (again.status, later.status) == ("success", "success")
    assert version(engine) == 1  # runs that wrote nothing do not invalidate caches


def _edit_value(path: Path, when: str, new_value: str) -> str:
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(when + ","):
            old = line.split(",")[1]
            lines[i] = f"{when},{new_value}"
            path.write_text("\n".join(lines) + "\n")
            return old
    raise AssertionError(f"{when} not in {path}")


def test_revised_value_becomes_a_new_vintage_and_keeps_the_old(
    engine: sa.Engine, real_data_dir: Path, tmp_path: Path, clock: Clock
) -> None:
    folder = tmp_path / "fred"
    folder.mkdir()
    for sid in ("GDP", "UNRATE"):
        shutil.copy(real_data_dir / f"{sid}.csv", folder / f"{sid}.csv")
    with running_sandbox(folder, today=clock) as url:
        client = client_for(url)
        run_ingest(engine, client, ["GDP", "UNRATE"])
        before = row_count(engine)
        old = _edit_value(folder / "GDP.csv", "2020-04-01", "19999.999")
        clock.day = date(2024, 5, 8)
        report = run_ingest(engine, client, ["GDP", "UNRATE"])
    assert [(r.series_id, r.rows_written) for r in report.results] == [("GDP", 1), ("UNRATE", 0)]
    assert row_count(engine) == before + 1
    vintages = [(rt, v) for d, rt, v in stored(engine, "GDP") if d == date(2020, 4, 1)]
    assert vintages == [(date(2024, 5, 6), float(old)), (date(2024, 5, 8), 19999.999)]
    assert version(engine) == 2


def test_same_day_revision_corrects_that_days_vintage(
    engine: sa.Engine, tmp_path: Path, clock: Clock
) -> None:
    folder = tmp_path / "fred"
    folder.mkdir()
    (folder / "TESTQ.csv").write_text("date,value\n2020-01-01,1.5\n2020-04-01,.\n2020-07-01,2.5\n")
    with running_sandbox(folder, today=clock) as url:
        run_ingest(engine, client_for(url), ["TESTQ"])
        (folder / "TESTQ.csv").write_text(
            "date,value\n2020-01-01,1.5\n2020-04-01,2.0\n2020-07-01,2.5\n"
        )
        report = run_ingest(engine, client_for(url), ["TESTQ"])
    assert report.rows_written == 1
    assert [v for _, _, v in stored(engine, "TESTQ")] == [1.5, 2.0, 2.5]


def test_unknown_series_fails_alone_with_freds_message(
    engine: sa.Engine, demo_fred: SandboxURL
) -> None:
    report = run_ingest(engine, client_for(demo_fred), ["GDP", "NOSUCHSERIES", "UNRATE"])
    assert report.status == "partial"
    assert report.failed == ["NOSUCHSERIES"]
    (bad,) = [r for r in report.results if r.series_id == "NOSUCHSERIES"]
    assert "Bad Request.  The series does not exist." in (bad.error or "")
    assert len(stored(engine, "GDP")) > 0 and len(stored(engine, "UNRATE")) > 0
    with engine.connect() as conn:
        run = conn.execute(sa.select(ingest_runs)).one()
        per_series = {
            r.series_id: (r.status, r.rows_written, r.error)
            for r in conn.execute(sa.select(ingest_run_series))
        }
    assert (run.status, run.series_failed) == ("partial", 1)
    assert "NOSUCHSERIES: FRED error 400: Bad Request.  The series does not exist." in run.error
    assert per_series["NOSUCHSERIES"][0] == "failed"
    assert "The series does not exist." in per_series["NOSUCHSERIES"][2]
    assert per_series["GDP"][:2] == ("success", len(demo_series()["GDP"].observations))
    assert per_series["UNRATE"][2] is None


def test_run_where_every_series_fails_is_failed_and_keeps_the_version(
    engine: sa.Engine, demo_fred: SandboxURL
) -> None:
    client = FredClient("f" * 31 + "X", demo_fred, max_attempts=1)
    report = run_ingest(engine, client, ["GDP", "UNRATE"])
    assert report.status == "failed" and report.failed == ["GDP", "UNRATE"]
    assert all("api_key" in (r.error or "") for r in report.results)
    assert version(engine) == 0 and row_count(engine) == 0


def test_real_fred_csvs_round_trip_through_the_sandbox(
    engine: sa.Engine, real_data_dir: Path
) -> None:
    ids = ["DGS10", "CPIAUCSL", "UMCSENT", "MORTGAGE30US"]
    with running_sandbox(real_data_dir) as url:
        report = run_ingest(engine, client_for(url), ids)
    assert report.status == "success"
    for sid in ids:
        expected = expected_values(read_series_csv(real_data_dir / f"{sid}.csv"))
        assert [(d, v) for d, _, v in stored(engine, sid)] == expected, sid
    nulls = sum(v is None for _, _, v in stored(engine, "UMCSENT"))
    assert nulls == 210
