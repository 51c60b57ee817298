"""On the embedded DuckDB file a pipeline stage holds the writer lock for seconds; requests wait."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from models.engine import make_engine
from models.migrate import upgrade
from tests.support.api_data import api_client, gql, seed

HOLD_SECONDS = 2.0

_HOLDER = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
conn.execute("begin transaction")
conn.execute("update data_versions set stage = stage")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("commit")
conn.close()
"""


def test_request_waits_for_a_writing_process_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    url = f"duckdb:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    seed(url)
    with api_client(url, tmp_path) as client:
        holder = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(path), str(HOLD_SECONDS)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "locked"
            started = time.monotonic()
            body = gql(client, "{ dataVersion indicators { id } }")
            waited = time.monotonic() - started
        finally:
            holder.wait(timeout=30)
    assert "errors" not in body, body
    assert {i["id"] for i in body["data"]["indicators"]} >= {"DGS10", "DGS2"}
    assert waited >= HOLD_SECONDS * 0.5
