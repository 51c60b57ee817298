"""Uncached latency of the dashboard's query, one connection, on real FRED data.

Serves a copy of the benchmark database (``bench.api_db``: the real history, dbt's marts,
forecasts for ``BENCH_SERIES``) with ``fredpipe serve`` and sends the dashboard's one request
(five indicators, ten years of daily data downsampled with ``maxPoints: 1500``, technicals
with ``maxPoints: 1500``, monthly candles, window statistics, statistics, trends, forecasts
and their 5 x 5 correlation) again and again, in one of two ways (``--vary``):

- ``window`` (default, the honest uncached case): the same document as a client sends it,
  with the window's end one day earlier on every request, so every answer is new: it misses
  the response cache and every windowed database read (observations, technicals, candles,
  statistics, the correlation's inputs) is a new one.
- ``comment``: the same document and window, each with a unique comment, so it misses the
  response cache and the parser's cache but the reads repeat (``graphql_api.read_memo``).
- ``version``: the same request after a data-version bump (written to the served file
  between requests, outside the timing, as a pipeline stage does): the cold case, the first
  request after new data lands, where every read goes to the database.

Prints p50 and p99; the target is p99 <= ``TARGET_P99_MS``.

    .venv/bin/python -m bench.api_dashboard [--requests 200] [--vary window|comment]
    .venv/bin/python -m bench.api_dashboard --by-part --requests 10   # where the time goes
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx

from bench import api_db
from bench.serving import api_server
from models.engine import make_engine
from models.settings import Settings
from models.versioning import bump_version

TARGET_P99_MS = 100.0
MAX_REQUESTS = 2000
START, END = "2015-01-01", "2024-12-31"
MAX_POINTS = 1500
#: five daily indicators (technicals and candles exist for daily series only); the first
#: three are among ``bench.api_db.BENCH_SERIES`` and have forecasts, the others answer null
DASHBOARD_SERIES = ("DGS10", "DGS2", "DCOILWTICO", "DFF", "DEXUSEU")


WINDOW = "start: $start, end: $end"
#: the dashboard's per-indicator panels, by name (``--by-part`` times each one alone)
PANELS = {
    "metadata": "id title units frequency",
    "observations": f"observations({WINDOW}, maxPoints: {MAX_POINTS}) {{ dates values }}",
    "technicals": (
        f"technicals({WINDOW}, maxPoints: {MAX_POINTS}) "
        "{ dates sma20 sma50 sma200 bollingerUpper bollingerLower }"
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


def _document(body: str) -> str:
    variables = "($start: Date, $end: Date)" if "$start" in body else ""
    return f"query Dashboard{variables} {{ {body} }}"


def dashboard_query(ids: tuple[str, ...] = DASHBOARD_SERIES) -> str:
    """The document; its variables are ``$start`` and ``$end`` (``dashboard_request``)."""
    panels = [
        f'i{n}: indicator(id: "{sid}") {{\n    ' + "\n    ".join(PANELS.values()) + "\n  }"
        for n, sid in enumerate(ids)
    ]
    return _document("\n  ".join([*panels, *_top_level(ids).values()]))


def dashboard_request(
    query: str | None = None, start: str = START, end: str = END
) -> dict[str, object]:
    """A GraphQL request body: ``query`` (the dashboard's by default) over [start, end]."""
    return {"query": query or dashboard_query(), "variables": {"start": start, "end": end}}


def part_queries(ids: tuple[str, ...] = DASHBOARD_SERIES) -> dict[str, str]:
    """The dashboard query cut into its parts, each a query of its own."""
    parts = {
        name: _document(
            " ".join(f'i{n}: indicator(id: "{sid}") {{ {body} }}' for n, sid in enumerate(ids))
        )
        for name, body in PANELS.items()
    }
    parts.update({name: _document(body) for name, body in _top_level(ids).items()})
    return parts


@dataclass(frozen=True)
class Result:
    requests: int
    body_bytes: int
    samples_ms: list[float]
    vary: str

    def quantile(self, q: int) -> float:
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[q - 1]

    def lines(self) -> list[str]:
        return [
            f"dashboard query, uncached (a new {self.vary} per request), 1 connection, "
            f"{self.requests} requests, {self.body_bytes} bytes per answer (identity)",
            f"  p50 {self.quantile(50):7.1f} ms",
            f"  p90 {self.quantile(90):7.1f} ms",
            f"  p99 {self.quantile(99):7.1f} ms   (target <= {TARGET_P99_MS:.0f} ms)",
            f"  max {max(self.samples_ms):7.1f} ms",
        ]


def _once(client: httpx.Client, url: str, request: dict[str, object]) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(url, json=request)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    body = response.json()
    if "errors" in body:
        raise SystemExit(f"query failed: {body['errors'][:2]}")
    if response.headers.get("x-cache") != "miss":
        raise SystemExit("expected every request to miss the response cache")
    return elapsed, len(response.content)


def _request(vary: str, n: int, query: str) -> dict[str, object]:
    """Request ``n``: a new window (``window``) or the same one with a new comment."""
    if vary == "window":
        end = date.fromisoformat(END) - timedelta(days=n)
        return dashboard_request(query, START, end.isoformat())
    if vary == "version":
        return dashboard_request(query)
    return dashboard_request(f"# {time.time_ns()}-{n}\n{query}")


def _bump(url: str) -> None:
    """A new data version in the served file, as a pipeline stage leaves it (no Redis here:
    the API notices by the file's change)."""
    engine = make_engine(url)
    try:
        bump_version(engine, "bench", settings=Settings(database_url=url))
    finally:
        engine.dispose()


def bench(database: Path, requests: int, vary: str = "window") -> Result:
    query = dashboard_query()
    with tempfile.TemporaryDirectory(prefix="fredpipe-dash-") as tmp:
        work = Path(tmp)
        served = api_db.copy_of(database, work)
        db_url = f"duckdb:///{served}"
        with api_server(db_url, work) as api, httpx.Client(timeout=60) as client:
            url = f"{api}/graphql"
            # warm up (imports, first opens, numpy's first calls) on windows the run never uses
            for n in range(5):
                _once(client, url, dashboard_request(query, START, f"2025-06-{10 + n}"))
            samples, size = [], 0
            for n in range(requests):
                if vary == "version":
                    _bump(db_url)
                elapsed, size = _once(client, url, _request(vary, n, query))
                samples.append(elapsed)
    return Result(requests, size, samples, vary)


def by_part(database: Path, requests: int) -> list[str]:
    """Median uncached latency and answer size of each part of the dashboard query alone, a
    new window on every request (as ``--vary window``)."""
    lines = [f"dashboard query by part, uncached, 1 connection, median of {requests}"]
    with tempfile.TemporaryDirectory(prefix="fredpipe-dash-") as tmp:
        work = Path(tmp)
        served = api_db.copy_of(database, work)
        with api_server(f"duckdb:///{served}", work) as api, httpx.Client(timeout=60) as client:
            url = f"{api}/graphql"
            for k, (name, query) in enumerate(part_queries().items()):
                _once(client, url, _request("comment", -1, query))
                runs = [
                    _once(client, url, _request("window", k * requests + n, query))
                    if "$start" in query
                    else _once(client, url, _request("comment", n, query))
                    for n in range(requests)
                ]
                median = statistics.median(ms for ms, _ in runs)
                lines.append(f"  {name:13s} {median:7.1f} ms  {runs[-1][1]:9d} bytes")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", type=Path, help="a built DuckDB file (default: bench.api_db)")
    parser.add_argument(
        "--vary",
        choices=("window", "comment", "version"),
        default="window",
        help="what makes each request new (module docstring)",
    )
    parser.add_argument(
        "--by-part", action="store_true", help="time each part of the query alone instead"
    )
    args = parser.parse_args()
    database = args.database or api_db.ensure()
    if args.by_part:
        print("\n".join(by_part(database, min(args.requests, MAX_REQUESTS))))
        return
    result = bench(database, min(args.requests, MAX_REQUESTS), args.vary)
    print("\n".join(result.lines()))


if __name__ == "__main__":
    main()
