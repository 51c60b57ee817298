"""The FRED client against a running sandbox: data, pagination, typed errors, retries."""

from __future__ import annotations

import time
from datetime import date

import pytest

from ingest.fred_client import FredClient
from ingest.fred_errors import (
    FredAPIError,
    FredServerError,
    FredTransportError,
    InvalidAPIKeyError,
    RateLimitedError,
    SeriesNotFoundError,
    error_from_response,
)
from models.settings import SANDBOX_API_KEY
from sandbox.demo_data import demo_series
from sandbox.server import running_sandbox

NOT_FOUND_XML = (
    b'<?xml version="1.0" encoding="utf-8" ?>\n'
    b'<error code="400" message="Bad Request.  The series does not exist."/>'
)


def test_client_reads_metadata_and_every_page_of_observations() -> None:
    expected = demo_series()["DGS10"]
    with running_sandbox(today=lambda: date(2024, 5, 6)) as url:
        client = FredClient(SANDBOX_API_KEY, url, timeout=10, page_size=1000)
        info = client.series_info("DGS10")
        rows = client.observations("DGS10")
        pages = url.state.stats.endpoint("series/observations")
    assert info == expected.info
    assert [(r.obs_date, r.value) for r in rows] == list(expected.observations)
    assert {(r.realtime_start, r.realtime_end) for r in rows} == {(date(2024, 5, 6),) * 2}
    assert pages == -(-len(expected.observations) // 1000)


def test_client_passes_observation_start_for_incremental_fetches() -> None:
    with running_sandbox() as url:
        rows = FredClient(SANDBOX_API_KEY, url).observations(
            "GDP", observation_start=date(2024, 1, 1)
        )
    assert [r.obs_date for r in rows] == [date(2024, m, 1) for m in (1, 4, 7, 10)] + [
        date(2025, m, 1) for m in (1, 4, 7)
    ]


def test_client_raises_typed_errors_with_freds_code_and_message() -> None:
    with running_sandbox(rate_per_minute=2) as url:
        client = FredClient(SANDBOX_API_KEY, url, max_attempts=1)
        with pytest.raises(SeriesNotFoundError) as missing:
            client.series_info("NOSUCHSERIES")
        with pytest.raises(InvalidAPIKeyError) as bad_key:
            FredClient("not-a-key", url, max_attempts=1).observations("GDP")
        client.series_info("GDP")  # the second request of a two-per-minute budget
        with pytest.raises(RateLimitedError) as throttled:
            client.series_info("GDP")
    assert (missing.value.code, missing.value.message) == (
        400,
        "Bad Request.  The series does not exist.",
    )
    assert "FRED error 400: Bad Request.  The series does not exist." in str(missing.value)
    assert bad_key.value.code == 400 and "api_key" in bad_key.value.message
    assert throttled.value.code == 429
    assert "not-a-key" not in str(bad_key.value)


def test_client_retries_a_throttled_request_until_the_window_frees() -> None:
    with running_sandbox(rate_per_minute=2, rate_window_seconds=0.5) as url:
        client = FredClient(SANDBOX_API_KEY, url, max_attempts=5, backoff_seconds=0.2)
        titles = [client.series_info("GDP").title for _ in range(4)]
        stats = url.state.stats
        assert titles == ["Gross Domestic Product"] * 4
        assert stats.rate_limited >= 1
        assert stats.total == 4 + stats.rate_limited


def test_client_times_out_instead_of_hanging() -> None:
    naps: list[float] = []
    with running_sandbox(delay_seconds=5) as url:
        client = FredClient(SANDBOX_API_KEY, url, timeout=0.3, max_attempts=2, sleep=naps.append)
        started = time.monotonic()
        with pytest.raises(FredTransportError, match="timed out"):
            client.series_info("GDP")
        # Two tries of 0.3 s; generous for a loaded machine, far below the 5 s answer.
        assert time.monotonic() - started < 4.5
    assert len(naps) == 1  # the timeout was retried once


def test_unreachable_fred_is_a_transport_error() -> None:
    with running_sandbox() as url:
        dead = str(url)
    client = FredClient(SANDBOX_API_KEY, dead, timeout=1, max_attempts=2, backoff_seconds=0.01)
    with pytest.raises(FredTransportError):
        client.series_info("GDP")


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (400, NOT_FOUND_XML, SeriesNotFoundError, 400),
        (
            400,
            b'{"error_code":400,"error_message":"Bad Request.  The series does not exist."}',
            SeriesNotFoundError,
            400,
        ),
        (
            429,
            b'<error code="429" message="Too Many Requests.  Exceeded Rate Limit"/>',
            RateLimitedError,
            429,
        ),
        (502, b"<html>Bad Gateway</html>", FredServerError, 502),
        (
            400,
            b'<error code="400" message="Bad Request.  Variable limit is bad."/>',
            FredAPIError,
            400,
        ),
    ],
)
def test_error_bodies_map_to_typed_exceptions(
    status: int, body: bytes, kind: type[FredAPIError], code: int
) -> None:
    error = error_from_response(status, body)
    assert type(error) is kind
    assert error.code == code
    assert error.message
