"""The database the API benchmarks read: the catalog's real history (``FREDPIPE_REAL_DATA_DIR``,
``../shared/fred``) loaded through the CSV importer, the marts of ``dbt build`` and forecasts
for the series the benchmark queries ask about.

Building takes minutes (dbt and the forecast backtests), so the file is built once into
``data/bench/api_real.duckdb`` and reused while it is newer than the dbt project; the
benchmarks then serve a *copy* of it, so nothing they do can change it.

    .venv/bin/python -m bench.api_db [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.dbt_build import load_catalog_history
from flows.dbt_runner import dbt_build
from forecasting.runner import run_forecasts
from models.engine import make_engine
from models.migrate import upgrade
from models.settings import REPO_ROOT, load_settings
from models.versioning import bump_version

DEFAULT_PATH = REPO_ROOT / "data" / "bench" / "api_real.duckdb"
#: the indicators the benchmark queries name (the dashboard's five); only they get forecasts
BENCH_SERIES = ("DGS10", "DGS2", "CPIAUCSL", "UNRATE", "DCOILWTICO")


def real_data_dir() -> Path:
    folder = os.environ.get("FREDPIPE_REAL_DATA_DIR")
    if not folder or not Path(folder).is_dir():
        raise SystemExit("set FREDPIPE_REAL_DATA_DIR to the folder of real FRED CSVs")
    return Path(folder)


def _newest_project_file(project: Path) -> float:
    files = [p for sub in ("models", "macros") for p in (project / sub).rglob("*") if p.is_file()]
    return max((p.stat().st_mtime for p in files), default=0.0)


def is_current(path: Path, project: Path) -> bool:
    """Built after the dbt project last changed (other marts may have been added since)."""
    return path.is_file() and path.stat().st_mtime > _newest_project_file(project)


def build(path: Path, data_dir: Path, series: tuple[str, ...] = BENCH_SERIES) -> Path:
    """A fresh DuckDB file at ``path``: history, marts, forecasts; written beside and renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # dbt-duckdb names the catalog after the file's stem: keep it a plain identifier
    scratch = path.with_name(f"{path.stem}_building{path.suffix}")
    for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
        leftover.unlink(missing_ok=True)
    url = f"duckdb:///{scratch}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        load_catalog_history(engine, data_dir, datetime.now(UTC).date() - timedelta(days=1))
        bump_version(engine, "ingest")
    finally:
        engine.dispose()
    settings = load_settings(database_url=url)
    dbt_build(settings)
    engine = make_engine(url)
    try:
        bump_version(engine, "transform")
        run_forecasts(engine, series_ids=list(series), settings=settings, force=True)
        bump_version(engine, "forecast")
        with engine.connect() as conn:
            conn.exec_driver_sql("CHECKPOINT")
    finally:
        engine.dispose()
    os.replace(scratch, path)
    return path


def ensure(path: Path = DEFAULT_PATH, *, rebuild: bool = False) -> Path:
    settings = load_settings()
    if rebuild or not is_current(path, settings.dbt_project_dir):
        build(path, real_data_dir())
    return path


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy to serve (a checkpointed file has no WAL to carry along)."""
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build even when current")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    print(ensure(args.path, rebuild=args.rebuild))


if __name__ == "__main__":
    main()
