"""What the uncached path pays to open the DuckDB file per request, against a long-lived read
connection, on the benchmark database (``bench.api_db``).

Each sample is one request's worth of database work as the API does it: ``open`` connects
through the API's engine (NullPool), reads the data version and closes; ``long-lived`` runs
the same read on one connection kept open, plus the two ``stat`` calls a long-lived
connection needs to notice a new file version (``graphql_api.version_probe``).

    .venv/bin/python -m bench.duckdb_open [--samples 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import api_db
from graphql_api.version_probe import VersionProbe
from models import series_repository
from models.engine import make_engine

MAX_SAMPLES = 5000


def _median_ms(fn: Callable[[], object], samples: int) -> float:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench(database: Path, samples: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="fredpipe-open-") as tmp:
        served = api_db.copy_of(database, Path(tmp))
        engine = make_engine(f"duckdb:///{served}")
        probe = VersionProbe.for_engine(engine)
        assert probe is not None

        def per_request() -> None:
            with engine.connect() as conn:
                series_repository.data_version(conn)

        try:
            per_request()
            opened = _median_ms(per_request, samples)
            with engine.connect() as conn:

                def long_lived() -> None:
                    probe.fingerprint()
                    series_repository.data_version(conn)

                kept = _median_ms(long_lived, samples)
        finally:
            engine.dispose()
    return opened, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--database", type=Path, help="a built DuckDB file (default: bench.api_db)")
    args = parser.parse_args()
    database = args.database or api_db.ensure()
    opened, kept = bench(database, min(args.samples, MAX_SAMPLES))
    print(f"open per request (connect, version read, close): median {opened:.2f} ms")
    print(f"long-lived connection (stat x2, version read)  : median {kept:.2f} ms")
    print(f"difference per request                           : {opened - kept:.2f} ms")


if __name__ == "__main__":
    main()
