"""The README's screenshots of each dashboard view, made from the demo so they stay current:
builds the demo database as ``fredpipe demo`` does, serves it with the client build, and has
``client/e2e/views.mjs`` (the browser test of every view) save ``<view>.png`` at 1280 px and
``<view>-375.png`` at 375 px wide into ``docs/screenshots/``.

    make screenshots        (or: .venv/bin/python -m bench.screenshots [--out docs/screenshots])

Needs node and Chromium (``CHROMIUM_PATH``, default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.dashboard_load import demo_database
from bench.serving import api_server
from models.settings import REPO_ROOT

CLIENT = REPO_ROOT / "client"
SCRIPT = CLIENT / "e2e" / "views.mjs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed")
    if not (CLIENT / "dist" / "index.html").is_file():
        raise SystemExit("no client build in client/dist (make client)")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fredpipe-screenshots-") as tmp:
        work = Path(tmp)
        url = demo_database(work)
        with api_server(url, work, client_dist=CLIENT / "dist") as base:
            done = subprocess.run(
                [node, str(SCRIPT), f"{base}/", str(out)],
                cwd=CLIENT,
                env={**os.environ, "E2E_TIMEOUT_MS": "240000"},
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
    print(done.stdout, end="")
    if done.returncode != 0:
        raise SystemExit(f"the browser run failed:\n{done.stderr[-3000:]}")


if __name__ == "__main__":
    main()
