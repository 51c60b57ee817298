"""What the API's encoder and compression choices cost, on the API's own answers.

Fetches two real answers from ``fredpipe serve`` on the benchmark database (``bench.api_db``):
the README's example request and the dashboard request of ``bench.api_dashboard``, both
uncompressed. Then, in this process, times encoding their decoded data with the standard
library's ``json.dumps`` and with orjson (what ``graphql_api.ide`` uses), and compressing
their bytes with gzip level 6 and brotli quality 5 (``graphql_api.compression``). Medians of
``--repeat`` runs.

    .venv/bin/python -m bench.encoding [--repeat 20]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import brotli
import httpx
import orjson

from bench import api_db
from bench.api_dashboard import dashboard_request
from bench.readme import example_query
from bench.serving import api_server
from graphql_api.compression import BROTLI_QUALITY, GZIP_LEVEL

MAX_REPEAT = 200


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def answers(database: Path) -> dict[str, bytes]:
    """The identity bytes of each benchmarked request, fetched once from a real server."""
    queries = {
        "README request": {"query": example_query()},
        "dashboard request": dashboard_request(),
    }
    with tempfile.TemporaryDirectory(prefix="fredpipe-enc-") as tmp:
        work = Path(tmp)
        served = api_db.copy_of(database, work)
        with api_server(f"duckdb:///{served}", work) as api, httpx.Client(timeout=60) as client:
            out = {}
            for name, request in queries.items():
                response = client.post(
                    f"{api}/graphql",
                    json=request,
                    headers={"accept-encoding": "identity"},
                )
                response.raise_for_status()
                if "errors" in response.json():
                    raise SystemExit(f"{name} failed: {response.json()['errors'][:2]}")
                out[name] = response.content
    return out


def report(name: str, body: bytes, repeat: int) -> list[str]:
    data = json.loads(body)
    gz = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    br = brotli.compress(body, quality=BROTLI_QUALITY)
    return [
        f"{name}: {len(body):,} bytes",
        f"  encode  json.dumps {_median_ms(lambda: json.dumps(data), repeat):7.2f} ms"
        f"   orjson {_median_ms(lambda: orjson.dumps(data), repeat):7.2f} ms",
        f"  gzip {GZIP_LEVEL}  {len(gz):>9,} bytes "
        f"{_median_ms(lambda: gzip.compress(body, compresslevel=GZIP_LEVEL), repeat):7.2f} ms",
        f"  brotli {BROTLI_QUALITY} {len(br):>8,} bytes "
        f"{_median_ms(lambda: brotli.compress(body, quality=BROTLI_QUALITY), repeat):7.2f} ms",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", type=Path, help="a built DuckDB file (default: bench.api_db)")
    args = parser.parse_args()
    repeat = max(1, min(args.repeat, MAX_REPEAT))
    for name, body in answers(args.database or api_db.ensure()).items():
        print("\n".join(report(name, body, repeat)))


if __name__ == "__main__":
    main()
