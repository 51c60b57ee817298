"""``bench/dbt_build.py`` on a small synthetic load (DuckDB), so the benchmark cannot rot."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from bench.dbt_build import bench_once, catalog_files, line, next_day
from bench.ingest_bulk import N_DATES, synthetic


def test_full_and_incremental_build_after_one_new_day() -> None:
    run = bench_once("duckdb", "synthetic", mysql_url=None, data_dir=None, n_series=2)
    assert (run.series, run.rows) == (2, 2 * N_DATES)
    assert run.new_rows == 2  # one new observation per daily series
    assert run.full_seconds > 0 and run.incremental_seconds > 0
    assert line(run, [run]).startswith("duckdb   synthetic")


def test_new_day_skips_weekends_unless_the_series_is_seven_day() -> None:
    seven_day = synthetic(1)[0][0]  # "Daily, 7-Day"
    business = replace(seven_day, frequency="Daily")
    friday = date(2026, 1, 2)
    assert next_day(seven_day, friday) == date(2026, 1, 3)
    assert next_day(business, friday) == date(2026, 1, 5)


def test_catalog_dataset_finds_the_real_files(real_data_dir: Path) -> None:
    names = {p.stem for p in catalog_files(real_data_dir)}
    assert {"DGS10", "UNRATE", "GDP"} <= names
