"""What one access-log line costs in JSON format: through the standard library's ``logging``
(how every other logger of the process writes) against ``models.log_config.hot_path_logger``
(structlog's own fast path, what the API's access log uses), both rendering the same fields.
Lines go to ``/dev/null``; the median of ``--rounds`` rounds, in µs per line.

    .venv/bin/python -m bench.log_lines [--lines 50000]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from typing import Any

import structlog

from models.log_config import configure_logging, hot_path_logger
from models.settings import load_settings

MAX_LINES = 1_000_000
#: the fields of a cache hit's access-log line (``graphql_api.access_log``)
FIELDS: dict[str, Any] = {
    "request_id": "0f" * 16,
    "principal": "user:bench",
    "method": "POST",
    "path": "/graphql",
    "status": 200,
    "latency_ms": 0.3,
    "cache": "hit",
    "operation": None,
    "cost": None,
}


def _per_line(log: Any, lines: int) -> float:
    started = time.perf_counter()
    for _ in range(lines):
        log.info("request", **FIELDS)
    return (time.perf_counter() - started) / lines * 1e6


def bench(lines: int, rounds: int) -> dict[str, float]:
    results: dict[str, list[float]] = {"standard library logging": [], "hot_path_logger": []}
    with open("/dev/null", "w") as sink, contextlib.redirect_stderr(sink):
        configure_logging(load_settings(log_format="json"))
        loggers = {
            "standard library logging": structlog.get_logger("fredpipe.access"),
            "hot_path_logger": hot_path_logger("fredpipe.access"),
        }
        for _ in range(rounds):
            for name, log in loggers.items():
                results[name].append(_per_line(log, lines))
    return {name: statistics.median(costs) for name, costs in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    medians = bench(max(1, min(args.lines, MAX_LINES)), max(1, args.rounds))
    for name, cost in medians.items():
        print(f"{name:26s} {cost:6.2f} µs per line", file=sys.stdout)


if __name__ == "__main__":
    main()
