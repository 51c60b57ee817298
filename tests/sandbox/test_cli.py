"""``fredpipe sandbox`` serves FRED on loopback until stopped (the blocking ``serve_sandbox``)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from models.settings import SANDBOX_API_KEY
from tests.support.cli import FREDPIPE, REPO, cli_env, free_port


def test_sandbox_command_serves_a_data_folder(tmp_path: Path) -> None:
    (tmp_path / "TESTM.csv").write_text("date,value\n2024-01-01,1.25\n2024-02-01,.\n")
    port = free_port()
    proc = subprocess.Popen(
        [*FREDPIPE, "sandbox", "--port", str(port), "--data-dir", str(tmp_path)],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/fred/series/observations"
        params = {"series_id": "TESTM", "api_key": SANDBOX_API_KEY, "file_type": "json"}
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                resp = httpx.get(url, params=params, timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.2)
        assert resp.status_code == 200
        assert [(o["date"], o["value"]) for o in resp.json()["observations"]] == [
            ("2024-01-01", "1.25"),
            ("2024-02-01", "."),
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=15)
