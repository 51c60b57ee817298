"""Benchmark: 1,000,000 observation rows into DuckDB and MariaDB through ``store_series``.

Cases per database: a fresh load, a full re-load of the same rows (must write nothing), and
what a user would write instead, ``pandas.DataFrame.to_sql`` into an empty table of the same
shape. The data are synthetic and deterministic (``N_SERIES`` x ``N_DATES`` daily values).

    .venv/bin/python bench/ingest_bulk.py [--mysql-url URL] [--repeat 3] [--series 100]

``--mysql-url`` (default: ``FREDPIPE_TEST_MYSQL_URL``) names a server where databases
``fp_bench_*`` may be created and dropped; without it only DuckDB runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ingest.raw_store import keep_open, store_series
from ingest.series_data import REALTIME_MAX, SeriesInfo
from ingest.vintage_plan import ObsRow
from models.calendar import SEVEN_DAY_NAME
from models.engine import make_engine
from models.migrate import upgrade
from models.tables import raw_observations

N_DATES = 10_000
VINTAGE = date(2024, 5, 6)


def synthetic(n_series: int, n_dates: int = N_DATES) -> list[tuple[SeriesInfo, list[ObsRow]]]:
    """Deterministic random walks; every 97th value is missing (FRED's '.')."""
    rng = np.random.default_rng(20240506)
    start = date(1990, 1, 1)
    dates = [start + timedelta(days=i) for i in range(n_dates)]
    out = []
    for s in range(n_series):
        sid = f"BENCH{s:04d}"
        walk = np.round(100 + np.cumsum(rng.normal(0, 1, n_dates)), 4)
        values = [None if i % 97 == 0 else float(v) for i, v in enumerate(walk)]
        info = SeriesInfo(
            sid,
            f"Benchmark series {s}",
            dates[0],
            dates[-1],
            SEVEN_DAY_NAME,
            "D",
            "Index",
            "Index",
            "Not Seasonally Adjusted",
            "NSA",
            "2024-05-06",
            0,
            "synthetic",
        )
        rows = [ObsRow(d, VINTAGE, REALTIME_MAX, v) for d, v in zip(dates, values, strict=True)]
        out.append((info, rows))
    return out


def as_frame(data: list[tuple[SeriesInfo, list[ObsRow]]]) -> pd.DataFrame:
    """The same rows as the long frame a user would hand to ``to_sql``."""
    ids, obs, starts, ends, values = [], [], [], [], []
    for info, rows in data:
        for r in rows:
            ids.append(info.series_id)
            obs.append(r.obs_date)
            starts.append(r.realtime_start)
            ends.append(r.realtime_end)
            values.append(r.value)
    now = pd.Timestamp("2024-05-06 12:00:00")
    return pd.DataFrame(
        {
            "series_id": ids,
            "obs_date": obs,
            "realtime_start": starts,
            "realtime_end": ends,
            "value": values,
            "ingest_run_id": "bench",
            "ingested_at": now,
        }
    )


@contextmanager
def database(backend: str, mysql_url: str | None, folder: Path) -> Iterator[sa.Engine]:
    """A fresh, migrated database; dropped (MySQL) or left in ``folder`` (DuckDB) afterwards."""
    if backend == "duckdb":
        engine = make_engine(f"duckdb:///{folder / f'{uuid.uuid4().hex}.duckdb'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    assert mysql_url
    name = f"fp_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(mysql_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    engine = make_engine(make_url(mysql_url).set(database=name).render_as_string(False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def count_rows(engine: sa.Engine, table: str = "raw_observations") -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def load_all(engine: sa.Engine, data: list[tuple[SeriesInfo, list[ObsRow]]]) -> int:
    """One transaction per series, as an ingest run does."""
    with keep_open(engine):
        return sum(store_series(engine, info, rows, "bench") for info, rows in data)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def to_sql_case(engine: sa.Engine, frame: pd.DataFrame, backend: str) -> float:
    """What a user writes: an empty table shaped like raw_observations, then ``to_sql``."""
    table = sa.Table("bench_to_sql", sa.MetaData(), *[c._copy() for c in raw_observations.c])
    table.create(engine)
    # DuckDB's SQLAlchemy dialect has no multi-row VALUES fast path worth the name; a user
    # would take pandas' defaults with a chunk size. On MySQL method="multi" is the usual tip.
    method: Literal["multi"] | None = "multi" if backend == "mysql" else None
    seconds, _ = timed(
        lambda: frame.to_sql(
            "bench_to_sql",
            engine,
            if_exists="append",
            index=False,
            chunksize=10_000,
            method=method,
        )
    )
    assert count_rows(engine, "bench_to_sql") == len(frame)
    return seconds


def bench(
    backend: str, mysql_url: str | None, n_series: int, with_to_sql: bool
) -> dict[str, float]:
    data = synthetic(n_series)
    total = sum(len(rows) for _, rows in data)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, database(backend, mysql_url, Path(tmp)) as eng:
        fresh, written = timed(lambda: load_all(eng, data))
        assert written == total == count_rows(eng), (written, total)
        reload, again = timed(lambda: load_all(eng, data))
        assert again == 0 and count_rows(eng) == total, "a re-load must create no rows"
        out["fresh"] = total / fresh
        out["reload"] = total / reload
        if with_to_sql:
            out["to_sql"] = total / to_sql_case(eng, as_frame(data), backend)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", default=os.environ.get("FREDPIPE_TEST_MYSQL_URL"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--series", type=int, default=100, help=f"x {N_DATES:,} dates")
    parser.add_argument(
        "--to-sql-repeat", type=int, default=1, help="to_sql is slow: runs of it (default 1)"
    )
    args = parser.parse_args()
    backends = ["duckdb"] + (["mysql"] if args.mysql_url else [])
    rows = args.series * N_DATES
    print(f"{rows:,} rows ({args.series} series x {N_DATES:,} dates), median of {args.repeat}")
    for backend in backends:
        runs = [
            bench(backend, args.mysql_url, args.series, i < args.to_sql_repeat)
            for i in range(args.repeat)
        ]
        med = {k: statistics.median(r[k] for r in runs if k in r) for k in runs[0]}
        line = (
            f"{backend:7} fresh {med['fresh']:>10,.0f} rows/s   "
            f"re-load {med['reload']:>10,.0f} rows/s (0 rows written)"
        )
        if "to_sql" in med:
            line += (
                f"   to_sql {med['to_sql']:>9,.0f} rows/s   "
                f"speed-up {med['fresh'] / med['to_sql']:.1f}x"
            )
        print(line, flush=True)


if __name__ == "__main__":
    main()
