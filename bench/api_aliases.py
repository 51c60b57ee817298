"""The heaviest request a user can send today: many aliases of ``correlation`` over many ids,
each alias on its own window, timed against ``fredpipe serve`` on real FRED data.

Serves a copy of the benchmark database (``bench.api_db``) and sends one request with
``--aliases`` correlations over the first ``--ids`` series of the catalog, alias n starting
30·n days after 2000-01-01 (so no two share a window), ``--requests`` times with a unique
comment each (every one misses the response cache). Prints each wall time and the median.

    .venv/bin/python -m bench.api_aliases [--aliases 100] [--ids 20] [--requests 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import httpx

from bench import api_db
from bench.serving import api_server

MAX_ALIASES = 1000
MAX_REQUESTS = 20
FIRST_START = date(2000, 1, 1)


def aliases_query(ids: list[str], aliases: int, basis: str = "MONTHLY") -> str:
    listed = ", ".join(f'"{sid}"' for sid in ids)
    parts = [
        f'a{n}: correlation(ids: [{listed}], start: "{FIRST_START + timedelta(days=30 * n)}",'
        f" basis: {basis}) {{ matrix }}"
        for n in range(aliases)
    ]
    return "{ " + "\n  ".join(parts) + " }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aliases", type=int, default=100)
    parser.add_argument("--ids", type=int, default=20)
    parser.add_argument("--requests", type=int, default=3)
    parser.add_argument("--basis", choices=("MONTHLY", "DAILY"), default="MONTHLY")
    parser.add_argument("--database", type=Path, help="a built DuckDB file (default: bench.api_db)")
    args = parser.parse_args()
    database = args.database or api_db.ensure()
    with tempfile.TemporaryDirectory(prefix="fredpipe-aliases-") as tmp:
        work = Path(tmp)
        served = api_db.copy_of(database, work)
        with duckdb.connect(str(served), read_only=True) as conn:
            rows = conn.execute("select series_id from dim_series order by series_id").fetchall()
        ids = [str(r[0]) for r in rows][: max(2, args.ids)]
        query = aliases_query(ids, max(1, min(args.aliases, MAX_ALIASES)), args.basis)
        samples = []
        with api_server(f"duckdb:///{served}", work) as api, httpx.Client(timeout=600) as client:
            for n in range(max(1, min(args.requests, MAX_REQUESTS))):
                started = time.perf_counter()
                response = client.post(
                    f"{api}/graphql", json={"query": f"# {time.time_ns()}-{n}\n{query}"}
                )
                samples.append(time.perf_counter() - started)
                response.raise_for_status()
                if "errors" in response.json():
                    raise SystemExit(f"query failed: {response.json()['errors'][:2]}")
                print(f"request {n + 1}: {samples[-1]:.2f} s")
    print(
        f"{args.aliases} aliases x {len(ids)} ids ({args.basis}): "
        f"median {statistics.median(samples):.2f} s"
    )


if __name__ == "__main__":
    main()
