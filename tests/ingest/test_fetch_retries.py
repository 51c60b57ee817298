"""The client against injected sandbox faults: what is retried, how long it waits, what fails."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import pytest

from ingest.fred_client import FredClient
from ingest.fred_errors import (
    FredResponseError,
    FredServerError,
    FredTransportError,
    InvalidAPIKeyError,
    RateLimitedError,
    SeriesNotFoundError,
    parse_retry_after,
)
from ingest.ratelimit import DEFAULT_MARGIN_SECONDS, Budget, RequestLimiter
from ingest.series_data import FredObservation
from models.settings import SANDBOX_API_KEY
from sandbox.demo_data import demo_series
from sandbox.faults import Fault
from sandbox.server import SandboxURL, running_sandbox

OBS = "series/observations"
TODAY = date(2024, 5, 6)
#: What FRED answers for GDP on ``TODAY``: the current vintage of every date, stamped today.
GDP_ROWS = [FredObservation(d, TODAY, TODAY, v) for d, v in demo_series()["GDP"].observations]


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[SandboxURL]:
    with running_sandbox(rate_per_minute=100_000, today=lambda: TODAY) as url:
        yield url


@pytest.fixture
def sandbox(module_sandbox: SandboxURL) -> SandboxURL:
    module_sandbox.state.faults.clear()
    module_sandbox.state.stats.reset()
    return module_sandbox


def client(url: str, **kwargs: object) -> FredClient:
    options: dict[str, object] = {"timeout": 5, "max_attempts": 6, "backoff_seconds": 0.01}
    options.update(kwargs)
    return FredClient(SANDBOX_API_KEY, url, **options)  # type: ignore[arg-type]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None


def test_a_429_burst_waits_at_least_what_retry_after_asks(sandbox: SandboxURL) -> None:
    sandbox.state.faults.add(Fault("status", status=429, retry_after="1", times=2, endpoint=OBS))
    naps: list[float] = []
    rows = client(sandbox, sleep=naps.append).observations("GDP")
    assert rows == GDP_ROWS
    assert naps == [1.0, 1.0]  # two 429s, each asking for one second; backoff alone is ~0.02 s
    assert sandbox.state.stats.series("GDP") == 3


def test_a_429_pauses_the_shared_limiter_for_every_worker(sandbox: SandboxURL) -> None:
    limiter = RequestLimiter(Budget(100, 10_000), "pause-test-key")
    sandbox.state.faults.add(Fault("status", status=429, retry_after="2", times=1, endpoint=OBS))
    throttled = client(sandbox, limiter=limiter)
    other = client(sandbox, limiter=limiter)
    worker = threading.Thread(target=lambda: throttled.observations("GDP"))
    worker.start()
    deadline = time.monotonic() + 10
    while limiter.paused_for() == 0.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert limiter.paused_for() > 0, "the 429 did not pause the shared limiter"
    pause_ends = time.time() + limiter.paused_for() - DEFAULT_MARGIN_SECONDS
    other.observations("UNRATE")  # another worker, not throttled itself, waits out the pause
    asked_at = time.time()
    worker.join()
    assert asked_at >= pause_ends
    assert sandbox.state.stats.rate_limited == 1  # only the throttled worker met a 429


def test_retry_after_as_an_http_date_is_honoured(sandbox: SandboxURL) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=4), usegmt=True)
    sandbox.state.faults.add(Fault("status", status=503, retry_after=when, times=1))
    naps: list[float] = []
    client(sandbox, sleep=naps.append).series_info("GDP")
    # The date has whole-second precision (3 to 4 s ahead when sent); the backoff alone
    # would be ~0.01 s. Two seconds of slack for a slow request.
    assert len(naps) == 1 and 1.0 <= naps[0] <= 4.0


def test_a_retry_after_beyond_the_cap_fails_at_once(sandbox: SandboxURL) -> None:
    sandbox.state.faults.add(Fault("status", status=429, retry_after="3600", times=None))
    naps: list[float] = []
    with pytest.raises(RateLimitedError) as error:
        client(sandbox, max_retry_after=60, sleep=naps.append).series_info("GDP")
    assert error.value.retry_after == 3600
    assert naps == []  # no wait at all
    assert sandbox.state.stats.series("GDP") == 1


def test_server_errors_are_retried_with_backoff_until_success(sandbox: SandboxURL) -> None:
    sandbox.state.faults.add(Fault("status", status=500, times=3, series_id="UNRATE"))
    info = client(sandbox).series_info("UNRATE")
    assert info.series_id == "UNRATE"
    assert sandbox.state.stats.series("UNRATE") == 4


def test_persistent_server_errors_give_up_after_max_attempts(sandbox: SandboxURL) -> None:
    sandbox.state.faults.add(Fault("status", status=502, times=None))
    with pytest.raises(FredServerError):
        client(sandbox, max_attempts=3).series_info("GDP")
    assert sandbox.state.stats.series("GDP") == 3


def test_backoff_grows_exponentially_with_jitter(sandbox: SandboxURL) -> None:
    naps: list[float] = []
    sandbox.state.faults.add(Fault("status", status=500, times=None))
    with pytest.raises(FredServerError):
        client(sandbox, max_attempts=5, backoff_seconds=1.0, sleep=naps.append).series_info("GDP")
    assert len(naps) == 4
    for n, nap in enumerate(naps):
        assert 2**n <= nap <= 2**n + 1  # 1, 2, 4, 8 s plus up to 1 s of jitter
    assert len({round(nap - 2**n, 6) for n, nap in enumerate(naps)}) > 1


def test_a_timeout_is_retried_and_then_succeeds(sandbox: SandboxURL) -> None:
    sandbox.state.faults.add(Fault("slow", delay_seconds=5, times=1, endpoint=OBS))
    naps: list[float] = []
    started = time.monotonic()
    rows = client(sandbox, timeout=0.4, sleep=naps.append).observations("GDP")
    assert rows == GDP_ROWS
    assert len(naps) == 1  # one timeout, one retry
    # Done long before the slow answer would have come (generous for a loaded machine).
    assert time.monotonic() - started < 4.5
    # The abandoned slow request is counted once it finishes on the server side.
    deadline = time.monotonic() + 10
    while sandbox.state.stats.series("GDP") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox.state.stats.series("GDP") == 2


def test_a_dropped_connection_mid_body_is_retried(sandbox: SandboxURL) -> None:
    sandbox.state.faults.add(Fault("truncated", times=2, endpoint=OBS))
    assert client(sandbox).observations("GDP") == GDP_ROWS
    assert sandbox.state.stats.series("GDP") == 3


def test_a_body_that_keeps_getting_cut_off_fails_with_a_clear_error(
    sandbox: SandboxURL,
) -> None:
    sandbox.state.faults.add(Fault("truncated", times=None, endpoint=OBS))
    with pytest.raises(FredTransportError, match=r"cut off after \d+ of \d+ bytes"):
        client(sandbox, max_attempts=3).observations("GDP")
    assert sandbox.state.stats.series("GDP") == 3


def test_a_malformed_body_is_tried_twice_then_fails_clearly(sandbox: SandboxURL) -> None:
    sandbox.state.faults.add(Fault("malformed", times=None, endpoint=OBS))
    with pytest.raises(FredResponseError, match="not well-formed XML"):
        client(sandbox).observations("GDP")
    assert sandbox.state.stats.series("GDP") == 2


def test_well_formed_xml_of_the_wrong_shape_is_a_response_error(sandbox: SandboxURL) -> None:
    bad_row = '<?xml version="1.0"?><observations count="1"><observation value="1"/></observations>'
    sandbox.state.faults.add(Fault("malformed", body=bad_row, times=None, endpoint=OBS))
    with pytest.raises(FredResponseError, match="missing or invalid 'date'"):
        client(sandbox).observations("GDP")
    sandbox.state.faults.clear()
    short = '<?xml version="1.0"?><observations count="5"></observations>'
    sandbox.state.faults.add(Fault("malformed", body=short, times=None, endpoint=OBS))
    with pytest.raises(FredResponseError, match="announced 5 observations of GDP but sent 0"):
        client(sandbox).observations("GDP")


def test_an_unknown_series_fails_at_once_with_freds_message(sandbox: SandboxURL) -> None:
    with pytest.raises(SeriesNotFoundError, match="The series does not exist"):
        client(sandbox).series_info("NOSUCHSERIES")
    assert sandbox.state.stats.series("NOSUCHSERIES") == 1


def test_a_bad_api_key_fails_at_once(sandbox: SandboxURL) -> None:
    bad = FredClient("X" * 32, sandbox, max_attempts=6, backoff_seconds=0.01)
    with pytest.raises(InvalidAPIKeyError, match="api_key"):
        bad.observations("GDP")
    assert sandbox.state.stats.total == 1
