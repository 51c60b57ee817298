"""Benchmark: ``dbt build`` on DuckDB and MariaDB, a full build and the incremental build after
one new day, on whatever the dbt project in ``FREDPIPE_DBT_PROJECT_DIR`` (default
``transforms/``) builds.

Datasets:

- ``catalog``: the full history of every default-catalog series (``ingest/catalog.toml``) from
  the real FRED files in ``FREDPIPE_REAL_DATA_DIR`` (``../shared/fred``), loaded through the
  CSV importer; skipped when the folder is not set.
- ``synthetic``: 100 daily series x 10,000 dates = 1,000,000 rows of deterministic random
  walks (``bench/ingest_bulk.py``'s ``synthetic``).

Each run takes a fresh migrated database: load, ``dbt build`` (full: every relation created),
then one new day (one new observation per daily series with a fresh vintage, ingested now,
as the daily pipeline run writes it), then ``dbt build`` again (incremental). Times are
``flows.dbt_runner.dbt_build``'s wall clock, dbt's start-up included.

    .venv/bin/python -m bench.dbt_build [--mysql-url URL] [--repeat 1] [--dataset catalog]

``--mysql-url`` (default: ``FREDPIPE_TEST_MYSQL_URL``) names a server where databases
``fp_bench_*`` may be created and dropped; without it only DuckDB runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.ingest_bulk import database, load_all, synthetic
from flows.dbt_runner import dbt_build
from ingest.catalog import load_catalog
from ingest.csv_import import load_csv
from ingest.raw_store import keep_open, store_series
from ingest.series_data import REALTIME_MAX, SeriesInfo
from ingest.vintage_plan import ObsRow
from models.calendar import SEVEN_DAY_NAME
from models.settings import load_settings
from models.values import as_date

#: the incremental build after a daily update must stay below this on MariaDB (catalog)
TARGET_SECONDS = 15.0
DATASETS = ("catalog", "synthetic")
SYNTHETIC_SERIES = 100


@dataclass(frozen=True)
class Run:
    backend: str
    dataset: str
    series: int
    rows: int
    full_seconds: float
    incremental_seconds: float
    new_rows: int


# --- data --------------------------------------------------------------------------------


def catalog_files(data_dir: Path) -> list[Path]:
    """The default catalog's series that have a ``SERIESID.csv`` in ``data_dir``."""
    files = [data_dir / f"{entry.series_id}.csv" for entry in load_catalog().series]
    return [path for path in files if path.is_file()]


def load_catalog_history(engine: sa.Engine, data_dir: Path, vintage: date) -> int:
    """Every catalog series' full history as one vintage; returns rows written."""
    written = 0
    with keep_open(engine):
        for path in catalog_files(data_dir):
            report = load_csv(engine, path, series_id=path.stem, realtime_start=vintage)
            if report.failed:
                raise RuntimeError(f"{path}: {report.results}")
            written += report.rows_written
    return written


def load_synthetic(engine: sa.Engine, n_series: int = SYNTHETIC_SERIES) -> int:
    return load_all(engine, synthetic(n_series))


def _stored_infos(conn: sa.Connection) -> list[SeriesInfo]:
    """The daily series' stored metadata, as the ingest would hand it to the loader."""
    names = list(SeriesInfo.__dataclass_fields__)
    rows = conn.execute(
        sa.text(
            f"select {', '.join(names)} from raw_series"
            " where frequency_short = 'D' order by series_id"
        )
    ).mappings()
    infos = []
    for row in rows:
        values = dict(row)
        values["observation_start"] = _day(values["observation_start"])
        values["observation_end"] = _day(values["observation_end"])
        values["last_updated"] = values["last_updated"] or ""
        values["popularity"] = int(values["popularity"] or 0)
        values["notes"] = values["notes"] or ""
        infos.append(SeriesInfo(**values))
    return infos


def _last_observations(conn: sa.Connection) -> dict[str, tuple[date, float]]:
    """Per series: its last date and its last non-missing value (latest vintages)."""
    last_date: dict[str, object] = dict(
        conn.execute(
            sa.text("select series_id, max(obs_date) from raw_observations group by series_id")
        ).all()
    )
    values: Sequence[Any] = conn.execute(
        sa.text(
            "select o.series_id, o.value from raw_observations o join ("
            " select series_id, max(obs_date) as d from raw_observations"
            " where value is not null group by series_id) m"
            " on o.series_id = m.series_id and o.obs_date = m.d"
            " where o.value is not null order by o.series_id, o.realtime_start"
        )
    ).all()
    last_value = {str(r[0]): float(r[1]) for r in values}  # the latest vintage wins
    return {sid: (_day(d), last_value.get(sid, 1.0)) for sid, d in last_date.items()}


def _day(value: object) -> date:
    day = as_date(value)
    assert day is not None, "a stored date is NULL"
    return day


