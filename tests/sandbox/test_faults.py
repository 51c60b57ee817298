"""Sandbox fault injection and FRED's two-window budget, set in process and over HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.fred_client import FredClient
from ingest.fred_errors import FredResponseError
from models.settings import SANDBOX_API_KEY
from sandbox.faults import Fault, FaultPlan
from sandbox.limits import RateLimiter
from sandbox.server import running_sandbox
from tests.support.cli import free_port

REPO = Path(__file__).resolve().parents[2]


def fred_get(root: str, path: str, **params: str) -> httpx.Response:
    params.setdefault("api_key", SANDBOX_API_KEY)
    return httpx.get(f"{root}/{path}", params=params, timeout=10)


def test_faults_fire_as_many_times_as_asked_for_matching_requests() -> None:
    plan = FaultPlan()
    plan.add(Fault("status", series_id="gdp", endpoint="series", times=2))
    assert plan.take("series/observations", "GDP") is None
    assert plan.take("series", "UNRATE") is None
    assert plan.take("series", "GDP") is not None
    assert plan.take("series", "GDP") is not None
    assert plan.take("series", "GDP") is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "explode"}, "fault kind must be one of"),
        ({"kind": "status", "status": 200}, "HTTP error"),
        ({"kind": "status", "times": 0}, "times must be >= 1"),
        ({"kind": "status", "colour": "red"}, "unknown fault fields: colour"),
    ],
)
def test_bad_faults_are_refused_with_a_reason(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Fault.from_json(fields)


def test_the_sandbox_enforces_both_windows_like_fred() -> None:
    clock = [0.0]
    limiter = RateLimiter(10, 60.0, lambda: clock[0], also=((2, 1.0),))
    assert [limiter.allow("k") for _ in range(3)] == [True, True, False]
    clock[0] = 1.0
    assert [limiter.allow("k") for _ in range(3)] == [True, True, False]
    for second in range(2, 5):
        clock[0] = float(second)
        limiter.allow("k")
        limiter.allow("k")
    clock[0] = 5.0
    assert limiter.allow("k") is False  # 10 in the last minute, though the second is free
    clock[0] = 60.5
    assert limiter.allow("k") is True


def test_injected_status_carries_retry_after_and_freds_error_body() -> None:
    with running_sandbox() as url:
        url.state.faults.add(Fault("status", status=429, retry_after="3", times=1))
        throttled = fred_get(url, "series", series_id="GDP")
        again = fred_get(url, "series", series_id="GDP")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "3"
    assert 'message="Too Many Requests.  Exceeded Rate Limit"' in throttled.text
    assert again.status_code == 200


def test_a_truncated_answer_drops_the_connection_mid_body() -> None:
    with running_sandbox() as url:
        url.state.faults.add(Fault("truncated", times=1))
        with pytest.raises(httpx.RemoteProtocolError):
            fred_get(url, "series/observations", series_id="GDP")
        assert fred_get(url, "series/observations", series_id="GDP").status_code == 200


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[str]:
    """A sandbox in another process (as the CLI or a Prefect worker would meet it)."""
    (tmp_path / "TESTM.csv").write_text("date,value\n2024-01-01,1.25\n2024-02-01,2.5\n")
    port = free_port()
    code = (
        "from pathlib import Path; from sandbox.server import serve_sandbox; "
        f"serve_sandbox(port={port}, data_dir=Path({str(tmp_path)!r}), rate_per_minute=1000)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, "sandbox process exited"
            try:
                httpx.get(f"{root}/sandbox/stats", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.1)
        yield root
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_faults_and_revisions_over_http_reach_a_sandbox_process(sandbox_process: str) -> None:
    root = sandbox_process
    added = httpx.post(
        f"{root}/sandbox/faults",
        json=[
            {"kind": "malformed", "series_id": "TESTM", "times": None},
            {"kind": "status", "status": 503, "retry_after": 1, "times": 1, "series_id": "X"},
        ],
    )
    assert added.status_code == 200 and len(added.json()["faults"]) == 2
    bad = httpx.post(f"{root}/sandbox/faults", json={"kind": "nope"})
    assert bad.status_code == 400 and "kind" in bad.json()["error"]
    client = FredClient(SANDBOX_API_KEY, f"{root}/fred", timeout=5, backoff_seconds=0.01)
    with pytest.raises(FredResponseError):
        client.observations("TESTM")
    listed = httpx.get(f"{root}/sandbox/faults").json()["faults"]
    assert listed[0]["fired"] == 2
    assert httpx.delete(f"{root}/sandbox/faults").json() == {"faults": []}
    assert [r.value for r in client.observations("TESTM")] == ["1.25", "2.5"]

    revised = httpx.post(
        f"{root}/sandbox/revisions",
        json={
            "series_id": "TESTM",
            "date": "2024-01-01",
            "value": "1.5",
            "realtime_start": "2024-03-01",
        },
    )
    assert revised.status_code == 200
    from datetime import date

    rows = client.observations(
        "TESTM", realtime_start=date(1776, 7, 4), realtime_end=date(9999, 12, 31)
    )
    assert [
        (r.obs_date.isoformat(), r.realtime_start.isoformat(), r.realtime_end.isoformat(), r.value)
        for r in rows
    ] == [
        ("2024-01-01", "1776-07-04", "2024-02-29", "1.25"),
        ("2024-01-01", "2024-03-01", "9999-12-31", "1.5"),
        ("2024-02-01", "1776-07-04", "9999-12-31", "2.5"),
    ]
    stats = httpx.get(f"{root}/sandbox/stats").json()
    assert stats["by_status"]["200"] >= 4
