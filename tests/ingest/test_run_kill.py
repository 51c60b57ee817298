"""SIGKILL a real ingest process mid-run, run it again: the rows equal those of a clean run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.engine import make_engine
from models.tables import raw_observations
from tests.support.databases import BACKENDS, fresh_database

# Two passes (a first load at one vintage, then a revision of every 7th value at the next),
# 16 series x 3,000 daily dates, through run_ingest (one worker) with an in-memory FRED source.
CHILD = r"""
import sys
from datetime import date, timedelta
from ingest.run import run_ingest
from ingest.series_data import FredObservation, SeriesInfo
from models.engine import make_engine
from models.migrate import upgrade

N_SERIES, N_DATES, END = 16, 3_000, date(9999, 12, 31)

class Source:
    def __init__(self, day, revise):
        self.day, self.revise = day, revise
    def series_info(self, sid):
        return SeriesInfo(sid, sid, date(2000, 1, 1), date(2000, 1, 1) + timedelta(N_DATES - 1),
                          "Daily", "D", "Index", "Index", "NSA", "NSA", "", 0, "")
    def observations(self, sid, *, observation_start=None):
        k = int(sid[4:])
        out = []
        for i in range(N_DATES):
            value = "." if (i + k) % 53 == 0 else f"{(i * 31 + k * 17) % 1000 / 10:.1f}"
            if self.revise and i % 7 == k % 7 and value != ".":
                value = f"{float(value) + 0.5:.1f}"
            out.append(FredObservation(date(2000, 1, 1) + timedelta(i), self.day, END, value))
        return out

engine = make_engine(sys.argv[1])
upgrade(engine)
ids = [f"KILL{k:03d}" for k in range(N_SERIES)]
tell = lambda sid, done, total, result: print("stored", sid, flush=True)
for day, revise in ((date(2024, 5, 6), False), (date(2024, 5, 7), True)):
    report = run_ingest(engine, Source(day, revise), ids, progress=tell)
    assert report.status == "success", report
print("done", flush=True)
"""


def run_child(url: str, kill_after: int | None = None) -> int:
    """Run the ingest; with ``kill_after``, SIGKILL it once that many series are stored."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        seen += line.startswith("stored")
        if kill_after is not None and seen >= kill_after:
            time.sleep(random.Random(kill_after).uniform(0.0, 0.08))  # land inside a series
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=300)
    return proc.returncode


def rows(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    t = raw_observations
    cols = (t.c.series_id, t.c.obs_date, t.c.realtime_start, t.c.realtime_end, t.c.value)
    with engine.connect() as conn:
        out = [tuple(r) for r in conn.execute(sa.select(*cols).order_by(*cols[:3]))]
    engine.dispose()
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kill_after", [3, 23])
def test_killed_ingest_rerun_equals_a_clean_run(
    backend: str, kill_after: int, tmp_path: Path
) -> None:
    (tmp_path / "killed").mkdir()
    (tmp_path / "clean").mkdir()
    with (
        fresh_database(backend, tmp_path / "killed") as killed,
        fresh_database(backend, tmp_path / "clean") as clean,
    ):
        assert run_child(killed, kill_after) == -signal.SIGKILL
        partial = rows(killed)
        assert len(partial) > 0
        assert run_child(killed) == 0
        assert run_child(clean) == 0
        expected = rows(clean)
        got = rows(killed)
        assert got == expected
        assert len({r[:3] for r in got}) == len(got)  # no duplicated vintage
        # 16 series x 3,000 first-load rows, plus one revision row per 7 dates with a value.
        assert len(expected) > 48_000
