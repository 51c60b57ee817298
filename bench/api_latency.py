"""Median latency of the README's example GraphQL request against a running fredpipe API.

    .venv/bin/python bench/api_latency.py http://127.0.0.1:8000 [requests]

"uncached" adds a unique comment to each query, so every request misses the response cache
but does the same work; "cached" repeats one query. Bounded: at most 1,000 requests a mode.
"""

from __future__ import annotations

import statistics
import sys
import time

import httpx

from bench.readme import example_query

QUERY = example_query()


def _time(client: httpx.Client, url: str, query: str) -> float:
    started = time.perf_counter()
    response = client.post(url, json={"query": query})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    if "errors" in response.json():
        raise SystemExit(f"query failed: {response.json()['errors']}")
    return elapsed * 1000


def main() -> None:
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    n = min(int(sys.argv[2]) if len(sys.argv) > 2 else 50, 1000)
    url = f"{base}/graphql"
    with httpx.Client(timeout=30) as client:
        _time(client, url, QUERY)  # warm up
        uncached = [_time(client, url, f"# {time.time_ns()}-{i}\n{QUERY}") for i in range(n)]
        cached = [_time(client, url, QUERY) for _ in range(n)]
    for name, samples in (("uncached", uncached), ("cached", cached)):
        q = statistics.quantiles(samples, n=20)
        print(f"{name:9s} n={n} median={statistics.median(samples):.1f} ms p95={q[-1]:.1f} ms")


if __name__ == "__main__":
    main()
