"""How fast the dashboard draws in headless Chromium, served by the API on the demo data:
first chart after navigation (cold: a new browser context; warm: the same page loaded again,
its hashed assets cached), switching indicator and switching view (``client/e2e/first-chart.mjs``
measures in the page). Targets (issue 13): first chart <= ``FIRST_CHART_TARGET_MS``, a switch <=
``SWITCH_TARGET_MS``.

    .venv/bin/python -m bench.dashboard_load [--runs 5] [--dist client/dist]

``--dist`` serves another build of the client (for a before/after comparison, build an older
commit's client and point here). The demo database is made once per run by ``fredpipe demo
--no-serve`` (the sandbox's synthetic demo data) in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.serving import api_server, bench_env
from models.settings import REPO_ROOT

FIRST_CHART_TARGET_MS = 1000
SWITCH_TARGET_MS = 300
MAX_RUNS = 50
SCRIPT = REPO_ROOT / "client" / "e2e" / "first-chart.mjs"


def demo_database(work: Path) -> str:
    """The demo's database, built in ``work`` as ``fredpipe demo`` builds it."""
    url = f"duckdb:///{work / 'demo.duckdb'}"
    env = bench_env(
        FREDPIPE_DATABASE_URL=url,
        FREDPIPE_DATA_DIR=str(work / "data"),
        FREDPIPE_DBT_DOCS_DIR=str(work / "dbt-docs"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "demo", "--no-serve"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise SystemExit(f"fredpipe demo failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return url


def measure(base: str, runs: int) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed")
    done = subprocess.run(
        [node, str(SCRIPT), f"{base}/", str(runs)],
        cwd=SCRIPT.parent.parent,
        capture_output=True,
        text=True,
        timeout=120 + 60 * runs,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the browser measurement failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(result: dict[str, Any], dist: Path) -> list[str]:
    median, samples = result["median"], result["samples"]
    return [
        f"dashboard served from {dist}, demo data, {result['runs']} runs (headless Chromium)",
        f"  first chart, cold (new context) : median {median['cold']} ms  "
        f"(target <= {FIRST_CHART_TARGET_MS})  {samples['cold']}",
        f"  first chart, warm (cached)      : median {median['warm']} ms  {samples['warm']}",
        f"  switching indicator             : median {median['switch']} ms  "
        f"(target <= {SWITCH_TARGET_MS})  {samples['switch']}",
        f"  switching view (History→Compare): median {median['view']} ms  "
        f"(target <= {SWITCH_TARGET_MS})  {samples['view']}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dist", type=Path, default=REPO_ROOT / "client" / "dist")
    args = parser.parse_args()
    dist = args.dist.resolve()
    if not (dist / "index.html").is_file():
        raise SystemExit(f"no client build at {dist} (make client)")
    runs = max(1, min(args.runs, MAX_RUNS))
    with tempfile.TemporaryDirectory(prefix="fredpipe-dashboard-") as tmp:
        work = Path(tmp)
        url = demo_database(work)
        with api_server(url, work, client_dist=dist) as base:
            result = measure(base, runs)
    print("\n".join(report(result, dist)))


if __name__ == "__main__":
    main()
