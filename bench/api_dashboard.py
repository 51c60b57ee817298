"""Uncached latency of the dashboard's query, one connection, on real FRED data.

Serves a copy of the benchmark database (``bench.api_db``: the real history, dbt's marts,
forecasts for ``BENCH_SERIES``) with ``fredpipe serve`` and sends the dashboard's one request
(five indicators, ten years of daily data downsampled with ``maxPoints: 1500``, technicals,
monthly candles, window statistics, statistics, trends, forecasts and their 5 x 5
correlation) again and again, each time with a unique comment so it misses the response
cache but does the same work. Prints p50 and p99; the target is p99 <= ``TARGET_P99_MS``.

    .venv/bin/python -m bench.api_dashboard [--requests 200]
    .venv/bin/python -m bench.api_dashboard --by-part --requests 10   # where the time goes
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import api_db
from bench.serving import api_server

TARGET_P99_MS = 100.0
MAX_REQUESTS = 2000
START, END = "2015-01-01", "2024-12-31"
MAX_POINTS = 1500
#: five daily indicators (technicals and candles exist for daily series only); the first
#: three are among ``bench.api_db.BENCH_SERIES`` and have forecasts, the others answer null
DASHBOARD_SERIES = ("DGS10", "DGS2", "DCOILWTICO", "DFF", "DEXUSEU")


WINDOW = f'start: "{START}", end: "{END}"'
#: the dashboard's per-indicator panels, by name (``--by-part`` times each one alone)
PANELS = {
    "metadata": "id title units frequency",
    "observations": f"observations({WINDOW}, maxPoints: {MAX_POINTS}) {{ dates values }}",
    "technicals": (
        f"technicals({WINDOW}) {{ dates sma20 sma50 sma200 bollingerUpper bollingerLower }}"
    ),
    "candles": f"candles(frequency: MONTHLY, {WINDOW}) {{ dates open high low close }}",
    "stats": f"stats({WINDOW}) {{ count mean stddev min max }}",
    "windowStats": "windowStats { window count mean stddev min max change }",
    "trend": "trend { latestDate latestValue change1d change1m change1y pctChange1y zscore1y }",
    "forecast": "forecast { dates mean lower80 upper80 lower95 upper95 }",
}


def _listed(ids: tuple[str, ...]) -> str:
    return ", ".join(f'"{sid}"' for sid in ids)


def _top_level(ids: tuple[str, ...]) -> dict[str, str]:
    return {
        "trends": f"trends(ids: [{_listed(ids)}]) {{ id latestValue change1w change1m change1y }}",
        "correlation": f"correlation(ids: [{_listed(ids)}], {WINDOW}) {{ ids matrix }}",
    }


def dashboard_query(ids: tuple[str, ...] = DASHBOARD_SERIES) -> str:
    panels = [
        f'i{n}: indicator(id: "{sid}") {{\n    ' + "\n    ".join(PANELS.values()) + "\n  }"
        for n, sid in enumerate(ids)
    ]
    return "{ " + "\n  ".join([*panels, *_top_level(ids).values()]) + " }"


def part_queries(ids: tuple[str, ...] = DASHBOARD_SERIES) -> dict[str, str]:
    """The dashboard query cut into its parts, each a query of its own."""
    parts = {
        name: "{ "
        + " ".join(f'i{n}: indicator(id: "{sid}") {{ {body} }}' for n, sid in enumerate(ids))
        + " }"
        for name, body in PANELS.items()
    }
    parts.update({name: "{ " + body + " }" for name, body in _top_level(ids).items()})
    return parts


@dataclass(frozen=True)
class Result:
    requests: int
    body_bytes: int
    samples_ms: list[float]

    def quantile(self, q: int) -> float:
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[q - 1]

    def lines(self) -> list[str]:
        return [
            f"dashboard query, uncached, 1 connection, {self.requests} requests, "
            f"{self.body_bytes} bytes per answer (identity)",
            f"  p50 {self.quantile(50):7.1f} ms",
            f"  p90 {self.quantile(90):7.1f} ms",
            f"  p99 {self.quantile(99):7.1f} ms   (target <= {TARGET_P99_MS:.0f} ms)",
            f"  max {max(self.samples_ms):7.1f} ms",
        ]


def _once(client: httpx.Client, url: str, query: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(url, json={"query": query})
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    body = response.json()
    if "errors" in body:
        raise SystemExit(f"query failed: {body['errors'][:2]}")
    if response.headers.get("x-cache") != "miss":
        raise SystemExit("expected every request to miss the response cache")
    return elapsed, len(response.content)


def bench(database: Path, requests: int) -> Result:
    query = dashboard_query()
    with tempfile.TemporaryDirectory(prefix="fredpipe-dash-") as tmp:
        work = Path(tmp)
        served = api_db.copy_of(database, work)
        with api_server(f"duckdb:///{served}", work) as api, httpx.Client(timeout=60) as client:
            url = f"{api}/graphql"
            for n in range(5):  # warm up: imports, first opens, numpy's first calls
                _once(client, url, f"# warm-{n}\n{query}")
            samples, size = [], 0
            for n in range(requests):
                elapsed, size = _once(client, url, f"# {time.time_ns()}-{n}\n{query}")
                samples.append(elapsed)
    return Result(requests, size, samples)


def by_part(database: Path, requests: int) -> list[str]:
    """Median uncached latency and answer size of each part of the dashboard query alone."""
    lines = [f"dashboard query by part, uncached, 1 connection, median of {requests}"]
    with tempfile.TemporaryDirectory(prefix="fredpipe-dash-") as tmp:
        work = Path(tmp)
        served = api_db.copy_of(database, work)
        with api_server(f"duckdb:///{served}", work) as api, httpx.Client(timeout=60) as client:
            url = f"{api}/graphql"
            for name, query in part_queries().items():
                _once(client, url, f"# warm-{name}\n{query}")
                runs = [_once(client, url, f"# {time.time_ns()}\n{query}") for _ in range(requests)]
                median = statistics.median(ms for ms, _ in runs)
                lines.append(f"  {name:13s} {median:7.1f} ms  {runs[-1][1]:9d} bytes")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", type=Path, help="a built DuckDB file (default: bench.api_db)")
    parser.add_argument(
        "--by-part", action="store_true", help="time each part of the query alone instead"
    )
    args = parser.parse_args()
    database = args.database or api_db.ensure()
    if args.by_part:
        print("\n".join(by_part(database, min(args.requests, MAX_REQUESTS))))
        return
    result = bench(database, min(args.requests, MAX_REQUESTS))
    print("\n".join(result.lines()))


if __name__ == "__main__":
    main()