def next_day(info: SeriesInfo, last: date) -> date:
    """The next date a daily series has: a business day for "Daily", any day for 7-day."""
    day = last + timedelta(days=1)
    while info.frequency != SEVEN_DAY_NAME and day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def append_new_day(engine: sa.Engine, vintage: date) -> int:
    """One new observation per daily series, as FRED publishes the next morning: the next
    date, a value 0.1 % above the last one, ``realtime_start = vintage``; returns rows."""
    with engine.connect() as conn:
        infos = _stored_infos(conn)
        last = _last_observations(conn)
    written = 0
    with keep_open(engine):
        for info in infos:
            if info.series_id not in last:
                continue
            last_date, last_value = last[info.series_id]
            day = next_day(info, last_date)
            row = ObsRow(day, vintage, REALTIME_MAX, round(last_value * 1.001, 6))
            fresh = dataclasses.replace(info, observation_end=day)
            written += store_series(engine, fresh, [row], "bench-new-day")
    return written


def count_rows(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        n: int = conn.execute(sa.text("select count(*) from raw_observations")).scalar_one()
        s: int = conn.execute(sa.text("select count(*) from raw_series")).scalar_one()
    return int(n), int(s)


# --- runs --------------------------------------------------------------------------------


def bench_once(
    backend: str,
    dataset: str,
    *,
    mysql_url: str | None,
    data_dir: Path | None,
    project_dir: Path | None = None,
    n_series: int = SYNTHETIC_SERIES,
) -> Run:
    """One fresh database: load ``dataset``, full build, one new day, incremental build."""
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as tmp, database(backend, mysql_url, Path(tmp)) as engine:
        if dataset == "catalog":
            assert data_dir is not None
            load_catalog_history(engine, data_dir, today - timedelta(days=1))
        else:
            load_synthetic(engine, n_series)
        rows, series = count_rows(engine)
        url = engine.url.render_as_string(hide_password=False)
        overrides: dict[str, object] = {"database_url": url}
        if project_dir is not None:
            overrides["dbt_project_dir"] = project_dir
        settings = load_settings(**overrides)
        full = dbt_build(settings)
        new_rows = append_new_day(engine, today)
        incremental = dbt_build(settings)
    return Run(backend, dataset, series, rows, full.seconds, incremental.seconds, new_rows)


def bench(backend: str, dataset: str, repeat: int, **kwargs: Any) -> tuple[Run, list[Run]]:
    """``repeat`` runs and their median (``full``/``incremental`` seconds)."""
    runs = [bench_once(backend, dataset, **kwargs) for _ in range(repeat)]
    median = Run(
        backend,
        dataset,
        runs[0].series,
        runs[0].rows,
        statistics.median(r.full_seconds for r in runs),
        statistics.median(r.incremental_seconds for r in runs),
        runs[0].new_rows,
    )
    return median, runs


HEADER = (
    f"{'backend':8} {'dataset':10} {'series':>6} {'rows':>10} {'new rows':>8} "
    f"{'full build s':>12} {'incremental build s':>19}  runs (full / incremental)"
)


def line(median: Run, runs: Sequence[Run]) -> str:
    each = ", ".join(f"{r.full_seconds:.1f}/{r.incremental_seconds:.1f}" for r in runs)
    return (
        f"{median.backend:8} {median.dataset:10} {median.series:>6} {median.rows:>10,} "
        f"{median.new_rows:>8} {median.full_seconds:>12.1f} {median.incremental_seconds:>19.1f}"
        f"  {each}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mysql-url", default=os.environ.get("FREDPIPE_TEST_MYSQL_URL"))
    parser.add_argument("--data-dir", type=Path, default=_env_path("FREDPIPE_REAL_DATA_DIR"))
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (median)")
    parser.add_argument("--dataset", choices=DATASETS, action="append", help="default: both")
    parser.add_argument("--series", type=int, default=SYNTHETIC_SERIES, help="synthetic series")
    args = parser.parse_args(argv)
    project_dir = _env_path("FREDPIPE_DBT_PROJECT_DIR")
    datasets = args.dataset or list(DATASETS)
    if args.data_dir is None and "catalog" in datasets:
        print("catalog: skipped (set FREDPIPE_REAL_DATA_DIR or --data-dir to ../shared/fred)")
        datasets.remove("catalog")
    backends = ["duckdb"] + (["mysql"] if args.mysql_url else [])
    print(f"dbt project {project_dir or 'transforms/'}; median of {args.repeat}", flush=True)
    print(HEADER, flush=True)
    for dataset in datasets:
        for backend in backends:
            median, runs = bench(
                backend,
                dataset,
                args.repeat,
                mysql_url=args.mysql_url,
                data_dir=args.data_dir,
                project_dir=project_dir,
                n_series=args.series,
            )
            print(line(median, runs), flush=True)
            if backend == "mysql" and dataset == "catalog":
                verdict = "met" if median.incremental_seconds < TARGET_SECONDS else "MISSED"
                print(f"  target: incremental < {TARGET_SECONDS:.0f} s on MariaDB: {verdict}")


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


if __name__ == "__main__":
    main()
