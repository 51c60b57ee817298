"""The per-request cost benchmarks run and measure what they name (``bench.rate_limits``,
``bench.log_lines``); their figures are in docs/performance.md, not asserted here."""

from __future__ import annotations

import asyncio
import math
import re
import subprocess
import sys

from bench import rate_limits
from graphql_api.rate_limits import parse_limit
from models.settings import REPO_ROOT


def test_rate_limit_bench_measures_every_strategy_in_memory() -> None:
    medians = asyncio.run(rate_limits.bench(parse_limit("600/minute"), 300, 1, None))
    assert set(medians) == {("memory", name) for name in rate_limits.STRATEGIES}
    assert all(math.isfinite(cost) for cost in medians.values())


def test_log_line_bench_measures_both_routes() -> None:
    # its own process: the benchmark configures the process's logging
    out = subprocess.run(
        [sys.executable, "-m", "bench.log_lines", "--lines", "200", "--rounds", "1"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    costs = dict(re.findall(r"^(.+?)\s+([0-9.]+) µs per line$", out, re.MULTILINE))
    assert set(costs) == {"standard library logging", "hot_path_logger"}, out
    assert all(float(cost) > 0 for cost in costs.values())
